//! The staff overview (calendar and project years, filters, pages, CSV) and the dashboard.

use chrono::{Datelike, Months};
use mentoring_api::db::models::credits::CreditSource;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{
    grant, held_webinar, participant, registration_with, start_for_year_two, this_year, today,
};
use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem};
use crate::support::participants::registration;

on_both_backends!(
    overview_lists_mentors_by_calendar_and_project_year_with_filters_pages_and_csv,
    dashboard_counts_capacity_used_participants_and_the_ratio,
    credits_outside_every_project_are_listed_apart_not_dropped,
);

fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["participant_id"].as_i64().unwrap())
        .collect()
}

async fn overview_lists_mentors_by_calendar_and_project_year_with_filters_pages_and_csv(
    app: TestApp,
) {
    let staff = app.staff_token().await;
    let start = start_for_year_two(60);
    let cast = [
        ("a@example.org", "follow_up_project", "NW", 40),
        ("b@example.org", "follow_up_project", "BY", 20),
        ("c@example.org", "first_project", "NW", 40),
    ];
    let mut mentor_ids = Vec::new();
    for (n, (email, kind, state, hours)) in cast.into_iter().enumerate() {
        let body = registration_with(email, kind, &["mentor"], start, state);
        let (id, _, _) = participant(&app, &staff, &body).await;
        let (format, source) = if hours == 20 {
            ("forum_sponsorship", CreditSource::ForumSponsorship)
        } else {
            ("practice_tip", CreditSource::PracticeTip)
        };
        grant(&app, id, format, source, n as i64 + 1, today(), Some(hours)).await;
        mentor_ids.push(id);
    }
    // A pending registration is no one's mentor yet.
    app.register(&registration(
        "pending@example.org",
        "follow_up_project",
        &["mentor"],
    ))
    .await;
    let (a, b, c) = (mentor_ids[0], mentor_ids[1], mentor_ids[2]);

    let base = format!("/api/v1/credit-reports?year={}", this_year());
    let all = app.get_json(&base, &staff).await;
    assert_eq!(ids(&all), vec![a, b, c]);
    let row_a = &all["items"][0];
    assert_eq!(
        (row_a["hours"].clone(), row_a["days"].clone()),
        (json!(40), json!(5.0))
    );
    assert_eq!(
        (row_a["status"].clone(), row_a["min_hours"].clone()),
        (json!("met"), json!(40))
    );
    assert_eq!(all["items"][1]["shortfall_hours"], 20);
    assert_eq!(all["items"][1]["project_year"], json!(null));
    assert_eq!(all["items"][2]["status"], "no_obligation");
    let filtered = |q: &str| format!("{base}&{q}");
    assert_eq!(
        ids(&app.get_json(&filtered("status=met"), &staff).await),
        vec![a]
    );
    let no_obligation = app
        .get_json(&filtered("status=no_obligation"), &staff)
        .await;
    assert_eq!(ids(&no_obligation), vec![c]);
    let ksm2 = app
        .get_json(&filtered("project_kind=follow_up_project"), &staff)
        .await;
    assert_eq!(ids(&ksm2), vec![a, b]);
    assert_eq!(
        ids(&app.get_json(&filtered("federal_state=BY"), &staff).await),
        vec![b]
    );

    // Pages of two.
    let first = app.get_json(&filtered("limit=2"), &staff).await;
    assert_eq!(ids(&first), vec![a, b]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app
        .get_json(&filtered(&format!("limit=2&cursor={cursor}")), &staff)
        .await;
    assert_eq!(
        (ids(&second), second["next_cursor"].clone()),
        (vec![c], json!(null))
    );

    // Project-year mode: the second project years begin in the calendar year of that anniversary.
    let anniversary = start.checked_add_months(Months::new(12)).unwrap();
    let by_project_year = format!(
        "/api/v1/credit-reports?mode=project_year&year={}",
        anniversary.year()
    );
    let rows = app.get_json(&by_project_year, &staff).await;
    assert_eq!(ids(&rows), vec![a, b, c]);
    assert_eq!(rows["items"][0]["project_year"]["number"], 2);
    assert_eq!(
        rows["items"][0]["period_start"],
        json!(anniversary.to_string())
    );
    assert_eq!(rows["items"][0]["hours"], 40);

    let csv_path = format!(
        "/api/v1/credit-reports.csv?year={}&federal_state=NW",
        this_year()
    );
    let res = app.get(&csv_path, Some(&staff)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with('\u{feff}') && csv.contains("Fehlende Stunden"));
    assert_eq!(csv.lines().count(), 3, "header, a and c:\n{csv}");
    assert!(csv.contains("Erfüllt") && csv.contains("Keine Verpflichtung"));

    for bad in [
        "year=1999",
        "mode=fiscal",
        "status=perfect",
        "project_kind=x",
        "limit=0",
    ] {
        let res = app
            .get(&format!("/api/v1/credit-reports?{bad}"), Some(&staff))
            .await;
        assert_problem(res, StatusCode::BAD_REQUEST).await;
    }
}

async fn dashboard_counts_capacity_used_participants_and_the_ratio(app: TestApp) {
    let staff = app.staff_token().await;
    let start = start_for_year_two(60);
    let mentor = registration_with(
        "mentor@example.org",
        "follow_up_project",
        &["mentor"],
        start,
        "NW",
    );
    let (mentor_id, _, mentor_token) = participant(&app, &staff, &mentor).await;
    for email in ["m1@example.org", "m2@example.org"] {
        let body = registration_with(email, "first_project", &["mentee"], start, "NW");
        participant(&app, &staff, &body).await;
    }
    app.register(&registration(
        "pending@example.org",
        "first_project",
        &["mentee"],
    ))
    .await;
    let (_, session_day) = held_webinar(&app, &staff, &mentor_token, 3).await;
    let tip = CreditSource::PracticeTip;
    grant(&app, mentor_id, "practice_tip", tip, 1, session_day, None).await;

    let path = format!("/api/v1/programme-dashboard?year={}", session_day.year());
    let d = app.get_json(&path, &staff).await;
    let format = |code: &str| -> Value {
        d["formats"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["format_code"] == code)
            .cloned()
            .unwrap()
    };
    assert_eq!(format("webinar")["used"], 1);
    assert!(format("webinar")["yearly_limit"].is_number());
    assert_eq!(format("practice_tip")["used"], 1);
    assert_eq!(format("practice_tip")["credited_hours"], 40);
    assert_eq!(format("practice_tip")["yearly_limit"], json!(null));
    assert_eq!(format("expert_event_session")["used"], 0);
    assert_eq!(
        (d["mentees"].clone(), d["mentors"].clone()),
        (json!(2), json!(1))
    );
    assert_eq!(d["mentees_per_mentor"], 2.0);
    let kinds = d["participants_by_project_kind"].as_array().unwrap();
    let ksm1 = kinds
        .iter()
        .find(|k| k["project_kind"] == "first_project")
        .unwrap();
    assert_eq!(
        (ksm1["mentees"].clone(), ksm1["participants"].clone()),
        (json!(2), json!(2))
    );
    let ksm2 = kinds
        .iter()
        .find(|k| k["project_kind"] == "follow_up_project")
        .unwrap();
    assert_eq!(ksm2["mentors"], 1);
    let res = app
        .get("/api/v1/programme-dashboard?year=2101", Some(&staff))
        .await;
    assert_problem(res, StatusCode::BAD_REQUEST).await;
}

async fn credits_outside_every_project_are_listed_apart_not_dropped(app: TestApp) {
    let staff = app.staff_token().await;
    let future = today() + chrono::Duration::days(400);
    let body = registration_with(
        "later@example.org",
        "follow_up_project",
        &["mentor"],
        future,
        "SN",
    );
    let (id, _, token) = participant(&app, &staff, &body).await;
    grant(
        &app,
        id,
        "practice_tip",
        CreditSource::PracticeTip,
        1,
        today(),
        None,
    )
    .await;

    let rows = app
        .get_json(
            &format!(
                "/api/v1/credit-reports?mode=project_year&year={}",
                this_year()
            ),
            &staff,
        )
        .await;
    assert_eq!(ids(&rows), vec![id]);
    let row = &rows["items"][0];
    assert_eq!(
        (row["project_id"].clone(), row["project_year"].clone()),
        (json!(null), json!(null))
    );
    assert_eq!(
        (row["hours"].clone(), row["status"].clone()),
        (json!(40), json!("no_obligation"))
    );
    let calendar = app
        .get_json(
            &format!("/api/v1/credit-reports?year={}", this_year()),
            &staff,
        )
        .await;
    assert_eq!(calendar["items"][0]["hours"], 40);
    assert_eq!(calendar["items"][0]["project_id"], json!(null));

    // The mentor's own report of the upcoming project lists it apart too.
    let report = app
        .get_json(&format!("/api/v1/participants/{id}/credit-report"), &token)
        .await;
    assert!(report["items"].as_array().unwrap().is_empty());
    assert_eq!(report["outside_project_items"][0]["hours"], 40);
    assert_eq!(report["total_hours"], 0);
}
