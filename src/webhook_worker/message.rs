//! What the service says about an outbox event: the event as the feed (`GET /api/v1/events`)
//! lists it and the body of its webhook push. Contract types (they carry their OpenAPI schema),
//! here beside the sender so the worker needs nothing from the HTTP handlers; the feed's handler
//! uses them from here.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::models::outbox::OutboxEvent;
use crate::domain::events::EventType;

/// One event.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventResponse {
    /// Event id; increases in commit order, so no event is skipped or repeated.
    pub id: i64,
    /// What happened.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub event_type: EventType,
    /// The kind of record: `participant`, `session` or `practice_tip`.
    pub subject_type: String,
    /// The record's id.
    pub subject_id: i64,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
}

impl EventResponse {
    /// The event of an outbox row.
    pub fn of(row: &OutboxEvent) -> Self {
        EventResponse {
            id: row.id,
            event_type: row.event_type,
            subject_type: row.subject_type.clone(),
            subject_id: row.subject_id,
            occurred_at: row.occurred_at.and_utc(),
        }
    }

    /// The `webhook-id` of its pushes: the same for every attempt and endpoint, so receivers
    /// can drop repeats.
    pub fn webhook_id(&self) -> String {
        format!("evt_{}", self.id)
    }
}

/// The body of a webhook push (Standard Webhooks layout): the event of the feed in `data`.
/// Headers: `webhook-id` (`evt_` and the event id; the same on every retry), `webhook-timestamp`
/// (Unix seconds of the attempt) and `webhook-signature` (`v1,` and the base64 HMAC-SHA256 of
/// `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the base64-decoded part of the
/// endpoint's secret after `whsec_`).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookMessage {
    /// The event type, as in `data.type`.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub event_type: EventType,
    /// When the event happened.
    pub timestamp: DateTime<Utc>,
    /// The event, exactly as `GET /api/v1/events` lists it.
    pub data: EventResponse,
}

impl WebhookMessage {
    /// The message pushed for an outbox row.
    pub fn of(row: &OutboxEvent) -> Self {
        let data = EventResponse::of(row);
        WebhookMessage {
            event_type: data.event_type,
            timestamp: data.occurred_at,
            data,
        }
    }
}
