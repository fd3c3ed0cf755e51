//! A participant list as the office keeps it: the columns of the participants export
//! (`Accept: text/csv` on `GET /participants`), plus the experience and the consents, which the
//! export does not show. Every cell is checked by the rules a registration obeys.

use std::collections::HashMap;

use chrono::NaiveDate;
use validator::ValidateEmail;

use super::cells::{Cells, message_of};
use super::{CellProblem, Column, Row};
use crate::domain::codes::parse_label;
use crate::domain::participant::{Experience, FederalState, ProjectKind, RoleCode, Salutation};
use crate::domain::text::{self, normalize_login};

/// The columns, named as in the export; `ID` and `Status` are the export's own and skipped.
pub const COLUMNS: &[Column] = &[
    Column::ignored("ID"),
    Column::ignored("Status"),
    Column::optional("Anrede"),
    Column::required("Vorname"),
    Column::required("Nachname"),
    Column::required("E-Mail"),
    Column::required("Telefon"),
    Column::required("Rollen"),
    Column::required("Projektart"),
    Column::required("Arbeitgeber"),
    Column::required("Kommune"),
    Column::required("Bundesland"),
    Column::optional("Förderkennzeichen"),
    Column::required("Projektbeginn"),
    Column::optional("Projektende"),
    Column::optional("Erfahrung"),
    Column::optional("Einwilligung Verzeichnis"),
    Column::optional("Einwilligung Newsletter-Begrüßung"),
];

/// The experience of a person the list does not say it of.
pub const DEFAULT_EXPERIENCE: Experience = Experience::Some;

/// One participant of the list, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantRecord {
    /// The line it came from.
    pub line: usize,
    pub salutation: Option<Salutation>,
    pub first_name: String,
    pub last_name: String,
    /// Lower-cased and trimmed: the login.
    pub email: String,
    pub phone: String,
    pub mentee: bool,
    pub mentor: bool,
    pub experience: Experience,
    pub consent_directory: bool,
    pub consent_newsletter_welcome: bool,
    pub project: ProjectRecord,
}

/// The project a listed participant works in now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectRecord {
    pub kind: ProjectKind,
    pub employer: String,
    pub municipality: String,
    pub federal_state: FederalState,
    pub funding_reference: Option<String>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
}

/// Checks every row; the records when all are valid, otherwise every problem of every row
/// (including an address that appears twice in the file).
pub fn parse(rows: &[Row]) -> Result<Vec<ParticipantRecord>, Vec<CellProblem>> {
    let mut records = Vec::new();
    let mut problems = Vec::new();
    let mut first_line_of: HashMap<String, usize> = HashMap::new();
    for row in rows {
        match parse_row(row) {
            Ok(record) => match first_line_of.get(&record.email) {
                Some(first) => problems.push(CellProblem::new(
                    row.line,
                    "E-Mail",
                    format!("the address appears already on line {first}"),
                )),
                None => {
                    first_line_of.insert(record.email.clone(), row.line);
                    records.push(record);
                }
            },
            Err(mut found) => problems.append(&mut found),
        }
    }
    if problems.is_empty() {
        Ok(records)
    } else {
        Err(problems)
    }
}

/// The roles of a cell such as `Mentee, Mentorin/Mentor` (as the export writes them).
fn roles_of(cell: &str) -> Option<(bool, bool)> {
    let mut roles = (false, false);
    for part in cell
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let role = parse_label::<RoleCode>(part).or_else(|| {
            ["mentorin", "mentor/in", "mentor*in"]
                .contains(&part.to_lowercase().as_str())
                .then_some(RoleCode::Mentor)
        })?;
        match role {
            RoleCode::Mentee => roles.0 = true,
            RoleCode::Mentor => roles.1 = true,
        }
    }
    (roles.0 || roles.1).then_some(roles)
}

/// Checks the cells in the order of [`COLUMNS`], so the problems come in that order.
fn parse_row(row: &Row) -> Result<ParticipantRecord, Vec<CellProblem>> {
    let mut cells = Cells::new(row);
    let salutation = cells.code::<Salutation>("Anrede", false);
    let first_name = cells.text("Vorname", true, 100);
    let last_name = cells.text("Nachname", true, 100);
    let email = normalize_login(row.get("E-Mail"));
    if !email.validate_email() || email.len() > 254 {
        cells.fail("E-Mail", "must be an e-mail address");
    }
    let phone = row.get("Telefon").to_owned();
    if let Err(error) = text::phone(&phone) {
        cells.fail("Telefon", message_of(&error));
    }
    let roles = roles_of(row.get("Rollen"));
    if roles.is_none() {
        cells.fail("Rollen", "must name Mentee, Mentorin/Mentor or both");
    }
    let kind = cells.code::<ProjectKind>("Projektart", true);
    let employer = cells.text("Arbeitgeber", true, 200);
    let municipality = cells.text("Kommune", true, 200);
    let federal_state = cells.code::<FederalState>("Bundesland", true);
    let funding_reference = cells.text("Förderkennzeichen", false, 40);
    if funding_reference
        .as_ref()
        .is_some_and(|r| r.chars().count() < 3)
    {
        cells.fail("Förderkennzeichen", "must be at least 3 characters");
    }
    if kind.is_some_and(ProjectKind::is_funded) && row.optional("Förderkennzeichen").is_none() {
        cells.fail("Förderkennzeichen", "is required for funded project kinds");
    }
    let start_date = cells.date("Projektbeginn", true);
    let end_date = cells.date("Projektende", false);
    if let (Some(start), Some(end)) = (start_date, end_date)
        && end < start
    {
        cells.fail("Projektende", "must not be before Projektbeginn");
    }
    let experience = cells
        .code::<Experience>("Erfahrung", false)
        .unwrap_or(DEFAULT_EXPERIENCE);
    let consent_directory = cells.yes_no("Einwilligung Verzeichnis");
    let consent_newsletter_welcome = cells.yes_no("Einwilligung Newsletter-Begrüßung");
    let problems = cells.into_problems();
    match (
        first_name,
        last_name,
        roles,
        kind,
        employer,
        municipality,
        federal_state,
        start_date,
    ) {
        (
            Some(first_name),
            Some(last_name),
            Some((mentee, mentor)),
            Some(kind),
            Some(employer),
            Some(municipality),
            Some(federal_state),
            Some(start_date),
        ) if problems.is_empty() => Ok(ParticipantRecord {
            line: row.line,
            salutation,
            first_name,
            last_name,
            email,
            phone,
            mentee,
            mentor,
            experience,
            consent_directory,
            consent_newsletter_welcome,
            project: ProjectRecord {
                kind,
                employer,
                municipality,
                federal_state,
                funding_reference,
                start_date,
                end_date,
            },
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::import::read_table;

    const HEADER: &str = "ID;Status;Anrede;Vorname;Nachname;E-Mail;Telefon;Rollen;Projektart;Arbeitgeber;Kommune;Bundesland;Förderkennzeichen;Projektbeginn;Projektende";

    fn parse_file(lines: &[&str]) -> Result<Vec<ParticipantRecord>, Vec<CellProblem>> {
        let file = format!("{HEADER}\n{}\n", lines.join("\n"));
        parse(&read_table(file.as_bytes(), COLUMNS).expect("the header is right"))
    }

    #[test]
    fn a_line_of_the_export_is_read_back() {
        let records = parse_file(&[
            "3;Aktiv;Frau;Anna;Berg;Anna.Berg@Example.org;+49 30 1234567;Mentee, Mentorin/Mentor;Anschlussvorhaben (KSM2);Stadt Musterstadt;Musterstadt;Nordrhein-Westfalen;67K12345;01.03.2024;",
        ])
        .unwrap();
        let anna = &records[0];
        assert_eq!(anna.line, 2);
        assert_eq!(anna.email, "anna.berg@example.org");
        assert_eq!(anna.salutation, Some(Salutation::Ms));
        assert!(anna.mentee && anna.mentor);
        assert_eq!(anna.project.kind, ProjectKind::FollowUpProject);
        assert_eq!(anna.project.federal_state, FederalState::NW);
        assert_eq!(anna.project.start_date.to_string(), "2024-03-01");
        assert_eq!(anna.experience, DEFAULT_EXPERIENCE);
        assert!(
            !anna.consent_directory,
            "no consent unless the list says so"
        );
    }

    #[test]
    fn every_bad_cell_is_named_with_its_line() {
        let problems = parse_file(&[
            ";;;Anna;Berg;anna.berg@example.org;030 1234567;Mentorin;first_project;Stadt A;A;NW;67K1;2024-01-01;",
            ";;Dr.;;Kurz;kein-mail;12;Chef;KSM9;Stadt B;B;Atlantis;;32.01.2024;2023-01-01",
            ";;;Anna;Zwei;ANNA.BERG@example.org;030 1234567;Mentee;Verstetigte Stelle;Stadt C;C;BY;;2024-01-01;",
        ])
        .unwrap_err();
        let on_line_3: Vec<_> = problems
            .iter()
            .filter(|p| p.line == 3)
            .map(|p| p.column.as_str())
            .collect();
        assert_eq!(
            on_line_3,
            vec![
                "Anrede",
                "Vorname",
                "E-Mail",
                "Telefon",
                "Rollen",
                "Projektart",
                "Bundesland",
                "Projektbeginn"
            ]
        );
        let duplicate = problems.iter().find(|p| p.line == 4).unwrap();
        assert_eq!(duplicate.column, "E-Mail");
        assert!(duplicate.reason.contains("line 2"));
        assert!(problems.iter().all(|p| p.line != 2));
    }

    #[test]
    fn funded_projects_need_a_reference_and_an_end_after_the_start() {
        let problems = parse_file(&[
            ";;;Anna;Berg;a@example.org;030 1234567;Mentee;Erstvorhaben (KSM1);Stadt A;A;NW;;01.03.2024;28.02.2024",
        ])
        .unwrap_err();
        let columns: Vec<_> = problems.iter().map(|p| p.column.as_str()).collect();
        assert_eq!(columns, vec!["Förderkennzeichen", "Projektende"]);
    }
}
