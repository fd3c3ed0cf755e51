//! The mail outbox for staff (what was sent, what failed, sending a failed message again) and
//! each person's choice of messages (`/me/mail-preferences`).

use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::api::http::json_object::JsonObject;
use crate::api::http::pagination::PageParams;
use crate::api::http::response::private_json;
use crate::auth::{PersonCaller, StaffCaller};
use crate::db::models::accounts;
use crate::db::models::audit_events::{self, Change};
use crate::db::models::mail_messages::{self, MailMessage};
use crate::db::{self, DbPool};
use crate::domain::mail::{MailKind, MailStatus, parse_opt_outs, store_opt_outs};
use crate::error::{AppError, FieldProblem};

/// One message in the outbox (without its body: staff see whom it went to and how it fared).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 102,
    "kind": "session_reminder",
    "to_address": "erika.mustermann@example.org",
    "account_id": 12,
    "subject": "Erinnerung: Mentoring-Session „Wärmeplanung kompakt“ morgen",
    "status": "pending",
    "attempts": 0,
    "next_attempt_at": "2025-03-12T08:30:00Z",
    "last_error": null,
    "created_at": "2025-03-11T16:00:00Z",
    "sent_at": null
}))]
pub struct MailMessageResponse {
    /// Message id.
    pub id: i64,
    /// What the message is about.
    pub kind: MailKind,
    /// The recipient's address.
    #[schema(format = Email, example = "erika.mustermann@example.org")]
    pub to_address: String,
    /// The recipient's account, when the address belongs to one.
    #[schema(required = true)]
    pub account_id: Option<i64>,
    /// The subject line as sent.
    #[schema(example = "Neues Passwort für das KSM-Mentoring-Programm")]
    pub subject: String,
    /// Where it stands.
    pub status: MailStatus,
    /// Attempts made (since the last retry).
    pub attempts: i32,
    /// When the sender tries next; `null` unless pending.
    #[schema(required = true)]
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed (the mail server's answer); `null` after a success.
    #[schema(required = true)]
    pub last_error: Option<String>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When the mail server accepted it; `null` until then.
    #[schema(required = true)]
    pub sent_at: Option<DateTime<Utc>>,
}

impl From<MailMessage> for MailMessageResponse {
    fn from(row: MailMessage) -> Self {
        Self {
            id: row.id,
            kind: row.kind,
            to_address: row.to_address,
            account_id: row.account_id,
            subject: row.subject,
            status: row.status,
            attempts: row.attempts,
            next_attempt_at: (row.status == MailStatus::Pending)
                .then(|| row.next_attempt_at.and_utc()),
            last_error: row.last_error,
            created_at: row.created_at.and_utc(),
            sent_at: row.sent_at.map(|t| t.and_utc()),
        }
    }
}

/// Which messages to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MailFilter {
    /// Only messages in this state, e.g. `failed` to find what to send again.
    pub status: Option<MailStatus>,
}

/// One page of messages, oldest first.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
        "id": 102,
        "kind": "session_reminder",
        "to_address": "erika.mustermann@example.org",
        "account_id": 12,
        "subject": "Erinnerung: Mentoring-Session „Wärmeplanung kompakt“ morgen",
        "status": "failed",
        "attempts": 8,
        "next_attempt_at": null,
        "last_error": "550 5.1.1 mailbox unavailable",
        "created_at": "2025-03-11T16:00:00Z",
        "sent_at": null
    }],
    "next_cursor": null
}))]
pub struct MailMessagePage {
    /// The messages on this page.
    pub items: Vec<MailMessageResponse>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// The mail outbox, oldest first.
///
/// Staff only. Every message the service queued (logins, registrations, decisions, reminders,
/// newsletters), without its body: recipient, subject, kind, state and attempts. The sender
/// retries with backoff; what still did not arrive ends `failed` with the mail server's last
/// answer, so `status=failed` lists what to send again with `POST .../retry`. Keyset paging
/// with `limit` and `cursor`.
#[utoipa::path(
    tag = "mail",
    operation_id = "list_mail_messages",
    params(MailFilter, PageParams),
    responses((status = 200, description = "One page of messages.", body = MailMessagePage))
)]
#[get("/mail-messages")]
pub async fn list(
    _: StaffCaller,
    filter: web::Query<MailFilter>,
    paging: web::Query<PageParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let page = paging.page()?;
    let status = filter.status;
    let rows = db::run(&pool, move |conn| {
        Ok(mail_messages::list(conn, status, page.after, page.fetch())?)
    })
    .await?;
    let (rows, next_cursor) = page.finish(rows, |m| m.id);
    Ok(private_json(&MailMessagePage {
        items: rows.into_iter().map(Into::into).collect(),
        next_cursor,
    }))
}

/// Sends a failed message again.
///
/// Staff only, e.g. after the address was corrected at the mail server or the server was down
/// longer than the retries last. Only a `failed` message can be retried (409 otherwise): it
/// becomes `pending` with fresh attempts and keeps its Message-ID, so a receiver that got it
/// after all sees a duplicate. Audited (`mail_message.retried`).
#[utoipa::path(
    tag = "mail",
    operation_id = "retry_mail_message",
    params(("id" = i64, Path, description = "Message id.")),
    responses(
        (status = 200, description = "Pending again.", body = MailMessageResponse),
        (status = 404, description = "No such message."),
        (status = 409, description = "The message has not failed.")
    )
)]
#[post("/mail-messages/{id}/retry")]
pub async fn retry(
    StaffCaller(caller): StaffCaller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let (id, actor) = (id.into_inner(), caller.actor());
    let message = db::write(&pool, move |conn| {
        mail_messages::find(conn, id)?.ok_or(AppError::NotFound)?;
        if !mail_messages::retry(conn, id, Utc::now().naive_utc())? {
            return Err(AppError::Conflict(
                "only a failed message can be sent again".to_owned(),
            ));
        }
        audit_events::record(
            conn,
            Change {
                actor: &actor,
                action: "mail_message.retried",
                entity_type: "mail_message",
                entity_id: id.to_string(),
                before: Some(json!({ "status": MailStatus::Failed.as_str() })),
                after: Some(json!({ "status": MailStatus::Pending.as_str() })),
            },
        )?;
        mail_messages::find(conn, id)?.ok_or(AppError::NotFound)
    })
    .await?;
    Ok(private_json(&MailMessageResponse::from(message)))
}

/// Which messages a person gets, in which language.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"lang": "de", "opted_out": ["session_reminder", "newsletter"]}))]
#[serde(deny_unknown_fields)]
pub struct MailPreferences {
    /// The language of the messages: `de` (default) or `en`.
    #[schema(pattern = "^(de|en)$", example = "de")]
    pub lang: String,
    /// Optional kinds the person does not want (`session_approved`, `session_cancelled`,
    /// `session_rescheduled`, `session_reminder`, `newsletter`);
    /// mandatory ones (account security, answers about the person's own registration and
    /// activities) always go and are refused here.
    #[schema(max_items = 20)]
    pub opted_out: Vec<MailKind>,
}

/// The caller's choice of messages.
///
/// Staff and participants (integration clients get 403): the language of their e-mails and
/// the optional kinds they turned off.
#[utoipa::path(
    tag = "mail",
    operation_id = "get_mail_preferences",
    responses((status = 200, description = "The caller's choice.", body = MailPreferences))
)]
#[get("/me/mail-preferences")]
pub async fn get_preferences(
    PersonCaller(caller): PersonCaller,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let account_id = caller.account_id;
    let account = db::run(&pool, move |conn| {
        accounts::find(conn, account_id)?.ok_or(AppError::NotFound)
    })
    .await?;
    Ok(private_json(&MailPreferences {
        lang: account.mail_lang,
        opted_out: parse_opt_outs(&account.mail_opt_outs),
    }))
}

/// Sets the caller's choice of messages.
///
/// Staff and participants (integration clients get 403). Replaces the whole choice: `lang` is
/// `de` or `en`; `opted_out` may name only the optional kinds (`session_approved`,
/// `session_cancelled`, `session_rescheduled`, `session_reminder`, `newsletter`). Mandatory
/// kinds (account security, answers about the person's own registration and activities) always
/// go: naming one is 422 at `/opted_out/{index}`. Idempotent. Audited
/// (`account.mail_preferences_set`).
#[utoipa::path(
    tag = "mail",
    operation_id = "set_mail_preferences",
    request_body = MailPreferences,
    responses(
        (status = 200, description = "The stored choice.", body = MailPreferences),
        (status = 422, description = "Unknown language, or a mandatory kind in `opted_out`.")
    )
)]
#[put("/me/mail-preferences")]
pub async fn set_preferences(
    PersonCaller(caller): PersonCaller,
    body: JsonObject<MailPreferences>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    let mut problems = Vec::new();
    if body.lang != "de" && body.lang != "en" {
        problems.push(FieldProblem {
            pointer: "/lang".to_owned(),
            detail: "must be `de` or `en`".to_owned(),
        });
    }
    if body.opted_out.len() > 20 {
        problems.push(FieldProblem {
            pointer: "/opted_out".to_owned(),
            detail: "must list at most 20 kinds".to_owned(),
        });
    }
    for (i, kind) in body.opted_out.iter().enumerate() {
        if !kind.is_optional() {
            problems.push(FieldProblem {
                pointer: format!("/opted_out/{i}"),
                detail: format!("`{}` always goes and cannot be turned off", kind.as_str()),
            });
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    let (account_id, actor) = (caller.account_id, caller.actor());
    let stored = store_opt_outs(&body.opted_out);
    let account = db::write(&pool, move |conn| {
        let before = accounts::find(conn, account_id)?.ok_or(AppError::NotFound)?;
        let after = accounts::set_mail_preferences(
            conn,
            account_id,
            &body.lang,
            &stored,
            Utc::now().naive_utc(),
        )?;
        audit_events::record(
            conn,
            Change {
                actor: &actor,
                action: "account.mail_preferences_set",
                entity_type: "account",
                entity_id: account_id.to_string(),
                before: Some(
                    json!({ "lang": before.mail_lang, "opted_out": before.mail_opt_outs }),
                ),
                after: Some(json!({ "lang": after.mail_lang, "opted_out": after.mail_opt_outs })),
            },
        )?;
        Ok(after)
    })
    .await?;
    Ok(private_json(&MailPreferences {
        lang: account.mail_lang,
        opted_out: parse_opt_outs(&account.mail_opt_outs),
    }))
}
