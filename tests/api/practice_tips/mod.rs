//! Practice tips: the workflow from draft to publication and withdrawal with the author's credit,
//! uploads (PDF only, size-limited, page-count warnings), search, and who may do what.

mod access;
mod on_behalf;
mod search;
mod uploads;
mod workflow;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::app::TestApp;

/// A real PDF of `pages` pages.
pub fn pdf_with_pages(pages: usize) -> Vec<u8> {
    crate::support::pdf::build(pages, "Praxistipp", false, crate::support::pdf::Extra::None)
}

/// The people of a practice-tip test.
pub struct Cast {
    pub staff: String,
    pub author_id: i64,
    pub author: String,
    pub other_mentor_id: i64,
    pub other_mentor: String,
    pub mentee_id: i64,
    pub mentee: String,
    pub topic: i64,
}

/// Staff, two active mentors, an active mentee, and an accepted topic.
pub async fn cast(app: &TestApp) -> Cast {
    let staff = app.staff_token().await;
    let (author_id, author) = app
        .active_participant(
            &staff,
            "author@example.org",
            "follow_up_project",
            &["mentor"],
        )
        .await;
    let (other_mentor_id, other_mentor) = app
        .active_participant(
            &staff,
            "other@example.org",
            "follow_up_project",
            &["mentor"],
        )
        .await;
    let (mentee_id, mentee) = app
        .active_participant(&staff, "mentee@example.org", "first_project", &["mentee"])
        .await;
    let topics = app.get_json("/api/v1/topics?limit=200", &staff).await;
    let topic = topics["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["status"] == "accepted")
        .expect("a seeded accepted topic")["id"]
        .as_i64()
        .unwrap();
    Cast {
        staff,
        author_id,
        author,
        other_mentor_id,
        other_mentor,
        mentee_id,
        mentee,
        topic,
    }
}

/// A new-tip body.
pub fn new_tip(title: &str, kind: &str, topic: i64) -> Value {
    json!({
        "title": title,
        "question": "Wie bringe ich Klimaschutz in den Haushaltsplan?",
        "topic_ids": [topic],
        "kind": kind,
        "abstract": "Schritt für Schritt vom Maßnahmenplan zur Haushaltsstelle.",
    })
}

/// Creates a tip as `token` and returns its id.
pub async fn create(app: &TestApp, token: &str, body: &Value) -> i64 {
    let res = app.post("/api/v1/practice-tips", Some(token), body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "create refused");
    assert!(res.headers().get("etag").is_some());
    res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// Uploads a PDF of `pages` pages and returns the status and body.
pub async fn upload_pages(
    app: &TestApp,
    token: &str,
    id: i64,
    pages: usize,
) -> (StatusCode, Value) {
    let res = app
        .upload(
            &format!("/api/v1/practice-tips/{id}/document"),
            token,
            "application/pdf",
            pdf_with_pages(pages),
        )
        .await;
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// POSTs a transition and returns the status.
pub async fn step(app: &TestApp, token: &str, id: i64, name: &str, body: Value) -> StatusCode {
    app.post(
        &format!("/api/v1/practice-tips/{id}/{name}"),
        Some(token),
        &body,
    )
    .await
    .status()
}

/// A tip by the cast's author, uploaded, submitted and published; returns its id.
pub async fn published(app: &TestApp, c: &Cast, title: &str) -> i64 {
    let id = create(app, &c.author, &new_tip(title, "text", c.topic)).await;
    assert_eq!(upload_pages(app, &c.author, id, 3).await.0, StatusCode::OK);
    assert_eq!(
        step(app, &c.author, id, "submission", json!({})).await,
        StatusCode::OK
    );
    assert_eq!(
        step(app, &c.staff, id, "publication", json!({})).await,
        StatusCode::OK
    );
    id
}

/// PATCH with an `If-Match` header.
pub async fn patch(
    app: &TestApp,
    token: &str,
    id: i64,
    if_match: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let mut req = app
        .client
        .request(
            Method::PATCH,
            format!("{}/api/v1/practice-tips/{id}", app.address),
        )
        .bearer_auth(token)
        .json(body);
    if let Some(tag) = if_match {
        req = req.header("if-match", tag);
    }
    req.send().await.unwrap()
}

/// The audit actions recorded for a tip, in order.
pub async fn audit_actions(app: &TestApp, staff: &str, id: i64) -> Vec<String> {
    app.get_json(
        &format!("/api/v1/audit-events?entity_type=practice_tip&entity_id={id}&limit=200"),
        staff,
    )
    .await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}
