//! Pairs and contacts belong to both people: both export them; erasing one person withdraws
//! their request, ends their pairs and blanks the confidential texts, while the other person's
//! record and the mentor's credits stay.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::TestApp;
use crate::support::mentoring::{PAIRS, agree, formed_pair, phone_call};
use crate::support::sponsorships::today;

on_both_backends!(both_export_the_pair_and_erasure_keeps_the_mentor_s_credit);

async fn both_export_the_pair_and_erasure_keeps_the_mentor_s_credit(app: TestApp) {
    let (pair, mentee, mentor, staff) = formed_pair(&app).await;
    agree(&app, pair, &mentor, today() + Duration::days(90)).await;
    let contacts = format!("{PAIRS}/{pair}/contacts");
    let res = app
        .post(&contacts, Some(&mentor), &phone_call(today()))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let mentee_id = app.own_participant_id(&mentee).await;
    let mentor_id = app.own_participant_id(&mentor).await;

    for (id, token) in [(mentee_id, &mentee), (mentor_id, &mentor)] {
        let export = app
            .get_json(&format!("/api/v1/participants/{id}/export"), token)
            .await;
        assert_eq!(export["mentoring_pairs"][0]["id"], pair);
        assert_eq!(
            export["mentoring_contacts"][0]["note"],
            "Fördermittel besprochen"
        );
    }
    let export = app
        .get_json(&format!("/api/v1/participants/{mentee_id}/export"), &mentee)
        .await;
    assert_eq!(export["mentoring_requests"].as_array().unwrap().len(), 1);

    let res = app
        .post(
            &format!("/api/v1/participants/{mentee_id}/erasure"),
            Some(&staff),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    let seen: Value = app.get_json(&format!("{PAIRS}/{pair}"), &mentor).await;
    assert_eq!(seen["state"], "ended");
    assert_eq!(seen["agreement"]["expectations"], "(gelöscht)");
    let listed = app.get_json(&contacts, &mentor).await;
    assert_eq!(listed["items"][0]["note"], Value::Null);
    assert_eq!(
        listed["items"][0]["credited_hours"], 2,
        "the mentor keeps the credit"
    );
    let report = app
        .get_json(
            &format!("/api/v1/participants/{mentor_id}/credit-report"),
            &mentor,
        )
        .await;
    assert_eq!(report["total_hours"], 2);
    let export = app
        .get_json(&format!("/api/v1/participants/{mentor_id}/export"), &mentor)
        .await;
    let text = export.to_string();
    assert!(!text.contains("Fördermittel besprochen"));
    assert!(!text.contains("Austausch auf Augenhöhe"));
}
