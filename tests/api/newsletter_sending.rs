//! The newsletter is sent (§ 5.1): one message per active participant who did not turn it off,
//! in German (or the reader's language) with the upcoming sessions, the new practice tips and
//! the welcome of consenting new participants; RFC 8058 one-click unsubscribe without login;
//! and a retried request with the same `Idempotency-Key` sends nothing new.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::practice_tips::{create, new_tip, step, upload_pages};
use crate::support::app::{TestApp, assert_problem};
use crate::support::participants::registration;
use crate::support::sessions::{Cast, cast, proposal, propose};
use crate::support::smtp::Mail;

on_both_backends!(
    the_newsletter_reaches_every_active_participant_who_wants_it_with_what_is_new,
    one_click_unsubscribe_works_without_login_and_the_next_mailing_skips_the_person,
    a_forged_or_missing_unsubscribe_token_changes_nothing,
);

const SUBJECT: &str = "Mentoring-Newsletter Dezember";
const INTRO: &str = "Liebe Kolleginnen und Kollegen,\n\nzum Jahresende gibt es viel Neues.";
const UNSUBSCRIBE_BASE: &str = "https://api.mentoring.example/api/v1/newsletter/unsubscribe?token=";

/// Sends a mailing as `staff`; returns the status and the answer.
async fn send(app: &TestApp, staff: &str, subject: &str, key: Option<&str>) -> (StatusCode, Value) {
    let mut req = app
        .client
        .post(format!("{}/api/v1/newsletter/mailings", app.address))
        .bearer_auth(staff)
        .json(&json!({"subject": subject, "intro": INTRO}));
    if let Some(key) = key {
        req = req.header("Idempotency-Key", key);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

/// Registers and activates a participant called `first_name` Neumann; returns the token.
async fn person(
    app: &TestApp,
    staff: &str,
    email: &str,
    first_name: &str,
    consents: bool,
) -> String {
    let mut body = registration(email, "first_project", &["mentee"]);
    body["first_name"] = json!(first_name);
    body["last_name"] = json!("Neumann");
    body["consents"]["newsletter_welcome"] = json!(consents);
    let (id, project, token) = app.register(&body).await;
    app.activate(staff, id, project, &token).await;
    token
}

async fn set_preferences(app: &TestApp, token: &str, lang: &str, opted_out: &[&str]) {
    let res = app
        .request(
            reqwest::Method::PUT,
            "/api/v1/me/mail-preferences",
            Some(token),
            Some(&json!({"lang": lang, "opted_out": opted_out})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

/// An approved session 30 days ahead and a published tip, by the cast's mentor.
async fn news(app: &TestApp, c: &Cast) {
    let session = propose(app, &c.mentor, &proposal("webinar", c.topic, 30, &[])).await;
    let res = app
        .post(
            &format!("/api/v1/sessions/{session}/approval"),
            Some(&c.staff),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let tip = create(
        app,
        &c.mentor,
        &new_tip("Klimaschutz im Haushalt", "text", c.topic),
    )
    .await;
    assert_eq!(upload_pages(app, &c.mentor, tip, 3).await.0, StatusCode::OK);
    assert_eq!(
        step(app, &c.mentor, tip, "submission", json!({})).await,
        StatusCode::OK
    );
    assert_eq!(
        step(app, &c.staff, tip, "publication", json!({})).await,
        StatusCode::OK
    );
}

/// The newsletters `address` received so far (after the outbox settled).
async fn newsletters(app: &TestApp, address: &str, subject: &str) -> Vec<Mail> {
    app.mail_settled().await;
    app.mail
        .received_by(address)
        .into_iter()
        .filter(|m| m.subject == subject)
        .collect()
}

/// The unsubscribe URL of a newsletter, pointed at the test server.
fn unsubscribe_url(app: &TestApp, mail: &Mail) -> String {
    let header = mail.header("List-Unsubscribe").expect("List-Unsubscribe");
    let url = header
        .strip_prefix('<')
        .and_then(|h| h.strip_suffix('>'))
        .expect("the header is one <URL>");
    let token = url.strip_prefix(UNSUBSCRIBE_BASE).expect("the API's URL");
    format!(
        "{}/api/v1/newsletter/unsubscribe?token={token}",
        app.address
    )
}

async fn one_click(app: &TestApp, url: &str) -> reqwest::Response {
    app.client
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap()
}

async fn opted_out(app: &TestApp, token: &str) -> Vec<Value> {
    app.get_json("/api/v1/me/mail-preferences", token).await["opted_out"]
        .as_array()
        .unwrap()
        .clone()
}

async fn the_newsletter_reaches_every_active_participant_who_wants_it_with_what_is_new(
    app: TestApp,
) {
    let c = cast(&app).await;
    news(&app, &c).await;
    person(&app, &c.staff, "jana@example.org", "Jana", true).await;
    let quiet = person(&app, &c.staff, "quentin@example.org", "Quentin", false).await;
    set_preferences(&app, &quiet, "en", &[]).await;
    let otto = person(&app, &c.staff, "otto@example.org", "Otto", true).await;
    set_preferences(&app, &otto, "de", &["newsletter"]).await;
    app.ended_participant(&c.staff, "ended@example.org").await;
    app.register(&registration(
        "pending@example.org",
        "first_project",
        &["mentee"],
    ))
    .await;

    let (status, mailing) = send(&app, &c.staff, SUBJECT, Some("newsletter-2026-12")).await;
    assert_eq!(status, StatusCode::CREATED, "{mailing}");
    assert_eq!(mailing["subject"], SUBJECT);
    assert_eq!(mailing["intro"], INTRO);
    // mentor, co-mentor, mentee, Jana and Quentin; not Otto, the ended or the pending person.
    assert_eq!(mailing["recipient_count"], 5);

    let mail = &newsletters(&app, "jana@example.org", SUBJECT).await[0];
    for expected in [
        "Guten Tag Jana Neumann,",
        "zum Jahresende gibt es viel Neues.",
        "Kommende Mentoring-Sessions im Veranstaltungskalender:",
        "- Wärmeplanung kompakt: ",
        " Uhr, Berlin",
        "Neu veröffentlichte Praxistipps von KSM für KSM:",
        "- Klimaschutz im Haushalt: Wie bringe ich Klimaschutz in den Haushaltsplan?",
        "Wir begrüßen herzlich die neuen Teilnehmerinnen und Teilnehmer",
        "- Jana Neumann",
        "- Otto Neumann",
        UNSUBSCRIBE_BASE,
    ] {
        assert!(mail.text.contains(expected), "{expected}: {}", mail.text);
    }
    assert!(
        !mail.text.contains("Quentin"),
        "only those who consented are welcomed: {}",
        mail.text
    );
    assert!(mail.html.contains("<li>Jana Neumann</li>"), "{}", mail.html);
    let header = mail.header("List-Unsubscribe").expect("List-Unsubscribe");
    assert!(
        header.starts_with(&format!("<{UNSUBSCRIBE_BASE}")) && header.ends_with('>'),
        "{header}"
    );
    let link = &header[1..header.len() - 1];
    assert!(mail.text.contains(link), "the footer has the same link");
    assert_eq!(
        mail.header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );

    let english = &newsletters(&app, "quentin@example.org", SUBJECT).await[0];
    assert!(
        english.text.contains("Hello Quentin Neumann,"),
        "{}",
        english.text
    );
    assert!(english.text.contains("Upcoming mentoring sessions"));
    assert!(
        english.text.contains("(German time), Berlin"),
        "{}",
        english.text
    );
    for nobody in [
        "otto@example.org",
        "ended@example.org",
        "pending@example.org",
    ] {
        assert!(
            newsletters(&app, nobody, SUBJECT).await.is_empty(),
            "{nobody} gets no newsletter"
        );
    }
    let others = newsletters(&app, "mentor@example.org", SUBJECT).await;
    assert_eq!(others.len(), 1);
    assert_ne!(
        others[0].header("List-Unsubscribe"),
        mail.header("List-Unsubscribe"),
        "each reader has their own link"
    );

    // The same key again: the first answer, and not one message more.
    let (status, replay) = send(&app, &c.staff, SUBJECT, Some("newsletter-2026-12")).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(replay, mailing);
    assert_eq!(
        newsletters(&app, "jana@example.org", SUBJECT).await.len(),
        1
    );
    assert_eq!(
        app.mail
            .received()
            .iter()
            .filter(|m| m.subject == SUBJECT)
            .count(),
        5
    );
    let list = app.get_json("/api/v1/newsletter/mailings", &c.staff).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "one mailing");
    assert_eq!(list["items"][0]["recipient_count"], 5);
}

async fn one_click_unsubscribe_works_without_login_and_the_next_mailing_skips_the_person(
    app: TestApp,
) {
    let staff = app.staff_token().await;
    let (_, leaver) = app
        .active_participant(&staff, "leaver@example.org", "first_project", &["mentee"])
        .await;
    app.active_participant(&staff, "stayer@example.org", "first_project", &["mentee"])
        .await;
    let (status, _) = send(&app, &staff, SUBJECT, None).await;
    assert_eq!(status, StatusCode::CREATED);
    let mail = &newsletters(&app, "leaver@example.org", SUBJECT).await[0];
    let url = unsubscribe_url(&app, mail);

    let res = one_click(&app, &url).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(opted_out(&app, &leaver).await, vec![json!("newsletter")]);
    let again = one_click(&app, &url).await;
    assert_eq!(
        again.status(),
        StatusCode::NO_CONTENT,
        "doing it again is fine"
    );

    let second = "Mentoring-Newsletter Februar";
    let (status, mailing) = send(&app, &staff, second, None).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(mailing["recipient_count"], 1);
    assert!(mailing["welcomed"].as_array().unwrap().is_empty());
    assert!(
        newsletters(&app, "leaver@example.org", second)
            .await
            .is_empty()
    );
    let stayer = &newsletters(&app, "stayer@example.org", second).await[0];
    assert!(
        !stayer.text.contains("Praxistipps") && !stayer.text.contains("Wir begrüßen"),
        "nothing new, nobody to welcome: {}",
        stayer.text
    );

    // The person turns it on again in their preferences.
    set_preferences(&app, &leaver, "de", &[]).await;
    let (_, mailing) = send(&app, &staff, "Mentoring-Newsletter April", None).await;
    assert_eq!(mailing["recipient_count"], 2);
}

async fn a_forged_or_missing_unsubscribe_token_changes_nothing(app: TestApp) {
    let staff = app.staff_token().await;
    let (_, reader) = app
        .active_participant(&staff, "reader@example.org", "first_project", &["mentee"])
        .await;
    send(&app, &staff, SUBJECT, None).await;
    let mail = &newsletters(&app, "reader@example.org", SUBJECT).await[0];
    let url = unsubscribe_url(&app, mail);
    let (base, token) = url.split_once("token=").unwrap();
    let (id, tag) = token.split_once('.').unwrap();
    let other_id = id.parse::<i64>().unwrap() + 1;
    let flipped = if tag.starts_with('A') { "B" } else { "A" };
    for forged in [
        format!("{base}token={other_id}.{tag}"),
        format!("{base}token={id}.{flipped}{}", &tag[1..]),
        format!("{base}token={id}"),
        format!("{base}token=nonsense"),
    ] {
        assert_problem(one_click(&app, &forged).await, StatusCode::NOT_FOUND).await;
    }
    let bare = format!("{}/api/v1/newsletter/unsubscribe", app.address);
    assert_problem(one_click(&app, &bare).await, StatusCode::BAD_REQUEST).await;
    let wrong_body = app
        .client
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=Maybe")
        .send()
        .await
        .unwrap();
    assert_problem(wrong_body, StatusCode::UNPROCESSABLE_ENTITY).await;
    let json_body = app.client.post(&url).json(&json!({})).send().await.unwrap();
    assert_problem(json_body, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    let fetched = app.client.get(&url).send().await.unwrap();
    assert_problem(fetched, StatusCode::METHOD_NOT_ALLOWED).await;
    assert!(
        opted_out(&app, &reader).await.is_empty(),
        "still subscribed"
    );

    // Mail programs may post multipart form data instead.
    let multipart = "--x\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--x--\r\n";
    let res = app
        .client
        .post(&url)
        .header("content-type", "multipart/form-data; boundary=x")
        .body(multipart)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(opted_out(&app, &reader).await, vec![json!("newsletter")]);
}
