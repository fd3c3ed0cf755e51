//! Team-mentoring sessions (§ 3.1): mentors propose, staff approve within the format's capacity
//! or decline, mentors or staff cancel, record that a session was held and file its short
//! documentation. Every transition is an explicit endpoint, allowed only from the right state, and
//! audited. Mentees sign up and send questions; mentors and staff read the sign-ups and record
//! attendance; the calendar feed lives in `api::calendar`.

pub mod attachments;
pub mod attendance;
pub mod documentation;
pub mod editing;
pub mod mentees;
mod notices;
pub mod proposals;
pub mod transitions;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::access::Viewer;
use crate::db::DbConnection;
use crate::db::models::participants;
use crate::db::models::sessions::{self, Session};
use crate::domain::session::{SCHEDULED, SessionState};
use crate::error::AppError;

/// A session as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = session_example)]
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
    /// Participant ids of its mentors, ascending (the proposer is among them; see `proposed_by`).
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
#[schema(example = json!({"items": [session_example()], "next_cursor": null}))]
pub struct SessionList {
    /// Sessions in calendar order: soonest start first (ties by id).
    pub items: Vec<SessionResponse>,
    /// Cursor of the next page; `null` on the last.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// An approved webinar, as the examples of the spec show a session.
fn session_example() -> serde_json::Value {
    serde_json::json!({
        "id": 41,
        "format_code": "webinar",
        "title": "Wärmeplanung kompakt",
        "guiding_question": "Wie starte ich die kommunale Wärmeplanung mit wenig Personal?",
        "topic_ids": [3, 7],
        "mentor_ids": [112, 118],
        "proposed_by": 112,
        "starts_at": "2027-04-14T08:00:00Z",
        "ends_at": "2027-04-14T09:30:00Z",
        "online": true,
        "place": null,
        "event_name": null,
        "expected_audience": "KSM im Erstvorhaben aus kleinen Kommunen",
        "state": "approved",
        "state_reason": null,
        "people_reached": null,
        "capacity_override": false,
        "decided_at": "2027-03-20T13:45:00Z",
        "created_at": "2027-03-12T10:02:33Z"
    })
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

fn response(conn: &mut DbConnection, s: Session) -> Result<SessionResponse, AppError> {
    let topic_ids = sessions::topics_of(conn, s.id)?;
    let mentor_ids = sessions::mentors_of(conn, s.id)?;
    response_with(s, topic_ids, mentor_ids)
}

/// The bodies of a list page: mentors and topics in two queries for all rows, not two per row.
fn responses(
    conn: &mut DbConnection,
    rows: Vec<Session>,
) -> Result<Vec<SessionResponse>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|s| s.id).collect();
    let mut topics = sessions::topics_of_many(conn, &ids)?;
    let mut mentors = sessions::mentors_of_many(conn, &ids)?;
    rows.into_iter()
        .map(|s| {
            let (topic_ids, mentor_ids) = (
                topics.remove(&s.id).unwrap_or_default(),
                mentors.remove(&s.id).unwrap_or_default(),
            );
            response_with(s, topic_ids, mentor_ids)
        })
        .collect()
}

/// The body of a session from its row and its topic and mentor ids (each ascending).
pub(super) fn response_with(
    s: Session,
    topic_ids: Vec<i64>,
    mentor_ids: Vec<i64>,
) -> Result<SessionResponse, AppError> {
    Ok(SessionResponse {
        topic_ids,
        mentor_ids,
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
        state: s.state,
        state_reason: s.state_reason,
        people_reached: s.people_reached,
        capacity_override: s.capacity_override,
        decided_at: s.decided_at.map(utc),
        created_at: utc(s.created_at),
    })
}

fn is_scheduled(state: SessionState) -> bool {
    SCHEDULED.contains(&state)
}

/// Loads the session if the viewer may see it: staff all; active participants scheduled
/// sessions and those they mentor (others: 404); anyone else 403.
fn visible(conn: &mut DbConnection, viewer: &Viewer, id: i64) -> Result<Session, AppError> {
    viewer.require_member()?;
    let session = sessions::find(conn, id)?.ok_or(AppError::NotFound)?;
    match viewer {
        Viewer::Staff { .. } => Ok(session),
        Viewer::Participant(p) => {
            if is_scheduled(session.state) || sessions::mentors_of(conn, id)?.contains(&p.id) {
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
    let p = viewer.active_participant()?;
    if sessions::mentors_of(conn, session.id)?.contains(&p.id) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The active participant with the mentee role calling, or 403.
fn active_mentee(viewer: &Viewer) -> Result<&participants::Participant, AppError> {
    let p = viewer.active_participant()?;
    if p.is_mentee {
        Ok(p)
    } else {
        Err(AppError::Forbidden)
    }
}
