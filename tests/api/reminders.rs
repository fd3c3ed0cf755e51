//! Decision and reminder mails: a role-change decision reaches the participant; the day before a
//! session everyone signed up hears of it once (not who withdrew or turned reminders off, not for
//! a later session); a KSM2 mentor below the minimum in the last weeks of the project year is
//! reminded once with credits and opportunities (not one at the minimum, not a KSM1, not one
//! whose year ends later), and staff see who was reminded.

use chrono::{Duration, Months, NaiveDate, Utc};
use diesel::RunQueryDsl;
use mentoring_api::db::models::credits::{self, CreditSource, Earning};
use mentoring_api::domain::programme_time::{programme_day_start, programme_today};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::TestApp;
use crate::support::participants::registration;
use crate::support::sessions::{accepted_topic, cast, proposal, propose};

on_both_backends!(
    role_change_decisions_reach_the_participant_in_german,
    the_day_before_a_session_each_signed_up_mentee_is_reminded_once,
    a_ksm2_mentor_below_the_minimum_is_reminded_once_near_the_year_s_end,
);

async fn role_change(app: &TestApp, token: &str, id: i64, roles: &[&str]) -> i64 {
    let res = app
        .post(
            &format!("/api/v1/participants/{id}/role-changes"),
            Some(token),
            &json!({"roles": roles, "reason": "Mehr Erfahrung gesammelt"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn role_change_decisions_reach_the_participant_in_german(app: TestApp) {
    let staff = app.staff_token().await;
    let email = "rollen@example.org";
    let (id, token) = app
        .active_participant(&staff, email, "first_project", &["mentee"])
        .await;
    let request = role_change(&app, &token, id, &["mentee", "mentor"]).await;
    let res = app
        .post(
            &format!("/api/v1/participants/{id}/role-changes/{request}/approval"),
            Some(&staff),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let approved = app.mail.message(email, "Rollenwechsel ist genehmigt").await;
    assert_eq!(approved.subject, "Ihr Rollenwechsel ist genehmigt");
    assert!(
        approved.text.starts_with("Guten Tag Erika Mustermann,"),
        "{}",
        approved.text
    );
    assert!(
        approved
            .text
            .contains("teil als: Mentee und Mentorin/Mentor."),
        "{}",
        approved.text
    );
    assert!(!approved.text.contains("Anmerkung"), "{}", approved.text);

    let request = role_change(&app, &token, id, &["mentor"]).await;
    let res = app
        .post(
            &format!("/api/v1/participants/{id}/role-changes/{request}/declination"),
            Some(&staff),
            &json!({"note": "Bitte zuerst mit dem Projektträger klären."}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let declined = app.mail.message(email, "wurde abgelehnt").await;
    assert_eq!(
        declined.subject,
        "Ihr Antrag auf Rollenwechsel wurde abgelehnt"
    );
    assert!(
        declined
            .text
            .contains("(beantragt: Mentorin/Mentor) abgelehnt"),
        "{}",
        declined.text
    );
    assert!(
        declined
            .text
            .contains("Anmerkung der Geschäftsstelle: Bitte zuerst mit dem Projektträger klären."),
        "{}",
        declined.text
    );
    assert_eq!(
        app.mail.received_by(email).len(),
        4,
        "registration, welcome, two decisions"
    );
}

/// A proposal of a webinar on the programme day `days` after today at 10:00 Berlin time.
fn on_day(topic: i64, days: u64) -> Value {
    let day = programme_today() + chrono::Days::new(days);
    let starts = (programme_day_start(day) + Duration::hours(10)).and_utc();
    let mut body = proposal("webinar", topic, 1, &[]);
    body["starts_at"] = json!(starts.to_rfc3339());
    body["ends_at"] = json!((starts + Duration::hours(2)).to_rfc3339());
    body
}

async fn approve(app: &TestApp, staff: &str, id: i64) {
    let res = app
        .post(
            &format!("/api/v1/sessions/{id}/approval"),
            Some(staff),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

async fn sign_up(app: &TestApp, token: &str, id: i64) {
    let res = app
        .post(
            &format!("/api/v1/sessions/{id}/signup"),
            Some(token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}

async fn run_reminders(app: &TestApp, staff: &str) -> Value {
    let res = app
        .post("/api/v1/reminder-runs", Some(staff), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

fn count(app: &TestApp, sql: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.pool.get().unwrap();
    diesel::sql_query(sql)
        .get_result::<Count>(&mut conn)
        .unwrap()
        .n
}

fn reminders_to(app: &TestApp, address: &str) -> Vec<crate::support::smtp::Mail> {
    app.mail
        .received_by(address)
        .into_iter()
        .filter(|m| m.subject.starts_with("Erinnerung:"))
        .collect()
}

async fn the_day_before_a_session_each_signed_up_mentee_is_reminded_once(app: TestApp) {
    let c = cast(&app).await;
    let (_, withdrawn) = app
        .active_participant(
            &c.staff,
            "zurueck@example.org",
            "first_project",
            &["mentee"],
        )
        .await;
    let (_, quiet) = app
        .active_participant(&c.staff, "ruhe@example.org", "first_project", &["mentee"])
        .await;
    let res = app
        .request(
            Method::PUT,
            "/api/v1/me/mail-preferences",
            Some(&quiet),
            Some(&json!({"lang": "de", "opted_out": ["session_reminder"]})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    let tomorrow = propose(&app, &c.mentor, &on_day(c.topic, 1)).await;
    let later = propose(&app, &c.mentor, &on_day(c.topic, 2)).await;
    for id in [tomorrow, later] {
        approve(&app, &c.staff, id).await;
        for token in [&c.mentee, &withdrawn, &quiet] {
            sign_up(&app, token, id).await;
        }
    }
    let res = app
        .request(
            Method::DELETE,
            &format!("/api/v1/sessions/{tomorrow}/signup"),
            Some(&withdrawn),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    let first = run_reminders(&app, &c.staff).await;
    assert_eq!(first["session_reminders"], 1, "{first}");
    let again = run_reminders(&app, &c.staff).await;
    assert_eq!(again["session_reminders"], 0, "{again}");
    app.mail_settled().await;

    let reminder = app
        .mail
        .message("mentee@example.org", "Erinnerung: Wärmeplanung kompakt")
        .await;
    assert!(reminder.subject.ends_with(" Uhr"), "{}", reminder.subject);
    assert!(
        reminder
            .text
            .contains("morgen findet die Veranstaltung statt, für die Sie sich angemeldet haben"),
        "{}",
        reminder.text
    );
    assert!(
        reminder.text.contains(", 10:00 Uhr\n- Berlin"),
        "{}",
        reminder.text
    );
    assert_eq!(reminders_to(&app, "mentee@example.org").len(), 1, "once");
    assert!(reminders_to(&app, "zurueck@example.org").is_empty());
    assert!(reminders_to(&app, "ruhe@example.org").is_empty());
    assert!(reminders_to(&app, "mentor@example.org").is_empty());
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM session_reminders"),
        1
    );
}

/// Registers and activates a mentor of `kind` whose project started so that its current
/// project year ends in `days` days; returns the participant id.
async fn mentor_with_year_ending_in(
    app: &TestApp,
    staff: &str,
    email: &str,
    kind: &str,
    days: u64,
) -> i64 {
    let year_end = programme_today() + chrono::Days::new(days);
    let start = year_end - Months::new(12);
    let mut body = registration(email, kind, &["mentor"]);
    body["project"]["start_date"] = json!(start.to_string());
    body["project"]["end_date"] = json!((start + Months::new(36)).to_string());
    let (id, project, token) = app.register(&body).await;
    app.activate(staff, id, project, &token).await;
    id
}

/// Credits the participant with a forum sponsorship of `hours` (20 or 40) earned yesterday.
async fn credit(app: &TestApp, participant_id: i64, hours: i32) {
    let pool = app.pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        let earned_on: NaiveDate = programme_today().pred_opt().unwrap();
        credits::grant(
            &mut conn,
            &Earning {
                participant_id,
                format_code: "forum_sponsorship",
                source: CreditSource::ForumSponsorship,
                source_id: participant_id,
                earned_on,
                chosen_hours: Some(hours),
            },
            Utc::now().naive_utc(),
        )
        .unwrap();
    })
    .await
    .unwrap();
}

async fn a_ksm2_mentor_below_the_minimum_is_reminded_once_near_the_year_s_end(app: TestApp) {
    let staff = app.staff_token().await;
    let short =
        mentor_with_year_ending_in(&app, &staff, "knapp@example.org", "follow_up_project", 20)
            .await;
    let done =
        mentor_with_year_ending_in(&app, &staff, "fertig@example.org", "follow_up_project", 20)
            .await;
    mentor_with_year_ending_in(&app, &staff, "ksm1@example.org", "first_project", 20).await;
    mentor_with_year_ending_in(&app, &staff, "frueh@example.org", "follow_up_project", 200).await;
    credit(&app, short, 20).await;
    credit(&app, done, 40).await;
    // A webinar of another mentor in five days with one of its two mentor places free.
    let early_token = app
        .login("frueh@example.org", crate::support::app::PASSWORD)
        .await;
    let topic = accepted_topic(&app, &staff).await;
    let mut webinar = proposal("webinar", topic, 5, &[]);
    webinar["title"] = json!("Kommunale Wärmewende");
    webinar["online"] = json!(true);
    webinar["place"] = json!("https://konferenz.example/raum-7");
    let session = propose(&app, &early_token, &webinar).await;
    approve(&app, &staff, session).await;

    let first = run_reminders(&app, &staff).await;
    assert_eq!(first["credit_reminders"], 1, "{first}");
    assert_eq!(first["credit_reminder_weeks"], 8);
    let again = run_reminders(&app, &staff).await;
    assert_eq!(again["credit_reminders"], 0, "{again}");
    app.mail_settled().await;

    let mail = app
        .mail
        .message("knapp@example.org", "Ihre Mentoring-Tätigkeit")
        .await;
    let year_end = (programme_today() + chrono::Days::new(19))
        .format("%d.%m.%Y")
        .to_string();
    assert_eq!(
        mail.subject,
        format!(
            "Ihre Mentoring-Tätigkeit: Es fehlen noch 2,5 Arbeitstage (20 Stunden) bis zum {year_end}"
        )
    );
    assert!(
        mail.text
            .contains("Bisher angerechnet: 2,5 Arbeitstage (20 Stunden)."),
        "{}",
        mail.text
    );
    assert!(
        mail.text
            .contains(&format!("Ihr 1. Projektjahr endet am {year_end}.")),
        "{}",
        mail.text
    );
    assert!(
        mail.text.contains("- Kommunale Wärmewende, ")
            && mail
                .text
                .contains("Online: https://konferenz.example/raum-7"),
        "the open session is named: {}",
        mail.text
    );
    assert!(
        mail.text
            .contains("- Praxistipp von KSM für KSM: 5 Arbeitstage (40 Stunden)"),
        "{}",
        mail.text
    );
    assert!(
        !mail.text.contains("Betreuung eines Fachforums"),
        "a sponsorship cannot end in time: {}",
        mail.text
    );
    let reminded = |address: &str| {
        app.mail
            .received_by(address)
            .into_iter()
            .filter(|m| m.subject.contains("Mentoring-Tätigkeit"))
            .count()
    };
    assert_eq!(reminded("knapp@example.org"), 1);
    for address in [
        "fertig@example.org",
        "ksm1@example.org",
        "frueh@example.org",
    ] {
        assert_eq!(reminded(address), 0, "{address}");
    }

    let list = app.get_json("/api/v1/credit-reminders", &staff).await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["participant_id"], short);
    assert_eq!(items[0]["last_name"], "Mustermann");
    assert_eq!(items[0]["project_year"], 1);
    assert_eq!(items[0]["credited_hours"], 20);
    assert_eq!(items[0]["missing_hours"], 20);
    assert_eq!(
        items[0]["year_end"],
        (programme_today() + chrono::Days::new(19)).to_string()
    );
    assert!(list["next_cursor"].is_null());
    let none = app
        .get_json(
            &format!("/api/v1/credit-reminders?participant_id={done}"),
            &staff,
        )
        .await;
    assert_eq!(none["items"], json!([]));
}
