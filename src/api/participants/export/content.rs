//! What the export holds: one key per table about the person (see
//! [`COVERED_TABLES`](crate::db::models::personal_export::COVERED_TABLES)), and the files the
//! package adds next to it.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::messages::{
    ExportedAccountToken, ExportedCreditReminder, ExportedMailMessage, ExportedSessionReminder,
    account_tokens_of, credit_reminders_of, mail_messages_of, session_reminders_of,
};
use crate::api::access::Viewer;
use crate::api::audit::AuditEventResponse;
use crate::api::forum_sponsorships::SponsorshipResponse;
use crate::api::participants::projects::ContactSheetResponse;
use crate::api::participants::roles::history::RolePeriodResponse;
use crate::api::participants::roles::requests::RoleChangeResponse;
use crate::api::participants::views::{ParticipantResponse, ProjectResponse, assemble_one};
use crate::api::practice_tips::views::PracticeTipResponse;
use crate::api::sessions::mentees::{QuestionResponse, question_response};
use crate::db::DbConnection;
use crate::db::models::audit_events::{self, Filter};
use crate::db::models::certificates::{self, Certificate};
use crate::db::models::credits::CreditSource;
use crate::db::models::participants::Participant;
use crate::db::models::personal_export::{self as rows, Person};
use crate::db::models::{accounts, contact_sheets, participations, roles, sessions};
use crate::domain::catalogue::TopicStatus;
use crate::domain::session::SessionState;
use crate::domain::upload::FileKind;
use crate::error::AppError;

fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// The file-name extension for a stored media type.
fn extension(content_type: &str) -> &'static str {
    FileKind::from_media_type(content_type).map_or("bin", FileKind::extension)
}

/// A stored contact sheet with its content.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedSheet {
    /// The project it belongs to.
    pub project_id: i64,
    /// Metadata.
    pub sheet: ContactSheetResponse,
    /// The scan, base64-encoded.
    pub content_base64: String,
    /// Where the scan lies in the zip package.
    pub file_in_package: String,
}

/// A participation period.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedParticipation {
    /// First day.
    pub started_on: NaiveDate,
    /// Last day.
    #[schema(required = true)]
    pub ended_on: Option<NaiveDate>,
    /// Reason given for ending.
    #[schema(required = true)]
    pub end_reason: Option<String>,
}

/// The login account.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedAccount {
    /// Login (e-mail address).
    pub login: String,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// When it was disabled.
    #[schema(required = true)]
    pub disabled_at: Option<DateTime<Utc>>,
}

/// A topic the person offers expertise in or wants to learn about.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedTopicChoice {
    /// The topic.
    pub topic_id: i64,
    /// `expertise` or `interest`.
    pub kind: String,
    /// The topic's German title.
    pub title_de: String,
}

/// A notice to the funding agency about the person's roles.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedNotification {
    /// Notification id.
    pub id: i64,
    /// The project it was about.
    pub project_id: i64,
    /// Whether it covered the mentee role.
    pub is_mentee: bool,
    /// Whether it covered the mentor role.
    pub is_mentor: bool,
    /// When the agency was told.
    pub notified_on: NaiveDate,
    /// How it was told; `null` on notifications recorded before the channel was kept.
    #[schema(required = true)]
    pub channel: Option<crate::domain::participant::NotificationChannel>,
    /// The office's note.
    #[schema(required = true)]
    pub note: Option<String>,
    /// When the programme office recorded it.
    pub recorded_at: DateTime<Utc>,
}

/// A session the person proposed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedSession {
    /// Session id.
    pub id: i64,
    /// The format.
    pub format_code: String,
    /// Title.
    pub title: String,
    /// Guiding question.
    pub guiding_question: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Whether it is held online.
    pub online: bool,
    /// Place.
    #[schema(required = true)]
    pub place: Option<String>,
    /// The event it is part of.
    #[schema(required = true)]
    pub event_name: Option<String>,
    /// Expected audience.
    #[schema(required = true)]
    pub expected_audience: Option<String>,
    /// Where it stands.
    pub state: SessionState,
    /// Reason given with the state.
    #[schema(required = true)]
    pub state_reason: Option<String>,
    /// People reached.
    #[schema(required = true)]
    pub people_reached: Option<i32>,
    /// When the programme office decided on it.
    #[schema(required = true)]
    pub decided_at: Option<DateTime<Utc>>,
    /// When it was proposed.
    pub created_at: DateTime<Utc>,
}

/// A session the person is a mentor of.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedMentorship {
    /// The session.
    pub session_id: i64,
    /// Its title.
    pub title: String,
    /// Its start.
    pub starts_at: DateTime<Utc>,
}

/// A sign-up for a session.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedSignup {
    /// The session.
    pub session_id: i64,
    /// Its title.
    pub title: String,
    /// Its start.
    pub starts_at: DateTime<Utc>,
    /// When the person signed up.
    pub signed_up_at: DateTime<Utc>,
    /// Whether they attended; `null` until the session's attendance is recorded.
    #[schema(required = true)]
    pub attended: Option<bool>,
}

/// A session documentation the person filed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedDocumentation {
    /// The session.
    pub session_id: i64,
    /// Summary.
    pub summary: String,
    /// Results.
    pub results: String,
    /// When it was filed.
    pub filed_at: DateTime<Utc>,
}

/// A case example of a documentation, made from one of the person's questions.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedCaseExample {
    /// The session.
    pub session_id: i64,
    /// The question it was made from.
    pub question_id: i64,
    /// Its place in the documentation (from 0).
    pub position: i32,
    /// The text as documented.
    pub text: String,
}

/// A photo or slide set the person uploaded to a session.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedAttachment {
    /// Attachment id.
    pub id: i64,
    /// The session.
    pub session_id: i64,
    /// Media type.
    pub content_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// When it was uploaded.
    pub uploaded_at: DateTime<Utc>,
    /// Where the file lies in the zip package.
    pub file_in_package: String,
}

/// One credit of the ledger (sessions, forum sponsorships, practice tips).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedCredit {
    /// Credit id.
    pub id: i64,
    /// The format credited.
    pub format_code: String,
    /// The kind of activity.
    pub source_kind: CreditSource,
    /// The activity's id (session, sponsorship or practice tip).
    pub source_id: i64,
    /// The day it counts for.
    pub earned_on: NaiveDate,
    /// Hours credited.
    pub hours: i32,
    /// When it was revoked.
    #[schema(required = true)]
    pub revoked_at: Option<DateTime<Utc>>,
    /// Why it was revoked.
    #[schema(required = true)]
    pub revoked_reason: Option<String>,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

/// The personal calendar feed (the token itself is stored only as a digest and never exported).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedCalendarFeed {
    /// When the current token was created.
    pub created_at: DateTime<Utc>,
}

/// One stored refresh token of the person's logins (never the token or its digest).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedRefreshToken {
    /// When it was issued (at a login, or at the refresh that used up its predecessor).
    pub created_at: DateTime<Utc>,
    /// When it expires unless used.
    pub expires_at: DateTime<Utc>,
    /// When it was revoked (logout, password change, deactivation, reuse), if it was.
    #[schema(required = true)]
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The PDF of one of the person's practice tips.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedTipDocument {
    /// The practice tip.
    pub practice_tip_id: i64,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Pages, when known.
    #[schema(required = true)]
    pub page_count: Option<i32>,
    /// When it was uploaded.
    pub uploaded_at: DateTime<Utc>,
    /// Where the PDF lies in the zip package.
    pub file_in_package: String,
}

/// A newsletter mailing that welcomed the person.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedWelcome {
    /// The mailing.
    pub mailing_id: i64,
    /// When it was sent.
    pub sent_on: NaiveDate,
}

/// A topic the person proposed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedTopic {
    /// Topic id.
    pub id: i64,
    /// Topic group.
    pub group_code: String,
    /// German title.
    pub title_de: String,
    /// English title.
    #[schema(required = true)]
    pub title_en: Option<String>,
    /// Where the proposal stands.
    pub status: TopicStatus,
    /// When it was decided.
    #[schema(required = true)]
    pub decided_at: Option<DateTime<Utc>>,
    /// The decision's note.
    #[schema(required = true)]
    pub decision_note: Option<String>,
    /// When it was proposed.
    pub created_at: DateTime<Utc>,
}

/// An event told to the community platform about the person or their contributions.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedOutboxEvent {
    /// Event id.
    pub id: i64,
    /// Event type.
    pub event_type: crate::domain::events::EventType,
    /// `participant`, `practice_tip` or `session`.
    pub subject_type: String,
    /// The subject's id.
    pub subject_id: i64,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// Access events: the community account reference the event told the platform.
    #[schema(required = true)]
    pub community_account_ref: Option<String>,
    /// Access events: the e-mail address the event told the platform.
    #[schema(required = true)]
    pub email: Option<String>,
}

/// A participation certificate issued for the person and what it stated.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedCertificate {
    /// Verification code.
    pub code: String,
    /// The project.
    pub project_id: i64,
    /// The project year.
    pub project_year: i32,
    /// First day of the year.
    pub year_start: NaiveDate,
    /// Last day of the year.
    pub year_end: NaiveDate,
    /// Counted activities listed.
    pub activity_count: i32,
    /// Counted hours.
    pub total_hours: i32,
    /// The minimum in hours, if any.
    #[schema(required = true)]
    pub min_hours: Option<i32>,
    /// Code of the minimum's status as stated.
    pub status: String,
    /// First issued.
    pub issued_at: DateTime<Utc>,
    /// Last handed out.
    pub last_issued_at: DateTime<Utc>,
}

impl From<Certificate> for ExportedCertificate {
    fn from(c: Certificate) -> Self {
        Self {
            code: c.code,
            project_id: c.project_id,
            project_year: c.project_year,
            year_start: c.year_start,
            year_end: c.year_end,
            activity_count: c.activity_count,
            total_hours: c.total_hours,
            min_hours: c.min_hours,
            status: c.status,
            issued_at: c.issued_at.and_utc(),
            last_issued_at: c.last_issued_at.and_utc(),
        }
    }
}

/// An `Idempotency-Key` the person's account sent with a create. The stored answer is not
/// repeated: it is a copy of the created record, which the export holds under its own key.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedIdempotencyKey {
    /// The operation.
    pub operation: String,
    /// The key as sent.
    pub idempotency_key: String,
    /// Where the created record lives.
    pub location: String,
    /// When it was stored.
    pub created_at: DateTime<Utc>,
}

/// A format credit rule the account recorded (staff only).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedFormatRule {
    /// Rule id.
    pub id: i64,
    /// The format.
    pub format_code: String,
    /// First day it applies.
    pub valid_from: NaiveDate,
    /// Hours credited.
    #[schema(required = true)]
    pub credit_hours: Option<i32>,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

/// A newsletter mailing the account recorded (staff only).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedMailing {
    /// Mailing id.
    pub id: i64,
    /// When it was sent.
    pub sent_on: NaiveDate,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// A webhook endpoint the account registered (staff only; without its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedEndpoint {
    /// Endpoint id.
    pub id: i64,
    /// Target URL.
    pub url: String,
    /// Subscribed event types, comma-separated.
    pub event_types: String,
    /// Whether deliveries run.
    pub enabled: bool,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
}

/// Everything stored about one person (Art. 15 and 20 GDPR): one key per table, named in the
/// export table of docs/data-protection.md.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "exported_at": "2025-03-12T14:05:09Z",
    "account": {
        "login": "erika.mustermann@example.org",
        "created_at": "2024-07-22T18:04:51Z",
        "disabled_at": null
    },
    "participant": crate::api::participants::views::participant_example(),
    "participant_topics": [],
    "projects": [crate::api::participants::views::project_example()],
    "contact_sheets": [],
    "participations": [],
    "role_history": [],
    "role_change_requests": [],
    "funding_agency_notifications": [],
    "audit_events": [],
    "sessions_proposed": [],
    "sessions_as_mentor": [],
    "session_signups": [],
    "session_questions": [],
    "session_documentation_filed": [],
    "session_case_examples": [],
    "session_attachments_uploaded": [],
    "credits": [],
    "calendar_feed_token": null,
    "refresh_tokens": [],
    "forum_sponsorships": [],
    "practice_tips": [],
    "practice_tip_documents": [],
    "newsletter_welcomes": [],
    "mail_messages": [],
    "account_tokens": [],
    "mentoring_requests": [],
    "mentoring_pairs": [],
    "mentoring_contacts": [],
    "session_reminders": [],
    "credit_reminders": [],
    "certificates": [],
    "topics_proposed": [],
    "outbox_events": [],
    "idempotency_keys": [],
    "format_rules_recorded": [],
    "newsletter_mailings_recorded": [],
    "webhook_endpoints_registered": []
}))]
pub struct PersonalDataExport {
    /// When the export was made.
    pub exported_at: DateTime<Utc>,
    /// The account.
    pub account: ExportedAccount,
    /// The participant record.
    pub participant: ParticipantResponse,
    /// Topics the person offers or wants.
    pub participant_topics: Vec<ExportedTopicChoice>,
    /// Every project.
    pub projects: Vec<ProjectResponse>,
    /// Every contact sheet with its content.
    pub contact_sheets: Vec<ExportedSheet>,
    /// Participation periods.
    pub participations: Vec<ExportedParticipation>,
    /// Role history.
    pub role_history: Vec<RolePeriodResponse>,
    /// Role-change requests.
    pub role_change_requests: Vec<RoleChangeResponse>,
    /// Notices to the funding agency about the person's roles.
    pub funding_agency_notifications: Vec<ExportedNotification>,
    /// Audit events about the person or made by them.
    pub audit_events: Vec<AuditEventResponse>,
    /// Sessions the person proposed.
    pub sessions_proposed: Vec<ExportedSession>,
    /// Sessions the person is a mentor of.
    pub sessions_as_mentor: Vec<ExportedMentorship>,
    /// Sessions the person signed up for.
    pub session_signups: Vec<ExportedSignup>,
    /// Questions and case examples the person sent to sessions.
    pub session_questions: Vec<QuestionResponse>,
    /// Session documentation the person filed.
    pub session_documentation_filed: Vec<ExportedDocumentation>,
    /// Case examples of documentation made from the person's questions.
    pub session_case_examples: Vec<ExportedCaseExample>,
    /// Session attachments the person uploaded (files in the zip package).
    pub session_attachments_uploaded: Vec<ExportedAttachment>,
    /// Every credit of the ledger, revoked ones too.
    pub credits: Vec<ExportedCredit>,
    /// The personal calendar feed, if set up.
    #[schema(required = true)]
    pub calendar_feed_token: Option<ExportedCalendarFeed>,
    /// Refresh tokens of the person's logins that have not expired yet, or expired since the
    /// latest login.
    pub refresh_tokens: Vec<ExportedRefreshToken>,
    /// Forum sponsorships (applied for, running or past).
    pub forum_sponsorships: Vec<SponsorshipResponse>,
    /// Individual mentoring: the person's requests for a mentor.
    pub mentoring_requests: Vec<crate::api::individual_mentoring::RequestResponse>,
    /// Individual mentoring: the pairs the person is part of (as mentor or mentee), with their
    /// agreements.
    pub mentoring_pairs: Vec<crate::api::individual_mentoring::PairResponse>,
    /// The contacts of those pairs (they belong to both people of a pair).
    pub mentoring_contacts: Vec<crate::api::individual_mentoring::ContactResponse>,
    /// Practice tips the person wrote.
    pub practice_tips: Vec<PracticeTipResponse>,
    /// The PDFs of those practice tips (files in the zip package).
    pub practice_tip_documents: Vec<ExportedTipDocument>,
    /// Newsletter mailings that welcomed the person.
    pub newsletter_welcomes: Vec<ExportedWelcome>,
    /// Every e-mail the service wrote to the person, with its text.
    pub mail_messages: Vec<ExportedMailMessage>,
    /// E-mailed password links (when sent, until when valid, when used).
    pub account_tokens: Vec<ExportedAccountToken>,
    /// Day-before reminders of sessions the person signed up for.
    pub session_reminders: Vec<ExportedSessionReminder>,
    /// Reminders of the KSM2 minimum, with the credits they named.
    pub credit_reminders: Vec<ExportedCreditReminder>,
    /// Participation certificates issued, with what each stated.
    pub certificates: Vec<ExportedCertificate>,
    /// Topics the person proposed.
    pub topics_proposed: Vec<ExportedTopic>,
    /// Events told to the community platform about the person and their contributions.
    pub outbox_events: Vec<ExportedOutboxEvent>,
    /// `Idempotency-Key`s the person's account sent.
    pub idempotency_keys: Vec<ExportedIdempotencyKey>,
    /// Format rules the account recorded (staff accounts only; empty for participants).
    pub format_rules_recorded: Vec<ExportedFormatRule>,
    /// Newsletter mailings the account recorded (staff accounts only; empty for participants).
    pub newsletter_mailings_recorded: Vec<ExportedMailing>,
    /// Webhook endpoints the account registered (staff accounts only; empty for participants).
    pub webhook_endpoints_registered: Vec<ExportedEndpoint>,
}

/// One file of the zip package.
#[derive(Debug)]
pub struct PackageFile {
    /// Path inside the package.
    pub path: String,
    /// Content.
    pub content: Vec<u8>,
}

/// The export and, when asked for, the person's files.
#[derive(Debug)]
pub struct Gathered {
    pub export: PersonalDataExport,
    pub files: Vec<PackageFile>,
}

/// Whether the person's files are loaded for the package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Files {
    Skip,
    Load,
}

fn sheet_path(project_id: i64, content_type: &str) -> String {
    format!(
        "files/contact-sheets/project-{project_id}.{}",
        extension(content_type)
    )
}

fn attachment_path(session_id: i64, id: i64, content_type: &str) -> String {
    format!(
        "files/session-attachments/session-{session_id}-attachment-{id}.{}",
        extension(content_type)
    )
}

fn tip_path(tip_id: i64) -> String {
    format!("files/practice-tips/practice-tip-{tip_id}.pdf")
}

/// Reads everything about the participant `row` (already authorised for `viewer`).
pub fn gather(
    conn: &mut DbConnection,
    viewer: &Viewer,
    row: Participant,
    today: NaiveDate,
    files: Files,
) -> Result<Gathered, AppError> {
    let id = row.id;
    let person = Person {
        participant_id: id,
        account_id: row.account_id,
    };
    let mut package = Vec::new();
    let tips = crate::api::practice_tips::views::of_author(conn, viewer, id)?;
    let account = accounts::find(conn, row.account_id)?.ok_or(AppError::NotFound)?;
    let assembled = assemble_one(conn, row, today)?;
    let mut sheets = Vec::new();
    for info in contact_sheets::of_participant(conn, id)? {
        let (_, content) =
            contact_sheets::content(conn, info.project_id)?.ok_or(AppError::NotFound)?;
        let path = sheet_path(info.project_id, &info.content_type);
        sheets.push(ExportedSheet {
            project_id: info.project_id,
            sheet: (&info).into(),
            content_base64: STANDARD.encode(&content),
            file_in_package: path.clone(),
        });
        if files == Files::Load {
            package.push(PackageFile { path, content });
        }
    }
    let mut events = audit_events::list(
        conn,
        &Filter {
            entity_type: Some("participant".into()),
            entity_id: Some(id.to_string()),
            ..Default::default()
        },
        None,
        i64::MAX,
    )?;
    events.extend(audit_events::list(
        conn,
        &Filter {
            actor_account_id: Some(account.id),
            ..Default::default()
        },
        None,
        i64::MAX,
    )?);
    events.sort_by_key(|e| e.id);
    events.dedup_by_key(|e| e.id);
    if files == Files::Load {
        for file in rows::attachment_files(conn, person)? {
            package.push(PackageFile {
                path: attachment_path(file.owner_id, file.id, &file.content_type),
                content: file.content,
            });
        }
        for file in rows::tip_files(conn, person)? {
            package.push(PackageFile {
                path: tip_path(file.id),
                content: file.content,
            });
        }
    }
    let (mentoring_requests, mentoring_pairs, mentoring_contacts) =
        crate::api::individual_mentoring::of_participant(conn, id)?;
    let export = PersonalDataExport {
        exported_at: Utc::now(),
        account: ExportedAccount {
            login: account.login,
            created_at: utc(account.created_at),
            disabled_at: account.disabled_at.map(utc),
        },
        participant: assembled.response(today),
        participant_topics: rows::participant_topics(conn, person)?
            .into_iter()
            .map(|t| ExportedTopicChoice {
                topic_id: t.topic_id,
                kind: t.kind,
                title_de: t.title_de,
            })
            .collect(),
        projects: assembled.projects.iter().map(Into::into).collect(),
        contact_sheets: sheets,
        participations: participations::of_participant(conn, id)?
            .into_iter()
            .map(|p| ExportedParticipation {
                started_on: p.started_on,
                ended_on: p.ended_on,
                end_reason: p.end_reason,
            })
            .collect(),
        role_history: roles::periods(conn, id)?
            .into_iter()
            .map(Into::into)
            .collect(),
        role_change_requests: roles::requests(conn, id)?
            .into_iter()
            .map(Into::into)
            .collect(),
        funding_agency_notifications: rows::funding_agency_notifications(conn, person)?
            .into_iter()
            .map(|n| ExportedNotification {
                id: n.id,
                project_id: n.project_id,
                is_mentee: n.is_mentee,
                is_mentor: n.is_mentor,
                notified_on: n.notified_on,
                channel: n.channel,
                note: n.note,
                recorded_at: utc(n.recorded_at),
            })
            .collect(),
        audit_events: events.into_iter().map(Into::into).collect(),
        sessions_proposed: rows::sessions_proposed(conn, person)?
            .into_iter()
            .map(|s| ExportedSession {
                id: s.id,
                format_code: s.format_code,
                title: s.title,
                guiding_question: s.guiding_question,
                starts_at: utc(s.starts_at),
                ends_at: utc(s.ends_at),
                online: s.online,
                place: s.place,
                event_name: s.event_name,
                expected_audience: s.expected_audience,
                state: s.state,
                state_reason: s.state_reason,
                people_reached: s.people_reached,
                decided_at: s.decided_at.map(utc),
                created_at: utc(s.created_at),
            })
            .collect(),
        sessions_as_mentor: rows::sessions_as_mentor(conn, person)?
            .into_iter()
            .map(|s| ExportedMentorship {
                session_id: s.session_id,
                title: s.title,
                starts_at: utc(s.starts_at),
            })
            .collect(),
        session_signups: rows::session_signups(conn, person)?
            .into_iter()
            .map(|s| ExportedSignup {
                session_id: s.session_id,
                title: s.title,
                starts_at: utc(s.starts_at),
                signed_up_at: utc(s.created_at),
                attended: s.attended,
            })
            .collect(),
        session_questions: sessions::questions_by(conn, id)?
            .into_iter()
            .map(|q| question_response(q, true))
            .collect(),
        session_documentation_filed: rows::documentation_filed(conn, person)?
            .into_iter()
            .map(|d| ExportedDocumentation {
                session_id: d.session_id,
                summary: d.summary,
                results: d.results,
                filed_at: utc(d.filed_at),
            })
            .collect(),
        session_case_examples: rows::case_examples(conn, person)?
            .into_iter()
            .map(|c| ExportedCaseExample {
                session_id: c.session_id,
                question_id: c.question_id,
                position: c.position,
                text: c.text,
            })
            .collect(),
        session_attachments_uploaded: rows::attachments_uploaded(conn, person)?
            .into_iter()
            .map(|a| ExportedAttachment {
                file_in_package: attachment_path(a.session_id, a.id, &a.content_type),
                id: a.id,
                session_id: a.session_id,
                content_type: a.content_type,
                size_bytes: a.size_bytes,
                uploaded_at: utc(a.uploaded_at),
            })
            .collect(),
        credits: rows::credits(conn, person)?
            .into_iter()
            .map(|c| ExportedCredit {
                id: c.id,
                format_code: c.format_code,
                source_kind: c.source_kind,
                source_id: c.source_id,
                earned_on: c.earned_on,
                hours: c.hours,
                revoked_at: c.revoked_at.map(utc),
                revoked_reason: c.revoked_reason,
                created_at: utc(c.created_at),
            })
            .collect(),
        calendar_feed_token: rows::calendar_feed_token(conn, person)?.map(|at| {
            ExportedCalendarFeed {
                created_at: utc(at),
            }
        }),
        refresh_tokens: rows::refresh_tokens(conn, person)?
            .into_iter()
            .map(
                |(created_at, expires_at, revoked_at)| ExportedRefreshToken {
                    created_at: utc(created_at),
                    expires_at: utc(expires_at),
                    revoked_at: revoked_at.map(utc),
                },
            )
            .collect(),
        forum_sponsorships: crate::api::forum_sponsorships::of_participant(conn, id)?,
        mentoring_requests,
        mentoring_pairs,
        mentoring_contacts,
        practice_tips: tips,
        practice_tip_documents: rows::tip_documents(conn, person)?
            .into_iter()
            .map(|d| ExportedTipDocument {
                practice_tip_id: d.practice_tip_id,
                size_bytes: d.size_bytes,
                page_count: d.page_count,
                uploaded_at: utc(d.uploaded_at),
                file_in_package: tip_path(d.practice_tip_id),
            })
            .collect(),
        mail_messages: mail_messages_of(conn, person.account_id)?,
        account_tokens: account_tokens_of(conn, person.account_id)?,
        session_reminders: session_reminders_of(conn, person.participant_id)?,
        credit_reminders: credit_reminders_of(conn, person.participant_id)?,
        certificates: certificates::of_participant(conn, person.participant_id)?
            .into_iter()
            .map(ExportedCertificate::from)
            .collect(),
        newsletter_welcomes: rows::newsletter_welcomes(conn, person)?
            .into_iter()
            .map(|w| ExportedWelcome {
                mailing_id: w.mailing_id,
                sent_on: w.sent_on,
            })
            .collect(),
        topics_proposed: rows::topics_proposed(conn, person)?
            .into_iter()
            .map(|t| ExportedTopic {
                id: t.id,
                group_code: t.group_code,
                title_de: t.title_de,
                title_en: t.title_en,
                status: t.status,
                decided_at: t.decided_at.map(utc),
                decision_note: t.decision_note,
                created_at: utc(t.created_at),
            })
            .collect(),
        outbox_events: rows::outbox_events(conn, person)?
            .into_iter()
            .map(|e| ExportedOutboxEvent {
                id: e.id,
                event_type: e.event_type,
                subject_type: e.subject_type,
                subject_id: e.subject_id,
                occurred_at: utc(e.occurred_at),
                community_account_ref: e.community_account_ref,
                email: e.email,
            })
            .collect(),
        idempotency_keys: rows::idempotency_keys(conn, person)?
            .into_iter()
            .map(|k| ExportedIdempotencyKey {
                operation: k.operation,
                idempotency_key: k.idempotency_key,
                location: k.location,
                created_at: utc(k.created_at),
            })
            .collect(),
        format_rules_recorded: rows::format_rules_recorded(conn, person)?
            .into_iter()
            .map(|r| ExportedFormatRule {
                id: r.id,
                format_code: r.format_code,
                valid_from: r.valid_from,
                credit_hours: r.credit_hours,
                created_at: utc(r.created_at),
            })
            .collect(),
        newsletter_mailings_recorded: rows::mailings_recorded(conn, person)?
            .into_iter()
            .map(|m| ExportedMailing {
                id: m.id,
                sent_on: m.sent_on,
                recorded_at: utc(m.recorded_at),
            })
            .collect(),
        webhook_endpoints_registered: rows::endpoints_registered(conn, person)?
            .into_iter()
            .map(|e| ExportedEndpoint {
                id: e.id,
                url: e.url,
                event_types: e.event_types,
                enabled: e.enabled,
                created_at: utc(e.created_at),
            })
            .collect(),
    };
    Ok(Gathered {
        export,
        files: package,
    })
}
