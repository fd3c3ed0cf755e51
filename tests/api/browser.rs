//! What a browser front end on another origin needs: a preflight that allows the headers the
//! contract uses, the response headers it may read, and revalidation with `If-None-Match`.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::on_both_backends;
use crate::support::app::TestApp;
use crate::support::participants::registration;

const ORIGIN: &str = "https://frontend.example";

fn header_list(res: &reqwest::Response, name: &str) -> Vec<String> {
    res.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_lowercase())
        .unwrap_or_default()
        .split(',')
        .map(|h| h.trim().to_owned())
        .collect()
}

async fn preflight_allows_the_contract_headers(app: TestApp) {
    let res = app
        .client
        .request(
            Method::OPTIONS,
            format!("{}/api/v1/participants/1", app.address),
        )
        .header("origin", ORIGIN)
        .header("access-control-request-method", "PATCH")
        .header(
            "access-control-request-headers",
            "authorization,content-type,if-match,if-none-match,idempotency-key,x-request-id,traceparent",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["access-control-allow-origin"], ORIGIN);
    let allowed = header_list(&res, "access-control-allow-headers");
    for name in [
        "authorization",
        "content-type",
        "if-match",
        "if-none-match",
        "idempotency-key",
        "x-request-id",
        "traceparent",
    ] {
        assert!(
            allowed.contains(&name.to_owned()),
            "{name} not in {allowed:?}"
        );
    }

    let res = app
        .client
        .get(format!("{}/api/v1/formats", app.address))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    let exposed = header_list(&res, "access-control-expose-headers");
    for name in [
        "etag",
        "x-request-id",
        "traceparent",
        "location",
        "content-disposition",
        "ratelimit",
    ] {
        assert!(
            exposed.contains(&name.to_owned()),
            "{name} not in {exposed:?}"
        );
    }
}

async fn if_none_match_revalidates_a_record(app: TestApp) {
    let staff = app.staff_token().await;
    let (id, _, _) = app
        .register(&registration(
            "etag@example.org",
            "permanent_position",
            &["mentee"],
        ))
        .await;
    let url = format!("{}/api/v1/participants/{id}", app.address);
    let first = app
        .client
        .get(&url)
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();

    let again = app
        .client
        .get(&url)
        .bearer_auth(&staff)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    assert!(again.bytes().await.unwrap().is_empty());

    let res = app
        .client
        .patch(&url)
        .bearer_auth(&staff)
        .header("if-match", &etag)
        .json(&json!({"phone": "0251 7654321"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let changed = app
        .client
        .get(&url)
        .bearer_auth(&staff)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(
        changed.status(),
        StatusCode::OK,
        "a changed record is sent again"
    );
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);

    // Writes are never turned into 304, whatever they send.
    let res = app
        .client
        .post(format!(
            "{}/api/v1/participants/{id}/activation",
            app.address
        ))
        .bearer_auth(&staff)
        .header("if-none-match", "*")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_ne!(res.status(), StatusCode::NOT_MODIFIED);
}

on_both_backends!(
    preflight_allows_the_contract_headers,
    if_none_match_revalidates_a_record,
);
