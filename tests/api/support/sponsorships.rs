//! Building forum sponsorships through the API.

use chrono::{Duration, Months, NaiveDate};
use mentoring_api::db::models::credits::{self, CreditSource};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::app::TestApp;

pub const BASE: &str = "/api/v1/forum-sponsorships";

pub fn today() -> NaiveDate {
    mentoring_api::domain::programme_time::programme_today()
}

/// The last day of a period of `months` months from `start`.
pub fn months_end(start: NaiveDate, months: u32) -> NaiveDate {
    start.checked_add_months(Months::new(months)).unwrap() - Duration::days(1)
}

pub fn application(forum: i64, start: NaiveDate, end: NaiveDate, hours: i32) -> Value {
    json!({"forum_id": forum, "starts_on": start, "ends_on": end, "credit_hours": hours})
}

/// The id of the `n`-th seeded forum.
pub async fn forum(app: &TestApp, n: usize) -> i64 {
    let forums: Value = app.get("/api/v1/forums", None).await.json().await.unwrap();
    forums["items"][n]["id"].as_i64().expect("seeded forums")
}

/// Applies and returns the new sponsorship's id, asserting 201.
pub async fn apply(app: &TestApp, token: &str, body: &Value) -> i64 {
    let res = app.post(BASE, Some(token), body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "application refused");
    res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

pub async fn step(app: &TestApp, id: i64, step: &str, token: &str, body: Value) -> StatusCode {
    app.post(&format!("{BASE}/{id}/{step}"), Some(token), &body)
        .await
        .status()
}

pub async fn put_evidence(app: &TestApp, id: i64, token: &str, body: &Value) -> StatusCode {
    app.request(
        reqwest::Method::PUT,
        &format!("{BASE}/{id}/evidence"),
        Some(token),
        Some(body),
    )
    .await
    .status()
}

/// A fresh active mentor's `(id, token)`.
pub async fn mentor(app: &TestApp, staff: &str, name: &str) -> (i64, String) {
    app.active_participant(
        staff,
        &format!("{name}@example.org"),
        "follow_up_project",
        &["mentor"],
    )
    .await
}

/// The credit of a mentor for a sponsorship, read from the ledger.
pub async fn credit_of(app: &TestApp, id: i64, participant: i64) -> Option<credits::Credit> {
    let pool = app.pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        credits::find(&mut conn, CreditSource::ForumSponsorship, id, participant).unwrap()
    })
    .await
    .unwrap()
}

pub async fn audit_actions(app: &TestApp, staff: &str, id: i64) -> Vec<Value> {
    app.get_json(
        &format!("/api/v1/audit-events?entity_type=forum_sponsorship&entity_id={id}"),
        staff,
    )
    .await["items"]
        .as_array()
        .unwrap()
        .clone()
}
