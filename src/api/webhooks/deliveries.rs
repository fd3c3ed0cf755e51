//! What the worker delivered to an endpoint, and replaying failed deliveries (staff).

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::api::http::pagination::PageParams;
use crate::api::http::response::private_json;
use crate::auth::StaffCaller;
use crate::db::models::audit_events::{self, Change};
use crate::db::models::webhook_deliveries::{self, Delivery};
use crate::db::{self, DbPool};
use crate::domain::events::EventType;
use crate::domain::webhooks::DeliveryStatus;
use crate::error::AppError;

/// One delivery of an event to an endpoint.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 311,
    "event_id": 1187,
    "event_type": "participant.ended",
    "status": "pending",
    "attempts": 0,
    "next_attempt_at": "2025-07-01T10:00:00Z",
    "last_attempt_at": "2025-07-01T09:12:44Z",
    "last_status_code": 503,
    "last_error": "the endpoint answered 503",
    "created_at": "2025-06-30T10:12:44Z",
    "delivered_at": null
}))]
pub struct WebhookDeliveryResponse {
    /// Delivery id.
    pub id: i64,
    /// The event (as in `GET /api/v1/events`); `webhook-id` is `evt_` and this id (a sister
    /// programme's: `evt_<code>_` and this id).
    pub event_id: i64,
    /// The event's type.
    pub event_type: EventType,
    /// Where the delivery stands.
    pub status: DeliveryStatus,
    /// Attempts made (since the last replay).
    pub attempts: i32,
    /// When the worker tries next; `null` unless pending.
    #[schema(required = true)]
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When the last attempt was made; `null` before the first.
    #[schema(required = true)]
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The HTTP status of the last answer; `null` when there was none (timeout, refused).
    #[schema(required = true)]
    pub last_status_code: Option<i32>,
    /// Why the last attempt failed; `null` after a success or before the first attempt.
    #[schema(required = true)]
    pub last_error: Option<String>,
    /// When the event was queued for this endpoint.
    pub created_at: DateTime<Utc>,
    /// When the endpoint accepted it; `null` until then.
    #[schema(required = true)]
    pub delivered_at: Option<DateTime<Utc>>,
}

fn response((row, event_type): (Delivery, String)) -> Result<WebhookDeliveryResponse, AppError> {
    let unknown = |what: &str| AppError::internal(format!("unknown {what} in delivery {}", row.id));
    let status = row.status;
    Ok(WebhookDeliveryResponse {
        id: row.id,
        event_id: row.event_id,
        event_type: EventType::parse(&event_type).ok_or_else(|| unknown("event type"))?,
        status,
        attempts: row.attempts,
        next_attempt_at: (status == DeliveryStatus::Pending).then(|| row.next_attempt_at.and_utc()),
        last_attempt_at: row.last_attempt_at.map(|t| t.and_utc()),
        last_status_code: row.last_status_code,
        last_error: row.last_error,
        created_at: row.created_at.and_utc(),
        delivered_at: row.delivered_at.map(|t| t.and_utc()),
    })
}

/// Which deliveries to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryFilter {
    /// Only deliveries in this state, e.g. `failed` to find what to replay.
    pub status: Option<DeliveryStatus>,
}

/// One page of deliveries, oldest first.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [{
        "id": 311,
        "event_id": 1187,
        "event_type": "participant.ended",
        "status": "failed",
        "attempts": 8,
        "next_attempt_at": null,
        "last_attempt_at": "2025-07-01T09:12:44Z",
        "last_status_code": 503,
        "last_error": "the endpoint answered 503",
        "created_at": "2025-06-30T10:12:44Z",
        "delivered_at": null
    }], "next_cursor": null}))]
pub struct WebhookDeliveryPage {
    /// The deliveries on this page.
    pub items: Vec<WebhookDeliveryResponse>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// The endpoint's deliveries, oldest first.
///
/// Staff only. One delivery per event of a subscribed type: `pending` while the worker tries
/// (with exponential backoff, or after the receiver's `Retry-After`), `succeeded` once a 2xx
/// came back, `failed` when the attempts ran out; `status=failed` lists what to replay. An
/// unknown endpoint is 404. Keyset paging with `limit` and `cursor`.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "list_webhook_deliveries",
    params(("id" = i64, Path, description = "Endpoint id."), DeliveryFilter, PageParams),
    responses((status = 200, description = "One page of deliveries.", body = WebhookDeliveryPage))
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list(
    _: StaffCaller,
    id: web::Path<i64>,
    filter: web::Query<DeliveryFilter>,
    paging: web::Query<PageParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let page = paging.page()?;
    let (id, status) = (id.into_inner(), filter.status);
    let rows = db::run(&pool, move |conn| {
        super::existing(conn, id)?;
        Ok(webhook_deliveries::list(
            conn,
            id,
            status,
            page.after,
            page.fetch(),
        )?)
    })
    .await?;
    let (rows, next_cursor) = page.finish(rows, |(d, _)| d.id);
    Ok(private_json(&WebhookDeliveryPage {
        items: rows.into_iter().map(response).collect::<Result<_, _>>()?,
        next_cursor,
    }))
}

/// Sends a failed delivery again.
///
/// Staff only. Only a `failed` delivery of an enabled endpoint (409 otherwise: enable the
/// endpoint first): it becomes `pending` with fresh attempts, due now, with the same
/// `webhook-id`, so the receiver can drop it if it got it after all. Audited
/// (`webhook_delivery.replayed`).
#[utoipa::path(
    tag = "webhooks",
    operation_id = "replay_webhook_delivery",
    params(
        ("id" = i64, Path, description = "Endpoint id."),
        ("delivery_id" = i64, Path, description = "Delivery id.")
    ),
    responses(
        (status = 200, description = "Pending again.", body = WebhookDeliveryResponse),
        (status = 409, description = "The delivery has not failed, or the endpoint is disabled (enable it first).")
    )
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/replay")]
pub async fn replay(
    StaffCaller(caller): StaffCaller,
    path: web::Path<(i64, i64)>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let ((endpoint_id, id), actor) = (path.into_inner(), caller.actor());
    let delivery = db::write(&pool, move |conn| {
        let endpoint = super::existing(conn, endpoint_id)?;
        webhook_deliveries::find(conn, endpoint_id, id)?.ok_or(AppError::NotFound)?;
        super::require_enabled(&endpoint)?;
        if !webhook_deliveries::replay(conn, id, Utc::now().naive_utc())? {
            return Err(AppError::Conflict(
                "only a failed delivery can be replayed".to_owned(),
            ));
        }
        audit_events::record(
            conn,
            Change {
                actor: &actor,
                action: "webhook_delivery.replayed",
                entity_type: "webhook_delivery",
                entity_id: id.to_string(),
                before: Some(json!({ "status": DeliveryStatus::Failed.as_str() })),
                after: Some(json!({ "status": DeliveryStatus::Pending.as_str() })),
            },
        )?;
        webhook_deliveries::find(conn, endpoint_id, id)?.ok_or(AppError::NotFound)
    })
    .await?;
    Ok(private_json(&response(delivery)?))
}

/// How many failed deliveries a bulk replay made pending again.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"replayed": 4}))]
pub struct ReplayCount {
    /// Deliveries that are pending again (0 when none had failed).
    pub replayed: usize,
}

/// Sends every failed delivery of the endpoint again.
///
/// Staff only, e.g. after the receiver was down for longer than the retries last. The endpoint
/// must be enabled (409 otherwise). Every `failed` delivery becomes `pending`, due now, and
/// keeps its `webhook-id`; the answer counts them (0 when none had failed). Audited
/// (`webhook_deliveries.replayed`, with the count).
#[utoipa::path(
    tag = "webhooks",
    operation_id = "replay_failed_webhook_deliveries",
    params(("id" = i64, Path, description = "Endpoint id.")),
    responses(
        (status = 200, description = "The failed deliveries are pending again.", body = ReplayCount),
        (status = 409, description = "The endpoint is disabled (enable it first).")
    )
)]
#[post("/webhooks/{id}/deliveries/replay")]
pub async fn replay_failed(
    StaffCaller(caller): StaffCaller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let (endpoint_id, actor) = (id.into_inner(), caller.actor());
    let replayed = db::write(&pool, move |conn| {
        super::require_enabled(&super::existing(conn, endpoint_id)?)?;
        let replayed =
            webhook_deliveries::replay_failed(conn, endpoint_id, Utc::now().naive_utc())?;
        audit_events::record(
            conn,
            Change {
                actor: &actor,
                action: "webhook_deliveries.replayed",
                entity_type: "webhook_endpoint",
                entity_id: endpoint_id.to_string(),
                before: None,
                after: Some(json!({ "replayed": replayed })),
            },
        )?;
        Ok(replayed)
    })
    .await?;
    Ok(private_json(&ReplayCount { replayed }))
}
