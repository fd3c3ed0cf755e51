//! `mentoring_requests` and their topics: mentees asking for an individual mentor (§ 3.3).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::bound_list::in_ids;
use crate::db::schema::{mentoring_request_topics, mentoring_requests};
use crate::domain::individual_mentoring::RequestState;

/// One row of `mentoring_requests`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mentoring_requests)]
pub struct MentoringRequest {
    pub id: i64,
    pub mentee_id: i64,
    pub preferred_states: String,
    pub note: Option<String>,
    pub state: RequestState,
    pub version: i64,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Insert form.
#[derive(Debug, Insertable)]
#[diesel(table_name = mentoring_requests)]
pub struct NewRequest<'a> {
    pub mentee_id: i64,
    pub preferred_states: &'a str,
    pub note: Option<&'a str>,
    pub state: RequestState,
    pub version: i64,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Inserts a request with its topics.
pub fn insert(
    conn: &mut DbConnection,
    new: &NewRequest<'_>,
    topic_ids: &[i64],
) -> QueryResult<MentoringRequest> {
    let row: MentoringRequest = diesel::insert_into(mentoring_requests::table)
        .values(new)
        .returning(mentoring_requests::all_columns)
        .get_result(conn)?;
    for topic_id in topic_ids {
        diesel::insert_into(mentoring_request_topics::table)
            .values((
                mentoring_request_topics::request_id.eq(row.id),
                mentoring_request_topics::topic_id.eq(topic_id),
            ))
            .execute(conn)?;
    }
    Ok(row)
}

/// The request with this id.
pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<MentoringRequest>> {
    mentoring_requests::table.find(id).first(conn).optional()
}

/// Whether the mentee has an open request.
pub fn has_open(conn: &mut DbConnection, mentee_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        mentoring_requests::table
            .filter(mentoring_requests::mentee_id.eq(mentee_id))
            .filter(mentoring_requests::state.eq(RequestState::Open)),
    ))
    .get_result(conn)
}

/// Which requests a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListFilter {
    /// Only this mentee's.
    pub mentee_id: Option<i64>,
    /// Only in this state.
    pub state: Option<RequestState>,
    /// Keyset: ids after this one.
    pub after: Option<i64>,
}

/// Requests by id.
pub fn list(
    conn: &mut DbConnection,
    filter: &ListFilter,
    limit: i64,
) -> QueryResult<Vec<MentoringRequest>> {
    use mentoring_requests as r;
    let mut query = r::table.order(r::id.asc()).limit(limit).into_boxed();
    if let Some(mentee) = filter.mentee_id {
        query = query.filter(r::mentee_id.eq(mentee));
    }
    if let Some(state) = filter.state {
        query = query.filter(r::state.eq(state));
    }
    if let Some(id) = filter.after {
        query = query.filter(r::id.gt(id));
    }
    query.load(conn)
}

/// `(request_id, topic_id)` of many requests, in topic order.
pub fn topics_of(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    mentoring_request_topics::table
        .filter(in_ids(mentoring_request_topics::request_id, ids))
        .order((
            mentoring_request_topics::request_id.asc(),
            mentoring_request_topics::topic_id.asc(),
        ))
        .select((
            mentoring_request_topics::request_id,
            mentoring_request_topics::topic_id,
        ))
        .load(conn)
}

/// Moves the request from `from` to `to` if it is still in `from`; the changed row, or `None`
/// when another transaction moved it first.
pub fn transition(
    conn: &mut DbConnection,
    id: i64,
    from: RequestState,
    to: RequestState,
    now: NaiveDateTime,
) -> QueryResult<Option<MentoringRequest>> {
    use mentoring_requests as r;
    diesel::update(r::table.filter(r::id.eq(id)).filter(r::state.eq(from)))
        .set((
            r::state.eq(to),
            r::version.eq(r::version + 1),
            r::updated_at.eq(now),
        ))
        .returning(r::all_columns)
        .get_result(conn)
        .optional()
}

/// Every request of a participant (the personal export).
pub fn of_mentee(conn: &mut DbConnection, mentee_id: i64) -> QueryResult<Vec<MentoringRequest>> {
    mentoring_requests::table
        .filter(mentoring_requests::mentee_id.eq(mentee_id))
        .order(mentoring_requests::id.asc())
        .load(conn)
}

/// Erasure: blanks the notes of the mentee's requests and withdraws the open one.
pub fn erase_of_mentee(
    conn: &mut DbConnection,
    mentee_id: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    use mentoring_requests as r;
    diesel::update(
        r::table
            .filter(r::mentee_id.eq(mentee_id))
            .filter(r::state.eq(RequestState::Open)),
    )
    .set((r::state.eq(RequestState::Withdrawn), r::updated_at.eq(now)))
    .execute(conn)?;
    diesel::update(
        r::table
            .filter(r::mentee_id.eq(mentee_id))
            .filter(r::note.is_not_null()),
    )
    .set((r::note.eq(None::<String>), r::updated_at.eq(now)))
    .execute(conn)
}
