//! Past activities as the office kept them (sessions held, forum sponsorships run, practice tips
//! published), so the credits of earlier years can be brought over. One row is one activity;
//! `Art` says which, and the cells each kind needs are checked here. What needs the catalogue
//! (formats, forums, topics, the mentors) is resolved by `crate::import::activities`.

use chrono::{NaiveDate, NaiveTime};
use validator::ValidateEmail;

use super::cells::Cells;
use super::{CellProblem, Column, Row};
use crate::code_enum;
use crate::domain::Violation;
use crate::domain::practice_tip::{TipKind, publication_date};
use crate::domain::sponsorship::check_period;
use crate::domain::text::normalize_login;

code_enum! {
    /// The kind of a past activity (the `Art` column).
    pub enum ActivityKind {
        /// A held team-mentoring session: every mentor named is credited on its day.
        Session = "session", "Mentoring-Session", "Mentoring session";
        /// A forum sponsorship that has ended: its mentor is credited on its last day.
        ForumSponsorship = "forum_sponsorship", "Forenpatenschaft", "Forum sponsorship";
        /// A published practice tip: its author is credited on its publication day.
        PracticeTip = "practice_tip", "Praxistipp", "Practice tip";
    }
}

/// The columns. `Art`, `Mentoren` and `Datum` are needed in every file; the others where a row's
/// kind needs them.
pub const COLUMNS: &[Column] = &[
    Column::required("Art"),
    Column::required("Mentoren"),
    Column::required("Datum"),
    Column::optional("Bis"),
    Column::optional("Beginn"),
    Column::optional("Ende"),
    Column::optional("Format"),
    Column::optional("Titel"),
    Column::optional("Forum"),
    Column::optional("Online"),
    Column::optional("Ort"),
    Column::optional("Veranstaltung"),
    Column::optional("Themen"),
    Column::optional("Erreichte Personen"),
    Column::optional("Leitfrage"),
    Column::optional("Zusammenfassung"),
    Column::optional("Stunden"),
    Column::optional("Tipp-Art"),
];

/// What a text the list does not give is stored as (the session's guiding question, a tip's
/// question or abstract): said plainly, so nobody takes it for the mentor's words.
pub const NOT_RECORDED: &str = "Nicht erfasst (aus früheren Unterlagen übernommen)";

/// One past activity of the list, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityRecord {
    /// The line it came from.
    pub line: usize,
    /// The mentors' e-mail addresses (lower-cased logins), in the order given; one for a
    /// sponsorship or a tip.
    pub mentors: Vec<String>,
    pub activity: Activity,
}

/// What each kind records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Activity {
    Session(SessionRecord),
    ForumSponsorship(SponsorshipRecord),
    PracticeTip(TipRecord),
}

impl Activity {
    /// Its kind.
    pub fn kind(&self) -> ActivityKind {
        match self {
            Activity::Session(_) => ActivityKind::Session,
            Activity::ForumSponsorship(_) => ActivityKind::ForumSponsorship,
            Activity::PracticeTip(_) => ActivityKind::PracticeTip,
        }
    }
}

/// A held session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The format as written (code or name); resolved against the catalogue.
    pub format: String,
    pub title: String,
    /// The day in Germany, and the local start and end times.
    pub day: NaiveDate,
    pub starts: NaiveTime,
    pub ends: NaiveTime,
    pub online: bool,
    pub place: Option<String>,
    pub event_name: Option<String>,
    /// Topic titles as written; resolved against the accepted topics.
    pub topics: Vec<String>,
    pub people_reached: Option<i32>,
    pub guiding_question: Option<String>,
    pub summary: Option<String>,
}

/// An ended forum sponsorship.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SponsorshipRecord {
    /// The forum as written (code or German name).
    pub forum: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// The credit option chosen; `None`: the largest the period has weeks for.
    pub hours: Option<i32>,
}

/// A published practice tip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TipRecord {
    pub title: String,
    pub published_on: NaiveDate,
    pub kind: TipKind,
    pub topics: Vec<String>,
    pub question: Option<String>,
    pub summary: Option<String>,
}

/// Checks every row against `today` (an activity of the list has taken place); the records when
/// all are valid, otherwise every problem of every row.
pub fn parse(rows: &[Row], today: NaiveDate) -> Result<Vec<ActivityRecord>, Vec<CellProblem>> {
    let mut records = Vec::new();
    let mut problems = Vec::new();
    for row in rows {
        match parse_row(row, today) {
            Ok(record) => records.push(record),
            Err(mut found) => problems.append(&mut found),
        }
    }
    if problems.is_empty() {
        Ok(records)
    } else {
        Err(problems)
    }
}

/// The column a rule's JSON pointer stands for in this file (the rules are the API's; their
/// pointers name request fields).
pub fn column_of(pointer: &str) -> &'static str {
    let field = pointer.trim_start_matches('/').split('/').next();
    match field.unwrap_or_default() {
        "ends_at" => "Ende",
        "starts_at" => "Beginn",
        "place" => "Ort",
        "format_code" => "Format",
        "event_name" => "Veranstaltung",
        "topic_ids" => "Themen",
        "mentor_ids" | "co_mentor_ids" | "author_id" => "Mentoren",
        "ends_on" => "Bis",
        "starts_on" | "published_on" => "Datum",
        "credit_hours" => "Stunden",
        "forum_id" => "Forum",
        _ => "",
    }
}

/// A broken rule as the problems of `line`: each field at its column, a conflict at
/// `conflict_column`.
pub fn problems_of(line: usize, violation: Violation, conflict_column: &str) -> Vec<CellProblem> {
    match violation {
        Violation::Invalid(fields) => fields
            .into_iter()
            .map(|f| CellProblem::new(line, column_of(&f.pointer), f.detail))
            .collect(),
        Violation::Conflict(message) => vec![CellProblem::new(line, conflict_column, message)],
    }
}

fn parse_row(row: &Row, today: NaiveDate) -> Result<ActivityRecord, Vec<CellProblem>> {
    let mut cells = Cells::new(row);
    let kind = cells.code::<ActivityKind>("Art", true);
    let mentors = mentors_of(&mut cells, kind);
    let day = cells.date("Datum", true);
    if day.is_some_and(|d| d > today) {
        cells.fail(
            "Datum",
            "must not be in the future: the import records what took place",
        );
    }
    let activity = match (kind, day) {
        (Some(ActivityKind::Session), Some(day)) => session(&mut cells, day).map(Activity::Session),
        (Some(ActivityKind::ForumSponsorship), Some(day)) => {
            sponsorship(&mut cells, day, today).map(Activity::ForumSponsorship)
        }
        (Some(ActivityKind::PracticeTip), Some(day)) => {
            tip(&mut cells, day, today).map(Activity::PracticeTip)
        }
        _ => None,
    };
    match activity {
        Some(activity) if cells.all_valid() => Ok(ActivityRecord {
            line: row.line,
            mentors,
            activity,
        }),
        _ => Err(cells.into_problems()),
    }
}

/// The mentors' addresses: at least one, one only for a sponsorship or a tip.
fn mentors_of(cells: &mut Cells<'_>, kind: Option<ActivityKind>) -> Vec<String> {
    let mentors: Vec<String> = cells
        .list("Mentoren")
        .iter()
        .map(|m| normalize_login(m))
        .collect();
    if mentors.is_empty() {
        cells.fail("Mentoren", "must name the mentor's e-mail address");
    }
    if mentors.iter().any(|m| !m.validate_email() || m.len() > 254) {
        cells.fail("Mentoren", "must be e-mail addresses, separated by commas");
    }
    if kind.is_some_and(|k| k != ActivityKind::Session) && mentors.len() > 1 {
        cells.fail(
            "Mentoren",
            "a forum sponsorship or practice tip has one mentor",
        );
    }
    mentors
}

fn session(cells: &mut Cells<'_>, day: NaiveDate) -> Option<SessionRecord> {
    let format = cells.text("Format", true, 64);
    let title = cells.text("Titel", true, 200);
    let starts = cells.time("Beginn", true);
    let ends = cells.time("Ende", true);
    let online = cells.yes_no("Online");
    let place = cells.text("Ort", false, 300);
    let event_name = cells.text("Veranstaltung", false, 300);
    let topics = cells.list("Themen");
    if topics.is_empty() {
        cells.fail("Themen", "must name at least one topic of the catalogue");
    }
    let people_reached = cells.number("Erreichte Personen", false, 0..=100_000);
    let guiding_question = cells.long_text("Leitfrage", false, 2000);
    let summary = cells.long_text("Zusammenfassung", false, 10_000);
    Some(SessionRecord {
        format: format?,
        title: title?,
        day,
        starts: starts?,
        ends: ends?,
        online,
        place,
        event_name,
        topics,
        people_reached,
        guiding_question,
        summary,
    })
}

fn sponsorship(
    cells: &mut Cells<'_>,
    starts_on: NaiveDate,
    today: NaiveDate,
) -> Option<SponsorshipRecord> {
    let forum = cells.text("Forum", true, 300);
    let ends_on = cells.date("Bis", true);
    let hours = cells.number("Stunden", false, 1..=1000);
    if let Some(ends_on) = ends_on {
        if let Err(problem) = check_period(starts_on, ends_on) {
            for p in problems_of(0, Violation::from(problem), "Bis") {
                cells.fail(&p.column, p.reason);
            }
        }
        if ends_on >= today {
            cells.fail(
                "Bis",
                "must lie before today: a sponsorship is imported once it has ended",
            );
        }
    }
    Some(SponsorshipRecord {
        forum: forum?,
        starts_on,
        ends_on: ends_on?,
        hours,
    })
}

fn tip(cells: &mut Cells<'_>, day: NaiveDate, today: NaiveDate) -> Option<TipRecord> {
    let title = cells.text("Titel", true, 200);
    let kind = cells
        .code::<TipKind>("Tipp-Art", false)
        .unwrap_or(TipKind::Text);
    // The future is refused with `Datum` already.
    let published_on = publication_date(Some(day), today).ok();
    let topics = cells.list("Themen");
    let question = cells.long_text("Leitfrage", false, 2000);
    let summary = cells.long_text("Zusammenfassung", false, 2000);
    Some(TipRecord {
        title: title?,
        published_on: published_on?,
        kind,
        topics,
        question,
        summary,
    })
}

#[cfg(test)]
mod tests {
    use super::super::read_table;
    use super::*;

    fn today() -> NaiveDate {
        "2026-12-04".parse().unwrap()
    }

    fn parsed(file: &str) -> Result<Vec<ActivityRecord>, Vec<CellProblem>> {
        parse(&read_table(file.as_bytes(), COLUMNS).unwrap(), today())
    }

    const HEADER: &str =
        "Art;Mentoren;Datum;Bis;Beginn;Ende;Format;Titel;Forum;Online;Ort;Themen;Stunden\n";

    #[test]
    fn each_kind_is_read_with_its_own_cells() {
        let file = format!(
            "{HEADER}Mentoring-Session;\"a@x.de, B@x.de\";12.03.2025;;10:00;11:30;webinar;Wärme;;ja;;Wärmeplanung;\n\
             Forenpatenschaft;c@x.de;01.01.2025;30.06.2025;;;;;Energie;;;;20\n\
             Praxistipp;d@x.de;2024-05-02;;;;;Haushalt;;;;;\n"
        );
        let records = parsed(&file).unwrap();
        let Activity::Session(session) = &records[0].activity else {
            panic!("a session")
        };
        assert_eq!(records[0].mentors, vec!["a@x.de", "b@x.de"]);
        assert_eq!(session.starts, NaiveTime::from_hms_opt(10, 0, 0).unwrap());
        assert!(session.online);
        assert_eq!(session.topics, vec!["Wärmeplanung"]);
        assert_eq!(
            records[1].activity,
            Activity::ForumSponsorship(SponsorshipRecord {
                forum: "Energie".into(),
                starts_on: "2025-01-01".parse().unwrap(),
                ends_on: "2025-06-30".parse().unwrap(),
                hours: Some(20),
            })
        );
        assert_eq!(records[2].activity.kind(), ActivityKind::PracticeTip);
        assert_eq!(records[2].line, 4);
    }

    #[test]
    fn every_missing_or_wrong_cell_is_named_with_its_line() {
        let file = format!(
            "{HEADER}Mentoring-Session;a@x.de;12.03.2025;;10:00;spät;;Wärme;;vielleicht;;;\n\
             Forenpatenschaft;\"c@x.de,d@x.de\";01.01.2025;15.02.2025;;;;;Energie;;;;\n\
             Praxistipp;nobody;01.01.2030;;;;;Haushalt;;;;;\n\
             Workshop;e@x.de;01.01.2025;;;;;;;;;;\n"
        );
        let problems = parsed(&file).unwrap_err();
        let named: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.line, p.column.as_str()))
            .collect();
        assert_eq!(
            named,
            vec![
                (2, "Format"),
                (2, "Ende"),
                (2, "Online"),
                (2, "Themen"),
                (3, "Mentoren"),
                (3, "Bis"),
                (4, "Mentoren"),
                (4, "Datum"),
                (5, "Art"),
            ]
        );
    }

    #[test]
    fn a_sponsorship_that_has_not_ended_is_not_imported() {
        let file =
            format!("{HEADER}Forenpatenschaft;c@x.de;01.06.2026;30.11.2026;;;;;Energie;;;;\n");
        assert!(parsed(&file).is_ok());
        let running =
            format!("{HEADER}Forenpatenschaft;c@x.de;01.07.2026;31.12.2026;;;;;Energie;;;;\n");
        let problems = parsed(&running).unwrap_err();
        assert_eq!(problems[0].column, "Bis");
    }

    #[test]
    fn rule_pointers_become_the_file_s_columns() {
        let violation = Violation::field("/topic_ids/1", "unknown");
        let problems = problems_of(7, violation, "Format");
        assert_eq!(problems, vec![CellProblem::new(7, "Themen", "unknown")]);
        let conflict = problems_of(7, Violation::conflict("full"), "Forum");
        assert_eq!(conflict[0].column, "Forum");
    }
}
