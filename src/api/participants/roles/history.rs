//! Direct role changes by staff and the role history.

use crate::api::http::json_object::JsonObject;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::apply_roles;
use crate::api::access::own_record;
use crate::api::http::response::{created_json, private_json};
use crate::api::participants::input::not_future;
use crate::api::participants::input::plausible_date;
use crate::api::participants::registration::parse_roles;
use crate::auth::{Caller, StaffCaller};
use crate::db::models::roles::{self, RolePeriod};
use crate::db::{self, DbPool};
use crate::domain::participant::{RoleCode, Roles};
use crate::error::AppError;

/// A direct role change by staff.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"roles": ["mentee", "mentor"], "effective_on": "2025-03-01"}))]
#[serde(deny_unknown_fields)]
pub struct RoleAssignment {
    /// The new roles: one or both.
    #[validate(length(min = 1, max = 2))]
    #[schema(min_items = 1, max_items = 2)]
    pub roles: Vec<RoleCode>,
    /// From when they apply (default today; not in the future).
    #[validate(custom(function = "plausible_date"))]
    pub effective_on: Option<NaiveDate>,
}

/// One period of the role history.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "roles": ["mentee", "mentor"],
    "valid_from": "2025-03-01",
    "source": "staff",
    "recorded_at": "2025-03-03T11:20:00Z"
}))]
pub struct RolePeriodResponse {
    /// Roles held.
    pub roles: Vec<RoleCode>,
    /// From this day until the next period.
    pub valid_from: NaiveDate,
    /// `registration`, `request` or `staff`.
    pub source: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

impl From<RolePeriod> for RolePeriodResponse {
    fn from(p: RolePeriod) -> Self {
        Self {
            roles: Roles {
                mentee: p.is_mentee,
                mentor: p.is_mentor,
            }
            .codes(),
            valid_from: p.valid_from,
            source: p.source,
            recorded_at: p.recorded_at.and_utc(),
        }
    }
}

/// Who held which roles when, oldest first.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
        "roles": ["mentee"],
        "valid_from": "2023-05-02",
        "source": "registration",
        "recorded_at": "2023-05-02T07:45:10Z"
    }, {
        "roles": ["mentor"],
        "valid_from": "2024-07-01",
        "source": "request",
        "recorded_at": "2024-07-03T13:00:00Z"
    }]
}))]
pub struct RoleHistory {
    /// The periods.
    pub items: Vec<RolePeriodResponse>,
}

/// Changes a participant's roles directly.
///
/// Staff only, e.g. when a participant asks the office by e-mail (§ 2, footnote 1: roles can be
/// changed at any time on request). The new roles (mentee, mentor or both) apply from
/// `effective_on` (default today; not in the future: 422) and start a new period of the role
/// history; the event `participant.roles_changed` goes to the feed. A deviation from the
/// funding body's expectation (KSM1 as mentor, KSM2 only as mentee) then shows as an open
/// notification. Answers 201 with the new period. Audited.
#[utoipa::path(
    tag = "participants",
    operation_id = "assign_roles",
    params(("id" = i64, Path, description = "Participant id.")),
    request_body = RoleAssignment,
    responses((status = 201, description = "Changed; the new period.", body = RolePeriodResponse,
        headers(("Location" = String, description = "URL of the role history."))))
)]
#[post("/participants/{id}/role-assignments")]
pub async fn assign_roles(
    StaffCaller(caller): StaffCaller,
    id: web::Path<i64>,
    body: JsonObject<RoleAssignment>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let body = body.into_inner()?;
    body.validate()?;
    let roles = parse_roles(&body.roles, "/roles")?;
    let effective_on = not_future(body.effective_on, "/effective_on")?;
    let period = db::write(&pool, move |conn| {
        apply_roles(conn, id, roles, effective_on, "staff", &caller)?;
        roles::periods(conn, id)?
            .into_iter()
            .max_by_key(|p| p.id)
            .ok_or(AppError::NotFound)
    })
    .await?;
    Ok(created_json(
        &format!("/api/v1/participants/{id}/role-history"),
        &RolePeriodResponse::from(period),
    ))
}

/// The participant's role history.
///
/// The participant themself or staff; other participants get 404, integration clients 403.
/// Who held which roles from when, oldest first, and how each period came about
/// (`registration`, `request` or `staff`).
#[utoipa::path(
    tag = "participants",
    operation_id = "get_role_history",
    params(("id" = i64, Path, description = "Participant id.")),
    responses((status = 200, description = "The periods, oldest first.", body = RoleHistory))
)]
#[get("/participants/{id}/role-history")]
pub async fn get_role_history(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let items = db::run(&pool, move |conn| {
        own_record(conn, &caller, id)?;
        Ok(roles::periods(conn, id)?)
    })
    .await?;
    Ok(private_json(&RoleHistory {
        items: items.into_iter().map(Into::into).collect(),
    }))
}
