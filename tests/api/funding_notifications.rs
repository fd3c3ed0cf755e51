//! Notifications of the funding agency about role deviations: recorded with the day (not in the
//! future, in the programme's calendar), the channel and a note; corrected by staff with
//! `If-Match`, audited; shown in the participant record and the personal export; a refused
//! recording or correction changes nothing.

use chrono::Duration;
use mentoring_api::domain::programme_time::programme_today;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem, patch, pointers};

on_both_backends!(
    staff_record_when_and_how_the_agency_was_told_and_nothing_else,
    staff_correct_a_notification_with_if_match_and_the_audit_keeps_both,
    a_refused_correction_changes_nothing,
    only_staff_correct_a_notification,
);

fn day(offset: i64) -> String {
    (programme_today() + Duration::days(offset)).to_string()
}

/// A KSM1 mentor (their roles deviate from the funding body's expectation): `(id, token)`.
async fn ksm1_mentor(app: &TestApp, staff: &str, email: &str) -> (i64, String) {
    app.active_participant(staff, email, "first_project", &["mentor"])
        .await
}

fn notify_path(id: i64) -> String {
    format!("/api/v1/participants/{id}/funding-agency-notifications")
}

/// Records a notification (staff) and returns it.
async fn notified(app: &TestApp, staff: &str, id: i64) -> Value {
    let body = json!({"notified_on": day(-1), "channel": "email", "note": "an Frau Beispiel, PtJ"});
    let res = app.post(&notify_path(id), Some(staff), &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

async fn record(app: &TestApp, id: i64, token: &str) -> Value {
    app.get_json(&format!("/api/v1/participants/{id}"), token)
        .await
}

async fn staff_record_when_and_how_the_agency_was_told_and_nothing_else(app: TestApp) {
    let staff = app.staff_token().await;
    let (id, token) = ksm1_mentor(&app, &staff, "ksm1@example.org").await;
    let before = record(&app, id, &staff).await;
    assert_eq!(before["funding_agency_notification_required"], true);
    assert_eq!(before["funding_agency_notifications"], json!([]));
    let refused = [
        (
            json!({"notified_on": day(1), "channel": "email"}),
            "/notified_on",
        ),
        (
            json!({"notified_on": day(0), "channel": "email", "note": ""}),
            "/note",
        ),
        (
            json!({"notified_on": "1980-01-01", "channel": "email"}),
            "/notified_on",
        ),
    ];
    for (body, pointer) in refused {
        let res = app.post(&notify_path(id), Some(&staff), &body).await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        let mut found = pointers(&problem);
        found.dedup();
        assert_eq!(found, [pointer], "{body}");
    }
    for body in [
        json!({"notified_on": day(0)}),
        json!({"notified_on": day(0), "channel": "fax"}),
    ] {
        let res = app.post(&notify_path(id), Some(&staff), &body).await;
        assert!(res.status().is_client_error(), "{body}: {}", res.status());
    }
    assert_eq!(record(&app, id, &staff).await, before, "refused: unchanged");

    let n = notified(&app, &staff, id).await;
    assert_eq!(n["channel"], "email");
    assert_eq!(n["note"], "an Frau Beispiel, PtJ");
    assert_eq!(n["notified_on"], day(-1));
    assert_eq!(n["roles"], json!(["mentor"]));
    assert_eq!(n["version"], 1);
    let own = record(&app, id, &token).await;
    assert_eq!(own["funding_agency_notification_required"], false);
    assert_eq!(own["funding_agency_notifications"], json!([n]));
    let export = app
        .get_json(&format!("/api/v1/participants/{id}/export"), &token)
        .await;
    let exported = &export["funding_agency_notifications"][0];
    assert_eq!(exported["channel"], "email");
    assert_eq!(exported["note"], "an Frau Beispiel, PtJ");
    assert_eq!(exported["notified_on"], day(-1));
}

async fn staff_correct_a_notification_with_if_match_and_the_audit_keeps_both(app: TestApp) {
    let staff = app.staff_token().await;
    let (id, token) = ksm1_mentor(&app, &staff, "ksm1@example.org").await;
    let n = notified(&app, &staff, id).await;
    let path = format!("{}/{}", notify_path(id), n["id"]);
    let fix = json!({"channel": "phone", "note": null, "notified_on": day(-3)});

    let res = patch(&app, &path, Some(&staff), None, &fix).await;
    assert_problem(res, StatusCode::PRECONDITION_REQUIRED).await;
    let res = patch(&app, &path, Some(&staff), Some("\"5\""), &fix).await;
    assert_problem(res, StatusCode::PRECONDITION_FAILED).await;
    assert_eq!(
        record(&app, id, &staff).await["funding_agency_notifications"],
        json!([n])
    );

    let res = patch(&app, &path, Some(&staff), Some("\"1\""), &fix).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"2\"");
    let fixed: Value = res.json().await.unwrap();
    assert_eq!(fixed["channel"], "phone");
    assert!(fixed["note"].is_null());
    assert_eq!(fixed["notified_on"], day(-3));
    assert_eq!(fixed["project_id"], n["project_id"]);
    assert_eq!(fixed["version"], 2);
    assert_eq!(
        record(&app, id, &token).await["funding_agency_notifications"],
        json!([fixed])
    );
    // Omitted fields stay.
    let res = patch(
        &app,
        &path,
        Some(&staff),
        Some("\"2\""),
        &json!({"note": "Rückruf"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let noted: Value = res.json().await.unwrap();
    assert_eq!(noted["channel"], "phone");
    assert_eq!(noted["notified_on"], day(-3));
    assert_eq!(noted["note"], "Rückruf");

    let audit = app
        .get_json(
            &format!("/api/v1/audit-events?entity_type=participant&entity_id={id}"),
            &staff,
        )
        .await;
    let corrections: Vec<&Value> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "funding_agency.notification_corrected")
        .collect();
    assert_eq!(corrections.len(), 2);
    let first = corrections
        .iter()
        .find(|e| e["after"]["version"] == 2)
        .unwrap();
    assert_eq!(first["before"]["channel"], "email");
    assert_eq!(first["before"]["has_note"], true);
    assert!(!first.to_string().contains("Beispiel"), "no texts: {first}");
    assert_eq!(first["before"]["notified_on"], day(-1));
    assert_eq!(first["after"]["channel"], "phone");
    assert_eq!(first["after"]["has_note"], false);
}

async fn a_refused_correction_changes_nothing(app: TestApp) {
    let staff = app.staff_token().await;
    let (id, _) = ksm1_mentor(&app, &staff, "ksm1@example.org").await;
    let (other, _) = ksm1_mentor(&app, &staff, "other@example.org").await;
    let n = notified(&app, &staff, id).await;
    let path = format!("{}/{}", notify_path(id), n["id"]);
    for (body, pointer) in [
        (json!({"notified_on": day(1)}), "/notified_on"),
        (json!({"notified_on": "2101-01-01"}), "/notified_on"),
        (json!({"note": ""}), "/note"),
        (json!({"note": "x".repeat(2001)}), "/note"),
    ] {
        let res = patch(&app, &path, Some(&staff), Some("\"1\""), &body).await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        let mut found = pointers(&problem);
        found.dedup();
        assert_eq!(found, [pointer], "{body}");
    }
    for body in [json!({"channel": "fax"}), json!({"project_id": 1})] {
        let res = patch(&app, &path, Some(&staff), Some("\"1\""), &body).await;
        assert!(res.status().is_client_error(), "{body}: {}", res.status());
    }
    // Another participant's path does not reach it.
    let elsewhere = format!("{}/{}", notify_path(other), n["id"]);
    let res = patch(
        &app,
        &elsewhere,
        Some(&staff),
        Some("*"),
        &json!({"note": "x"}),
    )
    .await;
    assert_problem(res, StatusCode::NOT_FOUND).await;
    assert_eq!(
        record(&app, id, &staff).await["funding_agency_notifications"],
        json!([n])
    );
}

async fn only_staff_correct_a_notification(app: TestApp) {
    let staff = app.staff_token().await;
    let (id, token) = ksm1_mentor(&app, &staff, "ksm1@example.org").await;
    let (_, mentee) = app
        .active_participant(&staff, "mentee@example.org", "first_project", &["mentee"])
        .await;
    let n = notified(&app, &staff, id).await;
    let path = format!("{}/{}", notify_path(id), n["id"]);
    let body = json!({"note": "geändert"});
    for token in [None, Some(token.as_str()), Some(mentee.as_str())] {
        let res = patch(&app, &path, token, Some("*"), &body).await;
        let expected = if token.is_none() {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::FORBIDDEN
        };
        assert_problem(res, expected).await;
    }
    assert_eq!(
        record(&app, id, &staff).await["funding_agency_notifications"],
        json!([n])
    );
    let res = patch(&app, &path, Some(&staff), Some("*"), &body).await;
    assert_eq!(res.status(), StatusCode::OK);
}
