//! Seeds a benchmark database at a chosen scale: participants (with account, project,
//! participation and role period), ten years of sessions from 2020 in id order (two mentors each;
//! past ones documented, later ones approved) and one credit per mentor of every documented session.
//! Set-based `INSERT … SELECT` over a recursive counter, one transaction, so 1M credits take
//! seconds, not hours. Every participant logs in as `p<id>@bench.example` with the staff password.
//!
//! ```sh
//! cargo run --release --example bench_seed -- DATABASE_URL PARTICIPANTS CREDITS
//! ```
//! `bench/run` calls it; the database must be new (migrations are applied here).

use std::time::Instant;

use chrono::{NaiveDate, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use mentoring_api::auth::staff::{NewStaffAccount, create_staff_account};
use mentoring_api::config::{Secret, Settings};
use mentoring_api::db::DbConnection;
use mentoring_api::db::models::audit_events::Actor;
use mentoring_api::startup::prepare_database;

/// The staff login and the password of every seeded account.
const STAFF: &str = "bench@example.org";
const PASSWORD: &str = "Pelikan Kartoffel Seilbahn 9";
/// The first day of the ten seeded years (the catalogue's credit rules start here).
const FIRST_DAY: &str = "2020-01-01";
const DAYS: i64 = 3650;

/// SQL that differs between the backends.
struct Dialect {
    now: &'static str,
    postgres: bool,
}

impl Dialect {
    /// The date `FIRST_DAY + (expr) days`.
    fn day(&self, expr: &str) -> String {
        if self.postgres {
            format!("(DATE '{FIRST_DAY}' + ({expr})::int)")
        } else {
            format!("date('{FIRST_DAY}', '+' || ({expr}) || ' days')")
        }
    }

    /// The timestamp `FIRST_DAY hh:00 + (expr) days`.
    fn at(&self, expr: &str, hour: u32) -> String {
        if self.postgres {
            format!("(TIMESTAMP '{FIRST_DAY} {hour:02}:00:00' + ({expr}) * INTERVAL '1 day')")
        } else {
            format!("datetime('{FIRST_DAY} {hour:02}:00:00', '+' || ({expr}) || ' days')")
        }
    }

    fn year(&self, expr: &str) -> String {
        if self.postgres {
            format!("CAST(EXTRACT(YEAR FROM {}) AS INTEGER)", self.day(expr))
        } else {
            format!("CAST(strftime('%Y', {}) AS INTEGER)", self.day(expr))
        }
    }
}

/// `WITH RECURSIVE n(i)` counting 1..=count, prefixed to an `INSERT … SELECT … FROM n`.
fn counter(count: i64) -> String {
    format!(
        "WITH RECURSIVE n(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < {count})"
    )
}

fn seed_sql(d: &Dialect, staff: i64, participants: i64, sessions: i64, past_days: i64) -> String {
    let now = d.now;
    let n = counter(participants);
    let s = counter(sessions);
    let mentors = participants / 3;
    // Session s: ids in date order over ten years, as the service creates them; mentors 3k
    // (mentor only) and 3k-1 (both roles).
    let offset = format!("((s.i * {DAYS}) / {sessions})");
    let m1 = format!("(3 * (s.i % {mentors}) + 3)");
    format!(
        "
INSERT INTO accounts (id, login, password_hash, role, display_name, created_at, updated_at)
{n} SELECT i + {staff}, 'p' || i || '@bench.example', (SELECT password_hash FROM accounts WHERE id = {staff}),
  'participant', 'Teilnehmende ' || i, {now}, {now} FROM n;
INSERT INTO participants (id, account_id, status, salutation, first_name, last_name, email, phone,
  experience, is_mentee, is_mentor, consent_directory, consent_newsletter_welcome, activated_at,
  version, created_at, updated_at)
{n} SELECT i, i + {staff}, 'active', 'ms', 'Vorname' || i, 'Nachname' || i, 'p' || i || '@bench.example',
  '+49 30 1234567', 'some', i % 3 <> 0, i % 3 <> 1, i % 4 <> 0, TRUE, {now}, 1, {now}, {now} FROM n;
INSERT INTO projects (id, participant_id, kind, employer, municipality, federal_state, funding_reference,
  start_date, created_by, created_at)
{n} SELECT i, i, 'first_project', 'Gemeinde ' || (i % 10000), 'Gemeinde ' || (i % 10000),
  CASE i % 4 WHEN 0 THEN 'NW' WHEN 1 THEN 'BY' WHEN 2 THEN 'BE' ELSE 'SN' END, '67K' || i,
  '{FIRST_DAY}', {staff}, {now} FROM n;
INSERT INTO participations (id, participant_id, started_on, started_by)
{n} SELECT i, i, '{FIRST_DAY}', {staff} FROM n;
INSERT INTO role_periods (id, participant_id, is_mentee, is_mentor, valid_from, source, recorded_by, recorded_at)
{n} SELECT i, i, i % 3 <> 0, i % 3 <> 1, '{FIRST_DAY}', 'registration', {staff}, {now} FROM n;
INSERT INTO sessions (id, format_code, title, guiding_question, starts_at, ends_at, calendar_year, online,
  state, capacity_override, proposed_by, version, created_at, updated_at)
{s} SELECT s.i, 'webinar', 'Wärmeplanung ' || s.i, 'Wie starten Kommunen die Wärmeplanung?',
  {starts}, {ends}, {year}, TRUE,
  CASE WHEN {offset} < {past_days} THEN 'documented' ELSE 'approved' END, FALSE, {m1}, 1, {now}, {now}
  FROM n AS s;
INSERT INTO session_mentors (session_id, participant_id) {s} SELECT s.i, {m1} FROM n AS s;
INSERT INTO session_mentors (session_id, participant_id) {s} SELECT s.i, {m1} - 1 FROM n AS s;
INSERT INTO session_topics (session_id, topic_id)
{s} SELECT s.i, (SELECT MIN(id) FROM topics WHERE status = 'accepted') FROM n AS s;
INSERT INTO credits (participant_id, format_code, source_kind, source_id, earned_on, hours, format_rule_id, created_at)
SELECT m.participant_id, 'webinar', 'session', m.session_id, {earned}, r.credit_hours, r.id, {now}
  FROM session_mentors m JOIN sessions x ON x.id = m.session_id
  JOIN format_rules r ON r.format_code = 'webinar' AND r.valid_from = '{FIRST_DAY}'
  WHERE x.state = 'documented';
",
        starts = d.at(&offset, 10),
        ends = d.at(&offset, 12),
        year = d.year(&offset),
        earned = d.day(&format!("((m.session_id * {DAYS}) / {sessions})")),
    )
}

/// Moves PostgreSQL's id sequences past the explicit ids, so the service's inserts still work.
fn bump_sequences(conn: &mut DbConnection) -> QueryResult<()> {
    for table in [
        "accounts",
        "participants",
        "projects",
        "participations",
        "role_periods",
        "sessions",
    ] {
        conn.batch_execute(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
        ))?;
    }
    Ok(())
}

fn settings(database_url: &str) -> Settings {
    Settings {
        bind_addr: "127.0.0.1:0".to_owned(),
        database_url: database_url.to_owned(),
        pool_size: 2,
        jwt_secret: Secret::new(b"bench-secret-bench-secret-bench-secret-01".to_vec()),
        token_ttl_secs: 3600,
        refresh_token_ttl_secs: 30 * 86_400,
        cors_origins: Vec::new(),
        workers: Some(1),
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

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, participants, credits] = &args[..] else {
        panic!("usage: bench_seed DATABASE_URL PARTICIPANTS CREDITS");
    };
    let participants: i64 = participants.parse().expect("PARTICIPANTS is a number");
    let credits: i64 = credits.parse().expect("CREDITS is a number");
    assert!(
        participants >= 3,
        "at least three participants (mentors rotate in threes)"
    );
    let started = Instant::now();
    let pool = prepare_database(&settings(url)).expect("database reachable and migrated");
    let staff = NewStaffAccount {
        email: STAFF.to_owned(),
        password: PASSWORD.to_owned(),
        display_name: "Bench".to_owned(),
    };
    let staff = create_staff_account(&pool, staff, Actor::system())
        .await
        .expect("fresh database")
        .id;
    let first = NaiveDate::parse_from_str(FIRST_DAY, "%Y-%m-%d").unwrap();
    let past_days = (Utc::now().date_naive() - first).num_days();
    // Two credits per documented session; documented are the past share of the ten years.
    let past_share = (past_days as f64 / DAYS as f64).min(1.0);
    let sessions = ((credits as f64 / 2.0 / past_share).ceil() as i64).max(1);
    let mut conn = pool.get().expect("a connection");
    let postgres = matches!(*conn, DbConnection::Postgresql(_));
    let dialect = Dialect {
        now: if postgres {
            "LOCALTIMESTAMP"
        } else {
            "datetime('now')"
        },
        postgres,
    };
    let sql = seed_sql(&dialect, staff, participants, sessions, past_days);
    conn.transaction(|conn| {
        conn.batch_execute(&sql)?;
        if postgres {
            bump_sequences(conn)?;
        }
        conn.batch_execute("ANALYZE")
    })
    .expect("seeded");
    // Measure a settled database, as a maintained one would be: on PostgreSQL the bulk insert
    // leaves pages without visibility-map bits and hint bits (index-only scans would visit the
    // heap, the first reads would write) and autovacuum would start on the new tables during
    // the measurements; on SQLite the WAL would still hold the whole seed.
    // One statement per call: PostgreSQL runs a multi-statement string as one transaction,
    // where VACUUM may not run.
    let settle: &[&str] = if postgres {
        &["VACUUM (ANALYZE)", "CHECKPOINT"]
    } else {
        &["PRAGMA wal_checkpoint(TRUNCATE)"]
    };
    for statement in settle {
        conn.batch_execute(statement).expect("settled");
    }
    let count: i64 = mentoring_api::db::schema::credits::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    println!(
        "seeded {participants} participants, {sessions} sessions, {count} credits in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
