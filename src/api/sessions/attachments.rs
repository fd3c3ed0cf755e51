//! Photos (JPEG, PNG) and slides (PDF) of a held session, stored in the database and typed by
//! content. Its mentors and staff upload and delete them; once the session is documented, every
//! active participant can read them.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::{require_mentor_or_staff, utc, visible};
use crate::api::access::Viewer;
use crate::api::http::response::{created_json, private_json};
use crate::api::http::upload::{file_download, read_upload};
use crate::auth::Caller;
use crate::db::models::audit_events::{self, Actor, Change};
use crate::db::models::session_documentation::{self as documentation, AttachmentInfo};
use crate::db::models::sessions::Session;
use crate::db::{self, DbConnection, DbPool};
use crate::domain::session::SessionState;
use crate::domain::upload::FileKind;
use crate::error::AppError;

/// Largest accepted attachment.
pub const MAX_ATTACHMENT_BYTES: usize = 5 * 1024 * 1024;
/// Most attachments one session keeps.
pub const MAX_ATTACHMENTS: i64 = 20;
const ACCEPTED: [FileKind; 3] = [FileKind::Jpeg, FileKind::Png, FileKind::Pdf];

/// An attachment without its content.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 5,
    "content_type": "application/pdf",
    "size_bytes": 2310144,
    "uploaded_at": "2027-04-15T09:20:00Z"
}))]
pub struct AttachmentResponse {
    /// Attachment id.
    pub id: i64,
    /// `image/jpeg`, `image/png` or `application/pdf`.
    pub content_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// When it was uploaded.
    pub uploaded_at: DateTime<Utc>,
}

impl From<AttachmentInfo> for AttachmentResponse {
    fn from(a: AttachmentInfo) -> Self {
        AttachmentResponse {
            id: a.id,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
            uploaded_at: utc(a.uploaded_at),
        }
    }
}

/// The attachments of a session.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "items": [{
        "id": 5,
        "content_type": "application/pdf",
        "size_bytes": 2310144,
        "uploaded_at": "2027-04-15T09:20:00Z"
    }],
    "next_cursor": null
}))]
pub struct AttachmentList {
    /// In upload order.
    pub items: Vec<AttachmentResponse>,
    /// Always `null`: the list is complete (at most 20).
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

fn is_after_holding(session: &Session) -> bool {
    session.state == SessionState::Held || session.state == SessionState::Documented
}

/// The session, if the viewer may read its attachments: its mentors and staff once it was held,
/// every active participant once it is documented.
fn readable(conn: &mut DbConnection, viewer: &Viewer, id: i64) -> Result<Session, AppError> {
    let session = visible(conn, viewer, id)?;
    if session.state == SessionState::Documented {
        return Ok(session);
    }
    if is_after_holding(&session) && require_mentor_or_staff(conn, viewer, &session).is_ok() {
        return Ok(session);
    }
    Err(AppError::NotFound)
}

/// The session, if the viewer may change its attachments: one of its mentors or staff, after it
/// was held.
fn changeable(conn: &mut DbConnection, viewer: &Viewer, id: i64) -> Result<Session, AppError> {
    let session = visible(conn, viewer, id)?;
    require_mentor_or_staff(conn, viewer, &session)?;
    if !is_after_holding(&session) {
        return Err(AppError::Conflict(format!(
            "the session is `{}`; attachments belong to a held session",
            session.state.as_str()
        )));
    }
    Ok(session)
}

fn audit(
    conn: &mut DbConnection,
    actor: &Actor,
    action: &str,
    session_id: i64,
    after: serde_json::Value,
) -> Result<(), AppError> {
    audit_events::record(
        conn,
        Change {
            actor,
            action,
            entity_type: "session",
            entity_id: session_id.to_string(),
            before: None,
            after: Some(after),
        },
    )?;
    Ok(())
}

/// Uploads a photo (JPEG, PNG) or slides (PDF) of a held or documented session, at most 5 MiB,
/// type checked by content, a PDF loading as a document without JavaScript or embedded files
/// (one of its mentors, or staff; at most 20 per session). Audited.
///
/// Send the file itself as the body with its `Content-Type` (`image/jpeg`, `image/png` or
/// `application/pdf`; 415 for another, 413 above 5 MiB, 422 when the content does not match). One of
/// the session's mentors (else 403) or staff; 409 unless the session is `held` or `documented`, or
/// when it has 20 attachments already. Every active participant can read the attachments once the
/// session is documented (§ 5.1: materials of past sessions). Answers 201 with `Location`. Audited
/// as `session.attachment_added` with type and size.
#[utoipa::path(
    tag = "sessions",
    operation_id = "upload_session_attachment",
    params(("id" = i64, Path, description = "Session id.")),
    request_body(
        description = "The file.",
        content((Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "application/pdf"))
    ),
    responses(
        (status = 201, description = "Stored.", body = AttachmentResponse,
            headers(("Location" = String, description = "URL of the file."))),
        (status = 403, description = "Neither staff nor one of the session's mentors."),
        (status = 409, description = "The session was not held, or has 20 attachments already."),
        (status = 422, description = "The content is not what was declared, or a PDF that does not read or contains JavaScript or embedded files.")
    )
)]
#[post("/sessions/{id}/attachments")]
pub async fn upload(
    caller: Caller,
    id: web::Path<i64>,
    req: HttpRequest,
    payload: web::Payload,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    // Roles and state first: a stranger learns nothing from the file checks, and the PDF
    // inspection's CPU time is spent only for the session's mentors and staff.
    let check = caller.clone();
    db::run(&pool, move |conn| {
        let viewer = Viewer::load(conn, &check)?;
        changeable(conn, &viewer, id).map(|_| ())
    })
    .await?;
    let upload = read_upload(&req, payload, &ACCEPTED, MAX_ATTACHMENT_BYTES).await?;
    let (kind, content) = (upload.kind, upload.content);
    let attachment = db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        changeable(conn, &viewer, id)?;
        if documentation::count_attachments(conn, id)? >= MAX_ATTACHMENTS {
            return Err(AppError::Conflict(format!(
                "a session keeps at most {MAX_ATTACHMENTS} attachments"
            )));
        }
        let now = Utc::now().naive_utc();
        let stored = documentation::insert_attachment(
            conn,
            id,
            kind.media_type(),
            &content,
            caller.account_id,
            now,
        )?;
        let after = json!({
            "attachment_id": stored.id,
            "content_type": stored.content_type,
            "size_bytes": stored.size_bytes,
        });
        audit(conn, &caller.actor(), "session.attachment_added", id, after)?;
        Ok(AttachmentResponse::from(stored))
    })
    .await?;
    Ok(created_json(
        &format!("/api/v1/sessions/{id}/attachments/{}", attachment.id),
        &attachment,
    ))
}

/// The attachments of a session: its mentors and staff after it was held, every active
/// participant once it is documented.
///
/// Without content, in upload order; the list is complete (at most 20), so `next_cursor` is always
/// `null`. A caller who may not read them yet gets 404; pending or ended participants and
/// integration clients get 403.
#[utoipa::path(
    tag = "sessions",
    operation_id = "list_session_attachments",
    params(("id" = i64, Path, description = "Session id.")),
    responses(
        (status = 200, description = "The attachments, without content.", body = AttachmentList),
        (status = 403, description = "Not staff and not an active participant.")
    )
)]
#[get("/sessions/{id}/attachments")]
pub async fn list(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let items = db::run(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        readable(conn, &viewer, id)?;
        Ok(documentation::attachments(conn, id)?
            .into_iter()
            .map(AttachmentResponse::from)
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(private_json(&AttachmentList {
        items,
        next_cursor: None,
    }))
}

/// Downloads one attachment (who may list them).
///
/// Answers the file with the content type it was stored with. 404 when the caller may not read the
/// session's attachments or the attachment does not belong to the session.
#[utoipa::path(
    tag = "sessions",
    operation_id = "get_session_attachment",
    params(
        ("id" = i64, Path, description = "Session id."),
        ("attachment_id" = i64, Path, description = "Attachment id.")
    ),
    responses(
        (status = 200, description = "The file as uploaded.",
            content((Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png"), (Vec<u8> = "application/pdf")),
            headers(("Content-Disposition" = String, description = "attachment with a file name."))),
        (status = 403, description = "Not staff and not an active participant.")
    )
)]
#[get("/sessions/{id}/attachments/{attachment_id}")]
pub async fn get(
    caller: Caller,
    path: web::Path<(i64, i64)>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let (id, attachment_id) = path.into_inner();
    let (content_type, content) = db::run(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        readable(conn, &viewer, id)?;
        documentation::attachment_content(conn, id, attachment_id)?.ok_or(AppError::NotFound)
    })
    .await?;
    let extension = FileKind::from_media_type(&content_type).map_or("bin", FileKind::extension);
    Ok(file_download(
        content_type,
        &format!("session-{id}-anhang-{attachment_id}.{extension}"),
        content,
    ))
}

/// Deletes one attachment (one of the session's mentors, or staff). Audited.
///
/// 409 unless the session is `held` or `documented`; 404 for an attachment of another session.
/// Answers 204. Audited as `session.attachment_deleted`.
#[utoipa::path(
    tag = "sessions",
    operation_id = "delete_session_attachment",
    params(
        ("id" = i64, Path, description = "Session id."),
        ("attachment_id" = i64, Path, description = "Attachment id.")
    ),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "Neither staff nor one of the session's mentors."),
        (status = 409, description = "The session was not held.")
    )
)]
#[delete("/sessions/{id}/attachments/{attachment_id}")]
pub async fn remove(
    caller: Caller,
    path: web::Path<(i64, i64)>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let (id, attachment_id) = path.into_inner();
    db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        changeable(conn, &viewer, id)?;
        if !documentation::delete_attachment(conn, id, attachment_id)? {
            return Err(AppError::NotFound);
        }
        let after = json!({"attachment_id": attachment_id, "deleted": true});
        audit(
            conn,
            &caller.actor(),
            "session.attachment_deleted",
            id,
            after,
        )
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
