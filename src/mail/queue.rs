//! Putting a message into the outbox, inside the caller's transaction: rendered now, in the
//! reader's language, and only when the reader wants that kind of message.

use chrono::Utc;

use super::message::Message;
use super::templates::render;
use crate::auth::secret::random_hex;
use crate::db::DbConnection;
use crate::db::models::mail_messages::{self, NewMailMessage};
use crate::db::models::{accounts, participants, programme};
use crate::domain::lang::Lang;
use crate::domain::mail::{MailStatus, is_wanted};
use crate::error::AppError;

/// Who receives a message.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub account_id: Option<i64>,
    pub address: String,
    pub name: String,
    pub lang: Lang,
    /// The stored opt-outs of the account (empty: every kind).
    pub opt_outs: String,
}

/// The recipient behind an account: a participant's e-mail and name, else the account's login
/// and display name. `None` for an unknown account or an erased participant.
pub fn recipient_of_account(
    conn: &mut DbConnection,
    account_id: i64,
) -> Result<Option<Recipient>, AppError> {
    let Some(account) = accounts::find(conn, account_id)? else {
        return Ok(None);
    };
    let participant = participants::find_by_account(conn, account_id)?;
    if participant.as_ref().is_some_and(|p| p.erased_at.is_some()) {
        return Ok(None);
    }
    let (address, name) = match participant {
        Some(p) => (p.email, format!("{} {}", p.first_name, p.last_name)),
        None => (account.login, account.display_name),
    };
    Ok(Some(Recipient {
        account_id: Some(account.id),
        address,
        name,
        lang: Lang::from_tag(&account.mail_lang),
        opt_outs: account.mail_opt_outs,
    }))
}

/// The recipient behind a participant (see [`recipient_of_account`]).
pub fn recipient_of_participant(
    conn: &mut DbConnection,
    participant_id: i64,
) -> Result<Option<Recipient>, AppError> {
    match participants::find(conn, participant_id)? {
        Some(p) => recipient_of_account(conn, p.account_id),
        None => Ok(None),
    }
}

/// Queues `message` to `to`; returns whether it was queued (not when the reader turned the kind
/// off, or a message with the same `dedupe_key` was queued before).
pub fn queue(
    conn: &mut DbConnection,
    to: &Recipient,
    message: &Message,
    dedupe_key: Option<String>,
) -> Result<bool, AppError> {
    let kind = message.kind();
    if !is_wanted(kind, &to.opt_outs) {
        return Ok(false);
    }
    // Each programme has its own database: the one this message is written to names it.
    let programme = programme::current(conn)?;
    let rendered = render(message, &programme, &to.name, to.lang).map_err(AppError::internal)?;
    let now = Utc::now().naive_utc();
    let new = NewMailMessage {
        account_id: to.account_id,
        to_address: to.address.clone(),
        kind,
        lang: to.lang.tag().to_owned(),
        subject: rendered.subject,
        body_text: rendered.text,
        body_html: rendered.html,
        // The local part of the Message-ID; the sender adds its domain.
        message_id: format!("{}.mentoring", random_hex(16)),
        dedupe_key,
        list_unsubscribe: message.list_unsubscribe().map(str::to_owned),
        status: MailStatus::Pending,
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
    };
    Ok(mail_messages::insert(conn, &new)?)
}

/// Queues `message` to the account's person, if there is one (see [`queue`]).
pub fn queue_to_account(
    conn: &mut DbConnection,
    account_id: i64,
    message: &Message,
) -> Result<bool, AppError> {
    match recipient_of_account(conn, account_id)? {
        Some(to) => queue(conn, &to, message, None),
        None => Ok(false),
    }
}
