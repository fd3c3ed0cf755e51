//! Where the community platform's facts come from: participants record their own community
//! account reference (audited, one person each), filing a documentation emits
//! `session.documented`, and a membership lookup takes the participant id an event named.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem, patch, pointers};
use crate::support::participants::registration;
use crate::support::sessions::{audit_of, cast, held_session, post_status};

on_both_backends!(
    participants_record_their_own_community_reference,
    filing_a_documentation_emits_session_documented,
    membership_lookup_takes_the_participant_id_of_an_event,
    a_community_reference_stays_with_one_participant_under_races,
);

/// PATCHes the participant record `id` as `token` with the current ETag (read by `staff`).
async fn patch_record(
    app: &TestApp,
    staff: &str,
    id: i64,
    token: &str,
    body: Value,
) -> reqwest::Response {
    let path = format!("/api/v1/participants/{id}");
    let res = app.get(&path, Some(staff)).await;
    let tag = res.headers()["etag"].to_str().unwrap().to_owned();
    patch(app, &path, Some(token), Some(&tag), &body).await
}

async fn participants_record_their_own_community_reference(app: TestApp) {
    let staff = app.staff_token().await;
    let (id, token) = app
        .active_participant(&staff, "self@example.org", "first_project", &["mentee"])
        .await;
    let res = patch_record(
        &app,
        &staff,
        id,
        &token,
        json!({"community_account_ref": " ksc-self "}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.json::<Value>().await.unwrap()["community_account_ref"],
        "ksc-self"
    );
    let audit = app
        .get_json(
            &format!("/api/v1/audit-events?entity_type=participant&entity_id={id}"),
            &staff,
        )
        .await;
    assert!(
        audit["items"].as_array().unwrap().iter().any(|e| {
            e["action"] == "participant.updated"
                && e["after"]["fields"] == json!(["community_account_ref"])
        }),
        "audited by field name: {audit}"
    );
    let integration = app.integration_token(&staff).await;
    let found = app
        .post(
            "/api/v1/membership-lookups",
            Some(&integration),
            &json!({"community_account_id": "ksc-self"}),
        )
        .await;
    assert_eq!(found.json::<Value>().await.unwrap()["participant_id"], id);
    // The next access event carries it.
    let res = app
        .post(
            &format!("/api/v1/participants/{id}/ending"),
            Some(&token),
            &json!({"ended_on": "2026-11-01", "reason": "Ruhestand"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let feed = app.get_json("/api/v1/events?limit=200", &integration).await;
    let ended = feed["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(ended["type"], "participant.ended");
    assert_eq!(ended["participant"]["community_account_ref"], "ksc-self");

    // Single line, at most 100 characters; one person each; only their own record.
    let (other, other_token) = app
        .active_participant(&staff, "other@example.org", "first_project", &["mentee"])
        .await;
    for bad in [json!("ksc\nself"), json!("x".repeat(101)), json!("")] {
        let res = patch_record(
            &app,
            &staff,
            other,
            &other_token,
            json!({"community_account_ref": bad}),
        )
        .await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        let found = pointers(&problem);
        assert!(!found.is_empty() && found.iter().all(|p| *p == "/community_account_ref"));
    }
    let taken = patch_record(
        &app,
        &staff,
        other,
        &other_token,
        json!({"community_account_ref": "ksc-self"}),
    )
    .await;
    assert_problem(taken, StatusCode::CONFLICT).await;
    let res = patch_record(
        &app,
        &staff,
        id,
        &other_token,
        json!({"community_account_ref": "ksc-x"}),
    )
    .await;
    assert_problem(res, StatusCode::NOT_FOUND).await;
    let res = patch_record(
        &app,
        &staff,
        id,
        &integration,
        json!({"community_account_ref": "ksc-x"}),
    )
    .await;
    assert_problem(res, StatusCode::FORBIDDEN).await;
    let record = app
        .get_json(&format!("/api/v1/participants/{other}"), &staff)
        .await;
    assert_eq!(
        record["community_account_ref"],
        Value::Null,
        "nothing changed"
    );
}

async fn filing_a_documentation_emits_session_documented(app: TestApp) {
    let c = cast(&app).await;
    let id = held_session(&app, &c).await;
    let integration = app.integration_token(&c.staff).await;
    let documented = |feed: &Value| -> Vec<Value> {
        feed["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["type"] == "session.documented")
            .cloned()
            .collect()
    };
    let before = app.get_json("/api/v1/events?limit=200", &integration).await;
    assert!(
        documented(&before).is_empty(),
        "holding is no documentation"
    );
    let path = format!("/api/v1/sessions/{id}/documentation");
    // A refused filing emits nothing; the mentee may not file.
    let body = json!({"summary": "Impulse.", "results": "Checkliste.", "people_reached": 25});
    assert_eq!(
        post_status(&app, &path, &c.mentee, body.clone()).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post_status(&app, &path, &integration, body.clone()).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post_status(
            &app,
            &path,
            &c.mentor,
            json!({"summary": "", "results": "x",
            "people_reached": 25})
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let after_refusals = app.get_json("/api/v1/events?limit=200", &integration).await;
    assert!(documented(&after_refusals).is_empty());
    assert_eq!(
        post_status(&app, &path, &c.mentor, body).await,
        StatusCode::OK
    );
    let feed = app.get_json("/api/v1/events?limit=200", &integration).await;
    let events = documented(&feed);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["subject_type"], "session");
    assert_eq!(events[0]["subject_id"], id);
    assert_eq!(
        events[0].as_object().unwrap().len(),
        5,
        "thin: {}",
        events[0]
    );
    assert_eq!(
        feed["items"].as_array().unwrap().last().unwrap()["type"],
        "session.documented"
    );
    assert!(
        audit_of(&app, &c.staff, id)
            .await
            .iter()
            .any(|e| e["action"] == "session.documented")
    );
    // Webhook endpoints may subscribe to it.
    let res = app
        .post(
            "/api/v1/webhooks",
            Some(&c.staff),
            &json!({"url": "https://community.example/hooks/sessions",
                "event_types": ["session.documented"]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

async fn membership_lookup_takes_the_participant_id_of_an_event(app: TestApp) {
    let staff = app.staff_token().await;
    let integration = app.integration_token(&staff).await;
    let (id, _) = app
        .active_participant(&staff, "byid@example.org", "follow_up_project", &["mentor"])
        .await;
    let feed = app.get_json("/api/v1/events?limit=200", &integration).await;
    let event_id =
        feed["items"].as_array().unwrap().last().unwrap()["participant"]["participant_id"]
            .as_i64()
            .unwrap();
    assert_eq!(event_id, id);
    let lookup = |body: Value, token: String| {
        let app = &app;
        async move {
            app.post("/api/v1/membership-lookups", Some(&token), &body)
                .await
        }
    };
    let found = lookup(json!({"participant_id": event_id}), integration.clone()).await;
    assert_eq!(found.status(), StatusCode::OK);
    assert_eq!(found.headers()["cache-control"], "no-store");
    assert_eq!(
        found.json::<Value>().await.unwrap(),
        json!({"participant_id": id, "status": "active", "roles": ["mentor"]})
    );
    let by_staff = lookup(json!({"participant_id": id}), staff.clone()).await;
    assert_eq!(by_staff.status(), StatusCode::OK);
    let unknown = lookup(json!({"participant_id": id + 1000}), integration.clone()).await;
    assert_problem(unknown, StatusCode::NOT_FOUND).await;
    for body in [
        json!({"participant_id": id, "email": "byid@example.org"}),
        json!({"participant_id": id, "community_account_id": "ksc-1"}),
        json!({"participant_id": 0}),
    ] {
        let res = lookup(body, integration.clone()).await;
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    for token in app.participant_tokens(&staff).await {
        let res = lookup(json!({"participant_id": id}), token).await;
        assert_problem(res, StatusCode::FORBIDDEN).await;
    }
    let res = app
        .post(
            &format!("/api/v1/participants/{id}/erasure"),
            Some(&staff),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let erased = lookup(json!({"participant_id": id}), integration).await;
    assert_problem(erased, StatusCode::NOT_FOUND).await;
}

/// Four participants claim the same community account at once: the database lets exactly one
/// keep it, the others get 409; a registration naming it afterwards is accepted without it.
async fn a_community_reference_stays_with_one_participant_under_races(app: TestApp) {
    let staff = app.staff_token().await;
    let mut claims = Vec::new();
    for n in 0..4 {
        let (id, token) = app
            .active_participant(
                &staff,
                &format!("race{n}@example.org"),
                "first_project",
                &["mentee"],
            )
            .await;
        let path = format!("/api/v1/participants/{id}");
        let res = app.get(&path, Some(&staff)).await;
        let tag = res.headers()["etag"].to_str().unwrap().to_owned();
        claims.push((path, token, tag));
    }
    let body = json!({"community_account_ref": "ksc-race"});
    let sent = claims.iter().map(|(path, token, tag)| {
        let body = body.clone();
        let app = &app;
        async move {
            patch(app, path, Some(token), Some(tag), &body)
                .await
                .status()
        }
    });
    let statuses = futures_util::future::join_all(sent).await;
    let kept = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((kept, refused), (1, 3), "statuses: {statuses:?}");
    let integration = app.integration_token(&staff).await;
    let holder = app
        .post(
            "/api/v1/membership-lookups",
            Some(&integration),
            &json!({"community_account_id": "ksc-race"}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert!(holder["participant_id"].is_i64(), "one holder: {holder}");

    let mut late = registration("late@example.org", "first_project", &["mentee"]);
    late["community_account_ref"] = json!("ksc-race");
    let (late_id, _, _) = app.register(&late).await;
    let record = app
        .get_json(&format!("/api/v1/participants/{late_id}"), &staff)
        .await;
    assert_eq!(record["community_account_ref"], Value::Null);
    let mut fresh = registration("fresh@example.org", "first_project", &["mentee"]);
    fresh["community_account_ref"] = json!("ksc-fresh");
    let (fresh_id, _, _) = app.register(&fresh).await;
    let record = app
        .get_json(&format!("/api/v1/participants/{fresh_id}"), &staff)
        .await;
    assert_eq!(record["community_account_ref"], "ksc-fresh");
}
