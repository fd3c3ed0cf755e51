//! Every audit row names the request that made it: the client's `X-Request-Id` when it sent a
//! well-formed one, else the id the service generated and answered with.

use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{PASSWORD, TestApp};
use crate::support::participants::registration;

on_both_backends!(
    audit_row_carries_the_clients_request_id,
    audit_row_carries_the_generated_request_id,
    anonymous_registration_is_audited_with_its_request_id,
);

/// POSTs JSON, with `X-Request-Id` when given.
async fn post_with_id(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    request_id: Option<&str>,
    body: &Value,
) -> Response {
    let mut req = app
        .client
        .post(format!("{}{}", app.address, path))
        .json(body);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if let Some(id) = request_id {
        req = req.header("x-request-id", id);
    }
    req.send().await.expect("request is answered")
}

/// The audit rows about one record, newest first.
async fn trail(app: &TestApp, token: &str, entity_type: &str, id: &Value) -> Vec<Value> {
    let page: Value = app
        .get(
            &format!("/api/v1/audit-events?entity_type={entity_type}&entity_id={id}"),
            Some(token),
        )
        .await
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().clone()
}

async fn create_staff(
    app: &TestApp,
    token: &str,
    email: &str,
    request_id: Option<&str>,
) -> Response {
    let body = json!({"email": email, "password": PASSWORD, "display_name": "Neu"});
    let res = post_with_id(
        app,
        "/api/v1/staff-accounts",
        Some(token),
        request_id,
        &body,
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res
}

async fn audit_row_carries_the_clients_request_id(app: TestApp) {
    let token = app.staff_token().await;
    let res = create_staff(&app, &token, "a@example.org", Some("some-id")).await;
    assert_eq!(res.headers()["x-request-id"], "some-id");
    let created: Value = res.json().await.unwrap();
    let rows = trail(&app, &token, "account", &created["id"]).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["action"], "account.created");
    assert_eq!(rows[0]["request_id"], "some-id");
    assert!(rows[0]["actor_account_id"].is_i64());
}

async fn audit_row_carries_the_generated_request_id(app: TestApp) {
    let token = app.staff_token().await;
    let res = create_staff(&app, &token, "b@example.org", None).await;
    let generated = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(!generated.is_empty());
    let created: Value = res.json().await.unwrap();
    let rows = trail(&app, &token, "account", &created["id"]).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["request_id"], generated.as_str());
}

async fn anonymous_registration_is_audited_with_its_request_id(app: TestApp) {
    let token = app.staff_token().await;
    let body = registration("erika@example.org", "first_project", &["mentee"]);
    let res = post_with_id(&app, "/api/v1/registrations", None, Some("reg-1"), &body).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let own = app.login("erika@example.org", PASSWORD).await;
    let id = json!(app.own_participant_id(&own).await);
    let participant = trail(&app, &token, "participant", &id).await;
    let registered = participant
        .iter()
        .find(|r| r["action"] == "participant.registered")
        .expect("the registration is audited");
    assert_eq!(registered["request_id"], "reg-1");
    assert!(registered["actor_account_id"].is_i64());
    let account = trail(&app, &token, "account", &registered["actor_account_id"]).await;
    assert_eq!(account.len(), 1);
    assert_eq!(account[0]["action"], "account.created");
    assert!(account[0]["actor_account_id"].is_null());
    assert_eq!(account[0]["request_id"], "reg-1");
}
