//! `GET /metrics`: the Prometheus scrape. Served only when `METRICS_TOKEN` is configured, and
//! then only to a request carrying exactly that bearer token. A request without credentials gets
//! the 401 every protected operation gives; with credentials, an instance without the token
//! answers 404 (there is no scrape) and a wrong token, any JWT included, 401. The refusals tell
//! nothing about traffic.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use sha2::{Digest, Sha256};

use crate::api::http::mount::MountPoint;
use crate::config::Settings;
use crate::db::models::{mail_messages, webhook_deliveries};
use crate::db::{self, DbPool};
use crate::error::AppError;
use crate::observability::metrics::{Metrics, PoolUse, QueueDepth};

/// The security scheme of the scrape in the OpenAPI document (also spelled out in `get_metrics`).
pub const METRICS_SCHEME: &str = "metrics_token";

/// The media type of the OpenMetrics text format, which Prometheus negotiates first (the
/// document names it without parameters; the answer adds version and charset).
pub const OPENMETRICS: &str = "application/openmetrics-text";
const OPENMETRICS_TEXT: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

const EXAMPLE: &str = r#"# HELP mentoring_http_requests_total HTTP requests answered, by route pattern, method and status code
# TYPE mentoring_http_requests_total counter
mentoring_http_requests_total{method="GET",route="/api/v1/participants/{id}",status="200"} 42
# HELP mentoring_db_pool_connections Database pool connections: open (in use and idle), idle, and the most the pool opens
# TYPE mentoring_db_pool_connections gauge
mentoring_db_pool_connections{programme="ksm",state="open"} 3
mentoring_db_pool_connections{programme="ksm",state="idle"} 2
mentoring_db_pool_connections{programme="ksm",state="max"} 8
# HELP mentoring_queue_messages Messages of the mail and webhook queues waiting for delivery (pending) or given up (failed)
# TYPE mentoring_queue_messages gauge
mentoring_queue_messages{programme="ksm",queue="mail",status="pending"} 0
mentoring_queue_messages{programme="ksm",queue="webhook",status="pending"} 4
# EOF
"#;

/// Prometheus metrics of this instance.
///
/// For Prometheus, not for front ends: requests answered and their latency by route pattern
/// (never the concrete path), method and status code (`mentoring_http_requests_total`,
/// `mentoring_http_request_duration_seconds`); each programme's database pool: open, idle and
/// maximum connections (`mentoring_db_pool_connections`); and each programme's mail and webhook
/// queues: pending and failed messages (`mentoring_queue_messages`, counted in its database at
/// each scrape, absent when the database did not answer). The gauges carry the label
/// `programme` (`ksm`, and each sister's code); the process's metrics are served once, here,
/// not under a sister programme's mount point. Served only when `METRICS_TOKEN` is configured, to requests
/// sending it as bearer token (Prometheus: `authorization: {credentials: …}`). No or another
/// token (staff JWTs too) is 401; an instance without `METRICS_TOKEN` answers 404.
#[utoipa::path(
    tag = "health",
    operation_id = "get_metrics",
    security(("metrics_token" = [])),
    responses(
        (status = 200, description = "The metrics in the OpenMetrics text format.",
            content_type = OPENMETRICS, body = String, example = json!(EXAMPLE)),
        (status = 401, description = "No bearer token, or not the `METRICS_TOKEN` (JWTs included)."),
        (status = 404, description = "No `METRICS_TOKEN` is configured: this instance has no scrape.")
    )
)]
#[get("/metrics")]
pub async fn get_metrics(
    req: HttpRequest,
    settings: web::Data<Settings>,
    metrics: web::Data<Metrics>,
    pools: web::Data<ProgrammePools>,
    mount: web::Data<MountPoint>,
) -> Result<HttpResponse, AppError> {
    // The process has one set of metrics (every programme's pool and queues, labelled with the
    // programme); it is served once, at the root.
    if !mount.0.is_empty() {
        return Err(AppError::NotFound);
    }
    let refused = || AppError::Unauthorized("send the METRICS_TOKEN as bearer token".into());
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token)
        .ok_or_else(refused)?;
    let Some(expected) = settings.metrics_token.as_ref() else {
        return Err(AppError::NotFound);
    };
    if !same_secret(presented.as_bytes(), expected.expose()) {
        return Err(refused());
    }
    for (programme, pool) in &pools.0 {
        let state = pool.state();
        metrics.set_pool(
            programme,
            PoolUse {
                connections: state.connections,
                idle: state.idle_connections,
                max: pool.max_size(),
            },
        );
        let depths = db::run(pool, |conn| {
            let (mail_pending, mail_failed) = mail_messages::count_queued(conn)?;
            let (hook_pending, hook_failed) = webhook_deliveries::count_queued(conn)?;
            Ok([
                QueueDepth {
                    queue: "mail",
                    pending: mail_pending,
                    failed: mail_failed,
                },
                QueueDepth {
                    queue: "webhook",
                    pending: hook_pending,
                    failed: hook_failed,
                },
            ])
        })
        .await;
        if let Err(error) = &depths {
            log::warn!("metrics: queue depths of programme {programme} not counted: {error}");
        }
        metrics.set_queues(programme, depths.as_ref().ok().map(|d| d.as_slice()));
    }
    Ok(HttpResponse::Ok()
        .content_type(OPENMETRICS_TEXT)
        .body(metrics.render()))
}

/// Every programme's code and pool, for the gauges (shared on the `App`).
pub struct ProgrammePools(pub Vec<(String, DbPool)>);

/// Compares digests, so the time taken tells nothing about the token or its length.
fn same_secret(presented: &[u8], expected: &[u8]) -> bool {
    let (a, b) = (Sha256::digest(presented), Sha256::digest(expected));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

#[cfg(test)]
mod tests {
    use super::same_secret;

    #[test]
    fn only_the_identical_token_matches() {
        assert!(same_secret(b"token-1", b"token-1"));
        assert!(!same_secret(b"token-1", b"token-2"));
        assert!(!same_secret(b"", b"token-1"));
        assert!(!same_secret(b"token-1x", b"token-1"));
    }
}
