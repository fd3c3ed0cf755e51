//! Changing one's e-mail address: the link goes to the new address and works once within a day,
//! the login and the participant record follow, the old address hears of it, and an address in
//! use is never revealed nor taken.

use chrono::Utc;
use diesel::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{PASSWORD, TestApp, assert_problem};
use crate::support::participants::registration;

on_both_backends!(
    a_confirmed_change_moves_the_login_and_the_record_once,
    wrong_password_same_or_taken_address_change_nothing,
    an_address_taken_before_the_confirmation_is_refused,
    an_expired_link_is_refused_and_works_for_nothing_else,
);

const CONFIRM_SUBJECT: &str = "Neue E-Mail-Adresse für das KSM-Mentoring-Programm bestätigen";
const CHANGED_SUBJECT: &str = "Ihre E-Mail-Adresse für das KSM-Mentoring-Programm wurde geändert";

async fn ask(app: &TestApp, token: &str, new_email: &str, password: &str) -> reqwest::Response {
    app.post(
        "/api/v1/me/email-change",
        Some(token),
        &json!({"new_email": new_email, "current_password": password}),
    )
    .await
}

async fn confirm(app: &TestApp, token: &str) -> reqwest::Response {
    app.post(
        "/api/v1/email-changes/confirm",
        None,
        &json!({"token": token}),
    )
    .await
}

async fn login_status(app: &TestApp, email: &str) -> StatusCode {
    app.post(
        "/api/v1/auth/token",
        None,
        &json!({"email": email, "password": PASSWORD}),
    )
    .await
    .status()
}

/// Asks for a change to `new_email` and returns the token of the link that arrived there.
async fn requested(app: &TestApp, token: &str, new_email: &str) -> String {
    let res = ask(app, token, new_email, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    app.mail.message(new_email, CONFIRM_SUBJECT).await.token()
}

async fn a_confirmed_change_moves_the_login_and_the_record_once(app: TestApp) {
    let staff = app.staff_token().await;
    let (id, token) = app
        .active_participant(&staff, "old@example.org", "first_project", &["mentee"])
        .await;
    let res = ask(&app, &token, "Erika.Neu@Example.org", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let body: Value = res.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("neue Adresse"));
    let mail = app
        .mail
        .message("erika.neu@example.org", CONFIRM_SUBJECT)
        .await;
    assert!(
        mail.text.contains("Guten Tag Erika Mustermann,"),
        "{}",
        mail.text
    );
    assert!(mail.text.contains("24 Stunden"), "{}", mail.text);
    assert!(
        mail.text
            .contains("https://mentoring.example/email-bestaetigen#token="),
        "the token travels in the fragment: {}",
        mail.text
    );
    let link_token = mail.token();
    app.mail_settled().await;
    assert_eq!(
        login_status(&app, "old@example.org").await,
        StatusCode::OK,
        "not yet"
    );

    let res = confirm(&app, &link_token).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        login_status(&app, "erika.neu@example.org").await,
        StatusCode::OK
    );
    assert_eq!(
        login_status(&app, "old@example.org").await,
        StatusCode::UNAUTHORIZED
    );
    let record = app
        .get_json(&format!("/api/v1/participants/{id}"), &token)
        .await;
    assert_eq!(record["email"], "erika.neu@example.org");
    let notice = app.mail.message("old@example.org", CHANGED_SUBJECT).await;
    assert!(notice.text.contains("Guten Tag Erika Mustermann,"));
    assert!(
        !notice.text.contains("erika.neu"),
        "the notice does not spread the new address: {}",
        notice.text
    );
    let me = app.get_json("/api/v1/me", &token).await;
    assert_eq!(me["login"], "erika.neu@example.org");
    let audit = app
        .get_json(
            &format!(
                "/api/v1/audit-events?entity_type=account&entity_id={}",
                me["account_id"]
            ),
            &staff,
        )
        .await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"account.email_change_requested"),
        "{actions:?}"
    );
    assert!(actions.contains(&"account.email_changed"), "{actions:?}");

    let again = confirm(&app, &link_token).await;
    let problem = assert_problem(again, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["pointer"], "/token");
}

async fn wrong_password_same_or_taken_address_change_nothing(app: TestApp) {
    let staff = app.staff_token().await;
    let (_, token) = app
        .active_participant(&staff, "a@example.org", "first_project", &["mentee"])
        .await;
    app.active_participant(&staff, "b@example.org", "first_project", &["mentee"])
        .await;
    app.mail_settled().await;
    let before = app.mail.received().len();

    let wrong = ask(&app, &token, "new@example.org", "not the password").await;
    let problem = assert_problem(wrong, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["pointer"], "/current_password");
    let same = ask(&app, &token, "A@example.org", PASSWORD).await;
    let problem = assert_problem(same, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["pointer"], "/new_email");
    let bad = ask(&app, &token, "not an address", PASSWORD).await;
    let problem = assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["pointer"], "/new_email");

    // Someone else's address: the same answer as for a free one, and nothing is sent.
    let taken = ask(&app, &token, "b@example.org", PASSWORD).await;
    assert_eq!(taken.status(), StatusCode::ACCEPTED);
    let taken: Value = taken.json().await.unwrap();
    let free = ask(&app, &token, "free@example.org", PASSWORD).await;
    assert_eq!(
        free.json::<Value>().await.unwrap(),
        taken,
        "indistinguishable"
    );
    app.mail.message("free@example.org", CONFIRM_SUBJECT).await;
    app.mail_settled().await;
    let sent: Vec<String> = app.mail.received()[before..]
        .iter()
        .map(|m| m.to.clone())
        .collect();
    assert_eq!(sent, vec!["free@example.org".to_owned()]);
    assert_eq!(login_status(&app, "a@example.org").await, StatusCode::OK);
}

async fn an_address_taken_before_the_confirmation_is_refused(app: TestApp) {
    let staff = app.staff_token().await;
    let (_, token) = app
        .active_participant(&staff, "mover@example.org", "first_project", &["mentee"])
        .await;
    let link = requested(&app, &token, "wanted@example.org").await;
    app.register(&registration(
        "wanted@example.org",
        "first_project",
        &["mentee"],
    ))
    .await;
    let res = confirm(&app, &link).await;
    assert_problem(res, StatusCode::CONFLICT).await;
    assert_eq!(
        login_status(&app, "mover@example.org").await,
        StatusCode::OK
    );
    app.mail_settled().await;
    assert!(
        app.mail
            .received_by("mover@example.org")
            .iter()
            .all(|m| m.subject != CHANGED_SUBJECT),
        "nothing changed, nothing to report"
    );
}

async fn an_expired_link_is_refused_and_works_for_nothing_else(app: TestApp) {
    let staff = app.staff_token().await;
    let (_, token) = app
        .active_participant(&staff, "slow@example.org", "first_project", &["mentee"])
        .await;
    let link = requested(&app, &token, "later@example.org").await;
    // Not a password link: it sets no password.
    let as_reset = app
        .post(
            "/api/v1/password-resets/confirm",
            None,
            &json!({"token": link, "password": "Gletscher Tulpe Mikrowelle 42"}),
        )
        .await;
    assert_problem(as_reset, StatusCode::UNPROCESSABLE_ENTITY).await;
    // A day later: the link has expired.
    let expired = (Utc::now() - chrono::Duration::minutes(1)).naive_utc();
    let mut conn = app.pool.get().unwrap();
    diesel::sql_query(format!(
        "UPDATE account_tokens SET expires_at = '{}'",
        expired.format("%Y-%m-%d %H:%M:%S")
    ))
    .execute(&mut conn)
    .unwrap();
    let res = confirm(&app, &link).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["pointer"], "/token");
    assert_eq!(login_status(&app, "slow@example.org").await, StatusCode::OK);
    assert_eq!(
        login_status(&app, "later@example.org").await,
        StatusCode::UNAUTHORIZED
    );
}
