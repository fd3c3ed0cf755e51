//! The export of Art. 15 and 20 GDPR: it covers every table that refers to a person (checked
//! against the live schema's foreign keys on both backends), it finds a row of the person in each
//! of them, and the zip package holds the same JSON plus the person's files.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};

use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::Text;
use mentoring_api::db::DbConnection;
use mentoring_api::db::models::idempotency_keys::{self, StoredAnswer};
use mentoring_api::db::models::personal_export::COVERED_TABLES;
use mentoring_api::db::models::reminders;
use mentoring_api::db::schema::{format_rules, newsletter_mailings, webhook_endpoints};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::app::{TestApp, assert_problem};
use crate::support::participants::{PDF, registration};
use crate::support::sessions::{accepted_topic, post_status, proposal, propose};
use crate::support::sponsorships::{self, application, months_end};

on_both_backends!(
    every_table_referring_to_a_person_is_covered_by_the_export,
    export_and_package_hold_a_row_of_every_table_and_the_files,
    package_is_for_the_person_and_staff_only,
);

/// A PNG signature and the start of an IHDR chunk: enough for the content check.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

/// Tables a participant's account can never be named in through the API (staff-only writes);
/// the test writes their rows directly.
const STAFF_ONLY: &[&str] = &[
    "format_rules_recorded",
    "newsletter_mailings_recorded",
    "webhook_endpoints_registered",
    "idempotency_keys",
];

#[derive(QueryableByName)]
struct ForeignKey {
    #[diesel(sql_type = Text)]
    source: String,
    #[diesel(sql_type = Text)]
    target: String,
}

/// Every `(table, referenced table)` foreign key of the live schema.
fn foreign_keys(conn: &mut DbConnection) -> Vec<(String, String)> {
    let sql = match conn {
        DbConnection::Sqlite(_) => {
            "SELECT m.name AS source, f.\"table\" AS target \
             FROM sqlite_master m, pragma_foreign_key_list(m.name) f \
             WHERE m.type = 'table'"
        }
        DbConnection::Postgresql(_) => {
            "SELECT s.relname::text AS source, t.relname::text AS target \
             FROM pg_constraint c \
             JOIN pg_class s ON s.oid = c.conrelid \
             JOIN pg_class t ON t.oid = c.confrelid \
             JOIN pg_namespace n ON n.oid = c.connamespace \
             WHERE c.contype = 'f' AND n.nspname = current_schema()"
        }
    };
    diesel::sql_query(sql)
        .load::<ForeignKey>(conn)
        .unwrap()
        .into_iter()
        .map(|k| (k.source, k.target))
        .collect()
}

async fn every_table_referring_to_a_person_is_covered_by_the_export(app: TestApp) {
    let pool = app.pool.clone();
    let keys = tokio::task::spawn_blocking(move || foreign_keys(&mut pool.get().unwrap()))
        .await
        .unwrap();
    assert!(
        keys.len() > 30,
        "the introspection sees the schema: {keys:?}"
    );
    let all_tables: BTreeSet<&str> = keys
        .iter()
        .flat_map(|(s, t)| [s.as_str(), t.as_str()])
        .collect();
    let mut personal: BTreeSet<&str> = keys
        .iter()
        .filter(|(_, target)| target == "participants" || target == "accounts")
        .map(|(source, _)| source.as_str())
        .collect();
    personal.extend(["participants", "accounts"]);
    let covered: BTreeSet<&str> = COVERED_TABLES.iter().map(|c| c.table).collect();
    let missing: Vec<&&str> = personal.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "tables referring to a person that the export does not cover: {missing:?} \
         (add them to personal_export::COVERED_TABLES and the export)"
    );
    let stale: Vec<&&str> = covered.difference(&all_tables).collect();
    assert!(
        stale.is_empty(),
        "covered tables not in the schema: {stale:?}"
    );

    // The JSON has exactly the declared keys, so the list cannot drift from the export.
    let staff = app.staff_token().await;
    let (id, token) = app
        .active_participant(&staff, "cover@example.org", "first_project", &["mentee"])
        .await;
    let export = app
        .get_json(&format!("/api/v1/participants/{id}/export"), &token)
        .await;
    let mut json_keys: BTreeSet<&str> = export
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert!(json_keys.remove("exported_at"));
    let declared: BTreeSet<&str> = COVERED_TABLES.iter().map(|c| c.key).collect();
    assert_eq!(json_keys, declared);
}

/// The entries of a zip, by name.
fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip file");
    let mut files = BTreeMap::new();
    for n in 0..archive.len() {
        let mut entry = archive.by_index(n).unwrap();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        files.insert(entry.name().unwrap().into_owned(), content);
    }
    files
}

fn ids_of(export: &Value, key: &str, field: &str) -> Vec<i64> {
    export[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} is a list"))
        .iter()
        .map(|row| row[field].as_i64().unwrap())
        .collect()
}

/// Writes the rows of the staff-only tables for `account_id` directly.
fn reminder_rows(conn: &mut DbConnection, participant_id: i64, project_id: i64, session_id: i64) {
    let now = Utc::now().naive_utc();
    assert!(reminders::record_session_reminder(conn, session_id, participant_id, now).unwrap());
    let year_start = now.date() - Duration::days(300);
    let recorded = reminders::record_credit_reminder(
        conn,
        &reminders::NewCreditReminder {
            participant_id,
            project_id,
            project_year: 1,
            year_start,
            year_end: year_start + Duration::days(364),
            credited_hours: 20,
            missing_hours: 20,
            sent_at: now,
        },
    );
    assert!(recorded.unwrap());
}

fn staff_only_rows(conn: &mut DbConnection, account_id: i64) {
    let now = Utc::now().naive_utc();
    diesel::insert_into(format_rules::table)
        .values((
            format_rules::format_code.eq("webinar"),
            format_rules::valid_from.eq(chrono::NaiveDate::from_ymd_opt(2099, 1, 1).unwrap()),
            format_rules::credit_hours.eq(Some(40)),
            format_rules::bookable.eq(true),
            format_rules::created_by_account_id.eq(Some(account_id)),
            format_rules::created_at.eq(now),
        ))
        .execute(conn)
        .unwrap();
    diesel::insert_into(newsletter_mailings::table)
        .values((
            newsletter_mailings::sent_on.eq(now.date()),
            newsletter_mailings::recorded_by.eq(account_id),
            newsletter_mailings::recorded_at.eq(now),
        ))
        .execute(conn)
        .unwrap();
    diesel::insert_into(webhook_endpoints::table)
        .values((
            webhook_endpoints::url.eq("https://community.example.org/hook"),
            webhook_endpoints::event_types.eq("participant.activated"),
            webhook_endpoints::secret.eq("whsec-Zqxsecret"),
            webhook_endpoints::enabled.eq(false),
            webhook_endpoints::disabled_reason.eq(Some("test")),
            webhook_endpoints::consecutive_failures.eq(0),
            webhook_endpoints::fanned_out_until.eq(0_i64),
            webhook_endpoints::created_by.eq(account_id),
            webhook_endpoints::created_at.eq(now),
            webhook_endpoints::version.eq(1_i64),
        ))
        .execute(conn)
        .unwrap();
    idempotency_keys::store(
        conn,
        &StoredAnswer {
            account_id,
            operation: "create_newsletter_mailing".to_owned(),
            idempotency_key: "key-Zqxkey".to_owned(),
            request_sha256: "0".repeat(64),
            location: "/api/v1/newsletter/mailings/1".to_owned(),
            response_body: "{\"someone_else\":\"Zqxbody\"}".to_owned(),
            created_at: now,
        },
    )
    .unwrap();
}

async fn export_and_package_hold_a_row_of_every_table_and_the_files(app: TestApp) {
    let staff = app.staff_token().await;
    let topic = accepted_topic(&app, &staff).await;
    // The person: mentee and mentor on a first project (a deviation the agency is told about).
    let mut body = registration("person@example.org", "first_project", &["mentee", "mentor"]);
    body["expertise_topic_ids"] = json!([topic]);
    let (me, project, token) = app.register(&body).await;
    app.activate(&staff, me, project, &token).await;
    let (other, other_token) = app
        .active_participant(
            &staff,
            "other@example.org",
            "follow_up_project",
            &["mentor"],
        )
        .await;
    let me_path = format!("/api/v1/participants/{me}");
    // A password link (account_tokens); the registration and activation were mailed already.
    assert_eq!(
        app.post(
            "/api/v1/password-resets",
            None,
            &json!({"email": "person@example.org"})
        )
        .await
        .status(),
        StatusCode::ACCEPTED
    );
    assert_eq!(
        app.post(
            &format!("{me_path}/funding-agency-notifications"),
            Some(&staff),
            &json!({"notified_on": "2026-11-20", "channel": "letter", "note": "Brief an PtJ"})
        )
        .await
        .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        app.post(
            &format!("{me_path}/role-changes"),
            Some(&token),
            &json!({"roles": ["mentor"], "reason": "Mehr Zeit"})
        )
        .await
        .status(),
        StatusCode::CREATED
    );

    // Session A: the person proposes, holds, uploads a photo and files the documentation.
    let mine = propose(&app, &token, &proposal("webinar", topic, -2, &[other])).await;
    let a = format!("/api/v1/sessions/{mine}");
    assert_eq!(
        post_status(&app, &format!("{a}/approval"), &staff, json!({})).await,
        StatusCode::OK
    );
    assert_eq!(
        post_status(
            &app,
            &format!("{a}/holding"),
            &token,
            json!({"people_reached": 12})
        )
        .await,
        StatusCode::OK
    );
    let res = app
        .send_file(
            Method::POST,
            &format!("{a}/attachments"),
            &token,
            "image/png",
            PNG.to_vec(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let documentation = json!({"summary": "Zusammenfassung", "results": "Ergebnisse",
        "people_reached": 12, "case_examples": []});
    assert_eq!(
        post_status(&app, &format!("{a}/documentation"), &token, documentation).await,
        StatusCode::OK
    );

    // Session B of the other mentor: the person signs up, sends a case, which is documented.
    let theirs = propose(&app, &other_token, &proposal("webinar", topic, -2, &[me])).await;
    let b = format!("/api/v1/sessions/{theirs}");
    assert_eq!(
        post_status(&app, &format!("{b}/approval"), &staff, json!({})).await,
        StatusCode::OK
    );
    let theirs_future = propose(&app, &other_token, &proposal("webinar", topic, 10, &[])).await;
    let c = format!("/api/v1/sessions/{theirs_future}");
    assert_eq!(
        post_status(&app, &format!("{c}/approval"), &staff, json!({})).await,
        StatusCode::OK
    );
    let res = app
        .post(&format!("{c}/signup"), Some(&token), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = app
        .post(
            &format!("{b}/questions"),
            Some(&token),
            &json!({"body": "Unser Bürgerrat", "is_case_example": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let question = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    assert_eq!(
        post_status(
            &app,
            &format!("{b}/holding"),
            &other_token,
            json!({"people_reached": 9})
        )
        .await,
        StatusCode::OK
    );
    let documentation = json!({"summary": "S", "results": "R", "people_reached": 9,
        "case_examples": [{"question_id": question, "text": "Ein Bürgerrat."}]});
    assert_eq!(
        post_status(
            &app,
            &format!("{b}/documentation"),
            &other_token,
            documentation
        )
        .await,
        StatusCode::OK
    );

    // Calendar feed, forum sponsorship, practice tip with PDF, topic proposal, newsletter.
    let feed: Value = app
        .post("/api/v1/calendar-feed-tokens", Some(&token), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let feed_text = feed.to_string();
    let forum = sponsorships::forum(&app, 0).await;
    let start = sponsorships::today() + Duration::days(7);
    sponsorships::apply(
        &app,
        &token,
        &application(forum, start, months_end(start, 6), 20),
    )
    .await;
    let tip = crate::practice_tips::create(
        &app,
        &token,
        &crate::practice_tips::new_tip("Haushalt", "text", topic),
    )
    .await;
    let res = app
        .upload(
            &format!("/api/v1/practice-tips/{tip}/document"),
            &token,
            "application/pdf",
            PDF.to_vec(),
        )
        .await;
    assert!(res.status().is_success(), "tip upload: {}", res.status());
    let res = app
        .post(
            "/api/v1/topics",
            Some(&token),
            &json!({"group": "local_politics", "title_de": "Klimaschutz im Wahlkampf"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = app
        .post(
            "/api/v1/newsletter/mailings",
            Some(&staff),
            &json!({"subject": "Newsletter", "intro": "Neues.", "sent_on": sponsorships::today()}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    // A participation certificate (certificates).
    let res = app
        .get(&format!("{me_path}/certificate.pdf"), Some(&token))
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    // What only staff accounts write, written for the person's account directly.
    let pool = app.pool.clone();
    let account_id = tokio::task::spawn_blocking(move || {
        mentoring_api::db::models::participants::find(&mut pool.get().unwrap(), me)
            .unwrap()
            .unwrap()
            .account_id
    })
    .await
    .unwrap();
    let pool = app.pool.clone();
    tokio::task::spawn_blocking(move || staff_only_rows(&mut pool.get().unwrap(), account_id))
        .await
        .unwrap();
    // Individual mentoring: the person asks, the other mentor accepts, they agree and talk.
    {
        use crate::support::mentoring::{accept, agree, ask, open_format, phone_call};
        open_format(&app, &staff, 2).await;
        let request = ask(&app, &token, &json!({"topic_ids": [topic]})).await;
        let res = accept(&app, request, &other_token, &json!({})).await;
        assert_eq!(res.status(), reqwest::StatusCode::CREATED, "pair");
        let pair = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        agree(
            &app,
            pair,
            &token,
            sponsorships::today() + chrono::Duration::days(30),
        )
        .await;
        let contacts = format!("/api/v1/mentoring-pairs/{pair}/contacts");
        let call = phone_call(sponsorships::today());
        let res = app.post(&contacts, Some(&token), &call).await;
        assert_eq!(res.status(), reqwest::StatusCode::CREATED, "contact");
    }
    // What the reminder sweeps write (they act on dates this test cannot wait for).
    let pool = app.pool.clone();
    tokio::task::spawn_blocking(move || {
        reminder_rows(&mut pool.get().unwrap(), me, project, theirs_future)
    })
    .await
    .unwrap();

    // The JSON and the package are compared below: let no message change state in between.
    app.mail_settled().await;
    let export = app.get_json(&format!("{me_path}/export"), &token).await;
    for coverage in COVERED_TABLES {
        let value = &export[coverage.key];
        let empty = value.is_null() || value.as_array().is_some_and(Vec::is_empty);
        assert!(
            !empty,
            "{} ({}) has no row of the person",
            coverage.key, coverage.table
        );
    }
    assert_eq!(export["participant_topics"][0]["topic_id"], topic);
    assert_eq!(
        export["funding_agency_notifications"][0]["project_id"],
        project
    );
    assert_eq!(ids_of(&export, "sessions_proposed", "id"), [mine]);
    assert_eq!(
        ids_of(&export, "sessions_as_mentor", "session_id"),
        [mine, theirs]
    );
    assert_eq!(
        ids_of(&export, "session_signups", "session_id"),
        [theirs_future]
    );
    assert_eq!(
        ids_of(&export, "session_documentation_filed", "session_id"),
        [mine]
    );
    assert_eq!(export["session_case_examples"][0]["question_id"], question);
    assert_eq!(export["session_case_examples"][0]["text"], "Ein Bürgerrat.");
    assert_eq!(
        ids_of(&export, "session_attachments_uploaded", "session_id"),
        [mine]
    );
    let session_credits: Vec<&Value> = export["credits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["source_kind"] == "session")
        .collect();
    assert_eq!(
        session_credits.len(),
        2,
        "credits of both documented sessions"
    );
    assert!(export["calendar_feed_token"]["created_at"].is_string());
    assert_eq!(
        ids_of(&export, "practice_tip_documents", "practice_tip_id"),
        [tip]
    );
    assert_eq!(
        export["topics_proposed"][0]["title_de"],
        "Klimaschutz im Wahlkampf"
    );
    assert!(!export["newsletter_welcomes"].as_array().unwrap().is_empty());
    assert!(
        export["outbox_events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["subject_type"] == "participant" && e["subject_id"] == me)
    );
    assert_eq!(
        export["idempotency_keys"][0]["idempotency_key"],
        "key-Zqxkey"
    );
    let text = export.to_string();
    for secret in ["Zqxbody", "Zqxsecret"] {
        assert!(!text.contains(secret), "{secret} must not be exported");
    }
    for part in feed_text.split('"').filter(|p| p.len() > 20) {
        assert!(!text.contains(part), "the feed token must not be exported");
    }
    for key in STAFF_ONLY {
        assert_eq!(export[key].as_array().unwrap().len(), 1, "{key}");
    }

    // The package: the same JSON and every file its entries name.
    let res = app
        .get(&format!("{me_path}/export.zip"), Some(&token))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/zip");
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("teilnehmende-{me}-export.zip"))
    );
    let files = unzip(&res.bytes().await.unwrap());
    let packed: Value = serde_json::from_slice(&files["export.json"]).unwrap();
    for coverage in COVERED_TABLES {
        if coverage.key == "audit_events" {
            // The JSON export above is itself on the trail now.
            continue;
        }
        assert_eq!(
            packed[coverage.key], export[coverage.key],
            "{}",
            coverage.key
        );
    }
    assert!(
        packed["audit_events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "participant.data_exported"),
        "each export is on the trail"
    );
    let sheet = export["contact_sheets"][0]["file_in_package"]
        .as_str()
        .unwrap();
    assert_eq!(files[sheet], *PDF);
    let photo = export["session_attachments_uploaded"][0]["file_in_package"]
        .as_str()
        .unwrap();
    assert!(photo.ends_with(".png"), "{photo}");
    assert_eq!(files[photo], PNG);
    let pdf = export["practice_tip_documents"][0]["file_in_package"]
        .as_str()
        .unwrap();
    assert_eq!(files[pdf], *PDF);
    assert_eq!(
        files.len(),
        4,
        "export.json and three files: {:?}",
        files.keys()
    );
}

async fn package_is_for_the_person_and_staff_only(app: TestApp) {
    let staff = app.staff_token().await;
    let (me, token) = app
        .active_participant(&staff, "me@example.org", "first_project", &["mentee"])
        .await;
    let (other, _) = app
        .active_participant(&staff, "other@example.org", "first_project", &["mentee"])
        .await;
    let path = |id: i64| format!("/api/v1/participants/{id}/export.zip");
    assert_problem(
        app.get(&path(other), Some(&token)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_problem(app.get(&path(me), None).await, StatusCode::UNAUTHORIZED).await;
    let integration = app.integration_token(&staff).await;
    assert_problem(
        app.get(&path(me), Some(&integration)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_problem(
        app.get(&path(999_999), Some(&staff)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_problem(
        app.get("/api/v1/participants/abc/export.zip", Some(&staff))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    let res = app.get(&path(me), Some(&staff)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let files = unzip(&res.bytes().await.unwrap());
    let packed: Value = serde_json::from_slice(&files["export.json"]).unwrap();
    assert_eq!(packed["participant"]["id"], me);
    let trail = app
        .get_json(
            &format!("/api/v1/audit-events?entity_type=participant&entity_id={me}"),
            &staff,
        )
        .await;
    assert_eq!(trail["items"][0]["action"], "participant.data_exported");
    assert_eq!(trail["items"][0]["after"]["format"], "zip");
}
