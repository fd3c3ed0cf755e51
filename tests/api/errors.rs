//! Every failure is an RFC 9457 problem with the right status, including actix's own.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem};

on_both_backends!(
    malformed_json_is_400,
    wrong_content_type_is_415,
    unknown_field_is_422_with_its_pointer,
    oversized_body_is_413,
    wrong_method_is_405_with_allow,
    unknown_route_is_404,
    bad_path_parameter_is_400,
    bad_pagination_is_400,
    nul_in_a_text_filter_is_400,
    invalid_fields_are_422_with_one_entry_each,
    cors_allows_only_configured_origins,
    array_bodies_are_422_not_read_by_position,
);

async fn malformed_json_is_400(app: TestApp) {
    let token = app.staff_token().await;
    let res = app
        .client
        .post(format!("{}/api/v1/staff-accounts", app.address))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    let body = assert_problem(res, StatusCode::BAD_REQUEST).await;
    assert!(body["detail"].as_str().unwrap().contains("malformed JSON"));
}

async fn wrong_content_type_is_415(app: TestApp) {
    let res = app
        .client
        .post(format!("{}/api/v1/auth/token", app.address))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
}

async fn unknown_field_is_422_with_its_pointer(app: TestApp) {
    let token = app.staff_token().await;
    let body = json!({"display_name": "Community", "colour": "green"});
    let res = app
        .post("/api/v1/integration-accounts", Some(&token), &body)
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["pointer"], "/colour");
}

async fn oversized_body_is_413(app: TestApp) {
    let token = app.staff_token().await;
    let body = json!({"display_name": "x".repeat(100 * 1024)});
    let res = app
        .post("/api/v1/integration-accounts", Some(&token), &body)
        .await;
    assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE).await;
}

async fn wrong_method_is_405_with_allow(app: TestApp) {
    let res = app.request(Method::DELETE, "/api/v1/me", None, None).await;
    assert_eq!(res.headers()["allow"], "GET");
    assert_problem(res, StatusCode::METHOD_NOT_ALLOWED).await;
    let res = app
        .request(Method::PUT, "/api/v1/accounts/7", None, None)
        .await;
    assert_eq!(res.headers()["allow"], "GET");
    assert_problem(res, StatusCode::METHOD_NOT_ALLOWED).await;
}

async fn unknown_route_is_404(app: TestApp) {
    let res = app.get("/api/v1/does-not-exist", None).await;
    let body = assert_problem(res, StatusCode::NOT_FOUND).await;
    assert_eq!(body["instance"], "/api/v1/does-not-exist");
}

async fn bad_path_parameter_is_400(app: TestApp) {
    let token = app.staff_token().await;
    let res = app.get("/api/v1/accounts/not-a-number", Some(&token)).await;
    assert_problem(res, StatusCode::BAD_REQUEST).await;
}

async fn bad_pagination_is_400(app: TestApp) {
    let token = app.staff_token().await;
    for query in [
        "limit=0",
        "limit=201",
        "limit=-1",
        "cursor=garbage",
        "role=boss",
    ] {
        let res = app
            .get(&format!("/api/v1/accounts?{query}"), Some(&token))
            .await;
        assert_problem(res, StatusCode::BAD_REQUEST).await;
    }
}

async fn nul_in_a_text_filter_is_400(app: TestApp) {
    let token = app.staff_token().await;
    for query in ["entity_type=a%00b", "entity_id=%00"] {
        let res = app
            .get(&format!("/api/v1/audit-events?{query}"), Some(&token))
            .await;
        assert_problem(res, StatusCode::BAD_REQUEST).await;
    }
}

async fn invalid_fields_are_422_with_one_entry_each(app: TestApp) {
    let token = app.staff_token().await;
    let body = json!({"email": "not-an-email", "password": "short", "display_name": "  "});
    let res = app
        .post("/api/v1/staff-accounts", Some(&token), &body)
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let pointers: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(pointers, vec!["/display_name", "/email", "/password"]);
    let text = problem.to_string();
    assert!(!text.contains("short"), "a rejected value leaked: {text}");
}

async fn cors_allows_only_configured_origins(app: TestApp) {
    let url = format!("{}/health/live", app.address);
    let allowed = app
        .client
        .get(&url)
        .header("origin", "https://frontend.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://frontend.example"
    );
    let other = app
        .client
        .get(&url)
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(!other.headers().contains_key("access-control-allow-origin"));
}

async fn array_bodies_are_422_not_read_by_position(app: TestApp) {
    let token = app.staff_token().await;
    let cases = [
        (
            "/api/v1/auth/token",
            None,
            json!(["office@example.org", "a password of some length"]),
        ),
        (
            "/api/v1/integration-accounts",
            Some(token.as_str()),
            json!(["Community"]),
        ),
        ("/api/v1/registrations", None, json!([null, "Erika"])),
    ];
    for (path, token, body) in cases {
        let res = app.post(path, token, &body).await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(
            problem["errors"][0]["detail"]
                .as_str()
                .unwrap()
                .contains("JSON object"),
            "{path}"
        );
    }
}
