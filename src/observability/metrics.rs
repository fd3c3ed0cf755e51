//! The service's Prometheus metrics: requests and their latency per route pattern, the
//! connection pool and the depth of the mail and webhook queues, rendered as OpenMetrics text.
//!
//! Requests are counted as they are answered; the pool and the queues are gauges the scrape
//! sets just before rendering (see `api::metrics`), so they are as fresh as the scrape.

use std::sync::Mutex;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

/// The label of requests no route took (404 and 405 answers of the fallback).
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// Which request: the route PATTERN (never the concrete path: ids are personal and unbounded),
/// the method and the status code.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// `GET`, `POST`, …; `other` for a method no route uses.
    pub method: &'static str,
    /// The matched pattern, e.g. `/api/v1/participants/{id}`, or [`UNMATCHED_ROUTE`].
    pub route: String,
    /// The HTTP status code of the answer.
    pub status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    programme: String,
    state: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueueLabels {
    programme: String,
    queue: &'static str,
    status: &'static str,
}

/// What the pool holds at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUse {
    /// Open connections (in use and idle).
    pub connections: u32,
    /// Open connections nobody uses.
    pub idle: u32,
    /// The most connections the pool opens (`DATABASE_POOL_SIZE`).
    pub max: u32,
}

/// How many messages of one queue wait or gave up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueDepth {
    /// `mail` or `webhook`.
    pub queue: &'static str,
    /// Not yet delivered, to be tried (again).
    pub pending: i64,
    /// Given up after the last attempt; staff may send them again.
    pub failed: i64,
}

type LatencyFamily = Family<RequestLabels, Histogram, fn() -> Histogram>;

/// The registry and the handles the middleware and the scrape update.
#[derive(Debug)]
pub struct Metrics {
    registry: Mutex<Registry>,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    pool: Family<PoolLabels, Gauge>,
    queues: Family<QueueLabels, Gauge>,
}

/// 1 ms to about 16 s, doubling: the API answers in milliseconds, exports take seconds.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Default for Metrics {
    fn default() -> Self {
        let requests = Family::<RequestLabels, Counter>::default();
        let latency: LatencyFamily = Family::new_with_constructor(latency_histogram);
        let pool = Family::<PoolLabels, Gauge>::default();
        let queues = Family::<QueueLabels, Gauge>::default();
        let mut registry = Registry::with_prefix("mentoring");
        registry.register(
            "http_requests",
            "HTTP requests answered, by route pattern, method and status code",
            requests.clone(),
        );
        registry.register_with_unit(
            "http_request_duration",
            "Time from receiving a request to its response head, by route pattern, method and status code",
            Unit::Seconds,
            latency.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Database pool connections: open (in use and idle), idle, and the most the pool opens",
            pool.clone(),
        );
        registry.register(
            "queue_messages",
            "Messages of the mail and webhook queues waiting for delivery (pending) or given up (failed)",
            queues.clone(),
        );
        Self {
            registry: Mutex::new(registry),
            requests,
            latency,
            pool,
            queues,
        }
    }
}

impl Metrics {
    /// Counts one answered request and its latency.
    pub fn record_request(&self, labels: &RequestLabels, seconds: f64) {
        self.requests.get_or_create(labels).inc();
        self.latency.get_or_create(labels).observe(seconds);
    }

    /// Sets the pool gauges of the programme `programme`.
    pub fn set_pool(&self, programme: &str, pool: PoolUse) {
        for (state, value) in [
            ("open", pool.connections),
            ("idle", pool.idle),
            ("max", pool.max),
        ] {
            self.pool
                .get_or_create(&PoolLabels {
                    programme: programme.to_owned(),
                    state,
                })
                .set(i64::from(value));
        }
    }

    /// Sets the queue gauges of the programme `programme`; `None` (its database did not answer)
    /// removes them, so a scrape never shows a stale depth as current.
    pub fn set_queues(&self, programme: &str, depths: Option<&[QueueDepth]>) {
        for queue in ["mail", "webhook"] {
            for status in ["pending", "failed"] {
                self.queues.remove(&QueueLabels {
                    programme: programme.to_owned(),
                    queue,
                    status,
                });
            }
        }
        for depth in depths.unwrap_or_default() {
            for (status, value) in [("pending", depth.pending), ("failed", depth.failed)] {
                self.queues
                    .get_or_create(&QueueLabels {
                        programme: programme.to_owned(),
                        queue: depth.queue,
                        status,
                    })
                    .set(value);
            }
        }
    }

    /// Everything in the OpenMetrics text format.
    pub fn render(&self) -> String {
        let mut text = String::new();
        let registry = self.registry.lock().unwrap_or_else(|e| e.into_inner());
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &registry);
        text
    }
}

/// The method as a label value: a fixed set, so a client cannot invent label values.
pub fn method_label(method: &actix_web::http::Method) -> &'static str {
    use actix_web::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_request_appears_under_its_pattern_with_counter_and_histogram() {
        let metrics = Metrics::default();
        let labels = RequestLabels {
            method: "GET",
            route: "/api/v1/participants/{id}".to_owned(),
            status: 200,
        };
        metrics.record_request(&labels, 0.003);
        metrics.record_request(&labels, 0.003);
        let text = metrics.render();
        assert!(text.contains(
            r#"mentoring_http_requests_total{method="GET",route="/api/v1/participants/{id}",status="200"} 2"#
        ), "{text}");
        assert!(text.contains(
            r#"mentoring_http_request_duration_seconds_bucket{le="0.004",method="GET",route="/api/v1/participants/{id}",status="200"} 2"#
        ), "{text}");
        assert!(text.ends_with("# EOF\n"));
    }

    #[test]
    fn queue_gauges_vanish_when_the_database_did_not_answer() {
        let metrics = Metrics::default();
        metrics.set_queues(
            "ksm",
            Some(&[QueueDepth {
                queue: "mail",
                pending: 3,
                failed: 1,
            }]),
        );
        assert!(metrics.render().contains(
            r#"mentoring_queue_messages{programme="ksm",queue="mail",status="pending"} 3"#
        ));
        metrics.set_queues("ksm", None);
        assert!(!metrics.render().contains("mentoring_queue_messages{"));
    }

    #[test]
    fn unusual_methods_share_one_label_value() {
        let odd = actix_web::http::Method::from_bytes(b"PROPFIND").unwrap();
        assert_eq!(method_label(&odd), "other");
        assert_eq!(method_label(&actix_web::http::Method::GET), "GET");
    }
}
