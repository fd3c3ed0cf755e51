//! Formats: the seeded table of § 5.4, labels by language, and rule changes that never rewrite
//! the past.

use chrono::{Days, NaiveDate};
use mentoring_api::db::models::formats;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::{assert_language, audit_of, get_in, ok_json, participant_token, patch};
use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem};

on_both_backends!(
    seeded_formats_match_the_handbook_table,
    format_labels_follow_accept_language,
    rule_change_needs_a_current_if_match,
    future_rule_leaves_the_current_rule_and_the_past_alone,
    rule_changes_that_rewrite_history_or_break_rules_are_422,
    only_staff_change_rules,
);

/// One row of the handbook's table (§ 3, § 5.4) as the catalogue must hold it.
struct Expected {
    code: &'static str,
    group: &'static str,
    name_de: &'static str,
    name_en: &'static str,
    credit_hours: Option<i64>,
    alt_credit_hours: Option<i64>,
    yearly_limit: Option<i64>,
    mentors_per_instance: Option<i64>,
    bookable: bool,
}

/// § 5.4: five working days are 40 hours; the forum sponsorship is 2.5 or 5 days (20 or 40 h);
/// about 6 expert events and 12 webinars a year, up to 12 forums; 2 mentors per event, webinar
/// and forum, variable for regional meetings, one per practice tip; individual mentoring is
/// phase 2 with its credit not yet defined.
const HANDBOOK: [Expected; 6] = [
    Expected {
        code: "expert_event_session",
        group: "team",
        name_de: "Mentoring-Session bei einer SK:KK-Fachveranstaltung",
        name_en: "Mentoring session at an SK:KK expert event",
        credit_hours: Some(40),
        alt_credit_hours: None,
        yearly_limit: Some(6),
        mentors_per_instance: Some(2),
        bookable: true,
    },
    Expected {
        code: "regional_meeting",
        group: "team",
        name_de: "Mentoring-Session bei einem regionalen KSM-Treffen",
        name_en: "Mentoring session at a regional KSM meeting",
        credit_hours: Some(40),
        alt_credit_hours: None,
        yearly_limit: None,
        mentors_per_instance: None,
        bookable: true,
    },
    Expected {
        code: "webinar",
        group: "team",
        name_de: "Mentoring-Session per Telefon-/Videokonferenz oder Webinar",
        name_en: "Mentoring session by phone or video conference or webinar",
        credit_hours: Some(40),
        alt_credit_hours: None,
        yearly_limit: Some(12),
        mentors_per_instance: Some(2),
        bookable: true,
    },
    Expected {
        code: "forum_sponsorship",
        group: "online",
        name_de: "Thematische Betreuung eines Fachforums der KSM-Community",
        name_en: "Sponsorship of a KSM community forum",
        credit_hours: Some(40),
        alt_credit_hours: Some(20),
        yearly_limit: Some(12),
        mentors_per_instance: Some(2),
        bookable: true,
    },
    Expected {
        code: "practice_tip",
        group: "online",
        name_de: "Praxistipp von KSM für KSM",
        name_en: "Practice tip from KSM for KSM",
        credit_hours: Some(40),
        alt_credit_hours: None,
        yearly_limit: None,
        mentors_per_instance: Some(1),
        bookable: true,
    },
    Expected {
        code: "individual",
        group: "individual",
        name_de: "Individuelles Mentoring",
        name_en: "Individual mentoring",
        credit_hours: None,
        alt_credit_hours: None,
        yearly_limit: None,
        mentors_per_instance: Some(1),
        bookable: false,
    },
];

fn opt(value: Option<i64>) -> Value {
    value.map_or(Value::Null, Value::from)
}

fn today() -> NaiveDate {
    mentoring_api::domain::programme_time::programme_today()
}

async fn seeded_formats_match_the_handbook_table(app: TestApp) {
    let res = app.get("/api/v1/formats", None).await;
    assert_language(&res, "de");
    let list = ok_json(res).await;
    assert!(list["next_cursor"].is_null());
    let items = list["items"].as_array().unwrap();
    let codes: Vec<&str> = items.iter().map(|f| f["code"].as_str().unwrap()).collect();
    let expected: Vec<&str> = HANDBOOK.iter().map(|e| e.code).collect();
    assert_eq!(
        codes, expected,
        "exactly the six formats, in the handbook's order"
    );
    for (format, want) in items.iter().zip(&HANDBOOK) {
        let code = want.code;
        assert_eq!(format["group"], want.group, "{code}");
        assert_eq!(format["label"], want.name_de, "{code}");
        let rule = &format["current_rule"];
        assert_eq!(rule["credit_hours"], opt(want.credit_hours), "{code}");
        assert_eq!(
            rule["alt_credit_hours"],
            opt(want.alt_credit_hours),
            "{code}"
        );
        assert_eq!(rule["yearly_limit"], opt(want.yearly_limit), "{code}");
        assert_eq!(
            rule["mentors_per_instance"],
            opt(want.mentors_per_instance),
            "{code}"
        );
        assert_eq!(rule["bookable"], want.bookable, "{code}");
        assert_eq!(rule["valid_from"], "2020-01-01", "{code}");
        assert!(rule["valid_until"].is_null(), "{code}");
        assert_eq!(format["rules"].as_array().unwrap().len(), 1, "{code}");
        assert_eq!(format["rules"][0], *rule, "{code}");
    }
    let groups: Vec<&str> = items
        .iter()
        .map(|f| f["group_label"].as_str().unwrap())
        .collect();
    assert_eq!(groups[0], "Team-Mentoring");
    assert_eq!(groups[3], "Online-Mentoring");
    assert_eq!(groups[5], "Individuelles Mentoring");
}

async fn format_labels_follow_accept_language(app: TestApp) {
    let res = get_in(&app, "/api/v1/formats", None, "en-GB,en;q=0.9,de;q=0.5").await;
    assert_language(&res, "en");
    let list = ok_json(res).await;
    for (format, want) in list["items"].as_array().unwrap().iter().zip(&HANDBOOK) {
        assert_eq!(format["label"], want.name_en);
        assert_eq!(
            format["code"], want.code,
            "codes do not change with the language"
        );
    }
    assert_eq!(list["items"][0]["group_label"], "Team mentoring");

    let res = get_in(&app, "/api/v1/formats/forum_sponsorship", None, "en").await;
    assert_language(&res, "en");
    assert_eq!(res.headers()["etag"], "\"1\"");
    let format = ok_json(res).await;
    assert_eq!(format["label"], "Sponsorship of a KSM community forum");
    assert!(
        format["description"]
            .as_str()
            .unwrap()
            .contains("six to twelve months")
    );

    let res = get_in(&app, "/api/v1/formats/forum_sponsorship", None, "fr").await;
    assert_language(&res, "de");
    let format = ok_json(res).await;
    assert!(
        format["description"]
            .as_str()
            .unwrap()
            .contains("sechs bis zwölf Monate")
    );

    for unknown in ["no_such_format", "web%00inar", "Webinar"] {
        let res = app.get(&format!("/api/v1/formats/{unknown}"), None).await;
        assert_problem(res, StatusCode::NOT_FOUND).await;
    }
}

async fn rule_change_needs_a_current_if_match(app: TestApp) {
    let staff = app.staff_token().await;
    let path = "/api/v1/formats/webinar";
    let res = app.get(path, None).await;
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let body = json!({"valid_from": today().to_string(), "yearly_limit": 10});

    let res = patch(&app, path, Some(&staff), None, &body).await;
    assert_problem(res, StatusCode::PRECONDITION_REQUIRED).await;
    let res = patch(&app, path, Some(&staff), Some("\"999\""), &body).await;
    assert_problem(res, StatusCode::PRECONDITION_FAILED).await;
    assert!(
        audit_of(&app, &staff, "format", "webinar").await.is_empty(),
        "refused changes leave no trace"
    );

    let res = patch(&app, path, Some(&staff), Some(&etag), &body).await;
    assert_eq!(res.status(), StatusCode::OK);
    let new_etag = res.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(new_etag, etag);
    let format: Value = res.json().await.unwrap();
    assert_eq!(format["current_rule"]["yearly_limit"], 10);
    assert_eq!(
        format["current_rule"]["credit_hours"], 40,
        "other terms kept"
    );
    assert_eq!(format["current_rule"]["mentors_per_instance"], 2);
    assert_eq!(format["rules"].as_array().unwrap().len(), 2);
    assert_eq!(
        format["rules"][0]["yearly_limit"], 12,
        "the old rule is kept"
    );

    let res = app.get(path, None).await;
    assert_eq!(res.headers()["etag"].to_str().unwrap(), new_etag);

    let again = json!({"valid_from": today().succ_opt().unwrap().to_string(), "yearly_limit": 8});
    let res = patch(&app, path, Some(&staff), Some(&etag), &again).await;
    assert_problem(res, StatusCode::PRECONDITION_FAILED).await;

    let events = audit_of(&app, &staff, "format", "webinar").await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["action"], "format.rule_added");
    assert_eq!(events[0]["before"]["yearly_limit"], 12);
    assert_eq!(events[0]["after"]["yearly_limit"], 10);
    assert_eq!(events[0]["after"]["valid_from"], today().to_string());
    assert!(events[0]["actor_account_id"].is_i64());
}

async fn future_rule_leaves_the_current_rule_and_the_past_alone(app: TestApp) {
    let staff = app.staff_token().await;
    let path = "/api/v1/formats/expert_event_session";
    let future = today().checked_add_days(Days::new(30)).unwrap();
    let body = json!({"valid_from": future.to_string(), "credit_hours": 32});
    let res = patch(&app, path, Some(&staff), Some("\"1\""), &body).await;
    let format = super::ok_json(res).await;
    assert_eq!(
        format["current_rule"]["credit_hours"], 40,
        "not in force yet"
    );
    assert_eq!(
        format["current_rule"]["valid_until"],
        future.pred_opt().unwrap().to_string()
    );
    assert_eq!(format["rules"][1]["credit_hours"], 32);
    assert_eq!(format["rules"][1]["valid_from"], future.to_string());

    // A change from today takes effect at once; yesterday keeps the old rule.
    let body =
        json!({"valid_from": today().to_string(), "credit_hours": 36, "alt_credit_hours": 16});
    let res = patch(
        &app,
        "/api/v1/formats/practice_tip",
        Some(&staff),
        Some("\"1\""),
        &body,
    )
    .await;
    let tip = super::ok_json(res).await;
    assert_eq!(tip["current_rule"]["credit_hours"], 36);
    assert_eq!(tip["current_rule"]["alt_credit_hours"], 16);

    let pool = app.pool.clone();
    let past = NaiveDate::from_ymd_opt(2021, 6, 1).unwrap();
    let yesterday = today().pred_opt().unwrap();
    let (on_past, on_today, on_future, tip_yesterday, tip_today, before_seed) =
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().unwrap();
            let mut rule = |code: &str, date: NaiveDate| formats::rule_on(&mut conn, code, date);
            (
                rule("expert_event_session", past).unwrap().unwrap(),
                rule("expert_event_session", today()).unwrap().unwrap(),
                rule("expert_event_session", future).unwrap().unwrap(),
                rule("practice_tip", yesterday).unwrap().unwrap(),
                rule("practice_tip", today()).unwrap().unwrap(),
                rule(
                    "expert_event_session",
                    NaiveDate::from_ymd_opt(2019, 12, 31).unwrap(),
                )
                .unwrap(),
            )
        })
        .await
        .unwrap();
    assert_eq!(on_past.credit_hours, Some(40));
    assert_eq!(on_today.credit_hours, Some(40));
    assert_eq!(on_future.credit_hours, Some(32));
    assert_eq!(on_future.yearly_limit, Some(6), "unnamed terms carry over");
    assert_eq!(tip_yesterday.credit_hours, Some(40));
    assert_eq!(tip_yesterday.alt_credit_hours, None);
    assert_eq!(tip_today.credit_hours, Some(36));
    assert!(before_seed.is_none());
}

async fn rule_changes_that_rewrite_history_or_break_rules_are_422(app: TestApp) {
    let staff = app.staff_token().await;
    let yesterday = today().pred_opt().unwrap().to_string();
    let cases = [
        (
            "individual",
            json!({"valid_from": today().to_string(), "bookable": true}),
            "/bookable",
        ),
        (
            "webinar",
            json!({"valid_from": yesterday, "credit_hours": 32}),
            "/valid_from",
        ),
        (
            "webinar",
            json!({"valid_from": today().to_string(), "credit_hours": null, "bookable": false, "alt_credit_hours": 8}),
            "/alt_credit_hours",
        ),
        (
            "forum_sponsorship",
            json!({"valid_from": today().to_string(), "alt_credit_hours": 40}),
            "/alt_credit_hours",
        ),
        (
            "webinar",
            json!({"valid_from": today().to_string(), "credit_hours": 0}),
            "/credit_hours",
        ),
        (
            "webinar",
            json!({"valid_from": today().to_string(), "credit_hours": 40}),
            "",
        ),
        (
            "webinar",
            json!({"valid_from": today().to_string(), "credit_days": 5}),
            "/credit_days",
        ),
        ("webinar", json!([today().to_string(), 32]), ""),
    ];
    for (code, body, pointer) in cases {
        let path = format!("/api/v1/formats/{code}");
        let res = patch(&app, &path, Some(&staff), Some("\"1\""), &body).await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(problem["errors"][0]["pointer"], pointer, "{body}");
    }
    // Every refusal rolled back: versions and histories are untouched.
    let format = ok_json(app.get("/api/v1/formats/webinar", None).await).await;
    assert_eq!(format["rules"].as_array().unwrap().len(), 1);

    // Opening phase 2: individual mentoring becomes bookable once its credit is defined.
    let body = json!({"valid_from": today().to_string(), "credit_hours": 40, "bookable": true});
    let res = patch(
        &app,
        "/api/v1/formats/individual",
        Some(&staff),
        Some("\"1\""),
        &body,
    )
    .await;
    let individual = ok_json(res).await;
    assert_eq!(individual["current_rule"]["bookable"], true);
    // A second rule on the same day would rewrite the one in force: refused.
    let body = json!({"valid_from": today().to_string(), "credit_hours": 32});
    let res = patch(
        &app,
        "/api/v1/formats/individual",
        Some(&staff),
        Some("\"2\""),
        &body,
    )
    .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["pointer"], "/valid_from");
    let res = patch(
        &app,
        "/api/v1/formats/nope",
        Some(&staff),
        Some("\"1\""),
        &body,
    )
    .await;
    assert_problem(res, StatusCode::NOT_FOUND).await;
    // Preconditions are checked only for requests that could otherwise succeed (RFC 9110).
    let res = patch(&app, "/api/v1/formats/nope", Some(&staff), None, &body).await;
    assert_problem(res, StatusCode::NOT_FOUND).await;
    let out_of_range = json!({"valid_from": today().to_string(), "yearly_limit": 0});
    let res = patch(
        &app,
        "/api/v1/formats/webinar",
        Some(&staff),
        Some("junk"),
        &out_of_range,
    )
    .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["pointer"], "/yearly_limit");
}

async fn only_staff_change_rules(app: TestApp) {
    let staff = app.staff_token().await;
    let integration = app.integration_token(&staff).await;
    let participant = participant_token(&app).await;
    let path = "/api/v1/formats/webinar";
    let body = json!({"valid_from": today().to_string(), "yearly_limit": 10});
    let res = patch(&app, path, None, Some("\"1\""), &body).await;
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
    let res = patch(&app, path, None, None, &body).await;
    assert_problem(res, StatusCode::UNAUTHORIZED).await;
    for token in [&integration, &participant] {
        let res = patch(&app, path, Some(token), Some("\"1\""), &body).await;
        assert_problem(res, StatusCode::FORBIDDEN).await;
        let res = patch(&app, path, Some(token), None, &body).await;
        assert_problem(res, StatusCode::FORBIDDEN).await;
    }
    let res = app.request(Method::DELETE, path, Some(&staff), None).await;
    assert_problem(res, StatusCode::METHOD_NOT_ALLOWED).await;
    let format = ok_json(app.get(path, None).await).await;
    assert_eq!(format["rules"].as_array().unwrap().len(), 1);
}
