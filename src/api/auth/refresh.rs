//! Refreshing a login (`POST /auth/refresh`) and logging out (`POST /auth/logout`). Both take
//! the refresh token as their only credential and need no bearer token: the access token may
//! have expired by then, and whoever holds the refresh token could use it anyway.

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::Utc;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::auth::token_answer;
use crate::api::http::json_object::JsonObject;
use crate::auth::jwt::TokenKeys;
use crate::auth::refresh::{Exchange, exchange, log_out};
use crate::config::Settings;
use crate::db::{self, DbPool};
use crate::error::AppError;

/// A refresh token presented to be exchanged or revoked.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"refresh_token": "q7Xb0kQm3yRz8TnV2wLc5HfJ9sDgE1aU4oIpYeKxM6B"}))]
#[serde(deny_unknown_fields)]
pub struct RefreshTokenRequest {
    /// The refresh token of the latest `POST /api/v1/auth/token` or `POST /api/v1/auth/refresh`.
    #[schema(min_length = 43, max_length = 43, pattern = "^[A-Za-z0-9_-]{43}$")]
    pub refresh_token: String,
}

impl RefreshTokenRequest {
    /// The token if it has the form every refresh token has (43 base64url characters), else
    /// 422 at `/refresh_token`.
    fn token(self) -> Result<String, AppError> {
        let well_formed = self.refresh_token.len() == 43
            && self
                .refresh_token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if well_formed {
            Ok(self.refresh_token)
        } else {
            Err(AppError::invalid_field(
                "/refresh_token",
                "is not a refresh token (43 base64url characters)",
            ))
        }
    }
}

/// Exchanges a refresh token for new tokens.
///
/// Public: the refresh token is the credential, so an expired access token does not matter.
/// Answers a new access token and a new refresh token (rotation, in one transaction; the
/// presented token is then used up). Presenting a token that was already exchanged revokes its
/// whole login family, so the newer token stops working too: one of the two holders is a thief
/// (audited as `refresh_token.reuse_detected`). Unknown, expired, revoked or replayed tokens,
/// and tokens of disabled accounts or of participants whose participation ended, all get the
/// same 401; a malformed one (not 43 base64url characters) is 422.
#[utoipa::path(
    tag = "auth",
    operation_id = "refresh_token",
    security(()),
    request_body = RefreshTokenRequest,
    responses(
        (status = 200, description = "A new access token and a new refresh token.", body = crate::api::auth::TokenResponse),
        (status = 401, description = "The refresh token is not (or no longer) valid; log in again."),
        (status = 422, description = "Not a refresh token (malformed).")
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    req: HttpRequest,
    body: JsonObject<RefreshTokenRequest>,
    pool: web::Data<DbPool>,
    keys: web::Data<TokenKeys>,
    settings: web::Data<Settings>,
) -> Result<HttpResponse, AppError> {
    let presented = body.into_inner()?.token()?;
    let ttl = settings.refresh_token_ttl_secs;
    let request_id = crate::request_context::request_id(&req);
    let outcome = db::write(&pool, move |conn| {
        exchange(conn, &presented, ttl, Utc::now().naive_utc(), request_id)
    })
    .await?;
    match outcome {
        Exchange::Rotated {
            account_id,
            role,
            issued,
        } => token_answer(&keys, account_id, role, Some(issued)),
        Exchange::Refused => Err(AppError::Unauthorized(
            "the refresh token is not valid; log in again".to_owned(),
        )),
    }
}

/// Logs out: revokes the refresh token and its login family.
///
/// Public: the refresh token is the credential. Revokes the presented refresh token and every
/// token of its login family (other devices keep their own families). Idempotent: the answer is
/// the same 204 for an unknown, expired or already revoked token; a malformed one is 422.
/// Access tokens already issued stay valid until they expire (`expires_in`); clients drop them.
#[utoipa::path(
    tag = "auth",
    operation_id = "logout",
    security(()),
    request_body = RefreshTokenRequest,
    responses(
        (status = 204, description = "Logged out (or the token was not valid anyway)."),
        (status = 422, description = "Not a refresh token (malformed).")
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    body: JsonObject<RefreshTokenRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let presented = body.into_inner()?.token()?;
    db::write(&pool, move |conn| {
        log_out(conn, &presented, Utc::now().naive_utc()).map(|_| ())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
