//! Access tokens: HS256 JWTs with `sub`, `role`, `iat`, `exp`, `iss` and `aud`, all required.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::config::Secret;

use super::Role;

/// The issuer every token names and every check requires.
pub const ISSUER: &str = "skkk-mentoring";
/// The audience every token names and every check requires.
pub const AUDIENCE: &str = "skkk-mentoring-api";
const ALGORITHM: Algorithm = Algorithm::HS256;

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
}

impl TokenKeys {
    /// Keys for `secret`; tokens live `ttl_secs` seconds.
    pub fn new(secret: &Secret, ttl_secs: i64) -> Self {
        let mut validation = Validation::new(ALGORITHM);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret.expose()),
            decoding: DecodingKey::from_secret(secret.expose()),
            validation,
            ttl_secs,
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
            aud: AUDIENCE.to_owned(),
        };
        jsonwebtoken::encode(&Header::new(ALGORITHM), &claims, &self.encoding)
    }

    /// Checks signature, algorithm and claims; returns the claims of a valid token.
    pub fn verify(&self, token: &str) -> Result<Claims, jsonwebtoken::errors::Error> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map(|d| d.claims)
    }
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

    #[test]
    fn token_signed_with_another_secret_is_rejected() {
        let other = TokenKeys::new(&Secret::new(vec![8; 32]), 600);
        let token = other.issue(1, Role::Staff).unwrap();
        assert!(keys().verify(&token).is_err());
    }
}
