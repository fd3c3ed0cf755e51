//! Forming a pair: a mentor accepts an open request, or staff assign a mentor.

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::{PairResponse, pair_response, require_open_format};
use crate::api::access::Viewer;
use crate::api::http::idempotency::{self, Created, IdempotencyKeyHeader};
use crate::api::http::json_object::JsonObject;
use crate::auth::Caller;
use crate::db::models::audit_events::{self, Change};
use crate::db::models::mentoring_pairs::{self as pair_rows, NewPair};
use crate::db::models::mentoring_requests as request_rows;
use crate::db::models::{locks, participants};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::individual_mentoring::{PairState, RequestState, check_acceptance};
use crate::domain::programme_time::programme_today;
use crate::error::AppError;

/// Who takes on the mentee.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptanceRequest {
    /// Staff only: the active mentor they assign (e.g. one of the suggestions). A mentor
    /// accepts for themself and leaves it out.
    #[schema(example = 42)]
    pub mentor_id: Option<i64>,
}

/// The mentor of the new pair: the calling active mentor, or the active mentor staff name.
fn mentor_of(
    conn: &mut DbConnection,
    viewer: &Viewer,
    named: Option<i64>,
) -> Result<i64, AppError> {
    if let Viewer::Participant(p) = viewer {
        return match named {
            Some(id) if id != p.id => Err(AppError::Forbidden),
            _ => Ok(p.id),
        };
    }
    let id = named.ok_or_else(|| {
        AppError::invalid_field("/mentor_id", "staff name the mentor they assign")
    })?;
    let ok = participants::find(conn, id)?.is_some_and(|p| p.is_active_mentor());
    if ok {
        Ok(id)
    } else {
        Err(AppError::invalid_field(
            "/mentor_id",
            format!("participant {id} is not an active participant with the mentor role"),
        ))
    }
}

/// Accepts a mentoring request and forms the pair.
///
/// Accepts an open request and forms the pair (the accepting active mentor, or staff naming the
/// mentor). One pair per request: a second acceptance, also a concurrent one, is 409, and so is a
/// mentor who already carries 3 active pairs or the mentee themself; both hold in one transaction
/// under a lock. Refused with 409 while individual mentoring is not open. The pair starts today;
/// it records its agreement next. Audited. Mentees, pending and ended participants and integration
/// clients get 403; § 3.3.
#[utoipa::path(
    tag = "individual-mentoring",
    operation_id = "accept_mentoring_request",
    params(
        ("id" = i64, Path, description = "Request id."),
        IdempotencyKeyHeader
    ),
    request_body = AcceptanceRequest,
    responses(
        (status = 201, description = "The pair was formed.", body = PairResponse,
            headers(("Location" = String, description = "URL of the new pair."))),
        (status = 403, description = "Not staff and not an active mentor (or accepting for someone else)."),
        (status = 409, description = "The request is not open (matched or withdrawn), the mentor is full or is the mentee, or individual mentoring is not open."),
        (status = 422, description = "Staff without `mentor_id`, or it names no active mentor.")
    )
)]
#[post("/mentoring-requests/{id}/acceptance")]
pub async fn accept(
    caller: Caller,
    req: HttpRequest,
    id: web::Path<i64>,
    body: JsonObject<AcceptanceRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let key = idempotency::key_of(&req)?;
    let id = id.into_inner();
    let created = db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        if !viewer.is_staff() {
            viewer.active_mentor()?;
        }
        // Any existing request: a matched or withdrawn one answers 409 (not 404), so a mentor
        // who comes second learns that someone else took it.
        let request_row = request_rows::find(conn, id)?.ok_or(AppError::NotFound)?;
        let body = body.into_inner()?;
        let mentor_id = mentor_of(conn, &viewer, body.mentor_id)?;
        let canonical = idempotency::canonical_body(Some(id), &body)?;
        locks::acquire(conn, "mentoring_pairs")?;
        let request = idempotency::Request {
            account_id: caller.account_id,
            operation: "accept_mentoring_request",
            key: key.as_deref(),
            body: &canonical,
        };
        let now = Utc::now().naive_utc();
        idempotency::once(conn, &request, now, |conn| {
            let today = programme_today();
            require_open_format(conn, today)?;
            // Read again under the lock: a racing acceptance may have matched it meanwhile.
            let current = request_rows::find(conn, id)?.ok_or(AppError::NotFound)?;
            let load = pair_rows::active_count(conn, mentor_id)?;
            check_acceptance(current.state, request_row.mentee_id, mentor_id, load)?;
            request_rows::transition(conn, id, RequestState::Open, RequestState::Matched, now)?
                .ok_or_else(|| {
                    AppError::Conflict("the request was accepted meanwhile".to_owned())
                })?;
            let pair = pair_rows::insert(
                conn,
                &NewPair {
                    request_id: id,
                    mentor_id,
                    mentee_id: request_row.mentee_id,
                    state: PairState::Active,
                    started_on: today,
                    version: 1,
                    created_by: caller.account_id,
                    created_at: now,
                    updated_at: now,
                },
            )?;
            audit_events::record(
                conn,
                Change {
                    actor: &caller.actor(),
                    action: "mentoring_pair.formed",
                    entity_type: "mentoring_pair",
                    entity_id: pair.id.to_string(),
                    before: None,
                    after: Some(json!({
                        "request_id": id,
                        "mentor_id": mentor_id,
                        "mentee_id": pair.mentee_id,
                        "started_on": pair.started_on,
                    })),
                },
            )?;
            let pair_id = pair.id;
            Created::new(
                format!("/api/v1/mentoring-pairs/{pair_id}"),
                &pair_response(pair),
            )
        })
    })
    .await?;
    Ok(created.respond())
}
