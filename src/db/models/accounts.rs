//! The `accounts` table: who can log in, with which role.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::models::audit_events::Actor;
use crate::db::schema::accounts;
use crate::domain::account::Role;

/// One row of `accounts`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub id: i64,
    pub login: String,
    pub password_hash: String,
    pub role: Role,
    pub display_name: String,
    pub disabled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The language of the account's e-mail (`de` or `en`).
    pub mail_lang: String,
    /// Optional message kinds the person turned off (comma-separated codes).
    pub mail_opt_outs: String,
}

/// Insert form for `accounts`.
#[derive(Debug, Insertable)]
#[diesel(table_name = accounts)]
pub struct NewAccount<'a> {
    pub login: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub display_name: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Inserts an account and returns the stored row.
pub fn insert(conn: &mut DbConnection, new: &NewAccount<'_>) -> QueryResult<Account> {
    diesel::insert_into(accounts::table)
        .values(new)
        .returning(accounts::all_columns)
        .get_result(conn)
}

/// The account with this id, if any.
pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Account>> {
    accounts::table.find(id).first(conn).optional()
}

/// The account with this login (already normalised to lower case), if any.
pub fn find_by_login(conn: &mut DbConnection, login: &str) -> QueryResult<Option<Account>> {
    accounts::table
        .filter(accounts::login.eq(login))
        .first(conn)
        .optional()
}

/// Accounts in id order after `after_id`, optionally of one role; at most `limit` rows.
pub fn list(
    conn: &mut DbConnection,
    role: Option<&str>,
    after_id: i64,
    limit: i64,
) -> QueryResult<Vec<Account>> {
    let mut query = accounts::table
        .filter(accounts::id.gt(after_id))
        .order(accounts::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(role) = role {
        query = query.filter(accounts::role.eq(role.to_owned()));
    }
    query.load(conn)
}

/// Stores the language and the opted-out kinds of the account's messages.
pub fn set_mail_preferences(
    conn: &mut DbConnection,
    id: i64,
    mail_lang: &str,
    mail_opt_outs: &str,
    now: NaiveDateTime,
) -> QueryResult<Account> {
    diesel::update(accounts::table.find(id))
        .set((
            accounts::mail_lang.eq(mail_lang),
            accounts::mail_opt_outs.eq(mail_opt_outs),
            accounts::updated_at.eq(now),
        ))
        .returning(accounts::all_columns)
        .get_result(conn)
}

/// Sets the login (a confirmed new e-mail address, normalised).
pub fn set_login(
    conn: &mut DbConnection,
    id: i64,
    login: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(accounts::table.find(id))
        .set((accounts::login.eq(login), accounts::updated_at.eq(now)))
        .execute(conn)?;
    Ok(())
}

/// Sets or clears `disabled_at`; returns the updated row.
pub fn set_disabled(
    conn: &mut DbConnection,
    id: i64,
    disabled_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<Account> {
    diesel::update(accounts::table.find(id))
        .set((
            accounts::disabled_at.eq(disabled_at),
            accounts::updated_at.eq(now),
        ))
        .returning(accounts::all_columns)
        .get_result(conn)
}

/// Replaces the password hash, only while it is still `expected` (the one the caller checked);
/// `false` when it changed in between.
pub fn set_password_hash(
    conn: &mut DbConnection,
    id: i64,
    expected: &str,
    new_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        accounts::table
            .find(id)
            .filter(accounts::password_hash.eq(expected)),
    )
    .set((
        accounts::password_hash.eq(new_hash),
        accounts::updated_at.eq(now),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Creates an account and records it in the audit trail, in the caller's transaction.
pub fn create(
    conn: &mut DbConnection,
    new: &NewAccount<'_>,
    actor: &Actor,
) -> Result<Account, crate::error::AppError> {
    use crate::db::models::audit_events::{self, Change};
    let account = insert(conn, new)?;
    audit_events::record(
        conn,
        Change {
            actor,
            action: "account.created",
            entity_type: "account",
            entity_id: account.id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "role": account.role })),
        },
    )?;
    Ok(account)
}
