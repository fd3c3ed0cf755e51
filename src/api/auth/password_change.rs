//! Changing one's own password while logged in (`POST /me/password`).

use std::time::Instant;

use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

use crate::api::auth::token_answer;
use crate::api::http::client_address::ClientAddress;
use crate::api::http::json_object::JsonObject;
use crate::auth::jwt::TokenKeys;
use crate::auth::refresh::start_family;
use crate::auth::throttle::LoginThrottle;
use crate::auth::{PersonCaller, password};
use crate::config::Settings;
use crate::db::models::audit_events::{self, Change};
use crate::db::models::{accounts, participants, refresh_tokens};
use crate::db::{self, DbPool};
use crate::domain::text;
use crate::error::AppError;
use crate::mail::{self, Message};

/// A password change: the current password and the new one.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "current_password": "Kranich-Notizblock-Gewitter-42",
    "new_password": "Windrad-Moorlinse-Fahrradstraße-7"
}))]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The account's current password.
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024, format = Password)]
    pub current_password: String,
    /// The new password: 12–1024 characters, hard to guess (zxcvbn score 3 or more), without
    /// the e-mail address or the person's names, and not the current one.
    #[validate(custom(function = "text::password"))]
    #[schema(
        min_length = 12,
        max_length = 1024,
        format = Password,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub new_password: String,
}

/// What a person's password must not contain: their login, display name and, for participants,
/// the e-mail address and names of their record.
fn personal_words(
    conn: &mut db::DbConnection,
    account: &accounts::Account,
) -> Result<Vec<String>, AppError> {
    let mut words = vec![account.login.clone(), account.display_name.clone()];
    if let Some(p) = participants::find_by_account(conn, account.id)? {
        words.extend([p.email, p.first_name, p.last_name]);
    }
    Ok(words)
}

/// Checks `current` against the account's password like a login: a wrong one is 422 at
/// `/current_password` and counts as a failed login for the throttle (429 beyond).
pub async fn check_current_password(
    throttle: &LoginThrottle,
    account: &accounts::Account,
    address: &ClientAddress,
    current: String,
) -> Result<(), AppError> {
    let ClientAddress(address) = address;
    let login = account.login.clone();
    if let Some(refusal) = throttle.blocked_for(&login, address, Instant::now()) {
        return Err(refusal.into());
    }
    let stored = account.password_hash.clone();
    let current_ok = web::block(move || password::verify(&current, Some(&stored)))
        .await
        .map_err(AppError::internal)?;
    if !current_ok {
        throttle.record_failure(&login, address, Instant::now());
        return Err(AppError::invalid_field(
            "/current_password",
            "is not the account's current password",
        ));
    }
    throttle.record_success(&login, address, Instant::now());
    Ok(())
}

/// Changes the caller's password.
///
/// Staff and participants (integration clients get 403). The current password is checked like
/// a login: a wrong one is 422 at `/current_password` and counts as a failed login for the
/// throttle (429 with `Retry-After` beyond). The new one follows the rules of registration:
/// 12–1024 characters, hard to guess, without the e-mail address or the person's names, and
/// not the current one (422 at `/new_password`). If the password changed concurrently, 409 and
/// nothing changes.
///
/// Every refresh token of the account is revoked, so every other device is logged out once its
/// access token expires; the answer carries fresh tokens for this one. A notice goes to the
/// account's address. Audited (`account.password_changed`, without the password).
#[utoipa::path(
    tag = "auth",
    operation_id = "change_password",
    request_body = PasswordChange,
    responses(
        (status = 200, description = "Changed; new tokens for this device.", body = crate::api::auth::TokenResponse),
        (status = 403, description = "Integration clients have no password to change here."),
        (status = 409, description = "The password changed in the meantime; try again."),
        (status = 422, description = "The current password is wrong, or the new one is too weak."),
        (status = 429, description = "Too many wrong current passwords; see `Retry-After`.",
            headers(
                ("Retry-After" = u64, description = "Seconds until the next attempt may succeed."),
                ("RateLimit-Policy" = String, description = "The policy applied."),
                ("RateLimit" = String, description = "What is left of it.")
            ))
    )
)]
#[post("/me/password")]
pub async fn change_password(
    PersonCaller(caller): PersonCaller,
    address: ClientAddress,
    body: JsonObject<PasswordChange>,
    pool: web::Data<DbPool>,
    keys: web::Data<TokenKeys>,
    throttle: web::Data<LoginThrottle>,
    settings: web::Data<Settings>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    body.validate()?;
    let id = caller.account_id;
    let (account, personal) = db::run(&pool, move |conn| {
        let account = accounts::find(conn, id)?.ok_or(AppError::NotFound)?;
        let personal = personal_words(conn, &account)?;
        Ok((account, personal))
    })
    .await?;
    let PasswordChange {
        current_password,
        new_password,
    } = body;
    let same = current_password == new_password;
    check_current_password(&throttle, &account, &address, current_password).await?;
    if same {
        return Err(AppError::invalid_field(
            "/new_password",
            "must differ from the current password",
        ));
    }
    let hash = password::hash_if_strong_at(new_password, personal, "/new_password").await?;
    let expected = account.password_hash;
    let actor = caller.actor();
    let ttl = settings.refresh_token_ttl_secs;
    let refresh = db::write(&pool, move |conn| {
        let now = Utc::now().naive_utc();
        if !accounts::set_password_hash(conn, id, &expected, &hash, now)? {
            return Err(AppError::Conflict(
                "the password was changed in the meantime; try again".to_owned(),
            ));
        }
        let revoked = refresh_tokens::revoke_all_of(conn, id)?;
        audit_events::record(
            conn,
            Change {
                actor: &actor,
                action: "account.password_changed",
                entity_type: "account",
                entity_id: id.to_string(),
                before: None,
                after: Some(json!({ "refresh_tokens_revoked": revoked })),
            },
        )?;
        // A warning to the mailbox, in case it was not the owner who changed it.
        mail::queue_to_account(conn, id, &Message::PasswordChanged {})?;
        let account = accounts::find(conn, id)?.ok_or(AppError::NotFound)?;
        start_family(conn, &account, ttl, now)
    })
    .await?;
    token_answer(&keys, id, caller.role, refresh)
}
