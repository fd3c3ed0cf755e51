//! Staff correct a topic's titles (`PATCH` with `If-Match`, audited) and retire a topic: it stays
//! on the sessions, participants and practice tips that have it and in the lists, but cannot be
//! chosen again (422 at the field naming it).

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::practice_tips::new_tip;
use crate::support::app::{TestApp, assert_problem, patch, pointers};
use crate::support::sessions::{cast, proposal, propose};

on_both_backends!(
    staff_correct_a_topics_titles_with_if_match,
    a_retired_topic_stays_where_it_is_used_but_cannot_be_chosen_again,
    only_accepted_topics_are_retired_and_only_by_staff,
);

/// A topic staff put directly on the list.
async fn accepted_topic(app: &TestApp, staff: &str, title: &str) -> i64 {
    let res = app
        .post(
            "/api/v1/topics",
            Some(staff),
            &json!({"group": "local_politics", "title_de": title, "status": "accepted"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn topic(app: &TestApp, id: i64, token: &str) -> (Value, String) {
    let res = app.get(&format!("/api/v1/topics/{id}"), Some(token)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let tag = res.headers()["etag"].to_str().unwrap().to_owned();
    (res.json().await.unwrap(), tag)
}

async fn staff_correct_a_topics_titles_with_if_match(app: TestApp) {
    let c = cast(&app).await;
    let id = accepted_topic(&app, &c.staff, "Wärmplanung").await;
    let path = format!("/api/v1/topics/{id}");
    let (before, tag) = topic(&app, id, &c.staff).await;
    assert_eq!(tag, "\"1\"");
    assert!(before["retired_at"].is_null());
    let fix = json!({"title_de": "Wärmeplanung", "title_en": "Heat planning"});

    let res = patch(&app, &path, Some(&c.staff), None, &fix).await;
    assert_problem(res, StatusCode::PRECONDITION_REQUIRED).await;
    let res = patch(&app, &path, Some(&c.staff), Some("\"4\""), &fix).await;
    assert_problem(res, StatusCode::PRECONDITION_FAILED).await;
    for (body, pointer) in [
        (json!({"title_de": ""}), "/title_de"),
        (json!({"title_en": "zwei\nZeilen"}), "/title_en"),
        (json!({"title_de": "x".repeat(301)}), "/title_de"),
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
        &json!({"group": "local_politics"}),
    )
    .await;
    assert!(res.status().is_client_error());
    for token in [&c.mentor, &c.mentee] {
        let res = patch(&app, &path, Some(token), Some(&tag), &fix).await;
        assert_problem(res, StatusCode::FORBIDDEN).await;
    }
    assert_eq!(topic(&app, id, &c.staff).await, (before, tag.clone()));

    let res = patch(&app, &path, Some(&c.staff), Some(&tag), &fix).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"2\"");
    let fixed: Value = res.json().await.unwrap();
    assert_eq!(fixed["title_de"], "Wärmeplanung");
    assert_eq!(fixed["title_en"], "Heat planning");
    // `null` clears the English title; the German one stays.
    let res = patch(
        &app,
        &path,
        Some(&c.staff),
        Some("\"2\""),
        &json!({"title_en": null}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let cleared: Value = res.json().await.unwrap();
    assert!(cleared["title_en"].is_null());
    assert_eq!(cleared["title_de"], "Wärmeplanung");
    assert_eq!(
        topic(&app, id, &c.mentor).await.0["title_de"],
        "Wärmeplanung"
    );

    let audit = app
        .get_json(
            &format!("/api/v1/audit-events?entity_type=topic&entity_id={id}"),
            &c.staff,
        )
        .await;
    let retitled: Vec<&Value> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "topic.retitled")
        .collect();
    assert_eq!(retitled.len(), 2);
    let first = retitled
        .iter()
        .find(|e| e["after"]["version"] == 2)
        .unwrap();
    assert_eq!(first["after"]["changed"], json!(["title_de", "title_en"]));
    assert!(!first.to_string().contains("Wärm"), "no titles: {first}");
}

async fn a_retired_topic_stays_where_it_is_used_but_cannot_be_chosen_again(app: TestApp) {
    let c = cast(&app).await;
    let t = accepted_topic(&app, &c.staff, "Klimaanpassung").await;
    let session = propose(&app, &c.mentor, &proposal("webinar", t, 30, &[])).await;
    let tip = crate::practice_tips::create(&app, &c.mentor, &new_tip("Anpassung", "text", t)).await;
    let me = format!("/api/v1/participants/{}", c.mentor_id);
    let res = patch(
        &app,
        &me,
        Some(&c.mentor),
        Some("*"),
        &json!({"expertise_topic_ids": [t]}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);

    let res = app
        .post(
            &format!("/api/v1/topics/{t}/retirement"),
            Some(&c.staff),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let retired: Value = res.json().await.unwrap();
    assert!(retired["retired_at"].is_string());
    assert_eq!(retired["status"], "accepted");

    // Still in the lists, for staff and participants, marked as retired.
    for token in [&c.staff, &c.mentee] {
        let list = app.get_json("/api/v1/topics?limit=200", token).await;
        let listed = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == t)
            .expect("a retired topic stays in the list");
        assert!(listed["retired_at"].is_string());
    }
    // Still on what has it.
    let path = format!("/api/v1/sessions/{session}");
    assert_eq!(
        app.get_json(&path, &c.mentor).await["topic_ids"],
        json!([t])
    );
    assert_eq!(
        app.get_json(&me, &c.mentor).await["expertise_topic_ids"],
        json!([t])
    );
    let tip_path = format!("/api/v1/practice-tips/{tip}");
    assert_eq!(
        app.get_json(&tip_path, &c.mentor).await["topic_ids"],
        json!([t])
    );

    // Not chosen anew: a new session, tip, participant topic, or another session's topics.
    let res = app
        .post(
            "/api/v1/sessions",
            Some(&c.mentor),
            &proposal("webinar", t, 31, &[]),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(pointers(&problem), ["/topic_ids/0"]);
    assert_eq!(
        problem["errors"][0]["detail"],
        format!("topic {t} does not exist, is not accepted or is retired")
    );
    let res = app
        .post(
            "/api/v1/practice-tips",
            Some(&c.mentor),
            &new_tip("Neu", "text", t),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(pointers(&problem), ["/topic_ids/0"]);
    let res = patch(
        &app,
        &me,
        Some(&c.mentor),
        Some("*"),
        &json!({"interest_topic_ids": [t]}),
    )
    .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(pointers(&problem), ["/interest_topic_ids/0"]);
    let other = propose(&app, &c.mentor, &proposal("webinar", c.topic, 32, &[])).await;
    let res = patch(
        &app,
        &format!("/api/v1/sessions/{other}"),
        Some(&c.mentor),
        Some("*"),
        &json!({"topic_ids": [c.topic, t]}),
    )
    .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(pointers(&problem), ["/topic_ids/1"]);

    // Kept where it is: edits that leave it on the record pass.
    let res = patch(
        &app,
        &path,
        Some(&c.mentor),
        Some("*"),
        &json!({"topic_ids": [t, c.topic]}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = patch(
        &app,
        &me,
        Some(&c.mentor),
        Some("*"),
        &json!({"expertise_topic_ids": [t]}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res =
        crate::practice_tips::patch(&app, &c.mentor, tip, Some("*"), &json!({"topic_ids": [t]}))
            .await;
    assert_eq!(res.status(), StatusCode::OK);
}

async fn only_accepted_topics_are_retired_and_only_by_staff(app: TestApp) {
    let c = cast(&app).await;
    let t = accepted_topic(&app, &c.staff, "Beschaffung").await;
    let retire = format!("/api/v1/topics/{t}/retirement");
    assert_eq!(
        app.post(&retire, None, &json!({})).await.status(),
        StatusCode::UNAUTHORIZED
    );
    for token in [&c.mentor, &c.mentee] {
        let res = app.post(&retire, Some(token), &json!({})).await;
        assert_problem(res, StatusCode::FORBIDDEN).await;
    }
    assert!(topic(&app, t, &c.staff).await.0["retired_at"].is_null());
    assert_eq!(
        app.post(&retire, Some(&c.staff), &json!({})).await.status(),
        StatusCode::OK
    );
    let res = app.post(&retire, Some(&c.staff), &json!({})).await;
    let problem = assert_problem(res, StatusCode::CONFLICT).await;
    assert_eq!(problem["detail"], "the topic is already retired");

    let res = app
        .post(
            "/api/v1/topics",
            Some(&c.mentor),
            &json!({"group": "local_politics", "title_de": "Vorschlag"}),
        )
        .await;
    let proposed = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let res = app
        .post(
            &format!("/api/v1/topics/{proposed}/retirement"),
            Some(&c.staff),
            &json!({}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::CONFLICT).await;
    assert_eq!(
        problem["detail"],
        "the topic is proposed; only accepted topics can be retired"
    );
    let res = app
        .post(
            "/api/v1/topics/999999/retirement",
            Some(&c.staff),
            &json!({}),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND).await;
    let audit = app
        .get_json(
            &format!("/api/v1/audit-events?entity_type=topic&entity_id={t}"),
            &c.staff,
        )
        .await;
    let retired = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "topic.retired")
        .count();
    assert_eq!(retired, 1);
}
