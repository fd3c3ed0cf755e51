//! Role-change requests: asked by the participant (or staff for them), decided by staff.

use crate::api::http::json_object::JsonObject;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::apply_roles;
use super::notices::tell_participant;
use crate::api::access::{existing, own_record};
use crate::api::http::response::{created_json, private_json};
use crate::api::participants::input::not_future;
use crate::api::participants::input::plausible_date;
use crate::api::participants::registration::parse_roles;
use crate::api::participants::views::roles_of;
use crate::auth::{Caller, PersonCaller, StaffCaller};
use crate::db::models::audit_events::{self, Change};
use crate::db::models::roles::{self, RoleChangeRequest};
use crate::db::{self, DbPool};
use crate::domain::participant::{RoleChangeStatus, RoleCode, Roles, check_role_change};
use crate::domain::text;
use crate::error::AppError;

/// A role-change request as stored.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 4,
    "roles": ["mentee", "mentor"],
    "reason": "Ich möchte meine Erfahrungen zur Wärmeplanung als Mentorin weitergeben.",
    "status": "approved",
    "requested_at": "2025-02-20T16:41:00Z",
    "decided_at": "2025-02-24T09:05:00Z",
    "decision_note": "Gern, willkommen im Kreis der Mentorinnen und Mentoren."
}))]
pub struct RoleChangeResponse {
    /// Request id.
    pub id: i64,
    /// The roles asked for.
    pub roles: Vec<RoleCode>,
    /// Why.
    pub reason: String,
    /// `requested`, `approved` or `declined`.
    pub status: RoleChangeStatus,
    /// When it was filed.
    pub requested_at: DateTime<Utc>,
    /// When staff decided.
    #[schema(required = true)]
    pub decided_at: Option<DateTime<Utc>>,
    /// Staff's note on the decision.
    #[schema(required = true)]
    pub decision_note: Option<String>,
}

impl From<RoleChangeRequest> for RoleChangeResponse {
    fn from(r: RoleChangeRequest) -> Self {
        let roles = Roles {
            mentee: r.wants_mentee,
            mentor: r.wants_mentor,
        };
        Self {
            id: r.id,
            roles: roles.codes(),
            reason: r.reason,
            status: r.status,
            requested_at: r.requested_at.and_utc(),
            decided_at: r.decided_at.map(|t| t.and_utc()),
            decision_note: r.decision_note,
        }
    }
}

/// A participant's role-change requests, newest first.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
        "id": 4,
        "roles": ["mentee", "mentor"],
        "reason": "Ich möchte meine Erfahrungen zur Wärmeplanung als Mentorin weitergeben.",
        "status": "requested",
        "requested_at": "2025-02-20T16:41:00Z",
        "decided_at": null,
        "decision_note": null
    }]
}))]
pub struct RoleChangeList {
    /// The requests.
    pub items: Vec<RoleChangeResponse>,
}

/// Asking for other roles.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "roles": ["mentee", "mentor"],
    "reason": "Ich möchte meine Erfahrungen zur Wärmeplanung als Mentorin weitergeben."
}))]
#[serde(deny_unknown_fields)]
pub struct RoleChangeRequestBody {
    /// The wanted roles: one or both.
    #[validate(length(min = 1, max = 2))]
    #[schema(min_items = 1, max_items = 2)]
    pub roles: Vec<RoleCode>,
    /// Why.
    #[validate(length(min = 1, max = 2000), custom(function = "text::multi_line"))]
    #[schema(min_length = 1, max_length = 2000, format = "multi-line")]
    pub reason: String,
}

/// Requests a role change.
///
/// The participant themself or staff on their behalf; other participants get 404, integration
/// clients 403. § 2, footnote 1: participants choose their roles themselves and may change
/// them. Only for an `active` participant, only for roles other than the current ones, and only
/// while no earlier request is open (409 otherwise). The request waits for a staff decision.
/// Answers 201. Audited (`role_change.requested`).
#[utoipa::path(
    tag = "participants",
    operation_id = "create_role_change",
    params(("id" = i64, Path, description = "Participant id.")),
    request_body = RoleChangeRequestBody,
    responses(
        (status = 201, description = "Filed.", body = RoleChangeResponse,
            headers(("Location" = String, description = "URL of the request list."))),
        (status = 409, description = "Another request is open, the roles are unchanged, or the participant is not active.")
    )
)]
#[post("/participants/{id}/role-changes")]
pub async fn create_role_change(
    PersonCaller(caller): PersonCaller,
    id: web::Path<i64>,
    body: JsonObject<RoleChangeRequestBody>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let body = body.into_inner()?;
    body.validate()?;
    let wanted = parse_roles(&body.roles, "/roles")?;
    let request = db::write(&pool, move |conn| {
        let (viewer, row) = own_record(conn, &caller, id)?;
        let has_open_request = roles::requests(conn, id)?
            .iter()
            .any(|r| r.status == RoleChangeStatus::Requested);
        check_role_change(row.is_active(), roles_of(&row), wanted, has_open_request)?;
        let now = Utc::now().naive_utc();
        let request = roles::request(
            conn,
            id,
            wanted.mentee,
            wanted.mentor,
            body.reason.trim(),
            viewer.account_id(),
            now,
        )?;
        audit_events::record(
            conn,
            Change {
                actor: &caller.actor(),
                action: "role_change.requested",
                entity_type: "participant",
                entity_id: id.to_string(),
                before: Some(serde_json::json!({ "roles": roles_of(&row).codes() })),
                after: Some(
                    serde_json::json!({ "request_id": request.id, "roles": wanted.codes() }),
                ),
            },
        )?;
        Ok(request)
    })
    .await?;
    Ok(created_json(
        &format!("/api/v1/participants/{id}/role-changes"),
        &RoleChangeResponse::from(request),
    ))
}

/// The participant's role-change requests, newest first.
///
/// The participant themself or staff; other participants get 404, integration clients 403.
/// Each with its state (`requested`, `approved`, `declined`) and staff's note.
#[utoipa::path(
    tag = "participants",
    operation_id = "list_role_changes",
    params(("id" = i64, Path, description = "Participant id.")),
    responses((status = 200, description = "The requests, newest first.", body = RoleChangeList))
)]
#[get("/participants/{id}/role-changes")]
pub async fn list_role_changes(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let items = db::run(&pool, move |conn| {
        own_record(conn, &caller, id)?;
        Ok(roles::requests(conn, id)?)
    })
    .await?;
    Ok(private_json(&RoleChangeList {
        items: items.into_iter().map(Into::into).collect(),
    }))
}

/// A staff decision on a request.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "note": "Gern, willkommen im Kreis der Mentorinnen und Mentoren.",
    "effective_on": "2025-02-24"
}))]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Note for the participant.
    #[validate(length(min = 1, max = 2000), custom(function = "text::multi_line"))]
    #[schema(min_length = 1, max_length = 2000, format = "multi-line")]
    pub note: Option<String>,
    /// From when approved roles apply (default today; not in the future).
    #[validate(custom(function = "plausible_date"))]
    pub effective_on: Option<NaiveDate>,
}

async fn decide(
    StaffCaller(caller): StaffCaller,
    (id, request_id): (i64, i64),
    body: Decision,
    approve: bool,
    pool: &DbPool,
) -> Result<HttpResponse, AppError> {
    body.validate()?;
    let effective_on = not_future(body.effective_on, "/effective_on")?;
    let decided = db::write(pool, move |conn| {
        existing(conn, id)?;
        let request = roles::requests(conn, id)?
            .into_iter()
            .find(|r| r.id == request_id)
            .ok_or(AppError::NotFound)?;
        let status = if approve {
            RoleChangeStatus::Approved
        } else {
            RoleChangeStatus::Declined
        };
        let now = Utc::now().naive_utc();
        if !roles::decide(
            conn,
            request_id,
            status,
            body.note.as_deref().map(str::trim),
            caller.account_id,
            now,
        )? {
            return Err(AppError::Conflict(
                "the request was already decided".to_owned(),
            ));
        }
        audit_events::record(
            conn,
            Change {
                actor: &caller.actor(),
                action: if approve {
                    "role_change.approved"
                } else {
                    "role_change.declined"
                },
                entity_type: "participant",
                entity_id: id.to_string(),
                before: Some(
                    serde_json::json!({ "request_id": request_id, "status": "requested" }),
                ),
                after: Some(serde_json::json!({ "request_id": request_id, "status": status })),
            },
        )?;
        if approve {
            let wanted = Roles {
                mentee: request.wants_mentee,
                mentor: request.wants_mentor,
            };
            apply_roles(conn, id, wanted, effective_on, "request", &caller)?;
        }
        let decided = roles::requests(conn, id)?
            .into_iter()
            .find(|r| r.id == request_id)
            .ok_or(AppError::NotFound)?;
        tell_participant(conn, &decided, effective_on)?;
        Ok(decided)
    })
    .await?;
    Ok(private_json(&RoleChangeResponse::from(decided)))
}

/// Approves a role-change request.
///
/// Staff only. Only a `requested` request (409 when already decided). The roles change from
/// `effective_on` (default today; not in the future: 422) with a new period of the role
/// history and the event `participant.roles_changed`; the participant gets the decision by
/// e-mail with the note. Audited (`role_change.approved`).
#[utoipa::path(
    tag = "participants",
    operation_id = "approve_role_change",
    params(("id" = i64, Path, description = "Participant id."), ("request_id" = i64, Path, description = "Request id.")),
    request_body = Decision,
    responses(
        (status = 200, description = "Approved; the roles changed.", body = RoleChangeResponse),
        (status = 409, description = "Already decided.")
    )
)]
#[post("/participants/{id}/role-changes/{request_id}/approval")]
pub async fn approve_role_change(
    caller: StaffCaller,
    path: web::Path<(i64, i64)>,
    body: JsonObject<Decision>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    decide(caller, path.into_inner(), body.into_inner()?, true, &pool).await
}

/// Declines a role-change request.
///
/// Staff only. Only a `requested` request (409 when already decided). The roles stay; the
/// participant gets the decision by e-mail with the note. Audited (`role_change.declined`).
#[utoipa::path(
    tag = "participants",
    operation_id = "decline_role_change",
    params(("id" = i64, Path, description = "Participant id."), ("request_id" = i64, Path, description = "Request id.")),
    request_body = Decision,
    responses(
        (status = 200, description = "Declined.", body = RoleChangeResponse),
        (status = 409, description = "Already decided.")
    )
)]
#[post("/participants/{id}/role-changes/{request_id}/declination")]
pub async fn decline_role_change(
    caller: StaffCaller,
    path: web::Path<(i64, i64)>,
    body: JsonObject<Decision>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    decide(caller, path.into_inner(), body.into_inner()?, false, &pool).await
}
