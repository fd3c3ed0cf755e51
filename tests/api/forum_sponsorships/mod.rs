//! Forum sponsorships: the lifecycle with evidence and credit, the limit of sponsors per forum
//! (also under 50 concurrent approvals) and a forum's free slots.

mod rules;
mod withdrawal;

use chrono::{Duration, NaiveDate, Utc};
use mentoring_api::db::models::forum_sponsorships::{self as rows, NewSponsorship};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem};
use crate::support::sponsorships::{
    BASE, application, apply, audit_actions, credit_of, forum, mentor, months_end, put_evidence,
    step, today,
};

on_both_backends!(
    application_approval_evidence_completion_grants_the_credit,
    third_overlapping_sponsor_gets_409_but_a_later_period_is_accepted,
    fifty_concurrent_approvals_for_the_last_slot_let_exactly_one_win,
);

async fn application_approval_evidence_completion_grants_the_credit(app: TestApp) {
    let staff = app.staff_token().await;
    let (mentor_id, mentor) = mentor(&app, &staff, "mentor").await;
    let forum = forum(&app, 0).await;
    // Twelve months that ended last month, so staff can complete it now.
    let start = today() - Duration::days(400);
    let end = months_end(start, 12);
    let id = apply(&app, &mentor, &application(forum, start, end, 40)).await;
    let path = format!("{BASE}/{id}");
    let own = app.get_json(&path, &mentor).await;
    assert_eq!(own["state"], "applied");
    assert_eq!(own["participant_id"], mentor_id);
    assert_eq!(own["effective_ends_on"], json!(end));

    let evidence = json!({"post_count": 37, "thread_titles": ["Förderaufruf Radverkehr 2027"]});
    // No evidence and no completion before approval.
    assert_eq!(
        put_evidence(&app, id, &mentor, &evidence).await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        step(&app, id, "completion", &staff, json!({})).await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        step(&app, id, "approval", &staff, json!({})).await,
        StatusCode::OK
    );
    // Completion needs the evidence first.
    let res = app
        .post(&format!("{path}/completion"), Some(&staff), &json!({}))
        .await;
    assert_problem(res, StatusCode::CONFLICT).await;
    assert_eq!(
        put_evidence(&app, id, &mentor, &evidence).await,
        StatusCode::OK
    );
    let res = app
        .post(&format!("{path}/completion"), Some(&staff), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let done: Value = res.json().await.unwrap();
    assert_eq!(done["state"], "completed");
    assert_eq!(done["post_count"], 37);
    assert_eq!(
        done["thread_titles"],
        json!(["Förderaufruf Radverkehr 2027"])
    );
    assert!(done["completed_at"].is_string());
    let credit = credit_of(&app, id, mentor_id)
        .await
        .expect("credit granted");
    assert_eq!((credit.hours, credit.earned_on), (40, end));

    // Evidence may still be corrected afterwards; the model keeps forum and post count.
    let corrected = json!({"post_count": 41});
    assert_eq!(
        put_evidence(&app, id, &mentor, &corrected).await,
        StatusCode::OK
    );
    let pool = app.pool.clone();
    let row = tokio::task::spawn_blocking(move || {
        rows::find(&mut pool.get().unwrap(), id).unwrap().unwrap()
    })
    .await
    .unwrap();
    assert_eq!((row.forum_id, row.post_count), (forum, Some(41)));

    // Lists: the mentor's own, and staff filters.
    let own = app.get_json(BASE, &mentor).await;
    assert_eq!(own["items"].as_array().unwrap().len(), 1);
    let filtered = app
        .get_json(
            &format!("{BASE}?forum_id={forum}&participant_id={mentor_id}&state=completed"),
            &staff,
        )
        .await;
    assert_eq!(filtered["items"][0]["id"], id);
    let active = app
        .get_json(&format!("{BASE}?active_on={end}"), &staff)
        .await;
    assert_eq!(active["items"].as_array().unwrap().len(), 1);
    let after = app
        .get_json(&format!("{BASE}?active_on={}", today()), &staff)
        .await;
    assert!(after["items"].as_array().unwrap().is_empty());

    let events = audit_actions(&app, &staff, id).await;
    let actions: Vec<&str> = events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "forum_sponsorship.evidence_recorded",
            "forum_sponsorship.completed",
            "forum_sponsorship.evidence_recorded",
            "forum_sponsorship.approved",
            "forum_sponsorship.applied",
        ]
    );
    // Audit summaries carry numbers, never the thread titles.
    assert!(
        !serde_json::to_string(&events)
            .unwrap()
            .contains("Radverkehr")
    );
}

async fn third_overlapping_sponsor_gets_409_but_a_later_period_is_accepted(app: TestApp) {
    let staff = app.staff_token().await;
    let (_, a) = mentor(&app, &staff, "a").await;
    let (_, b) = mentor(&app, &staff, "b").await;
    let (_, c) = mentor(&app, &staff, "c").await;
    let forum = forum(&app, 1).await;
    let start = today() + Duration::days(30);
    let end = months_end(start, 6);
    let body = application(forum, start, end, 20);
    let first = apply(&app, &a, &body).await;
    let second = apply(&app, &b, &body).await;
    // While only one is approved, a third may still apply; approval is the authoritative check.
    assert_eq!(
        step(&app, first, "approval", &staff, json!({})).await,
        StatusCode::OK
    );
    let third = apply(&app, &c, &body).await;
    assert_eq!(
        step(&app, second, "approval", &staff, json!({})).await,
        StatusCode::OK
    );
    let res = app
        .post(
            &format!("{BASE}/{third}/approval"),
            Some(&staff),
            &json!({}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT).await;
    // A full period: even the application is refused.
    let (_, d) = mentor(&app, &staff, "d").await;
    let res = app.post(BASE, Some(&d), &body).await;
    assert_problem(res, StatusCode::CONFLICT).await;
    // The period right after is free.
    let later_start = end + Duration::days(1);
    let later = apply(
        &app,
        &d,
        &application(forum, later_start, months_end(later_start, 6), 20),
    )
    .await;
    assert_eq!(
        step(&app, later, "approval", &staff, json!({})).await,
        StatusCode::OK
    );
    // Free slots: now 2 (it starts next month), 0 in the sponsored months, 1 after.
    let month = |d: NaiveDate| d.format("%Y-%m").to_string();
    let overview_path = format!("/api/v1/forums/{forum}/sponsorships");
    let now = app.get_json(&overview_path, &a).await;
    assert_eq!(
        (now["limit"].as_i64(), now["free_slots_now"].as_i64()),
        (Some(2), Some(2))
    );
    assert_eq!(now["items"].as_array().unwrap().len(), 3);
    assert!(now["items"][0].get("email").is_none());
    let full = app
        .get_json(
            &format!(
                "{overview_path}?month={}",
                month(start + Duration::days(40))
            ),
            &a,
        )
        .await;
    assert_eq!(full["free_slots_in_month"], 0);
    let after = app
        .get_json(
            &format!(
                "{overview_path}?month={}",
                month(later_start + Duration::days(40))
            ),
            &a,
        )
        .await;
    assert_eq!(after["free_slots_in_month"], 1);
    for bad in ["2027-13", "27-01", "2027-1%00"] {
        let res = app
            .get(&format!("{overview_path}?month={bad}"), Some(&a))
            .await;
        assert_problem(res, StatusCode::BAD_REQUEST).await;
    }
    // A retired forum takes no new sponsorships.
    assert_eq!(
        app.post(
            &format!("/api/v1/forums/{forum}/retirement"),
            Some(&staff),
            &json!({})
        )
        .await
        .status(),
        StatusCode::OK
    );
    let next_year = later_start + Duration::days(200);
    let res = app
        .post(
            BASE,
            Some(&c),
            &application(forum, next_year, months_end(next_year, 6), 20),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT).await;
    assert_eq!(
        app.get_json(&overview_path, &staff).await["free_slots_now"],
        0
    );
}

async fn fifty_concurrent_approvals_for_the_last_slot_let_exactly_one_win(app: TestApp) {
    let staff_id = app.create_staff("race@example.org").await;
    let staff = app
        .login("race@example.org", crate::support::app::PASSWORD)
        .await;
    let (_, first) = mentor(&app, &staff, "first").await;
    let (other_id, _) = mentor(&app, &staff, "other").await;
    let forum = forum(&app, 2).await;
    let start = today() + Duration::days(10);
    let end = months_end(start, 6);
    let taken = apply(&app, &first, &application(forum, start, end, 20)).await;
    assert_eq!(
        step(&app, taken, "approval", &staff, json!({})).await,
        StatusCode::OK
    );
    // 50 applications competing for the one slot left. The API refuses a second application of
    // the same mentor for the forum, so these are stored directly (the race is the approval).
    let pool = app.pool.clone();
    let ids = tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        let now = Utc::now().naive_utc();
        (0..50)
            .map(|_| {
                let new = NewSponsorship {
                    forum_id: forum,
                    participant_id: other_id,
                    starts_on: start,
                    ends_on: end,
                    effective_ends_on: end,
                    credit_hours: 20,
                    state: "applied",
                    applied_by: staff_id,
                    version: 1,
                    created_at: now,
                    updated_at: now,
                };
                rows::insert(&mut conn, &new).unwrap().id
            })
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    let mut tasks = Vec::new();
    for id in ids {
        let client = app.client.clone();
        let url = format!("{}{BASE}/{id}/approval", app.address);
        let token = staff.clone();
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let conflict = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((ok, conflict), (1, 49), "{statuses:?}");
    let approved = app
        .get_json(&format!("{BASE}?forum_id={forum}&state=approved"), &staff)
        .await;
    assert_eq!(approved["items"].as_array().unwrap().len(), 2);
}
