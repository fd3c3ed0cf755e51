//! Per request: the metrics sample (route pattern, method, status, latency) and the access-log
//! line. Wrapped inside the request-context middleware, so the access line carries the request
//! and trace ids, and outside the error handlers, so it sees the status the client gets.

use std::time::Instant;

use actix_web::body::{BodySize, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, web};

use super::metrics::{Metrics, RequestLabels, UNMATCHED_ROUTE, method_label};
use crate::request_context::loggable_path;

/// The log target of the access lines (`RUST_LOG=access=warn` silences them alone).
pub const ACCESS_LOG_TARGET: &str = "access";

/// Middleware: times the request, counts it under its route pattern and logs the access line.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let res = next.call(req).await?;
    let seconds = started.elapsed().as_secs_f64();
    let request = res.request();
    let method = method_label(request.method());
    let status = res.status().as_u16();
    if let Some(metrics) = metrics {
        let labels = RequestLabels {
            method,
            route: request
                .match_pattern()
                .unwrap_or_else(|| UNMATCHED_ROUTE.to_owned()),
            status,
        };
        metrics.record_request(&labels, seconds);
    }
    if log::log_enabled!(target: ACCESS_LOG_TARGET, log::Level::Info) {
        let bytes = match res.response().body().size() {
            BodySize::Sized(n) => n.to_string(),
            BodySize::None => "0".to_owned(),
            BodySize::Stream => "-".to_owned(),
        };
        log::info!(
            target: ACCESS_LOG_TARGET,
            "{method} {} {status} {bytes} {:.3}ms",
            loggable_path(request.path()),
            seconds * 1000.0
        );
    }
    Ok(res)
}
