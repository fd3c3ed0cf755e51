//! `POST /imports/…`: the office brings over what it kept before as CSV (staff only). The
//! reading and checking is `domain::import`, the writing `crate::import`; here only the HTTP.

pub mod activities;
pub mod participants;

pub use activities::import_activities;
pub use participants::import_participants;

use actix_web::http::header;
use actix_web::{HttpRequest, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::http::upload::read_limited;
use crate::error::AppError;

/// The largest file accepted (a list of a few thousand rows).
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// How to run an import.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Check the file and report what would happen, without writing anything.
    #[serde(default)]
    pub dry_run: bool,
}

/// The body, once it is declared as CSV (415 otherwise) and within [`MAX_FILE_BYTES`] (413).
async fn read_csv(req: &HttpRequest, body: web::Payload) -> Result<Vec<u8>, AppError> {
    require_csv(req)?;
    read_limited(body, MAX_FILE_BYTES).await
}

/// 415 unless the body is declared as CSV (`text/csv`, or `application/csv` as some tools send).
fn require_csv(req: &HttpRequest) -> Result<(), AppError> {
    let declared = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    match declared.as_deref() {
        Some("text/csv" | "application/csv") => Ok(()),
        _ => Err(AppError::UnsupportedMediaType(
            "send the file as `text/csv`".to_owned(),
        )),
    }
}
