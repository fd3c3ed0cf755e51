//! Changing one's e-mail address (the login) with confirmation: a logged-in person asks with
//! the new address and the current password (`POST /me/email-change`), a single-use link goes
//! to the new address, and its token sets it (`POST /email-changes/confirm`); a notice goes to
//! the old address.

use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

use crate::api::auth::password_change::check_current_password;
use crate::api::http::client_address::ClientAddress;
use crate::api::http::json_object::JsonObject;
use crate::api::password_resets::invalid_token;
use crate::auth::PersonCaller;
use crate::auth::secret::{random_base64url, sha256_hex};
use crate::auth::throttle::LoginThrottle;
use crate::db::models::audit_events::{self, Actor, Change};
use crate::db::models::{account_tokens, accounts, participants};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::mail::TokenPurpose;
use crate::domain::text::normalize_login;
use crate::error::AppError;
use crate::mail::{self, Links, Message, Recipient};
use crate::request_context::RequestId;

/// A new address for the caller's account.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "new_email": "erika.mustermann@neu.example.org",
    "current_password": "Kranich-Notizblock-Gewitter-42"
}))]
#[serde(deny_unknown_fields)]
pub struct EmailChangeRequest {
    /// The new e-mail address; it becomes the login once confirmed.
    #[validate(email(message = "must be an e-mail address"), length(max = 254))]
    #[schema(format = Email, max_length = 254, example = "erika.mustermann@neu.example.org")]
    pub new_email: String,
    /// The account's current password.
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024, format = Password)]
    pub current_password: String,
}

/// The answer to every accepted request, whether the address is free or not.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"message": "Ein Bestätigungslink ist an die neue Adresse unterwegs."}))]
pub struct EmailChangeAccepted {
    /// What happens next, in German.
    #[schema(example = "Ein Bestätigungslink ist an die neue Adresse unterwegs.")]
    pub message: String,
}

/// The token from the e-mailed link.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"token": "q3v0J8mC2bXo1m6gQmYxX3kG1o2bN4d5e6f7g8h9i0A"}))]
#[serde(deny_unknown_fields)]
pub struct EmailChangeConfirmation {
    /// The `token` from the link's fragment.
    #[validate(length(min = 1, max = 200))]
    #[schema(
        min_length = 1,
        max_length = 200,
        example = "q3v0J8mC2bXo1m6gQmYxX3kG1o2bN4d5e6f7g8h9i0A"
    )]
    pub token: String,
}

/// One confirmation message per account and new address in this many seconds.
const ONE_MESSAGE_PER_SECONDS: i64 = 600;

/// Asks to change the caller's e-mail address.
///
/// Staff and participants (integration clients get 403). The current password is checked like
/// a login (422 at `/current_password`, 429 when throttled); the current address itself is 422
/// at `/new_email`. A link valid for 24 hours goes to the new address (at most one per address
/// in 10 minutes); until it is confirmed with `POST /api/v1/email-changes/confirm` the old
/// address stays the login. The answer is the same 202 whether the new address is free or
/// belongs to another account (then nothing is sent), so it reveals no one's address. Audited
/// (`account.email_change_requested`, without the address).
#[utoipa::path(
    tag = "auth",
    operation_id = "request_email_change",
    request_body = EmailChangeRequest,
    responses(
        (status = 202, description = "Accepted; a link is on its way to the new address if it is free.", body = EmailChangeAccepted),
        (status = 403, description = "Integration clients have no address to change."),
        (status = 422, description = "Not an e-mail address, the current address, or a wrong current password."),
        (status = 429, description = "Too many wrong current passwords; see `Retry-After`.",
            headers(
                ("Retry-After" = u64, description = "Seconds until the next attempt may succeed."),
                ("RateLimit-Policy" = String, description = "The policy applied."),
                ("RateLimit" = String, description = "What is left of it.")
            ))
    )
)]
#[post("/me/email-change")]
pub async fn request_change(
    PersonCaller(caller): PersonCaller,
    address: ClientAddress,
    body: JsonObject<EmailChangeRequest>,
    throttle: web::Data<LoginThrottle>,
    links: web::Data<Links>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    body.validate()?;
    let id = caller.account_id;
    let account = db::run(&pool, move |conn| {
        accounts::find(conn, id)?.ok_or(AppError::NotFound)
    })
    .await?;
    check_current_password(&throttle, &account, &address, body.current_password).await?;
    let new_address = normalize_login(&body.new_email);
    if new_address == account.login {
        return Err(AppError::invalid_field(
            "/new_email",
            "is the account's current address",
        ));
    }
    let (links, actor) = (links.get_ref().clone(), caller.actor());
    db::write(&pool, move |conn| {
        send_confirmation(conn, id, &new_address, &links, &actor)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(EmailChangeAccepted {
        message: "Ein Bestätigungslink ist an die neue Adresse unterwegs.".to_owned(),
    }))
}

/// Queues the confirmation link to `new_address`, unless another account uses it.
fn send_confirmation(
    conn: &mut DbConnection,
    account_id: i64,
    new_address: &str,
    links: &Links,
    actor: &Actor,
) -> Result<(), AppError> {
    if accounts::find_by_login(conn, new_address)?.is_some() {
        return Ok(());
    }
    let Some(current) = mail::recipient_of_account(conn, account_id)? else {
        return Ok(());
    };
    let to = Recipient {
        address: new_address.to_owned(),
        ..current
    };
    let token = random_base64url(32);
    let message = Message::EmailChange {
        link: links.confirm_email(&token),
        hours: TokenPurpose::EmailChange.lifetime().num_hours(),
    };
    let now = Utc::now().naive_utc();
    let window = now.and_utc().timestamp() / ONE_MESSAGE_PER_SECONDS;
    let key = format!(
        "email_change:{account_id}:{}:{window}",
        sha256_hex(new_address)
    );
    if !mail::queue(conn, &to, &message, Some(key))? {
        return Ok(());
    }
    account_tokens::insert_email_change(conn, account_id, &sha256_hex(&token), new_address, now)?;
    audit_events::record(
        conn,
        Change {
            actor,
            action: "account.email_change_requested",
            entity_type: "account",
            entity_id: account_id.to_string(),
            before: None,
            after: None,
        },
    )?;
    Ok(())
}

/// Sets the new e-mail address with the token of the confirmation link.
///
/// Public: the token proves the new mailbox. The new address becomes the login and, for a
/// participant, the address of the record. The token works once and for 24 hours (422 at
/// `/token` when unknown, used, expired or of another purpose); using it ends the account's
/// other open links. A notice goes to the old address. When another account took the address
/// in the meantime, 409 and nothing changes. Audited (`account.email_changed`).
#[utoipa::path(
    tag = "auth",
    operation_id = "confirm_email_change",
    security(()),
    request_body = EmailChangeConfirmation,
    responses(
        (status = 204, description = "The new address is set; log in with it."),
        (status = 409, description = "The address is in use by another account now."),
        (status = 422, description = "The token is invalid, used or expired (`/token`).")
    )
)]
#[post("/email-changes/confirm")]
pub async fn confirm_change(
    body: JsonObject<EmailChangeConfirmation>,
    request_id: RequestId,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    body.validate()?;
    let token_hash = sha256_hex(&body.token);
    let request_id = request_id.into_inner();
    db::write(&pool, move |conn| {
        let now = Utc::now().naive_utc();
        let open = account_tokens::open(conn, &token_hash, now)?.ok_or_else(invalid_token)?;
        if open.purpose != TokenPurpose::EmailChange {
            return Err(invalid_token());
        }
        let new_address = open.new_address.ok_or_else(invalid_token)?;
        let account_id = open.account_id;
        if accounts::find_by_login(conn, &new_address)?.is_some() {
            return Err(AppError::Conflict(
                "this address is in use by another account now".to_owned(),
            ));
        }
        // Whom to tell: the person at the old address, read before it changes.
        let old = mail::recipient_of_account(conn, account_id)?.ok_or_else(invalid_token)?;
        account_tokens::redeem(conn, &token_hash, now)?.ok_or_else(invalid_token)?;
        accounts::set_login(conn, account_id, &new_address, now)?;
        if let Some(participant) = participants::find_by_account(conn, account_id)? {
            participants::set_email(conn, participant.id, &new_address, now)?;
        }
        audit_events::record(
            conn,
            Change {
                actor: &Actor {
                    account_id: Some(account_id),
                    request_id,
                },
                action: "account.email_changed",
                entity_type: "account",
                entity_id: account_id.to_string(),
                before: None,
                after: Some(json!({ "by": TokenPurpose::EmailChange.as_str() })),
            },
        )?;
        mail::queue(conn, &old, &Message::EmailChanged {}, None)?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
