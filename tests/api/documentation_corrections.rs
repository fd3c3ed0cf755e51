//! Staff correct a filed session documentation (`PATCH` with `If-Match`, audited without the
//! texts); the session stays documented and the credits stay; a refused correction changes
//! nothing; nobody else corrects it.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem, patch, pointers};
use crate::support::sessions::{audit_of, cast, held_session, post_status, session_credits};

on_both_backends!(
    staff_correct_a_filed_documentation_with_if_match,
    a_refused_correction_changes_nothing_and_only_staff_correct,
);

/// A documented webinar of the cast's mentors: its id.
async fn documented(app: &TestApp, c: &crate::support::sessions::Cast) -> i64 {
    let id = held_session(app, c).await;
    let body = json!({"summary": "Impulse und Diskusion.", "results": "Checkliste.",
        "people_reached": 25});
    assert_eq!(
        post_status(
            app,
            &format!("/api/v1/sessions/{id}/documentation"),
            &c.mentor,
            body
        )
        .await,
        StatusCode::OK
    );
    id
}

async fn read(app: &TestApp, id: i64, token: &str) -> (Value, String) {
    let res = app
        .get(&format!("/api/v1/sessions/{id}/documentation"), Some(token))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let tag = res.headers()["etag"].to_str().unwrap().to_owned();
    (res.json().await.unwrap(), tag)
}

async fn staff_correct_a_filed_documentation_with_if_match(app: TestApp) {
    let c = cast(&app).await;
    let id = documented(&app, &c).await;
    let path = format!("/api/v1/sessions/{id}/documentation");
    let credits = session_credits(&app, id).await;
    let (before, tag) = read(&app, id, &c.mentee).await;
    assert_eq!(tag, "\"1\"");
    let fix = json!({"summary": "Impulse und Diskussion."});

    let res = patch(&app, &path, Some(&c.staff), None, &fix).await;
    assert_problem(res, StatusCode::PRECONDITION_REQUIRED).await;
    let res = patch(&app, &path, Some(&c.staff), Some("\"3\""), &fix).await;
    assert_problem(res, StatusCode::PRECONDITION_FAILED).await;
    assert_eq!(
        read(&app, id, &c.staff).await,
        (before.clone(), tag.clone())
    );

    let res = patch(&app, &path, Some(&c.staff), Some(&tag), &fix).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"2\"");
    let fixed: Value = res.json().await.unwrap();
    assert_eq!(fixed["summary"], "Impulse und Diskussion.");
    assert_eq!(fixed["results"], before["results"]);
    assert_eq!(fixed["people_reached"], 25);
    assert_eq!(read(&app, id, &c.mentee).await, (fixed, "\"2\"".to_owned()));
    let session = app
        .get_json(&format!("/api/v1/sessions/{id}"), &c.staff)
        .await;
    assert_eq!(session["state"], "documented");
    assert_eq!(session_credits(&app, id).await, credits);

    let audit = audit_of(&app, &c.staff, id).await;
    let entry = audit
        .iter()
        .find(|e| e["action"] == "session.documentation_corrected")
        .expect("the correction is audited");
    assert_eq!(entry["after"]["changed"], json!(["summary"]));
    assert_eq!(entry["after"]["version"], 2);
    assert!(!entry.to_string().contains("Impulse"), "no texts: {entry}");
}

async fn a_refused_correction_changes_nothing_and_only_staff_correct(app: TestApp) {
    let c = cast(&app).await;
    let id = documented(&app, &c).await;
    let path = format!("/api/v1/sessions/{id}/documentation");
    let (before, tag) = read(&app, id, &c.staff).await;
    for (body, pointer) in [
        (json!({"summary": ""}), "/summary"),
        (json!({"results": "x".repeat(10_001)}), "/results"),
    ] {
        let res = patch(&app, &path, Some(&c.staff), Some(&tag), &body).await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        let mut found = pointers(&problem);
        found.dedup();
        assert_eq!(found, [pointer], "{body}");
    }
    let res = patch(
        &app,
        &path,
        Some(&c.staff),
        Some(&tag),
        &json!({"people_reached": 3}),
    )
    .await;
    assert!(res.status().is_client_error());
    let fix = json!({"results": "Neue Checkliste."});
    let res = patch(&app, &path, None, Some(&tag), &fix).await;
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
    // The session's own mentors file it; correcting it afterwards is the office's task.
    for token in [&c.mentor, &c.co_mentor, &c.mentee] {
        let res = patch(&app, &path, Some(token), Some(&tag), &fix).await;
        assert_problem(res, StatusCode::FORBIDDEN).await;
    }
    assert_eq!(read(&app, id, &c.staff).await, (before, tag));
    // Only a documented session has a documentation to correct.
    let held = held_session(&app, &c).await;
    let res = patch(
        &app,
        &format!("/api/v1/sessions/{held}/documentation"),
        Some(&c.staff),
        Some("*"),
        &fix,
    )
    .await;
    assert_problem(res, StatusCode::NOT_FOUND).await;
}
