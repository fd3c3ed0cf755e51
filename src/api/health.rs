//! Liveness and readiness probes.

use actix_web::{HttpResponse, get, web};
use diesel::connection::SimpleConnection;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{self, DbPool};
use crate::error::AppError;

/// Probe answer.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct HealthStatus {
    /// Always `ok` when the probe passes.
    #[schema(example = "ok")]
    pub status: String,
}

/// The process is up and serving HTTP.
///
/// Liveness probe for the orchestrator: answers 200 as long as the process serves HTTP, without
/// touching the database, so a database outage never gets the process restarted. Public, no
/// token needed.
#[utoipa::path(
    tag = "health",
    operation_id = "get_liveness",
    security(()),
    responses((status = 200, description = "The service is alive.", body = HealthStatus))
)]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(HealthStatus {
        status: "ok".to_owned(),
    })
}

/// The service can reach its database.
///
/// Readiness probe: runs one trivial query on a pooled connection and answers 200 when it
/// succeeds, 503 (with `Retry-After`) when the database cannot be reached, so a load balancer
/// sends no traffic meanwhile. Public, no token needed.
#[utoipa::path(
    tag = "health",
    operation_id = "get_readiness",
    security(()),
    responses(
        (status = 200, description = "The database answers.", body = HealthStatus),
        (status = 503, description = "The database cannot be reached.")
    )
)]
#[get("/health/ready")]
pub async fn ready(pool: web::Data<DbPool>) -> Result<HttpResponse, AppError> {
    db::run(&pool, |conn| {
        conn.batch_execute("SELECT 1")
            .map_err(|_| AppError::ServiceUnavailable)
    })
    .await?;
    Ok(HttpResponse::Ok().json(HealthStatus {
        status: "ok".to_owned(),
    }))
}
