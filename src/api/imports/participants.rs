//! `POST /imports/participants`: the office brings over its participant list as CSV.

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::{ImportParams, read_csv};
use crate::api::http::response::private_json;
use crate::auth::StaffCaller;
use crate::db::{self, DbPool};
use crate::domain::import::participants::{self as listed, COLUMNS};
use crate::domain::import::{RowOutcome, read_table};
use crate::error::AppError;
use crate::import::{ImportReport, import_participants as apply, refusal};
use crate::mail::Links;

/// What the import did with one row.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRowResult {
    /// The line in the file (the header is line 1), as a spreadsheet numbers it.
    pub line: u64,
    pub outcome: RowOutcome,
    /// The participant created or found; `null` for a row a dry run would create.
    #[schema(required = true)]
    pub participant_id: Option<i64>,
}

/// The result of an import: counts and one entry per data row.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "dry_run": false,
    "created": 1,
    "would_create": 0,
    "existing": 1,
    "rows": [
        {"line": 2, "outcome": "created", "participant_id": 41},
        {"line": 3, "outcome": "existing", "participant_id": 5}
    ]
}))]
pub struct ImportResult {
    /// Whether this was a dry run (nothing was written).
    pub dry_run: bool,
    /// Rows created (0 in a dry run).
    pub created: u64,
    /// Rows a dry run would create (0 otherwise).
    pub would_create: u64,
    /// Rows whose e-mail address is known already; left unchanged.
    pub existing: u64,
    pub rows: Vec<ImportRowResult>,
}

impl From<ImportReport> for ImportResult {
    fn from(report: ImportReport) -> Self {
        let count = |outcome| report.count(outcome) as u64;
        ImportResult {
            dry_run: report.dry_run,
            created: count(RowOutcome::Created),
            would_create: count(RowOutcome::WouldCreate),
            existing: count(RowOutcome::Existing),
            rows: report
                .rows
                .iter()
                .map(|row| ImportRowResult {
                    line: row.line as u64,
                    outcome: row.outcome,
                    participant_id: row.participant_id,
                })
                .collect(),
        }
    }
}

/// Imports participants from a CSV file, all or nothing.
///
/// Staff only. The file is read as Excel or LibreOffice write it: UTF-8 with or without
/// BOM, `;` or `,` between cells, the German headers of the participants export (`Anrede`,
/// `Vorname`, `Nachname`, `E-Mail`, `Telefon`, `Rollen`, `Projektart`, `Arbeitgeber`, `Kommune`,
/// `Bundesland`, `Förderkennzeichen`, `Projektbeginn`, `Projektende`; `ID` and `Status` are
/// skipped) plus the optional `Erfahrung`, `Einwilligung Verzeichnis` and
/// `Einwilligung Newsletter-Begrüßung` (`ja`/`nein`, empty is `nein`). Codes may be given as
/// code or label, dates as `31.12.2024` or `2024-12-31`.
///
/// All or nothing: any bad cell refuses the whole file with a 422 whose `errors` name every
/// problem as `/lines/{line}/{column}`. A new address becomes a `pending` participant whose
/// account has no password yet; the person gets an invitation e-mail to set one (valid 14 days)
/// and is activated once the contact sheet is confirmed, as after a registration. A known
/// address is left unchanged, so importing the same file again creates nothing twice. With
/// `dry_run=true` nothing is written and no mail is sent.
#[utoipa::path(
    tag = "imports",
    operation_id = "import_participants",
    params(ImportParams),
    request_body(content = Vec<u8>, content_type = "text/csv",
        description = "The participant list (at most 4 MiB, 5000 rows)."),
    responses(
        (status = 200, description = "Imported (or, in a dry run, checked); one result per data row.", body = ImportResult),
        (status = 413, description = "The file is larger than 4 MiB."),
        (status = 415, description = "The body is not declared as `text/csv`."),
        (status = 422, description = "The file has problems; nothing was imported. Each is named by line and column.")
    )
)]
#[post("/imports/participants")]
pub async fn import_participants(
    StaffCaller(caller): StaffCaller,
    req: HttpRequest,
    params: web::Query<ImportParams>,
    body: web::Payload,
    links: web::Data<Links>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let bytes = read_csv(&req, body).await?;
    let records = read_table(&bytes, COLUMNS)
        .and_then(|rows| listed::parse(&rows))
        .map_err(refusal)?;
    let dry_run = params.dry_run;
    let actor = caller.actor();
    let links = links.get_ref().clone();
    let report = db::write(&pool, move |conn| {
        apply(conn, &records, dry_run, &actor, &links)
    })
    .await?;
    Ok(private_json(&ImportResult::from(report)))
}
