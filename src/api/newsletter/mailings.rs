//! Recording mailings and whom they welcomed (staff).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::NewsletterContact;
use crate::api::http::idempotency::{self, Created};
use crate::api::http::json_object::JsonObject;
use crate::api::http::pagination::PageParams;
use crate::api::http::response::private_json;
use crate::api::participants::input::plausible_date;
use crate::auth::{Caller, StaffCaller};
use crate::db::models::audit_events::{self, Change};
use crate::db::models::newsletter::{self, Mailing};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::newsletter::welcome_window;
use crate::error::AppError;

/// A mailing to record.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailingRequest {
    /// The day the newsletter goes (or went) out; not before the previous mailing's day.
    #[validate(custom(function = "plausible_date"))]
    pub sent_on: NaiveDate,
}

/// A mailing and the participants it welcomes.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailingResponse {
    /// Mailing id.
    pub id: i64,
    /// The day it goes out.
    pub sent_on: NaiveDate,
    /// When staff recorded it.
    pub recorded_at: DateTime<Utc>,
    /// Whom to welcome: active participants activated since the previous mailing who consented
    /// and were never welcomed before (erased participants are left out of past mailings).
    pub welcomed: Vec<NewsletterContact>,
}

/// A past mailing in the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailingSummary {
    /// Mailing id.
    pub id: i64,
    /// The day it went out.
    pub sent_on: NaiveDate,
    /// When staff recorded it.
    pub recorded_at: DateTime<Utc>,
    /// How many participants it welcomed.
    pub welcomed_count: i64,
}

/// One page of mailings, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailingPage {
    /// The mailings on this page.
    pub items: Vec<MailingSummary>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

fn response(conn: &mut DbConnection, mailing: Mailing) -> Result<MailingResponse, AppError> {
    let welcomed = newsletter::welcomed_by(conn, mailing.id)?;
    Ok(MailingResponse {
        id: mailing.id,
        sent_on: mailing.sent_on,
        recorded_at: mailing.recorded_at.and_utc(),
        welcomed: welcomed.into_iter().map(Into::into).collect(),
    })
}

/// Welcomes the candidates of a new mailing on `sent_on`; audited with counts only.
fn record(
    conn: &mut DbConnection,
    sent_on: NaiveDate,
    caller: &Caller,
) -> Result<Created, AppError> {
    let now = Utc::now().naive_utc();
    let previous = newsletter::latest(conn)?.map(|m| m.sent_on);
    let (from, until) =
        welcome_window(previous, sent_on).map_err(|e| AppError::invalid_field("/sent_on", e))?;
    let mailing = newsletter::insert(conn, sent_on, caller.account_id, now)?;
    let candidates = newsletter::candidates(conn, from, until)?;
    for participant in &candidates {
        newsletter::welcome(conn, participant.id, mailing.id)?;
    }
    audit_events::record(
        conn,
        Change {
            actor: &caller.actor(),
            action: "newsletter_mailing.recorded",
            entity_type: "newsletter_mailing",
            entity_id: mailing.id.to_string(),
            before: None,
            after: Some(
                serde_json::json!({ "sent_on": sent_on, "welcomed_count": candidates.len() }),
            ),
        },
    )?;
    let location = format!("/api/v1/newsletter/mailings/{}", mailing.id);
    Created::new(location, &response(conn, mailing)?)
}

/// Records a mailing (staff) and answers whom it welcomes. Each participant is welcomed exactly
/// once, also when mailings are recorded concurrently; an `Idempotency-Key` makes a retry
/// replay the first answer (another body with the same key is 422).
#[utoipa::path(
    tag = "newsletter",
    operation_id = "create_newsletter_mailing",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry replay the first answer (1–255 visible ASCII characters).")),
    request_body = MailingRequest,
    responses(
        (status = 201, description = "Recorded (or replayed); whom to welcome.", body = MailingResponse,
            headers(("Location" = String, description = "URL of the mailing."))),
        (status = 422, description = "Dated before the previous mailing, or the key was used with another body.")
    )
)]
#[post("/newsletter/mailings")]
pub async fn create(
    StaffCaller(caller): StaffCaller,
    req: HttpRequest,
    body: JsonObject<MailingRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let key = idempotency::key_of(&req)?;
    let body = body.into_inner()?;
    body.validate()?;
    let canonical = serde_json::to_string(&body).map_err(AppError::internal)?;
    let created = db::write(&pool, move |conn| {
        newsletter::lock(conn)?;
        let request = idempotency::Request {
            account_id: caller.account_id,
            operation: "create_newsletter_mailing",
            key: key.as_deref(),
            body: &canonical,
        };
        idempotency::once(conn, &request, Utc::now().naive_utc(), |conn| {
            record(conn, body.sent_on, &caller)
        })
    })
    .await?;
    Ok(created.respond())
}

/// Past mailings, oldest first, with how many each welcomed (staff).
#[utoipa::path(
    tag = "newsletter",
    operation_id = "list_newsletter_mailings",
    params(PageParams),
    responses((status = 200, description = "One page of mailings.", body = MailingPage))
)]
#[get("/newsletter/mailings")]
pub async fn list(
    _: StaffCaller,
    paging: web::Query<PageParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let page = paging.page()?;
    let (rows, counts) = db::run(&pool, move |conn| {
        let rows = newsletter::list(conn, page.after.unwrap_or(0), page.fetch())?;
        let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
        Ok((rows, newsletter::welcome_counts(conn, &ids)?))
    })
    .await?;
    let (rows, next_cursor) = page.finish(rows, |m| m.id);
    let count_of = |id: i64| counts.iter().find(|(m, _)| *m == id).map_or(0, |(_, n)| *n);
    Ok(private_json(&MailingPage {
        items: rows
            .into_iter()
            .map(|m| MailingSummary {
                welcomed_count: count_of(m.id),
                id: m.id,
                sent_on: m.sent_on,
                recorded_at: m.recorded_at.and_utc(),
            })
            .collect(),
        next_cursor,
    }))
}

/// One past mailing and whom it welcomed (staff).
#[utoipa::path(
    tag = "newsletter",
    operation_id = "get_newsletter_mailing",
    params(("id" = i64, Path, description = "Mailing id.")),
    responses((status = 200, description = "The mailing.", body = MailingResponse))
)]
#[get("/newsletter/mailings/{id}")]
pub async fn get(
    _: StaffCaller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let body = db::run(&pool, move |conn| {
        let mailing = newsletter::find(conn, id)?.ok_or(AppError::NotFound)?;
        response(conn, mailing)
    })
    .await?;
    Ok(private_json(&body))
}
