//! Logging in, token checks and the failed-login throttle.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{PASSWORD, TEST_JWT_SECRET, TEST_TOKEN_TTL, TestApp, assert_problem};
use crate::support::participants::registration;

on_both_backends!(
    staff_logs_in_and_reads_own_account,
    wrong_password_and_unknown_account_get_the_same_401,
    failed_logins_are_throttled_with_retry_after,
    registrations_are_limited_per_client_address,
    missing_malformed_and_forged_tokens_get_401_with_www_authenticate,
    token_of_a_disabled_account_stops_working,
    integration_client_logs_in_with_id_and_secret,
);

async fn staff_logs_in_and_reads_own_account(app: TestApp) {
    app.create_staff("Office@Example.org").await;
    let res = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"email": "  OFFICE@example.org ", "password": PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], TEST_TOKEN_TTL);
    let token = body["access_token"].as_str().unwrap();

    let me: Value = app
        .get("/api/v1/me", Some(token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "staff");
    assert_eq!(me["login"], "office@example.org");
}

async fn wrong_password_and_unknown_account_get_the_same_401(app: TestApp) {
    app.create_staff("known@example.org").await;
    let wrong = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"email": "known@example.org", "password": "not the password"}),
        )
        .await;
    assert_eq!(wrong.headers()["www-authenticate"], "Bearer");
    let wrong = assert_problem(wrong, StatusCode::UNAUTHORIZED).await;
    let unknown = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"email": "nobody@example.org", "password": "not the password"}),
        )
        .await;
    let unknown = assert_problem(unknown, StatusCode::UNAUTHORIZED).await;
    assert_eq!(wrong["detail"], unknown["detail"]);
    assert_eq!(wrong["type"], unknown["type"]);
}

/// A login attempt of `email` with `password` from the client address `from`.
async fn login_from(app: &TestApp, from: &str, email: &str, password: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/auth/token", app.address))
        .header("x-forwarded-for", from)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

fn header_of(res: &reqwest::Response, name: &str) -> String {
    res.headers()[name].to_str().unwrap().to_owned()
}

async fn failed_logins_are_throttled_with_retry_after(app: TestApp) {
    app.create_staff("target@example.org").await;
    let attacker = "203.0.113.7";
    for _ in 0..5 {
        let res = login_from(&app, attacker, "target@example.org", "wrong password").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let blocked = login_from(&app, attacker, "target@example.org", PASSWORD).await;
    let retry_after: u64 = header_of(&blocked, "retry-after").parse().unwrap();
    assert_eq!(retry_after, 1, "the first delay is one second");
    assert_eq!(
        header_of(&blocked, "ratelimit-policy"),
        "\"login\";q=5;w=900"
    );
    assert_eq!(header_of(&blocked, "ratelimit"), "\"login\";r=0;t=1");
    assert_problem(blocked, StatusCode::TOO_MANY_REQUESTS).await;
    // The owner elsewhere is not locked out by someone else's guessing.
    let owner = login_from(&app, "198.51.100.20", "target@example.org", PASSWORD).await;
    assert_eq!(owner.status(), StatusCode::OK);
    // After the delay the right password works from the attacker's address too.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let later = login_from(&app, attacker, "target@example.org", PASSWORD).await;
    assert_eq!(later.status(), StatusCode::OK);
    // An unknown login is throttled the same way, so the 429 reveals nothing either.
    for _ in 0..5 {
        let res = login_from(&app, attacker, "ghost@example.org", "x").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let ghost = login_from(&app, attacker, "ghost@example.org", "x").await;
    assert_eq!(ghost.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn registrations_are_limited_per_client_address(mut app: TestApp) {
    app.restart_with(|s| s.registrations_per_hour = 2).await;
    let register = |from: &'static str, email: &'static str| {
        let app = &app;
        async move {
            app.client
                .post(format!("{}/api/v1/registrations", app.address))
                .header("x-forwarded-for", from)
                .json(&registration(email, "first_project", &["mentee"]))
                .send()
                .await
                .unwrap()
        }
    };
    for email in ["one@example.org", "two@example.org"] {
        assert_eq!(
            register("192.0.2.1", email).await.status(),
            StatusCode::ACCEPTED
        );
    }
    let third = register("192.0.2.1", "three@example.org").await;
    assert_eq!(
        header_of(&third, "ratelimit-policy"),
        "\"registration\";q=2;w=3600"
    );
    assert!(header_of(&third, "retry-after").parse::<u64>().unwrap() > 3500);
    assert_problem(third, StatusCode::TOO_MANY_REQUESTS).await;
    // Nothing of the refused registration was stored; another address still registers.
    let staff = app.staff_token().await;
    let list = app.get_json("/api/v1/participants", &staff).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        register("192.0.2.2", "three@example.org").await.status(),
        StatusCode::ACCEPTED
    );
}

fn forge(claims: &Value, secret: &[u8]) -> String {
    jsonwebtoken::encode(
        &Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .unwrap()
}

fn claims(sub: &str) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"sub": sub, "role": "staff", "iat": now, "exp": now + 300,
           "iss": "skkk-mentoring", "aud": "skkk-mentoring-api"})
}

async fn missing_malformed_and_forged_tokens_get_401_with_www_authenticate(app: TestApp) {
    let valid = app.staff_token().await;
    let me: Value = app
        .get("/api/v1/me", Some(&valid))
        .await
        .json()
        .await
        .unwrap();
    let sub = me["account_id"].to_string();
    let now = chrono::Utc::now().timestamp();
    let with = |key: &str, value: Value| {
        let mut c = claims(&sub);
        c[key] = value;
        forge(&c, TEST_JWT_SECRET)
    };
    let without = |key: &str| {
        let mut c = claims(&sub);
        c.as_object_mut().unwrap().remove(key);
        forge(&c, TEST_JWT_SECRET)
    };
    let header_none = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims(&sub).to_string());
    let (head, rest) = valid.split_once('.').unwrap();
    let (_, signature) = rest.split_once('.').unwrap();
    let cases: Vec<(&str, String)> = vec![
        ("forged control", forge(&claims(&sub), TEST_JWT_SECRET)),
        (
            "other secret",
            forge(&claims(&sub), b"another-secret-another-secret-0123456"),
        ),
        ("alg none", format!("{header_none}.{payload}.")),
        ("tampered payload", format!("{head}.{payload}.{signature}")),
        (
            "stripped signature",
            format!("{head}.{}.", rest.split_once('.').unwrap().0),
        ),
        ("expired", with("exp", json!(now - 120))),
        ("future nbf", with("nbf", json!(now + 600))),
        ("wrong issuer", with("iss", json!("someone-else"))),
        ("wrong audience", with("aud", json!("another-api"))),
        ("missing exp", without("exp")),
        ("missing sub", without("sub")),
        ("unknown account", with("sub", json!("999999"))),
        ("role escalation", with("role", json!("integration"))),
        ("garbage", "a.b.c".to_owned()),
        ("oversized", "x".repeat(5000)),
    ];
    for (name, token) in cases {
        let res = app.get("/api/v1/me", Some(&token)).await;
        if name == "forged control" {
            assert_eq!(
                res.status(),
                StatusCode::OK,
                "the harness forges valid tokens"
            );
            continue;
        }
        assert_eq!(
            res.headers()
                .get("www-authenticate")
                .map(|v| v.to_str().unwrap()),
            Some("Bearer"),
            "{name}"
        );
        assert_problem(res, StatusCode::UNAUTHORIZED).await;
    }
    let res = app.get("/api/v1/me", None).await;
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
    let res = app
        .client
        .get(format!("{}/api/v1/me", app.address))
        .header("authorization", format!("Basic {valid}"))
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
}

async fn token_of_a_disabled_account_stops_working(app: TestApp) {
    let admin = app.staff_token().await;
    let id = app.create_staff("leaving@example.org").await;
    let token = app.login("leaving@example.org", PASSWORD).await;
    assert_eq!(
        app.get("/api/v1/me", Some(&token)).await.status(),
        StatusCode::OK
    );

    let res = app
        .post(
            &format!("/api/v1/accounts/{id}/deactivation"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_problem(
        app.get("/api/v1/me", Some(&token)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let login = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"email": "leaving@example.org", "password": PASSWORD}),
        )
        .await;
    assert_problem(login, StatusCode::UNAUTHORIZED).await;

    let res = app
        .post(
            &format!("/api/v1/accounts/{id}/reactivation"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        app.get("/api/v1/me", Some(&token)).await.status(),
        StatusCode::OK
    );
}

async fn integration_client_logs_in_with_id_and_secret(app: TestApp) {
    let admin = app.staff_token().await;
    let created: Value = app
        .post(
            "/api/v1/integration-accounts",
            Some(&admin),
            &json!({"display_name": "Klimaschutz-Community"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"client_id": created["client_id"], "client_secret": created["client_secret"]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let token: Value = res.json().await.unwrap();
    let token = token["access_token"].as_str().unwrap();
    let me: Value = app
        .get("/api/v1/me", Some(token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "integration");
    assert_eq!(me["display_name"], "Klimaschutz-Community");
}
