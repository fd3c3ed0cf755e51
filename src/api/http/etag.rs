//! Optimistic concurrency: `ETag` on reads, `If-Match` required on updates.
//!
//! Updatable rows carry an integer `version`. Reads send `ETag: "<version>"`; an update names the
//! version it read in `If-Match` and is applied with `WHERE version = <that>` (one conditional
//! write, race-free on both backends). No `If-Match` is 428, a stale one 412.

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload};
use serde::Serialize;

use crate::error::AppError;

/// The `ETag` value for a row version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// 200 with JSON, `ETag` and `Cache-Control: no-store`.
pub fn json_with_etag<T: Serialize>(version: i64, body: &T) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag(version)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

/// The version an update was based on, from a required `If-Match` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfMatch {
    /// `If-Match: *`: any current version.
    Any,
    /// `If-Match: "<version>"`.
    Version(i64),
}

impl IfMatch {
    /// Whether the stored version satisfies the precondition.
    pub fn matches(self, current: i64) -> bool {
        match self {
            IfMatch::Any => true,
            IfMatch::Version(v) => v == current,
        }
    }

    /// The version to put in the conditional `WHERE`, given the stored one.
    pub fn expected(self, current: i64) -> i64 {
        match self {
            IfMatch::Any => current,
            IfMatch::Version(v) => v,
        }
    }
}

fn parse(req: &HttpRequest) -> Result<IfMatch, AppError> {
    let value = req
        .headers()
        .get(header::IF_MATCH)
        .ok_or(AppError::PreconditionRequired)?;
    let text = value
        .to_str()
        .map_err(|_| AppError::PreconditionFailed)?
        .trim();
    if text == "*" {
        return Ok(IfMatch::Any);
    }
    // A list of tags matches when any does; weak tags never match (RFC 9110 strong comparison).
    let versions: Vec<i64> = text
        .split(',')
        .filter_map(|tag| {
            let tag = tag.trim();
            tag.strip_prefix('"')?.strip_suffix('"')?.parse().ok()
        })
        .collect();
    match versions.as_slice() {
        [single] => Ok(IfMatch::Version(*single)),
        _ => Err(AppError::PreconditionFailed),
    }
}

/// The `If-Match` header as received. Extracting it never fails, so that body errors (400/422)
/// come first; the handler calls [`IfMatchHeader::require`] once the body is valid.
#[derive(Debug)]
pub struct IfMatchHeader(Result<IfMatch, AppError>);

impl IfMatchHeader {
    /// The precondition, or 428 (missing) / 412 (unusable).
    pub fn require(self) -> Result<IfMatch, AppError> {
        self.0
    }
}

impl FromRequest for IfMatchHeader {
    type Error = AppError;
    type Future = std::future::Ready<Result<IfMatchHeader, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(IfMatchHeader(parse(req))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn parse_header(value: Option<&str>) -> Result<IfMatch, AppError> {
        let mut req = TestRequest::default();
        if let Some(v) = value {
            req = req.insert_header((header::IF_MATCH, v));
        }
        parse(&req.to_http_request())
    }

    #[test]
    fn if_match_is_required_and_parsed() {
        assert!(matches!(
            parse_header(None),
            Err(AppError::PreconditionRequired)
        ));
        assert_eq!(parse_header(Some("\"7\"")).unwrap(), IfMatch::Version(7));
        assert_eq!(parse_header(Some("*")).unwrap(), IfMatch::Any);
        assert!(matches!(
            parse_header(Some("W/\"7\"")),
            Err(AppError::PreconditionFailed)
        ));
        assert!(matches!(
            parse_header(Some("7")),
            Err(AppError::PreconditionFailed)
        ));
        assert_eq!(etag(7), "\"7\"");
        assert!(IfMatch::Version(7).matches(7) && !IfMatch::Version(6).matches(7));
    }
}
