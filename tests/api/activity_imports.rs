//! `POST /imports/activities`: the office brings over last years' sessions, sponsorships and
//! tips for participants it imported; each mentor is credited on the activity's day, in the
//! right project year, all or nothing, and importing again changes nothing.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem, pointers};

/// Two mentors as the office's participant list has them: Ida in a KSM2 project since March
/// 2024, Ole in a first project; and Pia, a mentee only.
const PARTICIPANTS: &str = "Vorname;Nachname;E-Mail;Telefon;Rollen;Projektart;Arbeitgeber;Kommune;\
    Bundesland;Förderkennzeichen;Projektbeginn;Projektende\n\
    Ida;Imhof;ida.imhof@example.org;030 1234567;Mentorin/Mentor;Anschlussvorhaben (KSM2);\
    Kreis Steinfurt;Steinfurt;NW;67K31415;01.03.2024;28.02.2027\n\
    Ole;Olsen;ole.olsen@example.org;030 7654321;Mentee, Mentor;Erstvorhaben (KSM1);Stadt Kiel;Kiel;\
    SH;67K27182;01.01.2024;31.12.2026\n\
    Pia;Prinz;pia.prinz@example.org;030 1111111;Mentee;Verstetigte Stelle;Stadt Jena;Jena;TH;;\
    01.01.2023;\n";

const HEADER: &str =
    "Art;Mentoren;Datum;Bis;Beginn;Ende;Format;Titel;Forum;Online;Ort;Themen;Erreichte Personen";

const TOPIC: &str = "Austausch und Kommunikation zwischen Verwaltung und Politik";

/// A webinar of Ida and Ole in March 2025 (CET), a six-month sponsorship of Ida's in 2025
/// (26 weeks: the 20-hour option) and a tip of Ida's published in May 2024.
fn activities() -> Vec<u8> {
    let lines = [
        HEADER.to_owned(),
        format!(
            "Mentoring-Session;\"Ida.Imhof@example.org, ole.olsen@example.org\";12.03.2025;;\
             10:00;11:30;webinar;Wärmeplanung kompakt;;ja;;{TOPIC};25"
        ),
        "Forenpatenschaft;ida.imhof@example.org;01.04.2025;30.09.2025;;;;;Mobilität;;;;".to_owned(),
        "Praxistipp;ida.imhof@example.org;02.05.2024;;;;;Energiecontrolling mit Bordmitteln;;;;;"
            .to_owned(),
    ];
    format!("\u{feff}{}\r\n", lines.join("\r\n")).into_bytes()
}

async fn post(app: &TestApp, staff: &str, path: &str, file: Vec<u8>) -> reqwest::Response {
    app.send_file(Method::POST, path, staff, "text/csv", file)
        .await
}

async fn imported(app: &TestApp, staff: &str, query: &str, file: Vec<u8>) -> Value {
    let path = format!("/api/v1/imports/activities{query}");
    let res = post(app, staff, &path, file).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// Imports the participant list; the participant ids of Ida and Ole.
async fn participants(app: &TestApp, staff: &str) -> (i64, i64) {
    let res = post(
        app,
        staff,
        "/api/v1/imports/participants",
        PARTICIPANTS.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let report: Value = res.json().await.unwrap();
    let id = |k: usize| report["rows"][k]["participant_id"].as_i64().unwrap();
    (id(0), id(1))
}

async fn hours_in_year(app: &TestApp, staff: &str, mentor: i64, year: u32) -> Value {
    let report = app
        .get_json(
            &format!("/api/v1/participants/{mentor}/credit-report?project_year={year}"),
            staff,
        )
        .await;
    report["total_hours"].clone()
}

async fn credit_rows(app: &TestApp, staff: &str, mentor: i64) -> usize {
    let mut rows = 0;
    for year in 1..=3 {
        let report = app
            .get_json(
                &format!("/api/v1/participants/{mentor}/credit-report?project_year={year}"),
                staff,
            )
            .await;
        rows += report["items"].as_array().unwrap().len();
    }
    rows
}

async fn past_activities_are_credited_on_their_days(app: TestApp) {
    let staff = app.staff_token().await;
    let (ida, ole) = participants(&app, &staff).await;
    let report = imported(&app, &staff, "", activities()).await;
    assert_eq!(
        (
            report["created"].as_i64(),
            report["credited_hours"].as_i64()
        ),
        (Some(3), Some(40 + 40 + 20 + 40)),
        "{report}"
    );
    let kinds: Vec<&str> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["session", "forum_sponsorship", "practice_tip"]);

    // Ida's KSM2 project years start on 1 March: the tip of May 2024 counts in year 1, the
    // webinar and the sponsorship (credited on its last day) in year 2.
    assert_eq!(hours_in_year(&app, &staff, ida, 1).await, 40);
    assert_eq!(hours_in_year(&app, &staff, ida, 2).await, 60);
    assert_eq!(hours_in_year(&app, &staff, ole, 2).await, 40);

    let session_id = report["rows"][0]["activity_id"].as_i64().unwrap();
    let session = app
        .get_json(&format!("/api/v1/sessions/{session_id}"), &staff)
        .await;
    assert_eq!(session["state"], "documented");
    assert_eq!(
        session["starts_at"], "2025-03-12T09:00:00Z",
        "10:00 in Berlin in winter"
    );
    assert_eq!(session["mentor_ids"], json!([ida, ole]));
    let documentation = app
        .get_json(
            &format!("/api/v1/sessions/{session_id}/documentation"),
            &staff,
        )
        .await;
    assert_eq!(documentation["people_reached"], 25);

    let sponsorship_id = report["rows"][1]["activity_id"].as_i64().unwrap();
    let sponsorship = app
        .get_json(
            &format!("/api/v1/forum-sponsorships/{sponsorship_id}"),
            &staff,
        )
        .await;
    assert_eq!(sponsorship["state"], "completed");
    assert_eq!(sponsorship["credit_hours"], 20);

    let tip_id = report["rows"][2]["activity_id"].as_i64().unwrap();
    let tip = app
        .get_json(&format!("/api/v1/practice-tips/{tip_id}"), &staff)
        .await;
    assert_eq!(tip["state"], "published");
    assert_eq!(tip["author_id"], ida);

    let entry = app
        .audit_entry(&staff, ("session", session_id), "session.imported")
        .await;
    assert!(entry["actor_account_id"].is_i64(), "{entry}");
    assert_eq!(entry["after"]["line"], 2);
    assert_eq!(entry["after"]["mentor_ids"], json!([ida, ole]));
}

async fn importing_again_changes_nothing(app: TestApp) {
    let staff = app.staff_token().await;
    let (ida, _) = participants(&app, &staff).await;
    let first = imported(&app, &staff, "", activities()).await;
    let credits = credit_rows(&app, &staff, ida).await;
    assert_eq!(credits, 3);
    let again = imported(&app, &staff, "", activities()).await;
    assert_eq!(
        (again["created"].as_i64(), again["existing"].as_i64()),
        (Some(0), Some(3))
    );
    assert_eq!(again["credited_hours"], 0, "nothing new is credited");
    for k in 0..3 {
        assert_eq!(
            again["rows"][k]["activity_id"],
            first["rows"][k]["activity_id"]
        );
        assert_eq!(
            again["rows"][k]["credited_hours"], first["rows"][k]["credited_hours"],
            "an existing row shows what it was credited"
        );
    }
    assert_eq!(credit_rows(&app, &staff, ida).await, credits);
}

async fn a_dry_run_reports_and_keeps_nothing(app: TestApp) {
    let staff = app.staff_token().await;
    let (ida, _) = participants(&app, &staff).await;
    let report = imported(&app, &staff, "?dry_run=true", activities()).await;
    assert_eq!(
        (report["dry_run"].as_bool(), report["would_create"].as_i64()),
        (Some(true), Some(3))
    );
    assert_eq!(
        report["credited_hours"], 140,
        "what the import would credit"
    );
    assert!(report["rows"][0]["activity_id"].is_null());
    assert_eq!(credit_rows(&app, &staff, ida).await, 0);
    let sessions = app.get_json("/api/v1/sessions", &staff).await;
    assert_eq!(sessions["items"], json!([]), "nothing was kept");
}

async fn every_problem_is_named_and_nothing_is_written(app: TestApp) {
    let staff = app.staff_token().await;
    let (ida, _) = participants(&app, &staff).await;
    let mut file = String::from_utf8(activities()).unwrap();
    // Line 5: an unknown address; 6: a mentee; 7: an unknown forum; 8: a topic not in the
    // catalogue; 9: not a team format; 11: Ole sponsors the forum already then, by line 10
    // (the rows of one file count for each other).
    for line in [
        "Praxistipp;niemand@example.org;01.06.2025;;;;;Ein Tipp;;;;;",
        "Praxistipp;pia.prinz@example.org;01.06.2025;;;;;Ein Tipp;;;;;",
        "Forenpatenschaft;ida.imhof@example.org;01.01.2025;30.06.2025;;;;;Gartenbau;;;;",
        "Mentoring-Session;ida.imhof@example.org;01.02.2025;;10:00;11:00;webinar;T;;ja;;Astrologie;",
        "Mentoring-Session;ida.imhof@example.org;01.02.2025;;10:00;11:00;practice_tip;T;;ja;;1;",
        "Forenpatenschaft;ole.olsen@example.org;01.05.2025;31.10.2025;;;;;mobility;;;;",
        "Forenpatenschaft;ole.olsen@example.org;01.06.2025;30.11.2025;;;;;mobility;;;;",
    ] {
        file.push_str(line);
        file.push_str("\r\n");
    }
    for query in ["", "?dry_run=true"] {
        let res = post(
            &app,
            &staff,
            &format!("/api/v1/imports/activities{query}"),
            file.clone().into_bytes(),
        )
        .await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(
            pointers(&problem),
            vec![
                "/lines/5/Mentoren",
                "/lines/6/Mentoren",
                "/lines/7/Forum",
                "/lines/8/Themen",
                "/lines/9/Format",
                "/lines/11/Datum",
            ],
            "{problem}"
        );
        let details = problem.to_string();
        assert!(
            !details.contains("niemand@"),
            "addresses stay out of errors"
        );
    }
    assert_eq!(
        credit_rows(&app, &staff, ida).await,
        0,
        "no good row was kept"
    );

    let res = app
        .send_file(
            Method::POST,
            "/api/v1/imports/activities",
            &staff,
            "application/json",
            b"{}".to_vec(),
        )
        .await;
    assert_problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
}

async fn a_full_forum_refuses_the_row_that_does_not_fit(app: TestApp) {
    let staff = app.staff_token().await;
    let (ida, ole) = participants(&app, &staff).await;
    // A third mentor for the forum's third slot.
    let third = "Vorname;Nachname;E-Mail;Telefon;Rollen;Projektart;Arbeitgeber;Kommune;Bundesland;\
                 Förderkennzeichen;Projektbeginn\nUta;Ulm;uta.ulm@example.org;030 2222222;Mentor;\
                 Verstetigte Stelle;Stadt Ulm;Ulm;BW;;01.01.2023\n";
    let res = post(
        &app,
        &staff,
        "/api/v1/imports/participants",
        third.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let file = format!(
        "{HEADER}\n\
         Forenpatenschaft;ida.imhof@example.org;01.04.2025;30.09.2025;;;;;mobility;;;;\n\
         Forenpatenschaft;ole.olsen@example.org;01.05.2025;31.10.2025;;;;;mobility;;;;\n\
         Forenpatenschaft;uta.ulm@example.org;01.06.2025;30.11.2025;;;;;mobility;;;;\n"
    );
    let res = post(
        &app,
        &staff,
        "/api/v1/imports/activities",
        file.into_bytes(),
    )
    .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(pointers(&problem), vec!["/lines/4/Forum"], "{problem}");
    assert_eq!(credit_rows(&app, &staff, ida).await, 0);
    assert_eq!(credit_rows(&app, &staff, ole).await, 0);
}

on_both_backends!(
    past_activities_are_credited_on_their_days,
    importing_again_changes_nothing,
    a_dry_run_reports_and_keeps_nothing,
    every_problem_is_named_and_nothing_is_written,
    a_full_forum_refuses_the_row_that_does_not_fit,
);
