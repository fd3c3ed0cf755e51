//! Roles over time: requests by participants, decisions and direct changes by staff, the role
//! history, and the funding agency's notification about deviations (§ 2, footnotes 1–2).

use crate::api::json_object::JsonObject;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::access::{existing, own_record};
use super::input::plausible_date;
use super::registration::parse_roles;
use super::views::{assemble, roles_of, today};
use crate::api::{created_json, private_json};
use crate::auth::Caller;
use crate::config::Settings;
use crate::db::models::audit_events::{self, Change};
use crate::db::models::outbox;
use crate::db::models::participants::{self, ListFilter};
use crate::db::models::roles::{self, RoleChangeRequest, RolePeriod};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::events::EventType;
use crate::domain::participant::{ParticipantStatus, ProjectKind, RoleCode, Roles};
use crate::domain::text;
use crate::error::AppError;

/// A role-change request as stored.
#[derive(Debug, Serialize, ToSchema)]
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

/// States of a role-change request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleChangeStatus {
    /// Waiting for staff.
    Requested,
    /// Approved; the roles changed.
    Approved,
    /// Declined.
    Declined,
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
            status: match r.status.as_str() {
                "approved" => RoleChangeStatus::Approved,
                "declined" => RoleChangeStatus::Declined,
                _ => RoleChangeStatus::Requested,
            },
            requested_at: r.requested_at.and_utc(),
            decided_at: r.decided_at.map(|t| t.and_utc()),
            decision_note: r.decision_note,
        }
    }
}

/// A participant's role-change requests, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoleChangeList {
    /// The requests.
    pub items: Vec<RoleChangeResponse>,
}

/// Asking for other roles.
#[derive(Debug, Deserialize, Validate, ToSchema)]
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

/// Requests a role change (the active participant themself, or staff on their behalf).
#[utoipa::path(
    tag = "participants",
    operation_id = "create_role_change",
    params(("id" = i64, Path, description = "Participant id.")),
    request_body = RoleChangeRequestBody,
    responses(
        (status = 201, description = "Filed.", body = RoleChangeResponse,
            headers(("Location" = String, description = "URL of the request list."))),
        (status = 409, description = "Another request is open, the roles are unchanged, or the participant is not active.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("/participants/{id}/role-changes")]
pub async fn create_role_change(
    caller: Caller,
    id: web::Path<i64>,
    body: JsonObject<RoleChangeRequestBody>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let body = body.into_inner();
    body.validate()?;
    let wanted = parse_roles(&body.roles, "/roles")?;
    let request = db::write(&pool, move |conn| {
        let (viewer, row) = own_record(conn, &caller, id)?;
        if row.status != ParticipantStatus::Active.as_str() {
            return Err(AppError::Conflict(
                "only active participants can change roles".to_owned(),
            ));
        }
        if roles_of(&row) == wanted {
            return Err(AppError::Conflict(
                "the participant already holds these roles".to_owned(),
            ));
        }
        if roles::requests(conn, id)?
            .iter()
            .any(|r| r.status == "requested")
        {
            return Err(AppError::Conflict(
                "another role-change request is still open".to_owned(),
            ));
        }
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
                actor: Some(viewer.account_id()),
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

/// The participant's role-change requests (the participant themself or staff).
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

fn not_future(effective_on: Option<NaiveDate>) -> Result<NaiveDate, AppError> {
    let today = today();
    let date = effective_on.unwrap_or(today);
    if date > today {
        return Err(AppError::invalid_field(
            "/effective_on",
            "must not be in the future",
        ));
    }
    Ok(date)
}

/// Changes the current roles, appends the history and audits it.
fn apply_roles(
    conn: &mut DbConnection,
    id: i64,
    roles: Roles,
    effective_on: NaiveDate,
    source: &str,
    actor: i64,
) -> Result<(), AppError> {
    let row = existing(conn, id)?;
    let now = Utc::now().naive_utc();
    participants::set_roles(conn, id, roles.mentee, roles.mentor, now)?;
    outbox::emit(conn, EventType::ParticipantRolesChanged, id, now)?;
    roles::add_period(
        conn,
        id,
        roles.mentee,
        roles.mentor,
        effective_on,
        source,
        Some(actor),
        now,
    )?;
    audit_events::record(
        conn,
        Change {
            actor: Some(actor),
            action: "participant.roles_changed",
            entity_type: "participant",
            entity_id: id.to_string(),
            before: Some(serde_json::json!({ "roles": roles_of(&row).codes() })),
            after: Some(
                serde_json::json!({ "roles": roles.codes(), "effective_on": effective_on, "source": source }),
            ),
        },
    )?;
    Ok(())
}

async fn decide(
    caller: Caller,
    (id, request_id): (i64, i64),
    body: Decision,
    approve: bool,
    pool: &DbPool,
) -> Result<HttpResponse, AppError> {
    caller.require_staff()?;
    body.validate()?;
    let effective_on = not_future(body.effective_on)?;
    let decided = db::write(pool, move |conn| {
        existing(conn, id)?;
        let request = roles::requests(conn, id)?
            .into_iter()
            .find(|r| r.id == request_id)
            .ok_or(AppError::NotFound)?;
        let status = if approve { "approved" } else { "declined" };
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
                actor: Some(caller.account_id),
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
            apply_roles(conn, id, wanted, effective_on, "request", caller.account_id)?;
        }
        roles::requests(conn, id)?
            .into_iter()
            .find(|r| r.id == request_id)
            .ok_or(AppError::NotFound)
    })
    .await?;
    Ok(private_json(&RoleChangeResponse::from(decided)))
}

/// Approves a request; the roles change from `effective_on` (staff).
#[utoipa::path(
    tag = "participants",
    operation_id = "approve_role_change",
    params(("id" = i64, Path, description = "Participant id."), ("request_id" = i64, Path, description = "Request id.")),
    request_body = Decision,
    responses(
        (status = 200, description = "Approved; the roles changed.", body = RoleChangeResponse),
        (status = 409, description = "Already decided.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("/participants/{id}/role-changes/{request_id}/approval")]
pub async fn approve_role_change(
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: JsonObject<Decision>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    decide(caller, path.into_inner(), body.into_inner(), true, &pool).await
}

/// Declines a request (staff).
#[utoipa::path(
    tag = "participants",
    operation_id = "decline_role_change",
    params(("id" = i64, Path, description = "Participant id."), ("request_id" = i64, Path, description = "Request id.")),
    request_body = Decision,
    responses(
        (status = 200, description = "Declined.", body = RoleChangeResponse),
        (status = 409, description = "Already decided.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("/participants/{id}/role-changes/{request_id}/declination")]
pub async fn decline_role_change(
    caller: Caller,
    path: web::Path<(i64, i64)>,
    body: JsonObject<Decision>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    decide(caller, path.into_inner(), body.into_inner(), false, &pool).await
}

/// A direct role change by staff.
#[derive(Debug, Deserialize, Validate, ToSchema)]
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
pub struct RoleHistory {
    /// The periods.
    pub items: Vec<RolePeriodResponse>,
}

/// Changes roles directly (staff; audited).
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
    caller: Caller,
    id: web::Path<i64>,
    body: JsonObject<RoleAssignment>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    caller.require_staff()?;
    let id = id.into_inner();
    let body = body.into_inner();
    body.validate()?;
    let roles = parse_roles(&body.roles, "/roles")?;
    let effective_on = not_future(body.effective_on)?;
    let period = db::write(&pool, move |conn| {
        apply_roles(conn, id, roles, effective_on, "staff", caller.account_id)?;
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

/// The role history (the participant themself or staff).
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

/// A participant whose role deviation the funding agency has not been told about.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpenNotification {
    /// Participant id.
    pub participant_id: i64,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Current roles.
    pub roles: Vec<RoleCode>,
    /// Kind of the current project.
    pub project_kind: ProjectKind,
    /// Current project id (the notification is recorded for it).
    pub project_id: i64,
}

/// Deviations still to be reported to the funding agency.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpenNotificationList {
    /// The funding agency's name (configuration: `FUNDING_AGENCY_NAME`).
    pub funding_agency: String,
    /// The participants.
    pub items: Vec<OpenNotification>,
}

/// Participants (pending or active) whose roles deviate from the funding body's expectation for
/// their current project and whose notification is not recorded yet (staff).
#[utoipa::path(
    tag = "participants",
    operation_id = "list_open_funding_agency_notifications",
    responses((status = 200, description = "Open notifications.", body = OpenNotificationList))
)]
#[get("/funding-agency-notifications/open")]
pub async fn list_open_notifications(
    caller: Caller,
    settings: web::Data<Settings>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    caller.require_staff()?;
    let today = today();
    let items = db::run(&pool, move |conn| {
        let mut open = Vec::new();
        for status in [ParticipantStatus::Pending, ParticipantStatus::Active] {
            for kind in [ProjectKind::FirstProject, ProjectKind::FollowUpProject] {
                let filter = ListFilter {
                    status: Some(status.as_str().to_owned()),
                    project_kind: Some(kind.as_str().to_owned()),
                    today,
                    ..Default::default()
                };
                let rows = participants::list(conn, &filter, 0, i64::MAX)?;
                for assembled in assemble(conn, rows, today)? {
                    let Some(project) = assembled.current_project(today) else {
                        continue;
                    };
                    if assembled.notification_required {
                        open.push(OpenNotification {
                            participant_id: assembled.participant.id,
                            first_name: assembled.participant.first_name.clone(),
                            last_name: assembled.participant.last_name.clone(),
                            roles: roles_of(&assembled.participant).codes(),
                            project_kind: kind,
                            project_id: project.id,
                        });
                    }
                }
            }
        }
        open.sort_by_key(|o| o.participant_id);
        Ok(open)
    })
    .await?;
    Ok(private_json(&OpenNotificationList {
        funding_agency: settings.funding_agency_name.clone(),
        items,
    }))
}

/// Recording that the agency was told.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationBody {
    /// The day the funding agency was notified.
    #[validate(custom(function = "plausible_date"))]
    pub notified_on: NaiveDate,
}

/// A recorded notification.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationResponse {
    /// The project it covers.
    pub project_id: i64,
    /// The roles it covers.
    pub roles: Vec<RoleCode>,
    /// When the agency was told.
    pub notified_on: NaiveDate,
}

/// Records that the funding agency was told about the current deviation (staff).
#[utoipa::path(
    tag = "participants",
    operation_id = "record_funding_agency_notification",
    params(("id" = i64, Path, description = "Participant id.")),
    request_body = NotificationBody,
    responses(
        (status = 201, description = "Recorded for the current project and roles.", body = NotificationResponse,
            headers(("Location" = String, description = "URL of the participant."))),
        (status = 409, description = "No deviation is open for this participant.", body = crate::error::Problem, content_type = "application/problem+json")
    )
)]
#[post("/participants/{id}/funding-agency-notifications")]
pub async fn record_notification(
    caller: Caller,
    id: web::Path<i64>,
    body: JsonObject<NotificationBody>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    caller.require_staff()?;
    let id = id.into_inner();
    let body = body.into_inner();
    body.validate()?;
    let today = today();
    let recorded = db::write(&pool, move |conn| {
        let row = existing(conn, id)?;
        let assembled = super::views::assemble_one(conn, row, today)?;
        let project_id = assembled.current_project(today).map(|p| p.id);
        let (Some(project_id), true) = (project_id, assembled.notification_required) else {
            return Err(AppError::Conflict("no unreported role deviation is open".to_owned()));
        };
        let roles = roles_of(&assembled.participant);
        let now = Utc::now().naive_utc();
        let n = roles::record_notification(conn, id, project_id, roles.mentee, roles.mentor, body.notified_on, caller.account_id, now)?;
        audit_events::record(
            conn,
            Change {
                actor: Some(caller.account_id),
                action: "funding_agency.notified",
                entity_type: "participant",
                entity_id: id.to_string(),
                before: None,
                after: Some(serde_json::json!({ "project_id": project_id, "roles": roles.codes(), "notified_on": n.notified_on })),
            },
        )?;
        Ok(NotificationResponse { project_id, roles: roles.codes(), notified_on: n.notified_on })
    })
    .await?;
    Ok(created_json(
        &format!("/api/v1/participants/{id}"),
        &recorded,
    ))
}
