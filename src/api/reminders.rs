//! The reminder sweeps for staff: run them now (`POST /reminder-runs`, what the background task
//! does every `REMINDER_INTERVAL_SECONDS`) and see which KSM2 mentors were reminded of the yearly
//! minimum (`GET /credit-reminders`). The sweeps themselves live in `mail::reminders`.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::api::http::pagination::PageParams;
use crate::api::http::response::private_json;
use crate::auth::StaffCaller;
use crate::config::Settings;
use crate::db::models::audit_events::{self, Change};
use crate::db::models::participants::Participant;
use crate::db::models::reminders::{self, CreditReminder};
use crate::db::{self, DbPool};
use crate::domain::erasure::anonymous_name;
use crate::error::AppError;
use crate::mail::reminders::sweep;

/// What a run queued.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"session_reminders": 14, "credit_reminders": 3, "credit_reminder_weeks": 8,
    "silence_reminders": 2, "silence_reminder_weeks": 6}))]
pub struct ReminderRun {
    /// Day-before reminders queued (sessions starting on the next programme day).
    pub session_reminders: usize,
    /// Reminders of the yearly minimum queued (KSM2 mentors below 40 h).
    pub credit_reminders: usize,
    /// The weeks before a project year's end from which the minimum reminder goes out
    /// (`CREDIT_REMINDER_WEEKS`).
    pub credit_reminder_weeks: u32,
    /// Reminders queued to both sides of silent mentoring pairs (one message each).
    pub silence_reminders: usize,
    /// The weeks without a contact after which a pair is reminded (`MENTORING_SILENCE_WEEKS`).
    pub silence_reminder_weeks: u32,
}

/// Runs the reminder sweeps now.
///
/// Staff only; the background task runs the same sweeps on its own schedule. The day-before
/// reminders go to those signed up for an approved session starting on the next programme day.
/// The reminders of the yearly minimum (§ 5.4: mentors in a follow-up project, KSM2, should
/// spend at least 40 hours a year) go to KSM2 mentors still below it within
/// `credit_reminder_weeks` weeks of their project year's end. Each reminder goes once, however
/// often the sweeps run; the answer counts what this run queued. The silence reminders go to
/// both people of an individual mentoring pair without a contact for `silence_reminder_weeks`
/// weeks (§ 3.3), once per silence. Audited (`reminders.run`).
#[utoipa::path(
    tag = "mail",
    operation_id = "run_reminders",
    responses((status = 200, description = "The sweeps ran.", body = ReminderRun))
)]
#[post("/reminder-runs")]
pub async fn run(
    StaffCaller(caller): StaffCaller,
    settings: web::Data<Settings>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let weeks = settings.reminders.credit_weeks;
    let silence_weeks = settings.reminders.silence_weeks;
    let counts = sweep(&pool, weeks, silence_weeks).await?;
    let actor = caller.actor();
    db::write(&pool, move |conn| {
        audit_events::record(
            conn,
            Change {
                actor: &actor,
                action: "reminders.run",
                entity_type: "reminder_run",
                entity_id: "reminders".to_owned(),
                before: None,
                after: Some(json!({
                    "session_reminders": counts.session_reminders,
                    "credit_reminders": counts.credit_reminders,
                    "silence_reminders": counts.silence_reminders,
                })),
            },
        )?;
        Ok(())
    })
    .await?;
    Ok(private_json(&ReminderRun {
        session_reminders: counts.session_reminders,
        credit_reminders: counts.credit_reminders,
        credit_reminder_weeks: weeks,
        silence_reminders: counts.silence_reminders,
        silence_reminder_weeks: silence_weeks,
    }))
}

/// A reminder of the yearly minimum that went to a KSM2 mentor.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreditReminderResponse {
    /// Reminder id.
    pub id: i64,
    /// The mentor.
    pub participant_id: i64,
    /// First name (empty for an erased mentor).
    pub first_name: String,
    /// Last name (`Gelöschte Person #<participant_id>` for an erased mentor).
    pub last_name: String,
    /// The follow-up project.
    pub project_id: i64,
    /// The project year, from 1.
    pub project_year: i32,
    /// First day of the project year.
    pub year_start: NaiveDate,
    /// Last day of the project year.
    pub year_end: NaiveDate,
    /// Hours credited in the year when the reminder went out.
    pub credited_hours: i32,
    /// Hours then missing to the minimum.
    pub missing_hours: i32,
    /// When the reminder was queued.
    pub sent_at: DateTime<Utc>,
}

impl From<(CreditReminder, Participant)> for CreditReminderResponse {
    fn from((r, p): (CreditReminder, Participant)) -> Self {
        let (first_name, last_name) = match p.erased_at {
            Some(_) => (String::new(), anonymous_name(p.id)),
            None => (p.first_name, p.last_name),
        };
        Self {
            id: r.id,
            participant_id: r.participant_id,
            first_name,
            last_name,
            project_id: r.project_id,
            project_year: r.project_year,
            year_start: r.year_start,
            year_end: r.year_end,
            credited_hours: r.credited_hours,
            missing_hours: r.missing_hours,
            sent_at: r.sent_at.and_utc(),
        }
    }
}

/// Which reminders to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CreditReminderFilter {
    /// Only this mentor's reminders (an unknown id gives an empty list, as for the audit filter).
    pub participant_id: Option<i64>,
}

/// One page of reminders, oldest first.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
        "id": 3,
        "participant_id": 5,
        "first_name": "Erika",
        "last_name": "Mustermann",
        "project_id": 9,
        "project_year": 2,
        "year_start": "2024-07-01",
        "year_end": "2025-06-30",
        "credited_hours": 20,
        "missing_hours": 20,
        "sent_at": "2025-05-05T06:00:00Z"
    }],
    "next_cursor": "5a3c96e10f7bd24b"
}))]
pub struct CreditReminderPage {
    /// The reminders on this page.
    pub items: Vec<CreditReminderResponse>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// Who was reminded of the KSM2 minimum, oldest first.
///
/// Staff only. One entry per mentor and project year that got the reminder of the yearly
/// minimum (§ 5.4, 40 hours), with the credited and missing hours at the time it went out.
/// Filter by `participant_id` (an unknown id gives an empty page). Keyset paging with `limit`
/// and `cursor`.
#[utoipa::path(
    tag = "mail",
    operation_id = "list_credit_reminders",
    params(CreditReminderFilter, PageParams),
    responses((status = 200, description = "One page of reminders.", body = CreditReminderPage))
)]
#[get("/credit-reminders")]
pub async fn list(
    _: StaffCaller,
    filter: web::Query<CreditReminderFilter>,
    paging: web::Query<PageParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let page = paging.page()?;
    let participant_id = filter.participant_id;
    let rows = db::run(&pool, move |conn| {
        Ok(reminders::page(
            conn,
            participant_id,
            page.after,
            page.fetch(),
        )?)
    })
    .await?;
    let (rows, next_cursor) = page.finish(rows, |(r, _)| r.id);
    Ok(private_json(&CreditReminderPage {
        items: rows.into_iter().map(Into::into).collect(),
        next_cursor,
    }))
}
