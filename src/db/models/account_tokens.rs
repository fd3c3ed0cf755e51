//! The `account_tokens` table: single-use links sent by e-mail. Only the SHA-256 of a token is
//! stored, so a copy of the database opens no account.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::account_tokens;
use crate::domain::mail::TokenPurpose;

/// One row of `account_tokens`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = account_tokens)]
pub struct AccountToken {
    pub id: i64,
    pub account_id: i64,
    pub purpose: TokenPurpose,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    /// The address an e-mail change token confirms; `None` for other purposes.
    pub new_address: Option<String>,
}

/// Stores a new token's hash for the account.
pub fn insert(
    conn: &mut DbConnection,
    account_id: i64,
    purpose: TokenPurpose,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    insert_row(conn, account_id, purpose, token_hash, None, now)
}

fn insert_row(
    conn: &mut DbConnection,
    account_id: i64,
    purpose: TokenPurpose,
    token_hash: &str,
    new_address: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(account_tokens::table)
        .values((
            account_tokens::account_id.eq(account_id),
            account_tokens::purpose.eq(purpose),
            account_tokens::token_hash.eq(token_hash),
            account_tokens::created_at.eq(now),
            account_tokens::expires_at.eq(now + purpose.lifetime()),
            account_tokens::new_address.eq(new_address),
        ))
        .execute(conn)?;
    Ok(())
}

/// Stores the hash of a token confirming `new_address` for the account, and ends the account's
/// earlier open address-change tokens (only the latest request counts).
pub fn insert_email_change(
    conn: &mut DbConnection,
    account_id: i64,
    token_hash: &str,
    new_address: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let purpose = TokenPurpose::EmailChange;
    diesel::update(
        account_tokens::table
            .filter(account_tokens::account_id.eq(account_id))
            .filter(account_tokens::purpose.eq(purpose))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(now))
    .execute(conn)?;
    insert_row(
        conn,
        account_id,
        purpose,
        token_hash,
        Some(new_address),
        now,
    )
}

/// The token with this hash if it is unused and not expired at `now` (nothing is changed).
pub fn open(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<AccountToken>> {
    account_tokens::table
        .filter(account_tokens::token_hash.eq(token_hash))
        .filter(account_tokens::used_at.is_null())
        .filter(account_tokens::expires_at.gt(now))
        .select(AccountToken::as_select())
        .first(conn)
        .optional()
}

/// Uses the token with this hash: when it is unused and not expired at `now`, marks it and every
/// other open token of the account used (one new password ends all links) and returns it.
pub fn redeem(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<AccountToken>> {
    let Some(token) = open(conn, token_hash, now)? else {
        return Ok(None);
    };
    let won = diesel::update(
        account_tokens::table
            .find(token.id)
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(now))
    .execute(conn)?;
    if won != 1 {
        return Ok(None);
    }
    diesel::update(
        account_tokens::table
            .filter(account_tokens::account_id.eq(token.account_id))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(now))
    .execute(conn)?;
    Ok(Some(token))
}

/// The account's tokens, oldest first (the personal export shows when links were sent and used).
pub fn of_account(conn: &mut DbConnection, account_id: i64) -> QueryResult<Vec<AccountToken>> {
    account_tokens::table
        .filter(account_tokens::account_id.eq(account_id))
        .order(account_tokens::id.asc())
        .select(AccountToken::as_select())
        .load(conn)
}

/// Deletes the account's tokens (erasure).
pub fn delete_of(conn: &mut DbConnection, account_id: i64) -> QueryResult<usize> {
    diesel::delete(account_tokens::table.filter(account_tokens::account_id.eq(account_id)))
        .execute(conn)
}
