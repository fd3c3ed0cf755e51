//! A held session's short documentation: filing it credits every mentor once, case examples
//! name their contributor unless anonymised, attachments are typed by content, and each role
//! reads and does only what it may.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem};
use crate::support::participants::{PDF, registration};
use crate::support::sessions::{Cast, audit_of, cast, held_session, post_status, session_credits};

on_both_backends!(
    documentation_credits_every_mentor_and_anonymises_on_request,
    documentation_rules_and_roles,
    attachments_are_typed_by_content_and_readable_once_documented,
);

/// A PNG signature and the start of an IHDR chunk: enough for the content check.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

/// Sends a question to the session as the cast's mentee; returns its id.
async fn send_case(app: &TestApp, c: &Cast, session: i64, body: Value) -> i64 {
    let res = app
        .post(
            &format!("/api/v1/sessions/{session}/questions"),
            Some(&c.mentee),
            &body,
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

fn documentation(case_examples: Value) -> Value {
    json!({
        "summary": "Zwei Impulse zur kommunalen Wärmeplanung, danach Diskussion.",
        "results": "Checkliste für den Einstieg; offene Frage: Datenschutz bei Verbrauchsdaten.",
        "people_reached": 31,
        "case_examples": case_examples,
    })
}

/// Proposes, approves and holds a session, then lets the mentee send cases before it is held.
async fn held_with_cases(app: &TestApp, c: &Cast) -> (i64, i64, i64) {
    // Questions go to approved sessions; a held one takes none, so ask first on a fresh one.
    let id = crate::support::sessions::propose(
        app,
        &c.mentor,
        &crate::support::sessions::proposal("webinar", c.topic, -2, &[c.co_mentor_id]),
    )
    .await;
    let path = format!("/api/v1/sessions/{id}");
    assert_eq!(
        post_status(app, &format!("{path}/approval"), &c.staff, json!({})).await,
        StatusCode::OK
    );
    let named = send_case(
        app,
        c,
        id,
        json!({"body": "Unser Beteiligungsformat", "is_case_example": true}),
    )
    .await;
    let anonymous = send_case(
        app,
        c,
        id,
        json!({"body": "Konflikt im Rat", "is_case_example": true, "anonymise": true}),
    )
    .await;
    assert_eq!(
        post_status(
            app,
            &format!("{path}/holding"),
            &c.co_mentor,
            json!({"people_reached": 20})
        )
        .await,
        StatusCode::OK
    );
    (id, named, anonymous)
}

async fn documentation_credits_every_mentor_and_anonymises_on_request(app: TestApp) {
    let c = cast(&app).await;
    let (id, named, anonymous) = held_with_cases(&app, &c).await;
    let path = format!("/api/v1/sessions/{id}/documentation");
    // Not documented yet: nothing to read.
    assert_problem(app.get(&path, Some(&c.mentee)).await, StatusCode::NOT_FOUND).await;

    let body = documentation(json!([
        {"question_id": named, "text": "Ein Bürgerrat zur Wärmeplanung."},
        {"question_id": anonymous, "text": "Ein Ratsbeschluss, der kippte."},
    ]));
    let res = app.post(&path, Some(&c.mentor), &body).await;
    assert_eq!(res.status(), StatusCode::OK);
    let session: Value = res.json().await.unwrap();
    assert_eq!(session["state"], "documented");
    assert_eq!(session["people_reached"], 31);

    // Each mentor is credited once, with the webinar's 40 h, on the session's date in Berlin.
    let starts_at: chrono::DateTime<chrono::Utc> =
        session["starts_at"].as_str().unwrap().parse().unwrap();
    let starts = mentoring_api::domain::programme_time::programme_date(starts_at).to_string();
    let mut expected = vec![
        (c.mentor_id, 40, starts.clone()),
        (c.co_mentor_id, 40, starts),
    ];
    expected.sort();
    assert_eq!(session_credits(&app, id).await, expected);
    let events = audit_of(&app, &c.staff, id).await;
    assert_eq!(events[0]["action"], "session.documented");
    assert_eq!(events[0]["after"]["mentors_credited"], 2);
    assert!(
        !events[0].to_string().contains("Wärmeplanung"),
        "audit entries carry no texts"
    );

    // Any active participant reads it; the anonymised contributor is not named.
    let read = app.get_json(&path, &c.mentee).await;
    assert_eq!(read["summary"], body["summary"]);
    assert_eq!(read["people_reached"], 31);
    let cases = read["case_examples"].as_array().unwrap();
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[0]["text"], "Ein Bürgerrat zur Wärmeplanung.");
    assert_eq!(cases[0]["contributor"]["name"], "Erika Mustermann");
    assert!(cases[1]["contributor"].is_null());
    assert!(
        !read.to_string().contains("Konflikt im Rat"),
        "the raw question stays private"
    );

    // Filing again is a wrong-state transition and credits nobody twice.
    let res = app.post(&path, Some(&c.co_mentor), &body).await;
    assert_problem(res, StatusCode::CONFLICT).await;
    assert_eq!(session_credits(&app, id).await.len(), 2);

    // The mentee's export holds their questions; erasure blanks them and unnames them.
    let export = app
        .get_json(
            &format!("/api/v1/participants/{}/export", c.mentee_id),
            &c.mentee,
        )
        .await;
    let sent: Vec<&str> = export["session_questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["body"].as_str().unwrap())
        .collect();
    assert_eq!(sent, ["Unser Beteiligungsformat", "Konflikt im Rat"]);
    let res = app
        .post(
            &format!("/api/v1/participants/{}/erasure", c.mentee_id),
            Some(&c.staff),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let read = app.get_json(&path, &c.co_mentor).await;
    assert!(read["case_examples"][0]["contributor"].is_null());
    let questions = app
        .get_json(&format!("/api/v1/sessions/{id}/questions"), &c.staff)
        .await;
    assert!(!questions.to_string().contains("Unser Beteiligungsformat"));
}

async fn documentation_rules_and_roles(app: TestApp) {
    let c = cast(&app).await;
    let (id, named, _) = held_with_cases(&app, &c).await;
    let path = format!("/api/v1/sessions/{id}/documentation");
    let plain_question = send_case_on_other_session(&app, &c).await;
    // A case example must be one sent to this session, listed once.
    for cases in [
        json!([{"question_id": plain_question, "text": "x"}]),
        json!([{"question_id": named, "text": "x"}, {"question_id": named, "text": "y"}]),
        json!([{"question_id": 999_999, "text": "x"}]),
    ] {
        let res = app
            .post(&path, Some(&c.mentor), &documentation(cases))
            .await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(
            problem["errors"][0]["pointer"]
                .as_str()
                .unwrap()
                .starts_with("/case_examples/")
        );
    }
    let mut empty = documentation(json!([]));
    empty["summary"] = json!("");
    let res = app.post(&path, Some(&c.mentor), &empty).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    // Nothing changed: still held, nobody credited.
    let session = app
        .get_json(&format!("/api/v1/sessions/{id}"), &c.staff)
        .await;
    assert_eq!(session["state"], "held");
    assert!(session_credits(&app, id).await.is_empty());

    // Who may file: its mentors and staff; not mentees, other mentors, or anyone else.
    let (_, other_mentor) = app
        .active_participant(
            &c.staff,
            "other@example.org",
            "follow_up_project",
            &["mentor"],
        )
        .await;
    let (_, _, pending) = app
        .register(&registration(
            "pending@example.org",
            "first_project",
            &["mentee"],
        ))
        .await;
    let ended = app.ended_participant(&c.staff, "ended@example.org").await;
    let integration = app.integration_token(&c.staff).await;
    let body = documentation(json!([]));
    assert_eq!(
        app.post(&path, None, &body).await.status(),
        StatusCode::UNAUTHORIZED
    );
    for token in [&c.mentee, &other_mentor, &pending, &ended, &integration] {
        assert_eq!(
            post_status(&app, &path, token, body.clone()).await,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        post_status(&app, &path, &c.staff, body).await,
        StatusCode::OK
    );
    // Who may read: active participants and staff.
    assert_eq!(
        app.get(&path, None).await.status(),
        StatusCode::UNAUTHORIZED
    );
    for token in [&pending, &ended, &integration] {
        assert_eq!(
            app.get(&path, Some(token)).await.status(),
            StatusCode::FORBIDDEN
        );
    }
    for token in [&c.mentee, &other_mentor, &c.staff] {
        assert!(app.get_json(&path, token).await["case_examples"].is_array());
    }
}

/// A plain question (not a case example) on another approved session; returns its id.
async fn send_case_on_other_session(app: &TestApp, c: &Cast) -> i64 {
    let other = crate::support::sessions::propose(
        app,
        &c.mentor,
        &crate::support::sessions::proposal("webinar", c.topic, 5, &[]),
    )
    .await;
    assert_eq!(
        post_status(
            app,
            &format!("/api/v1/sessions/{other}/approval"),
            &c.staff,
            json!({})
        )
        .await,
        StatusCode::OK
    );
    send_case(
        app,
        c,
        other,
        json!({"body": "Eine Frage", "is_case_example": true}),
    )
    .await
}

async fn attachments_are_typed_by_content_and_readable_once_documented(app: TestApp) {
    let c = cast(&app).await;
    let id = held_session(&app, &c).await;
    let list = format!("/api/v1/sessions/{id}/attachments");
    let send = |token: String, content_type: &'static str, bytes: Vec<u8>| {
        let app = &app;
        let list = list.clone();
        async move {
            app.send_file(Method::POST, &list, &token, content_type, bytes)
                .await
        }
    };
    let res = send(c.mentor.clone(), "image/png", PNG.to_vec()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let photo: Value = res.json().await.unwrap();
    assert_eq!(photo["content_type"], "image/png");
    let res = send(c.co_mentor.clone(), "application/pdf", PDF.to_vec()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    // Declared type must match the content, be accepted, and fit.
    let res = send(c.mentor.clone(), "image/png", PDF.to_vec()).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let jpeg = crate::support::pdf::JPEG.to_vec();
    let res = send(c.mentor.clone(), "image/png", jpeg).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    for (label, bytes, code) in crate::support::pdf::refused() {
        let res = send(c.mentor.clone(), "application/pdf", bytes).await;
        crate::support::pdf::assert_refused(res, code, label).await;
    }
    let res = send(c.mentor.clone(), "text/plain", b"hello".to_vec()).await;
    assert_problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    let mut huge = PNG.to_vec();
    huge.resize(5 * 1024 * 1024 + 1, 0);
    let res = send(c.mentor.clone(), "image/png", huge).await;
    assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE).await;
    // Mentees neither upload nor see them before the documentation is filed.
    let res = send(c.mentee.clone(), "image/png", PNG.to_vec()).await;
    assert_problem(res, StatusCode::FORBIDDEN).await;
    assert_problem(app.get(&list, Some(&c.mentee)).await, StatusCode::NOT_FOUND).await;
    let items = app.get_json(&list, &c.mentor).await;
    assert_eq!(
        items["items"].as_array().unwrap().len(),
        2,
        "refused uploads stored nothing"
    );

    let res = app
        .post(
            &format!("/api/v1/sessions/{id}/documentation"),
            Some(&c.mentor),
            &documentation(json!([])),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let items = app.get_json(&list, &c.mentee).await;
    assert_eq!(items["items"].as_array().unwrap().len(), 2);
    let file = format!("{list}/{}", photo["id"]);
    let res = app.get(&file, Some(&c.mentee)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .ends_with(".png\"")
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);
    let ended = app.ended_participant(&c.staff, "ended@example.org").await;
    assert_problem(app.get(&file, Some(&ended)).await, StatusCode::FORBIDDEN).await;

    // Only its mentors and staff delete; deleting is audited.
    let res = app
        .request(Method::DELETE, &file, Some(&c.mentee), None)
        .await;
    assert_problem(res, StatusCode::FORBIDDEN).await;
    let res = app
        .request(Method::DELETE, &file, Some(&c.staff), None)
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_problem(app.get(&file, Some(&c.mentor)).await, StatusCode::NOT_FOUND).await;
    let actions: Vec<Value> = audit_of(&app, &c.staff, id)
        .await
        .iter()
        .map(|e| e["action"].clone())
        .collect();
    assert!(actions.contains(&json!("session.attachment_deleted")));
    assert!(actions.contains(&json!("session.attachment_added")));
}
