//! `POST /imports/activities`: the office brings over the sessions, forum sponsorships and
//! practice tips of earlier years as CSV, so their credits count in the right project years.

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::{ImportParams, read_csv};
use crate::api::http::response::private_json;
use crate::auth::StaffCaller;
use crate::db::{self, DbPool};
use crate::domain::import::activities::{self as listed, ActivityKind, COLUMNS};
use crate::domain::import::{RowOutcome, read_table};
use crate::domain::programme_time::programme_today;
use crate::error::AppError;
use crate::import::{ActivityReport, import_activities as apply, refusal};

/// What the import did with one row.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityImportRow {
    /// The line in the file (the header is line 1), as a spreadsheet numbers it.
    pub line: u64,
    pub kind: ActivityKind,
    pub outcome: RowOutcome,
    /// The session, forum sponsorship or practice tip created or found (by `kind`); `null` in a
    /// dry run.
    #[schema(required = true)]
    pub activity_id: Option<i64>,
    /// Hours credited for it, all its mentors together (in a dry run: would be credited).
    pub credited_hours: i64,
}

/// The result of an import of past activities: counts and one entry per data row.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "dry_run": true,
    "created": 0,
    "would_create": 1,
    "existing": 0,
    "credited_hours": 40,
    "rows": [{
        "line": 2,
        "kind": "session",
        "outcome": "would_create",
        "activity_id": null,
        "credited_hours": 40
    }]
}))]
pub struct ActivityImportResult {
    /// Whether this was a dry run (nothing was written).
    pub dry_run: bool,
    /// Rows created (0 in a dry run).
    pub created: u64,
    /// Rows a dry run would create (0 otherwise).
    pub would_create: u64,
    /// Rows brought over before; left unchanged.
    pub existing: u64,
    /// Hours credited by the rows created (or, in a dry run, that would be).
    pub credited_hours: i64,
    pub rows: Vec<ActivityImportRow>,
}

impl From<ActivityReport> for ActivityImportResult {
    fn from(report: ActivityReport) -> Self {
        let count = |outcome| report.count(outcome) as u64;
        let new = |row: &&crate::import::ImportedActivity| row.outcome != RowOutcome::Existing;
        ActivityImportResult {
            dry_run: report.dry_run,
            created: count(RowOutcome::Created),
            would_create: count(RowOutcome::WouldCreate),
            existing: count(RowOutcome::Existing),
            credited_hours: report
                .rows
                .iter()
                .filter(new)
                .map(|r| r.credited_hours)
                .sum(),
            rows: report
                .rows
                .iter()
                .map(|row| ActivityImportRow {
                    line: row.line as u64,
                    kind: row.kind,
                    outcome: row.outcome,
                    activity_id: row.activity_id,
                    credited_hours: row.credited_hours,
                })
                .collect(),
        }
    }
}

/// Imports past activities from a CSV file, all or nothing.
///
/// Staff only. The file is read as for the participant import (UTF-8 with or
/// without BOM, `;` or `,`, German headers, dates as `31.12.2024` or `2024-12-31`). One row is
/// one activity; `Art`, `Mentoren` (the mentors' e-mail addresses, separated by commas) and
/// `Datum` are needed in every file:
///
/// - `Mentoring-Session`: `Format` (code or name of a team format), `Titel`, `Beginn` and
///   `Ende` (times in Germany, e.g. `10:00`), `Themen` (ids or titles of accepted topics), `Ort` unless
///   `Online` is `ja`, `Veranstaltung` for an expert event session; optionally
///   `Erreichte Personen`, `Leitfrage`, `Zusammenfassung`. It becomes a documented session and
///   every mentor is credited on its day.
/// - `Forenpatenschaft`: one mentor, `Forum` (code or name), `Datum` the first and `Bis` the
///   last day (6–12 months, ended before today), optionally `Stunden` (a credit option; else
///   the largest the period has weeks for). It becomes a completed sponsorship credited on its
///   last day, if the forum had a free slot then.
/// - `Praxistipp`: one mentor (the author), `Titel`, `Datum` the publication day; optionally
///   `Tipp-Art`, `Themen`, `Leitfrage`, `Zusammenfassung`. It becomes a published tip credited
///   on that day; its PDF can be uploaded later.
///
/// The mentors must be participants with the mentor role (import the participant list first).
/// Credits follow the catalogue rule valid on the activity's day. All or nothing: any problem
/// refuses the whole file with a 422 whose `errors` name every problem as
/// `/lines/{line}/{column}`. A row brought over before (same format, start and title; same
/// forum, mentor and start; same author and title) is `existing` and left unchanged. With
/// `dry_run=true` every row is checked as the import would apply it, and nothing is kept.
/// Audited per activity (`session.imported`, …) with the acting account and the mentors.
#[utoipa::path(
    tag = "imports",
    operation_id = "import_activities",
    params(ImportParams),
    request_body(content = Vec<u8>, content_type = "text/csv",
        description = "The activities (at most 4 MiB, 5000 rows)."),
    responses(
        (status = 200, description = "Imported (or, in a dry run, checked); one result per data row.", body = ActivityImportResult),
        (status = 413, description = "The file is larger than 4 MiB."),
        (status = 415, description = "The body is not declared as `text/csv`."),
        (status = 422, description = "The file has problems; nothing was imported. Each is named by line and column.")
    )
)]
#[post("/imports/activities")]
pub async fn import_activities(
    StaffCaller(caller): StaffCaller,
    req: HttpRequest,
    params: web::Query<ImportParams>,
    body: web::Payload,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let bytes = read_csv(&req, body).await?;
    let records = read_table(&bytes, COLUMNS)
        .and_then(|rows| listed::parse(&rows, programme_today()))
        .map_err(refusal)?;
    let dry_run = params.dry_run;
    let actor = caller.actor();
    let report = db::write(&pool, move |conn| apply(conn, &records, dry_run, &actor)).await?;
    Ok(private_json(&ActivityImportResult::from(report)))
}
