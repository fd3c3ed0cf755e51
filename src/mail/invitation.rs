//! The invitation to set a first password, for participants the office created (imports): a
//! single-use token, stored hashed, valid as long as `TokenPurpose::Invitation` says; redeemed at
//! `POST /password-resets/confirm` like a reset token.

use chrono::Utc;

use super::{Links, Message, queue, recipient_of_account};
use crate::auth::secret::{random_base64url, sha256_hex};
use crate::db::DbConnection;
use crate::db::models::account_tokens;
use crate::domain::mail::TokenPurpose;
use crate::error::AppError;

/// Queues the invitation to the account's person and stores its token, in the caller's
/// transaction; `false` when the account has no person to write to.
pub fn send_invitation(
    conn: &mut DbConnection,
    account_id: i64,
    links: &Links,
) -> Result<bool, AppError> {
    let Some(to) = recipient_of_account(conn, account_id)? else {
        return Ok(false);
    };
    let token = random_base64url(32);
    let purpose = TokenPurpose::Invitation;
    let message = Message::Invitation {
        link: links.set_password(&token),
        days: purpose.lifetime().num_days(),
    };
    let queued = queue(conn, &to, &message, None)?;
    if queued {
        let now = Utc::now().naive_utc();
        account_tokens::insert(conn, account_id, purpose, &sha256_hex(&token), now)?;
    }
    Ok(queued)
}
