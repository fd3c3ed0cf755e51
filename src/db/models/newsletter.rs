//! The `newsletter_mailings` and `newsletter_welcomes` tables (§ 5.1).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::bound_list::in_ids;
use crate::db::models::locks;
use crate::db::models::participants::Participant;
use crate::db::schema::{newsletter_mailings, newsletter_welcomes, participants};
use crate::domain::participant::ParticipantStatus;
use crate::error::AppError;

/// One row of `newsletter_mailings`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = newsletter_mailings)]
pub struct Mailing {
    pub id: i64,
    pub sent_on: NaiveDate,
    pub recorded_by: i64,
    pub recorded_at: NaiveDateTime,
    /// The subject line (empty for mailings recorded before the service sent them).
    pub subject: String,
    /// Staff's intro text.
    pub intro: String,
    /// How many messages the mailing queued.
    pub recipient_count: i32,
}

/// What a new mailing says.
#[derive(Debug, Clone, Copy)]
pub struct NewMailing<'a> {
    pub sent_on: NaiveDate,
    pub subject: &'a str,
    pub intro: &'a str,
    pub recorded_by: i64,
    pub recorded_at: NaiveDateTime,
}

/// Serialises recording mailings: updates the `newsletter` lock row, so two concurrent mailings
/// (or a retried request) run one after another. Call it first in the transaction.
pub fn lock(conn: &mut DbConnection) -> Result<(), AppError> {
    locks::acquire(conn, "newsletter")
}

/// The latest mailing (by date, then by recording order).
pub fn latest(conn: &mut DbConnection) -> QueryResult<Option<Mailing>> {
    newsletter_mailings::table
        .order((
            newsletter_mailings::sent_on.desc(),
            newsletter_mailings::id.desc(),
        ))
        .first(conn)
        .optional()
}

/// Records a mailing (with no recipients yet).
pub fn insert(conn: &mut DbConnection, new: &NewMailing<'_>) -> QueryResult<Mailing> {
    diesel::insert_into(newsletter_mailings::table)
        .values((
            newsletter_mailings::sent_on.eq(new.sent_on),
            newsletter_mailings::recorded_by.eq(new.recorded_by),
            newsletter_mailings::recorded_at.eq(new.recorded_at),
            newsletter_mailings::subject.eq(new.subject),
            newsletter_mailings::intro.eq(new.intro),
            newsletter_mailings::recipient_count.eq(0),
        ))
        .returning(newsletter_mailings::all_columns)
        .get_result(conn)
}

/// Stores how many messages the mailing queued; returns the updated row.
pub fn set_recipient_count(conn: &mut DbConnection, id: i64, count: i32) -> QueryResult<Mailing> {
    diesel::update(newsletter_mailings::table.find(id))
        .set(newsletter_mailings::recipient_count.eq(count))
        .returning(newsletter_mailings::all_columns)
        .get_result(conn)
}

/// The mailing with this id.
pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Mailing>> {
    newsletter_mailings::table.find(id).first(conn).optional()
}

/// Mailings after `after_id`, oldest first, at most `limit`.
pub fn list(conn: &mut DbConnection, after_id: i64, limit: i64) -> QueryResult<Vec<Mailing>> {
    newsletter_mailings::table
        .filter(newsletter_mailings::id.gt(after_id))
        .order(newsletter_mailings::id.asc())
        .limit(limit)
        .load(conn)
}

/// Active participants who consented to be welcomed, were never welcomed and were activated
/// in `[from, until)`, in id order.
pub fn candidates(
    conn: &mut DbConnection,
    from: Option<NaiveDateTime>,
    until: NaiveDateTime,
) -> QueryResult<Vec<Participant>> {
    let welcomed = newsletter_welcomes::table.select(newsletter_welcomes::participant_id);
    let mut query = participants::table
        .filter(participants::status.eq(ParticipantStatus::Active))
        .filter(participants::erased_at.is_null())
        .filter(participants::consent_newsletter_welcome.eq(true))
        .filter(participants::activated_at.lt(until))
        .filter(diesel::dsl::not(participants::id.eq_any(welcomed)))
        .order(participants::id.asc())
        .into_boxed();
    if let Some(from) = from {
        query = query.filter(participants::activated_at.ge(from));
    }
    query.load(conn)
}

/// Marks a participant as welcomed by a mailing (the primary key refuses a second welcome).
pub fn welcome(conn: &mut DbConnection, participant_id: i64, mailing_id: i64) -> QueryResult<()> {
    diesel::insert_into(newsletter_welcomes::table)
        .values((
            newsletter_welcomes::participant_id.eq(participant_id),
            newsletter_welcomes::mailing_id.eq(mailing_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// The (not erased) participants a mailing welcomed, in id order.
pub fn welcomed_by(conn: &mut DbConnection, mailing_id: i64) -> QueryResult<Vec<Participant>> {
    participants::table
        .inner_join(newsletter_welcomes::table)
        .filter(newsletter_welcomes::mailing_id.eq(mailing_id))
        .filter(participants::erased_at.is_null())
        .order(participants::id.asc())
        .select(participants::all_columns)
        .load(conn)
}

/// How many participants each of `mailing_ids` welcomed.
pub fn welcome_counts(
    conn: &mut DbConnection,
    mailing_ids: &[i64],
) -> QueryResult<Vec<(i64, i64)>> {
    newsletter_welcomes::table
        .filter(in_ids(newsletter_welcomes::mailing_id, mailing_ids))
        .group_by(newsletter_welcomes::mailing_id)
        .select((newsletter_welcomes::mailing_id, diesel::dsl::count_star()))
        .load(conn)
}

/// Active (not erased) participants after `after_id`, in id order, at most `limit`.
pub fn recipients(
    conn: &mut DbConnection,
    after_id: i64,
    limit: i64,
) -> QueryResult<Vec<Participant>> {
    participants::table
        .filter(participants::status.eq(ParticipantStatus::Active))
        .filter(participants::erased_at.is_null())
        .filter(participants::id.gt(after_id))
        .order(participants::id.asc())
        .limit(limit)
        .load(conn)
}
