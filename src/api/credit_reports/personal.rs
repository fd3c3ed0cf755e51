//! `GET /participants/{id}/credit-report`: a mentor's credits in one project year as JSON, as
//! German text for the NKI monitoring tool, or as CSV.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::nki_text;
use super::views::{CreditReport, ReportInput, format_labels, item, report};
use crate::api::access::{Viewer, existing};
use crate::api::http::csv_export;
use crate::auth::Caller;
use crate::db::models::projects::{self, Project};
use crate::db::models::{credit_reports, credit_sources, formats, participants};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::credit::days_de;
use crate::domain::credit::project_year::{default_year, project_on, window};
use crate::domain::credit::totals::counts_in_year;
use crate::domain::lang::Lang;
use crate::domain::participant::ProjectDates;
use crate::domain::programme_time::programme_today;
use crate::error::AppError;

/// Which project year to report.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// One of the mentor's projects (default: the current project).
    pub project_id: Option<i64>,
    /// The project year, from 1 (default: the year containing today, or the last year of an
    /// ended project).
    #[param(minimum = 1, maximum = 100)]
    pub project_year: Option<u32>,
}

/// Whether the client asked for the NKI text (`Accept: text/plain`).
fn wants_text(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/plain"))
}

/// The mentor themself (in any state: the final report is written after leaving too) or staff;
/// other participants and integrations 403; an unknown participant 404. Staff also read an
/// erased mentor's report: it holds ids, formats, dates and hours, no name (funding evidence).
fn require_own_or_staff(
    conn: &mut DbConnection,
    caller: &Caller,
    participant_id: i64,
) -> Result<(), AppError> {
    match Viewer::load(conn, caller)? {
        Viewer::Staff { .. } => participants::find(conn, participant_id)?
            .map(|_| ())
            .ok_or(AppError::NotFound),
        Viewer::Participant(p) if p.id == participant_id => {
            existing(conn, participant_id).map(|_| ())
        }
        Viewer::Participant(_) => Err(AppError::Forbidden),
    }
}

fn build(
    conn: &mut DbConnection,
    participant_id: i64,
    params: &ReportParams,
    lang: Lang,
) -> Result<CreditReport, AppError> {
    let today = programme_today();
    let all_projects = projects::of_participant(conn, participant_id)?;
    let project = match params.project_id {
        Some(id) => all_projects.iter().find(|p| p.id == id),
        None => projects::current(&all_projects, today),
    }
    .ok_or(AppError::NotFound)?;
    let dates: Vec<ProjectDates> = all_projects.iter().map(Project::dates).collect();
    let own = project.dates();
    let year = match params.project_year {
        Some(n) => window(&own, n),
        None => default_year(&own, today),
    }
    .ok_or(AppError::NotFound)?;
    let history = credit_reports::history(conn, participant_id)?;
    let (in_year, outside): (Vec<_>, Vec<_>) = history
        .into_iter()
        .filter_map(|c| {
            if project_on(&dates, c.earned_on).is_none() {
                Some((false, c))
            } else {
                counts_in_year(&dates, project.id, &year, c.earned_on).then_some((true, c))
            }
        })
        .partition(|(in_year, _)| *in_year);
    let in_year: Vec<_> = in_year.into_iter().map(|(_, c)| c).collect();
    let outside: Vec<_> = outside.into_iter().map(|(_, c)| c).collect();
    let listed: Vec<_> = in_year.iter().chain(&outside).cloned().collect();
    let details = credit_sources::load(conn, &listed)?;
    let labels = format_labels(&formats::list(conn)?, lang);
    let to_items = |rows: &[_]| -> Vec<_> {
        rows.iter()
            .map(|c| item(c, &details, &labels, lang))
            .collect()
    };
    Ok(report(
        ReportInput {
            participant_id,
            project,
            year,
            credits: to_items(&in_year),
            outside: to_items(&outside),
            labels: &labels,
            today,
        },
        lang,
    ))
}

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

/// A mentor's credit report for one project year (§ 5.4, § 5.5): every credited activity with
/// its details, totals per format, the sum in days and hours, the minimum (follow-up projects)
/// and its status; credits outside every project are listed apart. `Accept: text/plain` gives the
/// German text for the NKI monitoring tool, `Accept: text/csv` a CSV file. The mentor themself or
/// staff.
///
/// For the final report to the funder, § 5.5 asks per project year for the format chosen and the
/// time spent, with dates, places, topics and people reached, and for forums and practice tips
/// their titles and number of posts: this report holds exactly that. The mentor themself, in any
/// state (the final report is written after leaving too), or staff; other participants and
/// integration clients get 403, an unknown participant 404. `project_id` picks one of the mentor's
/// projects (default: the current one) and `project_year` one of its years (default: the year
/// containing today, or an ended project's last; 400 outside 1 to 100, 404 when the mentor has no
/// such project or year). Revoked credits are listed but never counted. JSON labels follow
/// `Accept-Language`; the text and CSV forms are German.
#[utoipa::path(
    tag = "credit-reports",
    operation_id = "get_credit_report",
    params(("id" = i64, Path, description = "Participant id."), ReportParams),
    responses((status = 200, description = "The report.",
        content((CreditReport = "application/json"), (String = "text/plain"), (String = "text/csv"))))
)]
#[get("/participants/{id}/credit-report")]
pub async fn get_credit_report(
    caller: Caller,
    req: HttpRequest,
    id: web::Path<i64>,
    params: web::Query<ReportParams>,
    lang: Lang,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let params = params.into_inner();
    if params.project_year.is_some_and(|n| !(1..=100).contains(&n)) {
        return Err(AppError::BadRequest(
            "project_year must be between 1 and 100".to_owned(),
        ));
    }
    let text = wants_text(&req);
    let csv = !text && csv_export::wants_csv(&req);
    let lang = if text || csv { Lang::De } else { lang };
    let report = db::run(&pool, move |conn| {
        require_own_or_staff(conn, &caller, id)?;
        build(conn, id, &params, lang)
    })
    .await?;
    if text {
        return Ok(HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::CONTENT_LANGUAGE, "de"))
            .body(nki_text::render(&report)));
    }
    if csv {
        return csv_export::attachment(
            &format!("anrechnung-projektjahr-{}.csv", report.project_year.number),
            &csv_rows(&report),
        );
    }
    Ok(lang.private_json(&report))
}
