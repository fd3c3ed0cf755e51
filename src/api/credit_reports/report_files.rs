//! A mentor's credit report for one project year as files: the German text for the NKI
//! monitoring tool (`…/credit-report/nki-text`) and a CSV file (`…/credit-report.csv`). Both show
//! the report `GET /participants/{id}/credit-report` gives as JSON, loaded the same way.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};

use super::nki_text;
use super::personal::{ReportParams, load};
use super::views::CreditReport;
use crate::api::http::csv_export;
use crate::auth::Caller;
use crate::config::Settings;
use crate::db::DbPool;
use crate::domain::credit::days_de;
use crate::domain::lang::Lang;
use crate::error::AppError;

const CSV_HEADER: [&str; 16] = [
    "Projektjahr",
    "Jahr von",
    "Jahr bis",
    "Mentoring-Form",
    "Art",
    "Angerechnet am",
    "Von",
    "Bis",
    "Titel",
    "Ort",
    "Themen",
    "Erreichte Personen",
    "Forum",
    "Beiträge",
    "Stunden",
    "Arbeitstage",
];

fn csv_rows(r: &CreditReport) -> Vec<Vec<String>> {
    let mut rows = vec![CSV_HEADER.iter().map(|h| (*h).to_owned()).collect()];
    let opt = |v: Option<String>| v.unwrap_or_default();
    for i in r.items.iter().filter(|i| !i.revoked) {
        rows.push(vec![
            r.project_year.number.to_string(),
            r.project_year.start_date.to_string(),
            r.project_year.end_date.to_string(),
            i.format_label.clone(),
            i.source_kind.label(Lang::De).to_owned(),
            i.earned_on.to_string(),
            opt(i.from.map(|d| d.to_string())),
            opt(i.until.map(|d| d.to_string())),
            opt(i.title.clone()),
            opt(i
                .place
                .clone()
                .or_else(|| i.online.then(|| "online".to_owned()))),
            i.topics.join(", "),
            opt(i.people_reached.map(|n| n.to_string())),
            opt(i.forum_title.clone()),
            opt(i.post_count.map(|n| n.to_string())),
            i.hours.to_string(),
            days_de(i.hours),
        ]);
    }
    rows
}

const CSV_EXAMPLE: &str = "Projektjahr;Jahr von;Jahr bis;Mentoring-Form;Art;Angerechnet am;\
Von;Bis;Titel;Ort;Themen;Erreichte Personen;Forum;Beiträge;Stunden;Arbeitstage\n\
2;2026-01-01;2026-12-31;Webinar;Mentoring-Session;2026-03-12;2026-03-12;;Wärmeplanung kompakt;\
Kassel;Kommunale Wärmeplanung;25;;;40;5\n";

const TEXT_EXAMPLE: &str = "Mentoring-Aktivitäten im SK:KK-Mentoring-Programm, Anschlussvorhaben \
(KSM2), Projektjahr 2 (01.01.2026 bis 31.12.2026)\n\n\
- Webinar (Projektjahr 2): 5 Arbeitstage (40 Stunden) angerechnet; „Wärmeplanung kompakt“; am \
12.03.2026 in Kassel; Themen: Kommunale Wärmeplanung; erreichte Personen: 25.\n\n\
Summe je Mentoring-Form:\n\
- Webinar: 1 Aktivität, zusammen 5 Arbeitstage (40 Stunden)\n\n\
Insgesamt im Projektjahr 2: 5 Arbeitstage (40 Stunden). Mindestumfang 5 Arbeitstage \
(40 Stunden): erreicht.\n";

/// A mentor's credit report as German text for the NKI monitoring tool (the mentor or staff)
///
/// The report of `GET /participants/{id}/credit-report` for the same project year, written for
/// the free-text field of the NKI monitoring tool (§ 5.5): per credited activity the mentoring
/// format, the project year, the time credited in working days and hours, title or forum, date
/// or period, place, topics, people reached and posts; then the totals per format, the sum and,
/// for follow-up projects, whether the minimum is reached. Revoked credits are left out. Always
/// German. The mentor themself (in any state, also after leaving) or staff; other participants
/// and integration accounts get 403; an unknown participant, project or project year 404.
#[utoipa::path(
    tag = "credit-reports",
    operation_id = "get_credit_report_nki_text",
    params(("id" = i64, Path, description = "Participant id."), ReportParams),
    responses((status = 200, description = "The text (German).",
        content_type = "text/plain; charset=utf-8", body = String,
        headers(("Content-Language" = String, description = "Always `de`.")),
        example = json!(TEXT_EXAMPLE)))
)]
#[get("/participants/{id}/credit-report/nki-text")]
pub async fn get_nki_text(
    caller: Caller,
    id: web::Path<i64>,
    params: web::Query<ReportParams>,
    pool: web::Data<DbPool>,
    settings: web::Data<Settings>,
) -> Result<HttpResponse, AppError> {
    let report = load(
        &pool,
        caller,
        id.into_inner(),
        params.into_inner(),
        Lang::De,
    )
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::CONTENT_LANGUAGE, "de"))
        .body(nki_text::render(&report, &settings.programme.office)))
}

/// A mentor's credit report as a CSV file (the mentor or staff)
///
/// The credited activities of `GET /participants/{id}/credit-report` for the same project year,
/// one row each: project year and its dates, format, kind of activity, the day credited, dates,
/// title, place, topics, people reached, forum, posts, hours and working days (German decimal
/// comma). Revoked credits are left out. German headings and labels; UTF-8 with BOM, `;` as
/// delimiter. The mentor themself (in any state) or staff; other participants and integration
/// accounts get 403; an unknown participant, project or project year 404.
#[utoipa::path(
    tag = "credit-reports",
    operation_id = "export_credit_report_csv",
    params(("id" = i64, Path, description = "Participant id."), ReportParams),
    responses((status = 200, description = "The CSV file (`anrechnung-projektjahr-<n>.csv`).",
        content_type = "text/csv", body = Vec<u8>,
        headers(("Content-Disposition" = String, description = "`attachment; filename=\"anrechnung-projektjahr-<n>.csv\"`.")),
        example = json!(CSV_EXAMPLE)))
)]
#[get("/participants/{id}/credit-report.csv")]
pub async fn export_csv(
    caller: Caller,
    id: web::Path<i64>,
    params: web::Query<ReportParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let report = load(
        &pool,
        caller,
        id.into_inner(),
        params.into_inner(),
        Lang::De,
    )
    .await?;
    csv_export::attachment(
        &format!("anrechnung-projektjahr-{}.csv", report.project_year.number),
        &csv_rows(&report),
    )
}
