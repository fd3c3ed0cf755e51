//! Forum sponsorships: the period and credit-option rules, and who may see and do what.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem};
use crate::support::participants::registration;
use crate::support::sponsorships::{
    BASE, application, apply, forum, mentor, months_end, put_evidence, step, today,
};

on_both_backends!(
    periods_of_6_to_12_months_and_40_hours_need_40_weeks,
    every_role_sees_and_does_only_what_it_may,
);

async fn refused_at(app: &TestApp, token: &str, body: &Value, pointer: &str) {
    let res = app.post(BASE, Some(token), body).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["pointer"], pointer, "{body}");
}

async fn periods_of_6_to_12_months_and_40_hours_need_40_weeks(app: TestApp) {
    let staff = app.staff_token().await;
    let (mentor_id, token) = mentor(&app, &staff, "mentor").await;
    let (mentee_id, _) = app
        .active_participant(&staff, "mentee@example.org", "first_project", &["mentee"])
        .await;
    let forum = forum(&app, 4).await;
    let start = today() + Duration::days(7);
    let six = months_end(start, 6);
    // Shorter than 6 months, longer than 12, end before start.
    for end in [
        six - Duration::days(1),
        months_end(start, 12) + Duration::days(1),
        start,
    ] {
        refused_at(
            &app,
            &token,
            &application(forum, start, end, 20),
            "/ends_on",
        )
        .await;
    }
    // 40 hours need 40 weeks; 30 hours are no option of the rule.
    refused_at(
        &app,
        &token,
        &application(forum, start, six, 40),
        "/credit_hours",
    )
    .await;
    refused_at(
        &app,
        &token,
        &application(forum, start, six, 30),
        "/credit_hours",
    )
    .await;
    refused_at(
        &app,
        &token,
        &application(999_999, start, six, 20),
        "/forum_id",
    )
    .await;
    // Exactly 40 weeks carry the 40-hour option.
    let forty_weeks = start + Duration::days(279);
    let id = apply(&app, &token, &application(forum, start, forty_weeks, 40)).await;
    assert_eq!(
        app.get_json(&format!("{BASE}/{id}"), &token).await["credit_hours"],
        40
    );
    // The same mentor cannot sponsor the same forum twice at once.
    let res = app
        .post(BASE, Some(&token), &application(forum, start, six, 20))
        .await;
    assert_problem(res, StatusCode::CONFLICT).await;
    // Exactly 6 months carry 20 hours (another forum).
    let other_forum = crate::support::sponsorships::forum(&app, 5).await;
    apply(&app, &token, &application(other_forum, start, six, 20)).await;
    // Staff apply on behalf of a mentor, never of a mentee, and must name one.
    let third_forum = crate::support::sponsorships::forum(&app, 6).await;
    let mut body = application(third_forum, start, six, 20);
    refused_at(&app, &staff, &body, "/participant_id").await;
    body["participant_id"] = json!(mentee_id);
    refused_at(&app, &staff, &body, "/participant_id").await;
    body["participant_id"] = json!(mentor_id);
    let id = apply(&app, &staff, &body).await;
    assert_eq!(
        app.get_json(&format!("{BASE}/{id}"), &token).await["participant_id"],
        mentor_id
    );
    // Unknown fields are refused.
    body["note"] = json!("x");
    let res = app.post(BASE, Some(&staff), &body).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
}

async fn every_role_sees_and_does_only_what_it_may(app: TestApp) {
    let staff = app.staff_token().await;
    let (mentor_id, mentor_token) = mentor(&app, &staff, "mentor").await;
    let (other_id, other) = mentor(&app, &staff, "other").await;
    let (_, mentee) = app
        .active_participant(&staff, "mentee@example.org", "first_project", &["mentee"])
        .await;
    let (_, _, pending) = app
        .register(&registration(
            "pending@example.org",
            "follow_up_project",
            &["mentor"],
        ))
        .await;
    let integration = app.integration_token(&staff).await;
    let forum = forum(&app, 0).await;
    let start = today() - Duration::days(10);
    let body = application(forum, start, months_end(start, 6), 20);
    let id = apply(&app, &mentor_token, &body).await;
    let path = format!("{BASE}/{id}");
    let overview = format!("/api/v1/forums/{forum}/sponsorships");
    let evidence = json!({"post_count": 3});
    let reason = json!({"reason": "x"});

    // Anonymous: 401; integration and pending participants: 403.
    for p in [BASE, path.as_str(), overview.as_str()] {
        assert_eq!(app.get(p, None).await.status(), StatusCode::UNAUTHORIZED);
        for token in [&integration, &pending] {
            assert_eq!(
                app.get(p, Some(token)).await.status(),
                StatusCode::FORBIDDEN,
                "{p}"
            );
        }
    }
    assert_eq!(
        app.post(BASE, None, &body).await.status(),
        StatusCode::UNAUTHORIZED
    );
    for token in [&integration, &pending, &mentee] {
        assert_eq!(
            app.post(BASE, Some(token), &body).await.status(),
            StatusCode::FORBIDDEN
        );
    }
    // A mentor applies only for themself.
    let mut for_other = application(
        crate::support::sponsorships::forum(&app, 1).await,
        start,
        months_end(start, 6),
        20,
    );
    for_other["participant_id"] = json!(other_id);
    assert_eq!(
        app.post(BASE, Some(&mentor_token), &for_other)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // Only staff approve, decline, complete and decide credits.
    for token in [&mentor_token, &mentee, &integration] {
        for (s, b) in [
            ("approval", json!({})),
            ("declination", reason.clone()),
            ("completion", json!({})),
            ("credit-decision", json!({"credit_hours": 0, "reason": "x"})),
        ] {
            assert_eq!(
                step(&app, id, s, token, b).await,
                StatusCode::FORBIDDEN,
                "{s}"
            );
        }
    }
    // Other participants neither see nor touch it; its forum's sponsors they may read.
    for token in [&other, &mentee] {
        assert_eq!(
            app.get(&path, Some(token)).await.status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            step(&app, id, "withdrawal", token, reason.clone()).await,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            put_evidence(&app, id, token, &evidence).await,
            StatusCode::NOT_FOUND
        );
        let own = app
            .get_json(&format!("{BASE}?participant_id={mentor_id}"), token)
            .await;
        assert!(own["items"].as_array().unwrap().is_empty());
        app.get_json(&overview, token).await;
    }
    assert_eq!(
        step(&app, id, "approval", &staff, json!({})).await,
        StatusCode::OK
    );
    let sponsors = app.get_json(&overview, &mentee).await;
    assert_eq!(sponsors["items"][0]["participant_id"], mentor_id);
    assert_eq!(sponsors["free_slots_now"], 1);
    // The mentor records evidence; staff may too.
    assert_eq!(
        put_evidence(&app, id, &mentor_token, &evidence).await,
        StatusCode::OK
    );
    assert_eq!(
        put_evidence(&app, id, &staff, &evidence).await,
        StatusCode::OK
    );
    let too_many = json!({"post_count": 1, "thread_titles": vec!["t"; 11]});
    assert_eq!(
        put_evidence(&app, id, &mentor_token, &too_many).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let bad_title = json!({"post_count": 1, "thread_titles": ["ok", "a\nb"]});
    assert_eq!(
        put_evidence(&app, id, &mentor_token, &bad_title).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // The personal data export includes the sponsorship.
    let export = app
        .get_json(
            &format!("/api/v1/participants/{mentor_id}/export"),
            &mentor_token,
        )
        .await;
    assert_eq!(export["forum_sponsorships"][0]["id"], id);
    // Staff see everyone's.
    let all = app.get_json(BASE, &staff).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 1);
    // After the participation ended: 403 for the former mentor.
    let res = app
        .post(
            &format!("/api/v1/participants/{mentor_id}/ending"),
            Some(&staff),
            &json!({"ended_on": today(), "reason": "Projektende"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        app.get(BASE, Some(&mentor_token)).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&overview, Some(&mentor_token)).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        put_evidence(&app, id, &mentor_token, &evidence).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        step(&app, id, "withdrawal", &mentor_token, reason.clone()).await,
        StatusCode::FORBIDDEN
    );
    // Staff still withdraw it; unknown ids are 404.
    assert_eq!(
        step(&app, id, "withdrawal", &staff, reason).await,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&format!("{BASE}/999999"), Some(&staff))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/forums/999999/sponsorships", Some(&staff))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}
