//! `GET /credit-reports.csv`: the staff overview of mentors' years as one CSV file.

use actix_web::{HttpResponse, get, web};

use super::overview::{MentorYear, OverviewParams, matching_rows};
use crate::api::http::csv_export;
use crate::auth::StaffCaller;
use crate::db::DbPool;
use crate::domain::credit::days_de;
use crate::domain::lang::Lang;
use crate::error::AppError;

const CSV_HEADER: [&str; 13] = [
    "Teilnehmende-ID",
    "Vorname",
    "Nachname",
    "Projektart",
    "Bundesland",
    "Projektjahr",
    "Zeitraum von",
    "Zeitraum bis",
    "Stunden",
    "Arbeitstage",
    "Mindeststunden",
    "Fehlende Stunden",
    "Status",
];

fn csv_row(r: &MentorYear) -> Vec<String> {
    vec![
        r.participant_id.to_string(),
        r.first_name.clone(),
        r.last_name.clone(),
        r.project_kind
            .map(|k| k.label(Lang::De).to_owned())
            .unwrap_or_default(),
        r.federal_state
            .map(|s| s.label(Lang::De).to_owned())
            .unwrap_or_default(),
        r.project_year
            .as_ref()
            .map(|y| y.number.to_string())
            .unwrap_or_default(),
        r.period_start.to_string(),
        r.period_end.to_string(),
        r.hours.to_string(),
        days_de(r.hours),
        r.min_hours.map(|h| h.to_string()).unwrap_or_default(),
        r.shortfall_hours.to_string(),
        r.status.label(Lang::De).to_owned(),
    ]
}

const EXAMPLE: &str = "Teilnehmende-ID;Vorname;Nachname;Projektart;Bundesland;Projektjahr;\
Zeitraum von;Zeitraum bis;Stunden;Arbeitstage;Mindeststunden;Fehlende Stunden;Status\n\
7;Greta;Sonnenschein;Anschlussvorhaben (KSM2);Sachsen;;2026-01-01;2026-12-31;20;2,5;40;20;\
Nicht erfüllt\n";

/// Every mentor's year matching the filters as one CSV file (staff only)
///
/// The rows of `GET /credit-reports` with the same year, mode and filters, all in one file (no
/// paging): participant id, name (an erased mentor as `Gelöschte Person #<id>`), project kind
/// and federal state, project year (`mode=project_year`), the period counted, hours and working
/// days (German decimal comma), the minimum, the hours missing and the status. Labels and
/// headings German whatever `Accept-Language` says; UTF-8 with BOM, `;` as delimiter. The year
/// must lie in 2000–2100 (400 otherwise). Staff only; every other caller gets 403.
#[utoipa::path(
    tag = "credit-reports",
    operation_id = "export_credit_reports_csv",
    params(OverviewParams),
    responses((status = 200, description = "The CSV file (`anrechnung-<year>.csv`).",
        content_type = "text/csv", body = Vec<u8>,
        headers(("Content-Disposition" = String, description = "`attachment; filename=\"anrechnung-<year>.csv\"`.")),
        example = json!(EXAMPLE)))
)]
#[get("/credit-reports.csv")]
pub async fn export_credit_reports(
    _: StaffCaller,
    params: web::Query<OverviewParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let (year, matching) = matching_rows(&pool, params.into_inner(), Lang::De).await?;
    let mut table = vec![CSV_HEADER.iter().map(|h| (*h).to_owned()).collect()];
    table.extend(matching.iter().map(|(_, r)| csv_row(r)));
    csv_export::attachment(&format!("anrechnung-{year}.csv"), &table)
}
