//! The person's e-mail in the export: every message the service wrote to them (with its text)
//! and when e-mailed links were sent and used (never the token digests).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbConnection;
use crate::db::models::{account_tokens, mail_messages, reminders};
use crate::domain::mail::{MailKind, MailStatus, TokenPurpose};
use crate::error::AppError;

/// A message to the person.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedMailMessage {
    pub id: i64,
    pub kind: MailKind,
    pub to_address: String,
    pub lang: String,
    pub subject: String,
    /// The plain-text part as sent (the HTML part says the same).
    pub body_text: String,
    pub status: MailStatus,
    pub created_at: DateTime<Utc>,
    #[schema(required = true)]
    pub sent_at: Option<DateTime<Utc>>,
}

/// An e-mailed single-use link (password reset or invitation).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedAccountToken {
    pub purpose: TokenPurpose,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    #[schema(required = true)]
    pub used_at: Option<DateTime<Utc>>,
}

/// The messages to the account, oldest first.
pub fn mail_messages_of(
    conn: &mut DbConnection,
    account_id: i64,
) -> Result<Vec<ExportedMailMessage>, AppError> {
    Ok(mail_messages::of_account(conn, account_id)?
        .into_iter()
        .map(|m| ExportedMailMessage {
            id: m.id,
            kind: m.kind,
            to_address: m.to_address,
            lang: m.lang,
            subject: m.subject,
            body_text: m.body_text,
            status: m.status,
            created_at: m.created_at.and_utc(),
            sent_at: m.sent_at.map(|t| t.and_utc()),
        })
        .collect())
}

/// The account's e-mailed links, oldest first.
pub fn account_tokens_of(
    conn: &mut DbConnection,
    account_id: i64,
) -> Result<Vec<ExportedAccountToken>, AppError> {
    Ok(account_tokens::of_account(conn, account_id)?
        .into_iter()
        .map(|t| ExportedAccountToken {
            purpose: t.purpose,
            created_at: t.created_at.and_utc(),
            expires_at: t.expires_at.and_utc(),
            used_at: t.used_at.map(|u| u.and_utc()),
        })
        .collect())
}

/// A day-before reminder of a session the person signed up for.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedSessionReminder {
    pub session_id: i64,
    pub sent_at: DateTime<Utc>,
}

/// A reminder of the KSM2 minimum, with the credits it named.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedCreditReminder {
    pub project_id: i64,
    pub project_year: i32,
    pub year_start: NaiveDate,
    pub year_end: NaiveDate,
    pub credited_hours: i32,
    pub missing_hours: i32,
    pub sent_at: DateTime<Utc>,
}

/// The day-before reminders sent to the participant, oldest first.
pub fn session_reminders_of(
    conn: &mut DbConnection,
    participant_id: i64,
) -> Result<Vec<ExportedSessionReminder>, AppError> {
    Ok(reminders::session_reminders_of(conn, participant_id)?
        .into_iter()
        .map(|(session_id, sent_at)| ExportedSessionReminder {
            session_id,
            sent_at: sent_at.and_utc(),
        })
        .collect())
}

/// The credit reminders sent to the participant, oldest first.
pub fn credit_reminders_of(
    conn: &mut DbConnection,
    participant_id: i64,
) -> Result<Vec<ExportedCreditReminder>, AppError> {
    Ok(reminders::credit_reminders_of(conn, participant_id)?
        .into_iter()
        .map(|r| ExportedCreditReminder {
            project_id: r.project_id,
            project_year: r.project_year,
            year_start: r.year_start,
            year_end: r.year_end,
            credited_hours: r.credited_hours,
            missing_hours: r.missing_hours,
            sent_at: r.sent_at.and_utc(),
        })
        .collect())
}
