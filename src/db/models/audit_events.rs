//! The append-only audit trail and the one helper every state change uses to write it.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;

use crate::db::DbConnection;
use crate::db::schema::audit_events;

/// One row of `audit_events`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditEvent {
    pub id: i64,
    pub occurred_at: NaiveDateTime,
    pub actor_account_id: Option<i64>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before_summary: Option<String>,
    pub after_summary: Option<String>,
    pub request_id: Option<String>,
}

/// A `None` is written as NULL, not `DEFAULT` (these columns have no default), so the
/// statement's text never varies and diesel keeps it prepared (every write records one).
#[derive(Debug, Insertable)]
#[diesel(table_name = audit_events, treat_none_as_default_value = false)]
struct NewAuditEvent<'a> {
    occurred_at: NaiveDateTime,
    actor_account_id: Option<i64>,
    action: &'a str,
    entity_type: &'a str,
    entity_id: &'a str,
    before_summary: Option<String>,
    after_summary: Option<String>,
    request_id: Option<&'a str>,
}

/// Who made a change and in which request, as the trail records it.
///
/// The request layer builds it (the `Caller` extractor, or a handler for an anonymous write);
/// the database layer only writes it down.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actor {
    /// The account that made the change; `None` for the system or an anonymous registration.
    pub account_id: Option<i64>,
    /// The id of the HTTP request that made it; `None` outside a request (CLI, demo, worker).
    pub request_id: Option<String>,
}

/// The names of the fields whose flag is set: what an audit entry of a correction lists as
/// `changed` (names only, never the texts).
pub fn changed_fields<const N: usize>(fields: [(&'static str, bool); N]) -> Vec<&'static str> {
    fields
        .into_iter()
        .filter_map(|(name, changed)| changed.then_some(name))
        .collect()
}

impl Actor {
    /// The system itself, outside any request (the webhook worker).
    pub fn system() -> Self {
        Self::default()
    }

    /// An account acting outside any request (the CLI, demo seeding).
    pub fn account(account_id: i64) -> Self {
        Self {
            account_id: Some(account_id),
            request_id: None,
        }
    }
}

/// What changed, as the caller describes it.
///
/// Summaries hold state codes, ids and field names, never personal values (names, e-mail
/// addresses, free text): the trail is append-only and must survive a person's erasure.
#[derive(Debug)]
pub struct Change<'a> {
    /// Who made the change, and in which request.
    pub actor: &'a Actor,
    /// Dotted action code, e.g. `account.created`.
    pub action: &'a str,
    /// The kind of record changed, e.g. `account`.
    pub entity_type: &'a str,
    /// Its id or code.
    pub entity_id: String,
    /// Relevant state before the change.
    pub before: Option<Value>,
    /// Relevant state after the change.
    pub after: Option<Value>,
}

/// Writes one audit event; call it inside the transaction that makes the change.
pub fn record(conn: &mut DbConnection, change: Change<'_>) -> QueryResult<()> {
    let row = NewAuditEvent {
        occurred_at: chrono::Utc::now().naive_utc(),
        actor_account_id: change.actor.account_id,
        action: change.action,
        entity_type: change.entity_type,
        entity_id: &change.entity_id,
        before_summary: change.before.map(|v| v.to_string()),
        after_summary: change.after.map(|v| v.to_string()),
        request_id: change.actor.request_id.as_deref(),
    };
    diesel::insert_into(audit_events::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

/// Filters for reading the trail.
#[derive(Debug, Default)]
pub struct Filter {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_account_id: Option<i64>,
}

/// Newest first, before `before_id` (keyset), at most `limit` rows.
pub fn list(
    conn: &mut DbConnection,
    filter: &Filter,
    before_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<AuditEvent>> {
    let mut query = audit_events::table
        .order(audit_events::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(before) = before_id {
        query = query.filter(audit_events::id.lt(before));
    }
    if let Some(t) = &filter.entity_type {
        query = query.filter(audit_events::entity_type.eq(t.clone()));
    }
    if let Some(e) = &filter.entity_id {
        query = query.filter(audit_events::entity_id.eq(e.clone()));
    }
    if let Some(a) = filter.actor_account_id {
        query = query.filter(audit_events::actor_account_id.eq(a));
    }
    query.load(conn)
}
