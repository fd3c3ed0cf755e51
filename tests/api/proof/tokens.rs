//! Token attacks beyond `auth.rs`: algorithm confusion, broken encodings, huge headers, and tokens
//! of accounts that were disabled or erased. Every one is a 401 problem+json with
//! `WWW-Authenticate: Bearer`, and none reaches data.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{TEST_JWT_SECRET, TEST_TOKEN_TTL, TestApp, assert_problem};

on_both_backends!(
    forged_and_malformed_tokens_get_401,
    tokens_from_the_future_or_living_too_long_get_401,
    tokens_of_disabled_and_erased_accounts_get_401,
);

/// A token with any header, signed with HMAC-SHA256 and `secret` whatever the header says.
fn hs256_signed(header: &Value, claims: &Value, secret: &[u8]) -> String {
    let head = URL_SAFE_NO_PAD.encode(header.to_string());
    let body = URL_SAFE_NO_PAD.encode(claims.to_string());
    let message = format!("{head}.{body}");
    let key = EncodingKey::from_secret(secret);
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key, Algorithm::HS256).unwrap();
    format!("{message}.{signature}")
}

fn claims(sub: i64) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"sub": sub.to_string(), "role": "staff", "iat": now, "exp": now + 300,
           "iss": "skkk-mentoring", "aud": "skkk-mentoring-api"})
}

/// Asserts `token` is refused on a protected read and a protected write.
async fn assert_refused(app: &TestApp, name: &str, token: &str) {
    let read = app.get("/api/v1/accounts", Some(token)).await;
    assert_eq!(
        read.headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap()),
        Some("Bearer"),
        "{name}"
    );
    assert_eq!(read.status(), StatusCode::UNAUTHORIZED, "{name}");
    assert_problem(read, StatusCode::UNAUTHORIZED).await;
    let write = app
        .post(
            "/api/v1/integration-accounts",
            Some(token),
            &json!({"display_name": "X"}),
        )
        .await;
    assert_eq!(write.status(), StatusCode::UNAUTHORIZED, "{name} (write)");
    assert_problem(write, StatusCode::UNAUTHORIZED).await;
}

/// Correctly signed claims issued `iat_offset` seconds from now that live `lifetime` seconds.
fn issued(sub: i64, iat_offset: i64, lifetime: i64) -> String {
    let iat = chrono::Utc::now().timestamp() + iat_offset;
    let claims = json!({"sub": sub.to_string(), "role": "staff", "iat": iat, "exp": iat + lifetime,
                        "iss": "skkk-mentoring", "aud": "skkk-mentoring-api"});
    hs256_signed(
        &json!({"alg": "HS256", "typ": "JWT"}),
        &claims,
        TEST_JWT_SECRET,
    )
}

/// The test server's access tokens live `TEST_TOKEN_TTL` s; the clock skew allowed is 5 s.
async fn tokens_from_the_future_or_living_too_long_get_401(app: TestApp) {
    let staff = app.staff_token().await;
    let sub = app.get_json("/api/v1/me", &staff).await["account_id"]
        .as_i64()
        .unwrap();
    let accepted = [
        ("issued within the skew", issued(sub, 3, TEST_TOKEN_TTL)),
        ("lifetime exactly the TTL", issued(sub, -10, TEST_TOKEN_TTL)),
    ];
    for (name, token) in accepted {
        let res = app.get("/api/v1/accounts", Some(&token)).await;
        assert_eq!(res.status(), StatusCode::OK, "{name}");
    }
    let refused = [
        ("issued a minute ahead", issued(sub, 60, 300)),
        ("issued a day ahead", issued(sub, 86_400, TEST_TOKEN_TTL)),
        (
            "lifetime one second over the TTL",
            issued(sub, -10, TEST_TOKEN_TTL + 1),
        ),
        ("lifetime of a year", issued(sub, -10, 365 * 86_400)),
    ];
    for (name, token) in refused {
        assert_refused(&app, name, &token).await;
    }
}

async fn forged_and_malformed_tokens_get_401(app: TestApp) {
    let staff = app.staff_token().await;
    let sub = app.get_json("/api/v1/me", &staff).await["account_id"]
        .as_i64()
        .unwrap();
    let typ = |alg: &str| json!({"alg": alg, "typ": "JWT"});
    let control = hs256_signed(&typ("HS256"), &claims(sub), TEST_JWT_SECRET);
    assert_eq!(
        app.get("/api/v1/accounts", Some(&control)).await.status(),
        StatusCode::OK,
        "the hand-made signer makes valid tokens"
    );
    let (head, rest) = control.split_once('.').unwrap();
    let (payload, signature) = rest.split_once('.').unwrap();
    let mut without_iat = claims(sub);
    without_iat.as_object_mut().unwrap().remove("iat");
    let mut without_aud = claims(sub);
    without_aud.as_object_mut().unwrap().remove("aud");
    let mut string_exp = claims(sub);
    string_exp["exp"] = json!("never");
    let cases: Vec<(&str, String)> = vec![
        (
            "RS256 header, HMAC body",
            hs256_signed(&typ("RS256"), &claims(sub), TEST_JWT_SECRET),
        ),
        (
            "ES256 header, HMAC body",
            hs256_signed(&typ("ES256"), &claims(sub), TEST_JWT_SECRET),
        ),
        (
            "HS512 header, HS256 body",
            hs256_signed(&typ("HS512"), &claims(sub), TEST_JWT_SECRET),
        ),
        (
            "alg NONE signed",
            hs256_signed(&typ("NONE"), &claims(sub), TEST_JWT_SECRET),
        ),
        (
            "alg none unsigned",
            format!("{}.{payload}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#)),
        ),
        (
            "jku header",
            hs256_signed(
                &json!({"alg": "HS256", "jku": "https://evil.example/keys"}),
                &claims(sub),
                b"attacker-secret-attacker-secret-0123",
            ),
        ),
        (
            "missing iat",
            hs256_signed(&typ("HS256"), &without_iat, TEST_JWT_SECRET),
        ),
        (
            "missing aud",
            hs256_signed(&typ("HS256"), &without_aud, TEST_JWT_SECRET),
        ),
        (
            "exp not a number",
            hs256_signed(&typ("HS256"), &string_exp, TEST_JWT_SECRET),
        ),
        ("padded base64", format!("{head}.{payload}==.{signature}")),
        (
            "bad base64 characters",
            format!("{head}.{payload}!*.{signature}"),
        ),
        ("bad signature base64", format!("{head}.{payload}.%%%%")),
        (
            "payload not JSON",
            hs256_signed_raw(head, b"not json", TEST_JWT_SECRET),
        ),
        (
            "payload a JSON array",
            hs256_signed_raw(head, b"[1,2,3]", TEST_JWT_SECRET),
        ),
        (
            "header not JSON",
            format!("{}.{payload}.{signature}", URL_SAFE_NO_PAD.encode("nope")),
        ),
        ("two segments", format!("{head}.{payload}")),
        ("four segments", format!("{control}.{signature}")),
        ("empty", String::new()),
        (
            "16 KiB",
            format!("{head}.{}.{signature}", "A".repeat(16 * 1024)),
        ),
    ];
    for (name, token) in cases {
        assert_refused(&app, name, &token).await;
    }
}

/// A token over a raw payload, signed correctly: only the payload's content is wrong.
fn hs256_signed_raw(head: &str, payload: &[u8], secret: &[u8]) -> String {
    let message = format!("{head}.{}", URL_SAFE_NO_PAD.encode(payload));
    let key = EncodingKey::from_secret(secret);
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key, Algorithm::HS256).unwrap();
    format!("{message}.{signature}")
}

async fn tokens_of_disabled_and_erased_accounts_get_401(app: TestApp) {
    let staff = app.staff_token().await;
    let (erased_id, erased) = app
        .active_participant(&staff, "erased@example.org", "first_project", &["mentee"])
        .await;
    let (_, disabled) = app
        .active_participant(&staff, "disabled@example.org", "first_project", &["mentee"])
        .await;
    let integration = app.integration_token(&staff).await;
    for token in [&erased, &disabled, &integration] {
        assert_eq!(
            app.get("/api/v1/me", Some(token)).await.status(),
            StatusCode::OK
        );
    }
    let res = app
        .post(
            &format!("/api/v1/participants/{erased_id}/erasure"),
            Some(&staff),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    for token in [&disabled, &integration] {
        let account = app.get_json("/api/v1/me", token).await["account_id"]
            .as_i64()
            .unwrap();
        let res = app
            .post(
                &format!("/api/v1/accounts/{account}/deactivation"),
                Some(&staff),
                &json!({}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    for (name, token) in [
        ("erased", &erased),
        ("disabled", &disabled),
        ("integration", &integration),
    ] {
        let res = app.get("/api/v1/me", Some(token)).await;
        assert_eq!(res.headers()["www-authenticate"], "Bearer", "{name}");
        assert_problem(res, StatusCode::UNAUTHORIZED).await;
        let res = app.get("/api/v1/sessions", Some(token)).await;
        assert_problem(res, StatusCode::UNAUTHORIZED).await;
    }
}
