//! Reading one row's cells by the rules the API applies to the same fields, collecting every
//! problem of the row (so the office sees all of them at once, not one per attempt).

use chrono::{NaiveDate, NaiveTime};

use super::{CellProblem, Row, parse_date, parse_yes_no};
use crate::domain::codes::{Code, parse_label};
use crate::domain::lang::Lang;
use crate::domain::text;

/// Collects the problems of one row's cells.
pub struct Cells<'a> {
    row: &'a Row,
    problems: Vec<CellProblem>,
}

impl<'a> Cells<'a> {
    /// Starts reading `row`.
    pub fn new(row: &'a Row) -> Self {
        Cells {
            row,
            problems: Vec::new(),
        }
    }

    /// The problems found so far, in the order the cells were read.
    pub fn into_problems(self) -> Vec<CellProblem> {
        self.problems
    }

    /// Whether no cell had a problem so far.
    pub fn all_valid(&self) -> bool {
        self.problems.is_empty()
    }

    /// Records a problem of `column`.
    pub fn fail(&mut self, column: &str, reason: impl Into<String>) {
        self.problems
            .push(CellProblem::new(self.row.line, column, reason));
    }

    /// The cell, or a problem when it is empty and `required`.
    fn present(&mut self, column: &str, required: bool) -> Option<&'a str> {
        let cell = self.row.get(column);
        if cell.is_empty() {
            if required {
                self.fail(column, "must not be empty");
            }
            return None;
        }
        Some(cell)
    }

    /// A line of visible text of at most `max` characters.
    pub fn text(&mut self, column: &str, required: bool, max: usize) -> Option<String> {
        self.checked_text(column, required, max, text::single_line)
    }

    /// Visible text that may span lines (a summary), at most `max` characters.
    pub fn long_text(&mut self, column: &str, required: bool, max: usize) -> Option<String> {
        self.checked_text(column, required, max, text::multi_line)
    }

    fn checked_text(
        &mut self,
        column: &str,
        required: bool,
        max: usize,
        check: fn(&str) -> Result<(), validator::ValidationError>,
    ) -> Option<String> {
        let cell = self.present(column, required)?;
        if let Err(error) = check(cell) {
            self.fail(column, message_of(&error));
            return None;
        }
        if cell.chars().count() > max {
            self.fail(column, format!("must be at most {max} characters"));
            return None;
        }
        Some(cell.to_owned())
    }

    /// A code given by its code or German or English label; `None` (and no problem) when empty
    /// and optional.
    pub fn code<T: Code>(&mut self, column: &str, required: bool) -> Option<T> {
        let cell = self.present(column, required)?;
        let parsed = parse_label::<T>(cell);
        if parsed.is_none() {
            let choices: Vec<_> = T::ALL.iter().map(|v| v.label_in(Lang::De)).collect();
            self.fail(column, format!("must be one of: {}", choices.join(", ")));
        }
        parsed
    }

    /// A date such as `31.12.2024` or `2024-12-31`.
    pub fn date(&mut self, column: &str, required: bool) -> Option<NaiveDate> {
        let cell = self.present(column, required)?;
        let date = parse_date(cell);
        if date.is_none() {
            self.fail(
                column,
                "must be a date between 1990 and 2100 such as 31.12.2024 or 2024-12-31",
            );
        }
        date
    }

    /// A time of day such as `09:30` (or `9.30`, as some spreadsheets write it).
    pub fn time(&mut self, column: &str, required: bool) -> Option<NaiveTime> {
        let cell = self.present(column, required)?;
        let time = NaiveTime::parse_from_str(cell, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(cell, "%H:%M:%S"))
            .or_else(|_| NaiveTime::parse_from_str(cell, "%H.%M"))
            .ok();
        if time.is_none() {
            self.fail(column, "must be a time of day such as 09:30");
        }
        time
    }

    /// A whole number in `range`.
    pub fn number(
        &mut self,
        column: &str,
        required: bool,
        range: std::ops::RangeInclusive<i32>,
    ) -> Option<i32> {
        let cell = self.present(column, required)?;
        let number = cell.parse::<i32>().ok().filter(|n| range.contains(n));
        if number.is_none() {
            self.fail(
                column,
                format!(
                    "must be a whole number from {} to {}",
                    range.start(),
                    range.end()
                ),
            );
        }
        number
    }

    /// `ja` or `nein`; empty is `nein`.
    pub fn yes_no(&mut self, column: &str) -> bool {
        parse_yes_no(self.row.get(column)).unwrap_or_else(|| {
            self.fail(column, "must be ja or nein (empty means nein)");
            false
        })
    }

    /// The entries of a list cell separated by `,`, `;` or line breaks, trimmed, empty ones
    /// left out.
    pub fn list(&self, column: &str) -> Vec<String> {
        split_list(self.row.get(column))
    }
}

/// The entries of a list cell (see [`Cells::list`]).
pub fn split_list(cell: &str) -> Vec<String> {
    cell.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A validator error as a sentence.
pub fn message_of(error: &validator::ValidationError) -> String {
    error
        .message
        .as_ref()
        .map_or_else(|| error.code.to_string(), ToString::to_string)
}
