//! The `mail_messages` table: the mail outbox. A message is inserted (already rendered) in the
//! transaction of the change that causes it; the sender claims due ones with a lease, like the
//! webhook deliveries, so two senders never send the same attempt and a sender that died leaves
//! its messages due again when the lease ends.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::mail_messages;
use crate::domain::mail::{MailKind, MailStatus};

/// One row of `mail_messages`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mail_messages)]
pub struct MailMessage {
    pub id: i64,
    pub account_id: Option<i64>,
    pub to_address: String,
    pub kind: MailKind,
    pub lang: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub message_id: String,
    pub dedupe_key: Option<String>,
    pub status: MailStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    /// The one-click unsubscribe URL (RFC 8058) of a newsletter message.
    pub list_unsubscribe: Option<String>,
}

/// Insert form for `mail_messages`.
#[derive(Debug, Insertable)]
#[diesel(table_name = mail_messages)]
pub struct NewMailMessage {
    pub account_id: Option<i64>,
    pub to_address: String,
    pub kind: MailKind,
    pub lang: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub message_id: String,
    pub dedupe_key: Option<String>,
    pub list_unsubscribe: Option<String>,
    pub status: MailStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// Queues a message; with a `dedupe_key` that was queued before, queues nothing and returns
/// `false` (checked first, so the surrounding transaction never sees a constraint error).
pub fn insert(conn: &mut DbConnection, new: &NewMailMessage) -> QueryResult<bool> {
    if let Some(key) = &new.dedupe_key {
        let known: i64 = mail_messages::table
            .filter(mail_messages::dedupe_key.eq(key))
            .count()
            .get_result(conn)?;
        if known > 0 {
            return Ok(false);
        }
    }
    diesel::insert_into(mail_messages::table)
        .values(new)
        .execute(conn)?;
    Ok(true)
}

/// Whether any pending message is due at `now` (a read, so idle polls never take SQLite's
/// write lock).
pub fn any_due(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        mail_messages::table
            .filter(mail_messages::status.eq(MailStatus::Pending))
            .filter(mail_messages::next_attempt_at.le(now)),
    ))
    .get_result(conn)
}

/// Claims up to `limit` pending messages due at `now`, reserving each until `lease_until`.
pub fn claim_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<MailMessage>> {
    let candidates: Vec<MailMessage> = mail_messages::table
        .filter(mail_messages::status.eq(MailStatus::Pending))
        .filter(mail_messages::next_attempt_at.le(now))
        .order((
            mail_messages::next_attempt_at.asc(),
            mail_messages::id.asc(),
        ))
        .limit(limit)
        .select(MailMessage::as_select())
        .load(conn)?;
    let mut claimed = Vec::with_capacity(candidates.len());
    for message in candidates {
        let won = diesel::update(
            mail_messages::table
                .find(message.id)
                .filter(mail_messages::status.eq(MailStatus::Pending))
                .filter(mail_messages::next_attempt_at.eq(message.next_attempt_at)),
        )
        .set(mail_messages::next_attempt_at.eq(lease_until))
        .execute(conn)?;
        if won == 1 {
            claimed.push(message);
        }
    }
    Ok(claimed)
}

/// Records a successful attempt of a pending message. Its subject and text are dropped: the
/// recipient has the message, and the outbox keeps only what it was (kind), to whom and when, so
/// no copy of what others wrote (a session title, a decision note) outlives its delivery here;
/// nor does the unsubscribe link.
pub fn record_sent(conn: &mut DbConnection, id: i64, at: NaiveDateTime) -> QueryResult<bool> {
    let changed = diesel::update(
        mail_messages::table
            .find(id)
            .filter(mail_messages::status.eq(MailStatus::Pending)),
    )
    .set((
        mail_messages::status.eq(MailStatus::Sent),
        mail_messages::attempts.eq(mail_messages::attempts + 1),
        mail_messages::last_error.eq(None::<String>),
        mail_messages::sent_at.eq(at),
        mail_messages::subject.eq(""),
        mail_messages::body_text.eq(""),
        mail_messages::body_html.eq(""),
        mail_messages::list_unsubscribe.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Records a failed attempt of a pending message: still `pending` (due at `next_attempt_at`)
/// or `failed`.
pub fn record_failure(
    conn: &mut DbConnection,
    id: i64,
    status: MailStatus,
    error: &str,
    next_attempt_at: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        mail_messages::table
            .find(id)
            .filter(mail_messages::status.eq(MailStatus::Pending)),
    )
    .set((
        mail_messages::status.eq(status),
        mail_messages::attempts.eq(mail_messages::attempts + 1),
        mail_messages::last_error.eq(error),
        mail_messages::next_attempt_at.eq(next_attempt_at),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Messages (optionally of one status), oldest first, after `after_id`; at most `limit`.
pub fn list(
    conn: &mut DbConnection,
    status: Option<MailStatus>,
    after_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<MailMessage>> {
    let mut query = mail_messages::table
        .order(mail_messages::id.asc())
        .limit(limit)
        .select(MailMessage::as_select())
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(mail_messages::status.eq(status));
    }
    if let Some(after) = after_id {
        query = query.filter(mail_messages::id.gt(after));
    }
    query.load(conn)
}

/// The message with this id.
pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<MailMessage>> {
    mail_messages::table
        .find(id)
        .select(MailMessage::as_select())
        .first(conn)
        .optional()
}

/// Makes a failed message due again at `now` with fresh attempts; `false` when it is not failed.
pub fn retry(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let changed = diesel::update(
        mail_messages::table
            .find(id)
            .filter(mail_messages::status.eq(MailStatus::Failed)),
    )
    .set((
        mail_messages::status.eq(MailStatus::Pending),
        mail_messages::attempts.eq(0),
        mail_messages::next_attempt_at.eq(now),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// The messages to the account, oldest first (the personal export).
pub fn of_account(conn: &mut DbConnection, account_id: i64) -> QueryResult<Vec<MailMessage>> {
    mail_messages::table
        .filter(mail_messages::account_id.eq(account_id))
        .order(mail_messages::id.asc())
        .select(MailMessage::as_select())
        .load(conn)
}

/// Deletes every message to the account or its address (erasure): what was sent is gone from
/// the outbox, and nothing pending goes out afterwards.
pub fn delete_of(conn: &mut DbConnection, account_id: i64, address: &str) -> QueryResult<usize> {
    diesel::delete(
        mail_messages::table.filter(
            mail_messages::account_id
                .eq(account_id)
                .or(mail_messages::to_address.eq(address)),
        ),
    )
    .execute(conn)
}

/// How many messages wait to be sent and how many were given up: the queue depth `GET /metrics`
/// reports. Both counts run over the `(status, next_attempt_at)` index, never over sent mail.
pub fn count_queued(conn: &mut DbConnection) -> QueryResult<(i64, i64)> {
    let count = |conn: &mut DbConnection, status: MailStatus| {
        mail_messages::table
            .filter(mail_messages::status.eq(status))
            .count()
            .get_result::<i64>(conn)
    };
    Ok((
        count(conn, MailStatus::Pending)?,
        count(conn, MailStatus::Failed)?,
    ))
}
