//! The event feed for the Klimaschutz-Community (integration accounts and staff): the outbox
//! read in commit order, so the platform learns when to grant or revoke access to the mentoring
//! area. Payloads are thin (type, subject id, time); the access events also name the participant
//! (id, community account reference, e-mail) so the platform can act on them alone.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::http::pagination::{PageParams, encode_cursor};
use crate::api::http::response::private_json;
use crate::auth::IntegrationCaller;
use crate::db::models::outbox;
use crate::db::{self, DbPool};
use crate::error::AppError;
use crate::webhook_worker::message::EventResponse;

/// One page of the feed, oldest first.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
        "id": 1041,
        "type": "participant.activated",
        "subject_type": "participant",
        "subject_id": 5,
        "occurred_at": "2025-03-12T14:05:09Z",
        "participant": {
            "participant_id": 5,
            "community_account_ref": "kc-20931",
            "email": "erika.mustermann@example.org"
        }
    }, {
        "id": 1042,
        "type": "session.approved",
        "subject_type": "session",
        "subject_id": 77,
        "occurred_at": "2025-03-12T15:30:00Z"
    }],
    "next_cursor": "5a3c96e10f7bd65a",
    "has_more": false
}))]
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

/// The events after `cursor`, oldest first.
///
/// Integration accounts and staff (participants get 403). The feed is the outbox read in commit
/// order, for the Klimaschutz-Community to grant or revoke access to the mentoring area (§ 5.1,
/// § 5.2): `participant.activated` and `participant.rejoined` grant, `participant.ended`
/// revokes, and these three also name the participant (id, community account reference,
/// e-mail); every other event is thin (type, subject, time).
///
/// Poll with the returned `next_cursor` (store it, also across downtime): events appear in
/// commit order, none is missed or repeated. Unlike other lists, `next_cursor` is set on the
/// last page too (it repeats the given cursor when nothing new happened) and `has_more` says
/// whether to fetch again at once. `limit` 1–200 (default 50). Registered webhooks push the
/// same events instead.
#[utoipa::path(
    tag = "events",
    operation_id = "list_events",
    params(PageParams),
    responses((status = 200, description = "One page of events.", body = EventPage))
)]
#[get("/events")]
pub async fn list(
    _: IntegrationCaller,
    paging: web::Query<PageParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
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
        items: rows.iter().map(EventResponse::of).collect(),
        next_cursor,
        has_more,
    }))
}
