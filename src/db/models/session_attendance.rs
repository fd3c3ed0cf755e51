//! A session's sign-ups as its mentors and staff read them, and the recorded attendance
//! (`session_signups.attended`, `sessions.walk_in_count`; the rule is `domain::attendance`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::bound_list::in_ids;
use crate::db::models::sessions::Session;
use crate::db::schema::{participants, session_signups, sessions};
use crate::on_backend;

/// One sign-up with the signed-up participant's name and contact data.
#[derive(Debug, Clone, Queryable)]
pub struct SignupRow {
    pub participant_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub signed_up_at: NaiveDateTime,
    pub attended: Option<bool>,
}

/// The session's sign-ups by participant id, at most `limit`, after the participant id
/// `after` (keyset).
pub fn page(
    conn: &mut DbConnection,
    session_id: i64,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<SignupRow>> {
    session_signups::table
        .inner_join(participants::table.on(participants::id.eq(session_signups::participant_id)))
        .filter(session_signups::session_id.eq(session_id))
        .filter(session_signups::participant_id.gt(after.unwrap_or(i64::MIN)))
        .order(session_signups::participant_id.asc())
        .limit(limit)
        .select((
            session_signups::participant_id,
            participants::first_name,
            participants::last_name,
            participants::email,
            participants::phone,
            session_signups::created_at,
            session_signups::attended,
        ))
        .load(conn)
}

/// The participant ids signed up for the session, ascending.
pub fn signed_up(conn: &mut DbConnection, session_id: i64) -> QueryResult<Vec<i64>> {
    session_signups::table
        .filter(session_signups::session_id.eq(session_id))
        .select(session_signups::participant_id)
        .order(session_signups::participant_id.asc())
        .load(conn)
}

/// The participant ids recorded as attended, ascending (empty before attendance is recorded).
pub fn attended(conn: &mut DbConnection, session_id: i64) -> QueryResult<Vec<i64>> {
    session_signups::table
        .filter(session_signups::session_id.eq(session_id))
        .filter(session_signups::attended.eq(true))
        .select(session_signups::participant_id)
        .order(session_signups::participant_id.asc())
        .load(conn)
}

/// What recording attendance writes.
#[derive(Debug, Clone, Copy)]
pub struct Recording<'a> {
    /// Signed-up participants who attended (each signed up, once); every other sign-up is
    /// recorded as not attended.
    pub attended: &'a [i64],
    /// People who came without signing up.
    pub walk_in_count: i32,
    /// The session's people reached that follows (`domain::attendance::people_reached`).
    pub people_reached: i32,
    /// When.
    pub now: NaiveDateTime,
}

/// Replaces the session's attendance: marks every sign-up attended or not, stores the walk-ins
/// and the people reached on the session and bumps its version. Returns the updated session.
/// Run it inside the caller's transaction.
pub fn record(
    conn: &mut DbConnection,
    session_id: i64,
    recording: &Recording<'_>,
) -> QueryResult<Session> {
    diesel::update(session_signups::table.filter(session_signups::session_id.eq(session_id)))
        .set(session_signups::attended.eq(Some(false)))
        .execute(conn)?;
    if !recording.attended.is_empty() {
        on_backend!(conn, |c| {
            diesel::update(
                session_signups::table
                    .filter(session_signups::session_id.eq(session_id))
                    .filter(in_ids(session_signups::participant_id, recording.attended)),
            )
            .set(session_signups::attended.eq(Some(true)))
            .execute(c)
        })?;
    }
    diesel::update(sessions::table.filter(sessions::id.eq(session_id)))
        .set((
            sessions::walk_in_count.eq(Some(recording.walk_in_count)),
            sessions::attendance_recorded_at.eq(Some(recording.now)),
            sessions::people_reached.eq(Some(recording.people_reached)),
            sessions::version.eq(sessions::version + 1),
            sessions::updated_at.eq(recording.now),
        ))
        .returning(sessions::all_columns)
        .get_result(conn)
}
