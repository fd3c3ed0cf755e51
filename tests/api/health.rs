use reqwest::StatusCode;
use serde_json::Value;

use crate::on_both_backends;
use crate::support::app::TestApp;

on_both_backends!(
    liveness_and_readiness_answer_ok,
    request_id_is_echoed_when_plain_and_generated_otherwise
);

async fn liveness_and_readiness_answer_ok(app: TestApp) {
    for path in ["/health/live", "/health/ready"] {
        let res = app.get(path, None).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["status"], "ok");
    }
}

async fn request_id_is_echoed_when_plain_and_generated_otherwise(app: TestApp) {
    let url = format!("{}/health/live", app.address);
    let res = app
        .client
        .get(&url)
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "abc-123");

    let res = app
        .client
        .get(&url)
        .header("x-request-id", "evil value; with spaces")
        .send()
        .await
        .unwrap();
    let generated = res.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_ne!(generated, "evil value; with spaces");
    assert_eq!(generated.len(), 32);

    let res = app.client.get(&url).send().await.unwrap();
    assert!(res.headers().contains_key("x-request-id"));
}
