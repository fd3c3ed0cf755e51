//! Personal calendar feed tokens: one per account, stored as a SHA-256 hex digest only.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::calendar_feed_tokens;

/// Stores the digest of a new token for the account, replacing (revoking) any earlier one.
pub fn replace(
    conn: &mut DbConnection,
    account_id: i64,
    token_sha256: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    revoke(conn, account_id)?;
    diesel::insert_into(calendar_feed_tokens::table)
        .values((
            calendar_feed_tokens::account_id.eq(account_id),
            calendar_feed_tokens::token_sha256.eq(token_sha256),
            calendar_feed_tokens::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Deletes the account's token; returns whether there was one.
pub fn revoke(conn: &mut DbConnection, account_id: i64) -> QueryResult<bool> {
    diesel::delete(
        calendar_feed_tokens::table.filter(calendar_feed_tokens::account_id.eq(account_id)),
    )
    .execute(conn)
    .map(|n| n > 0)
}

/// The account a token digest belongs to, if any.
pub fn account_of(conn: &mut DbConnection, token_sha256: &str) -> QueryResult<Option<i64>> {
    calendar_feed_tokens::table
        .filter(calendar_feed_tokens::token_sha256.eq(token_sha256))
        .select(calendar_feed_tokens::account_id)
        .first(conn)
        .optional()
}
