//! The OpenAPI document: info, tags, the bearer scheme and the problem responses every
//! operation can return. The paths come from the route table (`routes::configure`).

use actix_web::App;
use utoipa::openapi::RefOr;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::error::{PROBLEM_JSON, Problem};

mod http_semantics;
mod text_formats;

/// Document-level settings of the spec.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "SK:KK Mentoring-Programm API",
        description = "API of the SK:KK mentoring programme for municipal climate-protection managers \
(Klimaschutzmanagerinnen und -manager): participants, mentoring formats, sessions, forum sponsorships, \
practice tips and the yearly credit report for the NKI final report. Section numbers (§ 5.4) refer to the \
programme's handbook (Handreichung Mentoring-Programm).\n\n\
- **Programmes:** a deployment may also run sister programmes (e.g. for climate-adaptation managers), \
each with its own people, catalogue, staff, reports and events. The default programme is served at the \
root (`/api/v1/…`), a sister programme at `/programmes/{programme}/api/v1/…` (a client takes `/programmes/{programme}` as its base URL): the \
same operations over that programme's data only; a token, id or cursor of one programme means nothing in \
another.\n\
- **Who may call:** `POST /api/v1/auth/token` gives a bearer token for one of three roles: `staff` (the \
SK:KK office), `participant` (KSM as mentors and mentees) and `integration` (platforms such as the \
Klimaschutz-Community). Each operation says who may call it; others get 403, or 404 where the resource is \
not theirs to see.\n\
- **Lists** are `{\"items\": [...], \"next_cursor\": ...}`: `limit` 1–200 (default 50) and the previous \
page's `next_cursor` as `cursor`, keyset-paginated so inserts never shift a page.\n\
- **Updates** are `PATCH` with `If-Match` naming the `ETag` of the last read (missing: 428, stale: 412); a \
`GET` with `If-None-Match` answers 304 while nothing changed.\n\
- **Errors** are RFC 9457 problem details with the `request_id`; a 422 lists each invalid field as a JSON \
pointer in `errors`, and unknown fields are refused.\n\
- **Labels** follow `Accept-Language` (`de`, the default, or `en`); codes never change. Times are RFC 3339 \
in UTC, dates `YYYY-MM-DD`.",
        contact(
            name = "SK:KK – Service- und Kompetenzzentrum: Kommunaler Klimaschutz",
            url = "https://www.klimaschutz.de/kommunen"
        ),
        license(name = "EUPL-1.2", identifier = "EUPL-1.2")
    ),
    // A sister programme is this document under `/programmes/{code}` (see the description): a
    // second server with a variable would say so, but a relative URL with a variable is not a URL
    // to the spec linters, and a client's base URL is its own setting anyway.
    servers((url = "/", description = "This server: the default programme")),
    security(("bearer" = [])),
    components(schemas(Problem, crate::webhook_worker::message::WebhookMessage)),
    modifiers(&BearerScheme, &WebhookPush),
    tags(
        (name = "health", description = "Liveness and readiness probes, and the Prometheus metrics (for operators, behind their own token)."),
        (name = "auth", description = "Logging in, a forgotten password (a single-use link by e-mail) and the caller's own account."),
        (name = "mail", description = "E-mail the service sends: each person's choice of optional messages and language, and the outbox for staff (what was sent, what failed, sending it again)."),
        (name = "accounts", description = "Staff and integration accounts (staff only)."),
        (name = "audit", description = "The append-only audit trail (staff only)."),
        (name = "participants", description = "Registration, contact sheets, lifecycle, projects, roles, the directory and data protection."),
        (name = "imports", description = "Bringing over what the office kept before: participant lists as CSV, checked whole (dry run) and applied all or nothing (staff only)."),
        (name = "formats", description = "The mentoring formats and their credit rules over time (public; staff change rules)."),
        (name = "topics", description = "The topic list and topic proposals (staff and participants)."),
        (name = "forums", description = "The community's topic forums (public; staff add and retire them)."),
        (name = "sessions", description = "Team-mentoring sessions: proposals, approval within capacity, holding (active participants and staff)."),
        (name = "individual-mentoring", description = "Individual mentoring (phase 2, once staff open the format `individual`): mentees ask for a mentor, mentors are suggested with an explained score, a mentor accepts or staff assign one, the pair records its agreement and its contacts (each credited to the mentor), and ends."),
        (name = "forum-sponsorships", description = "Forum sponsorships: applications, approval within each forum's limit of sponsors, evidence, completion with credit (active participants and staff)."),
        (name = "practice-tips", description = "Practice tips from KSM for KSM: drafts, PDF upload, review, publication with credit, search and download."),
        (name = "credit-reports", description = "Credit reports per project year for the NKI final report (the mentor and staff), the staff overview and the programme dashboard."),
        (name = "statistics", description = "The programme's yearly figures for SK:KK's reporting to the ministry: participants, activities, credited hours, per federal state, project kind and month (staff only)."),
        (name = "newsletter", description = "The mentoring newsletter: recipients and mailings with whom each welcomes (staff only)."),
        (name = "events", description = "For the Klimaschutz-Community: the event feed (outbox, in commit order) and membership lookups (integration accounts and staff)."),
        (name = "webhooks", description = "Push instead of polling: staff register endpoints that receive the events of the feed, signed the Standard Webhooks way (see `webhooks` in this document), retried with backoff, and replay failed deliveries."),
        (name = "webhook-events", description = "What a registered webhook endpoint receives (the `webhooks` section of this document, not a call to this API): each event of the feed, signed the Standard Webhooks way."),
    )
)]
pub struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("An access token from `POST /api/v1/auth/token`."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            crate::api::metrics::METRICS_SCHEME,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The operator's `METRICS_TOKEN`, for `GET /metrics` only; no JWT is accepted there.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The tag of the pushed event (OpenAPI `webhooks`). Not `webhooks`, the tag of the endpoint
/// management: generators (openapi-generator) make one API class per tag and would write the
/// `WebhooksApi` twice, once for the calls and once for the push.
const WEBHOOK_EVENTS_TAG: &str = "webhook-events";

/// Documents the push every registered endpoint receives (OpenAPI `webhooks`).
struct WebhookPush;

impl Modify for WebhookPush {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::{
            HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
        };
        use utoipa::openapi::request_body::RequestBodyBuilder;
        use utoipa::openapi::security::SecurityRequirement;
        use utoipa::openapi::{PathsBuilder, Required};
        let header = |name: &str, description: &str| {
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Header)
                .required(Required::True)
                .description(Some(description))
                .schema(Some(
                    utoipa::openapi::ObjectBuilder::new()
                        .schema_type(utoipa::openapi::Type::String),
                ))
                .build()
        };
        let operation = OperationBuilder::new()
            .operation_id(Some("receive_mentoring_event"))
            .tag(WEBHOOK_EVENTS_TAG)
            .summary(Some("An event pushed to a registered endpoint"))
            .description(Some(
                "Sent by the service to each enabled endpoint subscribed to the event's type, at least \
once: verify the signature (any Standard Webhooks library does it), drop repeated `webhook-id`s and answer \
2xx quickly. Any other answer or no answer within the timeout is retried with exponential backoff (or after \
`Retry-After`); 410 Gone disables the endpoint.",
            ))
            .parameter(header("webhook-id", "`evt_` and the event id (a sister programme's: `evt_<code>_<id>`); the same on every attempt."))
            .parameter(header("webhook-timestamp", "Unix seconds of this attempt; reject old ones."))
            .parameter(header(
                "webhook-signature",
                "`v1,` and the base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the base64-decoded secret after `whsec_`.",
            ))
            .request_body(Some(
                RequestBodyBuilder::new()
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("WebhookMessage")))
                            .build(),
                    )
                    .required(Some(Required::True))
                    .build(),
            ))
            .response(
                "2XX",
                ResponseBuilder::new().description("Received; not sent again."),
            )
            .response(
                "410",
                ResponseBuilder::new().description("Gone: the service disables the endpoint."),
            )
            .security(SecurityRequirement::default())
            .build();
        openapi.webhooks = Some(
            PathsBuilder::new()
                .path(
                    "mentoring-event",
                    PathItem::new(HttpMethod::Post, operation),
                )
                .build(),
        );
    }
}

fn problem_content() -> utoipa::openapi::Content {
    ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("Problem")))
        .build()
}

fn problem_response(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(PROBLEM_JSON, problem_content())
        .build()
}

/// Every error answer is a problem document: handlers name the status and why, this gives each
/// 4xx/5xx response without content the `application/problem+json` body, in one place.
fn attach_problem_bodies(operation: &mut Operation) {
    for (status, response) in operation.responses.responses.iter_mut() {
        let is_error = status.starts_with('4') || status.starts_with('5');
        if let RefOr::T(response) = response
            && is_error
            && response.content.is_empty()
        {
            response
                .content
                .insert(PROBLEM_JSON.to_owned(), RefOr::T(problem_content()));
        }
    }
}

/// Adds the problem responses every operation can produce, where the handler did not
/// document them itself, so clients see every status the server can send.
fn add_common_problems(operation: &mut Operation, path: &str) {
    // Without a JWT (public, or the metrics token, whose refusal is a 404): no 401 or 403.
    let metrics_token = SecurityRequirement::new(crate::api::metrics::METRICS_SCHEME, [""; 0]);
    let without_jwt = operation.security.as_ref().is_some_and(|s| {
        s.iter()
            .all(|r| r == &Default::default() || r == &metrics_token)
    });
    let has_body = operation.request_body.is_some();
    let has_params = operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let mut wanted: Vec<(&str, &str)> = Vec::new();
    if has_body || has_params {
        wanted.push((
            "400",
            "Malformed request: JSON syntax, query or path parameter.",
        ));
    }
    if !without_jwt {
        wanted.push(("401", "Missing, invalid or expired bearer token."));
        wanted.push(("403", "The caller's role may not do this."));
    }
    if path.contains('{') {
        wanted.push(("404", "No such resource, or not visible to the caller."));
    }
    if has_body {
        wanted.push(("413", "The request body is too large."));
        wanted.push(("415", "The request body is not `application/json`."));
        wanted.push((
            "422",
            "The request body is well-formed but invalid; see `errors`.",
        ));
    }
    wanted.push((
        "500",
        "Unexpected failure; the cause is logged with the request id.",
    ));
    // The probe of the process and the scrape (whose queue figures are left out when the
    // database does not answer) never wait for the database.
    if path != "/health/live" && path != "/metrics" {
        wanted.push(("503", "The database is unavailable; retry later."));
    }
    for (status, description) in wanted {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| problem_response(description).into());
    }
}

/// The complete document, generated from the same route table that serves requests.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    if let Some(components) = doc.components.as_mut() {
        let formats = text_formats::text_formats();
        components
            .schemas
            .values_mut()
            .for_each(|schema| text_formats::apply_text_formats(schema, &formats));
    }
    for (path, item) in doc.paths.paths.iter_mut() {
        if let Some(read) = item.get.as_mut() {
            http_semantics::add_not_modified(read);
        }
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            http_semantics::describe_binary_bodies(operation);
            attach_problem_bodies(operation);
            add_common_problems(operation, path);
        }
    }
    doc
}

/// The document as pretty JSON with a trailing newline, as committed in `openapi/openapi.json`.
/// Invisible characters (in the text patterns) are written as JSON escapes, so the file shows them.
pub fn document_json() -> String {
    let json = document()
        .to_pretty_json()
        .expect("the OpenAPI document serialises");
    let mut escaped = text_formats::escape_invisible(&json);
    escaped.push('\n');
    escaped
}
