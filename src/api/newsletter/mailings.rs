//! Sending mailings and whom they welcomed (staff).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::NewsletterContact;
use crate::api::http::idempotency::{self, Created, IdempotencyKeyHeader};
use crate::api::http::json_object::JsonObject;
use crate::api::http::pagination::PageParams;
use crate::api::http::response::private_json;
use crate::api::newsletter::sending::queue_mailing;
use crate::auth::{Caller, StaffCaller};
use crate::config::Settings;
use crate::db::models::audit_events::{self, Change};
use crate::db::models::newsletter::{self, Mailing, NewMailing};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::newsletter::welcome_window;
use crate::domain::programme_time::programme_today;
use crate::domain::text;
use crate::error::AppError;
use crate::mail::Links;

/// A mailing to send.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[schema(example = json!({
    "subject": "Mentoring-Newsletter Dezember",
    "intro": "Liebe Klimaschutzmanagerinnen und -manager,\n\nzum Jahresende stellen wir Ihnen die nächsten Mentoring-Sessions und neue Praxistipps vor."
}))]
#[serde(deny_unknown_fields)]
pub struct MailingRequest {
    /// The subject line of the newsletter.
    #[validate(length(min = 1, max = 200), custom(function = "text::single_line"))]
    #[schema(
        min_length = 1,
        max_length = 200,
        format = "single-line",
        example = "Mentoring-Newsletter Dezember"
    )]
    pub subject: String,
    /// The intro text, above what is new (paragraphs separated by an empty line).
    #[validate(length(min = 1, max = 10000), custom(function = "text::multi_line"))]
    #[schema(min_length = 1, max_length = 10000, format = "multi-line")]
    pub intro: String,
    /// The day it goes out: today (in the programme's calendar, Europe/Berlin), also when left
    /// out; the messages are queued at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_on: Option<NaiveDate>,
}

/// A mailing and the participants it welcomes.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 14,
    "sent_on": "2025-12-02",
    "recorded_at": "2025-12-02T08:30:00Z",
    "subject": "Mentoring-Newsletter Dezember",
    "intro": "Liebe Klimaschutzmanagerinnen und -manager,\n\nzum Jahresende stellen wir Ihnen die nächsten Mentoring-Sessions und neue Praxistipps vor.",
    "recipient_count": 187,
    "welcomed": [{
        "participant_id": 41,
        "salutation": "ms",
        "first_name": "Ida",
        "last_name": "Beispiel",
        "email": "ida.beispiel@example.org"
    }]
}))]
pub struct MailingResponse {
    /// Mailing id.
    pub id: i64,
    /// The day it goes out.
    pub sent_on: NaiveDate,
    /// When staff recorded it.
    pub recorded_at: DateTime<Utc>,
    /// The subject line (empty for mailings recorded before the service sent them).
    pub subject: String,
    /// The intro text.
    pub intro: String,
    /// How many messages were queued: one per active participant who did not turn the
    /// newsletter off.
    pub recipient_count: i32,
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
    /// The subject line.
    pub subject: String,
    /// How many messages were queued.
    pub recipient_count: i32,
    /// How many participants it welcomed.
    pub welcomed_count: i64,
}

/// One page of mailings, oldest first.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
        "id": 14,
        "sent_on": "2025-12-02",
        "recorded_at": "2025-12-02T08:30:00Z",
        "subject": "Mentoring-Newsletter Dezember",
        "recipient_count": 187,
        "welcomed_count": 1
    }],
    "next_cursor": null
}))]
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
        subject: mailing.subject,
        intro: mailing.intro,
        recipient_count: mailing.recipient_count,
        welcomed: welcomed.into_iter().map(Into::into).collect(),
    })
}

/// What sending needs besides the request.
struct Sender<'a> {
    caller: &'a Caller,
    links: &'a Links,
    secret: &'a [u8],
}

/// Records a mailing of `body` today, welcomes its candidates and queues its messages; audited
/// with counts only.
fn record(
    conn: &mut DbConnection,
    body: &MailingRequest,
    sender: &Sender<'_>,
) -> Result<Created, AppError> {
    let caller = sender.caller;
    let now = Utc::now().naive_utc();
    let sent_on = programme_today();
    let previous = newsletter::latest(conn)?;
    let (from, until) = welcome_window(previous.as_ref().map(|m| m.sent_on), sent_on)
        .map_err(|e| AppError::invalid_field("/sent_on", e))?;
    let mailing = newsletter::insert(
        conn,
        &NewMailing {
            sent_on,
            subject: body.subject.trim(),
            intro: body.intro.trim(),
            recorded_by: caller.account_id,
            recorded_at: now,
        },
    )?;
    let candidates = newsletter::candidates(conn, from, until)?;
    for participant in &candidates {
        newsletter::welcome(conn, participant.id, mailing.id)?;
    }
    let queued = queue_mailing(
        conn,
        &mailing,
        previous.map(|m| m.recorded_at),
        &candidates,
        sender.links,
        sender.secret,
    )?;
    let mailing = newsletter::set_recipient_count(conn, mailing.id, queued)?;
    audit_events::record(
        conn,
        Change {
            actor: &caller.actor(),
            action: "newsletter_mailing.recorded",
            entity_type: "newsletter_mailing",
            entity_id: mailing.id.to_string(),
            before: None,
            after: Some(
                serde_json::json!({ "sent_on": sent_on, "welcomed_count": candidates.len(),
                    "recipient_count": queued }),
            ),
        },
    )?;
    let location = format!("/api/v1/newsletter/mailings/{}", mailing.id);
    Created::new(location, &response(conn, mailing)?)
}

/// Sends a newsletter mailing.
///
/// Staff only. The mentoring newsletter goes out about every six to eight weeks and welcomes
/// the new participants (§ 5.1). This records the mailing, dated today, and in the same
/// transaction queues one message to every active participant who did not turn the newsletter
/// off, in their language: the subject and intro, the upcoming approved sessions of the
/// calendar, the practice tips published since the previous mailing, and the welcome of the
/// participants activated since then who consented (each welcomed exactly once, also when
/// mailings are sent concurrently). Every message carries a one-click unsubscribe link
/// (RFC 8058 `List-Unsubscribe`).
///
/// An `Idempotency-Key` makes a retry replay the first 201 and send nothing new (the same key
/// with another body is 422). A `sent_on` other than today is 422. Answers 201 with `Location`.
/// Audited with counts only.
#[utoipa::path(
    tag = "newsletter",
    operation_id = "create_newsletter_mailing",
    params(IdempotencyKeyHeader),
    request_body = MailingRequest,
    responses(
        (status = 201, description = "Sent (or replayed): how many messages, whom it welcomed.", body = MailingResponse,
            headers(("Location" = String, description = "URL of the mailing."))),
        (status = 422, description = "A subject or intro is missing or too long, `sent_on` is not today, or the key was used with another body.")
    )
)]
#[post("/newsletter/mailings")]
pub async fn create(
    StaffCaller(caller): StaffCaller,
    req: HttpRequest,
    body: JsonObject<MailingRequest>,
    pool: web::Data<DbPool>,
    links: web::Data<Links>,
    settings: web::Data<Settings>,
) -> Result<HttpResponse, AppError> {
    let key = idempotency::key_of(&req)?;
    let body = body.into_inner()?;
    body.validate()?;
    let canonical = idempotency::canonical_body(None, &body)?;
    let (links, settings) = (links.into_inner(), settings.into_inner());
    let created = db::write(&pool, move |conn| {
        newsletter::lock(conn)?;
        let request = idempotency::Request {
            account_id: caller.account_id,
            operation: "create_newsletter_mailing",
            key: key.as_deref(),
            body: &canonical,
        };
        idempotency::once(conn, &request, Utc::now().naive_utc(), |conn| {
            if body.sent_on.is_some_and(|day| day != programme_today()) {
                return Err(AppError::invalid_field(
                    "/sent_on",
                    "a mailing goes out today; leave `sent_on` out or send today's date",
                ));
            }
            let sender = Sender {
                caller: &caller,
                links: &links,
                secret: settings.jwt_secret.expose(),
            };
            record(conn, &body, &sender)
        })
    })
    .await?;
    Ok(created.respond())
}

/// Past mailings, oldest first.
///
/// Staff only. Each with its day, subject, how many messages were queued and how many
/// participants it welcomed. Keyset paging with `limit` and `cursor`.
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
                subject: m.subject,
                recipient_count: m.recipient_count,
                id: m.id,
                sent_on: m.sent_on,
                recorded_at: m.recorded_at.and_utc(),
            })
            .collect(),
        next_cursor,
    }))
}

/// One past mailing and whom it welcomed.
///
/// Staff only. The mailing's texts and counts and the participants it welcomed (erased
/// participants are left out). An unknown id is 404.
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
