//! The event feed for the Klimaschutz-Community (integration accounts and staff): the outbox
//! read in commit order, so the platform learns when to grant or revoke access to the mentoring
//! area. Payloads are thin (type, subject id, time); the platform fetches what it may see.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::http::pagination::{PageParams, encode_cursor};
use crate::api::http::response::private_json;
use crate::auth::{Caller, Role};
use crate::db::models::outbox::{self, OutboxEvent};
use crate::db::{self, DbPool};
use crate::domain::events::EventType;
use crate::error::AppError;

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

/// One page of the feed, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    /// The events on this page.
    pub items: Vec<EventResponse>,
    /// The position after this page: store it and pass it as `cursor` next time (also after
    /// downtime). Unlike other lists it is set on the last page too (then it repeats the given
    /// cursor when nothing new happened); `null` only while no event exists at all.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
    /// Whether more events are waiting now (fetch again at once rather than after the poll interval).
    pub has_more: bool,
}

impl EventResponse {
    /// The event of an outbox row.
    pub fn of(row: &OutboxEvent) -> Result<Self, AppError> {
        let event_type = EventType::parse(&row.event_type).ok_or_else(|| {
            AppError::internal(format!("unknown event type in outbox {}", row.id))
        })?;
        Ok(EventResponse {
            id: row.id,
            event_type,
            subject_type: row.subject_type.clone(),
            subject_id: row.subject_id,
            occurred_at: row.occurred_at.and_utc(),
        })
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
    pub fn of(row: &OutboxEvent) -> Result<Self, AppError> {
        let data = EventResponse::of(row)?;
        Ok(WebhookMessage {
            event_type: data.event_type,
            timestamp: data.occurred_at,
            data,
        })
    }
}

/// The events after `cursor`, oldest first (integration accounts and staff). Poll with the
/// returned `next_cursor`: events appear in commit order, none is missed or repeated.
#[utoipa::path(
    tag = "events",
    operation_id = "list_events",
    params(PageParams),
    responses((status = 200, description = "One page of events.", body = EventPage))
)]
#[get("/events")]
pub async fn list(
    caller: Caller,
    paging: web::Query<PageParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Integration, Role::Staff])?;
    let page = paging.page()?;
    let rows = db::run(&pool, move |conn| {
        Ok(outbox::after(conn, page.after.unwrap_or(0), page.fetch())?)
    })
    .await?;
    let has_more = rows.len() as i64 > page.limit;
    let (rows, _) = page.finish(rows, |e| e.id);
    let next_cursor = rows
        .last()
        .map(|e| encode_cursor(e.id))
        .or_else(|| paging.cursor.clone());
    Ok(private_json(&EventPage {
        items: rows
            .iter()
            .map(EventResponse::of)
            .collect::<Result<_, _>>()?,
        next_cursor,
        has_more,
    }))
}
