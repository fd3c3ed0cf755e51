//! Team-mentoring sessions (§ 3.1): mentors propose, staff approve within the format's capacity
//! or decline, mentors or staff cancel, record that a session was held. Every transition is an
//! explicit endpoint, allowed only from the right state, and audited.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::etag::json_with_etag;
use crate::api::json_object::JsonObject;
use crate::api::pagination::PageParams;
use crate::api::participants::access::Viewer;
use crate::api::{created_json, private_json};
use crate::auth::Caller;
use crate::db::models::audit_events::{self, Change};
use crate::db::models::sessions::{
    self, ListFilter, NewQuestion, NewSession, Question, Session, TransitionChanges,
};
use crate::db::models::{formats, participants, topics};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::participant::ParticipantStatus;
use crate::domain::session::{
    SCHEDULED, SessionState, Transition, fits_mentor_limit, fits_yearly_limit,
};
use crate::domain::text;
use crate::error::{AppError, FieldProblem};

/// The format group whose formats are sessions.
const TEAM_GROUP: &str = "team";
/// The format whose sessions belong to an SK:KK expert event.
const EXPERT_EVENT: &str = "expert_event_session";

/// A session as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionResponse {
    /// Session id.
    pub id: i64,
    /// The team format (`expert_event_session`, `regional_meeting`, `webinar`).
    pub format_code: String,
    /// Title.
    pub title: String,
    /// The guiding question fixed in advance.
    pub guiding_question: String,
    /// Accepted topics it is about.
    pub topic_ids: Vec<i64>,
    /// Participant ids of its mentors (the proposer first among equals: ascending ids).
    pub mentor_ids: Vec<i64>,
    /// The participant who proposed it.
    pub proposed_by: i64,
    /// Start (UTC).
    pub starts_at: DateTime<Utc>,
    /// End (UTC).
    pub ends_at: DateTime<Utc>,
    /// Whether it takes place online.
    pub online: bool,
    /// Where it takes place; `null` when online only.
    #[schema(required = true)]
    pub place: Option<String>,
    /// The SK:KK expert event it belongs to (expert event sessions).
    #[schema(required = true)]
    pub event_name: Option<String>,
    /// The expected audience.
    #[schema(required = true)]
    pub expected_audience: Option<String>,
    /// Where it stands.
    pub state: SessionState,
    /// Why it was declined or cancelled.
    #[schema(required = true)]
    pub state_reason: Option<String>,
    /// People reached, once held.
    #[schema(required = true)]
    pub people_reached: Option<i32>,
    /// Whether staff approved it beyond the format's yearly limit.
    pub capacity_override: bool,
    /// When staff approved or declined it.
    #[schema(required = true)]
    pub decided_at: Option<DateTime<Utc>>,
    /// When it was proposed.
    pub created_at: DateTime<Utc>,
}

/// One page of sessions.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionList {
    /// Sessions in the order they were proposed.
    pub items: Vec<SessionResponse>,
    /// Cursor of the next page; `null` on the last.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// A session proposal.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSessionRequest {
    /// A team format: `expert_event_session`, `regional_meeting` or `webinar`.
    #[schema(example = "webinar")]
    pub format_code: String,
    /// Title.
    #[validate(length(min = 1, max = 200), custom(function = "text::single_line"))]
    #[schema(
        format = "single-line",
        min_length = 1,
        max_length = 200,
        example = "Wärmeplanung kompakt"
    )]
    pub title: String,
    /// The guiding question fixed in advance.
    #[validate(length(min = 1, max = 2000), custom(function = "text::multi_line"))]
    #[schema(format = "multi-line", min_length = 1, max_length = 2000)]
    pub guiding_question: String,
    /// Ids of accepted topics (1–10).
    #[validate(length(min = 1, max = 10))]
    #[schema(min_items = 1, max_items = 10)]
    pub topic_ids: Vec<i64>,
    /// Participant ids of co-mentors: active participants with the mentor role.
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub co_mentor_ids: Vec<i64>,
    /// Start (RFC 3339).
    pub starts_at: DateTime<Utc>,
    /// End (RFC 3339), after the start.
    pub ends_at: DateTime<Utc>,
    /// Whether it takes place online.
    pub online: bool,
    /// Where it takes place; required unless online.
    #[validate(length(min = 1, max = 300), custom(function = "text::single_line"))]
    #[schema(format = "single-line", min_length = 1, max_length = 300)]
    pub place: Option<String>,
    /// The SK:KK expert event it belongs to; required for `expert_event_session`.
    #[validate(length(min = 1, max = 300), custom(function = "text::single_line"))]
    #[schema(format = "single-line", min_length = 1, max_length = 300)]
    pub event_name: Option<String>,
    /// The expected audience.
    #[validate(length(min = 1, max = 1000), custom(function = "text::multi_line"))]
    #[schema(format = "multi-line", min_length = 1, max_length = 1000)]
    pub expected_audience: Option<String>,
}

/// Filters for the session list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionFilter {
    /// Only this format.
    #[param(max_length = 64, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub format: Option<String>,
    /// Only sessions about this topic.
    pub topic_id: Option<i64>,
    /// Only sessions starting at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Only sessions starting before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Only sessions in this state.
    pub state: Option<SessionState>,
}

/// Staff approve a proposal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalRequest {
    /// Approve even when the format's yearly limit is reached (explicit, audited).
    #[serde(default)]
    pub capacity_override: bool,
}

/// Why a session is declined or cancelled.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    /// The reason, shown with the session.
    #[validate(length(min = 1, max = 2000), custom(function = "text::multi_line"))]
    #[schema(format = "multi-line", min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// That a session took place.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldingRequest {
    /// How many people it reached.
    #[validate(range(min = 0, max = 100_000))]
    #[schema(minimum = 0, maximum = 100_000)]
    pub people_reached: i32,
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

fn response(conn: &mut DbConnection, s: Session) -> Result<SessionResponse, AppError> {
    let state = SessionState::parse(&s.state)
        .ok_or_else(|| AppError::internal(format!("unknown state of session {}", s.id)))?;
    Ok(SessionResponse {
        topic_ids: sessions::topics_of(conn, s.id)?,
        mentor_ids: sessions::mentors_of(conn, s.id)?,
        id: s.id,
        format_code: s.format_code,
        title: s.title,
        guiding_question: s.guiding_question,
        proposed_by: s.proposed_by,
        starts_at: utc(s.starts_at),
        ends_at: utc(s.ends_at),
        online: s.online,
        place: s.place,
        event_name: s.event_name,
        expected_audience: s.expected_audience,
        state,
        state_reason: s.state_reason,
        people_reached: s.people_reached,
        capacity_override: s.capacity_override,
        decided_at: s.decided_at.map(utc),
        created_at: utc(s.created_at),
    })
}

fn is_scheduled(state: &str) -> bool {
    SCHEDULED.iter().any(|s| s.as_str() == state)
}

/// The active participant calling, or 403 (pending/ended participants, integrations).
fn active_participant(viewer: &Viewer) -> Result<&participants::Participant, AppError> {
    match viewer {
        Viewer::Participant(p) if p.status == ParticipantStatus::Active.as_str() => Ok(p),
        _ => Err(AppError::Forbidden),
    }
}

/// Loads the session if the viewer may see it: staff all; active participants scheduled
/// sessions and those they mentor (others: 404); anyone else 403.
fn visible(conn: &mut DbConnection, viewer: &Viewer, id: i64) -> Result<Session, AppError> {
    viewer.require_member()?;
    let session = sessions::find(conn, id)?.ok_or(AppError::NotFound)?;
    match viewer {
        Viewer::Staff { .. } => Ok(session),
        Viewer::Participant(p) => {
            if is_scheduled(&session.state) || sessions::mentors_of(conn, id)?.contains(&p.id) {
                Ok(session)
            } else {
                Err(AppError::NotFound)
            }
        }
    }
}

/// Staff, or an active participant who mentors the session; else 403.
fn require_mentor_or_staff(
    conn: &mut DbConnection,
    viewer: &Viewer,
    session: &Session,
) -> Result<(), AppError> {
    if viewer.is_staff() {
        return Ok(());
    }
    let p = active_participant(viewer)?;
    if sessions::mentors_of(conn, session.id)?.contains(&p.id) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn wrong_state(transition: Transition, from: &str) -> AppError {
    AppError::Conflict(format!(
        "the session is `{from}`; {transition:?} is not allowed from there"
    ))
}

/// Applies `transition` with one conditional write and audits it.
fn apply(
    conn: &mut DbConnection,
    actor: i64,
    session: &Session,
    transition: Transition,
    changes: &TransitionChanges,
    extra: serde_json::Value,
) -> Result<Session, AppError> {
    let from = SessionState::parse(&session.state)
        .ok_or_else(|| AppError::internal(format!("unknown state of session {}", session.id)))?;
    let to = transition
        .target(from)
        .ok_or_else(|| wrong_state(transition, &session.state))?;
    let now = Utc::now().naive_utc();
    let updated = sessions::transition(conn, session.id, from, to, changes, now)?
        .ok_or_else(|| wrong_state(transition, &session.state))?;
    let mut after = json!({"state": to.as_str()});
    if let (Some(after), Some(extra)) = (after.as_object_mut(), extra.as_object()) {
        after.extend(extra.clone());
    }
    audit_events::record(
        conn,
        Change {
            actor: Some(actor),
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
    Ok(updated)
}

/// Checks the proposal against the format, topics and mentors; returns the mentor ids.
fn check_proposal(
    conn: &mut DbConnection,
    proposer: &participants::Participant,
    body: &NewSessionRequest,
) -> Result<Vec<i64>, AppError> {
    if body.ends_at <= body.starts_at {
        return Err(AppError::invalid_field(
            "/ends_at",
            "the end must lie after the start",
        ));
    }
    if !body.online && body.place.is_none() {
        return Err(AppError::invalid_field(
            "/place",
            "a place is required unless the session is online",
        ));
    }
    let format = formats::find(conn, &body.format_code)?
        .ok_or_else(|| AppError::invalid_field("/format_code", "unknown format"))?;
    let rule = formats::rule_on(conn, &format.code, body.starts_at.date_naive())?;
    let Some(rule) = rule.filter(|r| r.bookable) else {
        return Err(AppError::Conflict(format!(
            "the format `{}` is not bookable on the start date",
            format.code
        )));
    };
    if format.group_code != TEAM_GROUP {
        return Err(AppError::invalid_field(
            "/format_code",
            "not a team format: sessions are expert event sessions, regional meetings or webinars",
        ));
    }
    if format.code == EXPERT_EVENT && body.event_name.is_none() {
        return Err(AppError::invalid_field(
            "/event_name",
            "an expert event session names the SK:KK event it belongs to",
        ));
    }
    topics::require_accepted(conn, "/topic_ids", &body.topic_ids)?;
    let mut mentors = vec![proposer.id];
    let mut problems = Vec::new();
    for (index, id) in body.co_mentor_ids.iter().enumerate() {
        if mentors.contains(id) {
            continue;
        }
        let ok = participants::find(conn, *id)?.is_some_and(|p| {
            p.erased_at.is_none() && p.is_mentor && p.status == ParticipantStatus::Active.as_str()
        });
        if ok {
            mentors.push(*id);
        } else {
            problems.push(FieldProblem {
                pointer: format!("/co_mentor_ids/{index}"),
                detail: format!(
                    "participant {id} is not an active participant with the mentor role"
                ),
            });
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    if !fits_mentor_limit(mentors.len(), rule.mentors_per_instance) {
        return Err(AppError::invalid_field(
            "/co_mentor_ids",
            format!(
                "the format allows at most {} mentors per session",
                rule.mentors_per_instance.unwrap_or_default()
            ),
        ));
    }
    mentors.sort_unstable();
    Ok(mentors)
}

/// Proposes a session (an active participant with the mentor role, who becomes one of its
/// mentors). Audited.
#[utoipa::path(
    tag = "sessions",
    operation_id = "propose_session",
    request_body = NewSessionRequest,
    responses(
        (status = 201, description = "Proposed.", body = SessionResponse,
            headers(("Location" = String, description = "URL of the new session."))),
        (status = 403, description = "Not an active participant with the mentor role.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The format is not bookable on the start date (e.g. individual mentoring).", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("/sessions")]
pub async fn create(
    caller: Caller,
    body: JsonObject<NewSessionRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    body.validate()?;
    if body.format_code.len() > 64 || body.format_code.chars().any(char::is_control) {
        return Err(AppError::invalid_field(
            "/format_code",
            "must be a format code",
        ));
    }
    let session = db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let proposer = active_participant(&viewer)?;
        if !proposer.is_mentor {
            return Err(AppError::Forbidden);
        }
        let mentors = check_proposal(conn, proposer, &body)?;
        let now = Utc::now().naive_utc();
        let mut topic_ids = body.topic_ids.clone();
        topic_ids.sort_unstable();
        topic_ids.dedup();
        let new = NewSession {
            format_code: &body.format_code,
            title: &body.title,
            guiding_question: &body.guiding_question,
            starts_at: body.starts_at.naive_utc(),
            ends_at: body.ends_at.naive_utc(),
            calendar_year: body.starts_at.year(),
            online: body.online,
            place: body.place.as_deref(),
            event_name: body.event_name.as_deref(),
            expected_audience: body.expected_audience.as_deref(),
            state: SessionState::Proposed.as_str(),
            capacity_override: false,
            proposed_by: proposer.id,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let session = sessions::insert(conn, &new, &mentors, &topic_ids)?;
        audit_events::record(
            conn,
            Change {
                actor: Some(caller.account_id),
                action: "session.proposed",
                entity_type: "session",
                entity_id: session.id.to_string(),
                before: None,
                after: Some(json!({
                    "state": session.state,
                    "format_code": session.format_code,
                    "mentor_ids": mentors,
                    "topic_ids": topic_ids,
                })),
            },
        )?;
        response(conn, session)
    })
    .await?;
    Ok(created_json(
        &format!("/api/v1/sessions/{}", session.id),
        &session,
    ))
}

/// Lists sessions: staff see all; active participants approved, held and documented ones plus
/// those they mentor.
#[utoipa::path(
    tag = "sessions",
    operation_id = "list_sessions",
    params(SessionFilter, PageParams),
    responses(
        (status = 200, description = "One page of sessions.", body = SessionList),
        (status = 403, description = "Not staff and not an active participant.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[get("/sessions")]
pub async fn list(
    caller: Caller,
    filter: web::Query<SessionFilter>,
    paging: web::Query<PageParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let page = paging.page()?;
    let filter = filter.into_inner();
    if filter
        .format
        .as_deref()
        .is_some_and(|f| f.len() > 64 || f.chars().any(char::is_control))
    {
        return Err(AppError::BadRequest(
            "format must be a format code".to_owned(),
        ));
    }
    let (items, next_cursor) = db::run(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        viewer.require_member()?;
        let mut query = ListFilter {
            format_code: filter.format,
            topic_id: filter.topic_id,
            from: filter.from.map(|t| t.naive_utc()),
            to: filter.to.map(|t| t.naive_utc()),
            state: filter.state.map(|s| s.as_str().to_owned()),
            after: page.after,
            ..ListFilter::default()
        };
        if let Viewer::Participant(p) = &viewer {
            query.visible_states = Some(SCHEDULED.iter().map(|s| s.as_str().to_owned()).collect());
            query.mentor_participant_id = Some(p.id);
        }
        let rows = sessions::list(conn, &query, page.fetch())?;
        let (rows, next) = page.finish(rows, |s| s.id);
        let items = rows
            .into_iter()
            .map(|s| response(conn, s))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((items, next))
    })
    .await?;
    Ok(private_json(&SessionList { items, next_cursor }))
}

/// One session, if the caller may see it.
#[utoipa::path(
    tag = "sessions",
    operation_id = "get_session",
    params(("id" = i64, Path, description = "Session id.")),
    responses(
        (status = 200, description = "The session.", body = SessionResponse,
            headers(("ETag" = String, description = "The session's version."))),
        (status = 403, description = "Not staff and not an active participant.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[get("/sessions/{id}")]
pub async fn get(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (version, session) = db::run(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let session = visible(conn, &viewer, id)?;
        Ok((session.version, response(conn, session)?))
    })
    .await?;
    Ok(json_with_etag(version, &session))
}

/// Approves a proposal (staff) if the format's yearly limit for the session's calendar year
/// allows one more, or with an explicit `capacity_override`. Concurrent approvals are
/// serialised, so the limit holds. Audited, with the override flag.
#[utoipa::path(
    tag = "sessions",
    operation_id = "approve_session",
    params(("id" = i64, Path, description = "Session id.")),
    request_body = ApprovalRequest,
    responses(
        (status = 200, description = "Approved; now in the calendar.", body = SessionResponse),
        (status = 409, description = "Not `proposed`, the format is no longer bookable, or the yearly limit is reached (no override).", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("/sessions/{id}/approval")]
pub async fn approve(
    caller: Caller,
    id: web::Path<i64>,
    body: JsonObject<ApprovalRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    caller.require_staff()?;
    let id = id.into_inner();
    let wants_override = body.into_inner().capacity_override;
    let actor = caller.account_id;
    let session = db::write(&pool, move |conn| {
        // First: the lock row, so concurrent approvals count one after another.
        sessions::lock_capacity(conn)?;
        let session = sessions::find(conn, id)?.ok_or(AppError::NotFound)?;
        if Transition::Approve
            .target(SessionState::parse(&session.state).unwrap_or(SessionState::Cancelled))
            .is_none()
        {
            return Err(wrong_state(Transition::Approve, &session.state));
        }
        let rule = formats::rule_on(conn, &session.format_code, session.starts_at.date())?
            .filter(|r| r.bookable)
            .ok_or_else(|| {
                AppError::Conflict("the format is not bookable on the start date".to_owned())
            })?;
        let scheduled =
            sessions::count_scheduled(conn, &session.format_code, session.calendar_year)?;
        let fits = fits_yearly_limit(scheduled, rule.yearly_limit);
        if !fits && !wants_override {
            return Err(AppError::Conflict(format!(
                "the yearly limit of {} `{}` sessions in {} is reached; approve with \
                 `capacity_override: true` to exceed it",
                rule.yearly_limit.unwrap_or_default(),
                session.format_code,
                session.calendar_year
            )));
        }
        let overridden = !fits;
        let now = Utc::now().naive_utc();
        let changes = TransitionChanges {
            capacity_override: Some(overridden),
            decided_by: Some(Some(actor)),
            decided_at: Some(Some(now)),
            ..TransitionChanges::default()
        };
        let extra = json!({
            "capacity_override": overridden,
            "scheduled_before": scheduled,
            "yearly_limit": rule.yearly_limit,
        });
        let updated = apply(conn, actor, &session, Transition::Approve, &changes, extra)?;
        response(conn, updated)
    })
    .await?;
    Ok(private_json(&session))
}

/// Declines a proposal (staff) with a reason. Audited.
#[utoipa::path(
    tag = "sessions",
    operation_id = "decline_session",
    params(("id" = i64, Path, description = "Session id.")),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "Declined.", body = SessionResponse),
        (status = 409, description = "Not `proposed`.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("/sessions/{id}/declination")]
pub async fn decline(
    caller: Caller,
    id: web::Path<i64>,
    body: JsonObject<ReasonRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    caller.require_staff()?;
    let body = body.into_inner();
    body.validate()?;
    let id = id.into_inner();
    let actor = caller.account_id;
    let session = db::write(&pool, move |conn| {
        let session = sessions::find(conn, id)?.ok_or(AppError::NotFound)?;
        let changes = TransitionChanges {
            state_reason: Some(Some(body.reason)),
            decided_by: Some(Some(actor)),
            decided_at: Some(Some(Utc::now().naive_utc())),
            ..TransitionChanges::default()
        };
        let updated = apply(
            conn,
            actor,
            &session,
            Transition::Decline,
            &changes,
            json!({}),
        )?;
        response(conn, updated)
    })
    .await?;
    Ok(private_json(&session))
}

/// Cancels a proposed or approved session (one of its mentors, or staff) with a reason. Audited.
#[utoipa::path(
    tag = "sessions",
    operation_id = "cancel_session",
    params(("id" = i64, Path, description = "Session id.")),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "Cancelled.", body = SessionResponse),
        (status = 403, description = "Neither staff nor one of the session's mentors.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not `proposed` or `approved`.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("/sessions/{id}/cancellation")]
pub async fn cancel(
    caller: Caller,
    id: web::Path<i64>,
    body: JsonObject<ReasonRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    body.validate()?;
    let id = id.into_inner();
    let session = db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let session = visible(conn, &viewer, id)?;
        require_mentor_or_staff(conn, &viewer, &session)?;
        let changes = TransitionChanges {
            state_reason: Some(Some(body.reason)),
            ..TransitionChanges::default()
        };
        let updated = apply(
            conn,
            caller.account_id,
            &session,
            Transition::Cancel,
            &changes,
            json!({}),
        )?;
        response(conn, updated)
    })
    .await?;
    Ok(private_json(&session))
}

/// Records that an approved session took place (one of its mentors, or staff), after its end,
/// with the number of people reached. Audited.
#[utoipa::path(
    tag = "sessions",
    operation_id = "hold_session",
    params(("id" = i64, Path, description = "Session id.")),
    request_body = HoldingRequest,
    responses(
        (status = 200, description = "Recorded as held.", body = SessionResponse),
        (status = 403, description = "Neither staff nor one of the session's mentors.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not `approved`, or its end has not passed yet.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("/sessions/{id}/holding")]
pub async fn hold(
    caller: Caller,
    id: web::Path<i64>,
    body: JsonObject<HoldingRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    body.validate()?;
    let id = id.into_inner();
    let session = db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let session = visible(conn, &viewer, id)?;
        require_mentor_or_staff(conn, &viewer, &session)?;
        if session.state == SessionState::Approved.as_str()
            && session.ends_at > Utc::now().naive_utc()
        {
            return Err(AppError::Conflict(
                "the session has not ended yet".to_owned(),
            ));
        }
        let changes = TransitionChanges {
            people_reached: Some(Some(body.people_reached)),
            ..TransitionChanges::default()
        };
        let updated = apply(
            conn,
            caller.account_id,
            &session,
            Transition::Hold,
            &changes,
            json!({"people_reached": body.people_reached}),
        )?;
        response(conn, updated)
    })
    .await?;
    Ok(private_json(&session))
}

/// The active participant with the mentee role calling, or 403.
fn active_mentee(viewer: &Viewer) -> Result<&participants::Participant, AppError> {
    let p = active_participant(viewer)?;
    if p.is_mentee {
        Ok(p)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Mentee actions need an approved session that has not been held yet.
fn require_open(session: &Session) -> Result<(), AppError> {
    if session.state == SessionState::Approved.as_str() {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "the session is `{}`; sign-ups and questions need an approved session",
            session.state
        )))
    }
}

fn audit_signup(
    conn: &mut DbConnection,
    actor: i64,
    action: &str,
    session_id: i64,
    participant_id: i64,
) -> Result<(), AppError> {
    audit_events::record(
        conn,
        Change {
            actor: Some(actor),
            action,
            entity_type: "session",
            entity_id: session_id.to_string(),
            before: None,
            after: Some(json!({"participant_id": participant_id})),
        },
    )?;
    Ok(())
}

/// Signs the calling active mentee up for an approved session (idempotent). Audited.
#[utoipa::path(
    tag = "sessions",
    operation_id = "sign_up_for_session",
    params(("id" = i64, Path, description = "Session id.")),
    responses(
        (status = 204, description = "Signed up (or already was)."),
        (status = 403, description = "Not an active participant with the mentee role.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The session is not `approved`.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("/sessions/{id}/signup")]
pub async fn sign_up(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let session = visible(conn, &viewer, id)?;
        let mentee = active_mentee(&viewer)?;
        require_open(&session)?;
        if sessions::sign_up(conn, id, mentee.id, Utc::now().naive_utc())? {
            audit_signup(conn, caller.account_id, "session.signed_up", id, mentee.id)?;
        }
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Withdraws the calling mentee's sign-up from an approved session (idempotent). Audited.
#[utoipa::path(
    tag = "sessions",
    operation_id = "withdraw_from_session",
    params(("id" = i64, Path, description = "Session id.")),
    responses(
        (status = 204, description = "Withdrawn (or was not signed up)."),
        (status = 403, description = "Not an active participant with the mentee role.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The session is not `approved`.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[delete("/sessions/{id}/signup")]
pub async fn withdraw(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let session = visible(conn, &viewer, id)?;
        let mentee = active_mentee(&viewer)?;
        require_open(&session)?;
        if sessions::withdraw(conn, id, mentee.id)? {
            audit_signup(conn, caller.account_id, "session.withdrawn", id, mentee.id)?;
        }
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A question or case example for the session's mentors.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewQuestionRequest {
    /// The question or case example.
    #[validate(length(min = 1, max = 5000), custom(function = "text::multi_line"))]
    #[schema(format = "multi-line", min_length = 1, max_length = 5000)]
    pub body: String,
    /// Whether it is a case example from the sender's own work.
    #[serde(default)]
    pub is_case_example: bool,
    /// Hide the sender from the mentors and from the documentation.
    #[serde(default)]
    pub anonymise: bool,
}

/// A question as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionResponse {
    /// Question id.
    pub id: i64,
    /// The sender; `null` to mentors when the sender asked to be anonymised.
    #[schema(required = true)]
    pub participant_id: Option<i64>,
    /// The question or case example.
    pub body: String,
    /// Whether it is a case example.
    pub is_case_example: bool,
    /// Whether the sender asked to be anonymised.
    pub anonymise: bool,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
}

/// The session's questions.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionList {
    /// In the order they came.
    pub items: Vec<QuestionResponse>,
    /// Always `null`: the list is complete.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

fn question_response(q: Question, reveal: bool) -> QuestionResponse {
    QuestionResponse {
        id: q.id,
        participant_id: (reveal || !q.anonymise).then_some(q.participant_id),
        body: q.body,
        is_case_example: q.is_case_example,
        anonymise: q.anonymise,
        created_at: utc(q.created_at),
    }
}

/// Sends a question or case example to the mentors of an approved session (active mentees).
/// Audited without its text.
#[utoipa::path(
    tag = "sessions",
    operation_id = "ask_session_question",
    params(("id" = i64, Path, description = "Session id.")),
    request_body = NewQuestionRequest,
    responses(
        (status = 201, description = "Sent; only the session's mentors and staff read it.", body = QuestionResponse),
        (status = 403, description = "Not an active participant with the mentee role.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The session is not `approved`.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("/sessions/{id}/questions")]
pub async fn ask(
    caller: Caller,
    id: web::Path<i64>,
    body: JsonObject<NewQuestionRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    body.validate()?;
    let id = id.into_inner();
    let question = db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let session = visible(conn, &viewer, id)?;
        let mentee = active_mentee(&viewer)?;
        require_open(&session)?;
        let question = sessions::insert_question(
            conn,
            &NewQuestion {
                session_id: id,
                participant_id: mentee.id,
                body: &body.body,
                is_case_example: body.is_case_example,
                anonymise: body.anonymise,
                created_at: Utc::now().naive_utc(),
            },
        )?;
        audit_events::record(
            conn,
            Change {
                actor: Some(caller.account_id),
                action: "session.question_sent",
                entity_type: "session",
                entity_id: id.to_string(),
                before: None,
                after: Some(json!({
                    "question_id": question.id,
                    "is_case_example": question.is_case_example,
                    "anonymise": question.anonymise,
                })),
            },
        )?;
        Ok(question_response(question, true))
    })
    .await?;
    Ok(created_json(
        &format!("/api/v1/sessions/{id}/questions"),
        &question,
    ))
}

/// The session's questions: its mentors (anonymised senders hidden) and staff only.
#[utoipa::path(
    tag = "sessions",
    operation_id = "list_session_questions",
    params(("id" = i64, Path, description = "Session id.")),
    responses(
        (status = 200, description = "The questions.", body = QuestionList),
        (status = 403, description = "Neither staff nor one of the session's mentors.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[get("/sessions/{id}/questions")]
pub async fn questions(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let items = db::run(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let session = visible(conn, &viewer, id)?;
        require_mentor_or_staff(conn, &viewer, &session)?;
        let reveal = viewer.is_staff();
        Ok(sessions::questions_of(conn, id)?
            .into_iter()
            .map(|q| question_response(q, reveal))
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(private_json(&QuestionList {
        items,
        next_cursor: None,
    }))
}
