//! Refresh tokens (rotation, theft detection, expiry, logout), who may hold one, and changing
//! one's password, which ends every other login.

use std::time::Duration;

use diesel::prelude::*;
use mentoring_api::db::schema::refresh_tokens;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{PASSWORD, TEST_TOKEN_TTL, TestApp, assert_problem, pointers};

on_both_backends!(
    people_get_a_refresh_token_that_rotates_once,
    reusing_a_used_refresh_token_revokes_its_whole_family,
    concurrent_refreshes_with_one_token_leave_one_winner_and_a_revoked_family,
    an_expired_refresh_token_gets_the_same_401_as_an_unknown_one,
    logout_revokes_the_family_only_and_is_idempotent,
    integration_clients_and_ended_participants_get_no_refresh_token,
    a_deactivated_account_cannot_refresh,
    erasure_deletes_the_refresh_tokens,
    a_password_change_revokes_every_refresh_token_of_the_account,
    a_wrong_current_password_is_refused_and_counts_as_a_failed_login,
    a_weak_new_password_is_refused_at_new_password,
);

const NEW_PASSWORD: &str = "Gletscher Tulpe Mikrowelle 42";

/// The whole answer of a password login.
async fn login_answer(app: &TestApp, email: &str, password: &str) -> Value {
    let res = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"email": email, "password": password}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "login of {email}");
    res.json().await.unwrap()
}

fn refresh_token_of(answer: &Value) -> String {
    answer["refresh_token"]
        .as_str()
        .unwrap_or_else(|| panic!("a refresh token in {answer}"))
        .to_owned()
}

async fn refresh(app: &TestApp, token: &str) -> reqwest::Response {
    app.post(
        "/api/v1/auth/refresh",
        None,
        &json!({"refresh_token": token}),
    )
    .await
}

async fn refreshed(app: &TestApp, token: &str) -> Value {
    let res = refresh(app, token).await;
    assert_eq!(res.status(), StatusCode::OK, "refresh");
    res.json().await.unwrap()
}

async fn refused(app: &TestApp, token: &str) -> Value {
    let res = refresh(app, token).await;
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    assert_problem(res, StatusCode::UNAUTHORIZED).await
}

async fn logout(app: &TestApp, token: &str) -> StatusCode {
    app.post(
        "/api/v1/auth/logout",
        None,
        &json!({"refresh_token": token}),
    )
    .await
    .status()
}

/// A well-formed token nobody was given.
const UNKNOWN: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

async fn staff_login(app: &TestApp, email: &str) -> Value {
    app.create_staff(email).await;
    login_answer(app, email, PASSWORD).await
}

async fn people_get_a_refresh_token_that_rotates_once(app: TestApp) {
    let login = staff_login(&app, "office@example.org").await;
    let first = refresh_token_of(&login);
    assert_eq!(first.len(), 43, "256 bits in base64url");
    assert!(
        first
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    assert_eq!(login["refresh_expires_in"], 30 * 86_400);

    let res = refresh(&app, &first).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let next: Value = res.json().await.unwrap();
    let second = refresh_token_of(&next);
    assert_ne!(second, first);
    assert_eq!(next["token_type"], "Bearer");
    assert_eq!(next["expires_in"], TEST_TOKEN_TTL);
    let access = next["access_token"].as_str().unwrap();
    let me = app.get_json("/api/v1/me", access).await;
    assert_eq!(me["login"], "office@example.org");

    // The successor rotates again; only digests are stored.
    let third = refresh_token_of(&refreshed(&app, &second).await);
    let pool = app.pool.clone();
    let hashes: Vec<String> = tokio::task::spawn_blocking(move || {
        refresh_tokens::table
            .select(refresh_tokens::token_hash)
            .load(&mut pool.get().unwrap())
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(hashes.len(), 3);
    for token in [&first, &second, &third] {
        assert!(!hashes.contains(token), "a token is stored in clear");
    }
    assert!(hashes.iter().all(|h| h.len() == 64));
}

async fn reusing_a_used_refresh_token_revokes_its_whole_family(app: TestApp) {
    let login = staff_login(&app, "office@example.org").await;
    let stolen = refresh_token_of(&login);
    let other_login = refresh_token_of(&login_answer(&app, "office@example.org", PASSWORD).await);
    let current = refresh_token_of(&refreshed(&app, &stolen).await);

    // The old token comes back (the thief, or the victim after the thief): the family dies.
    refused(&app, &stolen).await;
    refused(&app, &current).await;
    refused(&app, &stolen).await;
    // Another login of the same person is another family and keeps working.
    refreshed(&app, &other_login).await;

    let staff = app.staff_token().await;
    let events = app
        .get_json("/api/v1/audit-events?entity_type=account", &staff)
        .await;
    let detected = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "refresh_token.reuse_detected")
        .count();
    // The first replay is detected and audited; later ones meet a revoked family.
    assert_eq!(detected, 1, "the replay is on the trail: {events}");
}

async fn concurrent_refreshes_with_one_token_leave_one_winner_and_a_revoked_family(app: TestApp) {
    let token = refresh_token_of(&staff_login(&app, "office@example.org").await);
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (client, url, token) = (
            app.client.clone(),
            format!("{}/api/v1/auth/refresh", app.address),
            token.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let res = client
                .post(url)
                .json(&json!({"refresh_token": token}))
                .send()
                .await
                .unwrap();
            let status = res.status();
            (status, res.json::<Value>().await.unwrap())
        }));
    }
    let mut winners = Vec::new();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status {
            StatusCode::OK => winners.push(refresh_token_of(&body)),
            StatusCode::UNAUTHORIZED => {}
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(winners.len(), 1, "the token is used once");
    // The others were replays: the family, the winner's new token with it, is revoked.
    refused(&app, &winners[0]).await;
}

async fn an_expired_refresh_token_gets_the_same_401_as_an_unknown_one(mut app: TestApp) {
    app.restart_with(|s| s.refresh_token_ttl_secs = 2).await;
    let login = staff_login(&app, "office@example.org").await;
    assert_eq!(login["refresh_expires_in"], 2);
    // Still fresh: it works, and its successor lives another 2 s.
    let next = refreshed(&app, &refresh_token_of(&login)).await;
    let successor = refresh_token_of(&next);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let expired = refused(&app, &successor).await;
    let unknown = refused(&app, UNKNOWN).await;
    assert_eq!(expired["detail"], unknown["detail"]);
    assert_eq!(expired["type"], unknown["type"]);
    // Malformed is a different matter: the body is wrong, not the credential.
    let res = refresh(&app, "not a token").await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(pointers(&problem), ["/refresh_token"]);
}

async fn logout_revokes_the_family_only_and_is_idempotent(app: TestApp) {
    let laptop = staff_login(&app, "office@example.org").await;
    let phone = refresh_token_of(&login_answer(&app, "office@example.org", PASSWORD).await);
    let used = refresh_token_of(&laptop);
    let current = refresh_token_of(&refreshed(&app, &used).await);

    // Logging out with any token of the family ends it (no bearer token needed).
    assert_eq!(logout(&app, &current).await, StatusCode::NO_CONTENT);
    let revoked = refused(&app, &current).await;
    assert_eq!(logout(&app, &current).await, StatusCode::NO_CONTENT);
    assert_eq!(logout(&app, &used).await, StatusCode::NO_CONTENT);
    assert_eq!(logout(&app, UNKNOWN).await, StatusCode::NO_CONTENT);
    let unknown = refused(&app, UNKNOWN).await;
    assert_eq!(revoked["detail"], unknown["detail"]);
    // The other device stays logged in.
    let phone = refresh_token_of(&refreshed(&app, &phone).await);
    assert_eq!(logout(&app, &phone).await, StatusCode::NO_CONTENT);
    refused(&app, &phone).await;

    let res = app
        .post("/api/v1/auth/logout", None, &json!({"refresh_token": ""}))
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(pointers(&problem), ["/refresh_token"]);
}

async fn integration_clients_and_ended_participants_get_no_refresh_token(app: TestApp) {
    let staff = app.staff_token().await;
    let created: Value = app
        .post(
            "/api/v1/integration-accounts",
            Some(&staff),
            &json!({"display_name": "Community"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let client: Value = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"client_id": created["client_id"], "client_secret": created["client_secret"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(client["access_token"].is_string());
    assert!(client.get("refresh_token").is_none(), "{client}");
    assert!(client.get("refresh_expires_in").is_none());

    // A participant's refresh token dies with the participation; a new login gives none.
    let (id, _) = app
        .active_participant(&staff, "erika@example.org", "first_project", &["mentee"])
        .await;
    let login = login_answer(&app, "erika@example.org", PASSWORD).await;
    let held = refresh_token_of(&login);
    let access = login["access_token"].as_str().unwrap();
    let res = app
        .post(
            &format!("/api/v1/participants/{id}/ending"),
            Some(access),
            &json!({"ended_on": "2026-11-01", "reason": "Ruhestand"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    refused(&app, &held).await;
    let again = login_answer(&app, "erika@example.org", PASSWORD).await;
    assert!(again.get("refresh_token").is_none(), "{again}");
    // They still reach their own record with the access token.
    let access = again["access_token"].as_str().unwrap();
    let res = app
        .get(&format!("/api/v1/participants/{id}"), Some(access))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    // After rejoining, logins are refreshable again.
    let res = app
        .post(
            &format!("/api/v1/participants/{id}/rejoining"),
            Some(&staff),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let back = login_answer(&app, "erika@example.org", PASSWORD).await;
    refreshed(&app, &refresh_token_of(&back)).await;
}

async fn a_deactivated_account_cannot_refresh(app: TestApp) {
    let staff = app.staff_token().await;
    let colleague = app.create_staff("colleague@example.org").await;
    let login = login_answer(&app, "colleague@example.org", PASSWORD).await;
    let held = refresh_token_of(&login);
    let account = format!("/api/v1/accounts/{colleague}");
    let res = app
        .post(&format!("{account}/deactivation"), Some(&staff), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    refused(&app, &held).await;
    // Enabled again, the old login stays ended: the person logs in anew.
    let res = app
        .post(&format!("{account}/reactivation"), Some(&staff), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    refused(&app, &held).await;
    let fresh = login_answer(&app, "colleague@example.org", PASSWORD).await;
    refreshed(&app, &refresh_token_of(&fresh)).await;
}

async fn erasure_deletes_the_refresh_tokens(app: TestApp) {
    let staff = app.staff_token().await;
    let (id, _) = app
        .active_participant(&staff, "erika@example.org", "first_project", &["mentee"])
        .await;
    let held = refresh_token_of(&login_answer(&app, "erika@example.org", PASSWORD).await);
    let count = |pool: mentoring_api::db::DbPool| async move {
        tokio::task::spawn_blocking(move || {
            refresh_tokens::table
                .count()
                .get_result::<i64>(&mut pool.get().unwrap())
                .unwrap()
        })
        .await
        .unwrap()
    };
    // Staff's own login and the participant's two (registration helper and this one).
    assert_eq!(count(app.pool.clone()).await, 3);
    let res = app
        .post(
            &format!("/api/v1/participants/{id}/erasure"),
            Some(&staff),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        count(app.pool.clone()).await,
        1,
        "only staff's login is left"
    );
    refused(&app, &held).await;
}

async fn change_password(
    app: &TestApp,
    access: &str,
    current: &str,
    new: &str,
) -> reqwest::Response {
    app.post(
        "/api/v1/me/password",
        Some(access),
        &json!({"current_password": current, "new_password": new}),
    )
    .await
}

async fn a_password_change_revokes_every_refresh_token_of_the_account(app: TestApp) {
    let laptop = staff_login(&app, "office@example.org").await;
    let phone = refresh_token_of(&login_answer(&app, "office@example.org", PASSWORD).await);
    let colleague = staff_login(&app, "colleague@example.org").await;
    let access = laptop["access_token"].as_str().unwrap();

    let res = change_password(&app, access, PASSWORD, NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let answer: Value = res.json().await.unwrap();
    refused(&app, &refresh_token_of(&laptop)).await;
    refused(&app, &phone).await;
    // This device goes on with the tokens of the answer; other accounts are untouched.
    refreshed(&app, &refresh_token_of(&answer)).await;
    refreshed(&app, &refresh_token_of(&colleague)).await;

    let old = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"email": "office@example.org", "password": PASSWORD}),
        )
        .await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    login_answer(&app, "office@example.org", NEW_PASSWORD).await;

    let staff = app.staff_token().await;
    let events = app
        .get_json("/api/v1/audit-events?entity_type=account", &staff)
        .await;
    let changed: Vec<&Value> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "account.password_changed")
        .collect();
    assert_eq!(changed.len(), 1, "{events}");
    assert!(!events.to_string().contains(NEW_PASSWORD));

    // A participant changes theirs the same way; integration clients cannot.
    let (_, participant) = app
        .active_participant(&staff, "erika@example.org", "first_project", &["mentee"])
        .await;
    let res = change_password(&app, &participant, PASSWORD, NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK);
    let integration = app.integration_token(&staff).await;
    let res = change_password(&app, &integration, PASSWORD, NEW_PASSWORD).await;
    assert_problem(res, StatusCode::FORBIDDEN).await;
}

async fn a_wrong_current_password_is_refused_and_counts_as_a_failed_login(app: TestApp) {
    let login = staff_login(&app, "office@example.org").await;
    let access = login["access_token"].as_str().unwrap();
    for _ in 0..5 {
        let res = change_password(&app, access, "not the password", NEW_PASSWORD).await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(pointers(&problem), ["/current_password"]);
    }
    // Five failures of this login from this address: the sixth attempt waits, and so does a login.
    let res = change_password(&app, access, PASSWORD, NEW_PASSWORD).await;
    assert!(res.headers().contains_key("retry-after"));
    assert_problem(res, StatusCode::TOO_MANY_REQUESTS).await;
    let res = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"email": "office@example.org", "password": PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // Nothing changed: the login still holds.
    refreshed(&app, &refresh_token_of(&login)).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    login_answer(&app, "office@example.org", PASSWORD).await;
}

async fn a_weak_new_password_is_refused_at_new_password(app: TestApp) {
    let staff = app.staff_token().await;
    let (_, participant) = app
        .active_participant(&staff, "erika@example.org", "first_project", &["mentee"])
        .await;
    let held = refresh_token_of(&login_answer(&app, "erika@example.org", PASSWORD).await);
    for weak in [
        "Passwort12345",
        "Mustermann Gletscher 42",
        "erika Tulpe Mikrowelle 7",
        "kurz",
        PASSWORD,
    ] {
        let res = change_password(&app, &participant, PASSWORD, weak).await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(pointers(&problem), ["/new_password"], "{weak}");
    }
    // Refused changes change nothing.
    refreshed(&app, &held).await;
    login_answer(&app, "erika@example.org", PASSWORD).await;
}
