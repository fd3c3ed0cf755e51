//! `GET /statistics`: the year's figures for the ministry, from a small known world: two KSM2
//! mentors in NW who held a webinar (25 people), a tip of one of them, a KSM1 mentee in NW and a
//! masterplan mentee in BY who ended today.

use chrono::Datelike;
use mentoring_api::domain::programme_time::programme_today;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::TestApp;
use crate::support::participants::registration;
use crate::support::pdf::read_pdf;
use crate::support::sessions::{cast, held_session, session_credits};

on_both_backends!(statistics_count_people_activities_and_credits_by_group_and_month);

fn figures(active: i64, new: i64, ended: i64, mentors: i64, mentees: i64, hours: i64) -> Value {
    json!({
        "active": active,
        "new": new,
        "ended": ended,
        "active_mentors": mentors,
        "active_mentees": mentees,
        "credited_hours": hours,
        "credited_days": hours as f64 / 8.0,
    })
}

async fn statistics_count_people_activities_and_credits_by_group_and_month(app: TestApp) {
    let c = cast(&app).await;
    let session = held_session(&app, &c).await;
    let documentation =
        json!({"summary": "Impulse.", "results": "Checkliste.", "people_reached": 25});
    let res = app
        .post(
            &format!("/api/v1/sessions/{session}/documentation"),
            Some(&c.mentor),
            &documentation,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let credits = session_credits(&app, session).await;
    assert_eq!(credits.len(), 2, "{credits:?}");
    let day: chrono::NaiveDate = credits[0].2.parse().unwrap();
    let year = programme_today().year();
    // The webinar took place two days ago: run on 1 or 2 January it belongs to last year.
    assert_eq!(
        day.year(),
        year,
        "not meaningful in the first two days of a year"
    );

    let tip = format!(
        "Art;Mentoren;Datum;Bis;Beginn;Ende;Format;Titel;Forum;Online;Ort;Themen;Erreichte Personen\r\n\
         Praxistipp;mentor@example.org;{};;;;;Energiecontrolling mit Bordmitteln;;;;;\r\n",
        day.format("%d.%m.%Y")
    );
    let res = app
        .send_file(
            Method::POST,
            "/api/v1/imports/activities",
            &c.staff,
            "text/csv",
            tip.into_bytes(),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );

    let mut body = registration("bayern@example.org", "masterplan", &["mentee"]);
    body["project"]["federal_state"] = json!("BY");
    let (left, project, token) = app.register(&body).await;
    app.activate(&c.staff, left, project, &token).await;
    let res = app
        .post(
            &format!("/api/v1/participants/{left}/ending"),
            Some(&token),
            &json!({"ended_on": programme_today().to_string(), "reason": "Stellenwechsel"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    let stats = app
        .get_json(&format!("/api/v1/statistics?year={year}"), &c.staff)
        .await;
    assert_eq!(stats["year"], year);
    assert_eq!(
        stats["reference_date"],
        json!(programme_today().to_string())
    );
    assert_eq!(
        stats["participants"],
        figures(3, 4, 1, 2, 1, 120),
        "{stats}"
    );
    let a = &stats["activities"];
    assert_eq!(
        (
            &a["sessions_held"],
            &a["people_reached"],
            &a["forum_sponsorships_completed"],
            &a["practice_tips_published"],
            &a["credited_hours"],
            &a["credited_days"],
        ),
        (
            &json!(1),
            &json!(25),
            &json!(0),
            &json!(1),
            &json!(120),
            &json!(15.0)
        ),
        "{a}"
    );
    let format = |code: &str| {
        a["by_format"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["format_code"] == code)
            .cloned()
            .unwrap()
    };
    assert_eq!(
        (
            format("webinar")["sessions_held"].clone(),
            format("webinar")["credited_hours"].clone()
        ),
        (json!(1), json!(80))
    );
    assert_eq!(format("webinar")["people_reached"], 25);
    assert_eq!(format("practice_tip")["credited_hours"], 40);
    assert_eq!(format("practice_tip")["credited_days"], 5.0);
    assert_eq!(
        stats["follow_up_mentors"],
        json!({"mentors": 2, "meeting_minimum": 2})
    );

    let states: Vec<(Value, Value)> = stats["by_federal_state"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["federal_state"].clone(), r["figures"].clone()))
        .collect();
    assert_eq!(
        states,
        vec![
            (json!("BY"), figures(0, 1, 1, 0, 0, 0)),
            (json!("NW"), figures(3, 3, 0, 2, 1, 120)),
        ]
    );
    let kinds: Vec<(Value, Value)> = stats["by_project_kind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["project_kind"].clone(), r["figures"].clone()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (json!("first_project"), figures(1, 1, 0, 0, 1, 0)),
            (json!("follow_up_project"), figures(2, 2, 0, 2, 0, 120)),
            (json!("masterplan"), figures(0, 1, 1, 0, 0, 0)),
        ]
    );
    let months = stats["monthly"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    for (i, m) in months.iter().enumerate() {
        let here = i + 1 == day.month() as usize;
        assert_eq!(m["month"], i + 1);
        assert_eq!(
            m,
            &json!({
                "month": i + 1,
                "sessions_held": i64::from(here),
                "people_reached": if here { 25 } else { 0 },
                "credited_hours": if here { 120 } else { 0 },
            })
        );
    }

    // Last year: nobody, nothing.
    let before = app
        .get_json(&format!("/api/v1/statistics?year={}", year - 1), &c.staff)
        .await;
    assert_eq!(before["participants"], figures(0, 0, 0, 0, 0, 0));
    assert_eq!(before["by_federal_state"], json!([]));
    assert_eq!(before["follow_up_mentors"]["meeting_minimum"], 0);

    let res = app
        .client
        .get(format!("{}/api/v1/statistics.csv?year={year}", app.address))
        .bearer_auth(&c.staff)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("statistik-{year}.csv"))
    );
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines,
        vec![
            "\u{feff}Gliederung;Ausprägung;Aktiv zum Stichtag;Neu im Jahr;Beendet im Jahr;\
             Aktive Mentorinnen und Mentoren;Aktive Mentees;Angerechnete Stunden;\
             Angerechnete Arbeitstage",
            "Bundesland;Bayern;0;1;1;0;0;0;0",
            "Bundesland;Nordrhein-Westfalen;3;3;0;2;1;120;15",
            "Projektart;Erstvorhaben (KSM1);1;1;0;0;1;0;0",
            "Projektart;Anschlussvorhaben (KSM2);2;2;0;2;0;120;15",
            "Projektart;Masterplanmanagement;0;1;1;0;0;0;0",
            "Gesamt;Gesamt;3;4;1;2;1;120;15",
        ],
        "{csv}"
    );

    // The same figures as a one-page PDF.
    let res = app
        .get(
            &format!("/api/v1/statistics.pdf?year={year}"),
            Some(&c.staff),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert_eq!(
        res.headers()["content-disposition"],
        format!("attachment; filename=\"statistik-{year}.pdf\"").as_str()
    );
    let pdf = res.bytes().await.unwrap();
    if let Some((text, ink)) = read_pdf(&pdf) {
        for expected in [
            format!("Kennzahlen {year}"),
            "3 aktiv zum Stichtag (2 Mentorinnen und Mentoren, 1 Mentees); 4 neu, 1 beendet"
                .to_owned(),
            "1 durchgeführt, 25 erreichte Personen".to_owned(),
            "15 Arbeitstage (120 Stunden)".to_owned(),
            "Nordrhein-Westfalen 3 3 0 2 1 15".to_owned(),
            "Masterplanmanagement 0 1 1 0 0 0".to_owned(),
            "Gesamt 3 4 1 2 1 15".to_owned(),
            "Seite 1 von 1".to_owned(),
        ] {
            assert!(text.contains(&expected), "missing {expected:?} in:\n{text}");
        }
        assert!(ink > 0.002, "dark share {ink}");
    }

    for path in [
        "/api/v1/statistics",
        "/api/v1/statistics.csv",
        "/api/v1/statistics.pdf",
    ] {
        let bad = app.get(&format!("{path}?year=1999"), Some(&c.staff)).await;
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST, "{path}");
    }
}
