//! Demo participants: German names, one municipality per federal state, every project kind,
//! mentors and mentees, pending, active and ended.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use rand::Rng;
use rand::rngs::StdRng;

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
    Experience, FederalState, ParticipantStatus, ProjectKind, Salutation,
};
use crate::error::AppError;

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

/// Who the demo registered, by what they can do.
pub struct Cast {
    pub all: Vec<i64>,
    /// Active participants with the mentor role.
    pub mentors: Vec<i64>,
    /// Active participants with the mentee role.
    pub mentees: Vec<i64>,
}

struct Person {
    salutation: Salutation,
    first_name: &'static str,
    last_name: &'static str,
    email: String,
    state: FederalState,
    municipality: &'static str,
    kind: ProjectKind,
    mentee: bool,
    mentor: bool,
    status: ParticipantStatus,
    project_start: NaiveDate,
}

fn person(i: usize, today: NaiveDate, rng: &mut StdRng) -> Person {
    let (salutation, first_name) = FIRST_NAMES[i % FIRST_NAMES.len()];
    let last_name = LAST_NAMES[i % LAST_NAMES.len()];
    let kind = ProjectKind::ALL[i % ProjectKind::ALL.len()];
    // Mentors mostly in follow-up projects and permanent positions; a third do both.
    let (mentee, mentor) = match i % 3 {
        0 => (false, true),
        1 => (true, false),
        _ => (true, true),
    };
    let status = match i % 10 {
        8 => ParticipantStatus::Pending,
        9 => ParticipantStatus::Ended,
        _ => ParticipantStatus::Active,
    };
    let years_back = rng.random_range(0..3);
    Person {
        salutation,
        first_name,
        last_name,
        email: format!("{}.{}@example.org", ascii(first_name), ascii(last_name)),
        state: FederalState::ALL[i % FederalState::ALL.len()],
        municipality: MUNICIPALITIES[i % MUNICIPALITIES.len()],
        kind,
        mentee,
        mentor,
        status,
        project_start: NaiveDate::from_ymd_opt(today.year() - years_back, 1, 1).unwrap_or(today),
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
pub async fn register_all(
    pool: &DbPool,
    staff: i64,
    today: NaiveDate,
    rng: &mut StdRng,
) -> Result<Cast, AppError> {
    let hash = password::hash(DEMO_PARTICIPANT_PASSWORD).map_err(AppError::internal)?;
    let mut cast = Cast {
        all: Vec::new(),
        mentors: Vec::new(),
        mentees: Vec::new(),
    };
    for i in 0..PARTICIPANTS {
        let person = person(i, today, rng);
        let hash = hash.clone();
        let (status, mentee, mentor) = (person.status, person.mentee, person.mentor);
        let id = db::write(pool, move |conn| {
            register(conn, &person, &hash, staff, today)
        })
        .await?;
        cast.all.push(id);
        if status == ParticipantStatus::Active {
            if mentor {
                cast.mentors.push(id);
            }
            if mentee {
                cast.mentees.push(id);
            }
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
) -> Result<i64, AppError> {
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
            phone: "+49 30 1234567",
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
            funding_reference: funded.then_some("67K20261"),
            start_date: p.project_start,
            end_date: funded.then(|| p.project_start + Duration::days(3 * 365 - 1)),
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
        return Ok(participant.id);
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
    Ok(participant.id)
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
