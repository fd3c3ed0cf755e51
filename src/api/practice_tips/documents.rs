//! The PDF of a practice tip: uploaded by its author while editable, downloaded by whoever may
//! see the tip.

use actix_web::{HttpRequest, HttpResponse, get, put, web};
use chrono::Utc;
use serde_json::json;

use super::access::{editable_for_author, visible};
use super::authoring::audit;
use super::views::{DocumentResponse, document_response};
use crate::api::access::Viewer;
use crate::api::http::response::private_json;
use crate::api::http::upload::{file_download, read_upload};
use crate::auth::Caller;
use crate::db::models::practice_tips;
use crate::db::{self, DbPool};
use crate::domain::practice_tip::file_name;
use crate::domain::upload::FileKind;
use crate::error::AppError;

/// Largest accepted practice-tip PDF.
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

/// Uploads (or replaces) the tip's PDF (its author or staff on their behalf, while `draft` or `changes_requested`; at most
/// 10 MiB; checked by content: it must load as a PDF document without JavaScript or embedded
/// files). The page count is read from the PDF; a count far from the
/// guidance gives a `page_count_warning`, never a refusal. Audited.
///
/// Send the PDF itself as the body with `Content-Type: application/pdf` (415 otherwise, 413 above
/// 10 MiB, 422 when the content is not a readable PDF or holds JavaScript or embedded files). 403
/// for anyone but the author and staff, 409 once the tip is submitted (the document is frozen).
/// The page guidance of § 3.2.2: text up to 10 pages, slides 10 to 30; outside it, or when the
/// pages cannot be read, the answer carries a `page_count_warning`. Audited as
/// `practice_tip.document_uploaded` with size and page count.
#[utoipa::path(
    tag = "practice-tips",
    operation_id = "upload_practice_tip_document",
    params(("id" = i64, Path, description = "Practice tip id.")),
    request_body(description = "The PDF.", content((Vec<u8> = "application/pdf"))),
    responses(
        (status = 200, description = "Stored.", body = DocumentResponse),
        (status = 403, description = "Neither staff nor the tip's author (or no longer active)."),
        (status = 409, description = "Submitted or later: the document is frozen."),
        (status = 413, description = "Larger than 10 MiB."),
        (status = 415, description = "Not sent as `application/pdf`."),
        (status = 422, description = "The content is not a readable PDF, or it contains JavaScript or embedded files.")
    )
)]
#[put("/practice-tips/{id}/document")]
pub async fn upload(
    caller: Caller,
    id: web::Path<i64>,
    req: HttpRequest,
    payload: web::Payload,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    // Roles and state first, so a stranger learns nothing from the file checks.
    let check = caller.clone();
    db::run(&pool, move |conn| {
        let viewer = Viewer::load(conn, &check)?;
        editable_for_author(conn, &viewer, id).map(|_| ())
    })
    .await?;
    let upload = read_upload(&req, payload, &[FileKind::Pdf], MAX_DOCUMENT_BYTES).await?;
    let pages = upload.pdf.map(|facts| facts.pages);
    let content = upload.content;
    let document = db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let tip = editable_for_author(conn, &viewer, id)?;
        let now = Utc::now().naive_utc();
        let info = practice_tips::put_document(conn, id, &content, pages, now)?;
        let after = json!({"size_bytes": info.size_bytes, "page_count": info.page_count});
        audit(
            conn,
            &caller,
            "practice_tip.document_uploaded",
            (&tip).into(),
            after,
        )?;
        Ok(document_response(&info, tip.kind))
    })
    .await?;
    Ok(private_json(&document))
}

/// Downloads the tip's PDF (whoever may see the tip: active participants published tips, authors
/// their own, staff all).
///
/// Who may see the tip (see `GET /api/v1/practice-tips/{id}`); 404 when the tip is hidden from the
/// caller or has no PDF yet. The file name is built from the id and the title.
#[utoipa::path(
    tag = "practice-tips",
    operation_id = "download_practice_tip_document",
    params(("id" = i64, Path, description = "Practice tip id.")),
    responses(
        (status = 200, description = "The PDF.", content((Vec<u8> = "application/pdf")),
            headers(("Content-Disposition" = String, description = "attachment; filename=\"praxistipp-<id>-<slug>.pdf\""))),
        (status = 403, description = "Not staff and not an active participant.")
    )
)]
#[get("/practice-tips/{id}/document")]
pub async fn download(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (title, content) = db::run(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let tip = visible(conn, &viewer, id)?;
        let content = practice_tips::document_content(conn, id)?.ok_or(AppError::NotFound)?;
        Ok((tip.title, content))
    })
    .await?;
    Ok(file_download(
        FileKind::Pdf.media_type().to_owned(),
        &file_name(id, &title),
        content,
    ))
}
