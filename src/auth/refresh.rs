//! Refresh tokens: starting a family at a password login, rotating a token, logging out.
//! The token is 256 random bits, base64url; only its SHA-256 is stored. The rules of what a
//! presented token means are [`crate::domain::refresh_token`]; these functions run inside the
//! caller's write transaction.

use chrono::{Duration, NaiveDateTime};
use serde_json::json;

use crate::auth::Role;
use crate::auth::secret::{random_base64url, random_hex, sha256_hex};
use crate::db::DbConnection;
use crate::db::models::accounts::{self, Account};
use crate::db::models::audit_events::{self, Actor, Change};
use crate::db::models::participants;
use crate::db::models::refresh_tokens::{self, NewRefreshToken};
use crate::domain::refresh_token::{Verdict, judge, may_hold};
use crate::error::AppError;

/// Random bytes of a refresh token (256 bits).
const TOKEN_BYTES: usize = 32;
/// The longest string looked up as a refresh token; anything longer is no token of ours.
pub const MAX_TOKEN_CHARS: usize = 256;

/// A refresh token handed out, with its lifetime.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The token, shown to the client once.
    pub token: String,
    /// Seconds until it expires.
    pub expires_in: i64,
}

/// What a refresh gave.
#[derive(Debug)]
pub enum Exchange {
    /// The token was rotated: a new access token may be issued to this account.
    Rotated {
        /// The account.
        account_id: i64,
        /// Its role.
        role: Role,
        /// The successor token.
        issued: Issued,
    },
    /// Unknown, expired, revoked, replayed, or the account may not hold one any more.
    Refused,
}

/// Whether the account may hold a refresh token now (see [`may_hold`]).
pub fn account_may_hold(conn: &mut DbConnection, account: &Account) -> Result<bool, AppError> {
    let participant = match account.role {
        Role::Participant => participants::find_by_account(conn, account.id)?
            .map(|p| (p.status, p.erased_at.is_some())),
        Role::Staff | Role::Integration => None,
    };
    Ok(may_hold(
        account.role,
        account.disabled_at.is_some(),
        participant,
    ))
}

fn store(
    conn: &mut DbConnection,
    account_id: i64,
    family_id: &str,
    ttl_secs: i64,
    now: NaiveDateTime,
) -> Result<Issued, AppError> {
    let token = random_base64url(TOKEN_BYTES);
    refresh_tokens::insert(
        conn,
        &NewRefreshToken {
            account_id,
            family_id,
            token_hash: &sha256_hex(&token),
            created_at: now,
            expires_at: now + Duration::seconds(ttl_secs),
        },
    )?;
    Ok(Issued {
        token,
        expires_in: ttl_secs,
    })
}

/// Starts a new family for a login of `account` and returns its first token, or `None` when
/// the account may not hold one (integration clients, ended participants). Drops the account's
/// expired tokens on the way.
pub fn start_family(
    conn: &mut DbConnection,
    account: &Account,
    ttl_secs: i64,
    now: NaiveDateTime,
) -> Result<Option<Issued>, AppError> {
    if !account_may_hold(conn, account)? {
        return Ok(None);
    }
    refresh_tokens::delete_expired_of(conn, account.id, now)?;
    let family_id = random_hex(16);
    store(conn, account.id, &family_id, ttl_secs, now).map(Some)
}

/// Exchanges a presented token for its successor in the same family. A replay of a used token
/// revokes the family and is audited (`refresh_token.reuse_detected`); the caller must commit
/// the transaction even then, and answer every refusal alike.
pub fn exchange(
    conn: &mut DbConnection,
    presented: &str,
    ttl_secs: i64,
    now: NaiveDateTime,
    request_id: Option<String>,
) -> Result<Exchange, AppError> {
    if presented.chars().count() > MAX_TOKEN_CHARS {
        return Ok(Exchange::Refused);
    }
    let Some(stored) = refresh_tokens::find_by_hash(conn, &sha256_hex(presented))? else {
        return Ok(Exchange::Refused);
    };
    let replayed = match judge(stored.stored(), now) {
        Verdict::Dead => return Ok(Exchange::Refused),
        Verdict::Reused => true,
        // Another request may have used it since it was read: then this one is the replay.
        Verdict::Usable => !refresh_tokens::mark_used(conn, stored.id, now)?,
    };
    if replayed {
        refresh_tokens::revoke_family(conn, &stored.family_id, now)?;
        audit_events::record(
            conn,
            Change {
                actor: &Actor {
                    account_id: None,
                    request_id,
                },
                action: "refresh_token.reuse_detected",
                entity_type: "account",
                entity_id: stored.account_id.to_string(),
                before: None,
                after: Some(json!({ "family_revoked": true })),
            },
        )?;
        return Ok(Exchange::Refused);
    }
    let account = accounts::find(conn, stored.account_id)?;
    let Some(account) = account else {
        return Ok(Exchange::Refused);
    };
    if !account_may_hold(conn, &account)? {
        refresh_tokens::revoke_family(conn, &stored.family_id, now)?;
        return Ok(Exchange::Refused);
    }
    let issued = store(conn, account.id, &stored.family_id, ttl_secs, now)?;
    Ok(Exchange::Rotated {
        account_id: account.id,
        role: account.role,
        issued,
    })
}

/// Revokes the family of a presented token, whatever its state; an unknown token changes
/// nothing. Returns whether a family was found.
pub fn log_out(
    conn: &mut DbConnection,
    presented: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    if presented.chars().count() > MAX_TOKEN_CHARS {
        return Ok(false);
    }
    let Some(stored) = refresh_tokens::find_by_hash(conn, &sha256_hex(presented))? else {
        return Ok(false);
    };
    refresh_tokens::revoke_family(conn, &stored.family_id, now)?;
    Ok(true)
}
