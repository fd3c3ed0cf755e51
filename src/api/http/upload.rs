//! Binary uploads and downloads: the declared type must be accepted and match the content
//! (identified by its signature), a PDF must pass the inspection of `domain::pdf` (loads as a
//! document, no JavaScript, no embedded files), the size is limited, and downloads are never
//! sniffed or cached.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;

use crate::domain::Violation;
use crate::domain::pdf::{self, PdfFacts};
use crate::domain::upload::FileKind;
use crate::error::AppError;

/// Reads at most `limit` bytes. A larger body is drained (up to 8× the limit) before the 413, so
/// clients that send the whole body before reading the answer see the problem, not a reset.
pub async fn read_limited(mut payload: web::Payload, limit: usize) -> Result<Vec<u8>, AppError> {
    let mut body = Vec::new();
    let mut seen = 0usize;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::BadRequest(format!("unreadable body: {e}")))?;
        seen += chunk.len();
        if seen > limit.saturating_mul(8) {
            return Err(AppError::PayloadTooLarge);
        }
        if seen <= limit {
            body.extend_from_slice(&chunk);
        }
    }
    if seen > limit {
        return Err(AppError::PayloadTooLarge);
    }
    Ok(body)
}

/// An accepted upload.
#[derive(Debug)]
pub struct Upload {
    /// What the file is (declared and found in the content).
    pub kind: FileKind,
    /// The bytes.
    pub content: Vec<u8>,
    /// What the inspection found, for a PDF.
    pub pdf: Option<PdfFacts>,
}

/// Reads an upload: the declared type must be accepted (415) and match the content (422); a PDF
/// must pass the inspection (422 at the body, pointer ``). The inspection parses the whole
/// document, so it runs off the actix workers.
pub async fn read_upload(
    req: &HttpRequest,
    payload: web::Payload,
    accepted: &[FileKind],
    limit: usize,
) -> Result<Upload, AppError> {
    let declared = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(FileKind::from_media_type)
        .filter(|kind| accepted.contains(kind));
    let Some(declared) = declared else {
        let names: Vec<&str> = accepted.iter().map(|k| k.media_type()).collect();
        return Err(AppError::UnsupportedMediaType(format!(
            "send the file as one of: {}",
            names.join(", ")
        )));
    };
    let content = read_limited(payload, limit).await?;
    if FileKind::sniff(&content) != Some(declared) {
        return Err(AppError::invalid_field(
            "",
            format!(
                "the content is not a {} file",
                declared.extension().to_uppercase()
            ),
        ));
    }
    if declared != FileKind::Pdf {
        return Ok(Upload {
            kind: declared,
            content,
            pdf: None,
        });
    }
    let (content, inspected) = web::block(move || {
        let inspected = pdf::inspect(&content);
        (content, inspected)
    })
    .await
    .map_err(AppError::internal)?;
    let facts = inspected.map_err(|refused| AppError::from(Violation::from(refused)))?;
    Ok(Upload {
        kind: declared,
        content,
        pdf: Some(facts),
    })
}

/// A stored file as an attachment download with `file_name` (ASCII, no quotes).
pub fn file_download(content_type: String, file_name: &str, content: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(content)
}
