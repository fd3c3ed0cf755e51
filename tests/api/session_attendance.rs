//! A session's sign-ups and attendance: who may read the sign-ups (contact data for staff only),
//! recording attendance only after the session was held, bad input changing nothing, and the
//! recorded attendance becoming the people reached of the session, its documentation, its
//! credit report and the mentee's export, surviving the mentee's erasure.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem, pointers};
use crate::support::sessions::{Cast, approved_past_session, audit_of, cast, post_status};

on_both_backends!(
    signups_are_for_the_sessions_mentors_and_staff_with_contact_data_for_staff,
    attendance_is_recorded_once_held_and_bad_input_changes_nothing,
    recorded_attendance_is_the_people_reached_everywhere,
);

/// Everyone besides the cast: a second signed-up mentee, a mentor of another session, an
/// integration account.
struct Others {
    mentee2_id: i64,
    mentee2: String,
    other_mentor: String,
    integration: String,
}

async fn others(app: &TestApp, c: &Cast) -> Others {
    let (mentee2_id, mentee2) = app
        .active_participant(
            &c.staff,
            "mentee2@example.org",
            "first_project",
            &["mentee"],
        )
        .await;
    let (_, other_mentor) = app
        .active_participant(
            &c.staff,
            "other@example.org",
            "follow_up_project",
            &["mentor"],
        )
        .await;
    let integration = app.integration_token(&c.staff).await;
    Others {
        mentee2_id,
        mentee2,
        other_mentor,
        integration,
    }
}

/// A webinar of the cast's mentors that ended two days ago, approved, with both mentees
/// signed up; not held yet.
async fn approved_with_signups(app: &TestApp, c: &Cast, o: &Others) -> i64 {
    let id = approved_past_session(app, c).await;
    let path = format!("/api/v1/sessions/{id}");
    for token in [&c.mentee, &o.mentee2] {
        let res = app
            .post(&format!("{path}/signup"), Some(token), &json!({}))
            .await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
    }
    id
}

async fn hold(app: &TestApp, c: &Cast, id: i64, people: i32) {
    assert_eq!(
        post_status(
            app,
            &format!("/api/v1/sessions/{id}/holding"),
            &c.mentor,
            json!({"people_reached": people})
        )
        .await,
        StatusCode::OK
    );
}

async fn put(app: &TestApp, path: &str, token: Option<&str>, body: &Value) -> reqwest::Response {
    app.request(Method::PUT, path, token, Some(body)).await
}

fn keys_of(item: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = item
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

async fn signups_are_for_the_sessions_mentors_and_staff_with_contact_data_for_staff(app: TestApp) {
    let c = cast(&app).await;
    let o = others(&app, &c).await;
    let id = approved_with_signups(&app, &c, &o).await;
    let path = format!("/api/v1/sessions/{id}/signups");

    for token in [&c.mentor, &c.co_mentor] {
        let list = app.get_json(&path, token).await;
        let items = list["items"].as_array().unwrap();
        let ids: Vec<i64> = items
            .iter()
            .map(|i| i["participant_id"].as_i64().unwrap())
            .collect();
        let mut expected = vec![c.mentee_id, o.mentee2_id];
        expected.sort_unstable();
        assert_eq!(ids, expected);
        assert_eq!(
            keys_of(&items[0]),
            [
                "attended",
                "employer",
                "municipality",
                "name",
                "participant_id",
                "signed_up_at"
            ],
            "mentors see no contact data"
        );
        assert_eq!(items[0]["name"], "Erika Mustermann");
        assert_eq!(items[0]["employer"], "Stadt Musterstadt");
        assert!(items[0]["attended"].is_null());
        assert!(list["next_cursor"].is_null());
    }
    let staff = app.get_json(&path, &c.staff).await;
    let emails: Vec<&str> = staff["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["email"].as_str().unwrap())
        .collect();
    assert!(emails.contains(&"mentee@example.org") && emails.contains(&"mentee2@example.org"));
    assert!(staff["items"][0]["phone"].is_string());

    // Pages by participant id.
    let first = app.get_json(&format!("{path}?limit=1"), &c.staff).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 1);
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let second = app
        .get_json(&format!("{path}?limit=1&cursor={cursor}"), &c.staff)
        .await;
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert_ne!(
        first["items"][0]["participant_id"],
        second["items"][0]["participant_id"]
    );
    assert!(second["next_cursor"].is_null());
    assert_problem(
        app.get(&format!("{path}?limit=0"), Some(&c.staff)).await,
        StatusCode::BAD_REQUEST,
    )
    .await;

    // A signed-up mentee, a mentor of other sessions and the integration: 403; anonymous 401.
    for token in [&c.mentee, &o.mentee2, &o.other_mentor, &o.integration] {
        for p in [path.clone(), format!("/api/v1/sessions/{id}/attendance")] {
            assert_problem(app.get(&p, Some(token)).await, StatusCode::FORBIDDEN).await;
        }
    }
    assert_problem(app.get(&path, None).await, StatusCode::UNAUTHORIZED).await;
    assert_problem(
        app.get("/api/v1/sessions/999999/signups", Some(&c.staff))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

async fn attendance_is_recorded_once_held_and_bad_input_changes_nothing(app: TestApp) {
    let c = cast(&app).await;
    let o = others(&app, &c).await;
    let id = approved_with_signups(&app, &c, &o).await;
    let path = format!("/api/v1/sessions/{id}/attendance");
    let good = json!({"attended_participant_ids": [c.mentee_id], "walk_in_count": 3});

    // Before it is held: 409, for its mentor and for staff.
    for token in [&c.mentor, &c.staff] {
        let problem = assert_problem(
            put(&app, &path, Some(token), &good).await,
            StatusCode::CONFLICT,
        )
        .await;
        assert!(problem["detail"].as_str().unwrap().contains("approved"));
    }
    let untouched = app.get_json(&path, &c.mentor).await;
    assert!(untouched["recorded_at"].is_null() && untouched["walk_in_count"].is_null());
    assert_eq!(untouched["signed_up_count"], 2);
    assert!(untouched["people_reached"].is_null());

    hold(&app, &c, id, 25).await;
    // Callers who may not record it.
    for token in [&c.mentee, &o.mentee2, &o.other_mentor, &o.integration] {
        assert_problem(
            put(&app, &path, Some(token), &good).await,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    assert_problem(
        put(&app, &path, None, &good).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    // Bad input: an id not signed up, one listed twice, unknown fields, negative walk-ins.
    let problem = assert_problem(
        put(
            &app,
            &path,
            Some(&c.mentor),
            &json!({"attended_participant_ids": [c.mentee_id, c.co_mentor_id, 987_654, c.mentee_id],
                    "walk_in_count": 0}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let pointers = pointers(&problem);
    assert_eq!(
        pointers,
        [
            "/attended_participant_ids/1",
            "/attended_participant_ids/2",
            "/attended_participant_ids/3"
        ]
    );
    for body in [
        json!({"attended_participant_ids": [], "walk_in_count": -1}),
        json!({"attended_participant_ids": [], "walk_in_count": 1, "walkins": 2}),
        json!({"attended_participant_ids": []}),
    ] {
        let res = put(&app, &path, Some(&c.mentor), &body).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
    let session = app
        .get_json(&format!("/api/v1/sessions/{id}"), &c.staff)
        .await;
    assert_eq!(session["people_reached"], 25, "refusals changed nothing");
    let unchanged = app.get_json(&path, &c.staff).await;
    assert!(unchanged["recorded_at"].is_null());
    assert_eq!(unchanged["people_reached"], 25);
    let signups = app
        .get_json(&format!("/api/v1/sessions/{id}/signups"), &c.staff)
        .await;
    assert!(
        signups["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["attended"].is_null())
    );
    let recorded = |events: &[Value]| {
        events
            .iter()
            .filter(|e| e["action"] == "session.attendance_recorded")
            .count()
    };
    assert_eq!(recorded(&audit_of(&app, &c.staff, id).await), 0);

    // The co-mentor records it; sending the same again changes nothing (one audit entry).
    let res = put(&app, &path, Some(&c.co_mentor), &good).await;
    assert_eq!(res.status(), StatusCode::OK);
    let first: Value = res.json().await.unwrap();
    assert_eq!(first["attended_participant_ids"], json!([c.mentee_id]));
    assert_eq!(first["walk_in_count"], 3);
    assert_eq!(first["people_reached"], 4);
    let etag = |res: &reqwest::Response| res.headers()["etag"].to_str().unwrap().to_owned();
    let session_path = format!("/api/v1/sessions/{id}");
    let version = etag(&app.get(&session_path, Some(&c.staff)).await);
    let res = put(&app, &path, Some(&c.mentor), &good).await;
    assert_eq!(res.status(), StatusCode::OK);
    let again: Value = res.json().await.unwrap();
    assert_eq!(again, first);
    assert_eq!(etag(&app.get(&session_path, Some(&c.staff)).await), version);
    let events = audit_of(&app, &c.staff, id).await;
    assert_eq!(recorded(&events), 1);
    let entry = events
        .iter()
        .find(|e| e["action"] == "session.attendance_recorded")
        .unwrap();
    assert_eq!(entry["after"]["people_reached"], 4);
    assert_eq!(entry["before"]["people_reached"], 25);

    let signups = app
        .get_json(&format!("/api/v1/sessions/{id}/signups"), &c.mentor)
        .await;
    for item in signups["items"].as_array().unwrap() {
        let came = item["participant_id"] == c.mentee_id;
        assert_eq!(item["attended"], came, "{item}");
    }

    // Staff replace it: both mentees, no walk-ins.
    let res = put(
        &app,
        &path,
        Some(&c.staff),
        &json!({"attended_participant_ids": [o.mentee2_id, c.mentee_id], "walk_in_count": 0}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let replaced: Value = res.json().await.unwrap();
    let mut both = vec![c.mentee_id, o.mentee2_id];
    both.sort_unstable();
    assert_eq!(replaced["attended_participant_ids"], json!(both));
    assert_eq!(replaced["people_reached"], 2);
    assert_eq!(
        app.get_json(&session_path, &c.mentee).await["people_reached"],
        2
    );
    assert_eq!(recorded(&audit_of(&app, &c.staff, id).await), 2);
}

async fn recorded_attendance_is_the_people_reached_everywhere(app: TestApp) {
    let c = cast(&app).await;
    let o = others(&app, &c).await;
    let id = approved_with_signups(&app, &c, &o).await;
    hold(&app, &c, id, 25).await;
    let session_path = format!("/api/v1/sessions/{id}");
    let path = format!("{session_path}/attendance");
    let res = put(
        &app,
        &path,
        Some(&c.mentor),
        &json!({"attended_participant_ids": [c.mentee_id], "walk_in_count": 6}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);

    // Documentation must agree with the recorded attendance; a different number changes nothing.
    let doc = |people: i32| json!({"summary": "Impulse", "results": "Checkliste", "people_reached": people});
    let problem = assert_problem(
        app.post(
            &format!("{session_path}/documentation"),
            Some(&c.mentor),
            &doc(31),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(problem["errors"][0]["pointer"], "/people_reached");
    let session = app.get_json(&session_path, &c.staff).await;
    assert_eq!(
        (session["state"].clone(), session["people_reached"].clone()),
        (json!("held"), json!(7))
    );
    let res = app
        .post(
            &format!("{session_path}/documentation"),
            Some(&c.mentor),
            &doc(7),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let documentation = app
        .get_json(&format!("{session_path}/documentation"), &c.mentee)
        .await;
    assert_eq!(documentation["people_reached"], 7);

    // Corrected after documentation: the credit report follows.
    let res = put(
        &app,
        &path,
        Some(&c.co_mentor),
        &json!({"attended_participant_ids": [c.mentee_id, o.mentee2_id], "walk_in_count": 6}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let report = app
        .get_json(
            &format!("/api/v1/participants/{}/credit-report", c.mentor_id),
            &c.mentor,
        )
        .await;
    let item = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["source_kind"] == "session" && i["source_id"] == id)
        .unwrap_or_else(|| panic!("the session in the report: {report}"))
        .clone();
    assert_eq!(item["people_reached"], 8);

    // The mentee's export shows their attendance.
    let export = app
        .get_json(
            &format!("/api/v1/participants/{}/export", c.mentee_id),
            &c.mentee,
        )
        .await;
    let signup = &export["session_signups"][0];
    assert_eq!(
        (signup["session_id"].clone(), signup["attended"].clone()),
        (json!(id), json!(true))
    );

    // Erasing an attendee deletes their sign-up, not the count: the evidence stays countable.
    let res = app
        .post(
            &format!("/api/v1/participants/{}/erasure", o.mentee2_id),
            Some(&c.staff),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get_json(&session_path, &c.staff).await["people_reached"],
        8
    );
    let attendance = app.get_json(&path, &c.staff).await;
    assert_eq!(attendance["attended_participant_ids"], json!([c.mentee_id]));
    assert_eq!(attendance["signed_up_count"], 1);
}
