//! The `sessions` table with its mentors and topics.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::bound_list::{in_codes, in_ids};
use crate::db::schema::{
    session_mentors, session_questions, session_signups, session_topics, sessions,
};
use crate::domain::session::{SCHEDULED, SessionState};
use crate::error::AppError;
use crate::on_backend;

/// One row of `sessions`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id: i64,
    pub format_code: String,
    pub title: String,
    pub guiding_question: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub calendar_year: i32,
    pub online: bool,
    pub place: Option<String>,
    pub event_name: Option<String>,
    pub expected_audience: Option<String>,
    pub state: SessionState,
    pub state_reason: Option<String>,
    pub people_reached: Option<i32>,
    pub capacity_override: bool,
    pub proposed_by: i64,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// People who attended without signing up; `None` until attendance is recorded.
    pub walk_in_count: Option<i32>,
    /// When attendance was last recorded; `None`: never.
    pub attendance_recorded_at: Option<NaiveDateTime>,
}

/// Insert form for `sessions`. A `None` is written as NULL, not `DEFAULT` (these columns have no
/// default), so the statement's text never varies and diesel keeps it prepared.
#[derive(Debug, Insertable)]
#[diesel(table_name = sessions, treat_none_as_default_value = false)]
pub struct NewSession<'a> {
    pub format_code: &'a str,
    pub title: &'a str,
    pub guiding_question: &'a str,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub calendar_year: i32,
    pub online: bool,
    pub place: Option<&'a str>,
    pub event_name: Option<&'a str>,
    pub expected_audience: Option<&'a str>,
    pub state: SessionState,
    pub capacity_override: bool,
    pub proposed_by: i64,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The fields a transition sets besides the state.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = sessions)]
pub struct TransitionChanges {
    pub state_reason: Option<Option<String>>,
    pub people_reached: Option<Option<i32>>,
    pub capacity_override: Option<bool>,
    pub decided_by: Option<Option<i64>>,
    pub decided_at: Option<Option<NaiveDateTime>>,
}

/// Inserts a session with its mentors and topics; returns the stored row.
pub fn insert(
    conn: &mut DbConnection,
    new: &NewSession<'_>,
    mentor_ids: &[i64],
    topic_ids: &[i64],
) -> QueryResult<Session> {
    let session: Session = diesel::insert_into(sessions::table)
        .values(new)
        .returning(sessions::all_columns)
        .get_result(conn)?;
    for participant_id in mentor_ids {
        diesel::insert_into(session_mentors::table)
            .values((
                session_mentors::session_id.eq(session.id),
                session_mentors::participant_id.eq(participant_id),
            ))
            .execute(conn)?;
    }
    for topic_id in topic_ids {
        diesel::insert_into(session_topics::table)
            .values((
                session_topics::session_id.eq(session.id),
                session_topics::topic_id.eq(topic_id),
            ))
            .execute(conn)?;
    }
    Ok(session)
}

/// The session with this id, if any.
pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Session>> {
    sessions::table.find(id).first(conn).optional()
}

/// The mentors' participant ids, ascending.
pub fn mentors_of(conn: &mut DbConnection, session_id: i64) -> QueryResult<Vec<i64>> {
    session_mentors::table
        .filter(session_mentors::session_id.eq(session_id))
        .select(session_mentors::participant_id)
        .order(session_mentors::participant_id.asc())
        .load(conn)
}

/// The topic ids, ascending.
pub fn topics_of(conn: &mut DbConnection, session_id: i64) -> QueryResult<Vec<i64>> {
    session_topics::table
        .filter(session_topics::session_id.eq(session_id))
        .select(session_topics::topic_id)
        .order(session_topics::topic_id.asc())
        .load(conn)
}

/// Ids linked to each of `session_ids` (ascending per session), in one query: `(session, id)`.
fn grouped(pairs: Vec<(i64, i64)>) -> HashMap<i64, Vec<i64>> {
    let mut map: HashMap<i64, Vec<i64>> = HashMap::new();
    for (session, id) in pairs {
        map.entry(session).or_default().push(id);
    }
    map
}

/// The mentor ids of several sessions in one query (list pages without N+1).
pub fn mentors_of_many(
    conn: &mut DbConnection,
    session_ids: &[i64],
) -> QueryResult<HashMap<i64, Vec<i64>>> {
    on_backend!(conn, |c| {
        session_mentors::table
            .filter(in_ids(session_mentors::session_id, session_ids))
            .select((session_mentors::session_id, session_mentors::participant_id))
            .order((
                session_mentors::session_id.asc(),
                session_mentors::participant_id.asc(),
            ))
            .load(c)
    })
    .map(grouped)
}

/// The topic ids of several sessions in one query (list pages without N+1).
pub fn topics_of_many(
    conn: &mut DbConnection,
    session_ids: &[i64],
) -> QueryResult<HashMap<i64, Vec<i64>>> {
    on_backend!(conn, |c| {
        session_topics::table
            .filter(in_ids(session_topics::session_id, session_ids))
            .select((session_topics::session_id, session_topics::topic_id))
            .order((
                session_topics::session_id.asc(),
                session_topics::topic_id.asc(),
            ))
            .load(c)
    })
    .map(grouped)
}

/// Filters for the session list.
#[derive(Debug, Default)]
pub struct ListFilter {
    pub format_code: Option<String>,
    pub topic_id: Option<i64>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    pub state: Option<SessionState>,
    /// Participants: only these states, plus sessions this participant mentors.
    pub visible_states: Option<Vec<SessionState>>,
    pub mentor_participant_id: Option<i64>,
    /// Keyset cursor: the id of the last row of the previous page.
    pub after: Option<i64>,
}

/// Sessions in calendar order (start, then id), at most `limit`. The keyset continues after the
/// cursor row's `(starts_at, id)`, so a page starting at `from` reads the index
/// `sessions_by_start` from there instead of walking past every earlier session.
pub fn list(conn: &mut DbConnection, filter: &ListFilter, limit: i64) -> QueryResult<Vec<Session>> {
    on_backend!(conn, |c| {
        let mut query = sessions::table
            .order((sessions::starts_at.asc(), sessions::id.asc()))
            .limit(limit)
            .into_boxed();
        if let Some(id) = filter.after {
            let anchor: Option<NaiveDateTime> = sessions::table
                .find(id)
                .select(sessions::starts_at)
                .first(c)
                .optional()?;
            // A cursor naming no session is a position past the end: an empty page.
            let Some(anchor) = anchor else {
                return Ok(Vec::new());
            };
            query = query.filter(
                sessions::starts_at
                    .gt(anchor)
                    .or(sessions::starts_at.eq(anchor).and(sessions::id.gt(id))),
            );
        }
        if let Some(code) = &filter.format_code {
            query = query.filter(sessions::format_code.eq(code.clone()));
        }
        if let Some(topic) = filter.topic_id {
            query = query.filter(
                sessions::id.eq_any(
                    session_topics::table
                        .filter(session_topics::topic_id.eq(topic))
                        .select(session_topics::session_id),
                ),
            );
        }
        if let Some(from) = filter.from {
            query = query.filter(sessions::starts_at.ge(from));
        }
        if let Some(to) = filter.to {
            query = query.filter(sessions::starts_at.lt(to));
        }
        if let Some(state) = filter.state {
            query = query.filter(sessions::state.eq(state));
        }
        if let Some(states) = &filter.visible_states {
            let mentored = session_mentors::table
                .filter(
                    session_mentors::participant_id.eq(filter.mentor_participant_id.unwrap_or(-1)),
                )
                .select(session_mentors::session_id);
            query =
                query.filter(in_codes(sessions::state, states).or(sessions::id.eq_any(mentored)));
        }
        query.load(c)
    })
}

/// Approved sessions that have not ended by `now`, soonest first (the calendar feed).
pub fn upcoming(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Session>> {
    sessions::table
        .filter(sessions::state.eq(SessionState::Approved))
        .filter(sessions::ends_at.ge(now))
        .order((sessions::starts_at.asc(), sessions::id.asc()))
        .limit(limit)
        .load(conn)
}

/// Serialises approvals: updates the `sessions` lock row, which blocks every other transaction
/// doing the same until this one ends. Call it first in the transaction, before counting.
pub fn lock_capacity(conn: &mut DbConnection) -> Result<(), AppError> {
    crate::db::models::locks::acquire(conn, "sessions")
}

/// How many sessions of the format in the calendar year are scheduled (approved or later).
pub fn count_scheduled(conn: &mut DbConnection, format_code: &str, year: i32) -> QueryResult<i64> {
    sessions::table
        .filter(sessions::format_code.eq(format_code))
        .filter(sessions::calendar_year.eq(year))
        .filter(in_codes(sessions::state, SCHEDULED))
        .count()
        .get_result(conn)
}

/// Moves the session from `from` to `to` if it still is in `from` (one conditional write, so
/// concurrent transitions cannot both win); `None` when it was not.
pub fn transition(
    conn: &mut DbConnection,
    id: i64,
    from: SessionState,
    to: SessionState,
    changes: &TransitionChanges,
    now: NaiveDateTime,
) -> QueryResult<Option<Session>> {
    diesel::update(
        sessions::table
            .filter(sessions::id.eq(id))
            .filter(sessions::state.eq(from)),
    )
    .set((
        sessions::state.eq(to),
        sessions::version.eq(sessions::version + 1),
        sessions::updated_at.eq(now),
        changes,
    ))
    .returning(sessions::all_columns)
    .get_result(conn)
    .optional()
}

/// The details an edit sets (every field is written; the handler merges the stored values).
#[derive(Debug, AsChangeset)]
#[diesel(table_name = sessions, treat_none_as_null = true)]
pub struct SessionEdit<'a> {
    pub title: &'a str,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub calendar_year: i32,
    pub online: bool,
    pub place: Option<&'a str>,
    pub updated_at: NaiveDateTime,
}

/// Applies an edit if the session is still at `version` and in `state` (one conditional write);
/// replaces its mentors and topics. `None` when it changed meanwhile.
pub fn edit(
    conn: &mut DbConnection,
    id: i64,
    version: i64,
    state: SessionState,
    changes: &SessionEdit<'_>,
    mentor_ids: &[i64],
    topic_ids: &[i64],
) -> QueryResult<Option<Session>> {
    let updated: Option<Session> = diesel::update(
        sessions::table
            .filter(sessions::id.eq(id))
            .filter(sessions::version.eq(version))
            .filter(sessions::state.eq(state)),
    )
    .set((changes, sessions::version.eq(sessions::version + 1)))
    .returning(sessions::all_columns)
    .get_result(conn)
    .optional()?;
    if updated.is_none() {
        return Ok(None);
    }
    diesel::delete(session_mentors::table.filter(session_mentors::session_id.eq(id)))
        .execute(conn)?;
    for participant_id in mentor_ids {
        diesel::insert_into(session_mentors::table)
            .values((
                session_mentors::session_id.eq(id),
                session_mentors::participant_id.eq(participant_id),
            ))
            .execute(conn)?;
    }
    diesel::delete(session_topics::table.filter(session_topics::session_id.eq(id)))
        .execute(conn)?;
    for topic_id in topic_ids {
        diesel::insert_into(session_topics::table)
            .values((
                session_topics::session_id.eq(id),
                session_topics::topic_id.eq(topic_id),
            ))
            .execute(conn)?;
    }
    Ok(updated)
}

/// Signs the participant up; `false` when already signed up.
pub fn sign_up(
    conn: &mut DbConnection,
    session_id: i64,
    participant_id: i64,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let exists: bool = diesel::select(diesel::dsl::exists(
        session_signups::table
            .filter(session_signups::session_id.eq(session_id))
            .filter(session_signups::participant_id.eq(participant_id)),
    ))
    .get_result(conn)?;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(session_signups::table)
        .values((
            session_signups::session_id.eq(session_id),
            session_signups::participant_id.eq(participant_id),
            session_signups::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Withdraws the participant's sign-up; `false` when there was none.
pub fn withdraw(
    conn: &mut DbConnection,
    session_id: i64,
    participant_id: i64,
) -> QueryResult<bool> {
    let deleted = diesel::delete(
        session_signups::table
            .filter(session_signups::session_id.eq(session_id))
            .filter(session_signups::participant_id.eq(participant_id)),
    )
    .execute(conn)?;
    Ok(deleted > 0)
}

/// One row of `session_questions`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = session_questions)]
pub struct Question {
    pub id: i64,
    pub session_id: i64,
    pub participant_id: i64,
    pub body: String,
    pub is_case_example: bool,
    pub anonymise: bool,
    pub created_at: NaiveDateTime,
}

/// Insert form for `session_questions`.
#[derive(Debug, Insertable)]
#[diesel(table_name = session_questions)]
pub struct NewQuestion<'a> {
    pub session_id: i64,
    pub participant_id: i64,
    pub body: &'a str,
    pub is_case_example: bool,
    pub anonymise: bool,
    pub created_at: NaiveDateTime,
}

/// Stores a question.
pub fn insert_question(conn: &mut DbConnection, new: &NewQuestion<'_>) -> QueryResult<Question> {
    diesel::insert_into(session_questions::table)
        .values(new)
        .returning(session_questions::all_columns)
        .get_result(conn)
}

/// The session's questions in the order they came.
pub fn questions_of(conn: &mut DbConnection, session_id: i64) -> QueryResult<Vec<Question>> {
    session_questions::table
        .filter(session_questions::session_id.eq(session_id))
        .order(session_questions::id.asc())
        .load(conn)
}

/// Every question or case example a participant sent, oldest first (their data export).
pub fn questions_by(conn: &mut DbConnection, participant_id: i64) -> QueryResult<Vec<Question>> {
    session_questions::table
        .filter(session_questions::participant_id.eq(participant_id))
        .order(session_questions::id.asc())
        .load(conn)
}

/// Erasure: blanks the texts of a participant's questions (rows stay, so case examples prepared
/// from them keep their place, now without a contributor) and drops their sign-ups.
pub fn anonymise_participant(conn: &mut DbConnection, participant_id: i64) -> QueryResult<()> {
    diesel::update(
        session_questions::table.filter(session_questions::participant_id.eq(participant_id)),
    )
    .set((
        session_questions::body.eq("—"),
        session_questions::anonymise.eq(true),
    ))
    .execute(conn)?;
    diesel::delete(
        session_signups::table.filter(session_signups::participant_id.eq(participant_id)),
    )
    .execute(conn)?;
    Ok(())
}

/// The id of a session of `format_code` titled `title` that starts at `starts_at`, if one exists
/// (how an import recognises a session it brought over before).
pub fn find_twin(
    conn: &mut DbConnection,
    format_code: &str,
    starts_at: NaiveDateTime,
    title: &str,
) -> QueryResult<Option<i64>> {
    sessions::table
        .filter(sessions::format_code.eq(format_code))
        .filter(sessions::starts_at.eq(starts_at))
        .filter(sessions::title.eq(title))
        .select(sessions::id)
        .first(conn)
        .optional()
}
