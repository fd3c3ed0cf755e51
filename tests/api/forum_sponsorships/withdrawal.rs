//! Forum sponsorships: withdrawal frees the slot; staff decide the credit of a withdrawn one.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem};
use crate::support::sponsorships::{
    BASE, application, apply, audit_actions, credit_of, forum, mentor, months_end, put_evidence,
    step, today,
};

on_both_backends!(withdrawal_frees_the_slot_and_staff_decide_the_credit);

async fn withdrawal_frees_the_slot_and_staff_decide_the_credit(app: TestApp) {
    let staff = app.staff_token().await;
    let (mentor_id, mentor_token) = mentor(&app, &staff, "mentor").await;
    let (_, b) = mentor(&app, &staff, "b").await;
    let (_, c) = mentor(&app, &staff, "c").await;
    let forum = forum(&app, 3).await;
    // Running since two months.
    let start = today() - Duration::days(60);
    let end = months_end(start, 12);
    let body = application(forum, start, end, 40);
    let id = apply(&app, &mentor_token, &body).await;
    let other = apply(&app, &b, &body).await;
    for sponsorship in [id, other] {
        assert_eq!(
            step(&app, sponsorship, "approval", &staff, json!({})).await,
            StatusCode::OK
        );
    }
    let overview = format!("/api/v1/forums/{forum}/sponsorships");
    assert_eq!(app.get_json(&overview, &c).await["free_slots_now"], 0);
    assert_eq!(
        put_evidence(&app, id, &mentor_token, &json!({"post_count": 9})).await,
        StatusCode::OK
    );
    let reason = json!({"reason": "Stellenwechsel"});
    let res = app
        .post(
            &format!("{BASE}/{id}/withdrawal"),
            Some(&mentor_token),
            &reason,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let withdrawn: Value = res.json().await.unwrap();
    assert_eq!(withdrawn["state"], "withdrawn");
    assert_eq!(withdrawn["withdrawn_on"], json!(today()));
    assert_eq!(
        withdrawn["effective_ends_on"],
        json!(today() - Duration::days(1))
    );
    assert_eq!(withdrawn["state_reason"], "Stellenwechsel");
    // The slot is free from today: a new sponsor starting today is approved.
    assert_eq!(app.get_json(&overview, &c).await["free_slots_now"], 1);
    let fresh = apply(
        &app,
        &c,
        &application(forum, today(), months_end(today(), 6), 20),
    )
    .await;
    assert_eq!(
        step(&app, fresh, "approval", &staff, json!({})).await,
        StatusCode::OK
    );
    // No credit until staff decide; only staff decide, with an option of the rule (or 0).
    assert!(credit_of(&app, id, mentor_id).await.is_none());
    let decision = |hours: i32| json!({"credit_hours": hours, "reason": "Zwei Monate betreut"});
    assert_eq!(
        step(&app, id, "credit-decision", &mentor_token, decision(20)).await,
        StatusCode::FORBIDDEN
    );
    let res = app
        .post(
            &format!("{BASE}/{id}/credit-decision"),
            Some(&staff),
            &decision(30),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["pointer"], "/credit_hours");
    let res = app
        .post(
            &format!("{BASE}/{id}/credit-decision"),
            Some(&staff),
            &decision(20),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let decided: Value = res.json().await.unwrap();
    assert_eq!(decided["credit_decision_hours"], 20);
    assert_eq!(decided["credit_decision_reason"], "Zwei Monate betreut");
    let credit = credit_of(&app, id, mentor_id)
        .await
        .expect("credit granted");
    assert_eq!((credit.hours, credit.earned_on), (20, today()));
    assert_eq!(
        step(&app, id, "credit-decision", &staff, decision(0)).await,
        StatusCode::CONFLICT
    );
    // Withdrawn again, completed, or approved: 409.
    for (s, body) in [
        ("withdrawal", reason.clone()),
        ("completion", json!({})),
        ("approval", json!({})),
    ] {
        assert_eq!(step(&app, id, s, &staff, body).await, StatusCode::CONFLICT);
    }
    let events = audit_actions(&app, &staff, id).await;
    assert_eq!(events[0]["action"], "forum_sponsorship.credit_decided");
    assert_eq!(events[0]["after"]["credit_hours"], 20);
    assert!(
        !serde_json::to_string(&events)
            .unwrap()
            .contains("Zwei Monate")
    );

    // A declined application stays declined; a credit decision needs a sponsorship that ran.
    let next = months_end(today(), 12) + Duration::days(1);
    let declined = apply(&app, &c, &application(forum, next, months_end(next, 6), 20)).await;
    assert_eq!(
        step(
            &app,
            declined,
            "declination",
            &staff,
            json!({"reason": "x"})
        )
        .await,
        StatusCode::OK
    );
    assert_eq!(
        step(&app, declined, "approval", &staff, json!({})).await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        step(&app, declined, "credit-decision", &staff, decision(0)).await,
        StatusCode::CONFLICT
    );
}
