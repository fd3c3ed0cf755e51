//! Argon2id password hashing. `hash` and `verify` are CPU-heavy: call them inside `web::block`
//! (`hash_if_strong` does so itself).

use std::sync::LazyLock;

use actix_web::web;
use argon2::password_hash::phc::PasswordHash;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};

use crate::domain::password_strength::strong_password_at;
use crate::error::AppError;

/// Hashes a password into a PHC string (argon2id, default parameters).
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    Ok(Argon2::default()
        .hash_password(password.as_bytes())?
        .to_string())
}

/// Checks a new password's strength for the person described by `personal` (e-mail, names) and
/// hashes it: 422 at `/password` when it is weak. Both steps run off the actix workers (zxcvbn and
/// argon2id are CPU work).
pub async fn hash_if_strong(password: String, personal: Vec<String>) -> Result<String, AppError> {
    hash_if_strong_at(password, personal, "/password").await
}

/// [`hash_if_strong`] for a password field at another `pointer` (`/new_password`).
pub async fn hash_if_strong_at(
    password: String,
    personal: Vec<String>,
    pointer: &'static str,
) -> Result<String, AppError> {
    web::block(move || {
        let personal: Vec<&str> = personal.iter().map(String::as_str).collect();
        strong_password_at(&password, &personal, pointer)?;
        hash(&password).map_err(AppError::internal)
    })
    .await
    .map_err(AppError::internal)?
}

/// A hash of nothing anyone knows, verified when the account does not exist so that
/// unknown and known logins take the same time.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash("no account has this password").expect("hashing a constant works"));

/// Checks a password against a stored PHC string; `None` runs a dummy check and fails.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    let target = stored.unwrap_or(DUMMY_HASH.as_str());
    let Ok(parsed) = PasswordHash::new(target) else {
        return false;
    };
    let ok = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    ok && stored.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_and_nothing_else() {
        let stored = hash("correct horse battery").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", Some(&stored)));
        assert!(!verify("wrong", Some(&stored)));
        assert!(!verify("no account has this password", None));
    }
}
