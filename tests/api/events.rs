//! The Klimaschutz-Community integration: the outbox feed (every change in commit order, none
//! missed or repeated, also under concurrent writers; resumable) and membership lookups.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::practice_tips;
use crate::support::app::{TestApp, assert_problem};
use crate::support::participants::{PDF, registration};
use crate::support::sessions::proposal;

on_both_backends!(
    lifecycle_and_role_changes_are_events_in_order_and_the_feed_resumes,
    session_approval_and_tip_publication_are_events,
    concurrent_activations_while_polling_never_skip_or_repeat_events,
    membership_lookup_answers_status_and_roles_only,
    feed_and_lookup_are_for_integration_and_staff_only,
);

/// Reads the feed from `cursor` to its current end; returns the events and the new cursor.
async fn drain(
    app: &TestApp,
    token: &str,
    mut cursor: Option<String>,
) -> (Vec<Value>, Option<String>) {
    let mut events = Vec::new();
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/events?limit=3&cursor={c}"),
            None => "/api/v1/events?limit=3".to_owned(),
        };
        let page = app.get_json(&path, token).await;
        events.extend(page["items"].as_array().unwrap().iter().cloned());
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        if !page["has_more"].as_bool().unwrap() {
            return (events, cursor);
        }
    }
}

fn kinds(events: &[Value]) -> Vec<(String, i64)> {
    events
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_owned(),
                e["subject_id"].as_i64().unwrap(),
            )
        })
        .collect()
}

async fn lifecycle_and_role_changes_are_events_in_order_and_the_feed_resumes(app: TestApp) {
    let staff = app.staff_token().await;
    let integration = app.integration_token(&staff).await;
    let empty = app.get_json("/api/v1/events", &integration).await;
    assert_eq!(
        empty,
        json!({"items": [], "next_cursor": null, "has_more": false})
    );

    let (id, token) = app
        .active_participant(&staff, "a@example.org", "first_project", &["mentee"])
        .await;
    let res = app
        .post(
            &format!("/api/v1/participants/{id}/role-assignments"),
            Some(&staff),
            &json!({"roles": ["mentee", "mentor"]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let (first, cursor) = drain(&app, &integration, None).await;
    assert_eq!(
        kinds(&first),
        vec![
            ("participant.activated".to_owned(), id),
            ("participant.roles_changed".to_owned(), id)
        ]
    );
    assert_eq!(first[0]["subject_type"], "participant");
    assert!(first[0]["occurred_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        first[1].as_object().unwrap().len(),
        5,
        "thin payload: id, type, subject_type, subject_id, occurred_at"
    );
    assert_eq!(
        first[0]["participant"],
        json!({"participant_id": id, "community_account_ref": null, "email": "a@example.org"}),
        "an access event also names the participant (tests/api/webhooks/payloads.rs)"
    );

    // Nothing new: the cursor stays, so a client can poll (or resume after downtime) with it.
    let idle = app
        .get_json(
            &format!("/api/v1/events?cursor={}", cursor.as_deref().unwrap()),
            &integration,
        )
        .await;
    assert!(idle["items"].as_array().unwrap().is_empty());
    assert_eq!(idle["next_cursor"].as_str(), cursor.as_deref());

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
    let (resumed, _) = drain(&app, &integration, cursor).await;
    assert_eq!(
        kinds(&resumed),
        vec![
            ("participant.ended".to_owned(), id),
            ("participant.rejoined".to_owned(), id)
        ],
        "resuming returns exactly the events after the stored cursor"
    );
    let ids: Vec<i64> = first
        .iter()
        .chain(&resumed)
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids increase: {ids:?}");
}

async fn session_approval_and_tip_publication_are_events(app: TestApp) {
    let c = practice_tips::cast(&app).await;
    let integration = app.integration_token(&c.staff).await;
    let (_, cursor) = drain(&app, &integration, None).await;
    let tip = practice_tips::published(&app, &c, "Wärmeplanung").await;
    let res = app
        .post(
            "/api/v1/sessions",
            Some(&c.author),
            &proposal("webinar", c.topic, 30, &[]),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let session = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let res = app
        .post(
            &format!("/api/v1/sessions/{session}/approval"),
            Some(&c.staff),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (events, _) = drain(&app, &integration, cursor).await;
    assert_eq!(
        kinds(&events),
        vec![
            ("practice_tip.published".to_owned(), tip),
            ("session.approved".to_owned(), session)
        ]
    );
    assert_eq!(events[0]["subject_type"], "practice_tip");
    assert_eq!(events[1]["subject_type"], "session");
}

async fn concurrent_activations_while_polling_never_skip_or_repeat_events(app: TestApp) {
    let staff = app.staff_token().await;
    let integration = app.integration_token(&staff).await;
    let mut ids = Vec::new();
    for n in 0..20 {
        let body = registration(&format!("p{n}@example.org"), "first_project", &["mentee"]);
        let (id, project, token) = app.register(&body).await;
        let sheet = format!("/api/v1/participants/{id}/projects/{project}/contact-sheet");
        let res = app
            .upload(&sheet, &token, "application/pdf", PDF.to_vec())
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let res = app
            .post(&format!("{sheet}/confirmation"), Some(&staff), &json!({}))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        ids.push(id);
    }
    let mut tasks = Vec::new();
    for id in &ids {
        let client = app.client.clone();
        let url = format!("{}/api/v1/participants/{id}/activation", app.address);
        let token = staff.clone();
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({}))
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    // Poll while the writers run, resuming from the last cursor each time.
    let mut seen = Vec::new();
    let mut cursor = None;
    while !tasks.iter().all(|t| t.is_finished()) {
        let (events, next) = drain(&app, &integration, cursor.clone()).await;
        seen.extend(events);
        cursor = next.or(cursor);
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), StatusCode::OK);
    }
    let (rest, _) = drain(&app, &integration, cursor).await;
    seen.extend(rest);
    let (all, _) = drain(&app, &integration, None).await;
    assert_eq!(seen, all, "polling saw every event once, in order");
    let mut subjects: Vec<i64> = all
        .iter()
        .map(|e| e["subject_id"].as_i64().unwrap())
        .collect();
    subjects.sort_unstable();
    assert_eq!(subjects, ids);
}

async fn lookup(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post("/api/v1/membership-lookups", Some(token), &body)
        .await
}

async fn membership_lookup_answers_status_and_roles_only(app: TestApp) {
    let staff = app.staff_token().await;
    let integration = app.integration_token(&staff).await;
    let mut body = registration("Anna@Example.org", "follow_up_project", &["mentor"]);
    body["community_account_ref"] = json!("ksc-4711");
    let (id, project, token) = app.register(&body).await;
    let pending = lookup(
        &app,
        &integration,
        json!({"community_account_id": "ksc-4711"}),
    )
    .await;
    assert_eq!(pending.status(), StatusCode::OK);
    assert_eq!(pending.headers()["cache-control"], "no-store");
    assert_eq!(
        pending.json::<Value>().await.unwrap(),
        json!({"participant_id": id, "status": "pending", "roles": ["mentor"]})
    );
    app.activate(&staff, id, project, &token).await;
    let by_email = lookup(&app, &integration, json!({"email": "ANNA@example.org"})).await;
    assert_eq!(
        by_email.json::<Value>().await.unwrap(),
        json!({"participant_id": id, "status": "active", "roles": ["mentor"]})
    );
    let by_staff = lookup(&app, &staff, json!({"email": "anna@example.org"})).await;
    assert_eq!(by_staff.status(), StatusCode::OK);

    let unknown = lookup(&app, &integration, json!({"email": "nobody@example.org"})).await;
    assert_problem(unknown, StatusCode::NOT_FOUND).await;
    let both = lookup(
        &app,
        &integration,
        json!({"email": "anna@example.org", "community_account_id": "ksc-4711"}),
    )
    .await;
    assert_problem(both, StatusCode::UNPROCESSABLE_ENTITY).await;
    let neither = lookup(&app, &integration, json!({})).await;
    assert_problem(neither, StatusCode::UNPROCESSABLE_ENTITY).await;

    let res = app
        .post(
            &format!("/api/v1/participants/{id}/erasure"),
            Some(&staff),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let erased = lookup(
        &app,
        &integration,
        json!({"community_account_id": "ksc-4711"}),
    )
    .await;
    assert_problem(erased, StatusCode::NOT_FOUND).await;
    let (events, _) = drain(&app, &integration, None).await;
    assert_eq!(
        kinds(&events).last().unwrap(),
        &("participant.ended".to_owned(), id),
        "erasing an active member revokes access"
    );
}

async fn feed_and_lookup_are_for_integration_and_staff_only(app: TestApp) {
    let staff = app.staff_token().await;
    let outsiders = app.participant_tokens(&staff).await;
    let body = json!({"email": "mentee@example.org"});
    assert_problem(
        app.get("/api/v1/events", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_problem(
        app.post("/api/v1/membership-lookups", None, &body).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    for token in &outsiders {
        assert_problem(
            app.get("/api/v1/events", Some(token)).await,
            StatusCode::FORBIDDEN,
        )
        .await;
        assert_problem(
            lookup(&app, token, body.clone()).await,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    let feed = app.get_json("/api/v1/events", &staff).await;
    assert!(
        !feed["items"].as_array().unwrap().is_empty(),
        "staff may read the feed"
    );
}
