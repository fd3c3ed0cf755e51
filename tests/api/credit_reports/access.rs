//! Who may read which report: the mentor their own, staff all; everyone else is turned away.

use reqwest::StatusCode;
use serde_json::json;

use super::{participant, registration_with, start_for_year_two};
use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem};

on_both_backends!(every_role_reads_exactly_the_reports_it_may);

async fn every_role_reads_exactly_the_reports_it_may(app: TestApp) {
    let staff = app.staff_token().await;
    let start = start_for_year_two(60);
    let person =
        |email: &str, kind: &str, role: &str| registration_with(email, kind, &[role], start, "NW");
    let (mentor, _, mentor_token) = participant(
        &app,
        &staff,
        &person("mentor@example.org", "follow_up_project", "mentor"),
    )
    .await;
    let (mentee, _, mentee_token) = participant(
        &app,
        &staff,
        &person("mentee@example.org", "first_project", "mentee"),
    )
    .await;
    let (pending, _, pending_token) = app
        .register(&person(
            "pending@example.org",
            "follow_up_project",
            "mentor",
        ))
        .await;
    let (ended, _, ended_token) = participant(
        &app,
        &staff,
        &person("ended@example.org", "follow_up_project", "mentor"),
    )
    .await;
    let ending = json!({"ended_on": mentoring_api::domain::programme_time::programme_today().to_string(), "reason": "Stellenwechsel"});
    let res = app
        .post(
            &format!("/api/v1/participants/{ended}/ending"),
            Some(&staff),
            &ending,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let integration = app.integration_token(&staff).await;
    let report = |id: i64| format!("/api/v1/participants/{id}/credit-report");
    let text_of = |id: i64| format!("{}/nki-text", report(id));
    let csv_of = |id: i64| format!("{}.csv", report(id));

    // Each participant reads their own report, in any state and in every rendering.
    for (id, token) in [
        (mentor, &mentor_token),
        (mentee, &mentee_token),
        (pending, &pending_token),
        (ended, &ended_token),
    ] {
        assert_eq!(app.get_json(&report(id), token).await["participant_id"], id);
        for path in [text_of(id), csv_of(id)] {
            assert_eq!(app.get(&path, Some(token)).await.status(), StatusCode::OK);
        }
    }
    assert_eq!(
        app.get_json(&report(mentee), &mentee_token).await["status"],
        "no_obligation"
    );

    // Nobody else's: other participants and integrations 403, anonymous 401.
    for token in [&mentee_token, &pending_token, &ended_token, &integration] {
        assert_problem(
            app.get(&report(mentor), Some(token)).await,
            StatusCode::FORBIDDEN,
        )
        .await;
        for path in [text_of(mentor), csv_of(mentor)] {
            assert_problem(app.get(&path, Some(token)).await, StatusCode::FORBIDDEN).await;
        }
    }
    for path in [report(mentor), text_of(mentor), csv_of(mentor)] {
        assert_problem(app.get(&path, None).await, StatusCode::UNAUTHORIZED).await;
    }
    // Staff read every report; an unknown participant is 404.
    assert_eq!(
        app.get_json(&report(mentor), &staff).await["participant_id"],
        mentor
    );
    for path in [report(999_999), text_of(999_999), csv_of(999_999)] {
        assert_problem(app.get(&path, Some(&staff)).await, StatusCode::NOT_FOUND).await;
    }

    // The overview and the dashboard are for staff only.
    for path in [
        "/api/v1/credit-reports",
        "/api/v1/credit-reports.csv",
        "/api/v1/programme-dashboard",
    ] {
        assert_eq!(app.get(path, Some(&staff)).await.status(), StatusCode::OK);
        for token in [
            &mentor_token,
            &mentee_token,
            &pending_token,
            &ended_token,
            &integration,
        ] {
            assert_problem(app.get(path, Some(token)).await, StatusCode::FORBIDDEN).await;
        }
        assert_problem(app.get(path, None).await, StatusCode::UNAUTHORIZED).await;
    }
}
