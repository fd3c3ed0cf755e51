//! `seed-demo`: the demo programme on both backends, checked through the API; a second run is
//! refused.

use chrono::Datelike;
use mentoring_api::demo::{self, DEMO_PARTICIPANT_PASSWORD, DEMO_STAFF_EMAIL, Summary};
use mentoring_api::error::AppError;
use serde_json::Value;

use crate::on_both_backends;
use crate::support::app::{PASSWORD, TestApp};

on_both_backends!(demo_programme_is_plausible_and_seeded_once);

fn count_by(items: &[Value], field: &str, value: &str) -> usize {
    items.iter().filter(|i| i[field] == value).count()
}

async fn demo_programme_is_plausible_and_seeded_once(app: TestApp) {
    let today = mentoring_api::domain::programme_time::programme_today();
    let summary = demo::seed(&app.pool, PASSWORD.to_owned(), today)
        .await
        .expect("seeding an empty database");
    assert_eq!(
        summary,
        Summary {
            staff_account_id: summary.staff_account_id,
            participants: 40,
            sessions: 16,
            sponsorships: 8,
            practice_tips: 6,
            credits: 18,
            credit_hours: 700,
        }
    );
    let staff = app.login(DEMO_STAFF_EMAIL, PASSWORD).await;

    let participants = app.get_json("/api/v1/participants?limit=200", &staff).await;
    let items = participants["items"].as_array().unwrap();
    assert_eq!(items.len(), 40);
    assert_eq!(count_by(items, "status", "pending"), 4);
    assert_eq!(count_by(items, "status", "ended"), 4);
    assert_eq!(count_by(items, "status", "active"), 32);
    let states: std::collections::BTreeSet<&str> = items
        .iter()
        .filter_map(|p| p["current_project"]["federal_state"].as_str())
        .collect();
    assert_eq!(states.len(), 16, "every federal state: {states:?}");

    let sessions = app.get_json("/api/v1/sessions?limit=200", &staff).await;
    let sessions = sessions["items"].as_array().unwrap();
    for state in ["proposed", "approved", "held", "declined", "cancelled"] {
        assert!(count_by(sessions, "state", state) >= 1, "a {state} session");
    }
    assert_eq!(count_by(sessions, "state", "documented"), 6);

    // The credits appear in the staff overview: 700 h over this and the last calendar year.
    let mut hours = 0;
    for year in [today.year() - 1, today.year()] {
        let path = format!("/api/v1/credit-reports?year={year}&mode=calendar_year&limit=200");
        let page = app.get_json(&path, &staff).await;
        hours += page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["hours"].as_i64().unwrap())
            .sum::<i64>();
    }
    assert_eq!(hours, 700);

    // Participants log in with the documented demo password.
    app.login("anna.mueller@example.org", DEMO_PARTICIPANT_PASSWORD)
        .await;

    let again = demo::seed(&app.pool, PASSWORD.to_owned(), today).await;
    assert!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");
}
