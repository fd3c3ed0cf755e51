//! `GET /credit-reports`: every mentor's credited hours, status and shortfall in a calendar year
//! or in the project years beginning in it (staff), with filters and a CSV export.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::views::{ProjectYearResponse, obligation_of};
use crate::api::http::pagination::PageParams;
use crate::auth::StaffCaller;
use crate::code_enum;
use crate::db::models::credit_reports;
use crate::db::models::credits::Credit;
use crate::db::models::participants::Participant;
use crate::db::models::projects::{self, Project};
use crate::db::{self, DbPool};
use crate::domain::credit::days;
use crate::domain::credit::project_year::{YearWindow, project_on, year_starting_in};
use crate::domain::credit::status::{ObligationStatus, shortfall, status};
use crate::domain::credit::totals::year_hours;
use crate::domain::erasure::anonymous_name;
use crate::domain::lang::Lang;
use crate::domain::participant::{FederalState, ProjectDates, ProjectKind};
use crate::domain::programme_time::programme_today;
use crate::error::AppError;

code_enum! {
    /// How the overview cuts years.
    pub enum ReportMode {
        /// Credits earned in the calendar year; the minimum applies when the project running at
        /// the year's end (or today, if earlier) is a follow-up project.
        CalendarYear = "calendar_year", "Kalenderjahr", "Calendar year";
        /// One row per project year that begins in the calendar year, as in the NKI report.
        ProjectYear = "project_year", "Projektjahr", "Project year";
    }
}

/// Which year, how to cut it, and filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OverviewParams {
    /// Calendar year (default: this year).
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    /// Calendar years or project years (default `calendar_year`).
    #[param(inline)]
    pub mode: Option<ReportMode>,
    /// Only rows with this status.
    pub status: Option<ObligationStatus>,
    /// Only rows whose project is of this kind.
    pub project_kind: Option<ProjectKind>,
    /// Only rows whose project lies in this federal state.
    pub federal_state: Option<FederalState>,
}

/// One mentor's year.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = mentor_year_example)]
pub struct MentorYear {
    /// The mentor.
    pub participant_id: i64,
    /// First name (empty for an erased mentor).
    pub first_name: String,
    /// Last name (`Gelöschte Person #<participant_id>` for an erased mentor, whose credits stay
    /// countable).
    pub last_name: String,
    /// The project the year belongs to; `null` when none ran.
    #[schema(required = true)]
    pub project_id: Option<i64>,
    /// Its kind.
    #[schema(required = true)]
    pub project_kind: Option<ProjectKind>,
    /// Its federal state.
    #[schema(required = true)]
    pub federal_state: Option<FederalState>,
    /// The project year (`project_year` mode); `null` in `calendar_year` mode.
    #[schema(required = true)]
    pub project_year: Option<ProjectYearResponse>,
    /// First day counted.
    pub period_start: NaiveDate,
    /// Last day counted.
    pub period_end: NaiveDate,
    /// Counted hours.
    pub hours: i32,
    /// Counted working days.
    pub days: f64,
    /// The minimum in hours; `null` without obligation.
    #[schema(required = true)]
    pub min_hours: Option<i32>,
    /// Hours missing to the minimum.
    pub shortfall_hours: i32,
    /// Whether the minimum is met.
    pub status: ObligationStatus,
    /// The status in words (`Accept-Language`).
    pub status_label: String,
}

/// One page of the overview.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [mentor_year_example()], "next_cursor": null}))]
pub struct CreditOverviewPage {
    /// Rows by participant (`calendar_year`) or project (`project_year`; credits of the calendar
    /// year outside every project come first, in a row with `project_id` `null`).
    pub items: Vec<MentorYear>,
    /// Cursor of the next page; `null` on the last.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// The key a row is paged by: the participant in calendar years, the project in project years,
/// and the negated participant id for credits outside every project (unique, listed first).
#[derive(Debug, Clone, Copy)]
enum RowKey {
    Participant,
    Project,
    OutsideProjects,
}

/// A KSM2 mentor's calendar year, as the examples of the spec show a row.
fn mentor_year_example() -> serde_json::Value {
    serde_json::json!({
        "participant_id": 112,
        "first_name": "Jana",
        "last_name": "Beispiel",
        "project_id": 57,
        "project_kind": "follow_up_project",
        "federal_state": "NW",
        "project_year": null,
        "period_start": "2027-01-01",
        "period_end": "2027-12-31",
        "hours": 20,
        "days": 2.5,
        "min_hours": 40,
        "shortfall_hours": 20,
        "status": "on_track",
        "status_label": "Im Plan"
    })
}

fn row(
    mentor: &Participant,
    project: Option<&Project>,
    period: YearWindow,
    key: RowKey,
    hours: i32,
    lang: Lang,
) -> (i64, MentorYear) {
    let obligation = project.and_then(obligation_of);
    let status = status(obligation, hours, &period, programme_today());
    let is_project_year = matches!(key, RowKey::Project) && project.is_some();
    let page_key = match (key, project) {
        (RowKey::Project, Some(p)) => p.id,
        (RowKey::OutsideProjects, _) => -mentor.id,
        _ => mentor.id,
    };
    // An erased mentor stays countable under an anonymous name (docs/data-protection.md).
    let (first_name, last_name) = match mentor.erased_at {
        Some(_) => (String::new(), anonymous_name(mentor.id)),
        None => (mentor.first_name.clone(), mentor.last_name.clone()),
    };
    let item = MentorYear {
        participant_id: mentor.id,
        first_name,
        last_name,
        project_id: project.map(|p| p.id),
        project_kind: project.map(|p| p.kind),
        federal_state: project.map(|p| p.federal_state),
        project_year: is_project_year.then(|| ProjectYearResponse::from(&period)),
        period_start: period.start,
        period_end: period.last_day(),
        hours,
        days: days(hours),
        min_hours: obligation.map(|o| o.min_hours),
        shortfall_hours: obligation.map_or(0, |o| shortfall(o, hours)),
        status,
        status_label: status.label(lang).to_owned(),
    };
    (page_key, item)
}

fn counted_hours<'a>(credits: impl Iterator<Item = &'a Credit>) -> i32 {
    credits
        .filter(|c| c.revoked_at.is_none())
        .map(|c| c.hours)
        .sum()
}

fn jan_first(year: i32) -> Result<NaiveDate, AppError> {
    NaiveDate::from_ymd_opt(year, 1, 1)
        .ok_or_else(|| AppError::BadRequest("year out of range".to_owned()))
}

/// Every row of the overview, keyed for pagination, before filters.
pub(crate) fn rows(
    conn: &mut db::DbConnection,
    year: i32,
    mode: ReportMode,
    lang: Lang,
) -> Result<Vec<(i64, MentorYear)>, AppError> {
    let from = jan_first(year)?;
    let calendar = YearWindow {
        number: 0,
        start: from,
        end: jan_first(year + 1)?,
    };
    // Project years beginning in `year` end before 1 January two years on.
    let until = match mode {
        ReportMode::CalendarYear => calendar.end,
        ReportMode::ProjectYear => jan_first(year + 2)?,
    };
    let mentors = credit_reports::mentors(conn, from, until)?;
    let ids: Vec<i64> = mentors.iter().map(|m| m.id).collect();
    let mut projects_of: HashMap<i64, Vec<Project>> = HashMap::new();
    for p in projects::of_participants(conn, &ids)? {
        projects_of.entry(p.participant_id).or_default().push(p);
    }
    let mut credits_of: HashMap<i64, Vec<Credit>> = HashMap::new();
    for c in credit_reports::in_period(conn, from, until)? {
        credits_of.entry(c.participant_id).or_default().push(c);
    }
    let mut out = Vec::new();
    for mentor in &mentors {
        let projects = projects_of.get(&mentor.id).map_or(&[][..], Vec::as_slice);
        let credits = credits_of.get(&mentor.id).map_or(&[][..], Vec::as_slice);
        let dates: Vec<ProjectDates> = projects.iter().map(Project::dates).collect();
        match mode {
            ReportMode::CalendarYear => {
                let reference = programme_today().min(calendar.last_day()).max(from);
                let project = project_on(&dates, reference)
                    .and_then(|id| projects.iter().find(|p| p.id == id));
                let hours = counted_hours(credits.iter());
                out.push(row(
                    mentor,
                    project,
                    calendar,
                    RowKey::Participant,
                    hours,
                    lang,
                ));
            }
            ReportMode::ProjectYear => {
                for (project, d) in projects.iter().zip(&dates) {
                    let Some(window) = year_starting_in(d, year) else {
                        continue;
                    };
                    let hours = year_hours(
                        credits.iter().map(|c| (c.earned_on, c.counted())),
                        &dates,
                        project.id,
                        &window,
                    );
                    out.push(row(
                        mentor,
                        Some(project),
                        window,
                        RowKey::Project,
                        hours,
                        lang,
                    ));
                }
                // Credits of the calendar year earned while no project ran are not dropped.
                let outside = credits.iter().filter(|c| {
                    calendar.contains(c.earned_on) && project_on(&dates, c.earned_on).is_none()
                });
                if outside.clone().next().is_some() {
                    let hours = counted_hours(outside);
                    out.push(row(
                        mentor,
                        None,
                        calendar,
                        RowKey::OutsideProjects,
                        hours,
                        lang,
                    ));
                }
            }
        }
    }
    out.sort_by_key(|(key, _)| *key);
    Ok(out)
}

/// The overview's rows matching the filters, in paging order (loaded in one read).
pub(super) async fn matching_rows(
    pool: &DbPool,
    params: OverviewParams,
    lang: Lang,
) -> Result<(i32, Vec<(i64, MentorYear)>), AppError> {
    let year = super::calendar_year(params.year)?;
    let mode = params.mode.unwrap_or(ReportMode::CalendarYear);
    let all = db::run(pool, move |conn| rows(conn, year, mode, lang)).await?;
    let matching = all
        .into_iter()
        .filter(|(_, r)| {
            params.status.is_none_or(|s| s == r.status)
                && params
                    .project_kind
                    .is_none_or(|k| Some(k) == r.project_kind)
                && params
                    .federal_state
                    .is_none_or(|s| Some(s) == r.federal_state)
        })
        .collect();
    Ok((year, matching))
}

/// Every mentor's credited hours, status and shortfall in a calendar year (`mode=calendar_year`)
/// or in each project year beginning in it (`mode=project_year`), with filters (staff).
/// Every matching row as one CSV file: `GET /credit-reports.csv`.
///
/// Staff only (others 403). Lists every mentor past registration (active or ended) who holds the
/// mentor role or was credited in the period; erased mentors stay, without their name, since their
/// credits are funding evidence. In `calendar_year` mode (default) there is one row per mentor,
/// under the project running at the year's end (or today); in `project_year` mode one row per
/// project year that begins in `year`, plus a row with `project_id` `null` for credits earned while
/// no project ran. Only follow-up projects (KSM2) carry the minimum of 40 hours (§ 5.4, Infobox 1);
/// the status is `met`, `not_met` after the year, or while it runs `on_track` or `at_risk`. Filter
/// by `status`, `project_kind` and `federal_state`; paginated with `limit` and `cursor`. Labels
/// follow `Accept-Language`.
#[utoipa::path(
    tag = "credit-reports",
    operation_id = "list_credit_reports",
    params(OverviewParams, PageParams),
    responses((status = 200, description = "One page of mentors' years.",
        body = CreditOverviewPage))
)]
#[get("/credit-reports")]
pub async fn list_credit_reports(
    _: StaffCaller,
    params: web::Query<OverviewParams>,
    paging: web::Query<PageParams>,
    lang: Lang,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let page = paging.page()?;
    let (_, matching) = matching_rows(&pool, params.into_inner(), lang).await?;
    let after = page.after.unwrap_or(i64::MIN);
    let window: Vec<(i64, MentorYear)> = matching
        .into_iter()
        .filter(|(key, _)| *key > after)
        .take(usize::try_from(page.fetch()).unwrap_or(usize::MAX))
        .collect();
    let (rows, next_cursor) = page.finish(window, |(key, _)| *key);
    let body = CreditOverviewPage {
        items: rows.into_iter().map(|(_, r)| r).collect(),
        next_cursor,
    };
    Ok(lang.private_json(&body))
}
