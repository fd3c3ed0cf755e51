//! The reminder sweeps' tables: `session_reminders` (one day-before reminder per session and
//! signed-up participant) and `credit_reminders` (one minimum reminder per KSM2 project year),
//! and the reads the sweeps need.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Integer, Timestamp};

use crate::db::DbConnection;
use crate::db::models::participants::Participant;
use crate::db::models::sessions::Session;
use crate::db::schema::{
    credit_reminders, participants, session_reminders, session_signups, sessions,
};
use crate::domain::participant::ParticipantStatus;
use crate::domain::session::SessionState;

/// Approved sessions starting in `[from, until)`, by start.
pub fn approved_starting(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<Session>> {
    sessions::table
        .filter(sessions::state.eq(SessionState::Approved))
        .filter(sessions::starts_at.ge(from))
        .filter(sessions::starts_at.lt(until))
        .order((sessions::starts_at.asc(), sessions::id.asc()))
        .load(conn)
}

/// The active (not erased) participants signed up for the session, by id.
pub fn active_sign_ups(conn: &mut DbConnection, session_id: i64) -> QueryResult<Vec<i64>> {
    session_signups::table
        .inner_join(participants::table.on(participants::id.eq(session_signups::participant_id)))
        .filter(session_signups::session_id.eq(session_id))
        .filter(participants::status.eq(ParticipantStatus::Active))
        .filter(participants::erased_at.is_null())
        .select(session_signups::participant_id)
        .order(session_signups::participant_id.asc())
        .load(conn)
}

/// Records the day-before reminder of `participant_id` for `session_id`; `false` when it was
/// recorded before (by an earlier sweep or another instance: the primary key decides).
pub fn record_session_reminder(
    conn: &mut DbConnection,
    session_id: i64,
    participant_id: i64,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let inserted = diesel::sql_query(
        "INSERT INTO session_reminders (session_id, participant_id, sent_at) \
         VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind::<BigInt, _>(session_id)
    .bind::<BigInt, _>(participant_id)
    .bind::<Timestamp, _>(now)
    .execute(conn)?;
    Ok(inserted == 1)
}

/// Active, not erased participants holding the mentor role, by id.
pub fn active_mentors(conn: &mut DbConnection) -> QueryResult<Vec<Participant>> {
    participants::table
        .filter(participants::status.eq(ParticipantStatus::Active))
        .filter(participants::erased_at.is_null())
        .filter(participants::is_mentor.eq(true))
        .order(participants::id.asc())
        .load(conn)
}

/// One row of `credit_reminders`.
#[derive(Debug, Clone, Queryable)]
pub struct CreditReminder {
    pub id: i64,
    pub participant_id: i64,
    pub project_id: i64,
    pub project_year: i32,
    pub year_start: NaiveDate,
    pub year_end: NaiveDate,
    pub credited_hours: i32,
    pub missing_hours: i32,
    pub sent_at: NaiveDateTime,
}

/// What a credit reminder records.
#[derive(Debug, Clone, Copy)]
pub struct NewCreditReminder {
    pub participant_id: i64,
    pub project_id: i64,
    pub project_year: i32,
    pub year_start: NaiveDate,
    /// Last day of the project year.
    pub year_end: NaiveDate,
    pub credited_hours: i32,
    pub missing_hours: i32,
    pub sent_at: NaiveDateTime,
}

/// Records a credit reminder; `false` when the project year was reminded before (the unique
/// constraint decides, also between instances).
pub fn record_credit_reminder(
    conn: &mut DbConnection,
    new: &NewCreditReminder,
) -> QueryResult<bool> {
    let inserted = diesel::sql_query(
        "INSERT INTO credit_reminders (participant_id, project_id, project_year, year_start, \
         year_end, credited_hours, missing_hours, sent_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
    )
    .bind::<BigInt, _>(new.participant_id)
    .bind::<BigInt, _>(new.project_id)
    .bind::<Integer, _>(new.project_year)
    .bind::<Date, _>(new.year_start)
    .bind::<Date, _>(new.year_end)
    .bind::<Integer, _>(new.credited_hours)
    .bind::<Integer, _>(new.missing_hours)
    .bind::<Timestamp, _>(new.sent_at)
    .execute(conn)?;
    Ok(inserted == 1)
}

/// Whether the project year was reminded already (a read before the write, so that an idle
/// sweep takes no write lock).
pub fn credit_reminded(
    conn: &mut DbConnection,
    participant_id: i64,
    project_id: i64,
    project_year: i32,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        credit_reminders::table
            .filter(credit_reminders::participant_id.eq(participant_id))
            .filter(credit_reminders::project_id.eq(project_id))
            .filter(credit_reminders::project_year.eq(project_year)),
    ))
    .get_result(conn)
}

/// Credit reminders with the mentor's names, by id, at most `limit` after the id `after`;
/// optionally only one participant's.
pub fn page(
    conn: &mut DbConnection,
    participant_id: Option<i64>,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<(CreditReminder, Participant)>> {
    let mut query = credit_reminders::table
        .inner_join(participants::table)
        .filter(credit_reminders::id.gt(after.unwrap_or(i64::MIN)))
        .order(credit_reminders::id.asc())
        .limit(limit)
        .select((credit_reminders::all_columns, participants::all_columns))
        .into_boxed();
    if let Some(id) = participant_id {
        query = query.filter(credit_reminders::participant_id.eq(id));
    }
    query.load(conn)
}

/// The day-before reminders sent to `participant_id`: `(session id, sent at)`, oldest first (the
/// personal export).
pub fn session_reminders_of(
    conn: &mut DbConnection,
    participant_id: i64,
) -> QueryResult<Vec<(i64, NaiveDateTime)>> {
    session_reminders::table
        .filter(session_reminders::participant_id.eq(participant_id))
        .order(session_reminders::sent_at.asc())
        .select((session_reminders::session_id, session_reminders::sent_at))
        .load(conn)
}

/// The credit reminders sent to `participant_id`, oldest first (the personal export).
pub fn credit_reminders_of(
    conn: &mut DbConnection,
    participant_id: i64,
) -> QueryResult<Vec<CreditReminder>> {
    credit_reminders::table
        .filter(credit_reminders::participant_id.eq(participant_id))
        .order(credit_reminders::id.asc())
        .load(conn)
}
