//! Individual mentoring through the API: opening the format, people with topics and states,
//! requests and pairs.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::app::{TestApp, patch};
use crate::support::participants::registration;
use crate::support::sponsorships::today;

pub const REQUESTS: &str = "/api/v1/mentoring-requests";
pub const PAIRS: &str = "/api/v1/mentoring-pairs";

/// Staff open individual mentoring from today: `credit_hours` per contact, bookable.
pub async fn open_format(app: &TestApp, staff: &str, credit_hours: i32) {
    let res = app.get("/api/v1/formats/individual", Some(staff)).await;
    let tag = res.headers()["etag"].to_str().unwrap().to_owned();
    let res = patch(
        app,
        "/api/v1/formats/individual",
        Some(staff),
        Some(&tag),
        &json!({"valid_from": today(), "credit_hours": credit_hours, "bookable": true}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK, "opening the format");
}

/// An active participant with roles, the state of their project and expertise topics;
/// returns `(id, token)`.
pub async fn person(
    app: &TestApp,
    staff: &str,
    name: &str,
    roles: &[&str],
    state: &str,
    expertise: &[i64],
) -> (i64, String) {
    let kind = if roles.contains(&"mentor") {
        "follow_up_project"
    } else {
        "first_project"
    };
    let mut body = registration(&format!("{name}@example.org"), kind, roles);
    body["project"]["federal_state"] = json!(state);
    body["expertise_topic_ids"] = json!(expertise);
    let (id, project, token) = app.register(&body).await;
    app.activate(staff, id, project, &token).await;
    (id, token)
}

/// The ids of the first `n` accepted topics.
pub async fn topics(app: &TestApp, staff: &str, n: usize) -> Vec<i64> {
    let list = app.get_json("/api/v1/topics?limit=200", staff).await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["status"] == "accepted")
        .take(n)
        .map(|t| t["id"].as_i64().unwrap())
        .collect()
}

/// Asks for a mentor and returns the request id, asserting 201.
pub async fn ask(app: &TestApp, mentee: &str, body: &Value) -> i64 {
    let res = app.post(REQUESTS, Some(mentee), body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "request refused");
    res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// Accepts as `token` (a mentor, or staff with `mentor_id`); returns the response.
pub async fn accept(app: &TestApp, request: i64, token: &str, body: &Value) -> reqwest::Response {
    app.post(
        &format!("{REQUESTS}/{request}/acceptance"),
        Some(token),
        body,
    )
    .await
}

/// Records the agreement with all forms of contact until `end`; asserts 200.
pub async fn agree(app: &TestApp, pair: i64, token: &str, end: chrono::NaiveDate) {
    let path = format!("{PAIRS}/{pair}");
    let res = app.get(&path, Some(token)).await;
    let tag = res.headers()["etag"].to_str().unwrap().to_owned();
    let res = put(
        app,
        &format!("{path}/agreement"),
        token,
        Some(&tag),
        &agreement(end),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK, "agreement");
}

/// An agreement body.
pub fn agreement(end: chrono::NaiveDate) -> Value {
    json!({
        "expectations": "Austausch auf Augenhöhe",
        "scope": "Monatliches Telefonat",
        "contact_kinds": ["phone", "email", "visit", "job_shadowing"],
        "end_date": end,
    })
}

/// PUT with an optional `If-Match`.
pub async fn put(
    app: &TestApp,
    path: &str,
    token: &str,
    if_match: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let mut req = app
        .client
        .request(Method::PUT, format!("{}{}", app.address, path))
        .bearer_auth(token)
        .json(body);
    if let Some(tag) = if_match {
        req = req.header("if-match", tag);
    }
    req.send().await.expect("request is answered")
}

/// A phone contact of one hour on `on`.
pub fn phone_call(on: chrono::NaiveDate) -> Value {
    json!({"kind": "phone", "contact_on": on, "duration_hours": 1, "note": "Fördermittel besprochen"})
}

/// A formed pair: `(pair id, mentee token, mentor token, staff token)`.
pub async fn formed_pair(app: &TestApp) -> (i64, String, String, String) {
    let staff = app.staff_token().await;
    let t = topics(app, &staff, 1).await;
    let (_, mentee) = person(app, &staff, "mentee", &["mentee"], "NW", &[]).await;
    let (mentor_id, _) = person(app, &staff, "mentor", &["mentor"], "NW", &t).await;
    open_format(app, &staff, 2).await;
    let request = ask(app, &mentee, &json!({"topic_ids": t})).await;
    let res = accept(app, request, &staff, &json!({"mentor_id": mentor_id})).await;
    assert_eq!(res.status(), StatusCode::CREATED, "staff assign the mentor");
    let pair = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let mentor = app
        .login("mentor@example.org", crate::support::app::PASSWORD)
        .await;
    (pair, mentee, mentor, staff)
}
