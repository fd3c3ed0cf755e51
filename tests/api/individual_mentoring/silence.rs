//! A pair without a contact for six weeks is reminded once per silence, both sides.

use chrono::Duration;
use diesel::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::TestApp;
use crate::support::mentoring::{PAIRS, agree, formed_pair, phone_call};
use crate::support::sponsorships::today;

/// Runs the sweeps and returns how many silence reminders they queued.
async fn run(app: &TestApp, staff: &str) -> i64 {
    let res = app
        .post("/api/v1/reminder-runs", Some(staff), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["silence_reminder_weeks"], 6);
    body["silence_reminders"].as_i64().unwrap()
}

/// Sets the pair's date `column` `days` into the past, as if that much time had passed.
fn shift(app: &TestApp, pair: i64, column: &str, days: i64) {
    let day = today() - Duration::days(days);
    let mut conn = app.pool.get().unwrap();
    diesel::sql_query(format!(
        "UPDATE mentoring_pairs SET {column} = '{day}' WHERE id = {pair}"
    ))
    .execute(&mut conn)
    .unwrap();
}

on_both_backends!(a_silent_pair_is_reminded_once_per_silence);

async fn a_silent_pair_is_reminded_once_per_silence(app: TestApp) {
    let (pair, mentee, mentor, staff) = formed_pair(&app).await;
    agree(&app, pair, &mentee, today() + Duration::days(90)).await;
    assert_eq!(run(&app, &staff).await, 0, "a new pair is not silent");

    shift(&app, pair, "started_on", 41);
    assert_eq!(run(&app, &staff).await, 0, "not yet six weeks");
    shift(&app, pair, "started_on", 50);
    assert_eq!(run(&app, &staff).await, 2, "both sides");
    for address in ["mentee@example.org", "mentor@example.org"] {
        let mail = app
            .mail
            .message(address, "seit 6 Wochen kein Kontakt")
            .await;
        assert!(mail.text.contains("Erika Mustermann"), "{}", mail.text);
    }
    assert_eq!(run(&app, &staff).await, 0, "once per silence");

    // A contact starts a new silence; once it is six weeks old, the pair is reminded again.
    let contacts = format!("{PAIRS}/{pair}/contacts");
    let res = app
        .post(&contacts, Some(&mentor), &phone_call(today()))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(run(&app, &staff).await, 0, "a contact ends the silence");
    shift(&app, pair, "last_contact_on", 43);
    assert_eq!(run(&app, &staff).await, 2, "the next silence");
    // A contact today ends the silence; an ended pair is never reminded.
    let res = app
        .post(&contacts, Some(&mentor), &phone_call(today()))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(run(&app, &staff).await, 0);
    let pair_now = app.get_json(&format!("{PAIRS}/{pair}"), &mentee).await;
    assert_eq!(pair_now["last_contact_on"], json!(today()));
    let res = app
        .post(&format!("{PAIRS}/{pair}/ending"), Some(&mentee), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    shift(&app, pair, "last_contact_on", 60);
    assert_eq!(
        run(&app, &staff).await,
        0,
        "an ended pair is never reminded"
    );
}
