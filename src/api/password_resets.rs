//! A forgotten password: ask for a link by e-mail (`POST /password-resets`), then set a new
//! password with the link's token (`POST /password-resets/confirm`). The same confirmation sets
//! the first password from an invitation.

use std::time::Instant;

use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

use crate::api::http::client_address::ClientAddress;
use crate::api::http::json_object::JsonObject;
use crate::auth::secret::{random_base64url, sha256_hex};
use crate::auth::throttle::{LoginThrottle, PasswordResetThrottle};
use crate::auth::{Role, password};
use crate::db::models::accounts;
use crate::db::models::audit_events::{self, Actor, Change};
use crate::db::models::{account_tokens, refresh_tokens};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::mail::TokenPurpose;
use crate::domain::text::{self, normalize_login};
use crate::error::{AppError, FieldProblem};
use crate::mail::{self, Links, Message};
use crate::request_context::RequestId;

/// Who forgot their password.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"email": "erika.mustermann@example.org"}))]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    /// The account's e-mail address.
    #[validate(email(message = "must be an e-mail address"), length(max = 254))]
    #[schema(format = Email, max_length = 254, example = "erika.mustermann@example.org")]
    pub email: String,
}

/// The answer to every request, whether the address has an account or not.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"message": "Wenn zu dieser Adresse ein Zugang besteht, ist ein Link unterwegs."}))]
pub struct PasswordResetAccepted {
    /// What happens next, in German.
    #[schema(example = "Wenn zu dieser Adresse ein Zugang besteht, ist ein Link unterwegs.")]
    pub message: String,
}

/// The token from the e-mailed link and the new password.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "token": "q3v0J8mC2bXo1m6gQmYxX3kG1o2bN4d5e6f7g8h9i0A",
    "password": "Windrad-Moorlinse-Fahrradstraße-7"
}))]
#[serde(deny_unknown_fields)]
pub struct PasswordResetConfirmation {
    /// The `token` from the link's fragment.
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        example = "q3v0J8mC2bXo1m6gQmYxX3kG1o2bN4d5e6f7g8h9i0A"
    )]
    pub token: String,
    /// The new password (at least 12 characters, not guessable, not the e-mail or name).
    #[validate(custom(function = "text::password"))]
    #[schema(
        min_length = 12,
        max_length = 1024,
        format = Password,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub password: String,
}

/// Requests sent at most per address and hour before 429.
pub const RESETS_PER_ADDRESS_PER_HOUR: u32 = 10;

/// One reset message per account in this many seconds, however often it is asked for: the
/// address cannot be flooded through this service.
const ONE_MESSAGE_PER_SECONDS: i64 = 600;

/// Asks for a link to set a new password.
///
/// Public. The answer is the same 202 whether the address has an account or not, so nobody can
/// probe which addresses are registered; when it has one (people only, not disabled), a link
/// valid for 30 minutes goes to it, at most one per 10 minutes however often it is asked for.
/// Requests are throttled per client address (429 with `Retry-After`). The link leads to
/// `POST /api/v1/password-resets/confirm`.
#[utoipa::path(
    tag = "auth",
    operation_id = "request_password_reset",
    security(()),
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "Accepted; a link is on its way if the address has an account.", body = PasswordResetAccepted),
        (status = 422, description = "Not an e-mail address."),
        (status = 429, description = "Too many requests from this client address this hour.",
            headers(
                ("Retry-After" = u64, description = "Seconds until the address may ask again."),
                ("RateLimit-Policy" = String, description = "The policy applied, e.g. `\"password_reset\";q=10;w=3600`."),
                ("RateLimit" = String, description = "What is left of it.")
            ))
    )
)]
#[post("/password-resets")]
pub async fn request_reset(
    address: ClientAddress,
    throttle: web::Data<PasswordResetThrottle>,
    links: web::Data<Links>,
    body: JsonObject<PasswordResetRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    throttle.attempt(&address.0, Instant::now())?;
    let body = body.into_inner()?;
    body.validate()?;
    let login = normalize_login(&body.email);
    let links = links.get_ref().clone();
    db::write(&pool, move |conn| send_reset_link(conn, &login, &links)).await?;
    Ok(HttpResponse::Accepted().json(PasswordResetAccepted {
        message: "Wenn zu dieser Adresse ein Zugang besteht, ist ein Link unterwegs.".to_owned(),
    }))
}

/// Queues a reset link to the account with `login`, if it is a person's and not disabled.
fn send_reset_link(conn: &mut DbConnection, login: &str, links: &Links) -> Result<(), AppError> {
    let Some(account) = accounts::find_by_login(conn, login)? else {
        return Ok(());
    };
    if account.disabled_at.is_some() || account.role == Role::Integration {
        return Ok(());
    }
    let Some(to) = mail::recipient_of_account(conn, account.id)? else {
        return Ok(());
    };
    let token = random_base64url(32);
    let purpose = TokenPurpose::PasswordReset;
    let message = Message::PasswordReset {
        link: links.set_password(&token),
        minutes: purpose.lifetime().num_minutes(),
    };
    let now = Utc::now().naive_utc();
    let window = now.and_utc().timestamp() / ONE_MESSAGE_PER_SECONDS;
    let key = format!("password_reset:{}:{window}", account.id);
    if mail::queue(conn, &to, &message, Some(key))? {
        account_tokens::insert(conn, account.id, purpose, &sha256_hex(&token), now)?;
    }
    Ok(())
}

/// The refusal of a link's token that is unknown, used or expired (422 at `/token`).
pub fn invalid_token() -> AppError {
    AppError::Validation(vec![FieldProblem {
        pointer: "/token".to_owned(),
        detail: "the link is invalid, was used already or has expired; ask for a new one"
            .to_owned(),
    }])
}

/// Sets a new password with the token of a reset or invitation link.
///
/// Public: the token proves the mailbox. The token works once and only within its lifetime
/// (30 minutes for a reset, 14 days for the invitation of an imported participant); an unknown,
/// used or expired token, or one of an e-mail change, is 422 at `/token`. The password follows
/// the rules of registration (422 at `/password`). Using the token ends every other open link
/// of the account, revokes its refresh tokens, lifts the login slowdown for the account and
/// sends a notice that the password changed. Audited (`account.password_set`).
#[utoipa::path(
    tag = "auth",
    operation_id = "confirm_password_reset",
    security(()),
    request_body = PasswordResetConfirmation,
    responses(
        (status = 204, description = "The new password is set; log in with it."),
        (status = 422, description = "The token is invalid, used or expired (`/token`), or the password is weak (`/password`).")
    )
)]
#[post("/password-resets/confirm")]
pub async fn confirm_reset(
    address: ClientAddress,
    body: JsonObject<PasswordResetConfirmation>,
    login_throttle: web::Data<LoginThrottle>,
    request_id: RequestId,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    body.validate()?;
    let token_hash = sha256_hex(&body.token);
    let lookup_hash = token_hash.clone();
    let account = db::run(&pool, move |conn| {
        let now = Utc::now().naive_utc();
        let token = account_tokens::open(conn, &lookup_hash, now)?.ok_or_else(invalid_token)?;
        if token.purpose == TokenPurpose::EmailChange {
            // It proves a new mailbox, not the account's: it sets no password.
            return Err(invalid_token());
        }
        accounts::find(conn, token.account_id)?.ok_or_else(invalid_token)
    })
    .await?;
    let personal = vec![account.login.clone(), account.display_name.clone()];
    let hash = password::hash_if_strong(body.password, personal).await?;
    let actor = Actor {
        account_id: Some(account.id),
        request_id: request_id.into_inner(),
    };
    let account_id = account.id;
    db::write(&pool, move |conn| {
        let now = Utc::now().naive_utc();
        // Redeemed here, in the transaction that sets the password: two confirmations of one
        // token cannot both succeed.
        let token = account_tokens::redeem(conn, &token_hash, now)?.ok_or_else(invalid_token)?;
        if token.account_id != account_id {
            return Err(invalid_token());
        }
        // The token proves the mailbox, not the old password: replace whatever is stored now.
        let current = accounts::find(conn, account_id)?.ok_or_else(invalid_token)?;
        accounts::set_password_hash(conn, account_id, &current.password_hash, &hash, now)?;
        refresh_tokens::revoke_all_of(conn, account_id)?;
        audit_events::record(
            conn,
            Change {
                actor: &actor,
                action: "account.password_set",
                entity_type: "account",
                entity_id: account_id.to_string(),
                before: None,
                after: Some(json!({ "by": token.purpose.as_str() })),
            },
        )?;
        mail::queue_to_account(conn, account_id, &Message::PasswordChanged {})?;
        Ok(())
    })
    .await?;
    login_throttle.unlock(&account.login, &address.0, Instant::now());
    Ok(HttpResponse::NoContent().finish())
}
