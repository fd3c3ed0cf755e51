//! Forum sponsorships (§ 3.2.1): an active mentor applies to sponsor a community forum for 6–12
//! months with a credit option; staff approve within the forum's limit of sponsors at once, or
//! decline; the mentor records evidence (posts, notable threads); staff complete it after its end
//! (granting the credit) or decide the credit of a withdrawn one. Every change is audited.

pub mod application;
pub mod evidence;
mod notices;
pub mod reading;
pub mod transitions;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::api::access::Viewer;
use crate::db::DbConnection;
use crate::db::models::audit_events::{self, Actor, Change};
use crate::db::models::forum_sponsorships::{self as rows, Changes, Sponsorship};
use crate::db::models::forums;
use crate::domain::sponsorship::{
    self, SponsorshipState, Transition, check_free_slot, max_concurrent,
};
use crate::error::AppError;

/// The catalogue format of forum sponsorships.
pub const FORMAT: &str = "forum_sponsorship";

/// A forum sponsorship as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = sponsorship_example)]
pub struct SponsorshipResponse {
    /// Sponsorship id.
    pub id: i64,
    /// The sponsored forum.
    pub forum_id: i64,
    /// The sponsoring mentor.
    pub participant_id: i64,
    /// First day (inclusive).
    pub starts_on: NaiveDate,
    /// Last planned day (inclusive).
    pub ends_on: NaiveDate,
    /// Last day it occupies a slot: `ends_on`, or the day before a withdrawal (before
    /// `starts_on` when it never occupied one).
    pub effective_ends_on: NaiveDate,
    /// The chosen credit option in hours.
    pub credit_hours: i32,
    /// Where it stands.
    pub state: SponsorshipState,
    /// Why it was declined or withdrawn.
    #[schema(required = true)]
    pub state_reason: Option<String>,
    /// When staff approved or declined it.
    #[schema(required = true)]
    pub decided_at: Option<DateTime<Utc>>,
    /// The day it was withdrawn.
    #[schema(required = true)]
    pub withdrawn_on: Option<NaiveDate>,
    /// When staff confirmed its completion.
    #[schema(required = true)]
    pub completed_at: Option<DateTime<Utc>>,
    /// Evidence: the number of posts; `null` until recorded.
    #[schema(required = true)]
    pub post_count: Option<i32>,
    /// Evidence: notable thread titles.
    pub thread_titles: Vec<String>,
    /// When the evidence was last recorded.
    #[schema(required = true)]
    pub evidence_recorded_at: Option<DateTime<Utc>>,
    /// Staff decision on the credit of a withdrawn sponsorship, in hours (0: none).
    #[schema(required = true)]
    pub credit_decision_hours: Option<i32>,
    /// The reason for that decision.
    #[schema(required = true)]
    pub credit_decision_reason: Option<String>,
    /// When it was applied for.
    pub created_at: DateTime<Utc>,
}

/// An approved sponsorship with its evidence recorded, as the examples of the spec show it.
fn sponsorship_example() -> Value {
    json!({
        "id": 17,
        "forum_id": 4,
        "participant_id": 112,
        "starts_on": "2027-01-01",
        "ends_on": "2027-12-31",
        "effective_ends_on": "2027-12-31",
        "credit_hours": 40,
        "state": "approved",
        "state_reason": null,
        "decided_at": "2026-12-10T10:30:00Z",
        "withdrawn_on": null,
        "completed_at": null,
        "post_count": 23,
        "thread_titles": ["Lastenradförderung in Mittelstädten", "Parkraummanagement im Quartier"],
        "evidence_recorded_at": "2027-06-30T15:00:00Z",
        "credit_decision_hours": null,
        "credit_decision_reason": null,
        "created_at": "2026-12-02T08:45:12Z"
    })
}

/// Builds the response for a row.
fn response(conn: &mut DbConnection, s: Sponsorship) -> Result<SponsorshipResponse, AppError> {
    Ok(SponsorshipResponse {
        thread_titles: rows::threads_of(conn, s.id)?,
        id: s.id,
        forum_id: s.forum_id,
        participant_id: s.participant_id,
        starts_on: s.starts_on,
        ends_on: s.ends_on,
        effective_ends_on: s.effective_ends_on,
        credit_hours: s.credit_hours,
        state: s.state,
        state_reason: s.state_reason,
        decided_at: s.decided_at.map(|t| t.and_utc()),
        withdrawn_on: s.withdrawn_on,
        completed_at: s.completed_at.map(|t| t.and_utc()),
        post_count: s.post_count,
        evidence_recorded_at: s.evidence_recorded_at.map(|t| t.and_utc()),
        credit_decision_hours: s.credit_decision_hours,
        credit_decision_reason: s.credit_decision_reason,
        created_at: s.created_at.and_utc(),
    })
}

/// Loads the sponsorship if the viewer may see it: staff all, active participants their own
/// (others: 404); pending or ended participants 403.
fn visible(conn: &mut DbConnection, viewer: &Viewer, id: i64) -> Result<Sponsorship, AppError> {
    viewer.require_member()?;
    let row = rows::find(conn, id)?.ok_or(AppError::NotFound)?;
    match viewer {
        Viewer::Staff { .. } => Ok(row),
        Viewer::Participant(p) if p.id == row.participant_id => Ok(row),
        Viewer::Participant(_) => Err(AppError::NotFound),
    }
}

fn wrong_state(transition: Transition, from: SponsorshipState) -> AppError {
    AppError::Conflict(format!(
        "the forum sponsorship is `{}`; {transition:?} is not allowed from there",
        from.as_str()
    ))
}

/// Checks `hours` against the options of the rule on the start date and, where the period is
/// given, against the weeks it has ([`sponsorship::check_option`]).
fn check_option(
    rule: &crate::db::models::formats::FormatRule,
    hours: i32,
    period: Option<(NaiveDate, NaiveDate)>,
) -> Result<(), AppError> {
    Ok(sponsorship::check_option(
        rule.credit_hours,
        rule.alt_credit_hours,
        hours,
        period,
    )?)
}

/// How many sponsors run at once at most during `[starts_on, ends_on]`; 409 when the forum
/// has no free slot then (`limit`: the rule's `mentors_per_instance`; `None`: no limit).
fn check_capacity(
    conn: &mut DbConnection,
    forum_id: i64,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    limit: Option<i32>,
) -> Result<i64, AppError> {
    let periods: Vec<_> = rows::occupying(conn, forum_id, starts_on, ends_on)?
        .into_iter()
        .map(|s| (s.starts_on, s.effective_ends_on))
        .collect();
    let taken = max_concurrent(&periods, starts_on, ends_on);
    check_free_slot(limit, taken)?;
    Ok(taken)
}

/// The forum, unless it is unknown (422 at `/forum_id`) or retired (409).
fn open_forum(conn: &mut DbConnection, forum_id: i64) -> Result<forums::Forum, AppError> {
    let forum = forums::find(conn, forum_id)?
        .ok_or_else(|| AppError::invalid_field("/forum_id", "unknown forum"))?;
    if forum.retired_at.is_some() {
        return Err(AppError::Conflict(
            "the forum is retired and takes no new sponsorships".to_owned(),
        ));
    }
    Ok(forum)
}

/// Applies `changes` with one conditional write (moving the state by `transition`, or keeping
/// it when `None`), audits it under `action` with `extra` ids and numbers, and returns the
/// response.
fn change(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &Sponsorship,
    transition: Option<Transition>,
    changes: &Changes,
    action: &str,
    extra: Value,
) -> Result<SponsorshipResponse, AppError> {
    let from = row.state;
    let to = match transition {
        Some(t) => t.target(from).ok_or_else(|| wrong_state(t, from))?,
        None => from,
    };
    let now = Utc::now().naive_utc();
    let updated = rows::update(conn, row.id, from, to, changes, now)?.ok_or_else(|| {
        AppError::Conflict("the forum sponsorship changed meanwhile; try again".to_owned())
    })?;
    let mut after = json!({"state": to.as_str()});
    if let (Some(after), Some(extra)) = (after.as_object_mut(), extra.as_object()) {
        after.extend(extra.clone());
    }
    audit_events::record(
        conn,
        Change {
            actor,
            action,
            entity_type: "forum_sponsorship",
            entity_id: row.id.to_string(),
            before: Some(json!({"state": from.as_str()})),
            after: Some(after),
        },
    )?;
    response(conn, updated)
}

/// Used by the personal data export: a participant's sponsorships.
pub fn of_participant(
    conn: &mut DbConnection,
    participant_id: i64,
) -> Result<Vec<SponsorshipResponse>, AppError> {
    rows::of_participant(conn, participant_id)?
        .into_iter()
        .map(|s| response(conn, s))
        .collect()
}
