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
use crate::db::schema::{outbox_events, participants};
use crate::domain::events::{EventType, MemberNaming};
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
    /// Access events: the participant's community account reference when the event happened.
    pub community_account_ref: Option<String>,
    /// Access events: the participant's e-mail when the event happened (NULL once erased).
    pub email: Option<String>,
}

/// Records `event` about the record `subject_id` (of the event's subject type). An access event
/// ([`EventType::names_member`]) also stores how the participant is known to the platform, read
/// from their row in this transaction ([`MemberNaming::for_event`]).
pub fn emit(
    conn: &mut DbConnection,
    event: EventType,
    subject_id: i64,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let naming = if event.names_member() {
        let (erased_at, reference, email): (Option<NaiveDateTime>, Option<String>, String) =
            participants::table
                .find(subject_id)
                .select((
                    participants::erased_at,
                    participants::community_account_ref,
                    participants::email,
                ))
                .first(conn)?;
        MemberNaming::for_event(event, erased_at.is_some(), reference.as_deref(), &email)
    } else {
        MemberNaming::default()
    };
    locks::acquire(conn, "outbox")?;
    diesel::insert_into(outbox_events::table)
        .values((
            outbox_events::event_type.eq(event.as_str()),
            outbox_events::subject_type.eq(event.subject_type()),
            outbox_events::subject_id.eq(subject_id),
            outbox_events::occurred_at.eq(now),
            outbox_events::community_account_ref.eq(naming.community_account_ref),
            outbox_events::email.eq(naming.email),
        ))
        .execute(conn)?;
    Ok(())
}

/// Erasure: the participant's events no longer name them (only the id, their subject, stays).
/// Pending webhook deliveries read the event when they are sent, so they push it without too.
pub fn forget_member(conn: &mut DbConnection, participant_id: i64) -> QueryResult<usize> {
    diesel::update(
        outbox_events::table
            .filter(outbox_events::subject_type.eq("participant"))
            .filter(outbox_events::subject_id.eq(participant_id)),
    )
    .set((
        outbox_events::community_account_ref.eq(None::<String>),
        outbox_events::email.eq(None::<String>),
    ))
    .execute(conn)
}

/// Events after `after_id`, oldest first, at most `limit`.
pub fn after(conn: &mut DbConnection, after_id: i64, limit: i64) -> QueryResult<Vec<OutboxEvent>> {
    outbox_events::table
        .filter(outbox_events::id.gt(after_id))
        .order(outbox_events::id.asc())
        .limit(limit)
        .select(OutboxEvent::as_select())
        .load(conn)
}
