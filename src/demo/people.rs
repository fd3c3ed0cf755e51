//! Demo participants: German names, one municipality per federal state, every project kind,
//! mentors and mentees as the funding body expects them (with a few deviations), pending, active
//! and ended, each with their own phone number and funding reference, projects and activations
//! spread over the past years (see `roster`).

use chrono::{Duration, Months, NaiveDate, NaiveTime, Utc};

use crate::auth::password;
use crate::auth::role::Role;
use crate::db::models::accounts::{self, NewAccount};
use crate::db::models::audit_events::{self, Actor, Change};
use crate::db::models::participants::transition;
use crate::db::models::participants::{self, NewParticipant};
use crate::db::models::projects::{self, NewProject};
use crate::db::models::{contact_sheets, participations, roles};
use crate::db::{self, DbPool};
use crate::domain::events::EventType;
use crate::domain::participant::{
    Experience, FederalState, ParticipantStatus, ProjectDates, ProjectKind, Salutation,
};
use crate::error::AppError;

use super::roster::{Plan, ROSTER};
use super::{DEMO_PARTICIPANT_PASSWORD, PARTICIPANTS};

const FIRST_NAMES: &[(Salutation, &str)] = &[
    (Salutation::Ms, "Anna"),
    (Salutation::Mr, "Jonas"),
    (Salutation::Ms, "Lea"),
    (Salutation::Mr, "Lukas"),
    (Salutation::Ms, "Marie"),
    (Salutation::Mr, "Felix"),
    (Salutation::Ms, "Sophie"),
    (Salutation::Mr, "Paul"),
    (Salutation::Ms, "Hannah"),
    (Salutation::Mr, "Maximilian"),
    (Salutation::Ms, "Clara"),
    (Salutation::Mr, "Tobias"),
    (Salutation::Ms, "Johanna"),
    (Salutation::Mr, "Florian"),
    (Salutation::Ms, "Katharina"),
    (Salutation::Mr, "Matthias"),
    (Salutation::Ms, "Julia"),
    (Salutation::Mr, "Stefan"),
    (Salutation::Ms, "Greta"),
    (Salutation::Mr, "Henrik"),
];
const LAST_NAMES: &[&str] = &[
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Meier",
    "Lehmann",
    "Schmid",
    "Schulze",
    "Maier",
    "Köhler",
    "Herrmann",
    "König",
    "Walter",
    "Mayer",
    "Huber",
    "Kaiser",
];
/// One municipality per federal state, in `FederalState::ALL` order.
const MUNICIPALITIES: &[&str] = &[
    "Freiburg im Breisgau",
    "Landkreis Ebersberg",
    "Berlin-Pankow",
    "Potsdam",
    "Bremerhaven",
    "Hamburg-Altona",
    "Darmstadt",
    "Greifswald",
    "Landkreis Osnabrück",
    "Münster",
    "Mainz",
    "Saarbrücken",
    "Leipzig",
    "Magdeburg",
    "Kiel",
    "Jena",
];
/// The dialling code of each municipality, in the same order.
const AREA_CODES: &[&str] = &[
    "761", "8092", "30", "331", "471", "40", "6151", "3834", "541", "251", "6131", "681", "341",
    "391", "431", "3641",
];

/// A KSM2 mentor whose credit report is to show `plan`, with their project's dates.
pub struct Planned {
    pub id: i64,
    pub plan: Plan,
    pub project: ProjectDates,
}

/// Who the demo registered, by what they can do.
pub struct Cast {
    pub all: Vec<i64>,
    /// Active participants with the mentor role and no planned status: they run the general
    /// sessions, sponsorships and tips.
    pub mentors: Vec<i64>,
    /// Active KSM2 mentors with a planned status.
    pub planned: Vec<Planned>,
}

struct Person {
    salutation: Salutation,
    first_name: &'static str,
    last_name: &'static str,
    email: String,
    phone: String,
    funding_reference: String,
    state: FederalState,
    municipality: &'static str,
    kind: ProjectKind,
    mentee: bool,
    mentor: bool,
    plan: Plan,
    status: ParticipantStatus,
    project_start: NaiveDate,
    project_end: Option<NaiveDate>,
}

/// `months` months before `day`.
fn months_before(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_sub_months(Months::new(months)).unwrap_or(day)
}

/// The project's first day: for a planned status such that today falls where the status needs
/// it (early in a year, weeks before its end, after the project's end); else spread over the
/// last years (mentors, who run the past activities, two to three years back).
fn project_start(plan: Plan, i: usize, mentor: bool, today: NaiveDate) -> NaiveDate {
    let days = |n: i64| Duration::days(n);
    let i = i as i64;
    match (plan, i) {
        // Year 2 began 200 days ago; year 1 began 250 days ago.
        (Plan::Met, 0) => months_before(today - days(200), 12),
        (Plan::Met, _) => today - days(250),
        // Year 2 began 40 days ago; year 1 began 60 days ago.
        (Plan::OnTrack, 1) => months_before(today - days(40), 12),
        (Plan::OnTrack, _) => today - days(60),
        // Year 2 ends in 50 days; year 3 ends in 30.
        (Plan::AtRisk, 2) => months_before(today + days(50), 24),
        (Plan::AtRisk, _) => months_before(today + days(30), 36),
        // Three project years that ended 45 days ago.
        (Plan::NotMet, _) => months_before(today - days(44), 36),
        (Plan::Free, _) if mentor => today - days(700 + (i * 13) % 300),
        (Plan::Free, _) => today - days(60 + (i * 53) % 900),
    }
}

fn person(i: usize, today: NaiveDate) -> Person {
    let (salutation, first_name) = FIRST_NAMES[i % FIRST_NAMES.len()];
    let last_name = LAST_NAMES[i % LAST_NAMES.len()];
    let (kind, mentee, mentor, plan) = ROSTER[i];
    let status = match i % 10 {
        8 => ParticipantStatus::Pending,
        9 => ParticipantStatus::Ended,
        _ => ParticipantStatus::Active,
    };
    let project_start = match status {
        // Registered in the last weeks, waiting for the contact sheet.
        ParticipantStatus::Pending => today - Duration::days(3 + i as i64 % 20),
        _ => project_start(plan, i, mentor, today),
    };
    // Funded projects run three years.
    let project_end = kind.is_funded().then(|| {
        project_start
            .checked_add_months(Months::new(36))
            .and_then(|d| d.pred_opt())
            .unwrap_or(project_start)
    });
    let state = i % FederalState::ALL.len();
    Person {
        salutation,
        first_name,
        last_name,
        email: format!("{}.{}@example.org", ascii(first_name), ascii(last_name)),
        phone: format!(
            "+49 {} {}",
            AREA_CODES[state % AREA_CODES.len()],
            2_003_311 + i * 7_331
        ),
        funding_reference: format!("67K{:05}", 10_007 + i * 1_931),
        state: FederalState::ALL[state],
        municipality: MUNICIPALITIES[state % MUNICIPALITIES.len()],
        kind,
        mentee,
        mentor,
        plan,
        status,
        project_start,
        project_end,
    }
}

fn ascii(name: &str) -> String {
    name.to_lowercase()
        .replace('ä', "ae")
        .replace('ö', "oe")
        .replace('ü', "ue")
        .replace('ß', "ss")
        .replace(' ', "-")
}

/// Registers every demo participant, each in its own transaction, and brings them to their
/// status through the same steps as the API (contact sheet confirmed, activation, ending).
pub async fn register_all(pool: &DbPool, staff: i64, today: NaiveDate) -> Result<Cast, AppError> {
    let hash = password::hash(DEMO_PARTICIPANT_PASSWORD).map_err(AppError::internal)?;
    let mut cast = Cast {
        all: Vec::new(),
        mentors: Vec::new(),
        planned: Vec::new(),
    };
    for i in 0..PARTICIPANTS {
        let person = person(i, today);
        let hash = hash.clone();
        let (status, mentor, plan) = (person.status, person.mentor, person.plan);
        let (start, end) = (person.project_start, person.project_end);
        let (id, project_id) = db::write(pool, move |conn| {
            register(conn, &person, &hash, staff, today)
        })
        .await?;
        cast.all.push(id);
        if status != ParticipantStatus::Active || !mentor {
            continue;
        }
        match plan {
            Plan::Free => cast.mentors.push(id),
            plan => cast.planned.push(Planned {
                id,
                plan,
                project: ProjectDates {
                    id: project_id,
                    start,
                    end,
                },
            }),
        }
    }
    Ok(cast)
}

fn register(
    conn: &mut db::DbConnection,
    p: &Person,
    hash: &str,
    staff: i64,
    today: NaiveDate,
) -> Result<(i64, i64), AppError> {
    let now = Utc::now().naive_utc();
    let account = accounts::create(
        conn,
        &NewAccount {
            login: &p.email,
            password_hash: hash,
            role: Role::Participant,
            display_name: &format!("{} {}", p.first_name, p.last_name),
            created_at: now,
            updated_at: now,
        },
        &Actor::system(),
    )?;
    let participant = participants::insert(
        conn,
        &NewParticipant {
            account_id: account.id,
            status: ParticipantStatus::Pending,
            salutation: Some(p.salutation),
            first_name: p.first_name,
            last_name: p.last_name,
            email: &p.email,
            phone: &p.phone,
            experience: Experience::ALL[(account.id as usize) % Experience::ALL.len()],
            is_mentee: p.mentee,
            is_mentor: p.mentor,
            consent_directory: true,
            consent_newsletter_welcome: true,
            community_account_ref: None,
            created_at: now,
            updated_at: now,
        },
    )?;
    let funded = p.kind.is_funded();
    let project = projects::insert(
        conn,
        &NewProject {
            participant_id: participant.id,
            kind: p.kind,
            employer: &format!("Stadt {}", p.municipality),
            municipality: p.municipality,
            federal_state: p.state,
            funding_reference: funded.then_some(p.funding_reference.as_str()),
            start_date: p.project_start,
            end_date: p.project_end,
            created_by: Some(account.id),
            created_at: now,
        },
    )?;
    roles::add_period(
        conn,
        participant.id,
        p.mentee,
        p.mentor,
        p.project_start,
        "registration",
        Some(account.id),
        now,
    )?;
    audit_events::record(
        conn,
        Change {
            actor: &Actor::account(account.id),
            action: "participant.registered",
            entity_type: "participant",
            entity_id: participant.id.to_string(),
            before: None,
            after: Some(serde_json::json!({ "status": "pending", "project_kind": p.kind })),
        },
    )?;
    if p.status == ParticipantStatus::Pending {
        return Ok((participant.id, project.id));
    }
    contact_sheets::upsert(conn, project.id, "application/pdf", SHEET, account.id, now)?;
    contact_sheets::confirm(conn, project.id, staff, now)?;
    participations::start(conn, participant.id, p.project_start, staff)?;
    let (pending, active) = (ParticipantStatus::Pending, ParticipantStatus::Active);
    transition(
        conn,
        participant.id,
        &Actor::account(staff),
        pending,
        active,
        EventType::ParticipantActivated,
    )?;
    // Activated when their project began (a few days later), not at seed time.
    let activated_on = (p.project_start + Duration::days(7)).min(today);
    let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default();
    participants::backdate_activation(conn, participant.id, activated_on.and_time(nine))?;
    if p.status == ParticipantStatus::Ended {
        participations::end(conn, participant.id, today, "Stellenwechsel", staff)?;
        let ended = ParticipantStatus::Ended;
        transition(
            conn,
            participant.id,
            &Actor::account(staff),
            active,
            ended,
            EventType::ParticipantEnded,
        )?;
    }
    Ok((participant.id, project.id))
}

/// A minimal real PDF (one blank page, a correct cross-reference table) standing in for the signed
/// contact sheet; the upload inspection accepts it (see the test below).
const SHEET: &[u8] = b"\
    %PDF-1.4\n\
    1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
    2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
    3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n\
    xref\n\
    0 4\n\
    0000000000 65535 f \n\
    0000000009 00000 n \n\
    0000000058 00000 n \n\
    0000000115 00000 n \n\
    trailer << /Size 4 /Root 1 0 R >>\n\
    startxref\n\
    186\n\
    %%EOF\n";

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_sheet_passes_the_upload_inspection() {
        let facts = crate::domain::pdf::inspect(super::SHEET).expect("a readable PDF");
        assert_eq!(facts.pages, 1);
    }
}
