//! `GET /programme-dashboard`: capacity used per format against the catalogue's yearly limits,
//! participants by role and project kind, and the mentor:mentee ratio (staff).

use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::StaffCaller;
use crate::db::models::{credit_reports, formats, projects};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::catalogue::FormatGroup;
use crate::domain::credit::project_year::project_on;
use crate::domain::lang::Lang;
use crate::domain::participant::{ProjectDates, ProjectKind};
use crate::domain::programme_time::programme_today;
use crate::error::AppError;

/// Which calendar year.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardParams {
    /// Calendar year (default: this year).
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
}

/// One format's use in the year.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "format_code": "webinar",
    "label": "Mentoring-Session per Telefon-/Videokonferenz oder Webinar",
    "yearly_limit": 12,
    "used": 9,
    "credited_hours": 680
}))]
pub struct FormatCapacity {
    /// The format.
    pub format_code: String,
    /// Its name (`Accept-Language`).
    pub label: String,
    /// The yearly limit of the rule in force at the year's end (or today); `null`: unlimited.
    #[schema(required = true)]
    pub yearly_limit: Option<i32>,
    /// Used: approved, held and documented sessions (team formats), else credits granted.
    pub used: i64,
    /// Hours credited in the year (not revoked).
    pub credited_hours: i64,
}

/// Participants of one project kind.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"project_kind": "first_project", "mentees": 96, "mentors": 3, "participants": 98}))]
pub struct KindCount {
    /// Project kind of the project running at the year's end (or today); `null`: none ran.
    #[schema(required = true)]
    pub project_kind: Option<ProjectKind>,
    /// Mentees (a person with both roles counts in both).
    pub mentees: i64,
    /// Mentors.
    pub mentors: i64,
    /// People.
    pub participants: i64,
}

/// The programme in one calendar year.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "year": 2026,
    "formats": [{
        "format_code": "webinar",
        "label": "Mentoring-Session per Telefon-/Videokonferenz oder Webinar",
        "yearly_limit": 12,
        "used": 9,
        "credited_hours": 680
    }],
    "participants_by_project_kind": [
        {"project_kind": "first_project", "mentees": 96, "mentors": 3, "participants": 98}
    ],
    "mentees": 152,
    "mentors": 41,
    "mentees_per_mentor": 3.71
}))]
pub struct ProgrammeDashboard {
    /// The calendar year.
    pub year: i32,
    /// Each format's capacity and use.
    pub formats: Vec<FormatCapacity>,
    /// Participants who took part in the year, by project kind.
    pub participants_by_project_kind: Vec<KindCount>,
    /// Mentees who took part in the year.
    pub mentees: i64,
    /// Mentors who took part in the year.
    pub mentors: i64,
    /// Mentees per mentor (`null` without mentors); individual 1:1 mentoring opens once enough
    /// mentors exist (§ 3.3).
    #[schema(required = true)]
    pub mentees_per_mentor: Option<f64>,
}

fn build(conn: &mut DbConnection, year: i32, lang: Lang) -> Result<ProgrammeDashboard, AppError> {
    let bad_year = || AppError::BadRequest("year out of range".to_owned());
    let from = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(bad_year)?;
    let until = NaiveDate::from_ymd_opt(year + 1, 1, 1).ok_or_else(bad_year)?;
    let reference = programme_today()
        .min(until.pred_opt().unwrap_or(until))
        .max(from);
    let sessions: BTreeMap<String, i64> = credit_reports::sessions_per_format(conn, year)?
        .into_iter()
        .collect();
    let mut credited: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for c in credit_reports::in_period(conn, from, until)? {
        if c.revoked_at.is_none() {
            let entry = credited.entry(c.format_code).or_default();
            entry.0 += 1;
            entry.1 += i64::from(c.hours);
        }
    }
    let mut capacity = Vec::new();
    for f in formats::list(conn)? {
        let rule = formats::rule_on(conn, &f.code, reference)?;
        let (credits, hours) = credited.get(&f.code).copied().unwrap_or_default();
        let used = if f.group_code == FormatGroup::Team {
            sessions.get(&f.code).copied().unwrap_or_default()
        } else {
            credits
        };
        capacity.push(FormatCapacity {
            label: lang.pick(&f.name_de, &f.name_en).to_owned(),
            format_code: f.code,
            yearly_limit: rule.and_then(|r| r.yearly_limit),
            used,
            credited_hours: hours,
        });
    }
    let people = credit_reports::taking_part(conn, from, until)?;
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let all_projects = projects::of_participants(conn, &ids)?;
    let mut by_kind: BTreeMap<Option<&str>, (i64, i64, i64)> = BTreeMap::new();
    for person in &people {
        let own: Vec<_> = all_projects
            .iter()
            .filter(|p| p.participant_id == person.id)
            .collect();
        let dates: Vec<ProjectDates> = own.iter().map(|p| p.dates()).collect();
        let kind = project_on(&dates, reference)
            .and_then(|id| own.iter().find(|p| p.id == id))
            .map(|p| p.kind.as_str());
        let entry = by_kind.entry(kind).or_default();
        entry.0 += i64::from(person.is_mentee);
        entry.1 += i64::from(person.is_mentor);
        entry.2 += 1;
    }
    let mentees: i64 = by_kind.values().map(|c| c.0).sum();
    let mentors: i64 = by_kind.values().map(|c| c.1).sum();
    Ok(ProgrammeDashboard {
        year,
        formats: capacity,
        participants_by_project_kind: by_kind
            .into_iter()
            .map(|(kind, (mentees, mentors, participants))| KindCount {
                project_kind: kind.and_then(ProjectKind::parse),
                mentees,
                mentors,
                participants,
            })
            .collect(),
        mentees,
        mentors,
        mentees_per_mentor: (mentors > 0)
            .then(|| (mentees as f64 / mentors as f64 * 100.0).round() / 100.0),
    })
}

/// The programme in a calendar year (staff): per format the capacity used against the yearly
/// limit, participants who took part by project kind and role, and the mentor:mentee ratio.
///
/// Staff only (others 403). `year` defaults to the current calendar year (400 out of 2000 to
/// 2100). For team formats `used` counts approved, held and documented sessions against the
/// yearly limit of § 5.4 (e.g. about 6 expert events, 12 webinars); for the other formats it
/// counts credits granted. Participants who took part are grouped by the kind of the project
/// running at the year's end (or today); a person with both roles counts in both. The ratio of
/// mentees per mentor shows when individual 1:1 mentoring can open (§ 3.3). Labels follow
/// `Accept-Language`.
#[utoipa::path(
    tag = "credit-reports",
    operation_id = "get_programme_dashboard",
    params(DashboardParams),
    responses((status = 200, description = "The dashboard.", body = ProgrammeDashboard,
        headers(("Content-Language" = String, description = "Language of the labels."))))
)]
#[get("/programme-dashboard")]
pub async fn get_programme_dashboard(
    _: StaffCaller,
    params: web::Query<DashboardParams>,
    lang: Lang,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let year = super::calendar_year(params.year)?;
    let dashboard = db::run(&pool, move |conn| build(conn, year, lang)).await?;
    Ok(lang.private_json(&dashboard))
}
