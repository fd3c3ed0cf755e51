//! State transitions: activation (staff, with a confirmed contact sheet), ending (the
//! participant or staff) and re-joining (staff). Each is audited; history is kept.

use crate::api::http::json_object::JsonObject;
use actix_web::{HttpResponse, post, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::input::plausible_date;
use super::views::{ParticipantResponse, assemble_one};
use crate::api::access::{existing, own_record};
use crate::api::http::etag::json_with_etag;
use crate::auth::{Caller, StaffCaller};
use crate::db::models::{contact_sheets, participants, participations, projects, refresh_tokens};
use crate::db::{self, DbPool};
use crate::domain::events::EventType;
use crate::domain::participant::{
    ParticipantStatus, check_activation, check_ending, check_rejoining,
};
use crate::domain::programme_time::programme_today;
use crate::domain::text;
use crate::error::AppError;
use crate::mail::{self, Links, Message};

async fn respond(pool: &DbPool, id: i64) -> Result<HttpResponse, AppError> {
    let today = programme_today();
    let assembled = db::run(pool, move |conn| {
        let row = existing(conn, id)?;
        assemble_one(conn, row, today)
    })
    .await?;
    Ok(json_with_etag(
        assembled.participant.version,
        &assembled.response(today),
    ))
}

/// Activates a pending participant.
///
/// Staff only. § 5.1: a registration counts once the signed contact sheet is in. Only a
/// `pending` participant whose current project (the one running today) has a confirmed contact
/// sheet can be activated (409 otherwise). The state becomes `active`: the directory, the
/// calendar and the other member resources open, a participation period starts, the welcome
/// e-mail goes out and the event `participant.activated` tells the Klimaschutz-Community to
/// grant access. Audited.
#[utoipa::path(
    tag = "participants",
    operation_id = "activate_participant",
    params(("id" = i64, Path, description = "Participant id.")),
    responses(
        (status = 200, description = "Active; member resources are unlocked.", body = ParticipantResponse),
        (status = 409, description = "Not pending, or no confirmed contact sheet.")
    )
)]
#[post("/participants/{id}/activation")]
pub async fn activate(
    StaffCaller(caller): StaffCaller,
    id: web::Path<i64>,
    links: web::Data<Links>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let today = programme_today();
    let login_link = links.login();
    db::write(&pool, move |conn| {
        let row = existing(conn, id)?;
        let all = projects::of_participant(conn, id)?;
        let project = projects::current(&all, today);
        let confirmed = match project {
            Some(project) => {
                contact_sheets::info(conn, project.id)?.is_some_and(|s| s.confirmed_at.is_some())
            }
            None => false,
        };
        check_activation(row.status, project.is_some(), confirmed)?;
        participations::start(conn, id, today, caller.account_id)?;
        participants::transition(
            conn,
            id,
            &caller.actor(),
            ParticipantStatus::Pending,
            ParticipantStatus::Active,
            EventType::ParticipantActivated,
        )?;
        let welcome = Message::ParticipantActivated {
            in_directory: row.consent_directory,
            login_link,
        };
        mail::queue_to_account(conn, row.account_id, &welcome)?;
        Ok(())
    })
    .await?;
    respond(&pool, id).await
}

/// Ending a participation (§ 5.2).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "ended_on": "2025-06-30",
    "reason": "Wechsel in eine andere Abteilung der Stadtverwaltung."
}))]
#[serde(deny_unknown_fields)]
pub struct EndingRequest {
    /// Last day of participation.
    #[validate(custom(function = "plausible_date"))]
    pub ended_on: NaiveDate,
    /// Why (kept for staff; erased with the person).
    #[validate(length(min = 1, max = 2000), custom(function = "text::multi_line"))]
    #[schema(min_length = 1, max_length = 2000, format = "multi-line")]
    pub reason: String,
}

/// Ends a participation.
///
/// The participant themself or staff (§ 5.2); other participants get 404, integration clients
/// 403. A `pending` or `active` participation becomes `ended` on `ended_on` (a date in
/// 1990–2100) with the reason (kept for staff); an ended one is 409. The participant leaves the
/// directory and the newsletter, their refresh tokens are revoked, and the event
/// `participant.ended` tells the Klimaschutz-Community to revoke access. The history (projects,
/// activities, credits) stays; staff can let them re-join. Audited.
#[utoipa::path(
    tag = "participants",
    operation_id = "end_participation",
    params(("id" = i64, Path, description = "Participant id.")),
    request_body = EndingRequest,
    responses(
        (status = 200, description = "Ended.", body = ParticipantResponse),
        (status = 409, description = "Already ended.")
    )
)]
#[post("/participants/{id}/ending")]
pub async fn end(
    caller: Caller,
    id: web::Path<i64>,
    body: JsonObject<EndingRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    db::write(&pool, move |conn| {
        let (viewer, row) = own_record(conn, &caller, id)?;
        let body = body.into_inner()?;
        body.validate()?;
        let from = row.status;
        check_ending(from)?;
        participations::end(
            conn,
            id,
            body.ended_on,
            body.reason.trim(),
            viewer.account_id(),
        )?;
        // An ended participant keeps a short-lived access token only (docs/accounts.md).
        refresh_tokens::revoke_all_of(conn, row.account_id)?;
        participants::transition(
            conn,
            id,
            &caller.actor(),
            from,
            ParticipantStatus::Ended,
            EventType::ParticipantEnded,
        )
    })
    .await?;
    respond(&pool, id).await
}

/// Lets an ended participant re-join.
///
/// Staff only. Only an `ended` participant (409 otherwise) becomes `active` again with a new
/// participation period from today; the earlier periods stay in the history. The event
/// `participant.rejoined` tells the Klimaschutz-Community to grant access again. Audited.
#[utoipa::path(
    tag = "participants",
    operation_id = "rejoin_participant",
    params(("id" = i64, Path, description = "Participant id.")),
    responses(
        (status = 200, description = "Active again.", body = ParticipantResponse),
        (status = 409, description = "Not ended.")
    )
)]
#[post("/participants/{id}/rejoining")]
pub async fn rejoin(
    StaffCaller(caller): StaffCaller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let today = programme_today();
    db::write(&pool, move |conn| {
        let row = existing(conn, id)?;
        check_rejoining(row.status)?;
        participations::start(conn, id, today, caller.account_id)?;
        participants::transition(
            conn,
            id,
            &caller.actor(),
            ParticipantStatus::Ended,
            ParticipantStatus::Active,
            EventType::ParticipantRejoined,
        )
    })
    .await?;
    respond(&pool, id).await
}
