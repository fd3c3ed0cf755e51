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
    /// Only on `participant.activated`, `participant.rejoined` and `participant.ended`: the
    /// participant as the platform knows them, so it can grant or revoke access from the event
    /// alone. Every other event is thin (fetch what you may see).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participant: Option<EventParticipant>,
}

/// How an access event names the participant: exactly what granting or revoking access needs,
/// nothing more (data minimisation). Values as at the event; after an erasure the event keeps
/// only `participant_id` (the other two become `null`, also in pushes still pending).
#[derive(Debug, Serialize, ToSchema)]
pub struct EventParticipant {
    /// Participant id (the event's `subject_id`; look it up with `POST /membership-lookups`).
    pub participant_id: i64,
    /// The participant's account reference on the community platform; `null` when not recorded
    /// (or erased).
    #[schema(required = true)]
    pub community_account_ref: Option<String>,
    /// The participant's e-mail address; `null` once the participant is erased.
    #[schema(required = true)]
    pub email: Option<String>,
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
            participant: row.event_type.names_member().then(|| EventParticipant {
                participant_id: row.subject_id,
                community_account_ref: row.community_account_ref.clone(),
                email: row.email.clone(),
            }),
        }
    }

    /// The `webhook-id` of its pushes: the same for every attempt and endpoint, so receivers
    /// can drop repeats. A sister programme's events (numbered in its own database) name the
    /// programme, `evt_<code>_<id>`, so that a receiver hearing two programmes never drops one
    /// programme's event as a repeat of the other's.
    pub fn webhook_id(&self, sister: Option<&str>) -> String {
        match sister {
            None => format!("evt_{}", self.id),
            Some(code) => format!("evt_{code}_{}", self.id),
        }
    }
}

/// The body of a webhook push (Standard Webhooks layout): the event of the feed in `data`.
/// Headers: `webhook-id` (`evt_` and the event id, a sister programme's `evt_<code>_<id>`; the
/// same on every retry), `webhook-timestamp` (Unix seconds of the attempt) and `webhook-signature` (`v1,` and the base64 HMAC-SHA256 of
/// `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the base64-decoded part of the
/// endpoint's secret after `whsec_`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "participant.ended",
    "timestamp": "2025-06-30T10:12:44Z",
    "data": {
        "id": 1187,
        "type": "participant.ended",
        "subject_type": "participant",
        "subject_id": 5,
        "occurred_at": "2025-06-30T10:12:44Z",
        "participant": {
            "participant_id": 5,
            "community_account_ref": "kc-20931",
            "email": "erika.mustermann@example.org"
        }
    }
}))]
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
