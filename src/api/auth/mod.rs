//! Logging in (`POST /auth/token`), refreshing and logging out (`refresh`), changing one's
//! password (`password_change`) and asking who one is (`GET /me`).

pub mod password_change;
pub mod refresh;

use crate::api::http::json_object::JsonObject;
use std::time::Instant;

use chrono::Utc;

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::http::client_address::ClientAddress;
use crate::api::http::response::private_json;
use crate::auth::jwt::TokenKeys;
use crate::auth::refresh::{Issued, start_family};
use crate::auth::throttle::LoginThrottle;
use crate::auth::{Caller, Role, password};
use crate::config::Settings;
use crate::db::{self, DbPool, models::accounts};
use crate::domain::text::normalize_login;
use crate::error::AppError;

/// Credentials: a person's e-mail and password, or an integration's client id and secret.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({
    "email": "erika.mustermann@example.org",
    "password": "Kranich-Notizblock-Gewitter-42"
}))]
#[serde(untagged)]
// The variants carry no doc comments: a description beside a `$ref` in `oneOf` breaks
// typescript-fetch (openapi-generator); what each is for lives on the referenced schema.
pub enum TokenRequest {
    Password(PasswordCredentials),
    Client(ClientCredentials),
}

/// A person's login: staff and participants.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordCredentials {
    /// The account's e-mail address.
    #[schema(max_length = 254, example = "office@example.org")]
    pub email: String,
    /// The account's password.
    #[schema(max_length = 1024, format = Password)]
    pub password: String,
}

/// An integration client's login, such as the Klimaschutz-Community platform's.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientCredentials {
    /// The client id shown when the integration account was created.
    #[schema(max_length = 254)]
    pub client_id: String,
    /// The client secret shown once when the integration account was created.
    #[schema(max_length = 1024, format = Password)]
    pub client_secret: String,
}

/// An access token, and for people a refresh token.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
    "token_type": "Bearer",
    "expires_in": 3600,
    "refresh_token": "q7Xb0kQm3yRz8TnV2wLc5HfJ9sDgE1aU4oIpYeKxM6B",
    "refresh_expires_in": 2592000
}))]
pub struct TokenResponse {
    /// The JWT to send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// An opaque token (256 random bits, base64url) for `POST /api/v1/auth/refresh`, which
    /// answers a new access token and a new refresh token; each refresh token works once. Keep
    /// it secret and send it nowhere else. Only people (staff and pending or active participants)
    /// get one; integration clients and ended participants log in again with their credentials.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(
        nullable = false,
        min_length = 43,
        max_length = 43,
        pattern = "^[A-Za-z0-9_-]{43}$"
    )]
    pub refresh_token: Option<String>,
    /// Seconds until the refresh token expires unless it is used (`REFRESH_TOKEN_TTL_DAYS`);
    /// present with `refresh_token`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub refresh_expires_in: Option<i64>,
}

/// The 200 answer with an access token for the account and the refresh token, if any.
pub(crate) fn token_answer(
    keys: &TokenKeys,
    account_id: i64,
    role: Role,
    refresh: Option<Issued>,
) -> Result<HttpResponse, AppError> {
    let token = keys.issue(account_id, role).map_err(AppError::internal)?;
    let (refresh_token, refresh_expires_in) = match refresh {
        Some(issued) => (Some(issued.token), Some(issued.expires_in)),
        None => (None, None),
    };
    Ok(private_json(&TokenResponse {
        access_token: token,
        token_type: "Bearer".to_owned(),
        expires_in: keys.ttl_secs(),
        refresh_token,
        refresh_expires_in,
    }))
}

const MAX_LOGIN_CHARS: usize = 254;
const MAX_SECRET_CHARS: usize = 1024;

/// Exchanges credentials for an access token.
///
/// Public. People (staff and participants) send `email` and `password`, integration clients
/// `client_id` and `client_secret`. The access token is a JWT for `Authorization: Bearer`,
/// valid `expires_in` seconds. People (staff, pending and active participants) also get a
/// refresh token for `POST /api/v1/auth/refresh`, which starts a new login family; integration
/// clients and ended participants log in again instead.
///
/// Wrong credentials and disabled accounts get the same 401, so the answer never reveals
/// whether an account exists. Failed attempts slow further ones down exponentially (429 with
/// `Retry-After`), counted per login and client address, per login and per address; an address
/// the login succeeded from before is only slowed by its own failures, so nobody can lock the
/// owner out.
#[utoipa::path(
    tag = "auth",
    operation_id = "create_token",
    security(()),
    request_body = TokenRequest,
    responses(
        (status = 200, description = "Logged in.", body = TokenResponse),
        (status = 401, description = "Wrong credentials or a disabled account."),
        (status = 429, description = "Too many failed attempts; see `Retry-After`.",
            headers(
                ("Retry-After" = u64, description = "Seconds until the next attempt may succeed."),
                ("RateLimit-Policy" = String, description = "The policy applied, e.g. `\"login\";q=5;w=900`."),
                ("RateLimit" = String, description = "What is left of it, e.g. `\"login\";r=0;t=4`.")
            ))
    )
)]
#[post("/auth/token")]
pub async fn create_token(
    address: ClientAddress,
    body: JsonObject<TokenRequest>,
    pool: web::Data<DbPool>,
    keys: web::Data<TokenKeys>,
    throttle: web::Data<LoginThrottle>,
    settings: web::Data<Settings>,
) -> Result<HttpResponse, AppError> {
    let (login, secret) = match body.into_inner()? {
        TokenRequest::Password(c) => (c.email, c.password),
        TokenRequest::Client(c) => (c.client_id, c.client_secret),
    };
    if login.chars().count() > MAX_LOGIN_CHARS || secret.chars().count() > MAX_SECRET_CHARS {
        return Err(AppError::invalid_field("", "credentials are too long"));
    }
    let login = normalize_login(&login);
    let ClientAddress(address) = address;
    if let Some(refusal) = throttle.blocked_for(&login, &address, Instant::now()) {
        return Err(refusal.into());
    }
    if login.chars().any(char::is_control) {
        throttle.record_failure(&login, &address, Instant::now());
        return Err(AppError::Unauthorized(
            "the credentials are not valid".to_owned(),
        ));
    }
    let lookup = login.clone();
    let account = db::run(&pool, move |conn| {
        Ok(accounts::find_by_login(conn, &lookup)?)
    })
    .await?;
    let stored_hash = account.as_ref().map(|a| a.password_hash.clone());
    let password_ok = web::block(move || password::verify(&secret, stored_hash.as_deref()))
        .await
        .map_err(AppError::internal)?;
    let enabled = account.filter(|a| password_ok && a.disabled_at.is_none());
    let Some(account) = enabled else {
        throttle.record_failure(&login, &address, Instant::now());
        return Err(AppError::Unauthorized(
            "the credentials are not valid".to_owned(),
        ));
    };
    throttle.record_success(&login, &address, Instant::now());
    let (account_id, role) = (account.id, account.role);
    let ttl = settings.refresh_token_ttl_secs;
    let refresh = db::write(&pool, move |conn| {
        start_family(conn, &account, ttl, Utc::now().naive_utc())
    })
    .await?;
    token_answer(&keys, account_id, role, refresh)
}

/// The caller's own account.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "account_id": 12,
    "role": "participant",
    "display_name": "Erika Mustermann",
    "login": "erika.mustermann@example.org",
    "participant_id": 5
}))]
pub struct Me {
    /// Account id.
    pub account_id: i64,
    /// Account role.
    pub role: Role,
    /// Name shown to others.
    pub display_name: String,
    /// E-mail address (people) or client id (integrations).
    pub login: String,
    /// The participant record behind the account (`GET /participants/{id}`); `null` for staff
    /// and integrations.
    #[schema(required = true)]
    pub participant_id: Option<i64>,
}

/// Who the bearer of the token is.
///
/// Any valid token (staff, participants, integration clients): the account's id, role, display
/// name and login, and for a participant the id of their participant record, the entry point to
/// `GET /api/v1/participants/{id}` and the participant's own sub-resources.
#[utoipa::path(
    tag = "auth",
    operation_id = "get_me",
    responses((status = 200, description = "The caller's account.", body = Me))
)]
#[get("/me")]
pub async fn get_me(caller: Caller, pool: web::Data<DbPool>) -> Result<HttpResponse, AppError> {
    let id = caller.account_id;
    let (account, participant) = db::run(&pool, move |conn| {
        let account = accounts::find(conn, id)?.ok_or(AppError::NotFound)?;
        let participant = crate::db::models::participants::find_by_account(conn, id)?.map(|p| p.id);
        Ok((account, participant))
    })
    .await?;
    Ok(private_json(&Me {
        account_id: account.id,
        role: caller.role,
        display_name: account.display_name,
        login: account.login,
        participant_id: participant,
    }))
}
