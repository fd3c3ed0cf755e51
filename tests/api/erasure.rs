//! Erasure of a person (Art. 17 GDPR) after they used every part of the programme: no personal
//! value is left anywhere in the database except the programme content that
//! docs/data-protection.md keeps, stored idempotent answers no longer replay them, the SQLite
//! file and its log hold no copy, and their credits stay countable in the staff overview.

use std::collections::BTreeMap;

use chrono::{Duration, Utc};
use mentoring_api::db::DbConnection;
use mentoring_api::db::models::{idempotency_keys, participants};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{Backend, TestApp, try_spawn};
use crate::support::participants::registration;
use crate::support::schema;
use crate::support::sessions::{accepted_topic, proposal, propose};
use crate::support::sponsorships::{application, forum, months_end, put_evidence, today};

on_both_backends!(
    erasure_leaves_the_marker_only_in_the_programme_content_the_readme_keeps,
    erased_mentor_stays_countable_in_the_staff_credit_overview,
);

/// Lower case, so a field the service folds (e-mail, search text) keeps it findable.
const MARKER: &str = "qxerasuremarker";
const PHONE_MARKER: &str = "0309876543219";
/// PNG signature and the start of an IHDR chunk: enough for the content check.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

/// Where the marker stays after erasure, with how many rows: the programme content the erasure
/// table of docs/data-protection.md keeps (a documented session's texts and documentation, a published practice
/// tip, forum thread titles). Keep it in step with docs/data-protection.md.
const KEPT: [(&str, i64); 11] = [
    ("forum_sponsorship_threads.title", 1),
    ("practice_tips.abstract_text", 1),
    ("practice_tips.question", 1),
    ("practice_tips.search_text", 1),
    ("practice_tips.title", 1),
    ("session_documentation.results", 1),
    ("session_documentation.summary", 1),
    ("sessions.event_name", 1),
    ("sessions.guiding_question", 1),
    ("sessions.place", 1),
    ("sessions.title", 1),
];

/// The whole database dumped for `needle`: `table.column` → rows holding it. On PostgreSQL every
/// table is also checked as whole rows cast to text, so no column type escapes the probes.
fn dump(conn: &mut DbConnection, needle: &str) -> BTreeMap<String, i64> {
    assert!(
        schema::columns(conn).len() > 150,
        "the dump sees every column"
    );
    let found = schema::columns_holding(conn, needle);
    if let DbConnection::Postgresql(_) = conn {
        let mut tables: Vec<String> = schema::columns(conn).into_iter().map(|c| c.table).collect();
        tables.dedup();
        for table in tables {
            let rows = schema::rows_holding(conn, &table, needle);
            let by_column: i64 = found
                .iter()
                .filter(|(k, _)| k.starts_with(&format!("{table}.")))
                .map(|(_, n)| *n)
                .sum();
            assert!(
                rows <= by_column,
                "{table}: {rows} rows hold the marker as text, the column probes found {by_column}"
            );
        }
    }
    found
}

async fn dump_of(app: &TestApp, needle: &'static str) -> BTreeMap<String, i64> {
    // Messages to others may quote kept texts until they are sent; sent ones keep no text.
    app.mail_settled().await;
    let pool = app.pool.clone();
    tokio::task::spawn_blocking(move || dump(&mut pool.get().unwrap(), needle))
        .await
        .unwrap()
}

async fn ok(res: reqwest::Response, status: StatusCode, what: &str) -> Value {
    let got = res.status();
    let body = res.text().await.unwrap();
    assert_eq!(got, status, "{what}: {body}");
    serde_json::from_str(&body).unwrap_or(Value::Null)
}

async fn mailing(app: &TestApp, staff: &str, key: &str) -> (StatusCode, Value) {
    let res = app
        .client
        .post(format!("{}/api/v1/newsletter/mailings", app.address))
        .bearer_auth(staff)
        .header("Idempotency-Key", key)
        .json(&json!({"subject": "Newsletter", "intro": "Neues.", "sent_on": today()}))
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

/// What the scenario leaves for the checks.
struct Erased {
    id: i64,
    staff: String,
    other_mentor_id: i64,
    mailing: Value,
}

/// A person who uses every part of the programme with `marker` in every personal field and
/// `kept` in the programme content docs/data-protection.md keeps; then staff erase them.
async fn use_everything_then_erase(app: &TestApp, marker: &str, kept: &str) -> Erased {
    let staff = app.staff_token().await;
    let topic = accepted_topic(app, &staff).await;
    let (other_mentor_id, other_mentor) = app
        .active_participant(
            &staff,
            "other@example.org",
            "follow_up_project",
            &["mentor"],
        )
        .await;

    // Registration (a KSM1 mentor, so the funding agency must be told) and contact sheet.
    let email = format!("{marker}@example.org");
    let mut body = registration(&email, "first_project", &["mentee", "mentor"]);
    body["first_name"] = json!(format!("Vor{marker}"));
    body["last_name"] = json!(format!("Nach{marker}"));
    body["phone"] = json!(PHONE_MARKER);
    body["community_account_ref"] = json!(format!("community-{marker}"));
    body["expertise_topic_ids"] = json!([topic]);
    body["project"]["employer"] = json!(format!("Arbeitgeber {marker}"));
    body["project"]["municipality"] = json!(format!("Kommune {marker}"));
    body["project"]["funding_reference"] = json!(format!("FKZ{marker}"));
    let (id, project, token) = app.register(&body).await;
    let sheet = format!("/api/v1/participants/{id}/projects/{project}/contact-sheet");
    let scan = crate::support::pdf::with_text(&format!("Unterschrift {marker}"));
    ok(
        app.upload(&sheet, &token, "application/pdf", scan).await,
        StatusCode::OK,
        "sheet",
    )
    .await;
    for (path, body) in [
        (format!("{sheet}/confirmation"), json!({})),
        (format!("/api/v1/participants/{id}/activation"), json!({})),
        (
            format!("/api/v1/participants/{id}/funding-agency-notifications"),
            json!({"notified_on": today(), "channel": "letter", "note": format!("Brief {marker}")}),
        ),
    ] {
        let res = app.post(&path, Some(&staff), &body).await;
        assert!(res.status().is_success(), "{path}: {}", res.status());
    }
    // A further project, a declined role change with reasons on both sides.
    let mut next = body["project"].clone();
    next["kind"] = json!("follow_up_project");
    next["employer"] = json!(format!("Neuer Arbeitgeber {marker}"));
    next["start_date"] = json!("2028-01-01");
    next["end_date"] = json!("2029-12-31");
    ok(
        app.post(
            &format!("/api/v1/participants/{id}/projects"),
            Some(&staff),
            &next,
        )
        .await,
        StatusCode::CREATED,
        "project",
    )
    .await;
    let request = ok(
        app.post(
            &format!("/api/v1/participants/{id}/role-changes"),
            Some(&token),
            &json!({"roles": ["mentor"], "reason": format!("Grund {marker}")}),
        )
        .await,
        StatusCode::CREATED,
        "role change",
    )
    .await;
    ok(
        app.post(
            &format!(
                "/api/v1/participants/{id}/role-changes/{}/declination",
                request["id"]
            ),
            Some(&staff),
            &json!({"note": format!("Notiz {marker}")}),
        )
        .await,
        StatusCode::OK,
        "declination",
    )
    .await;
    ok(
        app.post("/api/v1/calendar-feed-tokens", Some(&token), &json!({}))
            .await,
        StatusCode::CREATED,
        "feed token",
    )
    .await;

    // Sessions: a documented webinar with a co-mentor, and one only they stood for, cancelled.
    let mut held = proposal("webinar", topic, -2, &[other_mentor_id]);
    held["title"] = json!(format!("Titel {kept}"));
    held["guiding_question"] = json!(format!("Leitfrage {kept}"));
    held["place"] = json!(format!("Ort {kept}"));
    held["event_name"] = json!(format!("Veranstaltung {kept}"));
    held["expected_audience"] = json!(format!("Zielgruppe {marker}"));
    let held = propose(app, &token, &held).await;
    let s = |id: i64, step: &str| format!("/api/v1/sessions/{id}/{step}");
    ok(
        app.post(&s(held, "approval"), Some(&staff), &json!({}))
            .await,
        StatusCode::OK,
        "approval",
    )
    .await;
    ok(
        app.post(
            &s(held, "holding"),
            Some(&token),
            &json!({"people_reached": 12}),
        )
        .await,
        StatusCode::OK,
        "holding",
    )
    .await;
    let mut photo = PNG.to_vec();
    photo.extend_from_slice(format!("Foto {marker}").as_bytes());
    ok(
        app.send_file(
            Method::POST,
            &s(held, "attachments"),
            &token,
            "image/png",
            photo,
        )
        .await,
        StatusCode::CREATED,
        "attachment",
    )
    .await;
    ok(
        app.post(
            &s(held, "documentation"),
            Some(&token),
            &json!({"summary": format!("Zusammenfassung {kept}"),
                    "results": format!("Ergebnisse {kept}"), "people_reached": 12}),
        )
        .await,
        StatusCode::OK,
        "documentation",
    )
    .await;
    let mut solo = proposal("webinar", topic, 10, &[]);
    for field in ["title", "guiding_question", "place", "event_name"] {
        solo[field] = json!(format!("{field} {marker}"));
    }
    let solo = propose(app, &token, &solo).await;
    ok(
        app.post(
            &s(solo, "cancellation"),
            Some(&token),
            &json!({"reason": format!("Absage {marker}")}),
        )
        .await,
        StatusCode::OK,
        "cancellation",
    )
    .await;

    // As a mentee: sign-up and a case example in the other mentor's session, documented from it.
    let theirs = propose(app, &other_mentor, &proposal("webinar", topic, -2, &[])).await;
    ok(
        app.post(&s(theirs, "approval"), Some(&staff), &json!({}))
            .await,
        StatusCode::OK,
        "approval",
    )
    .await;
    ok(
        app.post(&s(theirs, "signup"), Some(&token), &json!({}))
            .await,
        StatusCode::NO_CONTENT,
        "signup",
    )
    .await;
    let question = ok(
        app.post(
            &s(theirs, "questions"),
            Some(&token),
            &json!({"body": format!("Fall {marker}"), "is_case_example": true}),
        )
        .await,
        StatusCode::CREATED,
        "question",
    )
    .await;
    ok(
        app.post(
            &s(theirs, "holding"),
            Some(&other_mentor),
            &json!({"people_reached": 9}),
        )
        .await,
        StatusCode::OK,
        "holding",
    )
    .await;
    ok(
        app.post(
            &s(theirs, "documentation"),
            Some(&other_mentor),
            &json!({"summary": "Austausch", "results": "Checkliste", "people_reached": 9,
                    "case_examples": [{"question_id": question["id"],
                                       "text": format!("Fallbeispiel {marker}")}]}),
        )
        .await,
        StatusCode::OK,
        "documentation",
    )
    .await;

    // A topic proposal, a published practice tip (after a review note) and a draft.
    ok(
        app.post(
            "/api/v1/topics",
            Some(&token),
            &json!({"group": "local_politics", "title_de": format!("Thema {marker}"),
                    "title_en": format!("Topic {marker}")}),
        )
        .await,
        StatusCode::CREATED,
        "topic",
    )
    .await;
    let tip_body = json!({"title": format!("Tipp {kept}"), "question": format!("Frage {kept}"),
        "topic_ids": [topic], "kind": "text", "abstract": format!("Kurzfassung {kept}")});
    let tip = ok(
        app.post("/api/v1/practice-tips", Some(&token), &tip_body)
            .await,
        StatusCode::CREATED,
        "tip",
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let t = |step: &str| format!("/api/v1/practice-tips/{tip}/{step}");
    ok(
        app.upload(
            &t("document"),
            &token,
            "application/pdf",
            crate::practice_tips::pdf_with_pages(3),
        )
        .await,
        StatusCode::OK,
        "tip document",
    )
    .await;
    for (path, who, body) in [
        (t("submission"), &token, json!({})),
        (
            t("change-request"),
            &staff,
            json!({"review_note": format!("Hinweis {marker}")}),
        ),
        (t("submission"), &token, json!({})),
        (t("publication"), &staff, json!({})),
    ] {
        ok(
            app.post(&path, Some(who), &body).await,
            StatusCode::OK,
            &path,
        )
        .await;
    }
    let draft = json!({"title": format!("Entwurf {marker}"), "question": format!("Frage {marker}"),
        "topic_ids": [topic], "kind": "text", "abstract": format!("Kurz {marker}")});
    ok(
        app.post("/api/v1/practice-tips", Some(&token), &draft)
            .await,
        StatusCode::CREATED,
        "draft",
    )
    .await;

    // A forum sponsorship with evidence, withdrawn, with a credit decision.
    let start = today() - Duration::days(60);
    let body = application(forum(app, 3).await, start, months_end(start, 12), 40);
    let sponsorship = ok(
        app.post("/api/v1/forum-sponsorships", Some(&token), &body)
            .await,
        StatusCode::CREATED,
        "sponsorship",
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let f = |step: &str| format!("/api/v1/forum-sponsorships/{sponsorship}/{step}");
    ok(
        app.post(&f("approval"), Some(&staff), &json!({})).await,
        StatusCode::OK,
        "approval",
    )
    .await;
    assert_eq!(
        put_evidence(
            app,
            sponsorship,
            &token,
            &json!({"post_count": 9, "thread_titles": [format!("Faden {kept}")]})
        )
        .await,
        StatusCode::OK
    );
    for (path, who, body) in [
        (
            f("withdrawal"),
            &token,
            json!({"reason": format!("Rückzug {marker}")}),
        ),
        (
            f("credit-decision"),
            &staff,
            json!({"credit_hours": 20, "reason": format!("Entscheidung {marker}")}),
        ),
    ] {
        ok(
            app.post(&path, Some(who), &body).await,
            StatusCode::OK,
            &path,
        )
        .await;
    }

    // The newsletter welcomes them, with an Idempotency-Key; and an answer stored for their own
    // account (no endpoint of theirs takes a key yet, so it is written as `once` would).
    let (status, first) = mailing(app, &staff, "welcome-1").await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(first.to_string().contains(marker), "welcomed: {first}");
    // The newsletter goes out before the erasure (the outbox keeps no text of a sent message);
    // one still pending would greet them in the other readers' copies.
    app.mail_settled().await;
    let pool = app.pool.clone();
    let own_body = json!({"participant_id": id, "email": email}).to_string();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        let account_id = participants::find(&mut conn, id)
            .unwrap()
            .unwrap()
            .account_id;
        idempotency_keys::store(
            &mut conn,
            &idempotency_keys::StoredAnswer {
                account_id,
                operation: "create_something".into(),
                idempotency_key: "mine".into(),
                request_sha256: "0".repeat(64),
                location: "/api/v1/x".into(),
                response_body: own_body,
                created_at: Utc::now().naive_utc(),
            },
        )
        .unwrap();
    })
    .await
    .unwrap();

    ok(
        app.post(
            &format!("/api/v1/participants/{id}/erasure"),
            Some(&staff),
            &json!({}),
        )
        .await,
        StatusCode::NO_CONTENT,
        "erasure",
    )
    .await;
    Erased {
        id,
        staff,
        other_mentor_id,
        mailing: first,
    }
}

async fn erasure_leaves_the_marker_only_in_the_programme_content_the_readme_keeps(app: TestApp) {
    let before_anything = dump_of(&app, MARKER).await;
    assert!(before_anything.is_empty());
    let erased = use_everything_then_erase(&app, MARKER, MARKER).await;

    let found = dump_of(&app, MARKER).await;
    let kept: BTreeMap<String, i64> = KEPT.iter().map(|(k, n)| ((*k).to_owned(), *n)).collect();
    assert_eq!(
        found, kept,
        "the marker is left exactly where docs/data-protection.md keeps it"
    );
    assert!(dump_of(&app, PHONE_MARKER).await.is_empty());

    // A replay of the mailing answers the same mailing, without the erased person.
    let (status, replay) = mailing(&app, &erased.staff, "welcome-1").await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(replay["id"], erased.mailing["id"]);
    assert!(!replay.to_string().contains(MARKER), "replay: {replay}");
    let ids = |m: &Value| -> Vec<i64> {
        m["welcomed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["participant_id"].as_i64().unwrap())
            .collect()
    };
    let mut expected = ids(&erased.mailing);
    expected.retain(|p| *p != erased.id);
    assert!(expected.contains(&erased.other_mentor_id));
    assert_eq!(ids(&replay), expected);
    let stored = app
        .get_json(
            &format!("/api/v1/newsletter/mailings/{}", replay["id"]),
            &erased.staff,
        )
        .await;
    assert_eq!(ids(&stored), expected, "replay and GET agree");

    // What the people who stay see: the documented session keeps its texts, the blanked ones
    // read "(gelöscht)".
    let sessions = app
        .get_json("/api/v1/sessions?limit=100", &erased.staff)
        .await;
    let titles: Vec<&str> = sessions["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&format!("Titel {MARKER}").as_str()));
    assert!(titles.contains(&"(gelöscht)"), "{titles:?}");
}

/// On a file-backed SQLite database, neither the file nor its write-ahead log holds an
/// erased value afterwards (`secure_delete` overwrites freed cells, the checkpoint empties the
/// log).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erased_values_are_not_in_the_sqlite_file_or_its_wal() {
    let app = try_spawn(Backend::Sqlite).await.unwrap();
    let file = app.sqlite_file().unwrap();
    let wal = std::path::PathBuf::from(format!("{}-wal", file.display()));
    let contains = |path: &std::path::Path, needle: &str| {
        let bytes = std::fs::read(path).unwrap_or_default();
        bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
    };
    let marker = "qxrawfilemarker";
    // Written to the log (and perhaps the file) while the person takes part: the check sees it.
    app.register(&registration(
        &format!("{marker}-probe@example.org"),
        "first_project",
        &["mentee"],
    ))
    .await;
    assert!(contains(&file, marker) || contains(&wal, marker));

    use_everything_then_erase(&app, marker, "Programminhalt").await;
    let probe = app.staff_token().await;
    let probe_id: i64 = app.get_json("/api/v1/participants?limit=100", &probe).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["email"].as_str().unwrap().starts_with(marker))
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    ok(
        app.post(
            &format!("/api/v1/participants/{probe_id}/erasure"),
            Some(&probe),
            &json!({}),
        )
        .await,
        StatusCode::NO_CONTENT,
        "erasure",
    )
    .await;
    assert!(
        !contains(&file, marker),
        "the database file holds the marker"
    );
    assert!(!contains(&wal, marker), "the -wal file holds the marker");
    assert!(!contains(&file, PHONE_MARKER) && !contains(&wal, PHONE_MARKER));
}

async fn erased_mentor_stays_countable_in_the_staff_credit_overview(app: TestApp) {
    let c = crate::support::sessions::cast(&app).await;
    let session = crate::support::sessions::held_session(&app, &c).await;
    ok(
        app.post(
            &format!("/api/v1/sessions/{session}/documentation"),
            Some(&c.mentor),
            &json!({"summary": "S", "results": "R", "people_reached": 25}),
        )
        .await,
        StatusCode::OK,
        "documentation",
    )
    .await;
    let year = (Utc::now() - Duration::days(2)).format("%Y").to_string();
    let overview = format!("/api/v1/credit-reports?year={year}&limit=100");
    let row_of = |page: &Value, id: i64| -> Value {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["participant_id"] == id)
            .cloned()
            .unwrap_or(Value::Null)
    };
    let before = row_of(&app.get_json(&overview, &c.staff).await, c.mentor_id);
    assert_eq!(before["hours"], 40);
    let report = format!("/api/v1/participants/{}/credit-report", c.mentor_id);
    let personal_before = app.get_json(&report, &c.staff).await;

    ok(
        app.post(
            &format!("/api/v1/participants/{}/erasure", c.mentor_id),
            Some(&c.staff),
            &json!({}),
        )
        .await,
        StatusCode::NO_CONTENT,
        "erasure",
    )
    .await;

    let after = row_of(&app.get_json(&overview, &c.staff).await, c.mentor_id);
    assert_eq!(after["hours"], 40, "the credits stay countable: {after}");
    assert_eq!(after["days"], before["days"]);
    assert_eq!(after["status"], before["status"]);
    assert_eq!(after["project_kind"], before["project_kind"]);
    assert_eq!(after["first_name"], "");
    assert_eq!(
        after["last_name"],
        format!("Gelöschte Person #{}", c.mentor_id)
    );
    assert!(!after.to_string().contains("Erika") && !after.to_string().contains("Mustermann"));
    let csv = app
        .client
        .get(format!(
            "{}/api/v1/credit-reports.csv?year={year}",
            app.address
        ))
        .bearer_auth(&c.staff)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.contains(&format!("Gelöschte Person #{}", c.mentor_id)));
    assert!(!csv.contains("mentor@example.org"));
    // The co-mentor's row is untouched.
    let co = row_of(&app.get_json(&overview, &c.staff).await, c.co_mentor_id);
    assert_eq!(co["first_name"], "Erika");

    // Staff still read the personal report (ids, formats, dates, hours: no name in it).
    let personal_after = app.get_json(&report, &c.staff).await;
    assert_eq!(
        personal_after["total_hours"],
        personal_before["total_hours"]
    );
    assert_eq!(personal_after["items"], personal_before["items"]);
    // Bad input still changes nothing: an unknown participant and a second erasure are 404.
    for id in [c.mentor_id, 999_999] {
        let res = app
            .post(
                &format!("/api/v1/participants/{id}/erasure"),
                Some(&c.staff),
                &json!({}),
            )
            .await;
        crate::support::app::assert_problem(res, StatusCode::NOT_FOUND).await;
    }
    assert_problem_404(&app, &c.staff, 999_999).await;
}

async fn assert_problem_404(app: &TestApp, staff: &str, id: i64) {
    let res = app
        .get(
            &format!("/api/v1/participants/{id}/credit-report"),
            Some(staff),
        )
        .await;
    crate::support::app::assert_problem(res, StatusCode::NOT_FOUND).await;
}
