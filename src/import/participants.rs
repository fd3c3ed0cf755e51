//! Applies a checked participant list: each new address becomes a `pending` participant (as a
//! registration would) with an account that has no password yet and an invitation to set one;
//! a known address is left as it is, so importing the same file twice changes nothing.

use chrono::Utc;
use serde_json::json;

use crate::auth::Role;
use crate::db::DbConnection;
use crate::db::models::accounts::{self, NewAccount};
use crate::db::models::audit_events::{self, Actor, Change};
use crate::db::models::participants::{self, NewParticipant};
use crate::db::models::projects::{self, NewProject};
use crate::db::models::roles;
use crate::domain::import::RowOutcome;
use crate::domain::import::participants::ParticipantRecord;
use crate::domain::lang::Lang;
use crate::domain::participant::ParticipantStatus;
use crate::domain::programme_time::programme_today;
use crate::error::AppError;
use crate::mail::{Links, send_invitation};

/// What happened to one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedRow {
    /// The line in the file.
    pub line: usize,
    pub outcome: RowOutcome,
    /// The participant the row created or found; `None` in a dry run for a new one (and for an
    /// address that belongs to a staff or integration account).
    pub participant_id: Option<i64>,
}

/// The result of one import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub dry_run: bool,
    pub rows: Vec<ImportedRow>,
}

impl ImportReport {
    /// How many rows had `outcome`.
    pub fn count(&self, outcome: RowOutcome) -> usize {
        self.rows.iter().filter(|r| r.outcome == outcome).count()
    }
}

/// The password hash of an account that has none yet: no PHC string, so no password verifies.
const NO_PASSWORD_YET: &str = "!invited";

/// Applies `records` in the caller's transaction (a dry run only reads).
pub fn import_participants(
    conn: &mut DbConnection,
    records: &[ParticipantRecord],
    dry_run: bool,
    actor: &Actor,
    links: &Links,
) -> Result<ImportReport, AppError> {
    let mut rows = Vec::with_capacity(records.len());
    for record in records {
        let row = match accounts::find_by_login(conn, &record.email)? {
            Some(account) => ImportedRow {
                line: record.line,
                outcome: RowOutcome::Existing,
                participant_id: participants::find_by_account(conn, account.id)?.map(|p| p.id),
            },
            None if dry_run => ImportedRow {
                line: record.line,
                outcome: RowOutcome::WouldCreate,
                participant_id: None,
            },
            None => ImportedRow {
                line: record.line,
                outcome: RowOutcome::Created,
                participant_id: Some(create(conn, record, actor, links)?),
            },
        };
        rows.push(row);
    }
    Ok(ImportReport { dry_run, rows })
}

/// Creates the account, participant, project and first role period of one record, audits it
/// and invites the person; returns the participant's id.
fn create(
    conn: &mut DbConnection,
    record: &ParticipantRecord,
    actor: &Actor,
    links: &Links,
) -> Result<i64, AppError> {
    let now = Utc::now().naive_utc();
    let display_name = format!("{} {}", record.first_name, record.last_name);
    let account = accounts::create(
        conn,
        &NewAccount {
            login: &record.email,
            password_hash: NO_PASSWORD_YET,
            role: Role::Participant,
            display_name: &display_name,
            created_at: now,
            updated_at: now,
        },
        actor,
    )?;
    // The office writes in German; the person may switch in their mail preferences.
    accounts::set_mail_preferences(conn, account.id, Lang::De.tag(), "", now)?;
    let participant = participants::insert(
        conn,
        &NewParticipant {
            account_id: account.id,
            status: ParticipantStatus::Pending,
            salutation: record.salutation,
            first_name: &record.first_name,
            last_name: &record.last_name,
            email: &record.email,
            phone: &record.phone,
            experience: record.experience,
            is_mentee: record.mentee,
            is_mentor: record.mentor,
            consent_directory: record.consent_directory,
            consent_newsletter_welcome: record.consent_newsletter_welcome,
            community_account_ref: None,
            created_at: now,
            updated_at: now,
        },
    )?;
    let project = &record.project;
    projects::insert(
        conn,
        &NewProject {
            participant_id: participant.id,
            kind: project.kind,
            employer: &project.employer,
            municipality: &project.municipality,
            federal_state: project.federal_state,
            funding_reference: project.funding_reference.as_deref(),
            start_date: project.start_date,
            end_date: project.end_date,
            created_by: actor.account_id,
            created_at: now,
        },
    )?;
    roles::add_period(
        conn,
        participant.id,
        record.mentee,
        record.mentor,
        programme_today(),
        // Recorded by the office (the schema knows `registration`, `request` and `staff`).
        "staff",
        actor.account_id,
        now,
    )?;
    audit_events::record(
        conn,
        Change {
            actor,
            action: "participant.imported",
            entity_type: "participant",
            entity_id: participant.id.to_string(),
            before: None,
            after: Some(json!({
                "status": ParticipantStatus::Pending.as_str(),
                "mentee": record.mentee,
                "mentor": record.mentor,
                "project_kind": project.kind.as_str(),
                "line": record.line,
            })),
        },
    )?;
    send_invitation(conn, account.id, links)?;
    Ok(participant.id)
}
