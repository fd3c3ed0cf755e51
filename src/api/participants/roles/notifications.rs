//! Role deviations still to be reported to the funding agency, recording that it was told (when,
//! how, a note) and correcting such a record.

use crate::api::http::json_object::{JsonObject, present};
use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::api::access::existing;
use crate::api::http::etag::{IfMatchHeader, json_with_etag};
use crate::api::http::response::{created_json, private_json};
use crate::api::participants::input::{not_future, plausible_date};
use crate::api::participants::views::{assemble, roles_of};
use crate::auth::StaffCaller;
use crate::config::Settings;
use crate::db::models::audit_events::{self, Change};
use crate::db::models::participants::{self, ListFilter};
use crate::db::models::roles::{self, Notification, NotificationFacts};
use crate::db::{self, DbPool};
use crate::domain::participant::{
    NotificationChannel, ParticipantStatus, ProjectKind, RoleCode, Roles,
};
use crate::domain::programme_time::programme_today;
use crate::domain::text;
use crate::error::AppError;
use serde_json::json;

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
#[schema(example = json!({
    "funding_agency": "Projektträger Jülich (PtJ)",
    "items": [{
        "participant_id": 41,
        "first_name": "Ida",
        "last_name": "Beispiel",
        "roles": ["mentee", "mentor"],
        "project_kind": "first_project",
        "project_id": 57
    }]
}))]
pub struct OpenNotificationList {
    /// The funding agency's name (configuration: `FUNDING_AGENCY_NAME`).
    pub funding_agency: String,
    /// The participants.
    pub items: Vec<OpenNotification>,
}

/// Role deviations still to be reported to the funding agency.
///
/// Staff only. § 2, footnote 2: the funding body expects KSM1 as mentees and KSM2 as mentors; a
/// KSM1 mentor or a KSM2 mentee only is allowed but must be reported to the funding agency
/// early. Lists pending and active participants whose roles deviate for their current project
/// and whose notification for these roles and this project is not recorded yet, with the
/// agency's name (`FUNDING_AGENCY_NAME`).
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
#[schema(example = json!({
    "notified_on": "2025-03-05",
    "channel": "email",
    "note": "Mitteilung an die zuständige Sachbearbeitung, Az. 67K12345."
}))]
#[serde(deny_unknown_fields)]
pub struct NotificationBody {
    /// The day the funding agency was notified (not in the future).
    #[validate(custom(function = "plausible_date"))]
    pub notified_on: NaiveDate,
    /// How it was told.
    pub channel: NotificationChannel,
    /// A note of the office (e.g. the contact person or the reference of the letter).
    #[validate(length(min = 1, max = 2000), custom(function = "text::multi_line"))]
    #[schema(format = "multi-line", min_length = 1, max_length = 2000)]
    pub note: Option<String>,
}

/// A recorded notification.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 3,
    "project_id": 57,
    "roles": ["mentee", "mentor"],
    "notified_on": "2025-03-05",
    "channel": "email",
    "note": "Mitteilung an die zuständige Sachbearbeitung, Az. 67K12345.",
    "version": 1
}))]
pub struct NotificationResponse {
    /// Notification id.
    pub id: i64,
    /// The project it covers.
    pub project_id: i64,
    /// The roles it covers.
    pub roles: Vec<RoleCode>,
    /// When the agency was told.
    pub notified_on: NaiveDate,
    /// How it was told; `null` on notifications recorded before the channel was kept.
    #[schema(required = true)]
    pub channel: Option<NotificationChannel>,
    /// The office's note.
    #[schema(required = true)]
    pub note: Option<String>,
    /// The version staff name in `If-Match` to correct it.
    pub version: i64,
}

impl From<&Notification> for NotificationResponse {
    fn from(n: &Notification) -> Self {
        Self {
            id: n.id,
            project_id: n.project_id,
            roles: Roles {
                mentee: n.is_mentee,
                mentor: n.is_mentor,
            }
            .codes(),
            notified_on: n.notified_on,
            channel: n.channel,
            note: n.note.clone(),
            version: n.version,
        }
    }
}

/// The audited facts of a notification: whether a note is kept, never its text (the audit
/// trail outlives an erasure).
fn audited(n: &Notification) -> serde_json::Value {
    json!({
        "notification_id": n.id,
        "project_id": n.project_id,
        "version": n.version,
        "notified_on": n.notified_on,
        "channel": n.channel,
        "has_note": n.note.is_some(),
    })
}

/// `notified_on` lies in 1990–2100 (checked by `validate`) and not after today in the
/// programme's calendar.
fn not_after_today(day: NaiveDate) -> Result<NaiveDate, AppError> {
    not_future(Some(day), "/notified_on")
}

/// Records that the funding agency was told about the current deviation.
///
/// Staff only (§ 2, footnote 2). When (a day in 1990–2100, not in the future: 422), how and an
/// optional note; the notification covers the participant's current project and roles. 409
/// when no unreported deviation is open. Afterwards the participant leaves the open list until
/// their roles or project change again. Answers 201. Audited (`funding_agency.notified`,
/// whether a note is kept, never its text).
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
    let notified_on = not_after_today(body.notified_on)?;
    let today = programme_today();
    let recorded = db::write(&pool, move |conn| {
        let row = existing(conn, id)?;
        let assembled = crate::api::participants::views::assemble_one(conn, row, today)?;
        let project_id = assembled.current_project(today).map(|p| p.id);
        let (Some(project_id), true) = (project_id, assembled.notification_required) else {
            return Err(AppError::Conflict(
                "no unreported role deviation is open".to_owned(),
            ));
        };
        let roles = roles_of(&assembled.participant);
        let now = Utc::now().naive_utc();
        let facts = NotificationFacts {
            notified_on,
            channel: Some(body.channel),
            note: body.note.as_deref().map(str::trim),
        };
        let n = roles::record_notification(
            conn,
            id,
            project_id,
            roles.mentee,
            roles.mentor,
            &facts,
            caller.account_id,
            now,
        )?;
        let mut after = audited(&n);
        after["roles"] = json!(roles.codes());
        audit_events::record(
            conn,
            Change {
                actor: &caller.actor(),
                action: "funding_agency.notified",
                entity_type: "participant",
                entity_id: id.to_string(),
                before: None,
                after: Some(after),
            },
        )?;
        Ok(NotificationResponse::from(&n))
    })
    .await?;
    Ok(created_json(
        &format!("/api/v1/participants/{id}"),
        &recorded,
    ))
}

/// A correction of a recorded notification: omitted fields keep their value; `null` clears the
/// note.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"notified_on": "2025-03-04", "channel": "letter"}))]
#[serde(deny_unknown_fields)]
pub struct NotificationPatch {
    /// The day the funding agency was notified (not in the future).
    #[validate(custom(function = "plausible_date"))]
    pub notified_on: Option<NaiveDate>,
    /// How it was told.
    pub channel: Option<NotificationChannel>,
    /// The office's note; `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[validate(length(min = 1, max = 2000), custom(function = "text::multi_line"))]
    #[schema(value_type = Option<String>, format = "multi-line", min_length = 1, max_length = 2000)]
    pub note: Option<Option<String>>,
}

/// Corrects a recorded notification.
///
/// Staff only. Needs `If-Match` with the notification's `version` as ETag (missing: 428,
/// outdated: 412). The day (not in the future), the channel and the note (`null` clears it);
/// omitted fields stay, and the project and roles it covers stay. Unknown notifications of the
/// participant are 404. Audited with the facts before and after (never the note's text).
#[utoipa::path(
    tag = "participants",
    operation_id = "update_funding_agency_notification",
    params(
        ("id" = i64, Path, description = "Participant id."),
        ("notification_id" = i64, Path, description = "Notification id."),
        ("If-Match" = String, Header, description = "The `version` of the notification being corrected, as an ETag (e.g. `\"1\"`).")
    ),
    request_body = NotificationPatch,
    responses(
        (status = 200, description = "Corrected.", body = NotificationResponse,
            headers(("ETag" = String, description = "The new version."))),
        (status = 412, description = "The notification changed since it was read."),
        (status = 428, description = "If-Match is missing.")
    )
)]
#[patch("/participants/{id}/funding-agency-notifications/{notification_id}")]
pub async fn correct_notification(
    StaffCaller(caller): StaffCaller,
    path: web::Path<(i64, i64)>,
    body: JsonObject<NotificationPatch>,
    if_match: IfMatchHeader,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let (id, notification_id) = path.into_inner();
    // The precondition header first (428), then the body (422).
    let if_match = if_match.require()?;
    let body = body.into_inner()?;
    body.validate()?;
    let notified_on = body.notified_on.map(not_after_today).transpose()?;
    let corrected = db::write(&pool, move |conn| {
        existing(conn, id)?;
        let current =
            roles::find_notification(conn, id, notification_id)?.ok_or(AppError::NotFound)?;
        if !if_match.matches(current.version) {
            return Err(AppError::PreconditionFailed);
        }
        let note = match &body.note {
            Some(note) => note.as_deref().map(str::trim),
            None => current.note.as_deref(),
        };
        let facts = NotificationFacts {
            notified_on: notified_on.unwrap_or(current.notified_on),
            channel: body.channel.or(current.channel),
            note,
        };
        let corrected = roles::correct_notification(
            conn,
            notification_id,
            if_match.expected(current.version),
            &facts,
        )?
        .ok_or(AppError::PreconditionFailed)?;
        audit_events::record(
            conn,
            Change {
                actor: &caller.actor(),
                action: "funding_agency.notification_corrected",
                entity_type: "participant",
                entity_id: id.to_string(),
                before: Some(audited(&current)),
                after: Some(audited(&corrected)),
            },
        )?;
        Ok(corrected)
    })
    .await?;
    Ok(json_with_etag(
        corrected.version,
        &NotificationResponse::from(&corrected),
    ))
}
