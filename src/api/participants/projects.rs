//! A participant's project history (§ 5.3) and the signed contact sheet of each project.

use crate::api::http::json_object::JsonObject;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::input::ProjectInput;
use super::registration::insert_project;
use super::views::ProjectResponse;
use crate::api::access::{existing, own_record, own_record_for_change};
use crate::api::http::response::created_json;
use crate::api::http::upload::{file_download, read_upload};
use crate::auth::{Caller, PersonCaller, StaffCaller};
use crate::db::models::audit_events::{self, Change};
use crate::db::models::contact_sheets::{self, SheetInfo};
use crate::db::models::participants;
use crate::db::models::projects::{self, Project};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::participant::{ProjectDates, check_no_overlap};
use crate::domain::programme_time::programme_today;
use crate::domain::upload::FileKind;
use crate::error::AppError;

/// Largest accepted contact-sheet scan.
pub const MAX_SHEET_BYTES: usize = 5 * 1024 * 1024;

/// The stored signed contact sheet of a project (without its content).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "content_type": "application/pdf",
    "size_bytes": 184320,
    "uploaded_at": "2024-07-23T08:12:00Z",
    "confirmed_at": "2024-08-05T09:25:00Z"
}))]
pub struct ContactSheetResponse {
    /// `application/pdf`, `image/jpeg` or `image/png`.
    pub content_type: String,
    /// Size of the scan.
    pub size_bytes: i64,
    /// When it was uploaded.
    pub uploaded_at: DateTime<Utc>,
    /// When staff confirmed it; `null` until then.
    #[schema(required = true)]
    pub confirmed_at: Option<DateTime<Utc>>,
}

impl From<&SheetInfo> for ContactSheetResponse {
    fn from(s: &SheetInfo) -> Self {
        Self {
            content_type: s.content_type.clone(),
            size_bytes: s.size_bytes,
            uploaded_at: s.uploaded_at.and_utc(),
            confirmed_at: s.confirmed_at.map(|t| t.and_utc()),
        }
    }
}

/// A project with the state of its contact sheet.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectEntry {
    /// The project.
    pub project: ProjectResponse,
    /// Whether this is the current project.
    pub current: bool,
    /// The signed contact sheet; `null` while none was uploaded.
    #[schema(required = true)]
    pub contact_sheet: Option<ContactSheetResponse>,
}

/// A participant's projects, oldest first.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
        "project": super::views::project_example(),
        "current": true,
        "contact_sheet": {
            "content_type": "application/pdf",
            "size_bytes": 184320,
            "uploaded_at": "2024-07-23T08:12:00Z",
            "confirmed_at": "2024-08-05T09:25:00Z"
        }
    }]
}))]
pub struct ProjectList {
    /// The projects.
    pub items: Vec<ProjectEntry>,
}

fn entries(conn: &mut DbConnection, participant_id: i64) -> Result<ProjectList, AppError> {
    let all = projects::of_participant(conn, participant_id)?;
    let sheets = contact_sheets::of_participant(conn, participant_id)?;
    let current = projects::current(&all, programme_today()).map(|p| p.id);
    Ok(ProjectList {
        items: all
            .iter()
            .map(|p| ProjectEntry {
                project: p.into(),
                current: Some(p.id) == current,
                contact_sheet: sheets.iter().find(|s| s.project_id == p.id).map(Into::into),
            })
            .collect(),
    })
}

/// The participant's projects with their contact sheets.
///
/// The participant themself or staff; other participants get 404, integration clients 403.
/// Every project, oldest first (a phase change or new employer is a new project, § 5.3), which
/// of them runs today, and the state of each signed contact sheet (none, uploaded, confirmed).
#[utoipa::path(
    tag = "participants",
    operation_id = "list_projects",
    params(("id" = i64, Path, description = "Participant id.")),
    responses((status = 200, description = "The project history.", body = ProjectList))
)]
#[get("/participants/{id}/projects")]
pub async fn list_projects(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let list = db::run(&pool, move |conn| {
        own_record(conn, &caller, id)?;
        entries(conn, id)
    })
    .await?;
    Ok(crate::api::http::response::private_json(&list))
}

/// Records a new project.
///
/// The participant themself while their participation has not ended (then 409), or staff;
/// other participants get 404, integration clients 403. § 5.3: a phase change KSM1 → KSM2, a
/// new employer or a permanent position is a new project, never an overwrite. Earlier projects
/// stay untouched; the new one needs its own signed contact sheet. The project rules apply
/// (dates in 1990–2100, the end not before the start, a funding reference for funded kinds:
/// 422), and its period may not overlap another project of the participant (422 at the date to
/// change): an earlier project without an end date is closed first (staff correct it with
/// `PATCH`). Answers 201. Audited (`project.created`).
#[utoipa::path(
    tag = "participants",
    operation_id = "create_project",
    params(("id" = i64, Path, description = "Participant id.")),
    request_body = ProjectInput,
    responses(
        (status = 201, description = "Recorded.", body = ProjectResponse,
            headers(("Location" = String, description = "URL of the participant's project list."))),
        (status = 409, description = "The participation has ended."),
        (status = 422, description = "Invalid, or the period overlaps another project.")
    )
)]
#[post("/participants/{id}/projects")]
pub async fn create_project(
    caller: Caller,
    id: web::Path<i64>,
    body: JsonObject<ProjectInput>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let project = db::write(&pool, move |conn| {
        let (viewer, _) = own_record_for_change(conn, &caller, id)?;
        let body = body.into_inner()?;
        body.check("")?;
        // Serialises project changes of this participant: two concurrent new projects cannot
        // both pass the overlap check.
        participants::lock(conn, id)?;
        let dates: Vec<ProjectDates> = projects::of_participant(conn, id)?
            .iter()
            .map(Project::dates)
            .collect();
        let period = ProjectDates {
            id: 0,
            start: body.start_date,
            end: body.end_date,
        };
        check_no_overlap(period, &dates)?;
        let project = insert_project(conn, id, &body, Some(viewer.account_id()))?;
        audit_events::record(
            conn,
            Change {
                actor: &caller.actor(),
                action: "project.created",
                entity_type: "participant",
                entity_id: id.to_string(),
                before: None,
                after: Some(serde_json::json!({ "project_id": project.id, "kind": project.kind })),
            },
        )?;
        Ok(project)
    })
    .await?;
    Ok(created_json(
        &format!("/api/v1/participants/{id}/projects"),
        &ProjectResponse::from(&project),
    ))
}

fn project_of(
    conn: &mut DbConnection,
    participant_id: i64,
    project_id: i64,
) -> Result<Project, AppError> {
    projects::of_participant(conn, participant_id)?
        .into_iter()
        .find(|p| p.id == project_id)
        .ok_or(AppError::NotFound)
}

/// Uploads the signed contact sheet of a project.
///
/// The participant themself while their participation has not ended (then 409), or staff;
/// other participants get 404, integration clients 403. § 5.1: participation starts with the
/// signed contact sheet. The body is the scan itself (PDF, JPEG or PNG, at most 5 MiB, 413
/// beyond), sent with its `Content-Type`; the type is checked by content, and a PDF must load as
/// a document without JavaScript or embedded files (422 otherwise). Replaces an unconfirmed
/// sheet; a confirmed one is final (409). Staff then confirm it, which allows the activation.
/// Audited (type and size only).
#[utoipa::path(
    tag = "participants",
    operation_id = "upload_contact_sheet",
    params(
        ("id" = i64, Path, description = "Participant id."),
        ("project_id" = i64, Path, description = "Project id.")
    ),
    request_body(
        description = "The scan.",
        content(
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "image/jpeg"),
            (Vec<u8> = "image/png")
        )
    ),
    responses(
        (status = 200, description = "Stored.", body = ContactSheetResponse),
        (status = 409, description = "The sheet is already confirmed, or the participation has ended."),
        (status = 422, description = "The content is not what was declared, or a PDF that does not read or contains JavaScript or embedded files.")
    )
)]
#[put("/participants/{id}/projects/{project_id}/contact-sheet")]
pub async fn upload_contact_sheet(
    PersonCaller(caller): PersonCaller,
    path: web::Path<(i64, i64)>,
    req: HttpRequest,
    payload: web::Payload,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let (id, project_id) = path.into_inner();
    // Who may change the record first: a stranger learns nothing from the file checks, and the
    // PDF inspection's CPU time is spent only for the record's person and staff.
    let check = caller.clone();
    db::run(&pool, move |conn| {
        own_record_for_change(conn, &check, id)?;
        project_of(conn, id, project_id).map(|_| ())
    })
    .await?;
    let upload = read_upload(
        &req,
        payload,
        &[FileKind::Pdf, FileKind::Jpeg, FileKind::Png],
        MAX_SHEET_BYTES,
    )
    .await?;
    let (kind, content) = (upload.kind, upload.content);
    let sheet = db::write(&pool, move |conn| {
        let (viewer, _) = own_record_for_change(conn, &caller, id)?;
        project_of(conn, id, project_id)?;
        if contact_sheets::info(conn, project_id)?.is_some_and(|s| s.confirmed_at.is_some()) {
            return Err(AppError::Conflict("the contact sheet is already confirmed".to_owned()));
        }
        let now = Utc::now().naive_utc();
        let sheet = contact_sheets::upsert(conn, project_id, kind.media_type(), &content, viewer.account_id(), now)?;
        audit_events::record(
            conn,
            Change {
                actor: &caller.actor(),
                action: "contact_sheet.uploaded",
                entity_type: "participant",
                entity_id: id.to_string(),
                before: None,
                after: Some(serde_json::json!({ "project_id": project_id, "content_type": kind.media_type(), "size_bytes": sheet.size_bytes })),
            },
        )?;
        Ok(sheet)
    })
    .await?;
    Ok(crate::api::http::response::private_json(
        &ContactSheetResponse::from(&sheet),
    ))
}

/// Downloads the stored contact-sheet scan.
///
/// The participant themself or staff; other participants get 404, integration clients 403.
/// The scan exactly as uploaded, with its media type, as an attachment; 404 when none was
/// uploaded.
#[utoipa::path(
    tag = "participants",
    operation_id = "get_contact_sheet",
    params(
        ("id" = i64, Path, description = "Participant id."),
        ("project_id" = i64, Path, description = "Project id.")
    ),
    responses((status = 200, description = "The scan as uploaded.",
        content((Vec<u8> = "application/pdf"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png")),
        headers(("Content-Disposition" = String, description = "attachment with a file name."))))
)]
#[get("/participants/{id}/projects/{project_id}/contact-sheet")]
pub async fn get_contact_sheet(
    caller: Caller,
    path: web::Path<(i64, i64)>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let (id, project_id) = path.into_inner();
    let (content_type, content) = db::run(&pool, move |conn| {
        own_record(conn, &caller, id)?;
        project_of(conn, id, project_id)?;
        contact_sheets::content(conn, project_id)?.ok_or(AppError::NotFound)
    })
    .await?;
    let extension = FileKind::from_media_type(&content_type).map_or("bin", FileKind::extension);
    Ok(file_download(
        content_type,
        &format!("kontaktdatenblatt-{project_id}.{extension}"),
        content,
    ))
}

/// Confirms that the uploaded contact sheet is signed and complete.
///
/// Staff only. 409 when no sheet was uploaded or it is confirmed already. A confirmed sheet is
/// final; for the current project of a `pending` participant it allows the activation
/// (`POST .../activation`). Audited.
#[utoipa::path(
    tag = "participants",
    operation_id = "confirm_contact_sheet",
    params(
        ("id" = i64, Path, description = "Participant id."),
        ("project_id" = i64, Path, description = "Project id.")
    ),
    responses(
        (status = 200, description = "Confirmed.", body = ContactSheetResponse),
        (status = 409, description = "No sheet uploaded, or already confirmed.")
    )
)]
#[post("/participants/{id}/projects/{project_id}/contact-sheet/confirmation")]
pub async fn confirm_contact_sheet(
    StaffCaller(caller): StaffCaller,
    path: web::Path<(i64, i64)>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let (id, project_id) = path.into_inner();
    let sheet = db::write(&pool, move |conn| {
        existing(conn, id)?;
        project_of(conn, id, project_id)?;
        let sheet = contact_sheets::info(conn, project_id)?
            .ok_or_else(|| AppError::Conflict("no contact sheet was uploaded".to_owned()))?;
        if sheet.confirmed_at.is_some() {
            return Err(AppError::Conflict(
                "the contact sheet is already confirmed".to_owned(),
            ));
        }
        contact_sheets::confirm(conn, project_id, caller.account_id, Utc::now().naive_utc())?;
        audit_events::record(
            conn,
            Change {
                actor: &caller.actor(),
                action: "contact_sheet.confirmed",
                entity_type: "participant",
                entity_id: id.to_string(),
                before: None,
                after: Some(serde_json::json!({ "project_id": project_id })),
            },
        )?;
        contact_sheets::info(conn, project_id)?.ok_or(AppError::NotFound)
    })
    .await?;
    Ok(crate::api::http::response::private_json(
        &ContactSheetResponse::from(&sheet),
    ))
}
