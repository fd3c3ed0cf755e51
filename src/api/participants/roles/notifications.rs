//! Role deviations still to be reported to the funding agency, and recording that it was told.

use crate::api::http::json_object::JsonObject;
use actix_web::{HttpResponse, get, post, web};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::api::access::existing;
use crate::api::http::response::{created_json, private_json};
use crate::api::participants::input::plausible_date;
use crate::api::participants::views::{assemble, roles_of};
use crate::auth::StaffCaller;
use crate::config::Settings;
use crate::db::models::audit_events::{self, Change};
use crate::db::models::participants::{self, ListFilter};
use crate::db::models::roles::{self};
use crate::db::{self, DbPool};
use crate::domain::participant::{ParticipantStatus, ProjectKind, RoleCode};
use crate::domain::programme_time::programme_today;
use crate::error::AppError;

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
    _: StaffCaller,
    settings: web::Data<Settings>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let today = programme_today();
    let items = db::run(&pool, move |conn| {
        let mut open = Vec::new();
        for status in [ParticipantStatus::Pending, ParticipantStatus::Active] {
            for kind in [ProjectKind::FirstProject, ProjectKind::FollowUpProject] {
                let filter = ListFilter {
                    status: Some(status),
                    project_kind: Some(kind),
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
        (status = 409, description = "No deviation is open for this participant.")
    )
)]
#[post("/participants/{id}/funding-agency-notifications")]
pub async fn record_notification(
    StaffCaller(caller): StaffCaller,
    id: web::Path<i64>,
    body: JsonObject<NotificationBody>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let body = body.into_inner()?;
    body.validate()?;
    let today = programme_today();
    let recorded = db::write(&pool, move |conn| {
        let row = existing(conn, id)?;
        let assembled = crate::api::participants::views::assemble_one(conn, row, today)?;
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
                actor: &caller.actor(),
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
