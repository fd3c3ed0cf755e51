//! Data protection, Art. 15 and 20 GDPR: a person's export of everything stored about them, as
//! JSON and as a zip package with their files. Who may ask: the person themself or staff.
//! Each export is recorded in the audit trail.

pub mod content;
pub mod messages;
pub mod package;

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use serde_json::json;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};

use self::content::{Files, Gathered};
use crate::api::access::own_record;
use crate::api::http::response::private_json;
use crate::api::http::upload::file_download;
use crate::auth::Caller;
use crate::db::models::audit_events::{self, Change};
use crate::db::{self, DbPool};
use crate::domain::programme_time::programme_today;
use crate::error::AppError;

pub use self::content::PersonalDataExport;

/// The zip package of an export (a binary download).
pub struct ExportPackage;

impl utoipa::PartialSchema for ExportPackage {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .content_media_type("application/zip")
            .description(Some(
                "A zip file: `export.json` (the JSON export) and the person's files under \
                 `files/` (contact sheets, practice-tip PDFs, session attachments they uploaded).",
            ))
            .into()
    }
}

impl utoipa::ToSchema for ExportPackage {}

/// Authorises, reads everything and records the export, in one transaction.
async fn gather(
    caller: Caller,
    id: i64,
    pool: &DbPool,
    files: Files,
) -> Result<Gathered, AppError> {
    let today = programme_today();
    db::write(pool, move |conn| {
        let (viewer, row) = own_record(conn, &caller, id)?;
        let gathered = content::gather(conn, &viewer, row, today, files)?;
        audit_events::record(
            conn,
            Change {
                actor: &caller.actor(),
                action: "participant.data_exported",
                entity_type: "participant",
                entity_id: id.to_string(),
                before: None,
                after: Some(json!({
                    "format": if files == Files::Load { "zip" } else { "json" },
                })),
            },
        )?;
        Ok(gathered)
    })
    .await
}

/// Everything stored about the participant, as JSON.
///
/// Art. 15 GDPR: the person themself or staff; other participants get 404, integration clients
/// 403. One key per table that refers to them. Files appear as metadata (contact sheets also
/// base64-encoded); the zip package holds them as files. Sent as an attachment. Each export is
/// audited (`participant.data_exported`).
#[utoipa::path(
    tag = "participants",
    operation_id = "export_participant_data",
    params(("id" = i64, Path, description = "Participant id.")),
    responses((status = 200, description = "The export.", body = PersonalDataExport,
        headers(("Content-Disposition" = String, description = "attachment with a file name."))))
)]
#[get("/participants/{id}/export")]
pub async fn export(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let gathered = gather(caller, id, &pool, Files::Skip).await?;
    let mut response = private_json(&gathered.export);
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        header::HeaderValue::from_str(&format!(
            "attachment; filename=\"teilnehmende-{id}-export.json\""
        ))
        .map_err(AppError::internal)?,
    );
    Ok(response)
}

/// The export as a machine-readable zip package.
///
/// Art. 20 GDPR: the person themself or staff; other participants get 404, integration clients
/// 403. A zip with `export.json` (the same JSON as `GET .../export`) and the person's files
/// (contact sheets, practice-tip PDFs, session attachments), each at the `file_in_package` path
/// its JSON entry names. Each export is audited (`participant.data_exported`).
#[utoipa::path(
    tag = "participants",
    operation_id = "export_participant_package",
    params(("id" = i64, Path, description = "Participant id.")),
    responses((status = 200, description = "The zip package.",
        content((ExportPackage = "application/zip")),
        headers(("Content-Disposition" = String,
            description = "attachment; filename=\"teilnehmende-<id>-export.zip\""))))
)]
#[get("/participants/{id}/export.zip")]
pub async fn export_package(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let gathered = gather(caller, id, &pool, Files::Load).await?;
    let zip = web::block(move || package::pack(&gathered))
        .await
        .map_err(AppError::internal)??;
    Ok(file_download(
        "application/zip".to_owned(),
        &format!("teilnehmende-{id}-export.zip"),
        zip,
    ))
}
