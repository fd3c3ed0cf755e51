//! Where a programme's routes are mounted, and keeping what handlers answer inside it.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::LOCATION;
use actix_web::middleware::Next;
use actix_web::web;

/// Where a programme's routes are mounted: empty for the default programme, `/programmes/{code}`
/// for a sister programme (shared per scope as `web::Data<MountPoint>`).
#[derive(Debug, Clone, Default)]
pub struct MountPoint(pub String);

impl MountPoint {
    /// `path` (as the route table names it, `/api/v1/…`) where this programme serves it.
    pub fn path(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }

    /// `path` as the route table names it, without this programme's prefix.
    pub fn route_of<'a>(&self, path: &'a str) -> &'a str {
        path.strip_prefix(self.0.as_str()).unwrap_or(path)
    }
}

/// Handlers answer with `Location: /api/v1/…` as the route table names it; under a sister
/// programme's mount point the client must be sent to that programme's resource, never to the
/// default programme's record with the same id. (The mount point is passed in: a scope's data is
/// not yet on the request when the scope's middleware runs.)
pub async fn locate_in_programme<B: MessageBody>(
    mount: web::Data<MountPoint>,
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<B>, actix_web::Error> {
    let mut res = next.call(req).await?;
    if !mount.0.is_empty() {
        let headers = res.headers_mut();
        let located = headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .filter(|v| v.starts_with("/api/"))
            .map(|v| mount.path(v));
        if let Some(value) = located.and_then(|v| v.try_into().ok()) {
            headers.insert(LOCATION, value);
        }
    }
    Ok(res)
}
