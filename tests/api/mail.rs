//! E-mail end to end against the harness's SMTP server: each message arrives at the right
//! address with its German (or English) text, a reset link works once and expires, a refused or
//! failing delivery is retried and then listed for staff, a sender killed between sending and
//! recording loses nothing, and without `SMTP_URL` the messages land as `.eml` files.

use std::time::Duration;

use chrono::Utc;
use diesel::RunQueryDsl;
use mentoring_api::db::models::mail_messages;
use mentoring_api::domain::mail::MailStatus;
use mentoring_api::mail::{self, Envelope, Message, Transport};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{PASSWORD, TestApp, assert_problem};
use crate::support::participants::registration;
use crate::support::sessions::{cast, proposal, propose};
use crate::support::smtp::Mail;

on_both_backends!(
    a_reset_link_sets_a_new_password_once,
    an_unknown_address_gets_the_same_answer_and_no_message,
    an_expired_reset_link_is_refused,
    asking_again_soon_sends_no_second_link,
    a_reset_lifts_the_login_slowdown,
    registration_and_activation_are_confirmed_by_mail,
    messages_follow_the_person_s_language_and_choice,
    a_refused_address_fails_at_once_and_staff_retry_it,
    a_temporary_failure_is_retried_until_it_goes_through,
    a_sender_killed_after_sending_sends_again_with_the_same_message_id,
    without_smtp_messages_are_eml_files,
    session_mentors_and_mentees_hear_of_approval_moves_and_cancellation,
);

const NEW_PASSWORD: &str = "Gletscher Tulpe Mikrowelle 42";

/// Registers a mentee with `email` and returns the participant id.
async fn registered(app: &TestApp, email: &str) -> i64 {
    app.register(&registration(email, "first_project", &["mentee"]))
        .await
        .0
}

async fn message(app: &TestApp, address: &str, subject: &str) -> Mail {
    app.mail.message(address, subject).await
}

async fn ask_reset(app: &TestApp, email: &str) -> Value {
    let res = app
        .post("/api/v1/password-resets", None, &json!({"email": email}))
        .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    res.json().await.unwrap()
}

async fn confirm(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.post(
        "/api/v1/password-resets/confirm",
        None,
        &json!({"token": token, "password": password}),
    )
    .await
}

async fn login_status(app: &TestApp, email: &str, password: &str) -> StatusCode {
    app.post(
        "/api/v1/auth/token",
        None,
        &json!({"email": email, "password": password}),
    )
    .await
    .status()
}

async fn a_reset_link_sets_a_new_password_once(app: TestApp) {
    let email = "erika.reset@example.org";
    registered(&app, email).await;
    ask_reset(&app, email).await;
    let mail = message(&app, email, "Neues Passwort").await;
    assert_eq!(mail.header_from, "mentoring@example.org");
    assert!(mail.raw.contains("Reply-To:"), "{}", mail.raw);
    assert!(
        mail.text.starts_with("Guten Tag Erika Mustermann,"),
        "{}",
        mail.text
    );
    assert!(
        mail.text
            .contains("Der Link gilt 30 Minuten und nur einmal.")
    );
    assert!(
        mail.text
            .contains("https://mentoring.example/passwort#token=")
    );
    assert!(
        mail.html
            .contains("<a href=\"https://mentoring.example/passwort#token=")
    );
    assert!(mail.raw.contains("Auto-Submitted: auto-generated"));
    let token = mail.token();

    // Only the digest is stored.
    let mut conn = app.pool.get().unwrap();
    let stored: Vec<Stored> = diesel::sql_query("SELECT token_hash FROM account_tokens")
        .load(&mut conn)
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].token_hash, token);
    assert!(!stored[0].token_hash.contains(&token));

    let weak = confirm(&app, &token, "Passwort12345").await;
    let problem = assert_problem(weak, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["pointer"], "/password");

    assert_eq!(
        confirm(&app, &token, NEW_PASSWORD).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        login_status(&app, email, NEW_PASSWORD).await,
        StatusCode::OK
    );
    assert_eq!(
        login_status(&app, email, PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );

    let again = confirm(&app, &token, "Zweiter Versuch Kiebitz 77").await;
    let problem = assert_problem(again, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["pointer"], "/token");
    assert_eq!(
        login_status(&app, email, NEW_PASSWORD).await,
        StatusCode::OK
    );

    let notice = message(&app, email, "Passwort wurde geändert").await;
    assert!(notice.text.contains("soeben geändert"), "{}", notice.text);
}

#[derive(diesel::QueryableByName)]
struct Stored {
    #[diesel(sql_type = diesel::sql_types::Text)]
    token_hash: String,
}

async fn an_unknown_address_gets_the_same_answer_and_no_message(app: TestApp) {
    let known = "known.person@example.org";
    registered(&app, known).await;
    let for_known = ask_reset(&app, known).await;
    let for_unknown = ask_reset(&app, "nobody.here@example.org").await;
    assert_eq!(for_known, for_unknown);
    message(&app, known, "Neues Passwort").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(app.mail.received_by("nobody.here@example.org").is_empty());

    let bad = app
        .post(
            "/api/v1/password-resets",
            None,
            &json!({"email": "not an address"}),
        )
        .await;
    let problem = assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["pointer"], "/email");
}

async fn an_expired_reset_link_is_refused(app: TestApp) {
    let email = "late.reader@example.org";
    registered(&app, email).await;
    ask_reset(&app, email).await;
    let token = message(&app, email, "Neues Passwort").await.token();
    let mut conn = app.pool.get().unwrap();
    // 31 minutes later: the link has expired.
    let expired = (Utc::now() - chrono::Duration::minutes(1)).naive_utc();
    diesel::sql_query(format!(
        "UPDATE account_tokens SET expires_at = '{}'",
        expired.format("%Y-%m-%d %H:%M:%S")
    ))
    .execute(&mut conn)
    .unwrap();
    let res = confirm(&app, &token, NEW_PASSWORD).await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["pointer"], "/token");
    assert_eq!(login_status(&app, email, PASSWORD).await, StatusCode::OK);
}

async fn asking_again_soon_sends_no_second_link(app: TestApp) {
    let email = "impatient@example.org";
    registered(&app, email).await;
    for _ in 0..3 {
        ask_reset(&app, email).await;
    }
    message(&app, email, "Neues Passwort").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let links = app
        .mail
        .received_by(email)
        .into_iter()
        .filter(|m| m.subject.contains("Neues Passwort"))
        .count();
    assert_eq!(links, 1, "one link per ten minutes, however often asked");
}

async fn a_reset_lifts_the_login_slowdown(app: TestApp) {
    let email = "forgetful@example.org";
    registered(&app, email).await;
    for _ in 0..12 {
        let status = login_status(&app, email, "wrong password entirely").await;
        assert!(
            status == StatusCode::UNAUTHORIZED || status == StatusCode::TOO_MANY_REQUESTS,
            "{status}"
        );
    }
    assert_eq!(
        login_status(&app, email, PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "the owner is slowed down too"
    );
    ask_reset(&app, email).await;
    let token = message(&app, email, "Neues Passwort").await.token();
    assert_eq!(
        confirm(&app, &token, NEW_PASSWORD).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        login_status(&app, email, NEW_PASSWORD).await,
        StatusCode::OK
    );
}

async fn registration_and_activation_are_confirmed_by_mail(app: TestApp) {
    let staff = app.staff_token().await;
    let email = "new.mentor@example.org";
    let (id, project, token) = app
        .register(&registration(email, "first_project", &["mentor"]))
        .await;
    let received = message(&app, email, "Registrierung ist eingegangen").await;
    assert!(
        received.text.contains("prüft Ihre Angaben"),
        "{}",
        received.text
    );
    app.activate(&staff, id, project, &token).await;
    let welcome = message(&app, email, "Willkommen").await;
    assert!(welcome.text.contains("https://mentoring.example/anmelden"));
    assert!(
        welcome
            .text
            .contains("im Verzeichnis der Teilnehmenden zu erscheinen"),
        "the directory consent is named: {}",
        welcome.text
    );
}

async fn messages_follow_the_person_s_language_and_choice(app: TestApp) {
    let email = "english.reader@example.org";
    let (_, _, token) = app
        .register(&registration(email, "first_project", &["mentee"]))
        .await;
    let preferences: Value = app
        .get("/api/v1/me/mail-preferences", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(preferences, json!({"lang": "de", "opted_out": []}));

    let mandatory = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/me/mail-preferences",
            Some(&token),
            Some(&json!({"lang": "en", "opted_out": ["session_cancelled", "password_reset"]})),
        )
        .await;
    let problem = assert_problem(mandatory, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(problem["errors"][0]["pointer"], "/opted_out/1");

    let res = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/me/mail-preferences",
            Some(&token),
            Some(&json!({"lang": "en", "opted_out": ["session_cancelled"]})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let stored: Value = res.json().await.unwrap();
    assert_eq!(
        stored,
        json!({"lang": "en", "opted_out": ["session_cancelled"]})
    );

    ask_reset(&app, email).await;
    let mail = message(&app, email, "New password").await;
    assert!(
        mail.text.starts_with("Hello Erika Mustermann,"),
        "{}",
        mail.text
    );
    assert!(mail.text.contains("valid for 30 minutes"));
}

async fn a_refused_address_fails_at_once_and_staff_retry_it(app: TestApp) {
    let staff = app.staff_token().await;
    app.mail.refuse_recipients_containing("bounce");
    let email = "bounce.me@example.org";
    registered(&app, email).await;
    let failed = wait_for_status(&app, MailStatus::Failed).await;
    assert_eq!(failed["to_address"], email);
    assert_eq!(failed["kind"], "registration_received");
    assert_eq!(failed["attempts"], 1, "a 5xx refusal is not retried");
    assert!(
        failed["last_error"].as_str().unwrap().contains("550"),
        "{failed}"
    );

    let page: Value = app
        .get("/api/v1/mail-messages?status=failed", Some(&staff))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);

    app.mail.refuse_recipients_containing("nobody-matches-this");
    let id = failed["id"].as_i64().unwrap();
    let res = app
        .post(
            &format!("/api/v1/mail-messages/{id}/retry"),
            Some(&staff),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    message(&app, email, "Registrierung").await;
    let sent = wait_for_status(&app, MailStatus::Sent).await;
    assert_eq!(sent["id"], id);
    let again = app
        .post(
            &format!("/api/v1/mail-messages/{id}/retry"),
            Some(&staff),
            &json!({}),
        )
        .await;
    assert_problem(again, StatusCode::CONFLICT).await;
}

/// Waits until the only message is in `status`; returns it as staff see it.
async fn wait_for_status(app: &TestApp, status: MailStatus) -> Value {
    let staff = app.staff_token().await;
    for _ in 0..200 {
        let page: Value = app
            .get("/api/v1/mail-messages", Some(&staff))
            .await
            .json()
            .await
            .unwrap();
        if let Some(found) = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["status"] == status.as_str())
        {
            return found.clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no message became {}", status.as_str());
}

async fn a_temporary_failure_is_retried_until_it_goes_through(app: TestApp) {
    app.mail.fail_next(2);
    let email = "patient@example.org";
    registered(&app, email).await;
    message(&app, email, "Registrierung").await;
    let sent = wait_for_status(&app, MailStatus::Sent).await;
    assert_eq!(
        sent["attempts"], 3,
        "two 451 answers, then accepted: {sent}"
    );

    // More temporary failures than attempts: the message fails and is listed.
    app.mail.fail_next(10);
    let other = "unlucky@example.org";
    registered(&app, other).await;
    let failed = wait_for_status(&app, MailStatus::Failed).await;
    assert_eq!(failed["to_address"], other);
    assert_eq!(failed["attempts"], 3);
    assert!(
        failed["last_error"].as_str().unwrap().contains("451"),
        "{failed}"
    );
}

async fn a_sender_killed_after_sending_sends_again_with_the_same_message_id(mut app: TestApp) {
    let email = "twice@example.org";
    registered(&app, email).await;
    message(&app, email, "Registrierung").await;
    app.stop().await;
    // The stopped service's sender is aborted right after the server ends.
    tokio::time::sleep(Duration::from_millis(300)).await;

    // While the service is down, a message is queued and a sender claims and sends it, then dies
    // before recording (the lease of a real sender would end the same way).
    let mut conn = app.pool.get().unwrap();
    let account_id: i64 = {
        #[derive(diesel::QueryableByName)]
        struct Id {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            id: i64,
        }
        diesel::sql_query(format!("SELECT id FROM accounts WHERE login = '{email}'"))
            .get_result::<Id>(&mut conn)
            .unwrap()
            .id
    };
    assert!(mail::queue_to_account(&mut conn, account_id, &Message::PasswordChanged {}).unwrap());
    let now = Utc::now().naive_utc();
    let claimed =
        mail_messages::claim_due(&mut conn, now, now + chrono::Duration::seconds(1), 10).unwrap();
    assert_eq!(claimed.len(), 1);
    let envelope = Envelope {
        from: mail::transport::mailbox("SK:KK Mentoring <mentoring@example.org>").unwrap(),
        reply_to: None,
    };
    let smtp = Transport::smtp(&app.mail.url(), Duration::from_secs(5)).unwrap();
    smtp.send(&envelope, &claimed[0]).await.unwrap();
    drop(conn);

    app.start_again();
    let copies = app.mail.wait_for(email, "Passwort wurde geändert", 2).await;
    assert_eq!(copies.len(), 2, "sent again after the lease: at least once");
    assert_eq!(copies[0].message_id, copies[1].message_id);
    assert!(
        copies[0].message_id.ends_with("@example.org"),
        "{}",
        copies[0].message_id
    );
    // The second attempt is recorded right after the server accepted it.
    let mut status = MailStatus::Pending;
    for _ in 0..100 {
        let mut conn = app.pool.get().unwrap();
        status = mail_messages::find(&mut conn, claimed[0].id)
            .unwrap()
            .unwrap()
            .status;
        if status == MailStatus::Sent {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, MailStatus::Sent);
}

async fn without_smtp_messages_are_eml_files(mut app: TestApp) {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().to_owned();
    app.restart_with(|s| {
        s.mail.smtp_url = None;
        s.mail.folder = path;
    })
    .await;
    let email = "files@example.org";
    registered(&app, email).await;
    let mut files = Vec::new();
    for _ in 0..200 {
        files = std::fs::read_dir(folder.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        if !files.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(files.len(), 1, "one .eml file per message");
    let mail = Mail::parse(email, &std::fs::read(&files[0]).unwrap());
    assert_eq!(mail.subject, "Ihre Registrierung ist eingegangen");
    assert!(mail.raw.contains(&format!("To: {email}")), "{}", mail.raw);
    assert!(mail.text.contains("Guten Tag Erika Mustermann"));
    assert!(app.mail.received().is_empty(), "nothing went over SMTP");
}

async fn session_mentors_and_mentees_hear_of_approval_moves_and_cancellation(app: TestApp) {
    let c = cast(&app).await;
    let id = propose(&app, &c.mentor, &proposal("webinar", c.topic, 30, &[])).await;
    let path = format!("/api/v1/sessions/{id}");
    let res = app
        .post(&format!("{path}/approval"), Some(&c.staff), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let approved = message(&app, "mentor@example.org", "Veranstaltung freigegeben").await;
    assert!(
        approved.text.contains("- Wärmeplanung kompakt\n- "),
        "{}",
        approved.text
    );
    assert!(
        approved.text.contains(" Uhr\n- Berlin"),
        "{}",
        approved.text
    );
    let res = app
        .post(&format!("{path}/signup"), Some(&c.mentee), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    let read = app.get(&path, Some(&c.staff)).await;
    let tag = read.headers()["etag"].to_str().unwrap().to_owned();
    let session: Value = read.json().await.unwrap();
    let starts: chrono::DateTime<Utc> = session["starts_at"].as_str().unwrap().parse().unwrap();
    let moved = starts + chrono::Duration::days(7);
    let res = app
        .client
        .patch(format!("{}{path}", app.address))
        .bearer_auth(&c.staff)
        .header("if-match", tag)
        .json(&json!({"starts_at": moved.to_rfc3339(),
            "ends_at": (moved + chrono::Duration::hours(2)).to_rfc3339()}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{:?}", res.text().await);
    let to_mentee = message(&app, "mentee@example.org", "Neuer Termin").await;
    assert!(to_mentee.text.contains("- bisher: "), "{}", to_mentee.text);
    assert!(to_mentee.text.contains("Ihre Anmeldung bleibt bestehen"));
    let to_mentor = message(&app, "mentor@example.org", "Neuer Termin").await;
    assert!(
        to_mentor
            .text
            .contains("als Mentorin oder Mentor eingetragen")
    );

    let res = app
        .post(
            &format!("{path}/cancellation"),
            Some(&c.mentor),
            &json!({"reason": "Referentin erkrankt"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let cancelled = message(&app, "mentee@example.org", "Abgesagt").await;
    assert!(
        cancelled
            .text
            .contains("Ihre Anmeldung ist damit hinfällig")
    );
    assert!(cancelled.subject.contains("Uhr"), "{}", cancelled.subject);
}
