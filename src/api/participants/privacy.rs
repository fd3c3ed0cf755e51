//! Data protection: a person's export of everything stored about them, and erasure.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::projects::ContactSheetResponse;
use super::roles::history::RolePeriodResponse;
use super::roles::requests::RoleChangeResponse;
use super::views::{ParticipantResponse, ProjectResponse, assemble_one, today};
use crate::api::access::{existing, own_record};
use crate::api::audit::AuditEventResponse;
use crate::api::http::response::private_json;
use crate::api::sessions::mentees::{QuestionResponse, question_response};
use crate::auth::{AccountCache, Caller};
use crate::db::models::audit_events::{self, Change, Filter};
use crate::db::models::outbox;
use crate::db::models::{
    accounts, calendar_feed_tokens, contact_sheets, participants, participations, projects, roles,
    sessions,
};
use crate::db::schema;
use crate::db::{self, DbPool};
use crate::domain::events::EventType;
use crate::domain::participant::ParticipantStatus;
use crate::error::AppError;

/// A stored contact sheet with its content.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedSheet {
    /// The project it belongs to.
    pub project_id: i64,
    /// Metadata.
    pub sheet: ContactSheetResponse,
    /// The scan, base64-encoded.
    pub content_base64: String,
}

/// A participation period.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedParticipation {
    /// First day.
    pub started_on: chrono::NaiveDate,
    /// Last day.
    #[schema(required = true)]
    pub ended_on: Option<chrono::NaiveDate>,
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

/// Everything stored about one person (Art. 15 GDPR).
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonalDataExport {
    /// When the export was made.
    pub exported_at: DateTime<Utc>,
    /// The account.
    pub account: ExportedAccount,
    /// The participant record.
    pub participant: ParticipantResponse,
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
    /// Audit events about the person or made by them.
    pub audit_events: Vec<AuditEventResponse>,
    /// Questions and case examples the person sent to sessions.
    pub session_questions: Vec<QuestionResponse>,
    /// Forum sponsorships (applied for, running or past).
    pub forum_sponsorships: Vec<crate::api::forum_sponsorships::SponsorshipResponse>,
    /// Practice tips the person wrote (metadata; the PDFs via their download endpoint).
    pub practice_tips: Vec<crate::api::practice_tips::views::PracticeTipResponse>,
}

/// Everything stored about the participant, as JSON (the person themself or staff).
#[utoipa::path(
    tag = "participants",
    operation_id = "export_participant_data",
    params(("id" = i64, Path, description = "Participant id.")),
    responses((status = 200, description = "The export.", body = PersonalDataExport,
        headers(("Content-Disposition" = String, description = "attachment with a file name."))))
)]
#[get("/participants/{id}/export")]
pub async fn export(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let today = today();
    let export = db::run(&pool, move |conn| {
        let (viewer, row) = own_record(conn, &caller, id)?;
        let tips = crate::api::practice_tips::views::of_author(conn, &viewer, id)?;
        let account = accounts::find(conn, row.account_id)?.ok_or(AppError::NotFound)?;
        let assembled = assemble_one(conn, row, today)?;
        let mut sheets = Vec::new();
        for info in contact_sheets::of_participant(conn, id)? {
            let (_, content) =
                contact_sheets::content(conn, info.project_id)?.ok_or(AppError::NotFound)?;
            sheets.push(ExportedSheet {
                project_id: info.project_id,
                sheet: (&info).into(),
                content_base64: STANDARD.encode(content),
            });
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
        Ok(PersonalDataExport {
            exported_at: Utc::now(),
            account: ExportedAccount {
                login: account.login,
                created_at: account.created_at.and_utc(),
                disabled_at: account.disabled_at.map(|t| t.and_utc()),
            },
            participant: assembled.response(today),
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
            audit_events: events.into_iter().map(Into::into).collect(),
            session_questions: sessions::questions_by(conn, id)?
                .into_iter()
                .map(|q| question_response(q, true))
                .collect(),
            forum_sponsorships: crate::api::forum_sponsorships::of_participant(conn, id)?,
            practice_tips: tips,
        })
    })
    .await?;
    let mut response = private_json(&export);
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        header::HeaderValue::from_str(&format!(
            "attachment; filename=\"teilnehmende-{id}-export.json\""
        ))
        .map_err(AppError::internal)?,
    );
    Ok(response)
}

/// Erases a participant (staff): personal fields, question texts, notes and the free texts of
/// their unrealised proposals are blanked; scans, uploads, sign-ups, the calendar feed token
/// and stored idempotent answers naming them are deleted (or rewritten without them), the
/// account disabled. What funding evidence needs (ids, project kinds and dates, roles over time,
/// activity records, credits) stays countable; programme content (documented sessions, published
/// practice tips) stays. The README's erasure section lists every field. Cannot be undone.
#[utoipa::path(
    tag = "participants",
    operation_id = "erase_participant",
    params(("id" = i64, Path, description = "Participant id.")),
    responses((status = 204, description = "Erased; the participant is no longer visible."))
)]
#[post("/participants/{id}/erasure")]
pub async fn erase(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
    accounts_seen: web::Data<AccountCache>,
) -> Result<HttpResponse, AppError> {
    caller.require_staff()?;
    let id = id.into_inner();
    let today = today();
    let account_id = db::write(&pool, move |conn| {
        use schema::{accounts as a, participants as p};
        let row = existing(conn, id)?;
        let now = Utc::now().naive_utc();
        if row.status != ParticipantStatus::Ended {
            participations::end(conn, id, today, "—", caller.account_id)?;
        }
        diesel::update(p::table.find(id))
            .set((
                p::status.eq(ParticipantStatus::Ended.as_str()),
                p::salutation.eq(None::<String>),
                p::first_name.eq("—"),
                p::last_name.eq("—"),
                p::email.eq(format!("erased-{}@erased.invalid", row.account_id)),
                p::phone.eq("—"),
                p::consent_directory.eq(false),
                p::consent_newsletter_welcome.eq(false),
                p::community_account_ref.eq(None::<String>),
                p::erased_at.eq(now),
                p::version.eq(p::version + 1),
                p::updated_at.eq(now),
            ))
            .execute(conn)?;
        diesel::update(a::table.find(row.account_id))
            .set((
                a::login.eq(format!("erased-{}@erased.invalid", row.account_id)),
                a::display_name.eq("—"),
                a::password_hash.eq("!"),
                a::disabled_at.eq(now),
                a::updated_at.eq(now),
            ))
            .execute(conn)?;
        projects::anonymise(conn, id)?;
        contact_sheets::delete_of_participant(conn, id)?;
        participations::anonymise(conn, id)?;
        roles::anonymise(conn, id)?;
        sessions::anonymise_participant(conn, id)?;
        calendar_feed_tokens::revoke(conn, row.account_id)?;
        crate::db::models::practice_tips::delete_unpublished_of(conn, id)?;
        // Free texts, uploads and stored answers naming the person (README, "Erasure").
        crate::db::models::erasure::scrub(
            conn,
            crate::db::models::erasure::Erased {
                participant_id: id,
                account_id: row.account_id,
                email: &row.email,
            },
            now,
        )?;
        audit_events::record(
            conn,
            Change {
                actor: &caller.actor(),
                action: "participant.erased",
                entity_type: "participant",
                entity_id: id.to_string(),
                before: Some(serde_json::json!({ "status": row.status })),
                after: Some(serde_json::json!({ "status": "ended", "erased": true })),
            },
        )?;
        if row.status != ParticipantStatus::Ended {
            // Erasing a member ends the participation: the community must revoke access.
            outbox::emit(conn, EventType::ParticipantEnded, id, now)?;
        }
        let _ = participants::find(conn, id)?;
        Ok(row.account_id)
    })
    .await?;
    accounts_seen.forget(account_id);
    // SQLite: leave no older copy of the erased pages in the write-ahead log. Best effort: the
    // erasure has committed, and the next automatic checkpoint does the same later.
    let checkpoint = db::run(&pool, |conn| {
        crate::db::models::erasure::checkpoint(conn).map_err(AppError::from)
    })
    .await;
    if let Err(error) = checkpoint {
        log::warn!("WAL checkpoint after an erasure failed: {error}");
    }
    Ok(HttpResponse::NoContent().finish())
}
