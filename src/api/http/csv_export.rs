//! CSV for German Excel: UTF-8 with BOM, `;` as delimiter, formula-looking cells guarded
//! ([`crate::domain::spreadsheet`]).

use actix_web::HttpResponse;
use actix_web::http::header;

use crate::domain::spreadsheet::guarded;
use crate::error::AppError;

/// Renders rows (the first is the header) as an attachment named `file_name`.
pub fn attachment(file_name: &str, rows: &[Vec<String>]) -> Result<HttpResponse, AppError> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::from("\u{feff}".as_bytes()));
    for row in rows {
        writer
            .write_record(row.iter().map(|c| guarded(c).into_owned()))
            .map_err(AppError::internal)?;
    }
    let body = writer.into_inner().map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

/// Whether the client asked for CSV (`Accept: text/csv`).
pub fn wants_csv(req: &actix_web::HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/csv"))
}
