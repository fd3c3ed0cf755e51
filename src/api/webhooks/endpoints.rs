//! Registering, reading, changing and removing webhook endpoints (staff). Audited; the audit
//! trail holds ids, event types and states, never the URL or the secret.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::{WebhookEndpointResponse, WebhookSecretResponse};
use crate::api::http::etag::{IfMatchHeader, json_with_etag};
use crate::api::http::json_object::JsonObject;
use crate::api::http::response::{created_json, private_json};
use crate::auth::StaffCaller;
use crate::config::ListenAddress;
use crate::db::models::audit_events::{self, Actor, Change};
use crate::db::models::webhook_endpoints::{self, Endpoint, join_event_types};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::events::EventType;
use crate::domain::webhooks::{self, DisabledReason};
use crate::error::AppError;

/// A new endpoint.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({
    "url": "https://community.example/hooks/mentoring",
    "event_types": ["participant.activated", "participant.ended", "participant.rejoined"]
}))]
#[serde(deny_unknown_fields)]
pub struct NewWebhookEndpoint {
    /// Where to post events: an absolute `http` or `https` URL without credentials, not this
    /// service itself.
    #[schema(
        max_length = 2000,
        example = "https://community.example/hooks/mentoring"
    )]
    pub url: String,
    /// The event types to receive (at least one).
    #[schema(min_items = 1)]
    pub event_types: Vec<EventType>,
}

/// Changes to an endpoint; omitted fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({
    "event_types": ["participant.activated", "participant.ended", "participant.rejoined", "participant.roles_changed"],
    "enabled": true
}))]
#[serde(deny_unknown_fields)]
pub struct WebhookEndpointChanges {
    /// A new URL.
    #[schema(max_length = 2000, format = "uri")]
    pub url: Option<String>,
    /// New event types (at least one).
    #[schema(min_items = 1)]
    pub event_types: Option<Vec<EventType>>,
    /// `false` stops deliveries (events stay queued); `true` resumes them and resets the count
    /// of failures, also after the service disabled the endpoint.
    pub enabled: Option<bool>,
}

/// All endpoints.
#[derive(Debug, serde::Serialize, ToSchema)]
#[schema(example = json!({"items": [super::endpoint_example()], "next_cursor": null}))]
pub struct WebhookEndpointList {
    /// The endpoints, oldest first.
    pub items: Vec<WebhookEndpointResponse>,
    /// Always `null`: the list is complete.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

fn checked_url(raw: &str, own: &ListenAddress) -> Result<String, AppError> {
    webhooks::check_url(raw.trim(), own.0)
        .map(|url| url.to_string())
        .map_err(|e| AppError::invalid_field("/url", e))
}

fn checked_types(types: &[EventType]) -> Result<Vec<EventType>, AppError> {
    if types.is_empty() {
        return Err(AppError::invalid_field(
            "/event_types",
            "name at least one event type",
        ));
    }
    // The catalogue's order, each type once.
    Ok(EventType::ALL
        .iter()
        .copied()
        .filter(|t| types.contains(t))
        .collect())
}

fn audit(
    conn: &mut DbConnection,
    actor: &Actor,
    action: &str,
    endpoint: &Endpoint,
    before: Option<serde_json::Value>,
) -> Result<(), AppError> {
    let after = (action != "webhook_endpoint.deleted")
        .then(|| json!({ "event_types": endpoint.event_types, "enabled": endpoint.enabled }));
    audit_events::record(
        conn,
        Change {
            actor,
            action,
            entity_type: "webhook_endpoint",
            entity_id: endpoint.id.to_string(),
            before,
            after,
        },
    )?;
    Ok(())
}

/// 200 with the endpoint and its version as `ETag`.
fn with_etag(endpoint: Endpoint) -> HttpResponse {
    json_with_etag(endpoint.version, &WebhookEndpointResponse::from(endpoint))
}

fn location(id: i64) -> String {
    format!("/api/v1/webhooks/{id}")
}

/// Registers a webhook endpoint.
///
/// Staff only. The endpoint receives, as `POST` (see `mentoring-event` under `webhooks`), the
/// events of its types that happen from now on, signed the Standard Webhooks way with the
/// secret in the answer, which is shown only this once. The URL must be absolute `http` or
/// `https` with a host, without credentials or fragment, at most 2000 characters and not this
/// service itself (422 at `/url`); at least one event type (422 at `/event_types`). Answers 201
/// with `Location`. Audited (`webhook_endpoint.created`; the trail never holds the URL or the
/// secret).
#[utoipa::path(
    tag = "webhooks",
    operation_id = "create_webhook_endpoint",
    request_body = NewWebhookEndpoint,
    responses(
        (status = 201, description = "Registered; store the secret now.", body = WebhookSecretResponse,
            headers(("Location" = String, description = "URL of the endpoint."))),
    )
)]
#[post("/webhooks")]
pub async fn create(
    StaffCaller(caller): StaffCaller,
    body: JsonObject<NewWebhookEndpoint>,
    own: web::Data<ListenAddress>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    let url = checked_url(&body.url, &own)?;
    let types = checked_types(&body.event_types)?;
    let secret = webhooks::new_secret();
    let actor = caller.account_id;
    let stored_secret = secret.clone();
    let endpoint = db::write(&pool, move |conn| {
        let now = Utc::now().naive_utc();
        let endpoint = webhook_endpoints::insert(conn, &url, &types, &stored_secret, actor, now)?;
        audit(
            conn,
            &caller.actor(),
            "webhook_endpoint.created",
            &endpoint,
            None,
        )?;
        Ok(endpoint)
    })
    .await?;
    let id = endpoint.id;
    Ok(created_json(
        &location(id),
        &WebhookSecretResponse {
            endpoint: endpoint.into(),
            secret,
        },
    ))
}

/// Lists the endpoints.
///
/// Staff only. Every registered endpoint, oldest first, with its event types, whether it is
/// enabled (and if not, why: `staff`, `gone` after a 410 answer, or `failing` after too many
/// failures in a row) and its failures in a row. The list is complete: `next_cursor` is always
/// `null`. Secrets are never listed.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "list_webhook_endpoints",
    responses((status = 200, description = "The endpoints.", body = WebhookEndpointList))
)]
#[get("/webhooks")]
pub async fn list(_: StaffCaller, pool: web::Data<DbPool>) -> Result<HttpResponse, AppError> {
    let rows = db::run(&pool, |conn| Ok(webhook_endpoints::list(conn)?)).await?;
    Ok(private_json(&WebhookEndpointList {
        items: rows.into_iter().map(Into::into).collect(),
        next_cursor: None,
    }))
}

/// One endpoint, with its health.
///
/// Staff only. Carries the endpoint's version as `ETag` for `PATCH`; with `If-None-Match`
/// naming it the answer is 304. An unknown id is 404.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "get_webhook_endpoint",
    params(("id" = i64, Path, description = "Endpoint id.")),
    responses((status = 200, description = "The endpoint.", body = WebhookEndpointResponse,
        headers(("ETag" = String, description = "The endpoint's version."))))
)]
#[get("/webhooks/{id}")]
pub async fn get(
    _: StaffCaller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let endpoint = db::run(&pool, move |conn| super::existing(conn, id)).await?;
    Ok(with_etag(endpoint))
}

/// Changes an endpoint's URL, event types or state.
///
/// Staff only, with `If-Match` naming the `ETag` of the last read (missing: 428, outdated: 412;
/// the body is checked first, so invalid values are 422 either way). Omitted fields stay.
/// `enabled: false` stops deliveries (events stay queued); `enabled: true` resumes the queued
/// deliveries and resets the failure count, also after the service disabled the endpoint.
/// Answers the endpoint with its new `ETag`. Audited (`webhook_endpoint.updated`).
#[utoipa::path(
    tag = "webhooks",
    operation_id = "update_webhook_endpoint",
    params(
        ("id" = i64, Path, description = "Endpoint id."),
        ("If-Match" = String, Header, description = "The `ETag` of the endpoint as read.")
    ),
    request_body = WebhookEndpointChanges,
    responses(
        (status = 200, description = "Changed.", body = WebhookEndpointResponse,
            headers(("ETag" = String, description = "The endpoint's new version."))),
        (status = 412, description = "`If-Match` names an outdated version; read the endpoint again."),
        (status = 428, description = "`If-Match` is missing.")
    )
)]
#[patch("/webhooks/{id}")]
pub async fn update(
    StaffCaller(caller): StaffCaller,
    id: web::Path<i64>,
    if_match: IfMatchHeader,
    body: JsonObject<WebhookEndpointChanges>,
    own: web::Data<ListenAddress>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let changes = body.into_inner()?;
    let url = changes
        .url
        .as_deref()
        .map(|u| checked_url(u, &own))
        .transpose()?;
    let types = changes
        .event_types
        .as_deref()
        .map(checked_types)
        .transpose()?;
    let if_match = if_match.require()?;
    let (id, actor) = (id.into_inner(), caller.actor());
    let endpoint = db::write(&pool, move |conn| {
        let current = super::existing(conn, id)?;
        if !if_match.matches(current.version) {
            return Err(AppError::PreconditionFailed);
        }
        let enabled = changes.enabled.unwrap_or(current.enabled);
        let settings = webhook_endpoints::EndpointUpdate {
            url: url.as_deref().unwrap_or(&current.url),
            event_types: types
                .as_deref()
                .map(join_event_types)
                .unwrap_or_else(|| current.event_types.clone()),
            enabled,
            // Switching on clears the reason and the failure count; switching off records staff.
            disabled_reason: match (current.enabled, enabled) {
                (false, true) => Some(None),
                (true, false) => Some(Some(DisabledReason::Staff)),
                _ => None,
            },
            consecutive_failures: (!current.enabled && enabled).then_some(0),
        };
        let endpoint =
            webhook_endpoints::update(conn, id, if_match.expected(current.version), &settings)?
                .ok_or(AppError::PreconditionFailed)?;
        let before = json!({ "event_types": current.event_types, "enabled": current.enabled,
            "url_changed": url.as_deref().is_some_and(|u| u != current.url) });
        audit(
            conn,
            &actor,
            "webhook_endpoint.updated",
            &endpoint,
            Some(before),
        )?;
        Ok(endpoint)
    })
    .await?;
    Ok(with_etag(endpoint))
}

/// Removes an endpoint and its deliveries.
///
/// Staff only. Nothing more is sent to it, pending deliveries included; the events stay in the
/// feed. An unknown id is 404. Audited (`webhook_endpoint.deleted`).
#[utoipa::path(
    tag = "webhooks",
    operation_id = "delete_webhook_endpoint",
    params(("id" = i64, Path, description = "Endpoint id.")),
    responses((status = 204, description = "Removed."))
)]
#[delete("/webhooks/{id}")]
pub async fn remove(
    StaffCaller(caller): StaffCaller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let (id, actor) = (id.into_inner(), caller.actor());
    db::write(&pool, move |conn| {
        let endpoint = super::existing(conn, id)?;
        webhook_endpoints::delete(conn, id)?;
        let before = json!({ "event_types": endpoint.event_types, "enabled": endpoint.enabled });
        audit(
            conn,
            &actor,
            "webhook_endpoint.deleted",
            &endpoint,
            Some(before),
        )
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Replaces the endpoint's signing secret.
///
/// Staff only. The new secret is shown only in this answer and signs every attempt from now on,
/// retries of earlier events included; the old one stops at once, so update the receiver
/// promptly. Audited (`webhook_endpoint.secret_rotated`, without the secret).
#[utoipa::path(
    tag = "webhooks",
    operation_id = "rotate_webhook_secret",
    params(("id" = i64, Path, description = "Endpoint id.")),
    responses((status = 200, description = "The endpoint with its new secret; store it now.", body = WebhookSecretResponse))
)]
#[post("/webhooks/{id}/secret-rotation")]
pub async fn rotate_secret(
    StaffCaller(caller): StaffCaller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let (id, actor) = (id.into_inner(), caller.actor());
    let secret = webhooks::new_secret();
    let stored_secret = secret.clone();
    let endpoint = db::write(&pool, move |conn| {
        let endpoint = webhook_endpoints::rotate_secret(conn, id, &stored_secret)?
            .ok_or(AppError::NotFound)?;
        audit(
            conn,
            &actor,
            "webhook_endpoint.secret_rotated",
            &endpoint,
            None,
        )?;
        Ok(endpoint)
    })
    .await?;
    Ok(private_json(&WebhookSecretResponse {
        endpoint: endpoint.into(),
        secret,
    }))
}
