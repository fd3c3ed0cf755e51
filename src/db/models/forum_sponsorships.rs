//! The `forum_sponsorships` table with the notable thread titles named as evidence.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::bound_list::in_codes;
use crate::db::schema::{forum_sponsorship_threads, forum_sponsorships};
use crate::domain::sponsorship::{OCCUPYING, SponsorshipState};
use crate::error::AppError;

/// One row of `forum_sponsorships`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = forum_sponsorships)]
pub struct Sponsorship {
    pub id: i64,
    pub forum_id: i64,
    pub participant_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub effective_ends_on: NaiveDate,
    pub credit_hours: i32,
    pub state: SponsorshipState,
    pub state_reason: Option<String>,
    pub applied_by: i64,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub withdrawn_on: Option<NaiveDate>,
    pub completed_at: Option<NaiveDateTime>,
    pub post_count: Option<i32>,
    pub evidence_recorded_at: Option<NaiveDateTime>,
    pub credit_decision_hours: Option<i32>,
    pub credit_decision_reason: Option<String>,
    pub credit_decided_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Insert form for `forum_sponsorships`.
#[derive(Debug, Insertable)]
#[diesel(table_name = forum_sponsorships)]
pub struct NewSponsorship {
    pub forum_id: i64,
    pub participant_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub effective_ends_on: NaiveDate,
    pub credit_hours: i32,
    pub state: SponsorshipState,
    pub applied_by: i64,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The fields a transition or decision sets besides the state.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = forum_sponsorships)]
pub struct Changes {
    pub state_reason: Option<Option<String>>,
    pub decided_by: Option<Option<i64>>,
    pub decided_at: Option<Option<NaiveDateTime>>,
    pub withdrawn_on: Option<Option<NaiveDate>>,
    pub effective_ends_on: Option<NaiveDate>,
    pub completed_at: Option<Option<NaiveDateTime>>,
    pub post_count: Option<Option<i32>>,
    pub evidence_recorded_at: Option<Option<NaiveDateTime>>,
    pub credit_decision_hours: Option<Option<i32>>,
    pub credit_decision_reason: Option<Option<String>>,
    pub credit_decided_at: Option<Option<NaiveDateTime>>,
}

/// Inserts an application and returns the stored row.
pub fn insert(conn: &mut DbConnection, new: &NewSponsorship) -> QueryResult<Sponsorship> {
    diesel::insert_into(forum_sponsorships::table)
        .values(new)
        .returning(forum_sponsorships::all_columns)
        .get_result(conn)
}

/// The sponsorship with this id, if any: with its forum id and post count, what the credit
/// report prints ("forum title, number of posts").
pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Sponsorship>> {
    forum_sponsorships::table.find(id).first(conn).optional()
}

/// The notable thread titles, in the order given.
pub fn threads_of(conn: &mut DbConnection, id: i64) -> QueryResult<Vec<String>> {
    forum_sponsorship_threads::table
        .filter(forum_sponsorship_threads::sponsorship_id.eq(id))
        .order(forum_sponsorship_threads::position.asc())
        .select(forum_sponsorship_threads::title)
        .load(conn)
}

/// Filters for the list.
#[derive(Debug, Default)]
pub struct ListFilter {
    pub forum_id: Option<i64>,
    pub participant_id: Option<i64>,
    pub state: Option<SponsorshipState>,
    /// Only sponsorships occupying a slot on this day.
    pub active_on: Option<NaiveDate>,
    /// Keyset cursor: the id of the last row of the previous page.
    pub after: Option<i64>,
}

/// Sponsorships in id order (the order they were applied for), at most `limit`.
pub fn list(
    conn: &mut DbConnection,
    filter: &ListFilter,
    limit: i64,
) -> QueryResult<Vec<Sponsorship>> {
    use forum_sponsorships as fs;
    let mut query = fs::table.order(fs::id.asc()).limit(limit).into_boxed();
    if let Some(forum) = filter.forum_id {
        query = query.filter(fs::forum_id.eq(forum));
    }
    if let Some(participant) = filter.participant_id {
        query = query.filter(fs::participant_id.eq(participant));
    }
    if let Some(state) = filter.state {
        query = query.filter(fs::state.eq(state));
    }
    if let Some(day) = filter.active_on {
        query = query
            .filter(in_codes(fs::state, OCCUPYING))
            .filter(fs::starts_on.le(day))
            .filter(fs::effective_ends_on.ge(day));
    }
    if let Some(id) = filter.after {
        query = query.filter(fs::id.gt(id));
    }
    query.load(conn)
}

/// A forum's sponsorships that occupy a slot on some day of `[from, until]`, by start date.
pub fn occupying(
    conn: &mut DbConnection,
    forum_id: i64,
    from: NaiveDate,
    until: NaiveDate,
) -> QueryResult<Vec<Sponsorship>> {
    use forum_sponsorships as fs;
    fs::table
        .filter(fs::forum_id.eq(forum_id))
        .filter(in_codes(fs::state, OCCUPYING))
        .filter(fs::starts_on.le(until))
        .filter(fs::effective_ends_on.ge(from))
        .filter(fs::effective_ends_on.ge(fs::starts_on))
        .order((fs::starts_on.asc(), fs::id.asc()))
        .load(conn)
}

/// Whether the participant already has an open or running sponsorship of the forum whose
/// period overlaps `[from, until]`.
pub fn overlaps_own(
    conn: &mut DbConnection,
    forum_id: i64,
    participant_id: i64,
    from: NaiveDate,
    until: NaiveDate,
) -> QueryResult<bool> {
    use forum_sponsorships as fs;
    let open = [
        SponsorshipState::Applied,
        SponsorshipState::Approved,
        SponsorshipState::Completed,
    ];
    diesel::select(diesel::dsl::exists(
        fs::table
            .filter(fs::forum_id.eq(forum_id))
            .filter(fs::participant_id.eq(participant_id))
            .filter(in_codes(fs::state, open))
            .filter(fs::starts_on.le(until))
            .filter(fs::effective_ends_on.ge(from)),
    ))
    .get_result(conn)
}

/// A participant's sponsorships, oldest first (for the personal data export).
pub fn of_participant(
    conn: &mut DbConnection,
    participant_id: i64,
) -> QueryResult<Vec<Sponsorship>> {
    forum_sponsorships::table
        .filter(forum_sponsorships::participant_id.eq(participant_id))
        .order(forum_sponsorships::id.asc())
        .load(conn)
}

/// Serialises approvals: updates the `forum_sponsorships` lock row, which blocks every other
/// transaction doing the same until this one ends. Call it first in the transaction.
pub fn lock_capacity(conn: &mut DbConnection) -> Result<(), AppError> {
    crate::db::models::locks::acquire(conn, "forum_sponsorships")
}

/// Sets `changes` (and moves the state from `from` to `to`) if the sponsorship still is in
/// `from`: one conditional write, so concurrent changes cannot both win; `None` when it was not.
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    from: SponsorshipState,
    to: SponsorshipState,
    changes: &Changes,
    now: NaiveDateTime,
) -> QueryResult<Option<Sponsorship>> {
    use forum_sponsorships as fs;
    diesel::update(fs::table.filter(fs::id.eq(id)).filter(fs::state.eq(from)))
        .set((
            fs::state.eq(to),
            fs::version.eq(fs::version + 1),
            fs::updated_at.eq(now),
            changes,
        ))
        .returning(fs::all_columns)
        .get_result(conn)
        .optional()
}

/// Replaces the notable thread titles.
pub fn replace_threads(conn: &mut DbConnection, id: i64, titles: &[String]) -> QueryResult<()> {
    use forum_sponsorship_threads as t;
    diesel::delete(t::table.filter(t::sponsorship_id.eq(id))).execute(conn)?;
    for (position, title) in (0..).zip(titles) {
        diesel::insert_into(t::table)
            .values((
                t::sponsorship_id.eq(id),
                t::position.eq::<i32>(position),
                t::title.eq(title),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The id of the participant's sponsorship of the forum starting on `starts_on`, if any (how an
/// import recognises a sponsorship it brought over before).
pub fn find_twin(
    conn: &mut DbConnection,
    forum_id: i64,
    participant_id: i64,
    starts_on: NaiveDate,
) -> QueryResult<Option<i64>> {
    forum_sponsorships::table
        .filter(forum_sponsorships::forum_id.eq(forum_id))
        .filter(forum_sponsorships::participant_id.eq(participant_id))
        .filter(forum_sponsorships::starts_on.eq(starts_on))
        .select(forum_sponsorships::id)
        .first(conn)
        .optional()
}
