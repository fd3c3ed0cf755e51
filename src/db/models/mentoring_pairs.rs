//! `mentoring_pairs` (with their agreement) and `mentoring_contacts`.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{mentoring_contacts, mentoring_pairs};
use crate::domain::individual_mentoring::{ContactKind, PairState};

/// One row of `mentoring_pairs`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mentoring_pairs)]
pub struct Pair {
    pub id: i64,
    pub request_id: i64,
    pub mentor_id: i64,
    pub mentee_id: i64,
    pub state: PairState,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub agreement_expectations: Option<String>,
    pub agreement_scope: Option<String>,
    pub agreement_contact_kinds: Option<String>,
    pub agreement_end_date: Option<NaiveDate>,
    pub agreement_recorded_at: Option<NaiveDateTime>,
    pub last_contact_on: Option<NaiveDate>,
    pub silence_reminded_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Pair {
    /// Whether `participant_id` is the mentor or the mentee.
    pub fn has_member(&self, participant_id: i64) -> bool {
        self.mentor_id == participant_id || self.mentee_id == participant_id
    }
}

/// Insert form.
#[derive(Debug, Insertable)]
#[diesel(table_name = mentoring_pairs)]
pub struct NewPair {
    pub request_id: i64,
    pub mentor_id: i64,
    pub mentee_id: i64,
    pub state: PairState,
    pub started_on: NaiveDate,
    pub version: i64,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Inserts a pair.
pub fn insert(conn: &mut DbConnection, new: &NewPair) -> QueryResult<Pair> {
    diesel::insert_into(mentoring_pairs::table)
        .values(new)
        .returning(mentoring_pairs::all_columns)
        .get_result(conn)
}

/// The pair with this id.
pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Pair>> {
    mentoring_pairs::table.find(id).first(conn).optional()
}

/// The pair made from a request.
pub fn of_request(conn: &mut DbConnection, request_id: i64) -> QueryResult<Option<Pair>> {
    mentoring_pairs::table
        .filter(mentoring_pairs::request_id.eq(request_id))
        .first(conn)
        .optional()
}

/// Active pairs per mentor, for every mentor that has any.
pub fn active_counts(conn: &mut DbConnection) -> QueryResult<Vec<(i64, i64)>> {
    use mentoring_pairs as p;
    p::table
        .filter(p::state.eq(PairState::Active))
        .group_by(p::mentor_id)
        .select((p::mentor_id, diesel::dsl::count_star()))
        .load(conn)
}

/// Active pairs of one mentor.
pub fn active_count(conn: &mut DbConnection, mentor_id: i64) -> QueryResult<i64> {
    use mentoring_pairs as p;
    p::table
        .filter(p::state.eq(PairState::Active))
        .filter(p::mentor_id.eq(mentor_id))
        .count()
        .get_result(conn)
}

/// Pairs by id, optionally only those of one participant (as mentor or mentee).
pub fn list(
    conn: &mut DbConnection,
    member: Option<i64>,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Pair>> {
    use mentoring_pairs as p;
    let mut query = p::table.order(p::id.asc()).limit(limit).into_boxed();
    if let Some(id) = member {
        query = query.filter(p::mentor_id.eq(id).or(p::mentee_id.eq(id)));
    }
    if let Some(id) = after {
        query = query.filter(p::id.gt(id));
    }
    query.load(conn)
}

/// The agreement's fields.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = mentoring_pairs)]
pub struct AgreementChange<'a> {
    pub agreement_expectations: &'a str,
    pub agreement_scope: &'a str,
    pub agreement_contact_kinds: &'a str,
    pub agreement_end_date: NaiveDate,
    pub agreement_recorded_at: NaiveDateTime,
}

/// Writes the agreement if the pair is still at `version`; the new row or `None` (stale).
pub fn set_agreement(
    conn: &mut DbConnection,
    id: i64,
    version: i64,
    change: &AgreementChange<'_>,
    now: NaiveDateTime,
) -> QueryResult<Option<Pair>> {
    use mentoring_pairs as p;
    diesel::update(p::table.filter(p::id.eq(id)).filter(p::version.eq(version)))
        .set((change, p::version.eq(p::version + 1), p::updated_at.eq(now)))
        .returning(p::all_columns)
        .get_result(conn)
        .optional()
}

/// Ends an active pair; `None` when it is no longer active.
pub fn end(
    conn: &mut DbConnection,
    id: i64,
    ended_on: NaiveDate,
    now: NaiveDateTime,
) -> QueryResult<Option<Pair>> {
    use mentoring_pairs as p;
    diesel::update(
        p::table
            .filter(p::id.eq(id))
            .filter(p::state.eq(PairState::Active)),
    )
    .set((
        p::state.eq(PairState::Ended),
        p::ended_on.eq(ended_on),
        p::version.eq(p::version + 1),
        p::updated_at.eq(now),
    ))
    .returning(p::all_columns)
    .get_result(conn)
    .optional()
}

/// After a contact on `on`: moves the latest contact day forward (a new silence begins, so the
/// reminder mark is cleared); a contact on an earlier day changes nothing.
pub fn note_contact(conn: &mut DbConnection, id: i64, on: NaiveDate) -> QueryResult<usize> {
    use mentoring_pairs as p;
    diesel::update(
        p::table
            .filter(p::id.eq(id))
            .filter(p::last_contact_on.is_null().or(p::last_contact_on.lt(on))),
    )
    .set((
        p::last_contact_on.eq(on),
        p::silence_reminded_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
}

/// Active pairs that were not reminded in their current silence.
pub fn unreminded_active(conn: &mut DbConnection) -> QueryResult<Vec<Pair>> {
    use mentoring_pairs as p;
    p::table
        .filter(p::state.eq(PairState::Active))
        .filter(p::silence_reminded_at.is_null())
        .order(p::id.asc())
        .load(conn)
}

/// Marks the pair as reminded in this silence, if no one did so first (1) or not (0).
pub fn mark_reminded(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    use mentoring_pairs as p;
    diesel::update(
        p::table
            .filter(p::id.eq(id))
            .filter(p::silence_reminded_at.is_null()),
    )
    .set(p::silence_reminded_at.eq(now))
    .execute(conn)
}

/// Every pair of a participant, as mentor or mentee (the personal export, erasure).
pub fn of_member(conn: &mut DbConnection, participant_id: i64) -> QueryResult<Vec<Pair>> {
    list(conn, Some(participant_id), None, i64::MAX)
}

/// One row of `mentoring_contacts`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mentoring_contacts)]
pub struct Contact {
    pub id: i64,
    pub pair_id: i64,
    pub kind: ContactKind,
    pub contact_on: NaiveDate,
    pub duration_hours: Option<i32>,
    pub duration_days: Option<i32>,
    pub note: Option<String>,
    pub recorded_by: i64,
    pub created_at: NaiveDateTime,
}

/// Insert form.
#[derive(Debug, Insertable)]
#[diesel(table_name = mentoring_contacts)]
pub struct NewContact<'a> {
    pub pair_id: i64,
    pub kind: ContactKind,
    pub contact_on: NaiveDate,
    pub duration_hours: Option<i32>,
    pub duration_days: Option<i32>,
    pub note: Option<&'a str>,
    pub recorded_by: i64,
    pub created_at: NaiveDateTime,
}

/// Inserts a contact.
pub fn insert_contact(conn: &mut DbConnection, new: &NewContact<'_>) -> QueryResult<Contact> {
    diesel::insert_into(mentoring_contacts::table)
        .values(new)
        .returning(mentoring_contacts::all_columns)
        .get_result(conn)
}

/// A pair's contacts by day.
pub fn contacts_of(conn: &mut DbConnection, pair_id: i64) -> QueryResult<Vec<Contact>> {
    mentoring_contacts::table
        .filter(mentoring_contacts::pair_id.eq(pair_id))
        .order((
            mentoring_contacts::contact_on.asc(),
            mentoring_contacts::id.asc(),
        ))
        .load(conn)
}

/// The latest contact day of a pair.
pub fn latest_contact(conn: &mut DbConnection, pair_id: i64) -> QueryResult<Option<NaiveDate>> {
    mentoring_contacts::table
        .filter(mentoring_contacts::pair_id.eq(pair_id))
        .select(diesel::dsl::max(mentoring_contacts::contact_on))
        .get_result(conn)
}

/// Erasure: blanks the agreement texts and contact notes of the person's pairs (both sides'
/// words about the mentoring are confidential, and the pair was about the erased person), and
/// ends their active pairs.
pub fn erase_of_member(
    conn: &mut DbConnection,
    participant_id: i64,
    today: NaiveDate,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    use mentoring_pairs as p;
    let ids: Vec<i64> = of_member(conn, participant_id)?
        .iter()
        .map(|p| p.id)
        .collect();
    for id in &ids {
        end(conn, *id, today, now)?;
        diesel::update(
            p::table
                .filter(p::id.eq(id))
                .filter(p::agreement_recorded_at.is_not_null()),
        )
        .set((
            p::agreement_expectations.eq(crate::domain::erasure::ERASED_TEXT),
            p::agreement_scope.eq(crate::domain::erasure::ERASED_TEXT),
        ))
        .execute(conn)?;
        diesel::update(mentoring_contacts::table.filter(mentoring_contacts::pair_id.eq(id)))
            .set(mentoring_contacts::note.eq(None::<String>))
            .execute(conn)?;
    }
    Ok(ids.len())
}
