//! Credit reports: the mentor's report per project year (JSON, NKI text, CSV), the staff overview
//! and the programme dashboard, with who may read which. Ledger rows are written through
//! `credits::grant`, the one path every credit takes; session credits belong to real sessions.

mod access;
mod certificate;
mod end_to_end;
mod overview;
mod personal;

use chrono::{Datelike, Duration, Months, NaiveDate, Utc};
use mentoring_api::db::models::credits::{self, CreditSource, Earning};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::support::app::TestApp;
use crate::support::participants::registration;
use crate::support::sessions::accepted_topic;

/// Today in Berlin, the day the server judges running years by.
fn today() -> NaiveDate {
    mentoring_api::domain::programme_time::programme_today()
}

/// A project start that puts today `days_into_year_two` days into the project's second year.
fn start_for_year_two(days_into_year_two: i64) -> NaiveDate {
    today().checked_sub_months(Months::new(12)).unwrap() - Duration::days(days_into_year_two)
}

/// A participant's registration with its own project kind, dates and federal state.
fn registration_with(
    email: &str,
    kind: &str,
    roles: &[&str],
    start: NaiveDate,
    state: &str,
) -> Value {
    let mut body = registration(email, kind, roles);
    body["project"]["start_date"] = json!(start.to_string());
    body["project"]["end_date"] = json!((start + Duration::days(365 * 4)).to_string());
    body["project"]["federal_state"] = json!(state);
    body
}

/// Registers and activates a participant; returns `(id, project id, token)`.
async fn participant(app: &TestApp, staff: &str, body: &Value) -> (i64, i64, String) {
    let (id, project, token) = app.register(body).await;
    app.activate(staff, id, project, &token).await;
    (id, project, token)
}

/// Writes a credit through the ledger; returns its id.
async fn grant(
    app: &TestApp,
    participant_id: i64,
    format_code: &'static str,
    source: CreditSource,
    source_id: i64,
    earned_on: NaiveDate,
    chosen_hours: Option<i32>,
) -> i64 {
    let pool = app.pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        let earning = Earning {
            participant_id,
            format_code,
            source,
            source_id,
            earned_on,
            chosen_hours,
        };
        credits::grant(&mut conn, &earning, Utc::now().naive_utc())
            .expect("credit granted")
            .id
    })
    .await
    .unwrap()
}

/// Revokes an activity's credits through the ledger.
async fn revoke(app: &TestApp, source: CreditSource, source_id: i64) {
    let pool = app.pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        let n = credits::revoke(
            &mut conn,
            source,
            source_id,
            "zurückgezogen",
            Utc::now().naive_utc(),
        )
        .unwrap();
        assert_eq!(n, 1);
    })
    .await
    .unwrap();
}

/// A webinar that started `hours_ago` hours ago, proposed by the mentor, approved and held with 25
/// people reached; returns `(session id, its date)`.
async fn held_webinar(
    app: &TestApp,
    staff: &str,
    mentor: &str,
    hours_ago: i64,
) -> (i64, NaiveDate) {
    let topic = accepted_topic(app, staff).await;
    let starts = Utc::now() - Duration::hours(hours_ago);
    let body = json!({
        "format_code": "webinar",
        "title": "Wärmeplanung kompakt",
        "guiding_question": "Wie starten Kommunen die Wärmeplanung?",
        "topic_ids": [topic],
        "starts_at": starts.to_rfc3339(),
        "ends_at": (starts + Duration::hours(2)).to_rfc3339(),
        "online": false,
        "place": "Kassel"
    });
    let res = app.post("/api/v1/sessions", Some(mentor), &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let path = format!("/api/v1/sessions/{id}");
    let res = app
        .post(&format!("{path}/approval"), Some(staff), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let held = json!({"people_reached": 25});
    let res = app
        .post(&format!("{path}/holding"), Some(mentor), &held)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    (
        id,
        mentoring_api::domain::programme_time::programme_date(starts),
    )
}

/// GET with an `Accept` header.
async fn get_as(app: &TestApp, path: &str, token: Option<&str>, accept: &str) -> Response {
    let mut req = app
        .client
        .get(format!("{}{}", app.address, path))
        .header("accept", accept);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    req.send().await.unwrap()
}

/// This calendar year.
fn this_year() -> i32 {
    today().year()
}
