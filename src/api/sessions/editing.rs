//! Editing and rescheduling a session before it takes place: `PATCH` with `If-Match`. Staff edit
//! proposed and approved sessions, the session's mentors only proposed ones
//! ([`session::check_editable`]). The edited session must satisfy the rules of a proposal (one
//! check for both, [`check_draft`]); topics and mentors already on it are kept without checking
//! them again. Moving an approved session to another time writes `session.rescheduled` to the
//! outbox, in the same transaction as the change and its audit entry.

use actix_web::{HttpResponse, patch, web};
use chrono::{DateTime, Datelike, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;
use validator::Validate;

use super::proposals::{Draft, check_draft};
use super::{SessionResponse, require_mentor_or_staff, response_with, visible};
use crate::api::access::Viewer;
use crate::api::http::etag::{IfMatch, IfMatchHeader, json_with_etag};
use crate::api::http::json_object::{JsonObject, present};
use crate::auth::Caller;
use crate::db::models::audit_events::{self, Change};
use crate::db::models::sessions::{self, Session, SessionEdit};
use crate::db::models::{formats, outbox};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::events::EventType;
use crate::domain::programme_time::programme_date;
use crate::domain::session::{self, Editor, SessionState};
use crate::domain::text;
use crate::error::AppError;

/// Changes to a session: omitted fields keep their value. The result must satisfy the rules of
/// a proposal (the end after the start, a place unless online, accepted topics, active mentors
/// within the format's limit, a format bookable on the start date).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "starts_at": "2027-04-21T08:00:00Z",
    "ends_at": "2027-04-21T09:30:00Z"
}))]
pub struct SessionPatch {
    /// Title.
    #[validate(length(min = 1, max = 200), custom(function = "text::single_line"))]
    #[schema(format = "single-line", min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// Start (RFC 3339).
    pub starts_at: Option<DateTime<Utc>>,
    /// End (RFC 3339), after the start.
    pub ends_at: Option<DateTime<Utc>>,
    /// Whether it takes place online.
    pub online: Option<bool>,
    /// Where it takes place; required unless online; `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[validate(length(min = 1, max = 300), custom(function = "text::single_line"))]
    #[schema(value_type = Option<String>, format = "single-line", min_length = 1, max_length = 300)]
    pub place: Option<Option<String>>,
    /// Ids of topics (1–10), replacing the current ones; topics already on the session may stay
    /// even if retired since, new ones must be accepted.
    #[validate(length(min = 1, max = 10))]
    #[schema(min_items = 1, max_items = 10)]
    pub topic_ids: Option<Vec<i64>>,
    /// Participant ids of the mentors besides the proposer (`proposed_by`, who stays), replacing
    /// the current ones; new ones must be active participants with the mentor role.
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub co_mentor_ids: Option<Vec<i64>>,
}

/// The audited details of a session: ids, codes and times, never its texts (the audit trail
/// outlives an erasure); which texts changed is listed instead.
fn audited(s: &Session, topic_ids: &[i64], mentor_ids: &[i64]) -> Value {
    json!({
        "version": s.version,
        "starts_at": s.starts_at.and_utc(),
        "ends_at": s.ends_at.and_utc(),
        "online": s.online,
        "has_place": s.place.is_some(),
        "topic_ids": topic_ids,
        "mentor_ids": mentor_ids,
    })
}

/// The names of the fields whose value differs.
fn changed_fields(
    before: &Session,
    after: &Session,
    topics: bool,
    mentors: bool,
) -> Vec<&'static str> {
    audit_events::changed_fields([
        ("title", before.title != after.title),
        ("starts_at", before.starts_at != after.starts_at),
        ("ends_at", before.ends_at != after.ends_at),
        ("online", before.online != after.online),
        ("place", before.place != after.place),
        ("topic_ids", topics),
        ("co_mentor_ids", mentors),
    ])
}

/// Checks the precondition and the state, then reads the body, checks the edited session and
/// writes it with its audit entry (and outbox event).
fn edit(
    conn: &mut DbConnection,
    caller: &Caller,
    editor: Editor,
    current: Session,
    if_match: IfMatch,
    body: JsonObject<SessionPatch>,
) -> Result<(Session, Vec<i64>, Vec<i64>), AppError> {
    if !if_match.matches(current.version) {
        return Err(AppError::PreconditionFailed);
    }
    session::check_editable(current.state, editor)?;
    let id = current.id;
    let body = body.into_inner()?;
    body.validate()?;
    let current_topics = sessions::topics_of(conn, id)?;
    let current_mentors = sessions::mentors_of(conn, id)?;
    let starts_at = body
        .starts_at
        .unwrap_or_else(|| current.starts_at.and_utc());
    let ends_at = body.ends_at.unwrap_or_else(|| current.ends_at.and_utc());
    let online = body.online.unwrap_or(current.online);
    let place = body.place.clone().unwrap_or_else(|| current.place.clone());
    let topic_ids = body
        .topic_ids
        .clone()
        .unwrap_or_else(|| current_topics.clone());
    let co_mentor_ids = body.co_mentor_ids.clone().unwrap_or_else(|| {
        current_mentors
            .iter()
            .copied()
            .filter(|m| *m != current.proposed_by)
            .collect()
    });
    let mentors = check_draft(
        conn,
        &Draft {
            format_code: &current.format_code,
            starts_at,
            ends_at,
            online,
            has_place: place.is_some(),
            has_event_name: current.event_name.is_some(),
            topic_ids: &topic_ids,
            kept_topic_ids: &current_topics,
            proposer_id: Some(current.proposed_by),
            named_mentors: &co_mentor_ids,
            kept_mentor_ids: &current_mentors,
            mentors_pointer: "/co_mentor_ids",
        },
    )?;
    let calendar_year = programme_date(starts_at).year();
    let rescheduled =
        starts_at.naive_utc() != current.starts_at || ends_at.naive_utc() != current.ends_at;
    if current.state == SessionState::Approved && calendar_year != current.calendar_year {
        // Counted like an approval: the lock row first, so concurrent moves count one by one.
        sessions::lock_capacity(conn)?;
        let rule = formats::rule_on(conn, &current.format_code, programme_date(starts_at))?;
        let scheduled = sessions::count_scheduled(conn, &current.format_code, calendar_year)?;
        session::check_reschedule_capacity(
            current.calendar_year,
            calendar_year,
            scheduled,
            rule.and_then(|r| r.yearly_limit),
            &current.format_code,
        )?;
    }
    let mut topic_ids = topic_ids;
    topic_ids.sort_unstable();
    topic_ids.dedup();
    let title = body.title.as_deref().unwrap_or(&current.title);
    let now = Utc::now().naive_utc();
    let changes = SessionEdit {
        title: title.trim(),
        starts_at: starts_at.naive_utc(),
        ends_at: ends_at.naive_utc(),
        calendar_year,
        online,
        place: place.as_deref().map(str::trim),
        updated_at: now,
    };
    let updated = sessions::edit(
        conn,
        id,
        if_match.expected(current.version),
        current.state,
        &changes,
        &mentors,
        &topic_ids,
    )?
    .ok_or(AppError::PreconditionFailed)?;
    let mut after = audited(&updated, &topic_ids, &mentors);
    after["changed"] = json!(changed_fields(
        &current,
        &updated,
        topic_ids != current_topics,
        mentors != current_mentors,
    ));
    audit_events::record(
        conn,
        Change {
            actor: &caller.actor(),
            action: if rescheduled {
                "session.rescheduled"
            } else {
                "session.edited"
            },
            entity_type: "session",
            entity_id: id.to_string(),
            before: Some(audited(&current, &current_topics, &current_mentors)),
            after: Some(after),
        },
    )?;
    // The platform shows approved sessions; a proposal is not announced yet. Last, so the
    // outbox lock is held briefly.
    if rescheduled && current.state == SessionState::Approved {
        outbox::emit(conn, EventType::SessionRescheduled, id, now)?;
        super::notices::tell_rescheduled(conn, &current, &updated)?;
    }
    Ok((updated, topic_ids, mentors))
}

/// Edits or reschedules a session before it takes place: staff while it is `proposed` or
/// `approved`, its mentors while it is `proposed` (409 otherwise, and for held, documented,
/// declined or cancelled sessions). Title, start and end, online, place, topics and co-mentors;
/// the edited session obeys the rules of a proposal (422). An approved session moved into
/// another calendar year must fit that year's limit of its format (409). Moving an approved
/// session writes the event `session.rescheduled`. Audited with the details before and after.
///
/// Needs `If-Match` with the session's `ETag` (428 without it, 412 when it changed since); a
/// participant who is not one of its mentors gets 403 (404 when the session is hidden from them).
/// Absent fields stay as they are; `place: null` clears the place. The proposer stays a mentor;
/// `co_mentor_ids` replaces the others. When an approved session moves, its mentors and everyone
/// signed up are told by e-mail. Answers the new `ETag`.
#[utoipa::path(
    tag = "sessions",
    operation_id = "update_session",
    params(
        ("id" = i64, Path, description = "Session id."),
        ("If-Match" = String, Header, description = "The ETag (`version`) of the session being edited.")
    ),
    request_body = SessionPatch,
    responses(
        (status = 200, description = "Edited.", body = SessionResponse,
            headers(("ETag" = String, description = "The new version."))),
        (status = 403, description = "Neither staff nor one of the session's mentors."),
        (status = 409, description = "Not editable in its state (by this caller), the format is not bookable on the new start date, or the new calendar year's limit is reached."),
        (status = 412, description = "The session changed since it was read."),
        (status = 428, description = "If-Match is missing.")
    )
)]
#[patch("/sessions/{id}")]
pub async fn update(
    caller: Caller,
    id: web::Path<i64>,
    body: JsonObject<SessionPatch>,
    if_match: IfMatchHeader,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (session, topic_ids, mentor_ids) = db::write(&pool, move |conn| {
        // Who may edit needs the session; then the precondition (428) before the body.
        let viewer = Viewer::load(conn, &caller)?;
        let current = visible(conn, &viewer, id)?;
        require_mentor_or_staff(conn, &viewer, &current)?;
        let if_match = if_match.require()?;
        let editor = if viewer.is_staff() {
            Editor::Staff
        } else {
            Editor::Mentor
        };
        edit(conn, &caller, editor, current, if_match, body)
    })
    .await?;
    let version = session.version;
    let body = response_with(session, topic_ids, mentor_ids)?;
    Ok(json_with_etag(version, &body))
}
