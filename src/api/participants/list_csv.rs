//! `GET /participants.csv`: the staff list of participants as one CSV file for German Excel.

use actix_web::{HttpResponse, get, web};

use super::directory::{DirectoryFilter, StaffFilter};
use super::views::{Assembled, assemble};
use crate::api::http::csv_export;
use crate::auth::StaffCaller;
use crate::db::models::participants;
use crate::db::{self, DbPool};
use crate::domain::lang::Lang;
use crate::error::AppError;

const CSV_HEADER: [&str; 15] = [
    "ID",
    "Status",
    "Anrede",
    "Vorname",
    "Nachname",
    "E-Mail",
    "Telefon",
    "Rollen",
    "Projektart",
    "Arbeitgeber",
    "Kommune",
    "Bundesland",
    "Förderkennzeichen",
    "Projektbeginn",
    "Projektende",
];

const EXAMPLE: &str = "ID;Status;Anrede;Vorname;Nachname;E-Mail;Telefon;Rollen;Projektart;\
Arbeitgeber;Kommune;Bundesland;Förderkennzeichen;Projektbeginn;Projektende\n\
7;Aktiv;Frau;Greta;Sonnenschein;greta.sonnenschein@example.org;+49 341 1234567;Mentorin/Mentor;\
Anschlussvorhaben (KSM2);Stadt Leipzig;Leipzig;Sachsen;67K54321;2025-01-01;2027-12-31\n";

fn csv_row(a: &Assembled, today: chrono::NaiveDate, lang: Lang) -> Vec<String> {
    let r = a.response(today);
    let project = r.current_project.as_ref();
    let text = |v: Option<String>| v.unwrap_or_default();
    vec![
        r.id.to_string(),
        r.status.label(lang).to_owned(),
        text(r.salutation.map(|s| s.label(lang).to_owned())),
        r.first_name.clone(),
        r.last_name.clone(),
        r.email.clone(),
        r.phone.clone(),
        r.roles
            .iter()
            .map(|c| c.label(lang))
            .collect::<Vec<_>>()
            .join(", "),
        text(project.map(|p| p.kind.label(lang).to_owned())),
        text(project.map(|p| p.employer.clone())),
        text(project.map(|p| p.municipality.clone())),
        text(project.map(|p| p.federal_state.label(lang).to_owned())),
        text(project.and_then(|p| p.funding_reference.clone())),
        text(project.map(|p| p.start_date.to_string())),
        text(project.and_then(|p| p.end_date).map(|d| d.to_string())),
    ]
}

/// Every participant matching the filters as one CSV file (staff only)
///
/// The same filters and rows as `GET /participants`, but every matching participant in one file
/// (no paging): id, state, salutation, name, e-mail, phone, roles and the project running today
/// (kind, employer, municipality, federal state, funding reference, dates). UTF-8 with BOM, `;`
/// as delimiter, cells that Excel would run as formulas prefixed with `'`; labels in the
/// language of `Accept-Language` (German by default), headings German. Staff only; every other
/// caller gets 403.
#[utoipa::path(
    tag = "participants",
    operation_id = "export_participants_csv",
    params(StaffFilter, DirectoryFilter),
    responses((status = 200, description = "The CSV file (`teilnehmende.csv`).",
        content_type = "text/csv", body = Vec<u8>,
        headers(("Content-Disposition" = String, description = "`attachment; filename=\"teilnehmende.csv\"`.")),
        example = json!(EXAMPLE)))
)]
#[get("/participants.csv")]
pub async fn export_participants(
    _: StaffCaller,
    status: web::Query<StaffFilter>,
    filter: web::Query<DirectoryFilter>,
    lang: Lang,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let filter = filter.to_filter(status.status, false)?;
    let today = filter.today;
    let rows = db::run(&pool, move |conn| {
        let rows = participants::list(conn, &filter, 0, i64::MAX)?;
        assemble(conn, rows, today)
    })
    .await?;
    let mut table = vec![CSV_HEADER.iter().map(|h| (*h).to_owned()).collect()];
    table.extend(rows.iter().map(|a| csv_row(a, today, lang)));
    csv_export::attachment("teilnehmende.csv", &table)
}
