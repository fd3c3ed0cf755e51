//! The access events name the participant the way the community platform knows them
//! (`participant_id`, `community_account_ref`, `email`) and nothing more; the personal export
//! shows what they told; after an erasure no stored event and no pending push names them.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::receiver::{Answer, Receiver, status};
use super::{ACTIVATED, register, statuses, wait_for_deliveries};
use crate::on_both_backends;
use crate::support::app::TestApp;
use crate::support::participants::registration;

on_both_backends!(
    access_events_carry_id_reference_and_email_only,
    erasure_blanks_stored_and_pending_events_of_the_person,
);

const ENDED: &str = "participant.ended";
const REJOINED: &str = "participant.rejoined";

/// The feed's events about `subject` of the subject type `participant`.
async fn events_of(app: &TestApp, token: &str, subject: i64) -> Vec<Value> {
    app.get_json("/api/v1/events?limit=200", token).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["subject_type"] == "participant" && e["subject_id"] == subject)
        .cloned()
        .collect()
}

/// Registers `email` with the community reference `reference` and activates them.
async fn member(app: &TestApp, staff: &str, email: &str, reference: &str) -> (i64, String) {
    let mut body = registration(email, "first_project", &["mentee"]);
    body["community_account_ref"] = json!(reference);
    let (id, project, token) = app.register(&body).await;
    app.activate(staff, id, project, &token).await;
    (id, token)
}

async fn access_events_carry_id_reference_and_email_only(app: TestApp) {
    let staff = app.staff_token().await;
    let receiver = Receiver::start(&[status(204)]);
    let (endpoint, _) = register(&app, &staff, &receiver.url, &[ACTIVATED, ENDED, REJOINED]).await;
    let (id, token) = member(&app, &staff, "Ada@Example.org", "ksc-ada").await;
    let res = app
        .post(
            &format!("/api/v1/participants/{id}/role-assignments"),
            Some(&staff),
            &json!({"roles": ["mentee", "mentor"]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = app
        .post(
            &format!("/api/v1/participants/{id}/ending"),
            Some(&token),
            &json!({"ended_on": "2026-11-01", "reason": "Stellenwechsel"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .post(
            &format!("/api/v1/participants/{id}/rejoining"),
            Some(&staff),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    let named = json!({"participant_id": id, "community_account_ref": "ksc-ada",
        "email": "ada@example.org"});
    let integration = app.integration_token(&staff).await;
    let events = events_of(&app, &integration, id).await;
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [ACTIVATED, "participant.roles_changed", ENDED, REJOINED]
    );
    for event in &events {
        if event["type"] == "participant.roles_changed" {
            assert!(event.get("participant").is_none(), "other events stay thin");
            assert_eq!(event.as_object().unwrap().len(), 5);
        } else {
            assert_eq!(event["participant"], named, "{event}");
            assert_eq!(event.as_object().unwrap().len(), 6, "{event}");
        }
    }

    // The pushes carry the same, in `data`.
    let calls = receiver.wait_for(3).await;
    wait_for_deliveries(&app, &staff, endpoint, |d| {
        statuses(d) == ["succeeded", "succeeded", "succeeded"]
    })
    .await;
    let pushed: Vec<Value> = calls.iter().map(|c| c.json()).collect();
    // Sent concurrently: in any order.
    let mut pushed_types: Vec<&str> = pushed.iter().map(|m| m["type"].as_str().unwrap()).collect();
    pushed_types.sort_unstable();
    assert_eq!(pushed_types, [ACTIVATED, ENDED, REJOINED]);
    for message in &pushed {
        assert_eq!(message["data"]["participant"], named, "{message}");
    }

    // A participant without a reference: `null`, still present.
    let (plain, _) = app
        .active_participant(&staff, "plain@example.org", "first_project", &["mentee"])
        .await;
    let activated = &events_of(&app, &integration, plain).await[0];
    assert_eq!(
        activated["participant"],
        json!({"participant_id": plain, "community_account_ref": null, "email": "plain@example.org"})
    );

    // The person's export lists what the events told the platform.
    let export = app
        .get_json(&format!("/api/v1/participants/{id}/export"), &token)
        .await;
    let exported: Vec<&Value> = export["outbox_events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event_type"] == ACTIVATED)
        .collect();
    assert_eq!(exported.len(), 1);
    assert_eq!(exported[0]["email"], "ada@example.org");
    assert_eq!(exported[0]["community_account_ref"], "ksc-ada");
    receiver.stop().await;
}

async fn erasure_blanks_stored_and_pending_events_of_the_person(app: TestApp) {
    let staff = app.staff_token().await;
    // Failing at first, so the activation's push is still pending when the erasure commits.
    let receiver = Receiver::start(&[Answer {
        status: 500,
        retry_after: Some(1),
    }]);
    let (endpoint, _) = register(&app, &staff, &receiver.url, &[ACTIVATED, ENDED]).await;
    let (id, _) = member(&app, &staff, "erase-me@example.org", "ksc-erase").await;
    let (other, _) = member(&app, &staff, "stays@example.org", "ksc-stays").await;
    let first = receiver.wait_for(1).await;
    assert!(first[0].body.contains("erase-me@example.org"));

    let res = app
        .post(
            &format!("/api/v1/participants/{id}/erasure"),
            Some(&staff),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // Pushes that were on their way when the erasure committed have arrived by now.
    tokio::time::sleep(Duration::from_millis(300)).await;
    receiver.answer(&[status(200)]);
    wait_for_deliveries(&app, &staff, endpoint, |d| {
        statuses(d) == ["succeeded", "succeeded", "succeeded"]
    })
    .await;

    let integration = app.integration_token(&staff).await;
    let events = events_of(&app, &integration, id).await;
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, [ACTIVATED, ENDED], "erasing a member revokes access");
    let erased = json!({"participant_id": id, "community_account_ref": null, "email": null});
    for event in &events {
        assert_eq!(event["participant"], erased, "{event}");
    }
    let feed = app
        .get_json("/api/v1/events?limit=200", &integration)
        .await
        .to_string();
    assert!(!feed.contains("erase-me@example.org") && !feed.contains("ksc-erase"));
    assert!(feed.contains("stays@example.org"), "others keep theirs");
    assert_eq!(
        events_of(&app, &integration, other).await[0]["participant"]["community_account_ref"],
        "ksc-stays"
    );

    // Every push sent after the erasure, the retried activation too, is without them.
    let later: Vec<_> = receiver
        .calls()
        .into_iter()
        .filter(|c| c.answered == 200)
        .collect();
    assert!(
        later
            .iter()
            .any(|c| c.json()["type"] == ACTIVATED && c.json()["data"]["subject_id"] == id)
    );
    for call in &later {
        assert!(!call.body.contains("erase-me@example.org"), "{}", call.body);
        assert!(!call.body.contains("ksc-erase"), "{}", call.body);
    }
    receiver.stop().await;
}
