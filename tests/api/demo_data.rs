//! `seed-demo`: the demo programme on both backends, checked through the API: every obligation
//! status appears in the mentors' credit reports, a few role deviations only, distinct contact
//! data, sponsorship credits as the 40-week rule allows, activities in past years; a second run
//! is refused.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use mentoring_api::demo::{self, DEMO_PARTICIPANT_PASSWORD, DEMO_STAFF_EMAIL, Summary};
use mentoring_api::domain::sponsorship::complete_weeks;
use mentoring_api::error::AppError;
use serde_json::Value;

use crate::on_both_backends;
use crate::support::app::{PASSWORD, TestApp};

on_both_backends!(demo_programme_shows_every_status_and_is_seeded_once);

fn count_by(items: &[Value], field: &str, value: &str) -> usize {
    items.iter().filter(|i| i[field] == value).count()
}

fn date(value: &Value) -> NaiveDate {
    value.as_str().unwrap()[..10].parse().unwrap()
}

async fn demo_programme_shows_every_status_and_is_seeded_once(app: TestApp) {
    let today = mentoring_api::domain::programme_time::programme_today();
    let summary = demo::seed(&app.pool, PASSWORD.to_owned(), today)
        .await
        .expect("seeding an empty database");
    assert_eq!(
        summary,
        Summary {
            staff_account_id: summary.staff_account_id,
            participants: 40,
            sessions: 23,
            sponsorships: 11,
            practice_tips: 10,
            credits: 33,
            credit_hours: 1220,
        }
    );
    let staff = app.login(DEMO_STAFF_EMAIL, PASSWORD).await;

    let participants = app.get_json("/api/v1/participants?limit=200", &staff).await;
    let items = participants["items"].as_array().unwrap();
    assert_eq!(items.len(), 40);
    assert_eq!(count_by(items, "status", "pending"), 4);
    assert_eq!(count_by(items, "status", "ended"), 4);
    assert_eq!(count_by(items, "status", "active"), 32);
    let states: BTreeSet<&str> = items
        .iter()
        .filter_map(|p| p["current_project"]["federal_state"].as_str())
        .collect();
    assert_eq!(states.len(), 16, "every federal state: {states:?}");
    // Everyone has their own phone number and funding reference.
    let phones: BTreeSet<&str> = items.iter().filter_map(|p| p["phone"].as_str()).collect();
    assert_eq!(phones.len(), 40);
    let references: Vec<&str> = items
        .iter()
        .filter_map(|p| p["current_project"]["funding_reference"].as_str())
        .collect();
    let distinct: BTreeSet<&&str> = references.iter().collect();
    assert!(references.len() > 20);
    assert_eq!(distinct.len(), references.len());
    // A few role deviations (KSM1 mentors, a KSM2 mentee), not everyone.
    let deviations = items
        .iter()
        .filter(|p| p["funding_agency_notification_required"] == true)
        .count();
    assert_eq!(deviations, 3);
    // Activated over the past years, not all at seed time.
    let activated: BTreeSet<NaiveDate> = items
        .iter()
        .filter(|p| !p["activated_at"].is_null())
        .map(|p| date(&p["activated_at"]))
        .collect();
    assert!(activated.len() > 20, "{activated:?}");
    assert!(activated.iter().all(|d| *d <= today));
    assert!(activated.iter().any(|d| today.year() - d.year() >= 2));

    // The mentors' credit reports show every status.
    let mut statuses = BTreeSet::new();
    for p in items.iter().filter(|p| {
        p["status"] == "active" && p["roles"].as_array().unwrap().iter().any(|r| r == "mentor")
    }) {
        let id = p["id"].as_i64().unwrap();
        let path = format!("/api/v1/participants/{id}/credit-report");
        let report = app.get_json(&path, &staff).await;
        statuses.insert(report["status"].as_str().unwrap().to_owned());
    }
    let expected: BTreeSet<String> = ["met", "on_track", "at_risk", "not_met", "no_obligation"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(statuses, expected);

    let sessions = app.get_json("/api/v1/sessions?limit=200", &staff).await;
    let sessions = sessions["items"].as_array().unwrap();
    for state in [
        "proposed",
        "approved",
        "held",
        "documented",
        "declined",
        "cancelled",
    ] {
        assert!(count_by(sessions, "state", state) >= 1, "a {state} session");
    }
    assert_eq!(sessions.len(), summary.sessions);

    // Each sponsorship's credit option fits its weeks (40 h need 40 weeks, 20 h 20).
    let sponsorships = app
        .get_json("/api/v1/forum-sponsorships?limit=200", &staff)
        .await;
    let sponsorships = sponsorships["items"].as_array().unwrap();
    assert_eq!(sponsorships.len(), summary.sponsorships);
    for s in sponsorships {
        let weeks = complete_weeks(date(&s["starts_on"]), date(&s["ends_on"]));
        assert!(weeks >= s["credit_hours"].as_i64().unwrap(), "{s:#}");
    }
    assert!(sponsorships.iter().any(|s| s["credit_hours"] == 20));
    assert!(sponsorships.iter().any(|s| s["credit_hours"] == 40));

    // The credits appear in the staff overview, this year and in past ones.
    let mut hours = 0;
    let mut past = 0;
    for year in today.year() - 3..=today.year() {
        let path = format!("/api/v1/credit-reports?year={year}&mode=calendar_year&limit=200");
        let page = app.get_json(&path, &staff).await;
        let in_year = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["hours"].as_i64().unwrap())
            .sum::<i64>();
        hours += in_year;
        if year < today.year() {
            past += in_year;
        }
    }
    assert_eq!(hours, summary.credit_hours);
    assert!(past > 0 && past < hours, "{past} of {hours}");

    // Participants log in with the documented demo password.
    app.login("anna.mueller@example.org", DEMO_PARTICIPANT_PASSWORD)
        .await;

    let again = demo::seed(&app.pool, PASSWORD.to_owned(), today).await;
    assert!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");
}
