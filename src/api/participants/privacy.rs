//! Data protection: erasure (the export lives in `export/`).

use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use diesel::prelude::*;

use crate::api::access::existing;
use crate::auth::{AccountCache, StaffCaller};
use crate::db::models::audit_events::{self, Change};
use crate::db::models::outbox;
use crate::db::models::{
    calendar_feed_tokens, contact_sheets, participants, participations, projects, roles, sessions,
};
use crate::db::schema;
use crate::db::{self, DbPool};
use crate::domain::events::EventType;
use crate::domain::participant::ParticipantStatus;
use crate::domain::programme_time::programme_today;
use crate::error::AppError;

/// Erases a participant's personal data.
///
/// Staff only; cannot be undone. A participation still running is ended first (the event
/// `participant.ended` then tells the Klimaschutz-Community to revoke access). Personal fields,
/// question texts, notes and the free texts of their unrealised proposals are blanked; scans,
/// uploads, sign-ups, the calendar feed token and stored idempotent answers naming them are
/// deleted (or rewritten without them), the account disabled. What funding evidence needs (ids,
/// project kinds and dates, roles over time, activity records, credits) stays countable;
/// programme content (documented sessions, published practice tips) stays. docs/data-protection.md lists
/// every field. Afterwards the participant is 404 everywhere. Audited
/// (`participant.erased`, without personal values).
#[utoipa::path(
    tag = "participants",
    operation_id = "erase_participant",
    params(("id" = i64, Path, description = "Participant id.")),
    responses((status = 204, description = "Erased; the participant is no longer visible."))
)]
#[post("/participants/{id}/erasure")]
pub async fn erase(
    StaffCaller(caller): StaffCaller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
    accounts_seen: web::Data<AccountCache>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let today = programme_today();
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
        crate::db::models::refresh_tokens::delete_all_of(conn, row.account_id)?;
        crate::db::models::practice_tips::delete_unpublished_of(conn, id)?;
        // Individual mentoring: the open request is withdrawn, running pairs end today, and the
        // confidential texts (request notes, agreements, contact notes) are blanked; the contact
        // rows stay, as the other person's record and the mentor's credits rest on them.
        crate::db::models::mentoring_requests::erase_of_mentee(conn, id, now)?;
        crate::db::models::mentoring_pairs::erase_of_member(conn, id, today, now)?;
        // Free texts, uploads and stored answers naming the person (docs/data-protection.md).
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
