//! Webhooks: staff register endpoints; the worker pushes events signed the Standard Webhooks way
//! (checked with the independent `standardwebhooks` Python package), retries with backoff or
//! after `Retry-After`, disables endpoints that answer 410 or fail repeatedly, lets staff replay
//! failed deliveries, and loses nothing across a restart.

mod community;
mod idle;
mod payloads;
mod python_receiver;
pub mod receiver;
mod sources;

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem, venv_python};
use python_receiver::PythonReceiver;
use receiver::{Answer, Receiver, status};

on_both_backends!(
    pushes_verify_with_the_standard_webhooks_library_and_stop_after_success,
    endpoints_get_their_event_types_from_registration_on,
    retry_after_is_honoured_and_the_signature_is_fresh_per_attempt,
    gone_disables_the_endpoint_and_failed_deliveries_are_replayed,
    repeated_failure_disables_and_enabling_delivers_what_queued,
    a_restart_loses_no_pending_delivery,
    endpoints_are_checked_versioned_audited_and_keep_their_secret,
);

const ACTIVATED: &str = "participant.activated";

/// Registers an endpoint; returns its id and secret.
async fn register(app: &TestApp, staff: &str, url: &str, types: &[&str]) -> (i64, String) {
    let res = app
        .post(
            "/api/v1/webhooks",
            Some(staff),
            &json!({"url": url, "event_types": types}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let body: Value = res.json().await.unwrap();
    let id = body["endpoint"]["id"].as_i64().unwrap();
    (id, body["secret"].as_str().unwrap().to_owned())
}

/// Activates a new participant (one `participant.activated` event); returns the event's webhook-id.
async fn activation(app: &TestApp, staff: &str, email: &str) -> String {
    let (id, _) = app
        .active_participant(staff, email, "first_project", &["mentee"])
        .await;
    let events = app.get_json("/api/v1/events?limit=200", staff).await;
    let event = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["type"] == ACTIVATED && e["subject_id"] == id)
        .expect("the activation is in the feed")
        .clone();
    format!("evt_{}", event["id"])
}

async fn endpoint(app: &TestApp, staff: &str, id: i64) -> Value {
    app.get_json(&format!("/api/v1/webhooks/{id}"), staff).await
}

async fn deliveries(app: &TestApp, staff: &str, id: i64, filter: &str) -> Vec<Value> {
    let page = app
        .get_json(&format!("/api/v1/webhooks/{id}/deliveries{filter}"), staff)
        .await;
    page["items"].as_array().unwrap().clone()
}

/// Polls the endpoint's deliveries until `done` holds (up to 20 s).
async fn wait_for_deliveries(
    app: &TestApp,
    staff: &str,
    id: i64,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    for _ in 0..400 {
        let items = deliveries(app, staff, id, "").await;
        if done(&items) {
            return items;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "deliveries never reached the expected state: {:?}",
        deliveries(app, staff, id, "").await
    );
}

fn statuses(items: &[Value]) -> Vec<&str> {
    items
        .iter()
        .map(|d| d["status"].as_str().unwrap())
        .collect()
}

async fn pushes_verify_with_the_standard_webhooks_library_and_stop_after_success(app: TestApp) {
    let Some(python) = venv_python("standardwebhooks") else {
        return;
    };
    let staff = app.staff_token().await;
    let mut receiver = PythonReceiver::start(&python, "500,500,200", false).await;
    let url = receiver.url.clone();
    let (id, secret) = register(&app, &staff, &url, &[ACTIVATED]).await;
    receiver.configure(&[&secret]).await;

    let webhook_id = activation(&app, &staff, "verified@example.org").await;
    let mut pushes = Vec::new();
    for _ in 0..3 {
        pushes.push(receiver.next_push().await);
    }
    for (push, answered) in pushes.iter().zip([500, 500, 200]) {
        assert_eq!(push["verified"], true, "{push}");
        assert_eq!(push["webhook_id"], webhook_id);
        assert_eq!(push["type"], ACTIVATED);
        assert_eq!(push["status"], answered);
    }
    // The check can fail: a push with a wrong signature is refused by the library.
    let forged = forge(&url, &webhook_id).await;
    assert_eq!(forged, StatusCode::OK);
    let refused = receiver.next_push().await;
    assert_eq!(refused["verified"], false, "{refused}");

    let items = wait_for_deliveries(&app, &staff, id, |d| statuses(d) == ["succeeded"]).await;
    assert_eq!(items[0]["attempts"], 3);
    assert_eq!(items[0]["last_status_code"], 200);
    assert!(items[0]["delivered_at"].is_string());
    assert!(items[0]["next_attempt_at"].is_null());
    // Nothing after the success: longer than the longest retry wait, and no further line.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(receiver.stop().await, None);
}

/// Posts a push with a made-up signature to `url`; the status the receiver answered.
async fn forge(url: &str, webhook_id: &str) -> StatusCode {
    reqwest::Client::new()
        .post(url)
        .header("webhook-id", webhook_id)
        .header(
            "webhook-timestamp",
            chrono::Utc::now().timestamp().to_string(),
        )
        .header(
            "webhook-signature",
            "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        )
        .body(r#"{"type":"participant.activated"}"#)
        .send()
        .await
        .unwrap()
        .status()
}

async fn endpoints_get_their_event_types_from_registration_on(app: TestApp) {
    let staff = app.staff_token().await;
    let before = activation(&app, &staff, "before@example.org").await;
    let all = Receiver::start(&[status(204)]);
    let sessions_only = Receiver::start(&[status(200)]);
    let (all_id, _) = register(&app, &staff, &all.url, &[ACTIVATED, "participant.ended"]).await;
    let (sessions_id, _) = register(&app, &staff, &sessions_only.url, &["session.approved"]).await;
    let after = activation(&app, &staff, "after@example.org").await;
    let calls = all.wait_for(1).await;
    assert_ne!(before, after);
    assert_eq!(
        calls[0].webhook_id, after,
        "only events from registration on"
    );
    let message = calls[0].json();
    assert_eq!(message["type"], ACTIVATED);
    assert_eq!(message["data"]["type"], ACTIVATED);
    assert_eq!(message["data"]["subject_type"], "participant");
    assert_eq!(message["timestamp"], message["data"]["occurred_at"]);
    assert_eq!(
        message.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["data", "timestamp", "type"],
        "thin payload: no personal data"
    );
    wait_for_deliveries(&app, &staff, all_id, |d| statuses(d) == ["succeeded"]).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(all.calls().len(), 1);
    assert!(sessions_only.calls().is_empty());
    assert!(deliveries(&app, &staff, sessions_id, "").await.is_empty());
}

async fn retry_after_is_honoured_and_the_signature_is_fresh_per_attempt(app: TestApp) {
    let staff = app.staff_token().await;
    let receiver = Receiver::start(&[
        Answer {
            status: 503,
            retry_after: Some(1),
        },
        status(200),
    ]);
    let (id, secret) = register(&app, &staff, &receiver.url, &[ACTIVATED]).await;
    activation(&app, &staff, "busy@example.org").await;
    let calls = receiver.wait_for(2).await;
    let waited = calls[1].at - calls[0].at;
    assert!(
        waited >= Duration::from_millis(950),
        "retried after {waited:?}, before Retry-After: 1 (backoff alone would be 100 ms)"
    );
    for call in &calls {
        let timestamp: i64 = call.timestamp.parse().unwrap();
        let expected =
            mentoring_api::domain::webhooks::sign(&secret, &call.webhook_id, timestamp, &call.body)
                .unwrap();
        assert_eq!(call.signature, expected);
        assert!((chrono::Utc::now().timestamp() - timestamp).abs() < 30);
    }
    let items = wait_for_deliveries(&app, &staff, id, |d| statuses(d) == ["succeeded"]).await;
    assert_eq!(items[0]["attempts"], 2);
}

async fn gone_disables_the_endpoint_and_failed_deliveries_are_replayed(app: TestApp) {
    let staff = app.staff_token().await;
    let receiver = Receiver::start(&[status(410)]);
    let (id, _) = register(&app, &staff, &receiver.url, &[ACTIVATED]).await;
    let webhook_id = activation(&app, &staff, "gone@example.org").await;
    let items = wait_for_deliveries(&app, &staff, id, |d| statuses(d) == ["failed"]).await;
    assert_eq!(items[0]["attempts"], 1, "410 is not retried");
    assert_eq!(items[0]["last_status_code"], 410);
    let disabled = endpoint(&app, &staff, id).await;
    assert_eq!(disabled["enabled"], false);
    assert_eq!(disabled["disabled_reason"], "gone");
    let failed = deliveries(&app, &staff, id, "?status=failed").await;
    assert_eq!(failed.len(), 1);
    let replay = format!(
        "/api/v1/webhooks/{id}/deliveries/{}/replay",
        failed[0]["id"]
    );
    // Not while the endpoint is disabled.
    let res = app.post(&replay, Some(&staff), &json!({})).await;
    assert_problem(res, StatusCode::CONFLICT).await;

    receiver.answer(&[status(200)]);
    enable(&app, &staff, id).await;
    let res = app.post(&replay, Some(&staff), &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let replayed: Value = res.json().await.unwrap();
    assert_eq!(replayed["status"], "pending");
    assert_eq!(replayed["attempts"], 0);
    let items = wait_for_deliveries(&app, &staff, id, |d| statuses(d) == ["succeeded"]).await;
    assert_eq!(items[0]["attempts"], 1);
    let calls = receiver.calls();
    assert_eq!(calls.len(), 2);
    assert!(
        calls.iter().all(|c| c.webhook_id == webhook_id),
        "replays keep the id"
    );
    // Only failed deliveries can be replayed.
    let res = app.post(&replay, Some(&staff), &json!({})).await;
    assert_problem(res, StatusCode::CONFLICT).await;
}

/// Enables an endpoint with `If-Match`.
async fn enable(app: &TestApp, staff: &str, id: i64) -> Value {
    let path = format!("/api/v1/webhooks/{id}");
    let res = app.get(&path, Some(staff)).await;
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let res = app
        .client
        .patch(format!("{}{path}", app.address))
        .bearer_auth(staff)
        .header("If-Match", etag)
        .json(&json!({"enabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn repeated_failure_disables_and_enabling_delivers_what_queued(app: TestApp) {
    // Test policy: 4 attempts per delivery, disabled after 6 failures in a row.
    let staff = app.staff_token().await;
    let receiver = Receiver::start(&[status(500)]);
    let (id, _) = register(&app, &staff, &receiver.url, &[ACTIVATED]).await;
    activation(&app, &staff, "first@example.org").await;
    wait_for_deliveries(&app, &staff, id, |d| statuses(d) == ["failed"]).await;
    activation(&app, &staff, "second@example.org").await;
    for _ in 0..400 {
        if endpoint(&app, &staff, id).await["enabled"] == false {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let disabled = endpoint(&app, &staff, id).await;
    assert_eq!(disabled["disabled_reason"], "failing", "{disabled}");
    assert_eq!(disabled["consecutive_failures"], 6);
    let items = deliveries(&app, &staff, id, "").await;
    assert_eq!(statuses(&items), ["failed", "pending"]);
    assert_eq!(items[0]["attempts"], 4);
    assert_eq!(items[1]["attempts"], 2);
    assert_eq!(receiver.calls().len(), 6);
    // While disabled, new events queue up and nothing is sent.
    activation(&app, &staff, "third@example.org").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.calls().len(), 6);
    let audit = app
        .get_json("/api/v1/audit-events?entity_type=webhook_endpoint", &staff)
        .await;
    assert!(
        audit["items"].as_array().unwrap().iter().any(|e| {
            e["action"] == "webhook_endpoint.disabled" && e["actor_account_id"].is_null()
        }),
        "{audit}"
    );

    let bulk = format!("/api/v1/webhooks/{id}/deliveries/replay");
    let res = app.post(&bulk, Some(&staff), &json!({})).await;
    assert_problem(res, StatusCode::CONFLICT).await;

    receiver.answer(&[status(200)]);
    let enabled = enable(&app, &staff, id).await;
    assert_eq!(enabled["consecutive_failures"], 0);
    assert!(enabled["disabled_reason"].is_null());
    let items = wait_for_deliveries(&app, &staff, id, |d| {
        statuses(d) == ["failed", "succeeded", "succeeded"]
    })
    .await;
    assert_eq!(items[1]["attempts"], 3);
    // After the outage, every failed delivery goes out again with one call.
    let res = app.post(&bulk, Some(&staff), &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["replayed"], 1);
    let items = wait_for_deliveries(&app, &staff, id, |d| {
        statuses(d) == ["succeeded", "succeeded", "succeeded"]
    })
    .await;
    assert_eq!(items[0]["attempts"], 1);
}

async fn a_restart_loses_no_pending_delivery(mut app: TestApp) {
    let staff = app.staff_token().await;
    // Failing, with a second between attempts: the delivery is pending when the server stops.
    let receiver = Receiver::start(&[Answer {
        status: 500,
        retry_after: Some(1),
    }]);
    let (id, _) = register(&app, &staff, &receiver.url, &[ACTIVATED]).await;
    let webhook_id = activation(&app, &staff, "restart@example.org").await;
    receiver.wait_for(1).await;
    app.stop().await;
    let while_running = receiver.calls().len();
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        receiver.calls().len(),
        while_running,
        "the worker stopped with the server"
    );
    assert!(while_running < 4, "the delivery is still pending");

    receiver.answer(&[status(200)]);
    app.start_again();
    let items = wait_for_deliveries(&app, &staff, id, |d| statuses(d) == ["succeeded"]).await;
    let calls = receiver.calls();
    assert_eq!(items[0]["attempts"], calls.len());
    assert_eq!(calls.last().unwrap().answered, 200);
    assert!(calls.iter().all(|c| c.webhook_id == webhook_id));
    receiver.stop().await;
}

async fn endpoints_are_checked_versioned_audited_and_keep_their_secret(app: TestApp) {
    let staff = app.staff_token().await;
    let own = format!("{}/api/v1/events", app.address);
    for (body, pointer) in [
        (json!({"url": own, "event_types": [ACTIVATED]}), "/url"),
        (
            json!({"url": "ftp://community.example/x", "event_types": [ACTIVATED]}),
            "/url",
        ),
        (
            json!({"url": "https://community.example/x", "event_types": []}),
            "/event_types",
        ),
    ] {
        let res = app.post("/api/v1/webhooks", Some(&staff), &body).await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(problem["errors"][0]["pointer"], pointer, "{problem}");
    }
    let res = app
        .post(
            "/api/v1/webhooks",
            Some(&staff),
            &json!({"url": "https://community.example/x", "event_types": ["participant.eaten"]}),
        )
        .await;
    assert!(res.status().is_client_error());
    assert!(
        app.get_json("/api/v1/webhooks", &staff).await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let (id, secret) = register(
        &app,
        &staff,
        "https://community.example/hooks",
        &["session.approved", ACTIVATED, ACTIVATED],
    )
    .await;
    assert!(secret.starts_with("whsec_"));
    let path = format!("/api/v1/webhooks/{id}");
    let res = app.get(&path, Some(&staff)).await;
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let shown: Value = res.json().await.unwrap();
    assert_eq!(shown["event_types"], json!([ACTIVATED, "session.approved"]));
    assert!(
        !shown.to_string().contains(&secret),
        "the secret is shown once"
    );
    let list = app.get_json("/api/v1/webhooks", &staff).await;
    assert!(!list.to_string().contains(&secret));

    let patch = |if_match: Option<String>, body: Value| {
        let mut req = app
            .client
            .request(Method::PATCH, format!("{}{path}", app.address))
            .bearer_auth(&staff)
            .json(&body);
        if let Some(tag) = if_match {
            req = req.header("If-Match", tag);
        }
        req.send()
    };
    let res = patch(None, json!({"enabled": false})).await.unwrap();
    assert_problem(res, StatusCode::PRECONDITION_REQUIRED).await;
    let res = patch(Some(etag.clone()), json!({"enabled": false}))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let changed: Value = res.json().await.unwrap();
    assert_eq!(changed["disabled_reason"], "staff");
    let res = patch(Some(etag), json!({"url": "https://other.example/"}))
        .await
        .unwrap();
    assert_problem(res, StatusCode::PRECONDITION_FAILED).await;

    let res = app
        .post(&format!("{path}/secret-rotation"), Some(&staff), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let rotated: Value = res.json().await.unwrap();
    assert_ne!(rotated["secret"], secret);

    let res = app.request(Method::DELETE, &path, Some(&staff), None).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = app.get(&path, Some(&staff)).await;
    assert_problem(res, StatusCode::NOT_FOUND).await;
    let audit = app
        .get_json(
            &format!("/api/v1/audit-events?entity_type=webhook_endpoint&entity_id={id}"),
            &staff,
        )
        .await;
    let mut actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    actions.sort_unstable();
    assert_eq!(
        actions,
        [
            "webhook_endpoint.created",
            "webhook_endpoint.deleted",
            "webhook_endpoint.secret_rotated",
            "webhook_endpoint.updated"
        ]
    );
    assert!(
        !audit.to_string().contains("community.example"),
        "no URLs in the trail"
    );
    assert!(!audit.to_string().contains(&secret));
}
