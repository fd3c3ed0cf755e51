//! `GET /statistics`: the programme's figures of a calendar year (Europe/Berlin) for SK:KK's
//! reporting to the ministry (staff): participants, activities, credited hours, KSM2 mentors
//! meeting the minimum, per federal state and project kind, and month by month. `table`: the
//! per-state and per-kind table as CSV.

use std::collections::{BTreeMap, HashMap};

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::api::credit_reports::overview::{self, ReportMode};
use crate::api::credit_reports::views::format_labels;
use crate::auth::StaffCaller;
use crate::db::models::{credit_reports, formats, projects, statistics as queries};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::credit::days;
use crate::domain::credit::status::ObligationStatus;
use crate::domain::lang::Lang;
use crate::domain::participant::{FederalState, ProjectDates, ProjectKind};
use crate::domain::programme_time::{programme_date_of_utc, programme_day_start, programme_today};
use crate::domain::statistics::{
    MonthFigures, Period, PersonYear, Tally, active_on, by_group, counted_project, ended_in,
    monthly, reference_day,
};
use crate::error::AppError;

pub mod summary_pdf;
pub mod table;

/// Which calendar year.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatisticsParams {
    /// Calendar year (default: this year).
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
}

/// Participant counts and credited hours of everyone or of one group.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "active": 184,
    "new": 37,
    "ended": 9,
    "active_mentors": 41,
    "active_mentees": 152,
    "credited_hours": 1800,
    "credited_days": 225.0
}))]
pub struct ParticipantFigures {
    /// Active on the reference day (31 December, or today while the year runs).
    pub active: i64,
    /// Activated in the year.
    pub new: i64,
    /// Whose participation ended in the year.
    pub ended: i64,
    /// Mentors among the active (a person with both roles counts in both).
    pub active_mentors: i64,
    /// Mentees among the active.
    pub active_mentees: i64,
    /// Hours credited in the year (not revoked).
    pub credited_hours: i64,
    /// The same in working days of 8 hours.
    pub credited_days: f64,
}

impl From<&Tally> for ParticipantFigures {
    fn from(t: &Tally) -> Self {
        ParticipantFigures {
            active: t.active,
            new: t.new,
            ended: t.ended,
            active_mentors: t.active_mentors,
            active_mentees: t.active_mentees,
            credited_hours: t.credited_hours,
            credited_days: days(i32::try_from(t.credited_hours).unwrap_or(i32::MAX)),
        }
    }
}

/// One federal state's figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct StateFigures {
    /// The federal state of the counted project; `null`: the participant has no project.
    #[schema(required = true)]
    pub federal_state: Option<FederalState>,
    /// Its name (`Accept-Language`).
    pub label: String,
    /// The figures.
    pub figures: ParticipantFigures,
}

/// One project kind's figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct KindFigures {
    /// The kind of the counted project; `null`: the participant has no project.
    #[schema(required = true)]
    pub project_kind: Option<ProjectKind>,
    /// Its name (`Accept-Language`).
    pub label: String,
    /// The figures.
    pub figures: ParticipantFigures,
}

/// One format's sessions or credits in the year.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormatFigures {
    /// The format.
    pub format_code: String,
    /// Its name (`Accept-Language`).
    pub label: String,
    /// Sessions held or documented in the year (team formats; 0 for the others).
    pub sessions_held: i64,
    /// People reached by them.
    pub people_reached: i64,
    /// Hours credited in the year (not revoked).
    pub credited_hours: i64,
    /// The same in working days.
    pub credited_days: f64,
}

/// What was done in the year.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityFigures {
    /// Sessions held or documented in the year.
    pub sessions_held: i64,
    /// People those sessions reached.
    pub people_reached: i64,
    /// Forum sponsorships completed whose last day lies in the year.
    pub forum_sponsorships_completed: i64,
    /// Practice tips published in the year (and still published).
    pub practice_tips_published: i64,
    /// Hours credited in the year (not revoked).
    pub credited_hours: i64,
    /// The same in working days.
    pub credited_days: f64,
    /// Per format of the catalogue.
    pub by_format: Vec<FormatFigures>,
}

/// Follow-up-project (KSM2) mentors and the yearly minimum, as in `GET /credit-reports` for the
/// calendar year.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpFigures {
    /// Mentors whose project at the year's end is a follow-up project (they carry the minimum).
    pub mentors: i64,
    /// Of them, those who reached the minimum.
    pub meeting_minimum: i64,
}

/// One month of the year.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthPoint {
    /// 1–12.
    pub month: u32,
    /// Sessions held or documented.
    pub sessions_held: i64,
    /// People those sessions reached.
    pub people_reached: i64,
    /// Hours credited (not revoked).
    pub credited_hours: i64,
}

impl From<MonthFigures> for MonthPoint {
    fn from(m: MonthFigures) -> Self {
        MonthPoint {
            month: m.month,
            sessions_held: m.sessions_held,
            people_reached: m.people_reached,
            credited_hours: m.credited_hours,
        }
    }
}

/// The programme's figures of a calendar year.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = statistics_example)]
pub struct Statistics {
    /// The calendar year (Europe/Berlin).
    pub year: i32,
    /// The day "at year end" figures are taken on: 31 December, or today while the year runs.
    pub reference_date: NaiveDate,
    /// Everyone.
    pub participants: ParticipantFigures,
    /// Sessions, sponsorships, tips and credits.
    pub activities: ActivityFigures,
    /// KSM2 mentors meeting the yearly minimum.
    pub follow_up_mentors: FollowUpFigures,
    /// Per federal state of the project current at the reference day (or the latest one).
    pub by_federal_state: Vec<StateFigures>,
    /// Per kind of that project.
    pub by_project_kind: Vec<KindFigures>,
    /// Twelve months, January first.
    pub monthly: Vec<MonthPoint>,
}

/// A year's figures as the example of the spec shows them (two states and one kind only).
fn statistics_example() -> serde_json::Value {
    let figures = |active: i32, new: i32, mentors: i32, mentees: i32, hours: i32| {
        json!({
            "active": active,
            "new": new,
            "ended": 2,
            "active_mentors": mentors,
            "active_mentees": mentees,
            "credited_hours": hours,
            "credited_days": f64::from(hours) / 8.0
        })
    };
    let month = |month: u32, sessions: i32, people: i32, hours: i32| {
        json!({
            "month": month,
            "sessions_held": sessions,
            "people_reached": people,
            "credited_hours": hours
        })
    };
    json!({
        "year": 2026,
        "reference_date": "2026-12-31",
        "participants": figures(184, 37, 41, 152, 1800),
        "activities": {
            "sessions_held": 17,
            "people_reached": 412,
            "forum_sponsorships_completed": 6,
            "practice_tips_published": 9,
            "credited_hours": 1800,
            "credited_days": 225.0,
            "by_format": [
                {
                    "format_code": "webinar",
                    "label": "Mentoring-Session per Telefon-/Videokonferenz oder Webinar",
                    "sessions_held": 9,
                    "people_reached": 136,
                    "credited_hours": 680,
                    "credited_days": 85.0
                },
                {
                    "format_code": "practice_tip",
                    "label": "Praxistipp von KSM für KSM",
                    "sessions_held": 0,
                    "people_reached": 0,
                    "credited_hours": 360,
                    "credited_days": 45.0
                }
            ]
        },
        "follow_up_mentors": {"mentors": 23, "meeting_minimum": 15},
        "by_federal_state": [
            {"federal_state": "BY", "label": "Bayern", "figures": figures(29, 6, 7, 23, 320)},
            {
                "federal_state": "NW",
                "label": "Nordrhein-Westfalen",
                "figures": figures(41, 9, 10, 33, 440)
            }
        ],
        "by_project_kind": [{
            "project_kind": "follow_up_project",
            "label": "Anschlussvorhaben (KSM2)",
            "figures": figures(38, 5, 23, 17, 1080)
        }],
        "monthly": [
            month(1, 0, 0, 0),
            month(2, 1, 22, 80),
            month(3, 2, 51, 200),
            month(4, 2, 38, 160),
            month(5, 1, 30, 120),
            month(6, 3, 85, 280),
            month(7, 0, 0, 40),
            month(8, 0, 0, 0),
            month(9, 2, 47, 200),
            month(10, 3, 70, 280),
            month(11, 2, 44, 240),
            month(12, 1, 25, 200)
        ]
    })
}

fn jan_first(year: i32) -> Result<NaiveDate, AppError> {
    NaiveDate::from_ymd_opt(year, 1, 1)
        .ok_or_else(|| AppError::BadRequest("year out of range".to_owned()))
}

/// `(federal state, kind)` codes of the project each participant is counted under.
type Group = (Option<&'static str>, Option<&'static str>);

fn build(conn: &mut DbConnection, year: i32, lang: Lang) -> Result<Statistics, AppError> {
    let from = jan_first(year)?;
    let until = jan_first(year + 1)?;
    let last_day = until.pred_opt().unwrap_or(until);
    let reference = reference_day(from, last_day, programme_today());

    let mut periods: BTreeMap<i64, Vec<Period>> = BTreeMap::new();
    for p in queries::periods_before(conn, until)? {
        periods.entry(p.participant_id).or_default().push(Period {
            start: p.started_on,
            end: p.ended_on,
        });
    }
    let credits: Vec<_> = credit_reports::in_period(conn, from, until)?
        .into_iter()
        .filter(|c| c.revoked_at.is_none())
        .collect();
    let mut hours_of: HashMap<i64, i64> = HashMap::new();
    for c in &credits {
        *hours_of.entry(c.participant_id).or_default() += i64::from(c.hours);
    }
    let mut ids: Vec<i64> = periods.keys().copied().collect();
    ids.extend(hours_of.keys().copied());
    ids.sort_unstable();
    ids.dedup();
    let people = queries::participants_by_ids(conn, &ids)?;
    let mut projects_of: HashMap<i64, Vec<projects::Project>> = HashMap::new();
    for p in projects::of_participants(conn, &ids)? {
        projects_of.entry(p.participant_id).or_default().push(p);
    }

    let mut years: Vec<(Group, PersonYear)> = Vec::new();
    for person in &people {
        let own = periods.get(&person.id).map_or(&[][..], Vec::as_slice);
        let activated = person
            .activated_at
            .map(programme_date_of_utc)
            .is_some_and(|d| d >= from && d < until);
        let person_year = PersonYear {
            active_at_end: active_on(own, reference),
            new_in_year: activated,
            ended_in_year: ended_in(own, from, until),
            mentor: person.is_mentor,
            mentee: person.is_mentee,
            credited_hours: hours_of.get(&person.id).copied().unwrap_or(0),
        };
        let projects = projects_of.get(&person.id).map_or(&[][..], Vec::as_slice);
        let dates: Vec<ProjectDates> = projects.iter().map(projects::Project::dates).collect();
        let project =
            counted_project(&dates, reference).and_then(|id| projects.iter().find(|p| p.id == id));
        let group = (
            project.map(|p| p.federal_state.as_str()),
            project.map(|p| p.kind.as_str()),
        );
        years.push((group, person_year));
    }
    let mut everyone = Tally::default();
    for (_, y) in &years {
        everyone.add(y);
    }
    let no_project = || lang.pick("ohne Projekt", "no project").to_owned();
    let by_federal_state = by_group(years.iter().map(|((s, _), y)| (*s, *y)))
        .iter()
        .map(|(code, t)| {
            let state = code.and_then(FederalState::parse);
            StateFigures {
                federal_state: state,
                label: state.map_or_else(no_project, |s| s.label(lang).to_owned()),
                figures: t.into(),
            }
        })
        .collect();
    let by_project_kind = by_group(years.iter().map(|((_, k), y)| (*k, *y)))
        .iter()
        .map(|(code, t)| {
            let kind = code.and_then(ProjectKind::parse);
            KindFigures {
                project_kind: kind,
                label: kind.map_or_else(no_project, |k| k.label(lang).to_owned()),
                figures: t.into(),
            }
        })
        .collect();

    let sessions = queries::held_sessions(conn, year)?;
    let session_days: Vec<(NaiveDate, Option<i32>)> = sessions
        .iter()
        .map(|(_, starts, reached)| (programme_date_of_utc(*starts), *reached))
        .collect();
    let credit_days: Vec<(NaiveDate, i32)> =
        credits.iter().map(|c| (c.earned_on, c.hours)).collect();
    let series = monthly(year, &session_days, &credit_days);

    let catalogue = formats::list(conn)?;
    let labels = format_labels(&catalogue, lang);
    let by_format = catalogue
        .iter()
        .map(|f| {
            let held: Vec<_> = sessions.iter().filter(|s| s.0 == f.code).collect();
            let hours: i64 = credits
                .iter()
                .filter(|c| c.format_code == f.code)
                .map(|c| i64::from(c.hours))
                .sum();
            FormatFigures {
                format_code: f.code.clone(),
                label: labels.get(&f.code).cloned().unwrap_or_default(),
                sessions_held: held.len() as i64,
                people_reached: held.iter().map(|s| i64::from(s.2.unwrap_or(0))).sum(),
                credited_hours: hours,
                credited_days: days(i32::try_from(hours).unwrap_or(i32::MAX)),
            }
        })
        .collect();

    // The minimum and its status exactly as the credit-report overview decides them.
    let mentor_years = overview::rows(conn, year, ReportMode::CalendarYear, lang)?;
    let follow_up: Vec<_> = mentor_years
        .iter()
        .filter(|(_, r)| r.project_kind == Some(ProjectKind::FollowUpProject))
        .collect();
    let follow_up_mentors = FollowUpFigures {
        mentors: follow_up.len() as i64,
        meeting_minimum: follow_up
            .iter()
            .filter(|(_, r)| r.status == ObligationStatus::Met)
            .count() as i64,
    };

    let tips =
        queries::tips_published(conn, programme_day_start(from), programme_day_start(until))?;
    Ok(Statistics {
        year,
        reference_date: reference,
        participants: (&everyone).into(),
        activities: ActivityFigures {
            sessions_held: sessions.len() as i64,
            people_reached: session_days
                .iter()
                .map(|s| i64::from(s.1.unwrap_or(0)))
                .sum(),
            forum_sponsorships_completed: queries::sponsorships_completed(conn, from, until)?,
            practice_tips_published: tips,
            credited_hours: everyone.credited_hours,
            credited_days: ParticipantFigures::from(&everyone).credited_days,
            by_format,
        },
        follow_up_mentors,
        by_federal_state,
        by_project_kind,
        monthly: series.into_iter().map(MonthPoint::from).collect(),
    })
}

/// The figures of `?year=` with German labels, as the CSV and PDF files show them.
pub(super) async fn german_figures(
    pool: &DbPool,
    params: &StatisticsParams,
) -> Result<(i32, Statistics), AppError> {
    let year = crate::api::credit_reports::calendar_year(params.year)?;
    let stats = db::run(pool, move |conn| build(conn, year, Lang::De)).await?;
    Ok((year, stats))
}

/// The programme's figures of a calendar year (staff), for the reporting to the ministry:
/// participants active at the year's end, new and ended in it, sessions held and people
/// reached, sponsorships completed, tips published, credited hours and days by format, KSM2
/// mentors meeting the minimum, per federal state and project kind, and a monthly series.
/// The per-state and per-kind table as a CSV file: `GET /statistics.csv`.
///
/// Staff only (others 403). `year` defaults to the current calendar year (Europe/Berlin); 400 out
/// of 2000 to 2100. "At year end" figures are taken on 31 December, or today while the year runs
/// (`reference_date`). Credits count on the day they were earned and revoked ones never count; a
/// person with both roles counts as mentor and as mentee. Each participant is counted under the
/// federal state and kind of their project current on the reference day (or their latest one).
/// Labels follow `Accept-Language`.
#[utoipa::path(
    tag = "statistics",
    operation_id = "get_statistics",
    params(StatisticsParams),
    responses((status = 200, description = "The year's figures.",
        body = Statistics,
        headers(("Content-Language" = String, description = "Language of the labels."))))
)]
#[get("/statistics")]
pub async fn get_statistics(
    _: StaffCaller,
    params: web::Query<StatisticsParams>,
    lang: Lang,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let year = crate::api::credit_reports::calendar_year(params.year)?;
    let stats = db::run(&pool, move |conn| build(conn, year, lang)).await?;
    Ok(lang.private_json(&stats))
}
