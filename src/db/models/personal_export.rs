//! Everything stored about one person, table by table, for the export of Art. 15 and 20 GDPR.
//!
//! [`COVERED_TABLES`] is the one list of what the export covers: each table that refers to a
//! person, the key of the export it appears under and how its rows are chosen. A test compares
//! it with the foreign keys of the live schema on both backends, so a new table pointing at
//! `participants` or `accounts` fails the build until the export covers it.
//!
//! The queries here are the ones no other module needs; tables that already have a query of
//! their own (projects, role history, ...) are read through it.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::models::credits::Credit;
use crate::db::models::formats::FormatRule;
use crate::db::models::newsletter::Mailing;
use crate::db::models::outbox::OutboxEvent;
use crate::db::models::roles::Notification;
use crate::db::models::session_documentation::{AttachmentInfo, Documentation};
use crate::db::models::sessions::Session;
use crate::db::models::topics::Topic;
use crate::db::schema::{
    calendar_feed_tokens, credits, format_rules, funding_agency_notifications, idempotency_keys,
    newsletter_mailings, newsletter_welcomes, outbox_events, participant_topics,
    practice_tip_documents, practice_tips, refresh_tokens, session_attachments,
    session_case_examples, session_documentation, session_mentors, session_questions,
    session_signups, sessions, topics, webhook_endpoints,
};

/// One table the export covers.
#[derive(Debug, Clone, Copy)]
pub struct Coverage {
    /// The table.
    pub table: &'static str,
    /// The top-level key of the export JSON its rows appear under.
    pub key: &'static str,
    /// Which rows belong to the person.
    pub rows: &'static str,
}

const fn covered(table: &'static str, key: &'static str, rows: &'static str) -> Coverage {
    Coverage { table, key, rows }
}

/// Every table that holds data about a person, in the order the export lists them.
pub const COVERED_TABLES: &[Coverage] = &[
    covered("accounts", "account", "the person's login account"),
    covered("participants", "participant", "the participant record"),
    covered("participant_topics", "participant_topics", "participant_id"),
    covered("projects", "projects", "participant_id"),
    covered(
        "contact_sheets",
        "contact_sheets",
        "of the person's projects",
    ),
    covered("participations", "participations", "participant_id"),
    covered("role_periods", "role_history", "participant_id"),
    covered(
        "role_change_requests",
        "role_change_requests",
        "participant_id",
    ),
    covered(
        "funding_agency_notifications",
        "funding_agency_notifications",
        "participant_id",
    ),
    covered(
        "audit_events",
        "audit_events",
        "about the participant, or made by the account",
    ),
    covered("sessions", "sessions_proposed", "proposed_by"),
    covered("session_mentors", "sessions_as_mentor", "participant_id"),
    covered("session_signups", "session_signups", "participant_id"),
    covered("session_questions", "session_questions", "participant_id"),
    covered(
        "session_documentation",
        "session_documentation_filed",
        "filed_by (account)",
    ),
    covered(
        "session_case_examples",
        "session_case_examples",
        "made from the person's questions",
    ),
    covered(
        "session_attachments",
        "session_attachments_uploaded",
        "uploaded_by (account)",
    ),
    covered("credits", "credits", "participant_id, revoked ones too"),
    covered(
        "calendar_feed_tokens",
        "calendar_feed_token",
        "account_id (metadata only, never the token digest)",
    ),
    covered(
        "refresh_tokens",
        "refresh_tokens",
        "account_id (timestamps only, never the token digest)",
    ),
    covered("forum_sponsorships", "forum_sponsorships", "participant_id"),
    covered("mentoring_requests", "mentoring_requests", "mentee_id"),
    covered(
        "mentoring_pairs",
        "mentoring_pairs",
        "mentor_id or mentee_id",
    ),
    covered(
        "mentoring_contacts",
        "mentoring_contacts",
        "the contacts of their pairs (both people's)",
    ),
    covered("practice_tips", "practice_tips", "author_id"),
    covered(
        "practice_tip_documents",
        "practice_tip_documents",
        "of the person's practice tips",
    ),
    covered(
        "newsletter_welcomes",
        "newsletter_welcomes",
        "participant_id",
    ),
    covered("topics", "topics_proposed", "proposed_by_account_id"),
    covered(
        "outbox_events",
        "outbox_events",
        "about the participant, their practice tips and proposed sessions",
    ),
    covered(
        "mail_messages",
        "mail_messages",
        "account_id (with the text as sent)",
    ),
    covered("session_reminders", "session_reminders", "participant_id"),
    covered("credit_reminders", "credit_reminders", "participant_id"),
    covered(
        "certificates",
        "certificates",
        "participant_id (what each participation certificate stated)",
    ),
    covered(
        "account_tokens",
        "account_tokens",
        "account_id (times only, never the token digest)",
    ),
    covered(
        "idempotency_keys",
        "idempotency_keys",
        "account_id (without the stored response body)",
    ),
    covered(
        "format_rules",
        "format_rules_recorded",
        "created_by_account_id (staff only)",
    ),
    covered(
        "newsletter_mailings",
        "newsletter_mailings_recorded",
        "recorded_by (staff only)",
    ),
    covered(
        "webhook_endpoints",
        "webhook_endpoints_registered",
        "created_by (staff only; without the secret)",
    ),
];

/// Whose data: the participant and their login account.
#[derive(Debug, Clone, Copy)]
pub struct Person {
    pub participant_id: i64,
    pub account_id: i64,
}

/// A topic the participant offers or wants, with its title.
#[derive(Debug, Clone, Queryable)]
pub struct ParticipantTopic {
    pub topic_id: i64,
    pub kind: String,
    pub title_de: String,
}

/// A session the person is linked to, with what identifies it.
#[derive(Debug, Clone, Queryable)]
pub struct SessionLink {
    pub session_id: i64,
    pub title: String,
    pub starts_at: NaiveDateTime,
}

/// A sign-up with its session.
#[derive(Debug, Clone, Queryable)]
pub struct Signup {
    pub session_id: i64,
    pub title: String,
    pub starts_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub attended: Option<bool>,
}

/// A case example made from one of the person's questions.
#[derive(Debug, Clone, Queryable)]
pub struct CaseExampleRow {
    pub session_id: i64,
    pub question_id: i64,
    pub position: i32,
    pub text: String,
}

/// A welcome in a newsletter mailing.
#[derive(Debug, Clone, Queryable)]
pub struct Welcome {
    pub mailing_id: i64,
    pub sent_on: NaiveDate,
}

/// A stored idempotency key without the answer it holds.
#[derive(Debug, Clone, Queryable)]
pub struct IdempotencyKey {
    pub operation: String,
    pub idempotency_key: String,
    pub location: String,
    pub created_at: NaiveDateTime,
}

/// A webhook endpoint without its secret.
#[derive(Debug, Clone, Queryable)]
pub struct Endpoint {
    pub id: i64,
    pub url: String,
    pub event_types: String,
    pub enabled: bool,
    pub created_at: NaiveDateTime,
}

/// A practice tip's PDF without its content.
#[derive(Debug, Clone, Queryable)]
pub struct TipDocument {
    pub practice_tip_id: i64,
    pub size_bytes: i64,
    pub page_count: Option<i32>,
    pub uploaded_at: NaiveDateTime,
}

/// One stored file of the person with its content.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub id: i64,
    pub owner_id: i64,
    pub content_type: String,
    pub content: Vec<u8>,
}

pub fn participant_topics(
    conn: &mut DbConnection,
    p: Person,
) -> QueryResult<Vec<ParticipantTopic>> {
    participant_topics::table
        .inner_join(topics::table.on(topics::id.eq(participant_topics::topic_id)))
        .filter(participant_topics::participant_id.eq(p.participant_id))
        .order((
            participant_topics::kind.asc(),
            participant_topics::topic_id.asc(),
        ))
        .select((
            participant_topics::topic_id,
            participant_topics::kind,
            topics::title_de,
        ))
        .load(conn)
}

pub fn funding_agency_notifications(
    conn: &mut DbConnection,
    p: Person,
) -> QueryResult<Vec<Notification>> {
    funding_agency_notifications::table
        .filter(funding_agency_notifications::participant_id.eq(p.participant_id))
        .order(funding_agency_notifications::id.asc())
        .load(conn)
}

pub fn sessions_proposed(conn: &mut DbConnection, p: Person) -> QueryResult<Vec<Session>> {
    sessions::table
        .filter(sessions::proposed_by.eq(p.participant_id))
        .order(sessions::id.asc())
        .select(Session::as_select())
        .load(conn)
}

pub fn sessions_as_mentor(conn: &mut DbConnection, p: Person) -> QueryResult<Vec<SessionLink>> {
    session_mentors::table
        .inner_join(sessions::table)
        .filter(session_mentors::participant_id.eq(p.participant_id))
        .order(sessions::id.asc())
        .select((sessions::id, sessions::title, sessions::starts_at))
        .load(conn)
}

pub fn session_signups(conn: &mut DbConnection, p: Person) -> QueryResult<Vec<Signup>> {
    session_signups::table
        .inner_join(sessions::table.on(sessions::id.eq(session_signups::session_id)))
        .filter(session_signups::participant_id.eq(p.participant_id))
        .order(sessions::id.asc())
        .select((
            sessions::id,
            sessions::title,
            sessions::starts_at,
            session_signups::created_at,
            session_signups::attended,
        ))
        .load(conn)
}

pub fn documentation_filed(conn: &mut DbConnection, p: Person) -> QueryResult<Vec<Documentation>> {
    session_documentation::table
        .filter(session_documentation::filed_by.eq(p.account_id))
        .order(session_documentation::session_id.asc())
        .select(Documentation::as_select())
        .load(conn)
}

pub fn case_examples(conn: &mut DbConnection, p: Person) -> QueryResult<Vec<CaseExampleRow>> {
    session_case_examples::table
        .inner_join(session_questions::table)
        .filter(session_questions::participant_id.eq(p.participant_id))
        .order((
            session_case_examples::session_id.asc(),
            session_case_examples::position.asc(),
        ))
        .select((
            session_case_examples::session_id,
            session_case_examples::question_id,
            session_case_examples::position,
            session_case_examples::text,
        ))
        .load(conn)
}

pub fn attachments_uploaded(
    conn: &mut DbConnection,
    p: Person,
) -> QueryResult<Vec<AttachmentInfo>> {
    session_attachments::table
        .filter(session_attachments::uploaded_by.eq(p.account_id))
        .order(session_attachments::id.asc())
        .select(AttachmentInfo::as_select())
        .load(conn)
}

/// The attachments the person uploaded, with content (`owner_id` is the session).
pub fn attachment_files(conn: &mut DbConnection, p: Person) -> QueryResult<Vec<StoredFile>> {
    let rows: Vec<(i64, i64, String, Vec<u8>)> = session_attachments::table
        .filter(session_attachments::uploaded_by.eq(p.account_id))
        .order(session_attachments::id.asc())
        .select((
            session_attachments::id,
            session_attachments::session_id,
            session_attachments::content_type,
            session_attachments::content,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, owner_id, content_type, content)| StoredFile {
            id,
            owner_id,
            content_type,
            content,
        })
        .collect())
}

pub fn credits(conn: &mut DbConnection, p: Person) -> QueryResult<Vec<Credit>> {
    credits::table
        .filter(credits::participant_id.eq(p.participant_id))
        .order((credits::earned_on.asc(), credits::id.asc()))
        .select(Credit::as_select())
        .load(conn)
}

/// When the person's calendar feed token was created, if they have one.
pub fn calendar_feed_token(
    conn: &mut DbConnection,
    p: Person,
) -> QueryResult<Option<NaiveDateTime>> {
    calendar_feed_tokens::table
        .filter(calendar_feed_tokens::account_id.eq(p.account_id))
        .select(calendar_feed_tokens::created_at)
        .first(conn)
        .optional()
}

/// The person's stored refresh tokens (one per login and refresh, until they expire):
/// `(created_at, expires_at, revoked_at)`, oldest first. When a token was used is the
/// `created_at` of its successor, so it is not repeated.
pub fn refresh_tokens(
    conn: &mut DbConnection,
    p: Person,
) -> QueryResult<Vec<(NaiveDateTime, NaiveDateTime, Option<NaiveDateTime>)>> {
    refresh_tokens::table
        .filter(refresh_tokens::account_id.eq(p.account_id))
        .order(refresh_tokens::id.asc())
        .select((
            refresh_tokens::created_at,
            refresh_tokens::expires_at,
            refresh_tokens::revoked_at,
        ))
        .load(conn)
}

pub fn tip_documents(conn: &mut DbConnection, p: Person) -> QueryResult<Vec<TipDocument>> {
    practice_tip_documents::table
        .inner_join(practice_tips::table)
        .filter(practice_tips::author_id.eq(p.participant_id))
        .order(practice_tip_documents::practice_tip_id.asc())
        .select((
            practice_tip_documents::practice_tip_id,
            practice_tip_documents::size_bytes,
            practice_tip_documents::page_count,
            practice_tip_documents::uploaded_at,
        ))
        .load(conn)
}

/// The PDFs of the person's practice tips (`id` and `owner_id` are the tip).
pub fn tip_files(conn: &mut DbConnection, p: Person) -> QueryResult<Vec<StoredFile>> {
    let rows: Vec<(i64, Vec<u8>)> = practice_tip_documents::table
        .inner_join(practice_tips::table)
        .filter(practice_tips::author_id.eq(p.participant_id))
        .order(practice_tip_documents::practice_tip_id.asc())
        .select((
            practice_tip_documents::practice_tip_id,
            practice_tip_documents::content,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, content)| StoredFile {
            id,
            owner_id: id,
            content_type: "application/pdf".to_owned(),
            content,
        })
        .collect())
}

pub fn newsletter_welcomes(conn: &mut DbConnection, p: Person) -> QueryResult<Vec<Welcome>> {
    newsletter_welcomes::table
        .inner_join(newsletter_mailings::table)
        .filter(newsletter_welcomes::participant_id.eq(p.participant_id))
        .select((
            newsletter_welcomes::mailing_id,
            newsletter_mailings::sent_on,
        ))
        .load(conn)
}

pub fn topics_proposed(conn: &mut DbConnection, p: Person) -> QueryResult<Vec<Topic>> {
    topics::table
        .filter(topics::proposed_by_account_id.eq(p.account_id))
        .order(topics::id.asc())
        .select(Topic::as_select())
        .load(conn)
}

/// Outbox events about the participant, their practice tips and the sessions they proposed.
pub fn outbox_events(conn: &mut DbConnection, p: Person) -> QueryResult<Vec<OutboxEvent>> {
    let tips: Vec<i64> = practice_tips::table
        .filter(practice_tips::author_id.eq(p.participant_id))
        .select(practice_tips::id)
        .load(conn)?;
    let proposed: Vec<i64> = sessions::table
        .filter(sessions::proposed_by.eq(p.participant_id))
        .select(sessions::id)
        .load(conn)?;
    let subjects = std::iter::once(("participant", p.participant_id))
        .chain(tips.into_iter().map(|id| ("practice_tip", id)))
        .chain(proposed.into_iter().map(|id| ("session", id)));
    let mut events = Vec::new();
    for (subject_type, subject_id) in subjects {
        events.extend(
            outbox_events::table
                .filter(outbox_events::subject_type.eq(subject_type))
                .filter(outbox_events::subject_id.eq(subject_id))
                .select(OutboxEvent::as_select())
                .load(conn)?,
        );
    }
    events.sort_by_key(|e| e.id);
    Ok(events)
}

pub fn idempotency_keys(conn: &mut DbConnection, p: Person) -> QueryResult<Vec<IdempotencyKey>> {
    idempotency_keys::table
        .filter(idempotency_keys::account_id.eq(p.account_id))
        .order(idempotency_keys::created_at.asc())
        .select((
            idempotency_keys::operation,
            idempotency_keys::idempotency_key,
            idempotency_keys::location,
            idempotency_keys::created_at,
        ))
        .load(conn)
}

pub fn format_rules_recorded(conn: &mut DbConnection, p: Person) -> QueryResult<Vec<FormatRule>> {
    format_rules::table
        .filter(format_rules::created_by_account_id.eq(p.account_id))
        .order(format_rules::id.asc())
        .select(FormatRule::as_select())
        .load(conn)
}

pub fn mailings_recorded(conn: &mut DbConnection, p: Person) -> QueryResult<Vec<Mailing>> {
    newsletter_mailings::table
        .filter(newsletter_mailings::recorded_by.eq(p.account_id))
        .order(newsletter_mailings::id.asc())
        .select(Mailing::as_select())
        .load(conn)
}

pub fn endpoints_registered(conn: &mut DbConnection, p: Person) -> QueryResult<Vec<Endpoint>> {
    webhook_endpoints::table
        .filter(webhook_endpoints::created_by.eq(p.account_id))
        .order(webhook_endpoints::id.asc())
        .select((
            webhook_endpoints::id,
            webhook_endpoints::url,
            webhook_endpoints::event_types,
            webhook_endpoints::enabled,
            webhook_endpoints::created_at,
        ))
        .load(conn)
}
