//! Staff open the format → a mentee asks → mentors are ranked with their explained scores → a
//! mentor accepts → the pair agrees → contacts are recorded and credited in the mentor's report.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::TestApp;
use crate::support::mentoring::{
    PAIRS, REQUESTS, accept, agree, ask, open_format, person, phone_call, topics,
};
use crate::support::sponsorships::today;

on_both_backends!(the_whole_flow_credits_the_mentor_in_the_right_project_year);

async fn the_whole_flow_credits_the_mentor_in_the_right_project_year(app: TestApp) {
    let staff = app.staff_token().await;
    let t = topics(&app, &staff, 3).await;
    let (mentee_id, mentee) = person(&app, &staff, "mentee", &["mentee"], "NW", &[]).await;
    let (near_id, near) = person(&app, &staff, "near", &["mentor"], "NW", &[t[0]]).await;
    let (expert_id, _) = person(&app, &staff, "expert", &["mentor"], "BY", &[t[0], t[1]]).await;
    let (border_id, _) = person(&app, &staff, "border", &["mentor"], "NI", &[]).await;
    open_format(&app, &staff, 2).await;

    let request = ask(
        &app,
        &mentee,
        &json!({"topic_ids": [t[0], t[1]], "note": "Energiemanagement"}),
    )
    .await;

    // Ranked: two shared topics (20) before one topic in the mentee's own state (10 + 8),
    // before a bordering state without topics (4).
    let path = format!("{REQUESTS}/{request}/mentor-suggestions");
    let res = app
        .request(reqwest::Method::GET, &path, Some(&mentee), None)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let list: Value = res.json().await.unwrap();
    let ranked: Vec<(i64, i64)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["mentor_id"].as_i64().unwrap(),
                s["score"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(ranked, [(expert_id, 20), (near_id, 18), (border_id, 4)]);
    let parts = &list["items"][1]["score_parts"];
    let factors: Vec<&str> = parts
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["factor"].as_str().unwrap())
        .collect();
    assert_eq!(factors, ["shared_topics", "federal_state", "load"]);
    assert_eq!(parts[1]["points"], 8);
    let why = parts[1]["explanation"].as_str().unwrap();
    assert!(
        why.contains("Nordrhein-Westfalen"),
        "German by default: {why}"
    );
    assert_eq!(list["items"][0]["shared_topic_ids"], json!([t[0], t[1]]));

    // The nearby mentor accepts; the pair starts today and needs its agreement.
    let res = accept(&app, request, &near, &json!({})).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let pair: Value = res.json().await.unwrap();
    let pair_id = pair["id"].as_i64().unwrap();
    assert_eq!(pair["mentor_id"], near_id);
    assert_eq!(pair["mentee_id"], mentee_id);
    assert_eq!(pair["agreement"], Value::Null);
    let request_now = app
        .get_json(&format!("{REQUESTS}/{request}"), &mentee)
        .await;
    assert_eq!(request_now["state"], "matched");
    assert_eq!(request_now["pair_id"], pair_id);

    let end = today() + Duration::days(180);
    agree(&app, pair_id, &mentee, end).await;
    let seen_by_mentor = app.get_json(&format!("{PAIRS}/{pair_id}"), &near).await;
    assert_eq!(seen_by_mentor["agreement"]["end_date"], json!(end));
    assert_eq!(
        seen_by_mentor["agreement"]["scope"],
        "Monatliches Telefonat"
    );

    // A call recorded by the mentee and a two-day job shadowing by the mentor: each contact is
    // one instance of the format, credited 2 hours under today's rule.
    let contacts = format!("{PAIRS}/{pair_id}/contacts");
    let res = app
        .post(&contacts, Some(&mentee), &phone_call(today()))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let call: Value = res.json().await.unwrap();
    assert_eq!(call["credited_hours"], 2);
    let shadowing = json!({"kind": "job_shadowing", "contact_on": today(), "duration_days": 2});
    let res = app.post(&contacts, Some(&near), &shadowing).await;
    assert_eq!(res.status(), StatusCode::CREATED);

    let listed = app.get_json(&contacts, &staff).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    assert_eq!(listed["items"][0]["note"], "Fördermittel besprochen");

    // The credits land in the mentor's report of the project year that contains today
    // (project since 2025-01-01: year 2), under the format `individual`.
    let report = app
        .get_json(
            &format!("/api/v1/participants/{near_id}/credit-report"),
            &near,
        )
        .await;
    assert_eq!(report["project_year"]["number"], 2);
    let items: Vec<&Value> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["source_kind"] == "individual_contact")
        .collect();
    assert_eq!(items.len(), 2);
    assert!(
        items
            .iter()
            .all(|i| i["format_code"] == "individual" && i["hours"] == 2)
    );
    assert_eq!(items[0]["title"], "Telefonische Beratung (1 Std.)");
    let total = report["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["format_code"] == "individual")
        .expect("a total for individual mentoring");
    assert_eq!(
        (total["count"].as_i64(), total["hours"].as_i64()),
        (Some(2), Some(4))
    );
    assert_eq!(report["total_hours"], 4);
    // Nothing for the mentee: only mentors are credited.
    let mentee_report = app
        .get_json(
            &format!("/api/v1/participants/{mentee_id}/credit-report"),
            &mentee,
        )
        .await;
    assert_eq!(mentee_report["total_hours"], 0);

    // Either side ends the pair, once; the audit trail holds the steps, never the note.
    let res = app
        .post(
            &format!("{PAIRS}/{pair_id}/ending"),
            Some(&mentee),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .post(
            &format!("{PAIRS}/{pair_id}/ending"),
            Some(&near),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let audit = app
        .get_json(
            "/api/v1/audit-events?entity_type=mentoring_pair&limit=200",
            &staff,
        )
        .await;
    let text = audit.to_string();
    for action in ["formed", "agreement_recorded", "contact_recorded", "ended"] {
        assert!(
            text.contains(&format!("mentoring_pair.{action}")),
            "{action}"
        );
    }
    assert!(
        !text.contains("Fördermittel besprochen"),
        "the note is confidential"
    );
    assert!(
        !text.contains("Monatliches Telefonat"),
        "the agreement is confidential"
    );
}

on_both_backends!(explanations_follow_the_language);

async fn explanations_follow_the_language(app: TestApp) {
    let staff = app.staff_token().await;
    let t = topics(&app, &staff, 1).await;
    let (_, mentee) = person(&app, &staff, "mentee", &["mentee"], "HE", &[]).await;
    person(&app, &staff, "mentor", &["mentor"], "HE", &[t[0]]).await;
    open_format(&app, &staff, 2).await;
    let request = ask(
        &app,
        &mentee,
        &json!({"topic_ids": t, "preferred_states": ["HE"]}),
    )
    .await;
    let res = app
        .client
        .get(format!(
            "{}{REQUESTS}/{request}/mentor-suggestions",
            app.address
        ))
        .bearer_auth(&mentee)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-language"], "en");
    let list: Value = res.json().await.unwrap();
    let why = list["items"][0]["score_parts"][1]["explanation"]
        .as_str()
        .unwrap();
    assert_eq!(why, "works in the wished-for state Hesse");
    assert_eq!(list["items"][0]["score"], 18);
}
