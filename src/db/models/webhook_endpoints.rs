//! The `webhook_endpoints` table: where the Klimaschutz-Community wants events pushed, with the
//! endpoint's health (failures in a row, why it is disabled).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{outbox_events, webhook_endpoints};
use crate::domain::events::EventType;
use crate::domain::webhooks::DisabledReason;

/// One row of `webhook_endpoints`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints)]
pub struct Endpoint {
    pub id: i64,
    pub url: String,
    pub event_types: String,
    pub secret: String,
    pub enabled: bool,
    pub disabled_reason: Option<DisabledReason>,
    pub consecutive_failures: i32,
    pub fanned_out_until: i64,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub version: i64,
}

impl Endpoint {
    /// The subscribed event types (unknown stored codes are skipped).
    pub fn subscribed(&self) -> Vec<EventType> {
        self.event_types
            .split(',')
            .filter_map(EventType::parse)
            .collect()
    }
}

/// Stores event types the way [`Endpoint::subscribed`] reads them.
pub fn join_event_types(types: &[EventType]) -> String {
    types
        .iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Registers an endpoint; it receives events that happen from now on.
pub fn insert(
    conn: &mut DbConnection,
    url: &str,
    event_types: &[EventType],
    secret: &str,
    created_by: i64,
    now: NaiveDateTime,
) -> QueryResult<Endpoint> {
    let latest_event: Option<i64> = outbox_events::table
        .select(diesel::dsl::max(outbox_events::id))
        .first(conn)?;
    diesel::insert_into(webhook_endpoints::table)
        .values((
            webhook_endpoints::url.eq(url),
            webhook_endpoints::event_types.eq(join_event_types(event_types)),
            webhook_endpoints::secret.eq(secret),
            webhook_endpoints::enabled.eq(true),
            webhook_endpoints::consecutive_failures.eq(0),
            webhook_endpoints::fanned_out_until.eq(latest_event.unwrap_or(0)),
            webhook_endpoints::created_by.eq(created_by),
            webhook_endpoints::created_at.eq(now),
            webhook_endpoints::version.eq(1),
        ))
        .returning(webhook_endpoints::all_columns)
        .get_result(conn)
}

/// One endpoint.
pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Endpoint>> {
    webhook_endpoints::table
        .find(id)
        .select(Endpoint::as_select())
        .first(conn)
        .optional()
}

/// Every endpoint, oldest first (a handful per programme).
pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<Endpoint>> {
    webhook_endpoints::table
        .order(webhook_endpoints::id.asc())
        .select(Endpoint::as_select())
        .load(conn)
}

/// What staff change on an endpoint.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = webhook_endpoints)]
pub struct EndpointUpdate<'a> {
    pub url: &'a str,
    pub event_types: String,
    pub enabled: bool,
    pub disabled_reason: Option<Option<DisabledReason>>,
    pub consecutive_failures: Option<i32>,
}

/// Applies `settings` if the endpoint is still at `expected_version`; `None` otherwise.
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    expected_version: i64,
    settings: &EndpointUpdate<'_>,
) -> QueryResult<Option<Endpoint>> {
    diesel::update(
        webhook_endpoints::table
            .find(id)
            .filter(webhook_endpoints::version.eq(expected_version)),
    )
    .set((
        settings,
        webhook_endpoints::version.eq(expected_version + 1),
    ))
    .returning(webhook_endpoints::all_columns)
    .get_result(conn)
    .optional()
}

/// Replaces the secret; `None` when the endpoint does not exist.
pub fn rotate_secret(
    conn: &mut DbConnection,
    id: i64,
    secret: &str,
) -> QueryResult<Option<Endpoint>> {
    diesel::update(webhook_endpoints::table.find(id))
        .set((
            webhook_endpoints::secret.eq(secret),
            webhook_endpoints::version.eq(webhook_endpoints::version + 1),
        ))
        .returning(webhook_endpoints::all_columns)
        .get_result(conn)
        .optional()
}

/// Removes an endpoint and its deliveries; whether it existed.
pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<bool> {
    use crate::db::schema::webhook_deliveries;
    diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::endpoint_id.eq(id)))
        .execute(conn)?;
    Ok(diesel::delete(webhook_endpoints::table.find(id)).execute(conn)? == 1)
}

/// Moves the endpoint's fan-out position from `from` to `to`; `false` when another worker moved
/// it first (the conditional update also locks the row until the transaction ends).
pub fn move_fan_out(conn: &mut DbConnection, id: i64, from: i64, to: i64) -> QueryResult<bool> {
    let moved = diesel::update(
        webhook_endpoints::table
            .find(id)
            .filter(webhook_endpoints::fanned_out_until.eq(from)),
    )
    .set(webhook_endpoints::fanned_out_until.eq(to))
    .execute(conn)?;
    Ok(moved == 1)
}

/// Endpoints with events not yet turned into deliveries (enabled or not: a disabled endpoint
/// keeps its events queued for when it is enabled again).
pub fn behind(conn: &mut DbConnection) -> QueryResult<Vec<Endpoint>> {
    let Some(latest) = outbox_events::table
        .select(diesel::dsl::max(outbox_events::id))
        .first::<Option<i64>>(conn)?
    else {
        return Ok(Vec::new());
    };
    webhook_endpoints::table
        .filter(webhook_endpoints::fanned_out_until.lt(latest))
        .select(Endpoint::as_select())
        .load(conn)
}

/// A 2xx ends a run of failures.
pub fn record_success(conn: &mut DbConnection, id: i64) -> QueryResult<()> {
    diesel::update(
        webhook_endpoints::table
            .find(id)
            .filter(webhook_endpoints::consecutive_failures.ne(0)),
    )
    .set(webhook_endpoints::consecutive_failures.eq(0))
    .execute(conn)?;
    Ok(())
}

/// Counts a failed attempt; disables the endpoint (returning `true`) once `disable_after`
/// failures are in a row.
pub fn record_failure(conn: &mut DbConnection, id: i64, disable_after: i32) -> QueryResult<bool> {
    let failures: Option<i32> = diesel::update(webhook_endpoints::table.find(id))
        .set(
            webhook_endpoints::consecutive_failures.eq(webhook_endpoints::consecutive_failures + 1),
        )
        .returning(webhook_endpoints::consecutive_failures)
        .get_result(conn)
        .optional()?;
    if failures.is_some_and(|n| n >= disable_after) {
        return disable(conn, id, DisabledReason::Failing);
    }
    Ok(false)
}

/// Switches an enabled endpoint off for `reason`; whether it was enabled.
pub fn disable(conn: &mut DbConnection, id: i64, reason: DisabledReason) -> QueryResult<bool> {
    let changed = diesel::update(
        webhook_endpoints::table
            .find(id)
            .filter(webhook_endpoints::enabled.eq(true)),
    )
    .set((
        webhook_endpoints::enabled.eq(false),
        webhook_endpoints::disabled_reason.eq(Some(reason)),
        webhook_endpoints::version.eq(webhook_endpoints::version + 1),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}
