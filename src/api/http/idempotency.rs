//! `Idempotency-Key` on creates: the same key and body replay the first answer (201, same body),
//! the same key with another body is 422. Keys are per caller and operation.
//!
//! Concurrency: the caller takes its lock row first in the write transaction, so a retry that
//! races the original waits for it and then finds the stored answer; the primary key of
//! `idempotency_keys` is the backstop.

use actix_web::HttpResponse;
use actix_web::http::header;
use chrono::NaiveDateTime;
use utoipa::IntoParams;

use crate::auth::secret::sha256_hex;
use crate::db::DbConnection;
use crate::db::models::idempotency_keys::{self, StoredAnswer};
use crate::error::AppError;

/// Name of the request header.
pub const HEADER: &str = "Idempotency-Key";

/// Longest accepted key.
const MAX_KEY_LENGTH: usize = 255;

/// The optional header of a create as the contract documents it; handlers read it with
/// [`key_of`]. The pattern is what survives HTTP: visible ASCII, spaces only inside.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IdempotencyKeyHeader {
    /// Makes a retry replay the first answer (1–255 visible ASCII characters).
    #[param(
        rename = "Idempotency-Key",
        value_type = String,
        required = false,
        min_length = 1,
        max_length = 255,
        pattern = "^[!-~]([ -~]{0,253}[!-~])?$"
    )]
    pub idempotency_key: Option<String>,
}

/// The key of a request, if it sent one (400 when empty, too long or not visible ASCII).
pub fn key_of(req: &actix_web::HttpRequest) -> Result<Option<String>, AppError> {
    let Some(value) = req.headers().get(HEADER) else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default();
    let well_formed = (1..=MAX_KEY_LENGTH).contains(&key.len())
        && key.bytes().all(|b| b.is_ascii_graphic() || b == b' ');
    if !well_formed {
        return Err(AppError::BadRequest(format!(
            "{HEADER} must be 1 to {MAX_KEY_LENGTH} visible ASCII characters"
        )));
    }
    Ok(Some(key.to_owned()))
}

/// A created resource: where it lives and its JSON body.
#[derive(Debug, Clone)]
pub struct Created {
    /// Value of `Location`.
    pub location: String,
    /// The JSON answer.
    pub body: String,
}

impl Created {
    /// Serialises `body` as the answer for `location`.
    pub fn new<T: serde::Serialize>(location: String, body: &T) -> Result<Self, AppError> {
        Ok(Self {
            location,
            body: serde_json::to_string(body).map_err(AppError::internal)?,
        })
    }

    /// 201 with `Location`, not cacheable.
    pub fn respond(self) -> HttpResponse {
        HttpResponse::Created()
            .insert_header((header::LOCATION, self.location))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .content_type("application/json")
            .body(self.body)
    }
}

/// The request body as the replay compares it: its JSON, prefixed with the id of the resource
/// the path names (`"{id}:{json}"`), so one key sent to two resources is two requests.
pub fn canonical_body<T: serde::Serialize>(
    path_id: Option<i64>,
    body: &T,
) -> Result<String, AppError> {
    let json = serde_json::to_string(body).map_err(AppError::internal)?;
    Ok(match path_id {
        Some(id) => format!("{id}:{json}"),
        None => json,
    })
}

/// Who asks for what, identified for replay.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The caller's account.
    pub account_id: i64,
    /// A stable name of the operation, e.g. `create_newsletter_mailing`.
    pub operation: &'a str,
    /// The `Idempotency-Key`, if sent.
    pub key: Option<&'a str>,
    /// The request body, canonically serialised.
    pub body: &'a str,
}

/// Runs `create` unless this key was used before: then replays the stored answer (same body)
/// or fails with 422 (another body). Call inside the write transaction, after its lock.
pub fn once<F>(
    conn: &mut DbConnection,
    request: &Request<'_>,
    now: NaiveDateTime,
    create: F,
) -> Result<Created, AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<Created, AppError>,
{
    let Some(key) = request.key else {
        return create(conn);
    };
    let hash = sha256_hex(request.body);
    if let Some(stored) = idempotency_keys::find(conn, request.account_id, request.operation, key)?
    {
        if stored.request_sha256 != hash {
            return Err(AppError::invalid_field(
                "",
                format!("this {HEADER} was used with another request body"),
            ));
        }
        return Ok(Created {
            location: stored.location,
            body: stored.response_body,
        });
    }
    let created = create(conn)?;
    idempotency_keys::store(
        conn,
        &StoredAnswer {
            account_id: request.account_id,
            operation: request.operation.to_owned(),
            idempotency_key: key.to_owned(),
            request_sha256: hash,
            location: created.location.clone(),
            response_body: created.body.clone(),
            created_at: now,
        },
    )?;
    Ok(created)
}
