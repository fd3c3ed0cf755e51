//! Documents the service typesets (`crate::typeset`) as PDF downloads: set off the async workers,
//! answered as a private attachment.

use actix_web::http::header;
use actix_web::{HttpResponse, HttpResponseBuilder, web};

use crate::error::AppError;

/// Runs `render` on the blocking pool (typesetting is CPU-bound).
pub async fn typeset<F>(render: F) -> Result<Vec<u8>, AppError>
where
    F: FnOnce() -> Result<Vec<u8>, AppError> + Send + 'static,
{
    web::block(render).await.map_err(AppError::internal)?
}

/// A 200 answer carrying `pdf` as an attachment named `file_name`, not cacheable; `with` adds
/// headers of the operation's own.
pub fn attachment(
    file_name: &str,
    pdf: Vec<u8>,
    with: impl FnOnce(&mut HttpResponseBuilder),
) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response
        .content_type("application/pdf")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ));
    with(&mut response);
    response.body(pdf)
}
