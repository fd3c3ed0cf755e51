//! Staff manage staff and integration accounts; every change is audited in its transaction.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{PASSWORD, TestApp, assert_problem};

on_both_backends!(
    staff_creates_staff_with_location_and_audit_row,
    duplicate_email_is_409_and_changes_nothing,
    account_list_pages_with_cursor,
    staff_cannot_disable_themselves,
    only_staff_reach_account_and_audit_endpoints,
);

async fn staff_creates_staff_with_location_and_audit_row(app: TestApp) {
    let token = app.staff_token().await;
    let res = app
        .post(
            "/api/v1/staff-accounts",
            Some(&token),
            &json!({"email": "New@Example.org", "password": PASSWORD, "display_name": "Neu"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = res.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/accounts/{}", created["id"]));
    assert_eq!(created["login"], "new@example.org");
    assert!(created.get("password_hash").is_none());
    assert!(created["disabled_at"].is_null());

    let fetched: Value = app.get(&location, Some(&token)).await.json().await.unwrap();
    assert_eq!(fetched, created);
    app.login("new@example.org", PASSWORD).await;

    let trail: Value = app
        .get(
            &format!(
                "/api/v1/audit-events?entity_type=account&entity_id={}",
                created["id"]
            ),
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    let items = trail["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["action"], "account.created");
    assert_eq!(items[0]["after"]["role"], "staff");
    assert!(items[0]["actor_account_id"].is_i64());
    assert!(
        !trail.to_string().contains("new@example.org"),
        "audit rows hold no personal values"
    );
}

async fn duplicate_email_is_409_and_changes_nothing(app: TestApp) {
    let token = app.staff_token().await;
    let body = json!({"email": "twice@example.org", "password": PASSWORD, "display_name": "A"});
    assert_eq!(
        app.post("/api/v1/staff-accounts", Some(&token), &body)
            .await
            .status(),
        StatusCode::CREATED
    );
    let before: Value = app
        .get("/api/v1/audit-events", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .post("/api/v1/staff-accounts", Some(&token), &body)
        .await;
    assert_problem(res, StatusCode::CONFLICT).await;
    let after: Value = app
        .get("/api/v1/audit-events", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(before, after);
}

async fn account_list_pages_with_cursor(app: TestApp) {
    let token = app.staff_token().await;
    for i in 0..4 {
        app.create_staff(&format!("page{i}@example.org")).await;
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/accounts?role=staff&limit=2".to_owned();
    loop {
        let page: Value = app.get(&path, Some(&token)).await.json().await.unwrap();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|a| a["id"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/accounts?role=staff&limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, seen, "ascending, without repeats");
}

async fn staff_cannot_disable_themselves(app: TestApp) {
    let token = app.staff_token().await;
    let me: Value = app
        .get("/api/v1/me", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .post(
            &format!("/api/v1/accounts/{}/deactivation", me["account_id"]),
            Some(&token),
            &json!({}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT).await;
}

async fn only_staff_reach_account_and_audit_endpoints(app: TestApp) {
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
    let login: Value = app
        .post(
            "/api/v1/auth/token",
            None,
            &json!({"client_id": created["client_id"], "client_secret": created["client_secret"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let integration = login["access_token"].as_str().unwrap().to_owned();
    let id = created["account"]["id"].clone();
    let staff_body = json!({"email": "x@example.org", "password": PASSWORD, "display_name": "X"});
    let operations: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::POST,
            "/api/v1/staff-accounts".into(),
            Some(staff_body),
        ),
        (
            Method::POST,
            "/api/v1/integration-accounts".into(),
            Some(json!({"display_name": "Y"})),
        ),
        (Method::GET, "/api/v1/accounts".into(), None),
        (Method::GET, format!("/api/v1/accounts/{id}"), None),
        (
            Method::POST,
            format!("/api/v1/accounts/{id}/deactivation"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/api/v1/accounts/{id}/reactivation"),
            Some(json!({})),
        ),
        (Method::GET, "/api/v1/audit-events".into(), None),
    ];
    for (method, path, body) in &operations {
        let anonymous = app.request(method.clone(), path, None, body.as_ref()).await;
        assert_eq!(
            anonymous.status(),
            StatusCode::UNAUTHORIZED,
            "anonymous {method} {path}"
        );
        let res = app
            .request(method.clone(), path, Some(&integration), body.as_ref())
            .await;
        assert_problem(res, StatusCode::FORBIDDEN).await;
    }
    let accounts: Value = app
        .get("/api/v1/accounts", Some(&staff))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        accounts["items"].as_array().unwrap().len(),
        2,
        "the forbidden calls created nothing"
    );
}
