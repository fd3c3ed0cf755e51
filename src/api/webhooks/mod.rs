//! Webhook endpoints of the Klimaschutz-Community (staff only): registering, changing and
//! removing them, and the deliveries the worker made, with replay of failed ones.

pub mod deliveries;
pub mod endpoints;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbConnection;
use crate::db::models::webhook_endpoints::{self, Endpoint};
use crate::domain::events::EventType;
use crate::domain::webhooks::DisabledReason;
use crate::error::AppError;

/// The endpoint, or 404.
fn existing(conn: &mut DbConnection, id: i64) -> Result<Endpoint, AppError> {
    webhook_endpoints::find(conn, id)?.ok_or(AppError::NotFound)
}

/// Replays go nowhere while the endpoint is off: 409.
fn require_enabled(endpoint: &Endpoint) -> Result<(), AppError> {
    if endpoint.enabled {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "the endpoint is disabled; enable it first".to_owned(),
        ))
    }
}

/// The example endpoint of the document (one of the Klimaschutz-Community).
pub(super) fn endpoint_example() -> serde_json::Value {
    serde_json::json!({
        "id": 2,
        "url": "https://community.example/hooks/mentoring",
        "event_types": ["participant.activated", "participant.ended", "participant.rejoined"],
        "enabled": true,
        "disabled_reason": null,
        "consecutive_failures": 0,
        "created_at": "2025-02-10T08:00:00Z"
    })
}

/// A registered endpoint (its secret is shown only when created or rotated).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = endpoint_example)]
pub struct WebhookEndpointResponse {
    /// Endpoint id.
    pub id: i64,
    /// Where events are posted.
    #[schema(example = "https://community.example/hooks/mentoring")]
    pub url: String,
    /// The event types it receives.
    pub event_types: Vec<EventType>,
    /// Whether deliveries are sent; events of a disabled endpoint stay queued until it is enabled.
    pub enabled: bool,
    /// Why it is disabled; `null` while enabled.
    #[schema(required = true)]
    pub disabled_reason: Option<DisabledReason>,
    /// Failed attempts in a row (reset by a success); the endpoint is disabled at the
    /// configured maximum.
    pub consecutive_failures: i32,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
}

impl From<Endpoint> for WebhookEndpointResponse {
    fn from(endpoint: Endpoint) -> Self {
        WebhookEndpointResponse {
            id: endpoint.id,
            event_types: endpoint.subscribed(),
            disabled_reason: endpoint.disabled_reason,
            url: endpoint.url,
            enabled: endpoint.enabled,
            consecutive_failures: endpoint.consecutive_failures,
            created_at: endpoint.created_at.and_utc(),
        }
    }
}

/// An endpoint with its signing secret, answered once when it is created or the secret rotated.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "endpoint": endpoint_example(),
    "secret": "whsec_haL3JK5D6+1zOd5txJNTBfh75T4/0PmC+a1oNZkuilQ="
}))]
pub struct WebhookSecretResponse {
    /// The endpoint.
    pub endpoint: WebhookEndpointResponse,
    /// The signing secret (`whsec_` and base64), for verifying `webhook-signature`. It is not
    /// shown again: store it now.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}
