//! `GET /statistics.csv`: the per-state and per-kind table of the year's figures for the
//! ministry report, with a total row and German headings.

use actix_web::{HttpResponse, get, web};

use super::{ParticipantFigures, Statistics, StatisticsParams, german_figures};
use crate::api::http::csv_export;
use crate::auth::StaffCaller;
use crate::db::DbPool;
use crate::error::AppError;

const CSV_HEADER: [&str; 9] = [
    "Gliederung",
    "Ausprägung",
    "Aktiv zum Stichtag",
    "Neu im Jahr",
    "Beendet im Jahr",
    "Aktive Mentorinnen und Mentoren",
    "Aktive Mentees",
    "Angerechnete Stunden",
    "Angerechnete Arbeitstage",
];

fn csv_row(group: &str, label: &str, f: &ParticipantFigures) -> Vec<String> {
    let hours = i32::try_from(f.credited_hours).unwrap_or(i32::MAX);
    vec![
        group.to_owned(),
        label.to_owned(),
        f.active.to_string(),
        f.new.to_string(),
        f.ended.to_string(),
        f.active_mentors.to_string(),
        f.active_mentees.to_string(),
        f.credited_hours.to_string(),
        crate::domain::credit::days_de(hours),
    ]
}

/// The per-state and per-kind table with a total row, German headings.
fn csv_table(s: &Statistics) -> Vec<Vec<String>> {
    let mut table = vec![CSV_HEADER.iter().map(|h| (*h).to_owned()).collect()];
    table.extend(
        s.by_federal_state
            .iter()
            .map(|r| csv_row("Bundesland", &r.label, &r.figures)),
    );
    table.extend(
        s.by_project_kind
            .iter()
            .map(|r| csv_row("Projektart", &r.label, &r.figures)),
    );
    table.push(csv_row("Gesamt", "Gesamt", &s.participants));
    table
}

const EXAMPLE: &str = "Gliederung;Ausprägung;Aktiv zum Stichtag;Neu im Jahr;Beendet im Jahr;\
Aktive Mentorinnen und Mentoren;Aktive Mentees;Angerechnete Stunden;Angerechnete Arbeitstage\n\
Bundesland;Sachsen;12;3;1;5;8;164;20,5\n\
Projektart;Anschlussvorhaben (KSM2);12;3;1;5;8;164;20,5\n\
Gesamt;Gesamt;12;3;1;5;8;164;20,5\n";

/// The year's figures per federal state and project kind as a CSV file (staff only)
///
/// The `by_federal_state` and `by_project_kind` rows of `GET /statistics` for the same calendar
/// year, then a total row: participants active on the reference day (31 December, or today while
/// the year runs), new and ended in the year, active mentors and mentees, credited hours and
/// working days (German decimal comma). German headings and labels; UTF-8 with BOM, `;` as
/// delimiter. The year must lie in 2000–2100 (400 otherwise). Staff only; every other caller
/// gets 403.
#[utoipa::path(
    tag = "statistics",
    operation_id = "export_statistics_csv",
    params(StatisticsParams),
    responses((status = 200, description = "The CSV file (`statistik-<year>.csv`).",
        content_type = "text/csv", body = Vec<u8>,
        headers(("Content-Disposition" = String, description = "`attachment; filename=\"statistik-<year>.csv\"`.")),
        example = json!(EXAMPLE)))
)]
#[get("/statistics.csv")]
pub async fn export_statistics(
    _: StaffCaller,
    params: web::Query<StatisticsParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let (year, stats) = german_figures(&pool, &params).await?;
    csv_export::attachment(&format!("statistik-{year}.csv"), &csv_table(&stats))
}
