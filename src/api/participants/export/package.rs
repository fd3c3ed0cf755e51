//! The zip package of an export: `export.json` and the person's files under `files/`.

use std::io::{Cursor, Write};

use chrono::{Datelike, Timelike};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::content::Gathered;
use crate::error::AppError;

/// The name of the JSON export inside the package.
pub const EXPORT_JSON: &str = "export.json";

/// Packs the export and its files. The JSON is deflated; the files (PDF, JPEG, PNG) are
/// compressed already and stored as they are.
pub fn pack(gathered: &Gathered) -> Result<Vec<u8>, AppError> {
    let json = serde_json::to_vec_pretty(&gathered.export).map_err(AppError::internal)?;
    let at = gathered.export.exported_at;
    let modified = zip::DateTime::from_date_and_time(
        u16::try_from(at.year()).unwrap_or(1980),
        at.month() as u8,
        at.day() as u8,
        at.hour() as u8,
        at.minute() as u8,
        at.second() as u8,
    )
    .unwrap_or_default();
    let deflated = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(modified);
    let stored = deflated.compression_method(CompressionMethod::Stored);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file(EXPORT_JSON, deflated)
        .map_err(AppError::internal)?;
    zip.write_all(&json).map_err(AppError::internal)?;
    for file in &gathered.files {
        zip.start_file(file.path.as_str(), stored)
            .map_err(AppError::internal)?;
        zip.write_all(&file.content).map_err(AppError::internal)?;
    }
    Ok(zip.finish().map_err(AppError::internal)?.into_inner())
}
