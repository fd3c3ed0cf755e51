//! The mentor's report: items with details, totals, status, project years and the NKI text.

use chrono::{Duration, NaiveDate};
use mentoring_api::db::models::credits::CreditSource;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{
    get_as, grant, held_webinar, participant, registration_with, revoke, start_for_year_two, today,
};
use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem};
use crate::support::sessions::{accepted_topic, propose};

on_both_backends!(
    report_lists_credits_with_details_totals_and_status_as_json_text_and_csv,
    status_is_at_risk_late_in_the_year_not_met_after_it_and_absent_for_ksm1,
    a_change_from_ksm1_to_ksm2_starts_new_project_years,
    a_session_at_half_past_midnight_in_berlin_counts_on_that_day_and_project_year,
);

async fn report_lists_credits_with_details_totals_and_status_as_json_text_and_csv(app: TestApp) {
    let staff = app.staff_token().await;
    let start = start_for_year_two(60);
    let body = registration_with(
        "m@example.org",
        "follow_up_project",
        &["mentor"],
        start,
        "NW",
    );
    let (id, _, token) = participant(&app, &staff, &body).await;
    let (session, session_day) = held_webinar(&app, &staff, &token, 30).await;
    let (webinar, forum, tip) = ("webinar", "forum_sponsorship", "practice_tip");
    grant(
        &app,
        id,
        webinar,
        CreditSource::Session,
        session,
        session_day,
        None,
    )
    .await;
    let sponsorship = CreditSource::ForumSponsorship;
    grant(
        &app,
        id,
        forum,
        sponsorship,
        7001,
        today() - Duration::days(30),
        Some(20),
    )
    .await;
    grant(
        &app,
        id,
        forum,
        sponsorship,
        7002,
        today() - Duration::days(20),
        Some(20),
    )
    .await;
    grant(
        &app,
        id,
        tip,
        CreditSource::PracticeTip,
        8001,
        today(),
        None,
    )
    .await;
    revoke(&app, CreditSource::PracticeTip, 8001).await;
    let year_one = start + Duration::days(100);
    grant(
        &app,
        id,
        tip,
        CreditSource::PracticeTip,
        8002,
        year_one,
        None,
    )
    .await;
    let before = start - Duration::days(30);
    grant(&app, id, tip, CreditSource::PracticeTip, 8003, before, None).await;

    let path = format!("/api/v1/participants/{id}/credit-report");
    let r = app.get_json(&path, &token).await;
    assert_eq!(r["project_year"]["number"], 2);
    assert_eq!(r["project"]["kind"], "follow_up_project");
    let items = r["items"].as_array().unwrap();
    assert_eq!(items.len(), 4, "three counted and one revoked: {r}");
    assert_eq!(r["total_hours"], 80);
    assert_eq!(r["total_days"], 10.0);
    assert_eq!(
        (r["min_hours"].clone(), r["expected_max_hours"].clone()),
        (json!(40), json!(80))
    );
    assert_eq!(
        (r["status"].clone(), r["shortfall_hours"].clone()),
        (json!("met"), json!(0))
    );
    let webinar_item = items
        .iter()
        .find(|i| i["source_kind"] == "session")
        .unwrap();
    assert_eq!(webinar_item["title"], "Wärmeplanung kompakt");
    assert_eq!(webinar_item["place"], "Kassel");
    assert_eq!(webinar_item["people_reached"], 25);
    assert_eq!(webinar_item["topics"].as_array().unwrap().len(), 1);
    assert_eq!(webinar_item["earned_on"], json!(session_day.to_string()));
    let halves: Vec<&Value> = items.iter().filter(|i| i["format_code"] == forum).collect();
    assert!(halves.iter().all(|i| i["days"] == 2.5 && i["hours"] == 20));
    let revoked: Vec<&Value> = items.iter().filter(|i| i["revoked"] == true).collect();
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0]["source_id"], 8001);
    let forum_total = r["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["format_code"] == forum);
    assert_eq!(forum_total.unwrap()["days"], 5.0);
    assert_eq!(forum_total.unwrap()["count"], 2);
    let outside = r["outside_project_items"].as_array().unwrap();
    assert_eq!(outside.len(), 1);
    assert_eq!(outside[0]["earned_on"], json!(before.to_string()));

    let first = app
        .get_json(&format!("{path}?project_year=1"), &token)
        .await;
    assert_eq!(first["items"].as_array().unwrap().len(), 1);
    assert_eq!(first["items"][0]["earned_on"], json!(year_one.to_string()));
    assert_eq!(first["status"], "met");

    // The JSON operation answers JSON whatever `Accept` asks for; the text has its own path.
    let res = get_as(&app, &path, Some(&token), "text/plain").await;
    assert_eq!(res.headers()["content-type"], "application/json");
    let res = app.get(&format!("{path}/nki-text"), Some(&token)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-language"], "de");
    assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
    let text = res.text().await.unwrap();
    for expected in [
        "Anschlussvorhaben (KSM2), Projektjahr 2",
        "„Wärmeplanung kompakt“",
        " in Kassel",
        "erreichte Personen: 25",
        "2,5 Arbeitstage (20 Stunden)",
        "Insgesamt im Projektjahr 2: 10 Arbeitstage (80 Stunden).",
        "Mindestumfang 5 Arbeitstage (40 Stunden): erreicht.",
    ] {
        assert!(text.contains(expected), "`{expected}` missing in:\n{text}");
    }
    assert_eq!(
        text.matches("(Projektjahr 2)").count(),
        3,
        "revoked not listed:\n{text}"
    );

    let res = app.get(&format!("{path}.csv"), Some(&staff)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert_eq!(
        csv.lines().count(),
        4,
        "header and three counted credits:\n{csv}"
    );
    assert!(csv.contains("Wärmeplanung kompakt") && csv.contains(";2,5"));
}

async fn status_is_at_risk_late_in_the_year_not_met_after_it_and_absent_for_ksm1(app: TestApp) {
    let staff = app.staff_token().await;
    let late = start_for_year_two(335);
    let body = registration_with(
        "late@example.org",
        "follow_up_project",
        &["mentor"],
        late,
        "NW",
    );
    let (late_id, _, late_token) = participant(&app, &staff, &body).await;
    let early = start_for_year_two(60);
    let body = registration_with(
        "early@example.org",
        "follow_up_project",
        &["mentor"],
        early,
        "NW",
    );
    let (early_id, early_project, early_token) = participant(&app, &staff, &body).await;
    let body = registration_with(
        "ksm1@example.org",
        "first_project",
        &["mentor"],
        early,
        "NW",
    );
    let (ksm1_id, _, ksm1_token) = participant(&app, &staff, &body).await;
    for (id, source) in [(late_id, 1), (early_id, 2), (ksm1_id, 3)] {
        let sponsorship = super::CreditSource::ForumSponsorship;
        let day = today() - Duration::days(5);
        grant(
            &app,
            id,
            "forum_sponsorship",
            sponsorship,
            source,
            day,
            Some(20),
        )
        .await;
    }
    let report = |id: i64| format!("/api/v1/participants/{id}/credit-report");

    // About 30 days left with 20 h missing: at risk; the finished first year without credit: not met.
    let r = app.get_json(&report(late_id), &late_token).await;
    assert_eq!(
        (r["status"].clone(), r["shortfall_hours"].clone()),
        (json!("at_risk"), json!(20))
    );
    let r = app
        .get_json(&format!("{}?project_year=1", report(late_id)), &late_token)
        .await;
    assert_eq!(
        (r["status"].clone(), r["shortfall_hours"].clone()),
        (json!("not_met"), json!(40))
    );
    assert_eq!(r["status_label"], "Nicht erfüllt");
    // About 300 days left: on track.
    let r = app.get_json(&report(early_id), &early_token).await;
    assert_eq!(r["status"], "on_track");
    // A first project carries no minimum.
    let r = app.get_json(&report(ksm1_id), &ksm1_token).await;
    assert_eq!(r["status"], "no_obligation");
    assert_eq!(
        (r["min_hours"].clone(), r["shortfall_hours"].clone()),
        (json!(null), json!(0))
    );
    assert_eq!(r["total_days"], 2.5);

    // A year the project does not have, another's project: 404; malformed years: 400.
    let res = app
        .get(
            &format!("{}?project_year=9", report(early_id)),
            Some(&staff),
        )
        .await;
    assert_problem(res, StatusCode::NOT_FOUND).await;
    let foreign = format!("{}?project_id={early_project}", report(late_id));
    assert_problem(app.get(&foreign, Some(&staff)).await, StatusCode::NOT_FOUND).await;
    for bad in ["project_year=0", "project_year=abc", "project_id=x"] {
        let res = app
            .get(&format!("{}?{bad}", report(early_id)), Some(&staff))
            .await;
        assert_problem(res, StatusCode::BAD_REQUEST).await;
    }
}

async fn a_change_from_ksm1_to_ksm2_starts_new_project_years(app: TestApp) {
    let staff = app.staff_token().await;
    let start = start_for_year_two(200);
    let body = registration_with(
        "switch@example.org",
        "first_project",
        &["mentor"],
        start,
        "HE",
    );
    let (id, ksm1, token) = participant(&app, &staff, &body).await;
    let ksm2_start = today() - Duration::days(100);
    // The phase change closes KSM1 the day before KSM2 starts: periods never overlap.
    let close = json!({"end_date": (ksm2_start - Duration::days(1)).to_string()});
    let res = app
        .client
        .patch(format!(
            "{}/api/v1/participants/{id}/projects/{ksm1}",
            app.address
        ))
        .bearer_auth(&staff)
        .header("if-match", "*")
        .json(&close)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let project = json!({
        "kind": "follow_up_project",
        "employer": "Stadt Musterstadt",
        "municipality": "Musterstadt",
        "federal_state": "HE",
        "funding_reference": "67K99999",
        "start_date": ksm2_start.to_string(),
        "end_date": (ksm2_start + Duration::days(3 * 365)).to_string()
    });
    let res = app
        .post(
            &format!("/api/v1/participants/{id}/projects"),
            Some(&staff),
            &project,
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let ksm2 = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let tip = super::CreditSource::PracticeTip;
    let under_ksm1 = today() - Duration::days(150);
    let under_ksm2 = today() - Duration::days(50);
    grant(&app, id, "practice_tip", tip, 1, under_ksm1, None).await;
    grant(&app, id, "practice_tip", tip, 2, under_ksm2, None).await;
    grant(&app, id, "practice_tip", tip, 3, ksm2_start, None).await;

    // By default the current (KSM2) project's first year, counted from its own start.
    let path = format!("/api/v1/participants/{id}/credit-report");
    let r = app.get_json(&path, &token).await;
    assert_eq!(r["project"]["id"], ksm2);
    assert_eq!(r["project_year"]["number"], 1);
    assert_eq!(
        r["project_year"]["start_date"],
        json!(ksm2_start.to_string())
    );
    assert_eq!(
        r["total_hours"], 80,
        "the credit on the KSM2 start day counts for KSM2: {r}"
    );
    assert_eq!(
        (r["min_hours"].clone(), r["status"].clone()),
        (json!(40), json!("met"))
    );
    // The KSM1 year keeps only what was earned before the change, without obligation.
    let r = app
        .get_json(&format!("{path}?project_id={ksm1}&project_year=2"), &token)
        .await;
    let items = r["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["earned_on"], json!(under_ksm1.to_string()));
    assert_eq!(r["status"], "no_obligation");
    assert!(r["outside_project_items"].as_array().unwrap().is_empty());
}

/// 23:30 UTC on 28 February 2026 is 00:30 on 1 March in Berlin: the session's credit is dated
/// 1 March and falls into the second project year of a project that started on 1 March 2025,
/// not into the first one as the UTC date would have it.
async fn a_session_at_half_past_midnight_in_berlin_counts_on_that_day_and_project_year(
    app: TestApp,
) {
    let staff = app.staff_token().await;
    let start = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
    let body = registration_with(
        "midnight@example.org",
        "follow_up_project",
        &["mentor"],
        start,
        "BE",
    );
    let (id, project, token) = participant(&app, &staff, &body).await;
    let topic = accepted_topic(&app, &staff).await;
    let proposal = json!({
        "format_code": "webinar",
        "title": "Wärmeplanung um Mitternacht",
        "guiding_question": "Wie starten Kommunen die Wärmeplanung?",
        "topic_ids": [topic],
        "starts_at": "2026-02-28T23:30:00Z",
        "ends_at": "2026-03-01T01:00:00Z",
        "online": true
    });
    let session = propose(&app, &token, &proposal).await;
    let path = format!("/api/v1/sessions/{session}");
    for (step, who, body) in [
        ("approval", &staff, json!({})),
        ("holding", &token, json!({"people_reached": 12})),
        (
            "documentation",
            &token,
            json!({"summary": "Impulse und Diskussion.", "results": "Checkliste.",
                   "people_reached": 12, "case_examples": []}),
        ),
    ] {
        let res = app.post(&format!("{path}/{step}"), Some(who), &body).await;
        assert_eq!(res.status(), StatusCode::OK, "{step}");
    }

    let report = format!("/api/v1/participants/{id}/credit-report?project_id={project}");
    let second = app
        .get_json(&format!("{report}&project_year=2"), &token)
        .await;
    assert_eq!(second["project_year"]["start_date"], json!("2026-03-01"));
    let items = second["items"].as_array().unwrap();
    assert_eq!(
        items.len(),
        1,
        "the session counts in project year 2: {second}"
    );
    assert_eq!(items[0]["source_id"], session);
    assert_eq!(items[0]["earned_on"], json!("2026-03-01"));
    assert_eq!(items[0]["from"], json!("2026-03-01"));
    let first = app
        .get_json(&format!("{report}&project_year=1"), &token)
        .await;
    assert!(
        first["items"].as_array().unwrap().is_empty(),
        "nothing in project year 1: {first}"
    );
}
