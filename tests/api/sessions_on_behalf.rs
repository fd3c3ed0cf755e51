//! Staff act on behalf of mentors: they propose sessions for the mentors they name (e.g.
//! SK:KK's own expert-event sessions) and record one that already took place, crediting each
//! mentor on the session's date; every step is audited with the acting staff account.

use mentoring_api::domain::programme_time::programme_date;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::TestApp;
use crate::support::sessions::{audit_of, cast, post_status, proposal, session_credits};

on_both_backends!(
    staff_record_a_past_session_and_each_mentor_is_credited_on_its_date,
    staff_and_mentors_each_name_mentors_in_their_own_field,
);

/// A proposal by staff for `mentors`, `days` from now.
fn for_mentors(topic: i64, days: i64, mentors: &[i64]) -> Value {
    let mut body = proposal("expert_event_session", topic, days, &[]);
    body["mentor_ids"] = json!(mentors);
    body
}

async fn session_count(app: &TestApp, staff: &str) -> usize {
    app.get_json("/api/v1/sessions?limit=200", staff).await["items"]
        .as_array()
        .unwrap()
        .len()
}

async fn staff_record_a_past_session_and_each_mentor_is_credited_on_its_date(app: TestApp) {
    let c = cast(&app).await;
    let staff_account = app.get_json("/api/v1/me", &c.staff).await["account_id"].clone();
    let body = for_mentors(c.topic, -30, &[c.co_mentor_id, c.mentor_id]);
    let res = app.post("/api/v1/sessions", Some(&c.staff), &body).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    let mut expected_mentors = vec![c.mentor_id, c.co_mentor_id];
    expected_mentors.sort_unstable();
    assert_eq!(created["mentor_ids"], json!(expected_mentors));
    assert_eq!(created["state"], "proposed");

    let path = format!("/api/v1/sessions/{id}");
    for (step, body) in [
        ("approval", json!({})),
        ("holding", json!({"people_reached": 40})),
        (
            "documentation",
            json!({
                "summary": "Fachforum auf der SK:KK-Konferenz, nachgetragen vom Programmbüro.",
                "results": "Zwei Praxisbeispiele zur Wärmeplanung.",
                "people_reached": 42
            }),
        ),
    ] {
        assert_eq!(
            post_status(&app, &format!("{path}/{step}"), &c.staff, body).await,
            StatusCode::OK,
            "staff {step}"
        );
    }

    // Each mentor is credited on the session's date (in Berlin), not on the day staff recorded it.
    let starts_at: chrono::DateTime<chrono::Utc> =
        body["starts_at"].as_str().unwrap().parse().unwrap();
    let session_date = programme_date(starts_at).to_string();
    let mut credited = session_credits(&app, id).await;
    credited.sort_unstable();
    let hours = credited[0].1;
    assert!(hours > 0);
    let expected: Vec<(i64, i32, String)> = expected_mentors
        .iter()
        .map(|m| (*m, hours, session_date.clone()))
        .collect();
    assert_eq!(credited, expected);

    // Every step names the acting staff account; the proposal names the mentors it was for.
    let events = audit_of(&app, &c.staff, id).await;
    let actions: Vec<&str> = events.iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(
        actions,
        [
            "session.documented",
            "session.held",
            "session.approved",
            "session.proposed"
        ]
    );
    assert!(
        events
            .iter()
            .all(|e| e["actor_account_id"] == staff_account)
    );
    let proposed = &events[3]["after"];
    assert_eq!(proposed["by_staff"], true);
    assert_eq!(proposed["mentor_ids"], json!(expected_mentors));
    assert_eq!(proposed["proposed_by"], c.co_mentor_id);
}

async fn staff_and_mentors_each_name_mentors_in_their_own_field(app: TestApp) {
    let c = cast(&app).await;
    let before = session_count(&app, &c.staff).await;
    let mut co_named = for_mentors(c.topic, 10, &[c.mentor_id]);
    co_named["co_mentor_ids"] = json!([c.co_mentor_id]);
    let mut mentor_naming = proposal("webinar", c.topic, 10, &[]);
    mentor_naming["mentor_ids"] = json!([c.co_mentor_id]);
    let cases = [
        (&c.staff, for_mentors(c.topic, 10, &[]), "/mentor_ids"),
        (&c.staff, co_named, "/co_mentor_ids"),
        (
            &c.staff,
            for_mentors(c.topic, 10, &[c.mentor_id, c.mentee_id]),
            "/mentor_ids/1",
        ),
        (&c.mentor, mentor_naming, "/mentor_ids"),
    ];
    for (token, body, pointer) in cases {
        let res = app.post("/api/v1/sessions", Some(token), &body).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{pointer}");
        let problem: Value = res.json().await.unwrap();
        assert_eq!(problem["errors"][0]["pointer"], pointer, "{problem:#}");
    }
    // A mentee may not propose at all, with or without mentors.
    let res = app
        .post(
            "/api/v1/sessions",
            Some(&c.mentee),
            &for_mentors(c.topic, 10, &[c.mentor_id]),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        session_count(&app, &c.staff).await,
        before,
        "nothing stored"
    );
}
