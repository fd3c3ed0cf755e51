//! The `webhook_deliveries` table: one row per endpoint and outbox event, holding the retry state
//! (attempts, next attempt), so a restart of the worker loses nothing.
//!
//! The worker claims a due delivery by moving its `next_attempt_at` a lease into the future with
//! a conditional update: two workers never send the same attempt, and a delivery whose worker
//! died is due again when the lease ends.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::models::outbox::OutboxEvent;
use crate::db::models::webhook_endpoints::{self, Endpoint};
use crate::db::schema::{outbox_events, webhook_deliveries, webhook_endpoints as endpoints};
use crate::domain::webhooks::DeliveryStatus;

/// One row of `webhook_deliveries`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct Delivery {
    pub id: i64,
    pub endpoint_id: i64,
    pub event_id: i64,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_attempt_at: Option<NaiveDateTime>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
}

/// A claimed delivery with what sending it needs.
#[derive(Debug, Clone)]
pub struct Due {
    pub delivery: Delivery,
    pub event: OutboxEvent,
    pub url: String,
    pub secret: String,
}

/// Turns up to `batch` new outbox events per endpoint into pending deliveries (for the event
/// types the endpoint subscribed to) and moves its position; returns how many were queued.
/// Run it in one transaction: position and deliveries move together.
pub fn fan_out(conn: &mut DbConnection, batch: i64, now: NaiveDateTime) -> QueryResult<usize> {
    let mut queued = 0;
    for endpoint in webhook_endpoints::behind(conn)? {
        let events = crate::db::models::outbox::after(conn, endpoint.fanned_out_until, batch)?;
        let Some(last) = events.last().map(|e| e.id) else {
            continue;
        };
        if !webhook_endpoints::move_fan_out(conn, endpoint.id, endpoint.fanned_out_until, last)? {
            continue;
        }
        let subscribed = endpoint.subscribed();
        let rows: Vec<_> = events
            .iter()
            .filter(|e| subscribed.contains(&e.event_type))
            .map(|e| {
                (
                    webhook_deliveries::endpoint_id.eq(endpoint.id),
                    webhook_deliveries::event_id.eq(e.id),
                    webhook_deliveries::status.eq(DeliveryStatus::Pending),
                    webhook_deliveries::attempts.eq(0),
                    webhook_deliveries::next_attempt_at.eq(now),
                    webhook_deliveries::created_at.eq(now),
                )
            })
            .collect();
        for row in rows {
            queued += diesel::insert_into(webhook_deliveries::table)
                .values(row)
                .execute(conn)?;
        }
    }
    Ok(queued)
}

/// Whether any pending delivery of an enabled endpoint is due at `now` (a read, so that idle polls
/// never take SQLite's write lock).
pub fn any_due(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        webhook_deliveries::table
            .inner_join(endpoints::table)
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending))
            .filter(webhook_deliveries::next_attempt_at.le(now))
            .filter(endpoints::enabled.eq(true)),
    ))
    .get_result(conn)
}

/// Claims up to `limit` pending deliveries of enabled endpoints that are due at `now`, reserving
/// each until `lease_until`.
pub fn claim_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Due>> {
    let candidates: Vec<(Delivery, OutboxEvent, Endpoint)> = webhook_deliveries::table
        .inner_join(outbox_events::table)
        .inner_join(endpoints::table)
        .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending))
        .filter(webhook_deliveries::next_attempt_at.le(now))
        .filter(endpoints::enabled.eq(true))
        .order((
            webhook_deliveries::next_attempt_at.asc(),
            webhook_deliveries::id.asc(),
        ))
        .limit(limit)
        .select((
            Delivery::as_select(),
            OutboxEvent::as_select(),
            Endpoint::as_select(),
        ))
        .load(conn)?;
    let mut claimed = Vec::with_capacity(candidates.len());
    for (delivery, event, endpoint) in candidates {
        let won = diesel::update(
            webhook_deliveries::table
                .find(delivery.id)
                .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending))
                .filter(webhook_deliveries::next_attempt_at.eq(delivery.next_attempt_at)),
        )
        .set(webhook_deliveries::next_attempt_at.eq(lease_until))
        .execute(conn)?;
        if won == 1 {
            claimed.push(Due {
                delivery,
                event,
                url: endpoint.url,
                secret: endpoint.secret,
            });
        }
    }
    Ok(claimed)
}

/// The result of one attempt.
#[derive(Debug)]
pub struct Attempt<'a> {
    pub at: NaiveDateTime,
    pub status_code: Option<i32>,
    pub error: Option<&'a str>,
    /// The delivery's status after the attempt.
    pub status: DeliveryStatus,
    /// When to try again (pending deliveries only).
    pub next_attempt_at: NaiveDateTime,
}

/// Records an attempt of a still pending delivery; `false` when it was deleted or replayed meanwhile.
pub fn record_attempt(
    conn: &mut DbConnection,
    id: i64,
    attempt: &Attempt<'_>,
) -> QueryResult<bool> {
    let delivered_at = (attempt.status == DeliveryStatus::Succeeded).then_some(attempt.at);
    let changed = diesel::update(
        webhook_deliveries::table
            .find(id)
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending)),
    )
    .set((
        webhook_deliveries::status.eq(attempt.status),
        webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
        webhook_deliveries::last_attempt_at.eq(attempt.at),
        webhook_deliveries::last_status_code.eq(attempt.status_code),
        webhook_deliveries::last_error.eq(attempt.error),
        webhook_deliveries::next_attempt_at.eq(attempt.next_attempt_at),
        webhook_deliveries::delivered_at.eq(delivered_at),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// The endpoint's deliveries (optionally of one status), oldest first, after `after_id`.
pub fn list(
    conn: &mut DbConnection,
    endpoint_id: i64,
    status: Option<DeliveryStatus>,
    after_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<(Delivery, String)>> {
    let mut query = webhook_deliveries::table
        .inner_join(outbox_events::table)
        .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
        .order(webhook_deliveries::id.asc())
        .limit(limit)
        .select((Delivery::as_select(), outbox_events::event_type))
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(webhook_deliveries::status.eq(status));
    }
    if let Some(after) = after_id {
        query = query.filter(webhook_deliveries::id.gt(after));
    }
    query.load(conn)
}

/// One delivery of an endpoint, with its event type.
pub fn find(
    conn: &mut DbConnection,
    endpoint_id: i64,
    id: i64,
) -> QueryResult<Option<(Delivery, String)>> {
    webhook_deliveries::table
        .inner_join(outbox_events::table)
        .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
        .filter(webhook_deliveries::id.eq(id))
        .select((Delivery::as_select(), outbox_events::event_type))
        .first(conn)
        .optional()
}

/// Makes a failed delivery pending again with fresh attempts, due at `now`; `false` when it is
/// not failed.
pub fn replay(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let changed = diesel::update(
        webhook_deliveries::table
            .find(id)
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Failed)),
    )
    .set((
        webhook_deliveries::status.eq(DeliveryStatus::Pending),
        webhook_deliveries::attempts.eq(0),
        webhook_deliveries::next_attempt_at.eq(now),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Makes every failed delivery of the endpoint pending again, due at `now`; how many.
pub fn replay_failed(
    conn: &mut DbConnection,
    endpoint_id: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Failed)),
    )
    .set((
        webhook_deliveries::status.eq(DeliveryStatus::Pending),
        webhook_deliveries::attempts.eq(0),
        webhook_deliveries::next_attempt_at.eq(now),
    ))
    .execute(conn)
}

/// How many deliveries wait to be tried and how many were given up: the queue depth
/// `GET /metrics` reports. Both counts run over the `(status, next_attempt_at)` index.
pub fn count_queued(conn: &mut DbConnection) -> QueryResult<(i64, i64)> {
    let count = |conn: &mut DbConnection, status: DeliveryStatus| {
        webhook_deliveries::table
            .filter(webhook_deliveries::status.eq(status))
            .count()
            .get_result::<i64>(conn)
    };
    Ok((
        count(conn, DeliveryStatus::Pending)?,
        count(conn, DeliveryStatus::Failed)?,
    ))
}
