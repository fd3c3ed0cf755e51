//! Staff and mentors move a session through its states: approval within capacity, declination,
//! cancellation, holding. Every transition runs through [`run`]: one transaction that loads the
//! session, checks the caller, applies a conditional state change and audits it.

use crate::domain::programme_time::programme_date_of_utc;
use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

use super::{SessionResponse, require_mentor_or_staff, response, visible};
use crate::api::access::Viewer;
use crate::api::http::json_object::JsonObject;
use crate::api::http::response::private_json;
use crate::api::reason::ReasonRequest;
use crate::auth::{Caller, StaffCaller};
use crate::db::models::audit_events::{self, Change};
use crate::db::models::formats;
use crate::db::models::outbox;
use crate::db::models::sessions::{self, Session, TransitionChanges};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::events::EventType;
use crate::domain::session::{SessionState, Transition, check_approval, check_holding};
use crate::error::AppError;

/// Staff approve a proposal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"capacity_override": false}))]
pub struct ApprovalRequest {
    /// Approve even when the format's yearly limit is reached (explicit, audited).
    #[serde(default)]
    pub capacity_override: bool,
}

/// That a session took place.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"people_reached": 27}))]
pub struct HoldingRequest {
    /// How many people it reached.
    #[validate(range(min = 0, max = 100_000))]
    #[schema(minimum = 0, maximum = 100_000)]
    pub people_reached: i32,
}

/// Who may perform a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Actor {
    /// Staff only (403 for anyone else, before anything is loaded).
    Staff,
    /// One of the session's mentors (an active participant), or staff.
    MentorOrStaff,
}

/// What a transition changes besides the state, and what its audit entry adds.
pub(super) type Effect = (TransitionChanges, serde_json::Value);

fn wrong_state(transition: Transition, from: SessionState) -> AppError {
    AppError::Conflict(format!(
        "the session is `{}`; {transition:?} is not allowed from there",
        from.as_str()
    ))
}

/// Runs `transition` of session `id` in one transaction: loads the session the caller may see,
/// checks the actor and the current state, lets `prepare` check its own preconditions (and write
/// what belongs to the transition) and say what changes, then applies the change as one
/// conditional write (so concurrent transitions cannot both win) and audits it.
pub(super) async fn run<F>(
    caller: Caller,
    pool: &DbPool,
    id: i64,
    transition: Transition,
    actor: Actor,
    prepare: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&mut DbConnection, &Session) -> Result<Effect, AppError> + Send + 'static,
{
    if actor == Actor::Staff {
        caller.require_staff()?;
    }
    let session = db::write(pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let session = visible(conn, &viewer, id)?;
        if actor == Actor::MentorOrStaff {
            require_mentor_or_staff(conn, &viewer, &session)?;
        }
        if transition.target(session.state).is_none() {
            return Err(wrong_state(transition, session.state));
        }
        let (changes, extra) = prepare(conn, &session)?;
        let updated = apply(conn, &caller.actor(), &session, transition, &changes, extra)?;
        response(conn, updated)
    })
    .await?;
    Ok(private_json(&session))
}

/// Applies `transition` with one conditional write and audits it.
fn apply(
    conn: &mut DbConnection,
    actor: &audit_events::Actor,
    session: &Session,
    transition: Transition,
    changes: &TransitionChanges,
    extra: serde_json::Value,
) -> Result<Session, AppError> {
    let from = session.state;
    let to = transition
        .target(from)
        .ok_or_else(|| wrong_state(transition, from))?;
    let now = Utc::now().naive_utc();
    let updated = sessions::transition(conn, session.id, from, to, changes, now)?
        .ok_or_else(|| wrong_state(transition, from))?;
    let mut after = json!({"state": to.as_str()});
    if let (Some(after), Some(extra)) = (after.as_object_mut(), extra.as_object()) {
        after.extend(extra.clone());
    }
    audit_events::record(
        conn,
        Change {
            actor,
            action: match transition {
                Transition::Approve => "session.approved",
                Transition::Decline => "session.declined",
                Transition::Cancel => "session.cancelled",
                Transition::Hold => "session.held",
                Transition::Document => "session.documented",
            },
            entity_type: "session",
            entity_id: session.id.to_string(),
            before: Some(json!({"state": from.as_str()})),
            after: Some(after),
        },
    )?;
    super::notices::tell(conn, &updated, from, transition)?;
    Ok(updated)
}

/// Approves a proposal (staff) if the format's yearly limit for the session's calendar year
/// allows one more, or with an explicit `capacity_override`. Concurrent approvals are
/// serialised, so the limit holds. Audited, with the override flag.
///
/// Staff only (others 403). Moves `proposed` to `approved` (409 from any other state, 404 for an
/// unknown id): the session enters the calendar and takes sign-ups. 409 when the format is not
/// bookable on the start date, or the format's yearly limit (§ 5.4, e.g. about 12 webinars) is
/// reached in the session's calendar year (Berlin) and `capacity_override` is not `true`. The
/// mentors are told by e-mail, and the event `session.approved` tells the community platform.
/// Audited as `session.approved`.
#[utoipa::path(
    tag = "sessions",
    operation_id = "approve_session",
    params(("id" = i64, Path, description = "Session id.")),
    request_body = ApprovalRequest,
    responses(
        (status = 200, description = "Approved; now in the calendar.", body = SessionResponse),
        (status = 409, description = "Not `proposed`, the format is no longer bookable, or the yearly limit is reached (no override).")
    )
)]
#[post("/sessions/{id}/approval")]
pub async fn approve(
    StaffCaller(caller): StaffCaller,
    id: web::Path<i64>,
    body: JsonObject<ApprovalRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let wants_override = body.into_inner()?.capacity_override;
    let actor = caller.account_id;
    run(
        caller,
        &pool,
        id.into_inner(),
        Transition::Approve,
        Actor::Staff,
        move |conn, session| {
            // The lock row first, so concurrent approvals count one after another.
            sessions::lock_capacity(conn)?;
            outbox::emit(
                conn,
                EventType::SessionApproved,
                session.id,
                Utc::now().naive_utc(),
            )?;
            let rule = formats::rule_on(
                conn,
                &session.format_code,
                programme_date_of_utc(session.starts_at),
            )?;
            let scheduled =
                sessions::count_scheduled(conn, &session.format_code, session.calendar_year)?;
            let yearly_limit = rule.as_ref().and_then(|r| r.yearly_limit);
            let overridden = check_approval(
                rule.is_some_and(|r| r.bookable),
                yearly_limit,
                scheduled,
                wants_override,
                &session.format_code,
                session.calendar_year,
            )?;
            let changes = TransitionChanges {
                capacity_override: Some(overridden),
                decided_by: Some(Some(actor)),
                decided_at: Some(Some(Utc::now().naive_utc())),
                ..TransitionChanges::default()
            };
            let extra = json!({
                "capacity_override": overridden,
                "scheduled_before": scheduled,
                "yearly_limit": yearly_limit,
            });
            Ok((changes, extra))
        },
    )
    .await
}

/// Declines a proposal (staff) with a reason. Audited.
///
/// Staff only (others 403). Moves `proposed` to `declined`, which is final (409 from any other
/// state, 404 for an unknown id). The reason is shown on the session and sent to the proposer by
/// e-mail. Audited as `session.declined`.
#[utoipa::path(
    tag = "sessions",
    operation_id = "decline_session",
    params(("id" = i64, Path, description = "Session id.")),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "Declined.", body = SessionResponse),
        (status = 409, description = "Not `proposed`.")
    )
)]
#[post("/sessions/{id}/declination")]
pub async fn decline(
    StaffCaller(caller): StaffCaller,
    id: web::Path<i64>,
    body: JsonObject<ReasonRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    body.validate()?;
    let actor = caller.account_id;
    run(
        caller,
        &pool,
        id.into_inner(),
        Transition::Decline,
        Actor::Staff,
        move |_, _| {
            let changes = TransitionChanges {
                state_reason: Some(Some(body.reason)),
                decided_by: Some(Some(actor)),
                decided_at: Some(Some(Utc::now().naive_utc())),
                ..TransitionChanges::default()
            };
            Ok((changes, json!({})))
        },
    )
    .await
}

/// Cancels a proposed or approved session (one of its mentors, or staff) with a reason. Audited;
/// cancelling an approved session writes the event `session.cancelled`.
///
/// One of the session's mentors (else 403) or staff. Moves `proposed` or `approved` to `cancelled`,
/// which is final (409 from any other state); the reason is shown on the session. The mentors and
/// everyone signed up are told by e-mail.
#[utoipa::path(
    tag = "sessions",
    operation_id = "cancel_session",
    params(("id" = i64, Path, description = "Session id.")),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "Cancelled.", body = SessionResponse),
        (status = 403, description = "Neither staff nor one of the session's mentors."),
        (status = 409, description = "Not `proposed` or `approved`.")
    )
)]
#[post("/sessions/{id}/cancellation")]
pub async fn cancel(
    caller: Caller,
    id: web::Path<i64>,
    body: JsonObject<ReasonRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    run(
        caller,
        &pool,
        id.into_inner(),
        Transition::Cancel,
        Actor::MentorOrStaff,
        move |conn, session| {
            let body = body.into_inner()?;
            body.validate()?;
            // An approved session was announced (`session.approved`); its end is announced too.
            if session.state == SessionState::Approved {
                outbox::emit(
                    conn,
                    EventType::SessionCancelled,
                    session.id,
                    Utc::now().naive_utc(),
                )?;
            }
            let changes = TransitionChanges {
                state_reason: Some(Some(body.reason)),
                ..TransitionChanges::default()
            };
            Ok((changes, json!({})))
        },
    )
    .await
}

/// Records that an approved session took place (one of its mentors, or staff), after its end,
/// with the number of people reached. Audited.
///
/// One of the session's mentors (else 403) or staff. Moves `approved` to `held` once its end has
/// passed (409 before, and from any other state); `people_reached` is the number reported now,
/// replaced later by recorded attendance. Next: record the attendance and file the documentation.
/// Audited as `session.held`.
#[utoipa::path(
    tag = "sessions",
    operation_id = "hold_session",
    params(("id" = i64, Path, description = "Session id.")),
    request_body = HoldingRequest,
    responses(
        (status = 200, description = "Recorded as held.", body = SessionResponse),
        (status = 403, description = "Neither staff nor one of the session's mentors."),
        (status = 409, description = "Not `approved`, or its end has not passed yet.")
    )
)]
#[post("/sessions/{id}/holding")]
pub async fn hold(
    caller: Caller,
    id: web::Path<i64>,
    body: JsonObject<HoldingRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    // The body is read once the caller is known to be a mentor of the session or staff.
    run(
        caller,
        &pool,
        id.into_inner(),
        Transition::Hold,
        Actor::MentorOrStaff,
        move |_, session| {
            let body = body.into_inner()?;
            body.validate()?;
            check_holding(session.ends_at, Utc::now().naive_utc())?;
            let changes = TransitionChanges {
                people_reached: Some(Some(body.people_reached)),
                ..TransitionChanges::default()
            };
            Ok((changes, json!({"people_reached": body.people_reached})))
        },
    )
    .await
}
