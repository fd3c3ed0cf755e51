//! One-click unsubscribe from the newsletter (RFC 8058): a mail program POSTs
//! `List-Unsubscribe=One-Click` to the `List-Unsubscribe` URL of a newsletter message. No login:
//! the signed token in the URL is the credential.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::api::http::upload::read_limited;
use crate::auth::unsubscribe::{MAX_TOKEN_LENGTH, account_of};
use crate::config::Settings;
use crate::db::models::accounts;
use crate::db::models::audit_events::{self, Actor, Change};
use crate::db::{self, DbPool};
use crate::domain::mail::{MailKind, parse_opt_outs, store_opt_outs};
use crate::domain::newsletter::{ONE_CLICK_MEDIA_TYPES, is_one_click};
use crate::error::AppError;
use crate::request_context::RequestId;

/// Largest body accepted: the pair is 26 bytes, a multipart wrapping a few hundred.
const BODY_LIMIT: usize = 4096;

/// How much is read before a larger body is refused (up to eight times this is drained first,
/// so a client that sends the whole body before reading sees the 413, as with uploads).
const READ_LIMIT: usize = 2 * 1024 * 1024;

/// Where the link points.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnsubscribeLink {
    /// The token of the newsletter's `List-Unsubscribe` link.
    #[param(min_length = 1, max_length = 64)]
    pub token: String,
}

/// The RFC 8058 body.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"List-Unsubscribe": "One-Click"}))]
pub struct OneClick {
    /// Always `One-Click`.
    #[serde(rename = "List-Unsubscribe")]
    #[schema(
        rename = "List-Unsubscribe",
        example = "One-Click",
        pattern = "^One-Click$"
    )]
    pub list_unsubscribe: String,
}

fn unknown_link() -> AppError {
    AppError::NotFound
}

/// Turns the newsletter off for the person the link was sent to.
///
/// Public (RFC 8058 one-click unsubscribe, as mail clients post it): the token of the link is
/// the credential. The body is `List-Unsubscribe=One-Click`, form-encoded (or as multipart form
/// data); anything else is 422, another media type 415. Doing it again changes nothing; an
/// unknown or altered token is 404 and changes nothing. Audited. The person can turn the
/// newsletter on again in their mail preferences (`PUT /api/v1/me/mail-preferences`).
#[utoipa::path(
    tag = "newsletter",
    operation_id = "unsubscribe_newsletter",
    security(()),
    params(UnsubscribeLink),
    request_body(content = OneClick, content_type = "application/x-www-form-urlencoded",
        description = "`List-Unsubscribe=One-Click`."),
    responses(
        (status = 204, description = "The newsletter is turned off for the person."),
        (status = 400, description = "No token in the URL."),
        (status = 404, description = "The token is unknown or altered."),
        (status = 413, description = "The body is too large."),
        (status = 415, description = "The body is not form-encoded."),
        (status = 422, description = "The body is not `List-Unsubscribe=One-Click`.")
    )
)]
#[post("/newsletter/unsubscribe")]
pub async fn unsubscribe(
    req: HttpRequest,
    payload: web::Payload,
    settings: web::Data<Settings>,
    request_id: RequestId,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    // The body is read (or drained) before anything can fail, and the query is parsed after it.
    let body = read_limited(payload, READ_LIMIT).await?;
    if body.len() > BODY_LIMIT {
        return Err(AppError::PayloadTooLarge);
    }
    let media_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !ONE_CLICK_MEDIA_TYPES.contains(&media_type.as_str()) {
        return Err(AppError::UnsupportedMediaType(format!(
            "send the body as {}",
            ONE_CLICK_MEDIA_TYPES.join(" or ")
        )));
    }
    if !is_one_click(&media_type, &String::from_utf8_lossy(&body)) {
        return Err(AppError::invalid_field(
            "",
            "the body must be `List-Unsubscribe=One-Click`",
        ));
    }
    let link = web::Query::<UnsubscribeLink>::from_query(req.query_string())
        .map_err(|_| AppError::BadRequest("the link lacks its `token`".to_owned()))?;
    let token = &link.token;
    if token.len() > MAX_TOKEN_LENGTH {
        return Err(unknown_link());
    }
    let account_id = account_of(settings.jwt_secret.expose(), token).ok_or_else(unknown_link)?;
    let actor = Actor {
        account_id: Some(account_id),
        request_id: request_id.into_inner(),
    };
    db::write(&pool, move |conn| {
        let account = accounts::find(conn, account_id)?.ok_or_else(unknown_link)?;
        let mut opted_out = parse_opt_outs(&account.mail_opt_outs);
        if opted_out.contains(&MailKind::Newsletter) {
            return Ok(());
        }
        opted_out.push(MailKind::Newsletter);
        let stored = store_opt_outs(&opted_out);
        let now = Utc::now().naive_utc();
        accounts::set_mail_preferences(conn, account_id, &account.mail_lang, &stored, now)?;
        audit_events::record(
            conn,
            Change {
                actor: &actor,
                action: "account.newsletter_unsubscribed",
                entity_type: "account",
                entity_id: account_id.to_string(),
                before: Some(json!({ "opted_out": account.mail_opt_outs })),
                after: Some(json!({ "opted_out": stored, "by": "list_unsubscribe" })),
            },
        )?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
