//! The newsletter's one-click unsubscribe token (RFC 8058): `<account id>.<HMAC>`, the HMAC-SHA256
//! of the account id under the server secret (`JWT_SECRET`, with its own context string, so it
//! signs nothing else). Nothing is stored: every newsletter of a person carries the same link,
//! which keeps working until the secret changes. It names no person (an internal number only),
//! and cannot be made for another account without the secret.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Separates these MACs from anything else signed with the same secret.
const CONTEXT: &[u8] = b"mentoring newsletter unsubscribe v1:";

/// Longest token accepted (an i64 id, a dot and 43 base64url characters).
pub const MAX_TOKEN_LENGTH: usize = 64;

fn mac(secret: &[u8], account_id: i64) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(CONTEXT);
    mac.update(account_id.to_string().as_bytes());
    mac
}

/// The unsubscribe token of an account (URL-safe).
pub fn token_for(secret: &[u8], account_id: i64) -> String {
    let tag = mac(secret, account_id).finalize().into_bytes();
    format!("{account_id}.{}", URL_SAFE_NO_PAD.encode(tag))
}

/// The account a token was made for; `None` for anything forged, altered or malformed
/// (compared in constant time).
pub fn account_of(secret: &[u8], token: &str) -> Option<i64> {
    if token.len() > MAX_TOKEN_LENGTH {
        return None;
    }
    let (id, tag) = token.split_once('.')?;
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let account_id: i64 = id.parse().ok()?;
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    mac(secret, account_id).verify_slice(&tag).ok()?;
    Some(account_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"test-secret-test-secret-test-secret-0123";

    #[test]
    fn a_token_opens_its_own_account_only() {
        let token = token_for(SECRET, 42);
        assert!(token.starts_with("42."));
        assert!(
            token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        );
        assert_eq!(account_of(SECRET, &token), Some(42));
        let (_, tag) = token.split_once('.').unwrap();
        assert_eq!(account_of(SECRET, &format!("43.{tag}")), None, "another id");
        assert_eq!(
            account_of(b"another-secret-another-secret-0000", &token),
            None
        );
    }

    #[test]
    fn malformed_tokens_open_nothing() {
        for token in [
            "",
            ".",
            "42",
            "42.",
            "-1.abc",
            "x.abc",
            "42.!!!",
            &"9".repeat(80),
        ] {
            assert_eq!(account_of(SECRET, token), None, "{token}");
        }
    }
}
