//! Access tokens: HS256 JWTs with `sub`, `role`, `iat`, `exp`, `iss` and `aud`, all required.
//! A token issued in the future (beyond the clock skew) or living longer than the configured
//! lifetime is refused like a forged one: this server never issues such tokens.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::config::Secret;

use super::Role;

/// The issuer every token names and every check requires.
pub const ISSUER: &str = "skkk-mentoring";
/// The audience every token names and every check requires.
pub const AUDIENCE: &str = "skkk-mentoring-api";
const ALGORITHM: Algorithm = Algorithm::HS256;
/// The clock skew tolerated between issuer and checker, in seconds.
const CLOCK_SKEW_SECS: i64 = 5;

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The account id, as a string.
    pub sub: String,
    /// The account's role when the token was issued (re-checked against the database).
    pub role: Role,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires at (Unix seconds).
    pub exp: i64,
    /// Not before (Unix seconds), optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
}

/// Signs and checks tokens with one secret and one pinned algorithm.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl_secs: i64,
    audience: String,
}

impl TokenKeys {
    /// Keys for `secret`; tokens live `ttl_secs` seconds.
    pub fn new(secret: &Secret, ttl_secs: i64) -> Self {
        Self::with_audience(secret, ttl_secs, AUDIENCE.to_owned())
    }

    /// Keys of a programme's API: a sister programme's tokens name it in their audience
    /// (`skkk-mentoring-api/<code>`), so that even a shared secret would not let a token cross
    /// programmes; the default programme's (`sister: None`) keep the audience they always had.
    pub fn for_programme(secret: &Secret, ttl_secs: i64, sister: Option<&str>) -> Self {
        let audience = match sister {
            None => AUDIENCE.to_owned(),
            Some(code) => format!("{AUDIENCE}/{code}"),
        };
        Self::with_audience(secret, ttl_secs, audience)
    }

    fn with_audience(secret: &Secret, ttl_secs: i64, audience: String) -> Self {
        let mut validation = Validation::new(ALGORITHM);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = CLOCK_SKEW_SECS as u64;
        Self {
            encoding: EncodingKey::from_secret(secret.expose()),
            decoding: DecodingKey::from_secret(secret.expose()),
            validation,
            ttl_secs,
            audience,
        }
    }

    /// Token lifetime in seconds.
    pub fn ttl_secs(&self) -> i64 {
        self.ttl_secs
    }

    /// Issues a token for an account.
    pub fn issue(
        &self,
        account_id: i64,
        role: Role,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: account_id.to_string(),
            role,
            iat: now,
            exp: now + self.ttl_secs,
            nbf: None,
            iss: ISSUER.to_owned(),
            aud: self.audience.clone(),
        };
        jsonwebtoken::encode(&Header::new(ALGORITHM), &claims, &self.encoding)
    }

    /// Checks signature, algorithm and claims; returns the claims of a valid token.
    pub fn verify(&self, token: &str) -> Result<Claims, jsonwebtoken::errors::Error> {
        let claims =
            jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)?.claims;
        let now = chrono::Utc::now().timestamp();
        if !issued_plausibly(&claims, now, self.ttl_secs) {
            return Err(jsonwebtoken::errors::ErrorKind::ImmatureSignature.into());
        }
        Ok(claims)
    }
}

/// Whether a token was issued no later than `now` (give or take the clock skew) and lives no
/// longer than `ttl_secs`, as every token this server issues does.
fn issued_plausibly(claims: &Claims, now: i64, ttl_secs: i64) -> bool {
    let issued_in_past = claims.iat <= now.saturating_add(CLOCK_SKEW_SECS);
    let lifetime = claims.exp.saturating_sub(claims.iat);
    issued_in_past && lifetime <= ttl_secs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(&Secret::new(vec![7; 32]), 600)
    }

    #[test]
    fn issued_token_verifies_with_its_claims() {
        let token = keys().issue(42, Role::Staff).unwrap();
        let claims = keys().verify(&token).unwrap();
        assert_eq!(claims.sub, "42");
        assert_eq!(claims.role, Role::Staff);
        assert_eq!(claims.exp - claims.iat, 600);
    }

    fn claims_issued_at(iat: i64, exp: i64) -> Claims {
        Claims {
            sub: "1".into(),
            role: Role::Staff,
            iat,
            exp,
            nbf: None,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
        }
    }

    #[test]
    fn token_issued_within_clock_skew_is_plausible() {
        assert!(issued_plausibly(&claims_issued_at(1005, 1605), 1000, 600));
        assert!(issued_plausibly(&claims_issued_at(400, 1000), 1000, 600));
    }

    #[test]
    fn token_issued_in_the_future_is_implausible() {
        assert!(!issued_plausibly(&claims_issued_at(1006, 1606), 1000, 600));
        assert!(!issued_plausibly(
            &claims_issued_at(i64::MAX, i64::MAX),
            1000,
            600
        ));
    }

    #[test]
    fn token_living_longer_than_the_ttl_is_implausible() {
        assert!(!issued_plausibly(&claims_issued_at(1000, 1601), 1000, 600));
        assert!(!issued_plausibly(
            &claims_issued_at(i64::MIN, 2000),
            1000,
            600
        ));
    }

    #[test]
    fn token_signed_with_another_secret_is_rejected() {
        let other = TokenKeys::new(&Secret::new(vec![8; 32]), 600);
        let token = other.issue(1, Role::Staff).unwrap();
        assert!(keys().verify(&token).is_err());
    }
}
