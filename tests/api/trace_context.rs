//! W3C trace context and the JSON log format: a valid `traceparent` is continued, anything else
//! starts a new trace, the answer names this server's span, and with `LOG_FORMAT=json` the
//! binary writes one JSON object per line carrying the request and trace ids.

use std::process::Stdio;

use reqwest::StatusCode;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

use crate::on_both_backends;
use crate::support::app::TestApp;

on_both_backends!(
    a_valid_traceparent_is_continued_and_others_replaced,
    json_logs_carry_the_request_and_trace_ids
);

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

/// The `traceparent` answered to a request sending `sent` (if any): (trace id, span id, flags).
async fn answered(app: &TestApp, sent: Option<&str>) -> (String, String, String) {
    let mut req = app.client.get(format!("{}/health/live", app.address));
    if let Some(value) = sent {
        req = req.header("traceparent", value);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let value = res.headers()["traceparent"].to_str().unwrap().to_owned();
    let parts: Vec<&str> = value.split('-').collect();
    assert_eq!(parts.len(), 4, "{value}");
    assert_eq!(parts[0], "00");
    (
        parts[1].to_owned(),
        parts[2].to_owned(),
        parts[3].to_owned(),
    )
}

async fn a_valid_traceparent_is_continued_and_others_replaced(app: TestApp) {
    let parent = "00f067aa0ba902b7";
    let (trace, span, flags) = answered(&app, Some(&format!("00-{TRACE}-{parent}-01"))).await;
    assert_eq!(trace, TRACE);
    assert_ne!(span, parent, "the server opens its own span");
    assert_eq!(span.len(), 16);
    assert_eq!(flags, "01");

    for invalid in [
        format!("00-{}-{parent}-01", "0".repeat(32)),
        format!("00-{}-{parent}-01", TRACE.to_uppercase()),
        "not a traceparent".to_owned(),
    ] {
        let (trace, _, flags) = answered(&app, Some(&invalid)).await;
        assert_ne!(trace, TRACE, "{invalid}");
        assert_ne!(trace, "0".repeat(32));
        assert_eq!(flags, "00");
    }
    let (first, _, _) = answered(&app, None).await;
    let (second, _, _) = answered(&app, None).await;
    assert_eq!(first.len(), 32);
    assert_ne!(
        first, second,
        "every request without a trace starts a new one"
    );
}

async fn json_logs_carry_the_request_and_trace_ids(app: TestApp) {
    let mail = tempfile::tempdir().unwrap();
    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_mentoring-api"))
        .arg("serve")
        .env("DATABASE_URL", app.database_url())
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("JWT_SECRET", "log-test-secret-log-test-secret-log-0123")
        .env("MAIL_DIR", mail.path())
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let mut stdout = BufReader::new(server.stdout.take().unwrap()).lines();
    let line = stdout
        .next_line()
        .await
        .unwrap()
        .expect("the listening line");
    let pid = server.id().unwrap();
    let port = line
        .strip_prefix("listening on port ")
        .and_then(|rest| rest.strip_suffix(&format!(" (pid {pid})")))
        .unwrap_or_else(|| panic!("unexpected first line: {line}"));

    let res = app
        .client
        .get(format!("http://127.0.0.1:{port}/health/ready"))
        .header("traceparent", format!("00-{TRACE}-00f067aa0ba902b7-01"))
        .header("x-request-id", "json-log-test")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let span = res.headers()["traceparent"].to_str().unwrap()[36..52].to_owned();
    server.start_kill().unwrap();
    server.wait().await.unwrap();
    let mut stderr = String::new();
    server
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .await
        .unwrap();

    let lines: Vec<Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let access = lines
        .iter()
        .find(|l| l["target"] == "access")
        .unwrap_or_else(|| panic!("no access line in {stderr}"));
    assert_eq!(access["level"], "INFO");
    assert_eq!(access["request_id"], "json-log-test");
    assert_eq!(access["trace_id"], TRACE);
    assert_eq!(access["span_id"], span.as_str());
    assert!(
        access["message"]
            .as_str()
            .unwrap()
            .starts_with("GET /health/ready 200 "),
        "{access}"
    );
    assert!(access["timestamp"].as_str().unwrap().ends_with('Z'));
    // Lines outside a request (start-up) carry no ids.
    assert!(
        lines.iter().any(|l| l.get("trace_id").is_none()),
        "{stderr}"
    );
}
