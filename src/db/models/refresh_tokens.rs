//! The `refresh_tokens` table: people's refresh tokens, stored as SHA-256 hex digests only, one
//! family per password login. Which token may be exchanged is decided in
//! [`crate::domain::refresh_token`].

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::refresh_tokens;
use crate::domain::refresh_token::StoredToken;

/// One row of `refresh_tokens`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshToken {
    pub id: i64,
    pub account_id: i64,
    pub family_id: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

impl RefreshToken {
    /// What the rules judge of it.
    pub fn stored(&self) -> StoredToken {
        StoredToken {
            expires_at: self.expires_at,
            used_at: self.used_at,
            revoked_at: self.revoked_at,
        }
    }
}

/// Insert form for `refresh_tokens`.
#[derive(Debug, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct NewRefreshToken<'a> {
    pub account_id: i64,
    pub family_id: &'a str,
    pub token_hash: &'a str,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// Stores a new token (its digest).
pub fn insert(conn: &mut DbConnection, new: &NewRefreshToken<'_>) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values(new)
        .execute(conn)?;
    Ok(())
}

/// The token with this digest, if any.
pub fn find_by_hash(
    conn: &mut DbConnection,
    token_hash: &str,
) -> QueryResult<Option<RefreshToken>> {
    refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(RefreshToken::as_select())
        .first(conn)
        .optional()
}

/// Marks the token used, only if it is neither used nor revoked yet; `false` when another
/// request got there first (the caller then treats the request as a replay).
pub fn mark_used(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        refresh_tokens::table
            .find(id)
            .filter(refresh_tokens::used_at.is_null())
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(now))
    .execute(conn)
    .map(|n| n == 1)
}

/// Revokes every token of the family not revoked yet; returns how many.
pub fn revoke_family(
    conn: &mut DbConnection,
    family_id: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now))
    .execute(conn)
}

/// Revokes every refresh token of the account (every device is logged out once its access
/// token expires); returns how many were still unrevoked. Call it inside the transaction of a
/// change that must end the account's sessions: a password change or reset, deactivation, the
/// end of a participation.
pub fn revoke_all_of(conn: &mut DbConnection, account_id: i64) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::account_id.eq(account_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Utc::now().naive_utc()))
    .execute(conn)
}

/// Deletes every refresh token of the account (erasure); returns how many.
pub fn delete_all_of(conn: &mut DbConnection, account_id: i64) -> QueryResult<usize> {
    diesel::delete(refresh_tokens::table.filter(refresh_tokens::account_id.eq(account_id)))
        .execute(conn)
}

/// Deletes the account's tokens that expired before `now`: they can do nothing any more (an
/// unknown token is refused like an expired one), so the table stays as small as the logins
/// that may still be refreshed.
pub fn delete_expired_of(
    conn: &mut DbConnection,
    account_id: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::delete(
        refresh_tokens::table
            .filter(refresh_tokens::account_id.eq(account_id))
            .filter(refresh_tokens::expires_at.lt(now)),
    )
    .execute(conn)
}
