//! A mentee's request for a mentor: asking, reading, withdrawing.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{RequestResponse, request_response, require_open_format, visible_request};
use crate::api::access::Viewer;
use crate::api::http::etag::json_with_etag;
use crate::api::http::idempotency::{self, Created, IdempotencyKeyHeader};
use crate::api::http::json_object::JsonObject;
use crate::api::http::pagination::PageParams;
use crate::api::http::response::private_json;
use crate::api::topics::require_accepted;
use crate::auth::Caller;
use crate::db::models::audit_events::{self, Change};
use crate::db::models::locks;
use crate::db::models::mentoring_requests::{self as rows, ListFilter, NewRequest};
use crate::db::{self, DbPool};
use crate::domain::individual_mentoring::{RequestState, check_withdrawable, join_codes};
use crate::domain::participant::FederalState;
use crate::domain::programme_time::programme_today;
use crate::domain::text;
use crate::error::AppError;

/// What a mentee asks for.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMentoringRequest {
    /// 1–10 accepted topics the mentee wants advice on (§ 4).
    #[validate(length(min = 1, max = 10))]
    #[schema(min_items = 1, max_items = 10, example = json!([3, 7]))]
    pub topic_ids: Vec<i64>,
    /// Wished-for federal states of the mentor (nearby for visits); empty or omitted: the
    /// mentee's own.
    #[serde(default)]
    #[validate(length(max = 16))]
    #[schema(max_items = 16, example = json!(["NW", "NI"]))]
    pub preferred_states: Vec<FederalState>,
    /// What the mentee hopes for, in a few sentences (up to 1000 characters).
    #[validate(length(min = 1, max = 1000), custom(function = "text::multi_line"))]
    #[schema(
        format = "multi-line",
        min_length = 1,
        max_length = 1000,
        example = "Unterstützung beim Aufbau eines Energiemanagements"
    )]
    pub note: Option<String>,
}

/// Asks for an individual mentor (phase 2, § 3.3).
///
/// Asks for an individual mentor (an active mentee). Refused with 409 while staff have not opened
/// individual mentoring (the format `individual` is not bookable today) or while the mentee has an
/// open request. Audited without the note. `Idempotency-Key` makes a retry replay the first
/// answer. Everyone else (mentors without the mentee role, staff, pending and ended participants,
/// integration clients) gets 403.
#[utoipa::path(
    tag = "individual-mentoring",
    operation_id = "create_mentoring_request",
    params(IdempotencyKeyHeader),
    request_body = NewMentoringRequest,
    responses(
        (status = 201, description = "Asked; mentors can now be suggested and accept.", body = RequestResponse,
            headers(("Location" = String, description = "URL of the new request."))),
        (status = 403, description = "Not an active participant with the mentee role."),
        (status = 409, description = "Individual mentoring is not open, or the mentee already has an open request."),
        (status = 422, description = "No or unknown topics, states twice, an overlong note, or the key was used with another body.")
    )
)]
#[post("/mentoring-requests")]
pub async fn create(
    caller: Caller,
    req: HttpRequest,
    body: JsonObject<NewMentoringRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let key = idempotency::key_of(&req)?;
    let created = db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let mentee = match &viewer {
            Viewer::Participant(p) if p.is_active() && p.is_mentee => (**p).clone(),
            _ => return Err(AppError::Forbidden),
        };
        let body = body.into_inner()?;
        body.validate()?;
        let canonical = idempotency::canonical_body(None, &body)?;
        locks::acquire(conn, "mentoring_pairs")?;
        let request = idempotency::Request {
            account_id: caller.account_id,
            operation: "create_mentoring_request",
            key: key.as_deref(),
            body: &canonical,
        };
        let now = Utc::now().naive_utc();
        idempotency::once(conn, &request, now, |conn| {
            let mut topics = body.topic_ids.clone();
            require_accepted(conn, "/topic_ids", &topics)?;
            topics.sort_unstable();
            topics.dedup();
            let states = &body.preferred_states;
            if states
                .iter()
                .enumerate()
                .any(|(i, s)| states[..i].contains(s))
            {
                return Err(AppError::invalid_field(
                    "/preferred_states",
                    "each state once",
                ));
            }
            require_open_format(conn, programme_today())?;
            if rows::has_open(conn, mentee.id)? {
                return Err(AppError::Conflict(
                    "the mentee already has an open request; withdraw it first".to_owned(),
                ));
            }
            let stored = join_codes(states.iter().map(|s| s.as_str()));
            let row = rows::insert(
                conn,
                &NewRequest {
                    mentee_id: mentee.id,
                    preferred_states: &stored,
                    note: body.note.as_deref(),
                    state: RequestState::Open,
                    version: 1,
                    created_by: caller.account_id,
                    created_at: now,
                    updated_at: now,
                },
                &topics,
            )?;
            audit_events::record(
                conn,
                Change {
                    actor: &caller.actor(),
                    action: "mentoring_request.created",
                    entity_type: "mentoring_request",
                    entity_id: row.id.to_string(),
                    before: None,
                    after: Some(json!({
                        "state": row.state,
                        "mentee_id": row.mentee_id,
                        "topic_ids": topics,
                        "preferred_states": stored,
                    })),
                },
            )?;
            let id = row.id;
            let response = request_response(conn, row)?;
            Created::new(format!("/api/v1/mentoring-requests/{id}"), &response)
        })
    })
    .await?;
    Ok(created.respond())
}

/// One page of mentoring requests.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestList {
    /// Requests in the order they were asked.
    pub items: Vec<RequestResponse>,
    /// Cursor of the next page; `null` on the last.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// Filters for the request list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestFilter {
    /// Only requests in this state (mentors only ever see open ones).
    pub state: Option<RequestState>,
}

/// Lists individual mentoring requests.
///
/// Lists mentoring requests: staff all, a mentee their own, an active mentor the open requests of
/// others (to accept one). Paged with `limit` and `cursor`; pending and ended participants and
/// integration clients get 403.
#[utoipa::path(
    tag = "individual-mentoring",
    operation_id = "list_mentoring_requests",
    params(RequestFilter, PageParams),
    responses(
        (status = 200, description = "One page of requests.", body = RequestList),
        (status = 403, description = "Not staff and not an active participant.")
    )
)]
#[get("/mentoring-requests")]
pub async fn list(
    caller: Caller,
    filter: web::Query<RequestFilter>,
    paging: web::Query<PageParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let page = paging.page()?;
    let state = filter.into_inner().state;
    let (items, next_cursor) = db::run(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        viewer.require_member()?;
        let mut query = ListFilter {
            mentee_id: None,
            state,
            after: page.after,
        };
        let mut rows = Vec::new();
        match &viewer {
            Viewer::Staff { .. } => rows = rows::list(conn, &query, page.fetch())?,
            Viewer::Participant(p) if p.is_mentor => {
                // Their own and others' open ones: two small lists merged by id.
                query.mentee_id = Some(p.id);
                let own = rows::list(conn, &query, page.fetch())?;
                let open_wanted = state.is_none_or(|s| s == RequestState::Open);
                let others = if open_wanted {
                    let open = ListFilter {
                        mentee_id: None,
                        state: Some(RequestState::Open),
                        after: page.after,
                    };
                    rows::list(conn, &open, page.fetch())?
                } else {
                    Vec::new()
                };
                rows.extend(own);
                rows.extend(others.into_iter().filter(|r| r.mentee_id != p.id));
                rows.sort_by_key(|r| r.id);
                rows.truncate(usize::try_from(page.fetch()).unwrap_or(usize::MAX));
            }
            Viewer::Participant(p) => {
                query.mentee_id = Some(p.id);
                rows = rows::list(conn, &query, page.fetch())?;
            }
        }
        let (rows, next) = page.finish(rows, |r| r.id);
        let items = rows
            .into_iter()
            .map(|r| request_response(conn, r))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((items, next))
    })
    .await?;
    Ok(private_json(&RequestList { items, next_cursor }))
}

/// One individual mentoring request.
///
/// One mentoring request with its `ETag`: staff, the mentee, or (while open) an active mentor.
/// Other participants get 404; pending and ended participants and integration clients 403.
#[utoipa::path(
    tag = "individual-mentoring",
    operation_id = "get_mentoring_request",
    params(("id" = i64, Path, description = "Request id.")),
    responses(
        (status = 200, description = "The request.", body = RequestResponse,
            headers(("ETag" = String, description = "The request's version."))),
        (status = 403, description = "Not staff and not an active participant.")
    )
)]
#[get("/mentoring-requests/{id}")]
pub async fn get(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (version, body) = db::run(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let row = visible_request(conn, &viewer, id)?;
        Ok((row.version, request_response(conn, row)?))
    })
    .await?;
    Ok(json_with_etag(version, &body))
}

/// Withdraws an individual mentoring request.
///
/// Withdraws an open request (its mentee or staff). Audited. Other participants get 404; pending
/// and ended participants and integration clients 403; a request that is no longer open 409.
#[utoipa::path(
    tag = "individual-mentoring",
    operation_id = "withdraw_mentoring_request",
    params(("id" = i64, Path, description = "Request id.")),
    responses(
        (status = 200, description = "Withdrawn.", body = RequestResponse),
        (status = 403, description = "Not staff and not the request's mentee."),
        (status = 409, description = "The request is no longer open.")
    )
)]
#[post("/mentoring-requests/{id}/withdrawal")]
pub async fn withdraw(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let body = db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let row = visible_request(conn, &viewer, id)?;
        if let Viewer::Participant(p) = &viewer
            && p.id != row.mentee_id
        {
            return Err(AppError::Forbidden);
        }
        check_withdrawable(row.state)?;
        let now = Utc::now().naive_utc();
        let row = rows::transition(conn, id, RequestState::Open, RequestState::Withdrawn, now)?
            .ok_or_else(|| AppError::Conflict("the request changed meanwhile".to_owned()))?;
        audit_events::record(
            conn,
            Change {
                actor: &caller.actor(),
                action: "mentoring_request.withdrawn",
                entity_type: "mentoring_request",
                entity_id: id.to_string(),
                before: Some(json!({"state": RequestState::Open})),
                after: Some(json!({"state": row.state})),
            },
        )?;
        request_response(conn, row)
    })
    .await?;
    Ok(private_json(&body))
}
