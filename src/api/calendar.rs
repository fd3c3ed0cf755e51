//! The calendar (§ 5.1) for calendar apps: an iCalendar feed (RFC 5545) of approved upcoming
//! sessions behind a personal, revocable feed token. Calendar apps cannot send bearer headers, so
//! the token is in the URL; only its SHA-256 is stored and request logs redact it.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::Utc;
use icalendar::{Calendar, Component, Event, EventLike};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::api::access::Viewer;
use crate::api::http::mount::MountPoint;
use crate::api::http::response::created_json;
use crate::auth::Caller;
use crate::auth::secret::{random_hex, sha256_hex};
use crate::config::Settings;
use crate::db::models::audit_events::{self, Change};
use crate::db::models::sessions::{self, Session};
use crate::db::models::{accounts, calendar_feed_tokens, formats};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::programme::Programme;
use crate::error::AppError;

/// Most sessions one feed lists.
const FEED_LIMIT: i64 = 500;
const FEED_PATH: &str = "/api/v1/calendar-feeds";

/// A new feed token, shown once.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "token": "9f2c4e7a1b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8",
    "feed_url": "https://mentoring.example.org/api/v1/calendar-feeds/9f2c4e7a1b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"
}))]
pub struct FeedTokenResponse {
    /// The secret token; it is not stored and cannot be shown again.
    pub token: String,
    /// The URL to subscribe to in a calendar app.
    pub feed_url: String,
}

fn audit(conn: &mut DbConnection, caller: &Caller, action: &str) -> Result<(), AppError> {
    audit_events::record(
        conn,
        Change {
            actor: &caller.actor(),
            action,
            entity_type: "account",
            entity_id: caller.account_id.to_string(),
            before: None,
            after: Some(json!({})),
        },
    )?;
    Ok(())
}

/// Creates the caller's personal calendar feed token (staff and active participants), revoking
/// any earlier one. Audited (without the token).
///
/// Staff and active participants (pending or ended participants and integration clients get 403).
/// The token is 64 hexadecimal characters; only its SHA-256 is stored, so it is shown once, in the
/// answer (201, `Location` is the feed URL). Subscribe to `feed_url` in a calendar app; creating a
/// new token revokes the old one. Audited as `calendar_feed_token.created`.
#[utoipa::path(
    tag = "sessions",
    operation_id = "create_calendar_feed_token",
    responses(
        (status = 201, description = "The token and the feed URL, shown once.", body = FeedTokenResponse,
            headers(("Location" = String, description = "The feed URL."))),
        (status = 403, description = "Not staff and not an active participant.")
    )
)]
#[post("/calendar-feed-tokens")]
pub async fn create_token(
    caller: Caller,
    req: HttpRequest,
    pool: web::Data<DbPool>,
    mount: web::Data<MountPoint>,
) -> Result<HttpResponse, AppError> {
    let token = random_hex(32);
    let digest = sha256_hex(&token);
    db::write(&pool, move |conn| {
        Viewer::load(conn, &caller)?.require_member()?;
        calendar_feed_tokens::replace(conn, caller.account_id, &digest, Utc::now().naive_utc())?;
        audit(conn, &caller, "calendar_feed_token.created")
    })
    .await?;
    let info = req.connection_info();
    // Where this programme serves its feeds (a sister programme under `/programmes/{code}`).
    let path = mount.path(&format!("{FEED_PATH}/{token}"));
    let body = FeedTokenResponse {
        feed_url: format!("{}://{}{path}", info.scheme(), info.host()),
        token,
    };
    Ok(created_json(&path, &body))
}

/// Revokes the caller's calendar feed token (idempotent). Audited.
///
/// Staff and active participants (others 403). The feed URL stops working at once; without a token
/// nothing changes (204 either way). Audited as `calendar_feed_token.revoked` when one was revoked.
#[utoipa::path(
    tag = "sessions",
    operation_id = "revoke_calendar_feed_token",
    responses(
        (status = 204, description = "Revoked (or there was none)."),
        (status = 403, description = "Not staff and not an active participant.")
    )
)]
#[delete("/calendar-feed-tokens/current")]
pub async fn revoke_token(
    caller: Caller,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    db::write(&pool, move |conn| {
        Viewer::load(conn, &caller)?.require_member()?;
        if calendar_feed_tokens::revoke(conn, caller.account_id)? {
            audit(conn, &caller, "calendar_feed_token.revoked")?;
        }
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Whether the token's account may still read the calendar: enabled, and staff or active.
fn token_holder_may_read(conn: &mut DbConnection, token: &str) -> Result<bool, AppError> {
    let Some(account_id) = calendar_feed_tokens::account_of(conn, &sha256_hex(token))? else {
        return Ok(false);
    };
    let Some(account) = accounts::find(conn, account_id)?.filter(|a| a.disabled_at.is_none())
    else {
        return Ok(false);
    };
    let role = account.role;
    let caller = Caller {
        account_id,
        role,
        request_id: None,
    };
    Ok(Viewer::load(conn, &caller).is_ok_and(|v| v.require_member().is_ok()))
}

/// A feed with one session, as the example of the spec shows it.
fn feed_example() -> serde_json::Value {
    json!(concat!(
        "BEGIN:VCALENDAR\r\n",
        "VERSION:2.0\r\n",
        "PRODID:ICALENDAR-RS\r\n",
        "CALSCALE:GREGORIAN\r\n",
        "NAME:KSM-Mentoring-Programm\r\n",
        "X-WR-CALNAME:KSM-Mentoring-Programm\r\n",
        "BEGIN:VEVENT\r\n",
        "DESCRIPTION:Mentoring-Session per Telefon-/Videokonferenz oder Webinar\\n\\nL\r\n",
        " eitfrage: Wie starte ich die kommunale Wärmeplanung mit wenig Personal?\r\n",
        "DTEND:20270414T093000Z\r\n",
        "DTSTAMP:20270320T134500Z\r\n",
        "DTSTART:20270414T080000Z\r\n",
        "LOCATION:online\r\n",
        "STATUS:CONFIRMED\r\n",
        "SUMMARY:Wärmeplanung kompakt\r\n",
        "UID:session-41@mentoring.skkk\r\n",
        "END:VEVENT\r\n",
        "END:VCALENDAR\r\n"
    ))
}

/// The domain of the events' UIDs: a calendar app merges events with the same UID, so the
/// sessions of two programmes (same ids, own databases) must never share one. The default
/// programme (mounted at the root) keeps the domain it always had.
fn uid_domain(programme: &Programme, mount: &MountPoint) -> String {
    if mount.0.is_empty() {
        "mentoring.skkk".to_owned()
    } else {
        format!("{}.mentoring.skkk", programme.code)
    }
}

fn event(session: &Session, format_name: &str, uid_domain: &str) -> Event {
    let location = match (&session.place, session.online) {
        (Some(place), true) => format!("{place} / online"),
        (Some(place), false) => place.clone(),
        (None, _) => "online".to_owned(),
    };
    Event::new()
        .uid(&format!("session-{}@{uid_domain}", session.id))
        .summary(&session.title)
        .description(&format!(
            "{format_name}\n\nLeitfrage: {}",
            session.guiding_question
        ))
        .location(&location)
        .starts(session.starts_at.and_utc())
        .ends(session.ends_at.and_utc())
        .timestamp(session.updated_at.and_utc())
        .add_property("STATUS", "CONFIRMED")
        .done()
}

/// The iCalendar feed of approved upcoming sessions, for calendar apps. The token is the
/// credential (404 when unknown, revoked, or its holder is no longer staff or an active
/// participant); no bearer header is needed.
///
/// Public path, no bearer token: the token in the path is the credential, and request logs redact
/// it. Lists up to 500 `approved` sessions that have not ended yet, soonest first, each with its
/// format, guiding question and place (or `online`), for the calendar of § 5.1. Answers
/// `text/calendar` with `Cache-Control: private, max-age=300`.
#[utoipa::path(
    tag = "sessions",
    operation_id = "get_calendar_feed",
    security(()),
    params(("token" = String, Path, description = "The personal feed token.", min_length = 64, max_length = 64)),
    responses(
        (status = 200, description = "The feed (RFC 5545).", content_type = "text/calendar", body = String,
            example = feed_example),
        (status = 404, description = "Unknown or revoked token.")
    )
)]
#[get("/calendar-feeds/{token}")]
pub async fn feed(
    token: web::Path<String>,
    pool: web::Data<DbPool>,
    settings: web::Data<Settings>,
    mount: web::Data<MountPoint>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let programme = settings.programme.clone();
    let plausible = token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit());
    if !plausible {
        return Err(AppError::NotFound);
    }
    let calendar = db::run(&pool, move |conn| {
        if !token_holder_may_read(conn, &token)? {
            return Err(AppError::NotFound);
        }
        let names: Vec<(String, String)> = formats::list(conn)?
            .into_iter()
            .map(|f| (f.code, f.name_de))
            .collect();
        let mut calendar = Calendar::new().name(&programme.name).done();
        let uid_domain = uid_domain(&programme, &mount);
        for session in sessions::upcoming(conn, Utc::now().naive_utc(), FEED_LIMIT)? {
            let name = names
                .iter()
                .find(|(code, _)| *code == session.format_code)
                .map_or(session.format_code.as_str(), |(_, name)| name.as_str());
            calendar.push(event(&session, name, &uid_domain));
        }
        Ok(calendar.to_string())
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "private, max-age=300"))
        .body(calendar))
}
