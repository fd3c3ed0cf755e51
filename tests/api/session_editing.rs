//! Editing and rescheduling sessions (`PATCH /sessions/{id}` with `If-Match`): staff while
//! proposed or approved, the session's mentors while proposed; the proposal rules hold for the
//! edited session; a refused edit changes nothing; moving an approved session and cancelling one
//! are outbox events, a proposal's changes are not.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem, patch, pointers};
use crate::support::sessions::{
    Cast, audit_of, cast, held_session, post_status, proposal, propose,
};

on_both_backends!(
    mentors_edit_their_proposal_with_if_match_and_each_edit_is_audited,
    rescheduling_an_approved_session_is_staff_work_and_an_event,
    cancelling_an_approved_session_is_an_event_a_proposal_is_not,
    an_edit_obeys_the_proposal_rules_and_a_refused_one_changes_nothing,
    sessions_past_approval_are_not_edited,
    only_staff_and_the_sessions_mentors_edit,
);

/// The session and its ETag.
async fn read(app: &TestApp, id: i64, token: &str) -> (Value, String) {
    let res = app
        .get(&format!("/api/v1/sessions/{id}"), Some(token))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let tag = res.headers()["etag"].to_str().unwrap().to_owned();
    (res.json().await.unwrap(), tag)
}

/// The session events of the feed about `id`, oldest first (staff may read the feed).
async fn session_events(app: &TestApp, staff: &str, id: i64) -> Vec<String> {
    let mut found = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/events?limit=100&cursor={c}"),
            None => "/api/v1/events?limit=100".to_owned(),
        };
        let page = app.get_json(&path, staff).await;
        for e in page["items"].as_array().unwrap() {
            if e["subject_type"] == "session" && e["subject_id"] == id {
                found.push(e["type"].as_str().unwrap().to_owned());
            }
        }
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        if !page["has_more"].as_bool().unwrap() {
            return found;
        }
    }
}

fn times(days: i64) -> (String, String) {
    let starts = Utc::now() + Duration::days(days);
    (
        starts.to_rfc3339(),
        (starts + Duration::hours(2)).to_rfc3339(),
    )
}

async fn approved(app: &TestApp, c: &Cast, days: i64) -> i64 {
    let id = propose(app, &c.mentor, &proposal("webinar", c.topic, days, &[])).await;
    let path = format!("/api/v1/sessions/{id}/approval");
    assert_eq!(
        post_status(app, &path, &c.staff, json!({})).await,
        StatusCode::OK
    );
    id
}

async fn mentors_edit_their_proposal_with_if_match_and_each_edit_is_audited(app: TestApp) {
    let c = cast(&app).await;
    let id = propose(&app, &c.mentor, &proposal("webinar", c.topic, 30, &[])).await;
    let path = format!("/api/v1/sessions/{id}");
    let (before, tag) = read(&app, id, &c.mentor).await;
    assert_eq!(tag, "\"1\"");
    let change = json!({"title": "Wärmeplanung für Einsteiger", "online": true, "place": null,
        "co_mentor_ids": [c.co_mentor_id]});

    let res = patch(&app, &path, Some(&c.mentor), None, &change).await;
    assert_problem(res, StatusCode::PRECONDITION_REQUIRED).await;
    let res = patch(&app, &path, Some(&c.mentor), Some("\"9\""), &change).await;
    assert_problem(res, StatusCode::PRECONDITION_FAILED).await;
    assert_eq!(
        read(&app, id, &c.staff).await,
        (before.clone(), tag.clone())
    );

    let res = patch(&app, &path, Some(&c.mentor), Some(&tag), &change).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"2\"");
    let edited: Value = res.json().await.unwrap();
    assert_eq!(edited["title"], "Wärmeplanung für Einsteiger");
    assert_eq!(edited["online"], true);
    assert!(edited["place"].is_null());
    let mut mentors = vec![c.mentor_id, c.co_mentor_id];
    mentors.sort_unstable();
    assert_eq!(edited["mentor_ids"], json!(mentors));
    assert_eq!(edited["proposed_by"], c.mentor_id);
    assert_eq!(edited["starts_at"], before["starts_at"]);
    assert_eq!(
        read(&app, id, &c.co_mentor).await,
        (edited.clone(), "\"2\"".to_owned())
    );

    // The co-mentor is a mentor of the session now and moves it; the proposer stays.
    let (starts, ends) = times(31);
    let res = patch(
        &app,
        &path,
        Some(&c.co_mentor),
        Some("\"2\""),
        &json!({"starts_at": starts, "ends_at": ends, "co_mentor_ids": []}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["etag"], "\"3\"");
    let moved: Value = res.json().await.unwrap();
    assert_eq!(moved["mentor_ids"], json!([c.mentor_id]));
    assert_ne!(moved["starts_at"], edited["starts_at"]);
    // The co-mentor took themself off: the proposal is no longer theirs to see.
    assert_eq!(
        app.get(&path, Some(&c.co_mentor)).await.status(),
        StatusCode::NOT_FOUND
    );

    let audit = audit_of(&app, &c.staff, id).await;
    let edits: Vec<&Value> = audit
        .iter()
        .filter(|e| e["action"] == "session.edited" || e["action"] == "session.rescheduled")
        .collect();
    assert_eq!(edits.len(), 2, "{audit:?}");
    let edit = edits
        .iter()
        .find(|e| e["action"] == "session.edited")
        .unwrap();
    // Ids, codes and times; which texts changed, never the texts.
    assert_eq!(
        edit["after"]["changed"],
        json!(["title", "online", "place", "co_mentor_ids"])
    );
    assert_eq!(edit["before"]["has_place"], true);
    assert_eq!(edit["after"]["has_place"], false);
    assert!(!edit.to_string().contains("Wärmeplanung"), "{edit}");
    assert_eq!(edit["before"]["mentor_ids"], json!([c.mentor_id]));
    assert_eq!(edit["after"]["mentor_ids"], json!(mentors));
    assert_eq!(edit["after"]["version"], 2);
    let reschedule = edits
        .iter()
        .find(|e| e["action"] == "session.rescheduled")
        .unwrap();
    assert_eq!(reschedule["before"]["starts_at"], edited["starts_at"]);
    assert_eq!(reschedule["after"]["starts_at"], moved["starts_at"]);
    assert_eq!(
        reschedule["after"]["changed"],
        json!(["starts_at", "ends_at", "co_mentor_ids"])
    );
    // A proposal was never announced: no event.
    assert!(session_events(&app, &c.staff, id).await.is_empty());
}

async fn rescheduling_an_approved_session_is_staff_work_and_an_event(app: TestApp) {
    let c = cast(&app).await;
    let id = approved(&app, &c, 30).await;
    let path = format!("/api/v1/sessions/{id}");
    let (before, tag) = read(&app, id, &c.staff).await;
    let (starts, ends) = times(40);
    let move_it = json!({"starts_at": starts, "ends_at": ends});

    let res = patch(&app, &path, Some(&c.mentor), Some(&tag), &move_it).await;
    let problem = assert_problem(res, StatusCode::CONFLICT).await;
    assert_eq!(
        problem["detail"],
        "the session is `approved`; only staff change an approved session"
    );
    assert_eq!(
        read(&app, id, &c.staff).await,
        (before.clone(), tag.clone())
    );
    assert_eq!(
        session_events(&app, &c.staff, id).await,
        ["session.approved"]
    );

    let res = patch(&app, &path, Some(&c.staff), Some(&tag), &move_it).await;
    assert_eq!(res.status(), StatusCode::OK);
    let new_tag = res.headers()["etag"].to_str().unwrap().to_owned();
    let moved: Value = res.json().await.unwrap();
    assert_eq!(moved["state"], "approved");
    assert_ne!(moved["starts_at"], before["starts_at"]);
    assert_eq!(
        session_events(&app, &c.staff, id).await,
        ["session.approved", "session.rescheduled"]
    );
    let audit = audit_of(&app, &c.staff, id).await;
    let entry = audit
        .iter()
        .find(|e| e["action"] == "session.rescheduled")
        .expect("the move is audited");
    assert_eq!(entry["before"]["starts_at"], before["starts_at"]);
    assert_eq!(entry["before"]["ends_at"], before["ends_at"]);
    assert_eq!(entry["after"]["starts_at"], moved["starts_at"]);
    assert_eq!(entry["after"]["ends_at"], moved["ends_at"]);

    // A new title is no move: audited, but no event.
    let res = patch(
        &app,
        &path,
        Some(&c.staff),
        Some(&new_tag),
        &json!({"title": "Wärmeplanung, zweiter Termin"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        session_events(&app, &c.staff, id).await,
        ["session.approved", "session.rescheduled"]
    );
    assert!(
        audit_of(&app, &c.staff, id)
            .await
            .iter()
            .any(|e| e["action"] == "session.edited")
    );
}

async fn cancelling_an_approved_session_is_an_event_a_proposal_is_not(app: TestApp) {
    let c = cast(&app).await;
    let reason = json!({"reason": "Referentin erkrankt"});
    let proposed = propose(&app, &c.mentor, &proposal("webinar", c.topic, 30, &[])).await;
    let path = format!("/api/v1/sessions/{proposed}/cancellation");
    assert_eq!(
        post_status(&app, &path, &c.mentor, reason.clone()).await,
        StatusCode::OK
    );
    assert!(session_events(&app, &c.staff, proposed).await.is_empty());

    let id = approved(&app, &c, 30).await;
    let path = format!("/api/v1/sessions/{id}/cancellation");
    assert_eq!(
        post_status(&app, &path, &c.mentor, reason).await,
        StatusCode::OK
    );
    assert_eq!(
        session_events(&app, &c.staff, id).await,
        ["session.approved", "session.cancelled"]
    );
}

async fn an_edit_obeys_the_proposal_rules_and_a_refused_one_changes_nothing(app: TestApp) {
    let c = cast(&app).await;
    let id = propose(&app, &c.mentor, &proposal("webinar", c.topic, 30, &[])).await;
    let path = format!("/api/v1/sessions/{id}");
    let (before, tag) = read(&app, id, &c.mentor).await;
    let (starts, _) = times(30);
    let early_end = (Utc::now() + Duration::days(29)).to_rfc3339();
    let cases = [
        (json!({"ends_at": early_end}), "/ends_at"),
        (json!({"starts_at": starts, "ends_at": starts}), "/ends_at"),
        (json!({"place": null}), "/place"),
        (json!({"online": false, "place": null}), "/place"),
        (json!({"topic_ids": [c.topic, 999_999]}), "/topic_ids/1"),
        (json!({"topic_ids": []}), "/topic_ids"),
        (json!({"co_mentor_ids": [c.mentee_id]}), "/co_mentor_ids/0"),
        (json!({"co_mentor_ids": [999_999]}), "/co_mentor_ids/0"),
        (json!({"title": ""}), "/title"),
        (json!({"title": "zwei\nZeilen"}), "/title"),
    ];
    for (body, pointer) in cases {
        let res = patch(&app, &path, Some(&c.mentor), Some(&tag), &body).await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        let mut found = pointers(&problem);
        found.dedup();
        assert_eq!(found, [pointer], "{body}");
    }
    // Fields an edit does not change are refused as unknown.
    let res = patch(
        &app,
        &path,
        Some(&c.mentor),
        Some(&tag),
        &json!({"format_code": "regional_meeting"}),
    )
    .await;
    assert!(res.status().is_client_error());
    assert_eq!(read(&app, id, &c.staff).await, (before, tag));
    assert!(
        !audit_of(&app, &c.staff, id)
            .await
            .iter()
            .any(|e| e["action"] == "session.edited")
    );
}

async fn sessions_past_approval_are_not_edited(app: TestApp) {
    let c = cast(&app).await;
    let held = held_session(&app, &c).await;
    let declined = propose(&app, &c.mentor, &proposal("webinar", c.topic, 30, &[])).await;
    assert_eq!(
        post_status(
            &app,
            &format!("/api/v1/sessions/{declined}/declination"),
            &c.staff,
            json!({"reason": "Thema doppelt"})
        )
        .await,
        StatusCode::OK
    );
    for (id, state) in [(held, "held"), (declined, "declined")] {
        let (before, tag) = read(&app, id, &c.staff).await;
        for token in [&c.staff, &c.mentor] {
            let res = patch(
                &app,
                &format!("/api/v1/sessions/{id}"),
                Some(token),
                Some(&tag),
                &json!({"title": "Neuer Titel"}),
            )
            .await;
            let problem = assert_problem(res, StatusCode::CONFLICT).await;
            assert_eq!(
                problem["detail"],
                format!(
                    "the session is `{state}`; only proposed or approved sessions can be edited"
                )
            );
        }
        assert_eq!(read(&app, id, &c.staff).await, (before, tag));
    }
}

async fn only_staff_and_the_sessions_mentors_edit(app: TestApp) {
    let c = cast(&app).await;
    let proposed = propose(&app, &c.mentor, &proposal("webinar", c.topic, 30, &[])).await;
    let approved = approved(&app, &c, 30).await;
    let title = json!({"title": "Neuer Titel"});
    let status = |id: i64, token: Option<String>| {
        let (app, title) = (&app, &title);
        async move {
            let path = format!("/api/v1/sessions/{id}");
            patch(app, &path, token.as_deref(), Some("*"), title)
                .await
                .status()
        }
    };
    assert_eq!(status(proposed, None).await, StatusCode::UNAUTHORIZED);
    // A proposal is invisible to participants who do not mentor it.
    assert_eq!(
        status(proposed, Some(c.mentee.clone())).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        status(proposed, Some(c.co_mentor.clone())).await,
        StatusCode::NOT_FOUND
    );
    // An approved session is visible to them, but not theirs to edit.
    assert_eq!(
        status(approved, Some(c.mentee.clone())).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        status(approved, Some(c.co_mentor.clone())).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        status(approved, Some(c.mentor.clone())).await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        status(proposed, Some(c.mentor.clone())).await,
        StatusCode::OK
    );
    assert_eq!(
        status(approved, Some(c.staff.clone())).await,
        StatusCode::OK
    );
    assert_eq!(
        status(999_999, Some(c.staff.clone())).await,
        StatusCode::NOT_FOUND
    );
}
