//! Building sessions through the API: a cast of staff, two mentors and a mentee, proposals, and
//! sessions brought to a given state.

use chrono::{Duration, Utc};
use mentoring_api::db::models::credits::{self, CreditSource};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::app::TestApp;

/// An accepted topic's id.
pub async fn accepted_topic(app: &TestApp, token: &str) -> i64 {
    let topics = app.get_json("/api/v1/topics?limit=200", token).await;
    topics["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["status"] == "accepted")
        .expect("a seeded accepted topic")["id"]
        .as_i64()
        .unwrap()
}

/// A proposal body; `days` from now is the start (negative: in the past).
pub fn proposal(format: &str, topic: i64, days: i64, co_mentors: &[i64]) -> Value {
    let starts = Utc::now() + Duration::days(days);
    let ends = starts + Duration::hours(3);
    json!({
        "format_code": format,
        "title": "Wärmeplanung kompakt",
        "guiding_question": "Wie starten Kommunen die Wärmeplanung?",
        "topic_ids": [topic],
        "co_mentor_ids": co_mentors,
        "starts_at": starts.to_rfc3339(),
        "ends_at": ends.to_rfc3339(),
        "online": false,
        "place": "Berlin",
        "event_name": "SK:KK Fachkonferenz",
        "expected_audience": "KSM aus Kommunen"
    })
}

pub struct Cast {
    pub staff: String,
    pub mentor_id: i64,
    pub mentor: String,
    pub co_mentor_id: i64,
    pub co_mentor: String,
    pub mentee_id: i64,
    pub mentee: String,
    pub topic: i64,
}

pub async fn cast(app: &TestApp) -> Cast {
    let staff = app.staff_token().await;
    let (mentor_id, mentor) = app
        .active_participant(
            &staff,
            "mentor@example.org",
            "follow_up_project",
            &["mentor"],
        )
        .await;
    let (co_mentor_id, co_mentor) = app
        .active_participant(&staff, "co@example.org", "follow_up_project", &["mentor"])
        .await;
    let (mentee_id, mentee) = app
        .active_participant(&staff, "mentee@example.org", "first_project", &["mentee"])
        .await;
    let topic = accepted_topic(app, &staff).await;
    Cast {
        staff,
        mentor_id,
        mentor,
        co_mentor_id,
        co_mentor,
        mentee_id,
        mentee,
        topic,
    }
}

pub async fn propose(app: &TestApp, token: &str, body: &Value) -> i64 {
    let res = app.post("/api/v1/sessions", Some(token), body).await;
    assert_eq!(res.status(), StatusCode::CREATED, "proposal refused");
    res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

pub async fn post_status(app: &TestApp, path: &str, token: &str, body: Value) -> StatusCode {
    app.post(path, Some(token), &body).await.status()
}

pub async fn audit_of(app: &TestApp, staff: &str, id: i64) -> Vec<Value> {
    app.get_json(
        &format!("/api/v1/audit-events?entity_type=session&entity_id={id}"),
        staff,
    )
    .await["items"]
        .as_array()
        .unwrap()
        .clone()
}

/// A webinar of the cast's mentor and co-mentor that took place two days ago, approved (not yet
/// recorded as held).
pub async fn approved_past_session(app: &TestApp, c: &Cast) -> i64 {
    let id = propose(
        app,
        &c.mentor,
        &proposal("webinar", c.topic, -2, &[c.co_mentor_id]),
    )
    .await;
    assert_eq!(
        post_status(
            app,
            &format!("/api/v1/sessions/{id}/approval"),
            &c.staff,
            json!({})
        )
        .await,
        StatusCode::OK
    );
    id
}

/// A webinar of the cast's mentor and co-mentor that took place two days ago, approved and held
/// with 25 people reached.
pub async fn held_session(app: &TestApp, c: &Cast) -> i64 {
    let id = approved_past_session(app, c).await;
    let path = format!("/api/v1/sessions/{id}");
    assert_eq!(
        post_status(
            app,
            &format!("{path}/holding"),
            &c.mentor,
            json!({"people_reached": 25})
        )
        .await,
        StatusCode::OK
    );
    id
}

/// The credits written for a session: `(participant id, hours, earned on)`.
pub async fn session_credits(app: &TestApp, session: i64) -> Vec<(i64, i32, String)> {
    let pool = app.pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        credits::of_source(&mut conn, CreditSource::Session, session)
            .unwrap()
            .into_iter()
            .map(|c| (c.participant_id, c.hours, c.earned_on.to_string()))
            .collect()
    })
    .await
    .unwrap()
}
