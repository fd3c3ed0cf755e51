//! The one error type of the service and its RFC 9457 `application/problem+json` rendering,
//! including actix's own extractor failures, unknown routes and wrong methods.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, ResponseError, error as actix_error};
use serde::Serialize;
use utoipa::ToSchema;

/// Media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Every way a request can fail, each with one HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: malformed JSON, query or path.
    #[error("{0}")]
    BadRequest(String),
    /// 401: missing, invalid or expired credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: authenticated, but this caller may not do this.
    #[error("this operation is not allowed for the caller")]
    Forbidden,
    /// 404: unknown, or not visible to the caller.
    #[error("the resource does not exist or is not visible to the caller")]
    NotFound,
    /// 405: the path exists, the method does not.
    #[error("method not allowed")]
    MethodNotAllowed(Vec<Method>),
    /// 409: conflicts with the current state (duplicate, wrong state, capacity).
    #[error("{0}")]
    Conflict(String),
    /// 412: `If-Match` names an outdated version.
    #[error("the resource was changed since it was read; fetch it again")]
    PreconditionFailed,
    /// 413: request body over the limit.
    #[error("the request body is too large")]
    PayloadTooLarge,
    /// 415: wrong `Content-Type`.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: well-formed but invalid, with one entry per offending field.
    #[error("the request is invalid")]
    Validation(Vec<FieldProblem>),
    /// 428: the operation needs `If-Match`.
    #[error("this operation requires an If-Match header with the resource's ETag")]
    PreconditionRequired,
    /// 429: too many attempts; retry after the given seconds.
    #[error("too many attempts; retry later")]
    TooManyRequests {
        /// Seconds until a retry can succeed.
        retry_after_secs: u64,
        /// The rate-limit policy's name, quota per window and window length (seconds), sent as
        /// `RateLimit-Policy` and `RateLimit` (IETF httpapi rate-limit headers).
        policy: (&'static str, u32, u64),
    },
    /// 503: the database cannot be reached.
    #[error("the service is temporarily unavailable")]
    ServiceUnavailable,
    /// 500: a bug or an unexpected failure; the cause is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// A 500 whose cause goes to the log only.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        AppError::Internal(cause.to_string())
    }

    /// A 422 for one field (`pointer` is a JSON pointer such as `/email`).
    pub fn invalid_field(pointer: &str, detail: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldProblem {
            pointer: pointer.to_owned(),
            detail: detail.into(),
        }])
    }

    fn slug(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "bad-request",
            AppError::Unauthorized(_) => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not-found",
            AppError::MethodNotAllowed(_) => "method-not-allowed",
            AppError::Conflict(_) => "conflict",
            AppError::PreconditionFailed => "precondition-failed",
            AppError::PayloadTooLarge => "payload-too-large",
            AppError::UnsupportedMediaType(_) => "unsupported-media-type",
            AppError::Validation(_) => "validation-failed",
            AppError::PreconditionRequired => "precondition-required",
            AppError::TooManyRequests { .. } => "too-many-requests",
            AppError::ServiceUnavailable => "service-unavailable",
            AppError::Internal(_) => "internal-error",
        }
    }

    fn public_detail(&self) -> String {
        match self {
            AppError::Internal(_) => {
                "an unexpected error occurred; quote the request id when reporting it".to_owned()
            }
            other => other.to_string(),
        }
    }
}

/// One invalid field of a request body.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldProblem {
    /// JSON pointer to the field, e.g. `/email`.
    pub pointer: String,
    /// What is wrong with it (never the rejected value).
    pub detail: String,
}

/// RFC 9457 problem details: the body of every 4xx and 5xx response.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "/problems/validation-failed",
    "title": "Unprocessable Entity",
    "status": 422,
    "detail": "the request is invalid",
    "instance": "/api/v1/registrations",
    "request_id": "8f14e45fceea167a5a36dedd4bea2543",
    "errors": [{"pointer": "/email", "detail": "must be an e-mail address"}]
}))]
pub struct Problem {
    /// Problem type URI (relative, documented in docs/API-DESIGN.md).
    #[serde(rename = "type")]
    #[schema(example = "/problems/validation-failed")]
    pub problem_type: String,
    /// Short summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this occurrence.
    pub detail: String,
    /// The request path this occurrence belongs to.
    pub instance: String,
    /// The request id, also sent as `X-Request-Id`; quote it when reporting a problem.
    pub request_id: String,
    /// Per-field problems (validation failures only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let problem = Problem {
            problem_type: format!("/problems/{}", self.slug()),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: self.public_detail(),
            instance: crate::request_context::current_path().unwrap_or_default(),
            request_id: crate::request_context::current_request_id().unwrap_or_default(),
            errors: match self {
                AppError::Validation(errors) => errors.clone(),
                _ => Vec::new(),
            },
        };
        let mut response = HttpResponse::build(status);
        response.content_type(PROBLEM_JSON);
        response.insert_header((header::CACHE_CONTROL, "no-store"));
        match self {
            AppError::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            AppError::MethodNotAllowed(allowed) => {
                let list: Vec<&str> = allowed.iter().map(Method::as_str).collect();
                if let Ok(value) = HeaderValue::from_str(&list.join(", ")) {
                    response.insert_header((header::ALLOW, value));
                }
            }
            AppError::TooManyRequests {
                retry_after_secs,
                policy: (name, quota, window),
            } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
                response.insert_header((
                    "ratelimit-policy",
                    format!("\"{name}\";q={quota};w={window}"),
                ));
                response
                    .insert_header(("ratelimit", format!("\"{name}\";r=0;t={retry_after_secs}")));
            }
            AppError::ServiceUnavailable => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            _ => {}
        }
        response.json(problem)
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as Kind, Error};
        match error {
            Error::NotFound => AppError::NotFound,
            Error::DatabaseError(Kind::UniqueViolation, _) => {
                AppError::Conflict("a record with these unique values already exists".to_owned())
            }
            Error::DatabaseError(Kind::ForeignKeyViolation, _) => {
                AppError::Validation(vec![FieldProblem {
                    pointer: String::new(),
                    detail: "the request refers to a record that does not exist".to_owned(),
                }])
            }
            Error::DatabaseError(Kind::CheckViolation | Kind::NotNullViolation, _) => {
                AppError::Validation(vec![FieldProblem {
                    pointer: String::new(),
                    detail: "the request violates a data rule".to_owned(),
                }])
            }
            Error::DatabaseError(Kind::SerializationFailure, _) => {
                AppError::Conflict("a concurrent change interfered; repeat the request".to_owned())
            }
            other => AppError::internal(other),
        }
    }
}

impl From<crate::domain::Violation> for AppError {
    /// A broken domain rule: invalid fields answer 422, a conflict 409.
    fn from(violation: crate::domain::Violation) -> Self {
        use crate::domain::Violation;
        match violation {
            Violation::Invalid(fields) => AppError::Validation(
                fields
                    .into_iter()
                    .map(|f| FieldProblem {
                        pointer: f.pointer,
                        detail: f.detail,
                    })
                    .collect(),
            ),
            Violation::Conflict(message) => AppError::Conflict(message),
        }
    }
}

impl From<validator::ValidationErrors> for AppError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut problems = Vec::new();
        collect_field_problems("", &errors, &mut problems);
        problems.sort_by(|a, b| a.pointer.cmp(&b.pointer));
        AppError::Validation(problems)
    }
}

/// Flattens nested validator errors into JSON pointers, never copying the rejected values.
fn collect_field_problems(
    prefix: &str,
    errors: &validator::ValidationErrors,
    out: &mut Vec<FieldProblem>,
) {
    use validator::ValidationErrorsKind as Kind;
    for (field, kind) in errors.errors() {
        let pointer = format!("{prefix}/{field}");
        match kind {
            Kind::Field(list) => out.extend(list.iter().map(|e| {
                FieldProblem {
                    pointer: pointer.clone(),
                    detail: e
                        .message
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_else(|| format!("failed the `{}` rule", e.code)),
                }
            })),
            Kind::Struct(inner) => collect_field_problems(&pointer, inner, out),
            Kind::List(items) => {
                for (index, inner) in items {
                    collect_field_problems(&format!("{pointer}/{index}"), inner, out);
                }
            }
        }
    }
}

/// Maps actix's JSON extractor failures to 400 / 413 / 415 / 422 problems.
pub fn json_error(error: actix_error::JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    json_problem(error).into()
}

/// The problem of an unreadable JSON body: 413, 415, 422 for a wrong field, else 400.
pub fn json_problem(error: actix_error::JsonPayloadError) -> AppError {
    use actix_error::JsonPayloadError as E;
    match error {
        E::Overflow { .. } | E::OverflowKnownLength { .. } => AppError::PayloadTooLarge,
        E::ContentType => AppError::UnsupportedMediaType(
            "the request body must be sent as Content-Type: application/json".to_owned(),
        ),
        E::Deserialize(e) if e.is_data() => {
            AppError::invalid_field(&pointer_of_unknown_field(&e.to_string()), e.to_string())
        }
        E::Deserialize(e) => AppError::BadRequest(format!("malformed JSON: {e}")),
        other => AppError::BadRequest(format!("unreadable request body: {other}")),
    }
}

/// serde names an unknown field only in its message: `unknown field `x`, expected …`.
fn pointer_of_unknown_field(message: &str) -> String {
    message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(name, _)| format!("/{name}"))
        .unwrap_or_default()
}

/// Maps query-string failures to 400 problems.
pub fn query_error(error: actix_error::QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    AppError::BadRequest(format!("invalid query string: {error}")).into()
}

/// Maps path-parameter failures to 400 problems.
pub fn path_error(error: actix_error::PathError, _req: &HttpRequest) -> actix_web::Error {
    AppError::BadRequest(format!("invalid path parameter: {error}")).into()
}

/// Actix's own framework errors raised outside extractors (e.g. payload limits) as problems.
pub fn render_framework_error<B>(
    res: actix_web::dev::ServiceResponse<B>,
) -> actix_web::Result<actix_web::middleware::ErrorHandlerResponse<B>> {
    use actix_web::middleware::ErrorHandlerResponse;
    let already_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if already_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let error = match status {
        StatusCode::NOT_FOUND => AppError::NotFound,
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            AppError::UnsupportedMediaType("unsupported content type".to_owned())
        }
        s if s.is_server_error() => AppError::internal(format!("framework error {s}")),
        _ => AppError::BadRequest(
            status
                .canonical_reason()
                .unwrap_or("bad request")
                .to_lowercase(),
        ),
    };
    let (req, _) = res.into_parts();
    let response = error.error_response();
    Ok(ErrorHandlerResponse::Response(
        actix_web::dev::ServiceResponse::new(req, response).map_into_right_body(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_500_reveals_nothing_of_its_cause() {
        let error = AppError::internal("connection to db-host:5432 refused: password for user x");
        let response = error.error_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = actix_web::body::to_bytes(response.into_body());
        let body = futures_util::FutureExt::now_or_never(body)
            .unwrap()
            .unwrap();
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(text.contains("\"status\":500"), "{text}");
        assert!(
            !text.contains("db-host") && !text.contains("password"),
            "{text}"
        );
        assert!(
            error.to_string().contains("db-host"),
            "the log line keeps the cause"
        );
    }

    #[test]
    fn unknown_field_messages_point_at_the_field() {
        assert_eq!(
            pointer_of_unknown_field("unknown field `colour`, expected one of `a`, `b`"),
            "/colour"
        );
        assert_eq!(pointer_of_unknown_field("invalid type: string"), "");
    }
}
