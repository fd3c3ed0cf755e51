//! The request id: taken from a well-formed `X-Request-Id` header or generated, echoed on the
//! response and logged with every failure. The trace: continued from a valid W3C `traceparent`
//! header or started here, answered with this server's span in `traceparent`; the log format
//! writes both ids on every line logged while the request is served ([`with_current`]). Error bodies read it from the request's task-local
//! context; code that hands it to blocking work (audit rows, written on the blocking pool where
//! no task-local reaches) takes it explicitly: the [`RequestId`] extractor or [`request_id`].

use std::borrow::Cow;
use std::future::{Ready, ready};

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, FromRequest, HttpMessage, HttpRequest};
use rand::Rng;

mod traceparent;

pub use traceparent::{TRACEPARENT_HEADER, TraceContext};

/// The header that carries the request id in both directions.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// What the rest of the request's code may know about it.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// Echoed or generated request id.
    pub request_id: String,
    /// The request path, without the query string, secrets redacted.
    pub path: String,
    /// The trace the request belongs to and this server's span.
    pub trace: TraceContext,
}

tokio::task_local! {
    static CONTEXT: RequestContext;
}

/// The current request's id, when called while a request is served.
pub fn current_request_id() -> Option<String> {
    CONTEXT.try_with(|c| c.request_id.clone()).ok()
}

/// Runs `f` on the current request's context, when called while a request is served (the log
/// format reads the ids this way, without copying them).
pub fn with_current<R>(f: impl FnOnce(&RequestContext) -> R) -> Option<R> {
    CONTEXT.try_with(f).ok()
}

/// The current request's path, when called while a request is served.
pub fn current_path() -> Option<String> {
    CONTEXT.try_with(|c| c.path.clone()).ok()
}

/// The current request's id as an extractor: `None` only when the middleware did not run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestId(pub Option<String>);

impl RequestId {
    /// The id, if any.
    pub fn into_inner(self) -> Option<String> {
        self.0
    }
}

/// The id the middleware assigned to `req`.
pub fn request_id(req: &HttpRequest) -> Option<String> {
    req.extensions()
        .get::<RequestId>()
        .and_then(|id| id.0.clone())
}

impl FromRequest for RequestId {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(RequestId(request_id(req))))
    }
}

/// Paths whose next segment is a secret (a calendar feed token, which calendar apps can only send
/// in the URL): logs and problem bodies show the segment as `[redacted]`.
const SECRET_SEGMENT_PREFIXES: [&str; 1] = ["/api/v1/calendar-feeds/"];

/// The path as it may be logged or echoed: secret segments redacted.
pub fn loggable_path(path: &str) -> Cow<'_, str> {
    for prefix in SECRET_SEGMENT_PREFIXES {
        // Also under a sister programme's mount point (`/programmes/{code}/api/v1/…`).
        if let Some(at) = path.find(prefix) {
            let rest = &path[at + prefix.len()..];
            if !rest.is_empty() {
                let tail = rest.find('/').map_or("", |i| &rest[i..]);
                return Cow::Owned(format!("{}[redacted]{tail}", &path[..at + prefix.len()]));
            }
        }
    }
    Cow::Borrowed(path)
}

/// A client's id is kept only if it is short and plain, so it cannot inject into logs.
fn accepted_client_id(value: &HeaderValue) -> Option<String> {
    let text = value.to_str().ok()?;
    let plain = !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    plain.then(|| text.to_owned())
}

/// `N` random bytes as lowercase hex (never all zero, as trace and span ids must not be).
fn random_hex<const N: usize>() -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut bytes: [u8; N] = rand::rng().random();
    if bytes.iter().all(|&b| b == 0) {
        bytes[0] = 1;
    }
    let mut id = String::with_capacity(2 * N);
    for b in bytes {
        id.push(char::from(HEX[usize::from(b >> 4)]));
        id.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    id
}

/// Middleware: assigns the id, runs the request inside its context, echoes the header and logs
/// the cause of every 5xx with the id (the client only ever sees a generic problem).
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let request_id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(accepted_client_id)
        .unwrap_or_else(random_hex::<16>);
    let span_id = random_hex::<8>();
    let trace = req
        .headers()
        .get(TRACEPARENT_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| TraceContext::continued(v, span_id.clone()))
        .unwrap_or_else(|| TraceContext {
            trace_id: random_hex::<16>(),
            span_id,
            flags: 0,
        });
    let traceparent = trace.header_value();
    req.extensions_mut()
        .insert(RequestId(Some(request_id.clone())));
    let context = RequestContext {
        request_id: request_id.clone(),
        path: loggable_path(req.path()).into_owned(),
        trace,
    };
    let served = async {
        let res = next.call(req).await?;
        // Logged inside the context, so the line carries the request and trace ids.
        if res.status().is_server_error()
            && let Some(error) = res.response().error()
        {
            log::error!("request {request_id} failed: {error}");
        }
        Ok::<_, Error>(res)
    };
    let mut res = CONTEXT.scope(context, served).await?;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        res.headers_mut()
            .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    if let Ok(value) = HeaderValue::from_str(&traceparent) {
        res.headers_mut()
            .insert(HeaderName::from_static(TRACEPARENT_HEADER), value);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn feed_tokens_are_redacted_and_other_paths_kept() {
        assert_eq!(
            loggable_path("/api/v1/calendar-feeds/abc123"),
            "/api/v1/calendar-feeds/[redacted]"
        );
        assert_eq!(
            loggable_path("/programmes/kam/api/v1/calendar-feeds/abc123"),
            "/programmes/kam/api/v1/calendar-feeds/[redacted]"
        );
        assert_eq!(
            loggable_path("/api/v1/calendar-feeds/abc/x"),
            "/api/v1/calendar-feeds/[redacted]/x"
        );
        assert_eq!(loggable_path("/api/v1/sessions/7"), "/api/v1/sessions/7");
    }
}
