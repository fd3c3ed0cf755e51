//! Reading the lists the programme office keeps in spreadsheets: CSV as Excel or LibreOffice
//! writes it (UTF-8 with or without BOM, `;` or `,` between cells, German headers as in the
//! service's own CSV exports, German or ISO dates). Every problem names its line and column, so
//! the office can fix the file and try again; nothing here touches the database.

pub mod activities;
pub mod cells;
pub mod participants;

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use crate::code_enum;
use crate::domain::spreadsheet::unguarded;

code_enum! {
    /// What an import did (or, in a dry run, would do) with a row of the file.
    pub enum RowOutcome {
        /// The row's record was created.
        Created = "created", "Angelegt", "Created";
        /// A dry run: the row would be created.
        WouldCreate = "would_create", "Würde angelegt", "Would be created";
        /// The e-mail address is known already; nothing was changed (importing twice is safe).
        Existing = "existing", "Schon vorhanden, unverändert", "Already there, unchanged";
    }
}

/// The most data rows one file may have (the programme has a few hundred participants).
pub const MAX_ROWS: usize = 5000;

/// What is wrong with one cell (or, with an empty `column`, with a whole line or the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    /// The line in the file, counted as a spreadsheet shows it (the header is line 1).
    pub line: usize,
    /// The column's header as written in the file; empty for the line or file as a whole.
    pub column: String,
    /// What is wrong, in a sentence the office can act on.
    pub reason: String,
}

impl CellProblem {
    /// A problem of `column` on `line`.
    pub fn new(line: usize, column: &str, reason: impl Into<String>) -> Self {
        CellProblem {
            line,
            column: column.to_owned(),
            reason: reason.into(),
        }
    }
}

/// A column a kind of import knows.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The header (compared ignoring case and surrounding spaces).
    pub name: &'static str,
    /// Whether every file must have it.
    pub required: bool,
    /// Read and ignored: columns of the export that an import does not take (e.g. `ID`).
    pub ignored: bool,
}

impl Column {
    /// A column every file must have.
    pub const fn required(name: &'static str) -> Self {
        Column {
            name,
            required: true,
            ignored: false,
        }
    }

    /// A column a file may have.
    pub const fn optional(name: &'static str) -> Self {
        Column {
            name,
            required: false,
            ignored: false,
        }
    }

    /// A column of the export that the import skips.
    pub const fn ignored(name: &'static str) -> Self {
        Column {
            name,
            required: false,
            ignored: true,
        }
    }
}

/// One data line: its cells by the canonical column name.
#[derive(Debug, Clone)]
pub struct Row {
    /// The line the record starts on.
    pub line: usize,
    cells: HashMap<&'static str, String>,
}

impl Row {
    /// The trimmed cell of `column` without the apostrophe an export puts before a
    /// formula-looking start (`'+49 …`); empty when the file has no such column.
    pub fn get(&self, column: &str) -> &str {
        self.cells
            .get(column)
            .map_or("", |cell| unguarded(cell.trim()).trim())
    }

    /// The cell, or `None` when it is empty.
    pub fn optional(&self, column: &str) -> Option<&str> {
        Some(self.get(column)).filter(|cell| !cell.is_empty())
    }
}

/// Splits a file into rows by the known columns. Blank lines are skipped; an unknown, repeated
/// or missing required header, a file that is not UTF-8 or one with too many rows is refused.
pub fn read_table(bytes: &[u8], known: &[Column]) -> Result<Vec<Row>, Vec<CellProblem>> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        vec![CellProblem::new(
            0,
            "",
            "the file is not UTF-8; save it as \"CSV UTF-8\" (Excel) or choose the character set UTF-8 (LibreOffice)",
        )]
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter_of(text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(error)) => return Err(vec![unreadable(1, &error)]),
        None => return Err(vec![CellProblem::new(1, "", "the file is empty")]),
    };
    let columns = map_header(&header, known)?;
    let mut lines = LineCounter::new(text);
    let mut rows = Vec::new();
    for record in records {
        let record = record.map_err(|error| {
            let line = error.position().map_or(0, |p| lines.line_at(p.byte()));
            vec![unreadable(line, &error)]
        })?;
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
        if rows.len() == MAX_ROWS {
            return Err(vec![CellProblem::new(
                line,
                "",
                format!("a file may have at most {MAX_ROWS} rows; split it"),
            )]);
        }
        let mut cells = HashMap::new();
        for (at, cell) in record.iter().enumerate() {
            match columns.get(at).copied().flatten() {
                Some(name) => {
                    cells.insert(name, cell.to_owned());
                }
                None if !cell.trim().is_empty() && at >= columns.len() => {
                    return Err(vec![CellProblem::new(
                        line,
                        "",
                        format!(
                            "the line has more cells than the header ({})",
                            columns.len()
                        ),
                    )]);
                }
                None => {}
            }
        }
        rows.push(Row { line, cells });
    }
    Ok(rows)
}

/// Line numbers from byte offsets, counted once over the file. The reader's own line count lags
/// by one after a CRLF (the LF is read as the start of the next record), so lines are counted
/// here: a record starting at `byte` is on the line after the last line feed up to and including
/// that byte.
struct LineCounter<'a> {
    text: &'a [u8],
    counted_to: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            counted_to: 0,
            line: 1,
        }
    }

    /// The line of a record starting at `byte` (offsets only grow).
    fn line_at(&mut self, byte: u64) -> usize {
        let end = (byte as usize + 1).min(self.text.len());
        if end > self.counted_to {
            self.line += self.text[self.counted_to..end]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.counted_to = end;
        }
        self.line
    }
}

fn unreadable(line: usize, error: &csv::Error) -> CellProblem {
    let reason = match error.kind() {
        csv::ErrorKind::Utf8 { .. } => "the line is not UTF-8".to_owned(),
        _ => "the line cannot be read as CSV (check the quotation marks)".to_owned(),
    };
    CellProblem::new(line, "", reason)
}

/// `;` (German Excel) unless the header line has more commas than semicolons.
fn delimiter_of(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or_default();
    let count = |c: char| header.chars().filter(|&x| x == c).count();
    if count(',') > count(';') { b',' } else { b';' }
}

/// The canonical name of each header cell (`None` for ignored and blank trailing ones).
fn map_header(
    header: &csv::StringRecord,
    known: &[Column],
) -> Result<Vec<Option<&'static str>>, Vec<CellProblem>> {
    let mut problems = Vec::new();
    let mut names = Vec::new();
    for cell in header {
        let wanted = cell.trim().to_lowercase();
        if wanted.is_empty() {
            names.push(None);
            continue;
        }
        match known.iter().find(|c| c.name.to_lowercase() == wanted) {
            Some(column) if names.contains(&Some(column.name)) => {
                problems.push(CellProblem::new(1, cell.trim(), "the column appears twice"));
            }
            Some(column) => names.push((!column.ignored).then_some(column.name)),
            None => problems.push(CellProblem::new(
                1,
                cell.trim(),
                format!(
                    "unknown column; known are: {}",
                    known.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }
    for column in known.iter().filter(|c| c.required) {
        if !names.contains(&Some(column.name)) {
            problems.push(CellProblem::new(1, column.name, "the column is missing"));
        }
    }
    if problems.is_empty() {
        Ok(names)
    } else {
        Err(problems)
    }
}

/// A date as German Excel writes it (`31.12.2024`) or in ISO form (`2024-12-31`), 1990 to 2100.
pub fn parse_date(cell: &str) -> Option<NaiveDate> {
    let cell = cell.trim();
    let date = NaiveDate::parse_from_str(cell, "%d.%m.%Y")
        .or_else(|_| NaiveDate::parse_from_str(cell, "%Y-%m-%d"))
        .ok()?;
    (1990..=2100).contains(&date.year()).then_some(date)
}

/// A yes/no cell: `ja`/`nein` (or `yes`, `no`, `x`, `1`, `0`, `wahr`, `falsch`); empty is no.
pub fn parse_yes_no(cell: &str) -> Option<bool> {
    match cell.trim().to_lowercase().as_str() {
        "" | "nein" | "no" | "0" | "falsch" | "false" => Some(false),
        "ja" | "yes" | "x" | "1" | "wahr" | "true" => Some(true),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: &[Column] = &[
        Column::ignored("ID"),
        Column::required("Vorname"),
        Column::optional("Telefon"),
    ];

    #[test]
    fn excel_files_with_bom_semicolons_and_blank_lines_are_read() {
        let file = "\u{feff}ID;Vorname;Telefon\r\n7;Anna;030 1234\r\n;;\r\n8;\"Jörg; jun.\";\r\n";
        let rows = read_table(file.as_bytes(), COLUMNS).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].get("Vorname"), "Anna");
        assert_eq!(rows[0].get("ID"), "", "ignored columns are not kept");
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[1].get("Vorname"), "Jörg; jun.");
        assert_eq!(rows[1].optional("Telefon"), None);
    }

    #[test]
    fn commas_are_recognised_and_headers_compared_without_case() {
        let rows = read_table(b" vorname ,TELEFON\nAnna,030 1234\n", COLUMNS).unwrap();
        assert_eq!(rows[0].get("Telefon"), "030 1234");
    }

    #[test]
    fn header_problems_name_every_column() {
        let problems = read_table(b"Vorname;Vorname;Fax\n", COLUMNS).unwrap_err();
        let columns: Vec<_> = problems.iter().map(|p| p.column.as_str()).collect();
        assert_eq!(columns, vec!["Vorname", "Fax"]);
        let missing = read_table(b"Telefon\n1\n", COLUMNS).unwrap_err();
        assert_eq!(missing[0].column, "Vorname");
        assert_eq!(missing[0].reason, "the column is missing");
    }

    #[test]
    fn files_that_are_not_utf8_or_too_long_are_refused() {
        let latin1 = b"Vorname\nJ\xf6rg\n";
        assert!(
            read_table(latin1, COLUMNS).unwrap_err()[0]
                .reason
                .contains("UTF-8")
        );
        let long = format!("Vorname\n{}", "Anna\n".repeat(MAX_ROWS + 1));
        let problems = read_table(long.as_bytes(), COLUMNS).unwrap_err();
        assert_eq!(problems[0].line, MAX_ROWS + 2);
        let extra = read_table(b"Vorname\nAnna;x;y\n", COLUMNS).unwrap_err();
        assert_eq!(extra[0].line, 2);
    }

    #[test]
    fn german_and_iso_dates_and_yes_no_cells() {
        let day = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(parse_date("01.03.2024"), Some(day));
        assert_eq!(parse_date("1.3.2024"), Some(day));
        assert_eq!(parse_date("2024-03-01"), Some(day));
        assert_eq!(parse_date("03/01/2024"), None);
        assert_eq!(parse_date("01.03.1890"), None);
        assert_eq!(parse_yes_no("Ja"), Some(true));
        assert_eq!(parse_yes_no(""), Some(false));
        assert_eq!(parse_yes_no("vielleicht"), None);
    }
}
