//! The iCalendar feed: personal revocable tokens, only approved upcoming sessions, no bearer
//! header needed, and a feed an independent parser (Python `icalendar`) reads.

use std::io::Write;
use std::process::{Command, Stdio};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem};
use crate::support::participants::registration;
use crate::support::sessions::{cast, held_session, post_status, proposal, propose};

on_both_backends!(
    feed_lists_approved_upcoming_sessions_and_parses_independently,
    feed_tokens_are_personal_revocable_and_for_members_only,
);

async fn new_token(app: &TestApp, token: &str) -> Value {
    let res = app
        .post("/api/v1/calendar-feed-tokens", Some(token), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

/// The feed's path, from the URL the API handed out.
fn feed_path(created: &Value) -> String {
    let url = created["feed_url"].as_str().unwrap();
    let start = url.find("/api/v1/").expect("an API URL");
    url[start..].to_owned()
}

/// Parses the feed with `tests/ics/check_ics.py`; returns its events.
fn parse_independently(python: &str, ics: &str) -> Vec<Value> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ics/check_ics.py");
    let mut child = Command::new(python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ics.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the feed does not parse: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Vec<Value>>(&out.stdout).unwrap()
}

async fn feed_lists_approved_upcoming_sessions_and_parses_independently(app: TestApp) {
    let c = cast(&app).await;
    let mut upcoming = proposal("webinar", c.topic, 3, &[c.co_mentor_id]);
    upcoming["title"] = json!("Wärmeplanung; Teil 1, mit Komma");
    upcoming["online"] = json!(true);
    let approved = propose(&app, &c.mentor, &upcoming).await;
    assert_eq!(
        post_status(
            &app,
            &format!("/api/v1/sessions/{approved}/approval"),
            &c.staff,
            json!({})
        )
        .await,
        StatusCode::OK
    );
    let proposed = propose(&app, &c.mentor, &proposal("webinar", c.topic, 4, &[])).await;
    let past = held_session(&app, &c).await;

    let created = new_token(&app, &c.mentee).await;
    assert_eq!(created["token"].as_str().unwrap().len(), 64);
    // No bearer header: the token is the credential.
    let res = app.get(&feed_path(&created), None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let ics = res.text().await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR"));
    assert!(ics.contains(&format!("UID:session-{approved}@")));
    for absent in [proposed, past] {
        assert!(!ics.contains(&format!("UID:session-{absent}@")));
    }

    if let Some(python) = crate::support::app::venv_python("icalendar") {
        let events = parse_independently(&python, &ics);
        assert_eq!(events.len(), 1);
        assert_eq!(
            events[0]["uid"],
            format!("session-{approved}@mentoring.skkk")
        );
        assert_eq!(events[0]["summary"], "Wärmeplanung; Teil 1, mit Komma");
        let expected_start =
            chrono::DateTime::parse_from_rfc3339(upcoming["starts_at"].as_str().unwrap()).unwrap();
        let parsed_start =
            chrono::DateTime::parse_from_rfc3339(events[0]["start"].as_str().unwrap()).unwrap();
        assert_eq!(parsed_start.timestamp(), expected_start.timestamp());
        assert_eq!(events[0]["location"], "Berlin / online");
    }
}

async fn feed_tokens_are_personal_revocable_and_for_members_only(app: TestApp) {
    let c = cast(&app).await;
    let first = new_token(&app, &c.mentee).await;
    let second = new_token(&app, &c.mentee).await;
    // A new token replaces the old one.
    let res = app.get(&feed_path(&first), None).await;
    let problem = assert_problem(res, StatusCode::NOT_FOUND).await;
    assert!(
        !problem
            .to_string()
            .contains(first["token"].as_str().unwrap()),
        "the token is not echoed"
    );
    assert_eq!(
        app.get(&feed_path(&second), None).await.status(),
        StatusCode::OK
    );
    let staff_token = new_token(&app, &c.staff).await;
    assert_eq!(
        app.get(&feed_path(&staff_token), None).await.status(),
        StatusCode::OK
    );
    // Revoking is idempotent and kills the feed.
    for _ in 0..2 {
        let res = app
            .request(
                Method::DELETE,
                "/api/v1/calendar-feed-tokens/current",
                Some(&c.mentee),
                None,
            )
            .await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
    }
    assert_problem(
        app.get(&feed_path(&second), None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // Malformed tokens are simply unknown.
    for bad in ["abc", &"g".repeat(64)] {
        let res = app
            .get(&format!("/api/v1/calendar-feeds/{bad}"), None)
            .await;
        assert_problem(res, StatusCode::NOT_FOUND).await;
    }

    // Only staff and active participants get a token.
    let res = app
        .post("/api/v1/calendar-feed-tokens", None, &json!({}))
        .await;
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
    let (_, _, pending) = app
        .register(&registration(
            "pending@example.org",
            "first_project",
            &["mentee"],
        ))
        .await;
    let ended = app.ended_participant(&c.staff, "ended@example.org").await;
    let integration = app.integration_token(&c.staff).await;
    for token in [&pending, &ended, &integration] {
        let res = app
            .post("/api/v1/calendar-feed-tokens", Some(token), &json!({}))
            .await;
        assert_problem(res, StatusCode::FORBIDDEN).await;
    }
    // A participant who ends loses the feed at once.
    let (id, leaving) = app
        .active_participant(
            &c.staff,
            "leaving@example.org",
            "first_project",
            &["mentee"],
        )
        .await;
    let feed = new_token(&app, &leaving).await;
    assert_eq!(
        app.get(&feed_path(&feed), None).await.status(),
        StatusCode::OK
    );
    let res = app
        .post(
            &format!("/api/v1/participants/{id}/ending"),
            Some(&c.staff),
            &json!({"ended_on": "2026-11-01", "reason": "Stellenwechsel"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_problem(
        app.get(&feed_path(&feed), None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}
