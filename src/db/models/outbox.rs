//! The `outbox_events` table: every change the community platform must act on, written in the
//! same transaction as the change.
//!
//! Ordering without gaps: an autoincrement id alone is not enough on PostgreSQL, where a
//! transaction holding id 7 can commit after one holding id 8, and a reader that already moved
//! past 8 would never see 7. [`emit`] therefore first updates the `outbox` row of
//! `catalogue_locks`: event writers run one after another, each allocates its id only after the
//! previous writer committed, so ids become visible in order. (SQLite serialises writers anyway
//! with `BEGIN IMMEDIATE`.) Call `emit` last in a transaction to hold the lock briefly.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::models::locks;
use crate::db::schema::outbox_events;
use crate::domain::events::EventType;
use crate::error::AppError;

/// One row of `outbox_events`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox_events)]
pub struct OutboxEvent {
    pub id: i64,
    pub event_type: EventType,
    pub subject_type: String,
    pub subject_id: i64,
    pub occurred_at: NaiveDateTime,
}

/// Records `event` about the record `subject_id` (of the event's subject type).
pub fn emit(
    conn: &mut DbConnection,
    event: EventType,
    subject_id: i64,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    locks::acquire(conn, "outbox")?;
    diesel::insert_into(outbox_events::table)
        .values((
            outbox_events::event_type.eq(event.as_str()),
            outbox_events::subject_type.eq(event.subject_type()),
            outbox_events::subject_id.eq(subject_id),
            outbox_events::occurred_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Events after `after_id`, oldest first, at most `limit`.
pub fn after(conn: &mut DbConnection, after_id: i64, limit: i64) -> QueryResult<Vec<OutboxEvent>> {
    outbox_events::table
        .filter(outbox_events::id.gt(after_id))
        .order(outbox_events::id.asc())
        .limit(limit)
        .load(conn)
}
