//! What operators see of the running service: Prometheus metrics ([`metrics`]), one access-log
//! line and one metrics sample per request ([`middleware`]), and the log format, human or JSON
//! with the request and trace ids ([`logging`]). Knows nothing of the API's resources.

pub mod logging;
pub mod metrics;
pub mod middleware;
