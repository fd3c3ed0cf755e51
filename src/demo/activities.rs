//! Demo sessions in every state, with documentation and the mentors' credits where they were
//! documented; then forum sponsorships and practice tips (`contributions`).

use chrono::{Duration, NaiveDate, NaiveTime, Utc};
use diesel::prelude::*;
use rand::Rng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

use crate::db::models::audit_events::{self, Actor, Change};
use crate::db::models::credits::{self, CreditSource, Earning};
use crate::db::models::session_documentation::{self, Documentation};
use crate::db::models::sessions::{self, NewSession, TransitionChanges};
use crate::db::schema::topics;
use crate::db::{self, DbConnection, DbPool};
use crate::domain::session::SessionState;
use crate::error::AppError;

use super::contributions;
use super::people::Cast;

/// How many rows of each kind the activities created.
#[derive(Debug, Default)]
pub struct Created {
    pub sessions: usize,
    pub sponsorships: usize,
    pub practice_tips: usize,
    pub credits: usize,
    pub credit_hours: i64,
}

impl Created {
    /// Counts a granted credit.
    pub fn credit(&mut self, credit: &credits::Credit) {
        self.credits += 1;
        self.credit_hours += i64::from(credit.hours);
    }
}

/// (target state, format, days from today, title)
const SESSIONS: &[(SessionState, &str, i64, &str)] = &[
    (
        SessionState::Documented,
        "expert_event_session",
        -610,
        "Kommunale Energieeffizienz",
    ),
    (
        SessionState::Documented,
        "regional_meeting",
        -540,
        "Regionaltreffen West: Kommunale Flächen",
    ),
    (
        SessionState::Documented,
        "webinar",
        -400,
        "Klimaschutzkonzepte fortschreiben",
    ),
    (
        SessionState::Documented,
        "webinar",
        -120,
        "Kommunale Wärmeplanung starten",
    ),
    (
        SessionState::Documented,
        "webinar",
        -90,
        "Fördermittel für Klimaschutzprojekte",
    ),
    (
        SessionState::Documented,
        "regional_meeting",
        -75,
        "Regionaltreffen Nord: Klimaanpassung",
    ),
    (
        SessionState::Documented,
        "webinar",
        -60,
        "Beteiligung in der Verwaltung",
    ),
    (
        SessionState::Documented,
        "expert_event_session",
        -45,
        "Energiemanagement in Liegenschaften",
    ),
    (
        SessionState::Documented,
        "webinar",
        -30,
        "Klimaschutz im Haushalt verankern",
    ),
    (
        SessionState::Held,
        "webinar",
        -10,
        "Radverkehr im ländlichen Raum",
    ),
    (
        SessionState::Held,
        "regional_meeting",
        -5,
        "Regionaltreffen Süd: Photovoltaik",
    ),
    (
        SessionState::Approved,
        "webinar",
        14,
        "Öffentlichkeitsarbeit mit kleinem Budget",
    ),
    (
        SessionState::Approved,
        "webinar",
        40,
        "Treibhausgasbilanz fortschreiben",
    ),
    (
        SessionState::Approved,
        "expert_event_session",
        60,
        "Kommunale Wärmenetze",
    ),
    (
        SessionState::Proposed,
        "webinar",
        21,
        "Klimaschutzkonzept und Politik",
    ),
    (
        SessionState::Proposed,
        "regional_meeting",
        35,
        "Regionaltreffen Ost: Netzwerke",
    ),
    (
        SessionState::Proposed,
        "webinar",
        70,
        "Nachhaltige Beschaffung",
    ),
    (
        SessionState::Declined,
        "webinar",
        28,
        "Doppelte Terminanfrage",
    ),
    (
        SessionState::Cancelled,
        "webinar",
        50,
        "Abgesagter Austausch",
    ),
];

/// Creates the sessions, sponsorships and tips, one transaction each.
pub async fn create_all(
    pool: &DbPool,
    staff: i64,
    cast: &Cast,
    today: NaiveDate,
    rng: &mut StdRng,
) -> Result<Created, AppError> {
    let topic_ids: Vec<i64> = db::run(pool, |conn| {
        Ok(topics::table
            .filter(topics::status.eq("accepted"))
            .order(topics::id.asc())
            .select(topics::id)
            .load(conn)?)
    })
    .await?;
    let mut created = Created::default();
    for (k, &(state, format, days, title)) in SESSIONS.iter().enumerate() {
        let mentors = vec![
            cast.mentors[k % cast.mentors.len()],
            cast.mentors[(k + 1) % cast.mentors.len()],
        ];
        let topic = topic_ids[rng.random_range(0..topic_ids.len())];
        let day = today + Duration::days(days);
        let hours = db::write(pool, move |conn| {
            session(conn, staff, state, format, day, title, &mentors, topic)
        })
        .await?;
        created.sessions += 1;
        for credit in &hours {
            created.credit(credit);
        }
    }
    contributions::create(pool, staff, cast, &topic_ids, today, &mut created).await?;
    Ok(created)
}

/// Records an audit event by the demo's staff account (ids, states and numbers only).
pub fn audit(
    conn: &mut DbConnection,
    staff: i64,
    action: &str,
    entity_type: &str,
    id: i64,
    after: Value,
) -> Result<(), AppError> {
    audit_events::record(
        conn,
        Change {
            actor: &Actor::account(staff),
            action,
            entity_type,
            entity_id: id.to_string(),
            before: None,
            after: Some(after),
        },
    )?;
    Ok(())
}

/// Writes one session and moves it to `target`; a documented one credits its mentors on its day.
#[allow(clippy::too_many_arguments)]
pub(super) fn session(
    conn: &mut DbConnection,
    staff: i64,
    target: SessionState,
    format: &str,
    day: NaiveDate,
    title: &str,
    mentors: &[i64],
    topic: i64,
) -> Result<Vec<credits::Credit>, AppError> {
    let now = Utc::now().naive_utc();
    let starts_at = day.and_time(NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default());
    let expert = format == "expert_event_session";
    let row = sessions::insert(
        conn,
        &NewSession {
            format_code: format,
            title,
            guiding_question: "Was hat sich in der Praxis bewährt?",
            starts_at,
            ends_at: starts_at + Duration::hours(2),
            calendar_year: chrono::Datelike::year(&day),
            online: format == "webinar",
            place: (format != "webinar").then_some("Berlin"),
            event_name: expert.then_some("SK:KK Fachkonferenz"),
            expected_audience: Some("Klimaschutzmanagerinnen und -manager"),
            state: SessionState::Proposed,
            capacity_override: false,
            proposed_by: mentors[0],
            version: 1,
            created_at: now,
            updated_at: now,
        },
        mentors,
        &[topic],
    )?;
    let id = row.id;
    audit(
        conn,
        staff,
        "session.proposed",
        "session",
        id,
        json!({"state": "proposed"}),
    )?;
    let decided = TransitionChanges {
        decided_by: Some(Some(staff)),
        decided_at: Some(Some(now)),
        ..TransitionChanges::default()
    };
    let reason = TransitionChanges {
        state_reason: Some(Some("Terminüberschneidung".to_owned())),
        ..decided
    };
    let steps: &[(SessionState, SessionState, &TransitionChanges)] = match target {
        SessionState::Proposed => &[],
        SessionState::Declined => &[(SessionState::Proposed, SessionState::Declined, &reason)],
        SessionState::Cancelled => &[
            (SessionState::Proposed, SessionState::Approved, &decided),
            (SessionState::Approved, SessionState::Cancelled, &reason),
        ],
        _ => &[(SessionState::Proposed, SessionState::Approved, &decided)],
    };
    for (from, to, changes) in steps {
        move_session(conn, staff, id, *from, *to, changes)?;
    }
    if !matches!(target, SessionState::Held | SessionState::Documented) {
        return Ok(Vec::new());
    }
    let held = TransitionChanges {
        people_reached: Some(Some(12 + (id as i32 * 7) % 30)),
        ..TransitionChanges::default()
    };
    move_session(
        conn,
        staff,
        id,
        SessionState::Approved,
        SessionState::Held,
        &held,
    )?;
    if target == SessionState::Held {
        return Ok(Vec::new());
    }
    session_documentation::insert(
        conn,
        &Documentation {
            session_id: id,
            summary: "Zwei Impulse aus der Praxis, danach Austausch in Kleingruppen.".to_owned(),
            results: "Checkliste für den Einstieg; offene Fragen für das nächste Treffen."
                .to_owned(),
            filed_by: mentors[0],
            filed_at: now,
            version: 1,
        },
        &[],
    )?;
    let none = TransitionChanges::default();
    move_session(
        conn,
        staff,
        id,
        SessionState::Held,
        SessionState::Documented,
        &none,
    )?;
    mentors
        .iter()
        .map(|&participant_id| {
            credits::grant(
                conn,
                &Earning {
                    participant_id,
                    format_code: format,
                    source: CreditSource::Session,
                    source_id: id,
                    earned_on: day,
                    chosen_hours: None,
                },
                now,
            )
        })
        .collect()
}

fn move_session(
    conn: &mut DbConnection,
    staff: i64,
    id: i64,
    from: SessionState,
    to: SessionState,
    changes: &TransitionChanges,
) -> Result<(), AppError> {
    let now = Utc::now().naive_utc();
    sessions::transition(conn, id, from, to, changes, now)?.ok_or(AppError::NotFound)?;
    let action = format!("session.{}", to.as_str());
    let after = json!({"from": from.as_str(), "state": to.as_str()});
    audit(conn, staff, &action, "session", id, after)
}
