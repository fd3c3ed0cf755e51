//! Response types of participants and how rows become them (batch-loaded, no N+1).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::participants::roles::notifications::NotificationResponse;
use crate::db::DbConnection;
use crate::db::models::participant_topics;
use crate::db::models::participants::Participant;
use crate::db::models::projects::{self, Project};
use crate::db::models::roles::{self, Notification};
use crate::domain::participant::{
    Experience, FederalState, ParticipantStatus, ProjectKind, RoleCode, Roles, Salutation,
    deviates_from_funding_expectation,
};
use crate::error::AppError;

/// The document's example project: a KSM2 follow-up project.
pub fn project_example() -> serde_json::Value {
    serde_json::json!({
        "id": 9,
        "kind": "follow_up_project",
        "employer": "Stadt Musterstadt",
        "municipality": "Musterstadt",
        "federal_state": "NW",
        "funding_reference": "67K23456",
        "start_date": "2024-07-01",
        "end_date": "2026-06-30",
        "version": 1
    })
}

/// The document's example participant: an active mentor in a KSM2 project.
pub fn participant_example() -> serde_json::Value {
    serde_json::json!({
        "id": 5,
        "status": "active",
        "salutation": "ms",
        "first_name": "Erika",
        "last_name": "Mustermann",
        "email": "erika.mustermann@example.org",
        "phone": "+49 211 1234567",
        "experience": "experienced",
        "roles": ["mentor"],
        "consent_directory": true,
        "consent_newsletter_welcome": true,
        "community_account_ref": "kc-20931",
        "current_project": project_example(),
        "funding_agency_notification_required": false,
        "funding_agency_notifications": [],
        "expertise_topic_ids": [3, 8],
        "interest_topic_ids": [12],
        "activated_at": "2024-08-05T09:30:00Z",
        "created_at": "2024-07-22T18:04:51Z",
        "updated_at": "2025-01-14T10:02:33Z"
    })
}

/// A project of a participant.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = project_example)]
pub struct ProjectResponse {
    /// Project id.
    pub id: i64,
    /// Kind of project.
    pub kind: ProjectKind,
    /// Employer (municipality, district or institution).
    pub employer: String,
    /// Municipality or district.
    pub municipality: String,
    /// Federal state.
    pub federal_state: FederalState,
    /// Funding reference (Förderkennzeichen), for funded kinds.
    #[schema(required = true)]
    pub funding_reference: Option<String>,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day, if known.
    #[schema(required = true)]
    pub end_date: Option<NaiveDate>,
    /// The version staff name in `If-Match` to correct the project.
    pub version: i64,
}

impl From<&Project> for ProjectResponse {
    fn from(p: &Project) -> Self {
        Self {
            id: p.id,
            kind: p.kind,
            employer: p.employer.clone(),
            municipality: p.municipality.clone(),
            federal_state: p.federal_state,
            funding_reference: p.funding_reference.clone(),
            start_date: p.start_date,
            end_date: p.end_date,
            version: p.version,
        }
    }
}

/// A participant's full record, for themself and staff.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = participant_example)]
pub struct ParticipantResponse {
    /// Participant id.
    pub id: i64,
    /// Lifecycle state.
    pub status: ParticipantStatus,
    /// Salutation.
    #[schema(required = true)]
    pub salutation: Option<Salutation>,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// E-mail address (also the login).
    pub email: String,
    /// Phone number.
    pub phone: String,
    /// Self-assessed experience.
    pub experience: Experience,
    /// Current roles.
    pub roles: Vec<RoleCode>,
    /// Consents to be listed in the directory.
    pub consent_directory: bool,
    /// Consents to be welcomed by name in the newsletter.
    pub consent_newsletter_welcome: bool,
    /// Account id on the Klimaschutz-Community platform.
    #[schema(required = true)]
    pub community_account_ref: Option<String>,
    /// The project running now (derived from the project dates).
    #[schema(required = true)]
    pub current_project: Option<ProjectResponse>,
    /// The roles deviate from the funding body's expectation for the current project (KSM1 as
    /// mentor, KSM2 only as mentee) and the funding agency has not been told yet.
    pub funding_agency_notification_required: bool,
    /// What the funding agency was told about the participant's roles (when, how, the office's
    /// note), oldest first.
    pub funding_agency_notifications: Vec<NotificationResponse>,
    /// Accepted topics the participant offers expertise in.
    pub expertise_topic_ids: Vec<i64>,
    /// Accepted topics the participant is interested in.
    pub interest_topic_ids: Vec<i64>,
    /// When staff activated the participant.
    #[schema(required = true)]
    pub activated_at: Option<DateTime<Utc>>,
    /// Registration time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// Whether a deviation is unreported for the current project and roles.
pub fn notification_required(
    current: Option<&Project>,
    roles: Roles,
    notifications: &[&Notification],
) -> bool {
    let Some(project) = current else {
        return false;
    };
    deviates_from_funding_expectation(project.kind, roles)
        && !notifications.iter().any(|n| {
            n.project_id == project.id && n.is_mentee == roles.mentee && n.is_mentor == roles.mentor
        })
}

/// A participant with what is derived from their projects.
pub struct Assembled {
    /// The row.
    pub participant: Participant,
    /// Their projects, oldest first.
    pub projects: Vec<Project>,
    /// Whether a deviation is unreported.
    pub notification_required: bool,
    /// The notifications recorded for them, oldest first.
    pub notifications: Vec<Notification>,
    /// Topics of expertise.
    pub expertise_topic_ids: Vec<i64>,
    /// Topics of interest.
    pub interest_topic_ids: Vec<i64>,
}

impl Assembled {
    /// The current project on `today`.
    pub fn current_project(&self, today: NaiveDate) -> Option<&Project> {
        projects::current(&self.projects, today)
    }

    /// The full record.
    pub fn response(&self, today: NaiveDate) -> ParticipantResponse {
        let p = &self.participant;
        ParticipantResponse {
            id: p.id,
            status: p.status,
            salutation: p.salutation,
            first_name: p.first_name.clone(),
            last_name: p.last_name.clone(),
            email: p.email.clone(),
            phone: p.phone.clone(),
            experience: p.experience,
            roles: roles_of(p).codes(),
            consent_directory: p.consent_directory,
            consent_newsletter_welcome: p.consent_newsletter_welcome,
            community_account_ref: p.community_account_ref.clone(),
            current_project: self.current_project(today).map(ProjectResponse::from),
            funding_agency_notification_required: self.notification_required,
            funding_agency_notifications: self
                .notifications
                .iter()
                .map(NotificationResponse::from)
                .collect(),
            expertise_topic_ids: self.expertise_topic_ids.clone(),
            interest_topic_ids: self.interest_topic_ids.clone(),
            activated_at: p.activated_at.map(|t| t.and_utc()),
            created_at: p.created_at.and_utc(),
            updated_at: p.updated_at.and_utc(),
        }
    }
}

/// The current roles of a row.
pub fn roles_of(p: &Participant) -> Roles {
    Roles {
        mentee: p.is_mentee,
        mentor: p.is_mentor,
    }
}

/// Loads projects and notifications for all rows in two queries and assembles them.
pub fn assemble(
    conn: &mut DbConnection,
    rows: Vec<Participant>,
    today: NaiveDate,
) -> Result<Vec<Assembled>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let mut projects_by: HashMap<i64, Vec<Project>> = HashMap::new();
    for project in projects::of_participants(conn, &ids)? {
        projects_by
            .entry(project.participant_id)
            .or_default()
            .push(project);
    }
    let notifications = roles::notifications(conn, &ids)?;
    let topics = participant_topics::of_participants(conn, &ids)?;
    let topics_of = |participant: i64, kind: &str| -> Vec<i64> {
        topics
            .iter()
            .filter(|(p, _, k)| *p == participant && k == kind)
            .map(|(_, topic, _)| *topic)
            .collect()
    };
    Ok(rows
        .into_iter()
        .map(|participant| {
            let projects = projects_by.remove(&participant.id).unwrap_or_default();
            let mine: Vec<&Notification> = notifications
                .iter()
                .filter(|n| n.participant_id == participant.id)
                .collect();
            let notification_required = notification_required(
                projects::current(&projects, today),
                roles_of(&participant),
                &mine,
            );
            let notifications = mine.into_iter().cloned().collect();
            Assembled {
                notifications,
                expertise_topic_ids: topics_of(participant.id, participant_topics::EXPERTISE),
                interest_topic_ids: topics_of(participant.id, participant_topics::INTEREST),
                participant,
                projects,
                notification_required,
            }
        })
        .collect())
}

/// Assembles one participant.
pub fn assemble_one(
    conn: &mut DbConnection,
    row: Participant,
    today: NaiveDate,
) -> Result<Assembled, AppError> {
    assemble(conn, vec![row], today)?
        .pop()
        .ok_or_else(|| AppError::internal("assembling one participant returned none"))
}
