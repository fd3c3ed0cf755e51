//! Conditional reads (RFC 9110 § 13.1.2): a `GET` or `HEAD` whose `If-None-Match` names the
//! `ETag` of the 200 it would get answers `304 Not Modified` without the body, so a front end can
//! revalidate what it holds. Any response that carries an `ETag` takes part; the handler does not
//! need to know.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};

/// Whether `if_none_match` (a list of entity tags, or `*`) names `etag`, by the weak comparison
/// that `If-None-Match` uses (`W/"3"` matches `"3"`).
pub fn names_etag(if_none_match: &str, etag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    let current = opaque(etag);
    if_none_match
        .split(',')
        .any(|tag| tag.trim() == "*" || opaque(tag) == current)
}

/// The middleware: turns a matching 200 into a 304 that keeps `ETag`, `Cache-Control` and `Vary`.
pub async fn not_modified(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let condition = matches!(*req.method(), Method::GET | Method::HEAD)
        .then(|| req.headers().get(header::IF_NONE_MATCH))
        .flatten()
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let res = next.call(req).await?;
    let Some(condition) = condition else {
        return Ok(res.map_into_left_body());
    };
    let unchanged = res.status() == StatusCode::OK
        && res
            .headers()
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|etag| names_etag(&condition, etag));
    if !unchanged {
        return Ok(res.map_into_left_body());
    }
    let mut answer = HttpResponse::NotModified();
    for name in [header::ETAG, header::CACHE_CONTROL, header::VARY] {
        if let Some(value) = res.headers().get(&name) {
            answer.insert_header((name, value.clone()));
        }
    }
    let (req, _) = res.into_parts();
    Ok(ServiceResponse::new(req, answer.finish()).map_into_right_body())
}

#[cfg(test)]
mod tests {
    use super::names_etag;

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists_and_any() {
        assert!(names_etag("\"3\"", "\"3\""));
        assert!(names_etag("W/\"3\"", "\"3\""));
        assert!(names_etag("\"1\", \"3\"", "\"3\""));
        assert!(names_etag("*", "\"7\""));
        assert!(!names_etag("\"2\"", "\"3\""));
    }
}
