//! Team-mentoring sessions: the lifecycle, wrong-state transitions, the capacity limits (also
//! under 50 concurrent approvals), the staff override, and who may do what.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem};
use crate::support::participants::registration;
use crate::support::sessions::{audit_of, cast, post_status, proposal, propose};

on_both_backends!(
    lifecycle_from_proposal_to_held_with_signups_and_questions,
    wrong_state_transitions_are_409,
    proposals_are_checked_against_format_topics_and_mentors,
    yearly_limit_holds_under_concurrent_approvals_and_override_is_audited,
    roles_see_and_do_exactly_what_they_may,
);

async fn lifecycle_from_proposal_to_held_with_signups_and_questions(app: TestApp) {
    let c = cast(&app).await;
    // In the past, so it can be held right after approval.
    let id = propose(
        &app,
        &c.mentor,
        &proposal("webinar", c.topic, -2, &[c.co_mentor_id]),
    )
    .await;
    let path = format!("/api/v1/sessions/{id}");
    let own = app.get_json(&path, &c.mentor).await;
    assert_eq!(own["state"], "proposed");
    let mut mentors = vec![c.mentor_id, c.co_mentor_id];
    mentors.sort_unstable();
    assert_eq!(own["mentor_ids"], json!(mentors));
    assert_eq!(own["topic_ids"], json!([c.topic]));
    // A proposal is invisible to mentees, visible to its mentors and staff.
    assert_eq!(
        app.get(&path, Some(&c.mentee)).await.status(),
        StatusCode::NOT_FOUND
    );
    let list = app.get_json("/api/v1/sessions", &c.mentee).await;
    assert!(list["items"].as_array().unwrap().is_empty());
    let list = app.get_json("/api/v1/sessions", &c.co_mentor).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    let res = app
        .post(&format!("{path}/approval"), Some(&c.staff), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let approved: Value = res.json().await.unwrap();
    assert_eq!(approved["state"], "approved");
    assert_eq!(approved["capacity_override"], false);
    assert_eq!(app.get_json(&path, &c.mentee).await["state"], "approved");
    let list = app
        .get_json("/api/v1/sessions?format=webinar&state=approved", &c.mentee)
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    // Mentees sign up (idempotently), withdraw, and send questions to the mentors.
    let signup = format!("{path}/signup");
    for _ in 0..2 {
        assert_eq!(
            post_status(&app, &signup, &c.mentee, json!({})).await,
            StatusCode::NO_CONTENT
        );
    }
    let res = app
        .request(reqwest::Method::DELETE, &signup, Some(&c.mentee), None)
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        post_status(&app, &signup, &c.mentee, json!({})).await,
        StatusCode::NO_CONTENT
    );
    // Mentors (without the mentee role) and staff do not sign up.
    assert_eq!(
        post_status(&app, &signup, &c.mentor, json!({})).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post_status(&app, &signup, &c.staff, json!({})).await,
        StatusCode::FORBIDDEN
    );
    let questions = format!("{path}/questions");
    let res = app
        .post(
            &questions,
            Some(&c.mentee),
            &json!({"body": "Wie beteiligen wir die Stadtwerke?"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = app
        .post(
            &questions,
            Some(&c.mentee),
            &json!({"body": "Unser Fall: ...", "is_case_example": true, "anonymise": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let seen_by_mentor = app.get_json(&questions, &c.co_mentor).await;
    let items = seen_by_mentor["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(items[0]["participant_id"].is_i64());
    assert!(items[1]["participant_id"].is_null());
    let seen_by_staff = app.get_json(&questions, &c.staff).await;
    assert!(seen_by_staff["items"][1]["participant_id"].is_i64());
    assert_eq!(
        app.get(&questions, Some(&c.mentee)).await.status(),
        StatusCode::FORBIDDEN
    );

    let res = app
        .post(
            &format!("{path}/holding"),
            Some(&c.co_mentor),
            &json!({"people_reached": 23}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let held: Value = res.json().await.unwrap();
    assert_eq!(held["state"], "held");
    assert_eq!(held["people_reached"], 23);

    // After it was held, no more sign-ups or questions.
    assert_eq!(
        post_status(&app, &signup, &c.mentee, json!({})).await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        post_status(
            &app,
            &questions,
            &c.mentee,
            json!({"body": "Noch eine Frage"})
        )
        .await,
        StatusCode::CONFLICT
    );

    let actions: Vec<String> = audit_of(&app, &c.staff, id)
        .await
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        actions,
        [
            "session.held",
            "session.question_sent",
            "session.question_sent",
            "session.signed_up",
            "session.withdrawn",
            "session.signed_up",
            "session.approved",
            "session.proposed"
        ]
    );
}

async fn wrong_state_transitions_are_409(app: TestApp) {
    let c = cast(&app).await;
    let id = propose(&app, &c.mentor, &proposal("webinar", c.topic, 10, &[])).await;
    let path = format!("/api/v1/sessions/{id}");
    let reason = json!({"reason": "Terminkollision"});
    // Holding a proposal, and holding before the end: 409.
    let hold = json!({"people_reached": 5});
    assert_eq!(
        post_status(&app, &format!("{path}/holding"), &c.mentor, hold.clone()).await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        post_status(&app, &format!("{path}/approval"), &c.staff, json!({})).await,
        StatusCode::OK
    );
    assert_eq!(
        post_status(&app, &format!("{path}/holding"), &c.mentor, hold).await,
        StatusCode::CONFLICT
    );
    for (step, token, body) in [
        ("approval", &c.staff, json!({})),
        ("declination", &c.staff, reason.clone()),
    ] {
        let res = app
            .post(&format!("{path}/{step}"), Some(token), &body)
            .await;
        assert_problem(res, StatusCode::CONFLICT).await;
    }
    assert_eq!(
        post_status(
            &app,
            &format!("{path}/cancellation"),
            &c.mentor,
            reason.clone()
        )
        .await,
        StatusCode::OK
    );
    for (step, body) in [
        ("approval", json!({})),
        ("declination", reason.clone()),
        ("cancellation", reason.clone()),
        ("holding", json!({"people_reached": 1})),
    ] {
        let res = app
            .post(&format!("{path}/{step}"), Some(&c.staff), &body)
            .await;
        assert_problem(res, StatusCode::CONFLICT).await;
    }
    let cancelled = app.get_json(&path, &c.staff).await;
    assert_eq!(cancelled["state"], "cancelled");
    assert_eq!(cancelled["state_reason"], "Terminkollision");
    // A declined proposal stays declined.
    let id = propose(&app, &c.mentor, &proposal("webinar", c.topic, 10, &[])).await;
    let path = format!("/api/v1/sessions/{id}");
    assert_eq!(
        post_status(
            &app,
            &format!("{path}/declination"),
            &c.staff,
            reason.clone()
        )
        .await,
        StatusCode::OK
    );
    assert_eq!(
        post_status(&app, &format!("{path}/approval"), &c.staff, json!({})).await,
        StatusCode::CONFLICT
    );
    // A reason is required (asked of a session that may be cancelled: the state comes first).
    let id = propose(&app, &c.mentor, &proposal("webinar", c.topic, 10, &[])).await;
    let path = format!("/api/v1/sessions/{id}");
    let res = app
        .post(
            &format!("{path}/cancellation"),
            Some(&c.staff),
            &json!({"reason": ""}),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
}

async fn proposals_are_checked_against_format_topics_and_mentors(app: TestApp) {
    let c = cast(&app).await;
    let (third_id, _) = app
        .active_participant(
            &c.staff,
            "third@example.org",
            "follow_up_project",
            &["mentor"],
        )
        .await;
    let (mentee_id, _) = app
        .active_participant(&c.staff, "m2@example.org", "first_project", &["mentee"])
        .await;
    // Individual mentoring is not bookable.
    let res = app
        .post(
            "/api/v1/sessions",
            Some(&c.mentor),
            &proposal("individual", c.topic, 10, &[]),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT).await;
    // Not a team format.
    let res = app
        .post(
            "/api/v1/sessions",
            Some(&c.mentor),
            &proposal("practice_tip", c.topic, 10, &[]),
        )
        .await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    // Three mentors for a webinar (limit 2).
    let res = app
        .post(
            "/api/v1/sessions",
            Some(&c.mentor),
            &proposal("webinar", c.topic, 10, &[c.co_mentor_id, third_id]),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["pointer"], "/co_mentor_ids");
    // Regional meetings have no mentor limit.
    propose(
        &app,
        &c.mentor,
        &proposal("regional_meeting", c.topic, 10, &[c.co_mentor_id, third_id]),
    )
    .await;
    // A co-mentor must hold the mentor role.
    let res = app
        .post(
            "/api/v1/sessions",
            Some(&c.mentor),
            &proposal("webinar", c.topic, 10, &[mentee_id]),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["pointer"], "/co_mentor_ids/0");
    // Unknown topic.
    let res = app
        .post(
            "/api/v1/sessions",
            Some(&c.mentor),
            &proposal("webinar", 999_999, 10, &[]),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["pointer"], "/topic_ids/0");
    // An expert event session names its event; the end lies after the start.
    let mut body = proposal("expert_event_session", c.topic, 10, &[]);
    body["event_name"] = Value::Null;
    let res = app.post("/api/v1/sessions", Some(&c.mentor), &body).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    let mut body = proposal("webinar", c.topic, 10, &[]);
    body["ends_at"] = body["starts_at"].clone();
    let res = app.post("/api/v1/sessions", Some(&c.mentor), &body).await;
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
}

async fn yearly_limit_holds_under_concurrent_approvals_and_override_is_audited(app: TestApp) {
    let c = cast(&app).await;
    // Expert event sessions: 6 a year. All start on the last day of this year, so they count
    // in one calendar year whenever the test runs.
    let today = mentoring_api::domain::programme_time::programme_today();
    let new_year =
        chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&today) + 1, 1, 1).unwrap();
    let day = (new_year - today).num_days() - 1;
    let body = proposal("expert_event_session", c.topic, day, &[]);
    for _ in 0..5 {
        let id = propose(&app, &c.mentor, &body).await;
        assert_eq!(
            post_status(
                &app,
                &format!("/api/v1/sessions/{id}/approval"),
                &c.staff,
                json!({})
            )
            .await,
            StatusCode::OK
        );
    }
    let mut ids = Vec::new();
    for _ in 0..50 {
        ids.push(propose(&app, &c.mentor, &body).await);
    }
    let mut tasks = Vec::new();
    for id in &ids {
        let client = app.client.clone();
        let url = format!("{}/api/v1/sessions/{id}/approval", app.address);
        let token = c.staff.clone();
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
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let approved = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((approved, refused), (1, 49), "{statuses:?}");
    let scheduled = app
        .get_json(
            "/api/v1/sessions?format=expert_event_session&state=approved&limit=200",
            &c.staff,
        )
        .await;
    assert_eq!(scheduled["items"].as_array().unwrap().len(), 6);

    // Beyond the limit only with an explicit override, which is recorded and audited.
    let still_proposed = app
        .get_json(
            "/api/v1/sessions?format=expert_event_session&state=proposed&limit=1",
            &c.staff,
        )
        .await;
    let id = still_proposed["items"][0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/sessions/{id}/approval");
    let res = app
        .post(&path, Some(&c.staff), &json!({"capacity_override": false}))
        .await;
    assert_problem(res, StatusCode::CONFLICT).await;
    let res = app
        .post(&path, Some(&c.staff), &json!({"capacity_override": true}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let approved: Value = res.json().await.unwrap();
    assert_eq!(approved["capacity_override"], true);
    let events = audit_of(&app, &c.staff, id).await;
    assert_eq!(events[0]["action"], "session.approved");
    assert_eq!(events[0]["after"]["capacity_override"], true);
}

/// One request of a permission table: what is asked, by whom (`None`: anonymous), and the status.
struct Ask<'a> {
    post: Option<Value>,
    path: String,
    token: Option<&'a str>,
    expected: StatusCode,
}

impl Ask<'_> {
    async fn check(&self, app: &TestApp, step: &str) {
        let res = match &self.post {
            Some(body) => app.post(&self.path, self.token, body).await,
            None => app.get(&self.path, self.token).await,
        };
        let status = res.status();
        // The body (a problem with its request id) says why, should this ever fail again.
        let body = res.text().await.unwrap_or_default();
        assert_eq!(
            status,
            self.expected,
            "{step}: {} {}: {body}",
            self.post.as_ref().map_or("GET", |_| "POST"),
            self.path
        );
    }
}

fn get<'a>(path: &str, token: Option<&'a str>, expected: StatusCode) -> Ask<'a> {
    Ask {
        post: None,
        path: path.to_owned(),
        token,
        expected,
    }
}

fn post<'a>(path: &str, token: Option<&'a str>, body: Value, expected: StatusCode) -> Ask<'a> {
    Ask {
        post: Some(body),
        path: path.to_owned(),
        token,
        expected,
    }
}

async fn roles_see_and_do_exactly_what_they_may(app: TestApp) {
    let c = cast(&app).await;
    let (_, _, pending) = app
        .register(&registration(
            "pending@example.org",
            "follow_up_project",
            &["mentor"],
        ))
        .await;
    let integration = app.integration_token(&c.staff).await;
    let id = propose(&app, &c.mentor, &proposal("webinar", c.topic, 10, &[])).await;
    let path = format!("/api/v1/sessions/{id}");
    let approval = format!("{path}/approval");
    let declination = format!("{path}/declination");
    let cancellation = format!("{path}/cancellation");
    let body = proposal("webinar", c.topic, 10, &[]);
    let reason = json!({"reason": "x"});
    let list = "/api/v1/sessions";
    use StatusCode as S;

    let mut proposed = vec![
        // Anonymous: 401 everywhere.
        get(list, None, S::UNAUTHORIZED),
        get(&path, None, S::UNAUTHORIZED),
        post(list, None, body.clone(), S::UNAUTHORIZED),
    ];
    // Integration and pending participants: 403.
    for token in [&integration, &pending] {
        proposed.push(get(list, Some(token), S::FORBIDDEN));
        proposed.push(get(&path, Some(token), S::FORBIDDEN));
        proposed.push(post(list, Some(token), body.clone(), S::FORBIDDEN));
    }
    // Mentees do not propose; staff do, naming the mentors (tests/api/sessions_on_behalf.rs).
    proposed.push(post(list, Some(&c.mentee), body.clone(), S::FORBIDDEN));
    proposed.push(post(
        list,
        Some(&c.staff),
        body.clone(),
        S::UNPROCESSABLE_ENTITY,
    ));
    // Only staff approve and decline.
    for token in [&c.mentor, &c.mentee, &integration] {
        proposed.push(post(&approval, Some(token), json!({}), S::FORBIDDEN));
        proposed.push(post(
            &declination,
            Some(token),
            reason.clone(),
            S::FORBIDDEN,
        ));
    }
    // A mentor who is not one of the session's mentors cannot cancel it (nor see a proposal).
    proposed.push(post(
        &cancellation,
        Some(&c.co_mentor),
        reason.clone(),
        S::NOT_FOUND,
    ));
    for ask in &proposed {
        ask.check(&app, "proposed").await;
    }

    post(&approval, Some(&c.staff), json!({}), S::OK)
        .check(&app, "approval")
        .await;
    let approved = [
        // Approved, it is visible, but still only its mentors and staff cancel it.
        post(
            &cancellation,
            Some(&c.co_mentor),
            reason.clone(),
            S::FORBIDDEN,
        ),
        post(&cancellation, Some(&c.mentee), reason.clone(), S::FORBIDDEN),
        // Unknown sessions: 404.
        get("/api/v1/sessions/999999", Some(&c.staff), S::NOT_FOUND),
    ];
    for ask in &approved {
        ask.check(&app, "approved").await;
    }
}
