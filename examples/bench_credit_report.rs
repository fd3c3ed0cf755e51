//! Latency of the credit report for a mentor with ten years of history (three projects, a few
//! hundred credits with their sessions), on SQLite or PostgreSQL. Run by hand, not by `cargo test`:
//!
//! ```sh
//! cargo run --example bench_credit_report                       # SQLite in a temp dir
//! cargo run --example bench_credit_report -- postgres://postgres@127.0.0.1:5432/bench_db
//! ```
//! (`scripts/bench-credit-report` wraps both.) Prints p50/p95/p99/max per rendering.

use std::time::{Duration, Instant};

use chrono::{Duration as Days, NaiveDate, Utc};
use diesel::prelude::*;
use mentoring_api::auth::staff::{NewStaffAccount, create_staff_account};
use mentoring_api::config::{Secret, Settings};
use mentoring_api::db::DbConnection;
use mentoring_api::db::models::audit_events::Actor;
use mentoring_api::db::models::credits::{self, CreditSource, Earning};
use mentoring_api::db::models::sessions::{self, NewSession};
use mentoring_api::db::schema::topics;
use mentoring_api::domain::session::SessionState;
use mentoring_api::startup::Application;
use serde_json::{Value, json};

const PASSWORD: &str = "Pelikan Kartoffel Seilbahn 9";
const ROUNDS: usize = 200;

fn settings(database_url: &str) -> Settings {
    Settings {
        bind_addr: "127.0.0.1:0".to_owned(),
        database_url: database_url.to_owned(),
        pool_size: 4,
        jwt_secret: Secret::new(b"bench-secret-bench-secret-bench-secret-01".to_vec()),
        token_ttl_secs: 3600,
        refresh_token_ttl_secs: 30 * 86_400,
        cors_origins: Vec::new(),
        workers: Some(2),
        funding_agency_name: "PtJ".to_owned(),
        max_forums: 12,
        webhooks: Default::default(),
        trusted_proxies: Vec::new(),
        registrations_per_hour: 0,
        mail: mentoring_api::config::MailSettings::default(),
        reminders: mentoring_api::config::ReminderSettings::default(),
        metrics_token: None,
        programme: mentoring_api::domain::programme::Programme::default(),
        sisters: Vec::new(),
    }
}

/// Ten years of credits: per year 12 sessions (with rows, mentors and topics), 4 sponsorships
/// of 20 h and 6 practice tips; 220 credits in all.
fn seed(conn: &mut DbConnection, mentor: i64, first_day: NaiveDate) {
    let topic: i64 = topics::table
        .select(topics::id)
        .first(conn)
        .expect("a seeded topic");
    let now = Utc::now().naive_utc();
    let mut source_id = 0;
    for day_offset in (0..3650).step_by(17) {
        let day = first_day + Days::days(day_offset);
        source_id += 1;
        let (format, source, hours) = match source_id % 11 {
            0 | 1 => (
                "forum_sponsorship",
                CreditSource::ForumSponsorship,
                Some(20),
            ),
            2..=4 => ("practice_tip", CreditSource::PracticeTip, None),
            _ => ("webinar", CreditSource::Session, None),
        };
        let source_id = if source == CreditSource::Session {
            let starts = day.and_hms_opt(10, 0, 0).unwrap();
            let new = NewSession {
                format_code: "webinar",
                title: "Wärmeplanung kompakt",
                guiding_question: "Wie starten Kommunen die Wärmeplanung?",
                starts_at: starts,
                ends_at: starts + Days::hours(2),
                calendar_year: chrono::Datelike::year(&day),
                online: true,
                place: None,
                event_name: None,
                expected_audience: None,
                state: SessionState::Held,
                capacity_override: false,
                proposed_by: mentor,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            sessions::insert(conn, &new, &[mentor], &[topic])
                .unwrap()
                .id
        } else {
            source_id
        };
        let earning = Earning {
            participant_id: mentor,
            format_code: format,
            source,
            source_id,
            earned_on: day,
            chosen_hours: hours,
        };
        credits::grant(conn, &earning, now).unwrap();
    }
}

fn percentiles(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q) as usize];
    println!(
        "{name:<12} n={} p50={:?} p95={:?} p99={:?} max={:?}",
        samples.len(),
        at(0.5),
        at(0.95),
        at(0.99),
        samples[samples.len() - 1]
    );
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| dir.path().join("bench.sqlite3").display().to_string());
    let app = Application::build(settings(&url)).expect("server starts");
    let base = format!("http://127.0.0.1:{}/api/v1", app.port());
    let pool = app.pool();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    let staff = NewStaffAccount {
        email: "bench@example.org".to_owned(),
        password: PASSWORD.to_owned(),
        display_name: "Bench".to_owned(),
    };
    create_staff_account(&pool, staff, Actor::system())
        .await
        .unwrap();
    let login: Value = client
        .post(format!("{base}/auth/token"))
        .json(&json!({"email": "bench@example.org", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().unwrap().to_owned();

    // The seeded catalogue rules start on 2020-01-01; ten years from there.
    let first_day = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let project = |kind: &str, start: NaiveDate, end: Option<NaiveDate>| {
        json!({"kind": kind, "employer": "Stadt Musterstadt", "municipality": "Musterstadt",
            "federal_state": "NW", "funding_reference": "67K12345",
            "start_date": start.to_string(), "end_date": end.map(|d| d.to_string())})
    };
    let ksm1_end = first_day + Days::days(3 * 365);
    let ksm2_end = ksm1_end + Days::days(5 * 365);
    let registration = json!({
        "salutation": "ms", "first_name": "Erika", "last_name": "Mustermann",
        "email": "mentor@example.org", "phone": "+49 30 1234567", "password": PASSWORD,
        "experience": "experienced", "roles": ["mentor"],
        "consents": {"directory": true, "newsletter_welcome": true},
        "project": project("first_project", first_day, Some(ksm1_end)),
    });
    let created: Value = client
        .post(format!("{base}/registrations"))
        .json(&registration)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mentor = created["id"].as_i64().expect("registered");
    for body in [
        project(
            "follow_up_project",
            ksm1_end + Days::days(1),
            Some(ksm2_end),
        ),
        project("permanent_position", ksm2_end + Days::days(1), None),
    ] {
        let res = client
            .post(format!("{base}/participants/{mentor}/projects"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "project added");
    }
    let seeding = pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = seeding.get().unwrap();
        seed(&mut conn, mentor, first_day);
    })
    .await
    .unwrap();

    let report = format!("{base}/participants/{mentor}/credit-report");
    for (name, accept) in [
        ("json", "application/json"),
        ("nki-text", "text/plain"),
        ("csv", "text/csv"),
    ] {
        let mut samples = Vec::with_capacity(ROUNDS);
        for _ in 0..ROUNDS {
            let started = Instant::now();
            let res = client
                .get(&report)
                .bearer_auth(&token)
                .header("accept", accept)
                .send()
                .await
                .unwrap();
            assert!(res.status().is_success());
            res.bytes().await.unwrap();
            samples.push(started.elapsed());
        }
        percentiles(name, samples);
    }
}
