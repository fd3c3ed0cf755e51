//! Reading the audit trail (staff only).

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::http::pagination::PageParams;
use crate::api::http::query_text::require_plain;
use crate::api::http::response::private_json;
use crate::auth::StaffCaller;
use crate::db::models::audit_events::{self, AuditEvent, Filter};
use crate::db::{self, DbPool};
use crate::error::AppError;

/// One recorded change.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventResponse {
    /// Event id (increasing).
    pub id: i64,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// The account that made the change; `null` for the system or an anonymous request.
    #[schema(required = true)]
    pub actor_account_id: Option<i64>,
    /// Dotted action code, e.g. `account.created`.
    pub action: String,
    /// Kind of record changed.
    pub entity_type: String,
    /// Its id or code.
    pub entity_id: String,
    /// Relevant state before (no personal values).
    #[schema(required = true, value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    /// Relevant state after (no personal values).
    #[schema(required = true, value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    /// The request that made the change.
    #[schema(required = true)]
    pub request_id: Option<String>,
}

fn parse_summary(text: Option<String>) -> Option<serde_json::Value> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

impl From<AuditEvent> for AuditEventResponse {
    fn from(e: AuditEvent) -> Self {
        Self {
            id: e.id,
            occurred_at: e.occurred_at.and_utc(),
            actor_account_id: e.actor_account_id,
            action: e.action,
            entity_type: e.entity_type,
            entity_id: e.entity_id,
            before: parse_summary(e.before_summary),
            after: parse_summary(e.after_summary),
            request_id: e.request_id,
        }
    }
}

/// One page of audit events, newest first.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
        "id": 4711,
        "occurred_at": "2025-03-12T14:05:09Z",
        "actor_account_id": 7,
        "action": "account.disabled",
        "entity_type": "account",
        "entity_id": "12",
        "before": {"disabled": false},
        "after": {"disabled": true},
        "request_id": "8f14e45fceea167a5a36dedd4bea2543"
    }],
    "next_cursor": "5a3c96e10f7bc02f"
}))]
pub struct AuditEventPage {
    /// The events on this page.
    pub items: Vec<AuditEventResponse>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// Filters for the audit trail.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// Only events about this kind of record, e.g. `account`.
    #[param(max_length = 64, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub entity_type: Option<String>,
    /// Only events about this record (combine with `entity_type`).
    #[param(max_length = 64, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub entity_id: Option<String>,
    /// Only changes made by this account.
    pub actor_account_id: Option<i64>,
}

/// The audit trail, newest first.
///
/// Staff only. Every change the service makes is recorded in the same transaction as the
/// change: who (`actor_account_id`, `null` for the system or an anonymous request), what
/// (`action`, `entity_type`, `entity_id`), the relevant state before and after (never personal
/// values) and the request id. The trail is append-only. Filter by `entity_type`, `entity_id`
/// and `actor_account_id` (plain text, at most 64 characters; an unknown value gives an empty
/// page). Keyset paging with `limit` and `cursor`.
#[utoipa::path(
    tag = "audit",
    operation_id = "list_audit_events",
    params(AuditFilter, PageParams),
    responses((status = 200, description = "One page of audit events.", body = AuditEventPage))
)]
#[get("/audit-events")]
pub async fn list(
    _: StaffCaller,
    filter: web::Query<AuditFilter>,
    paging: web::Query<PageParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let page = paging.page()?;
    let filter = filter.into_inner();
    require_plain("entity_type", filter.entity_type.as_deref(), 64)?;
    require_plain("entity_id", filter.entity_id.as_deref(), 64)?;
    let filter = Filter {
        entity_type: filter.entity_type,
        entity_id: filter.entity_id,
        actor_account_id: filter.actor_account_id,
    };
    let rows = db::run(&pool, move |conn| {
        Ok(audit_events::list(conn, &filter, page.after, page.fetch())?)
    })
    .await?;
    let (rows, next_cursor) = page.finish(rows, |e| e.id);
    Ok(private_json(&AuditEventPage {
        items: rows.into_iter().map(Into::into).collect(),
        next_cursor,
    }))
}
