//! What individual mentoring refuses: a closed format, contacts before the agreement or by
//! outsiders, contacts outside the pair's period, and a second (also a racing) acceptance.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem, pointers};
use crate::support::mentoring::{
    PAIRS, REQUESTS, accept, agree, agreement, ask, formed_pair, open_format, person, phone_call,
    put, topics,
};
use crate::support::sponsorships::today;

on_both_backends!(nothing_is_asked_while_the_format_is_closed);

async fn nothing_is_asked_while_the_format_is_closed(app: TestApp) {
    let staff = app.staff_token().await;
    let t = topics(&app, &staff, 1).await;
    let (_, mentee) = person(&app, &staff, "mentee", &["mentee"], "NW", &[]).await;
    let body = json!({"topic_ids": t});
    let res = app.post(REQUESTS, Some(&mentee), &body).await;
    let problem = assert_problem(res, StatusCode::CONFLICT).await;
    assert!(problem["detail"].as_str().unwrap().contains("not open"));
    let list = app.get_json(REQUESTS, &staff).await;
    assert_eq!(list["items"], json!([]), "nothing was stored");
    // A mentor-only participant cannot ask; staff open the format, then the mentee can, once.
    let (_, mentor) = person(&app, &staff, "mentor", &["mentor"], "NW", &[]).await;
    open_format(&app, &staff, 2).await;
    let res = app.post(REQUESTS, Some(&mentor), &body).await;
    assert_problem(res, StatusCode::FORBIDDEN).await;
    ask(&app, &mentee, &body).await;
    let res = app.post(REQUESTS, Some(&mentee), &body).await;
    assert_problem(res, StatusCode::CONFLICT).await;
    let res = app
        .post(REQUESTS, Some(&mentee), &json!({"topic_ids": []}))
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(pointers(&problem), ["/topic_ids"]);
}

on_both_backends!(contacts_need_the_agreement_and_a_member_of_the_pair);

async fn contacts_need_the_agreement_and_a_member_of_the_pair(app: TestApp) {
    let (pair, mentee, mentor, staff) = formed_pair(&app).await;
    let contacts = format!("{PAIRS}/{pair}/contacts");
    let res = app
        .post(&contacts, Some(&mentor), &phone_call(today()))
        .await;
    let problem = assert_problem(res, StatusCode::CONFLICT).await;
    assert!(problem["detail"].as_str().unwrap().contains("agreement"));

    // The agreement needs the pair's ETag.
    let end = today() + Duration::days(90);
    let path = format!("{PAIRS}/{pair}/agreement");
    let res = put(&app, &path, &mentee, None, &agreement(end)).await;
    assert_problem(res, StatusCode::PRECONDITION_REQUIRED).await;
    let res = put(&app, &path, &mentee, Some("\"99\""), &agreement(end)).await;
    assert_problem(res, StatusCode::PRECONDITION_FAILED).await;
    agree(&app, pair, &mentee, end).await;

    // Outsiders neither see nor write the pair; pending participants are refused.
    let (_, outsider) = person(&app, &staff, "outsider", &["mentor"], "NW", &[]).await;
    let res = app
        .post(&contacts, Some(&outsider), &phone_call(today()))
        .await;
    assert_problem(res, StatusCode::NOT_FOUND).await;
    let res = app.get(&contacts, Some(&outsider)).await;
    assert_problem(res, StatusCode::NOT_FOUND).await;

    // Not in the future, not before the start.
    for day in [today() + Duration::days(1), today() - Duration::days(1)] {
        let res = app.post(&contacts, Some(&mentor), &phone_call(day)).await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(pointers(&problem), ["/contact_on"]);
    }
    let hours_for_shadowing =
        json!({"kind": "job_shadowing", "contact_on": today(), "duration_hours": 8});
    let res = app
        .post(&contacts, Some(&mentor), &hours_for_shadowing)
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(pointers(&problem), ["/duration_days"]);
    let listed = app.get_json(&contacts, &staff).await;
    assert_eq!(listed["items"], json!([]), "refusals change nothing");

    // Idempotency-Key: a retry replays the first answer, one contact and one credit.
    let send = || {
        app.client
            .post(format!("{}{contacts}", app.address))
            .bearer_auth(&mentor)
            .header("idempotency-key", "contact-1")
            .json(&phone_call(today()))
            .send()
    };
    let first: Value = send().await.unwrap().json().await.unwrap();
    let again = send().await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    let listed = app.get_json(&contacts, &mentee).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

on_both_backends!(racing_acceptances_form_one_pair);

async fn racing_acceptances_form_one_pair(app: TestApp) {
    let staff = app.staff_token().await;
    let t = topics(&app, &staff, 1).await;
    let (_, mentee) = person(&app, &staff, "mentee", &["mentee"], "NW", &[]).await;
    let mut mentors = Vec::new();
    for n in 0..4 {
        mentors.push(
            person(&app, &staff, &format!("mentor{n}"), &["mentor"], "NW", &t)
                .await
                .1,
        );
    }
    open_format(&app, &staff, 2).await;
    let request = ask(&app, &mentee, &json!({"topic_ids": t})).await;
    let url = format!("{}{REQUESTS}/{request}/acceptance", app.address);
    let tasks: Vec<_> = mentors
        .iter()
        .map(|token| {
            let req = app
                .client
                .post(url.clone())
                .bearer_auth(token)
                .json(&json!({}));
            tokio::spawn(async move { req.send().await.unwrap().status() })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let conflicts = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((created, conflicts), (1, 3), "{statuses:?}");
    let pairs = app.get_json(PAIRS, &staff).await;
    assert_eq!(pairs["items"].as_array().unwrap().len(), 1);
    // Withdrawing a matched request is refused too.
    let res = app
        .post(
            &format!("{REQUESTS}/{request}/withdrawal"),
            Some(&mentee),
            &json!({}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT).await;
}

on_both_backends!(a_full_mentor_cannot_take_another_pair);

async fn a_full_mentor_cannot_take_another_pair(app: TestApp) {
    let staff = app.staff_token().await;
    let t = topics(&app, &staff, 1).await;
    let (mentor_id, _) = person(&app, &staff, "mentor", &["mentor"], "NW", &t).await;
    open_format(&app, &staff, 2).await;
    let mut last = StatusCode::OK;
    let mut last_mentee = String::new();
    for n in 0..4 {
        let (_, mentee) = person(&app, &staff, &format!("mentee{n}"), &["mentee"], "NW", &[]).await;
        let request = ask(&app, &mentee, &json!({"topic_ids": t})).await;
        last = accept(&app, request, &staff, &json!({"mentor_id": mentor_id}))
            .await
            .status();
        if n < 3 {
            assert_eq!(last, StatusCode::CREATED, "pair {n}");
        }
        last_mentee = mentee;
    }
    assert_eq!(last, StatusCode::CONFLICT, "the fourth pair is refused");
    // The full mentor is no longer suggested.
    let requests = app.get_json(REQUESTS, &last_mentee).await;
    let open = requests["items"][0]["id"].as_i64().unwrap();
    let list = app
        .get_json(
            &format!("{REQUESTS}/{open}/mentor-suggestions"),
            &last_mentee,
        )
        .await;
    assert_eq!(list["items"], json!([]));
}
