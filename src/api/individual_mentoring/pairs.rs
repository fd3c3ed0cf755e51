//! Reading pairs, their agreement (Infobox 2) and their end.

use actix_web::{HttpResponse, get, post, put, web};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

use super::{PairResponse, pair_response, visible_pair};
use crate::api::access::Viewer;
use crate::api::http::etag::{IfMatchHeader, json_with_etag};
use crate::api::http::json_object::JsonObject;
use crate::api::http::pagination::PageParams;
use crate::api::http::response::private_json;
use crate::auth::Caller;
use crate::db::models::audit_events::{self, Change};
use crate::db::models::mentoring_pairs::{self as rows, AgreementChange};
use crate::db::{self, DbPool};
use crate::domain::Violation;
use crate::domain::individual_mentoring::{
    ContactKind, PairState, check_agreement, check_ending, join_codes,
};
use crate::domain::programme_time::programme_today;
use crate::domain::text;
use crate::error::AppError;

/// One page of pairs.
#[derive(Debug, Serialize, ToSchema)]
pub struct PairList {
    /// Pairs in the order they were formed.
    pub items: Vec<PairResponse>,
    /// Cursor of the next page; `null` on the last.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// Lists individual mentoring pairs.
///
/// Lists mentoring pairs: staff all, active participants the pairs they are part of. Pending and
/// ended participants and integration clients get 403; § 3.3.
#[utoipa::path(
    tag = "individual-mentoring",
    operation_id = "list_mentoring_pairs",
    params(PageParams),
    responses(
        (status = 200, description = "One page of pairs.", body = PairList),
        (status = 403, description = "Not staff and not an active participant.")
    )
)]
#[get("/mentoring-pairs")]
pub async fn list(
    caller: Caller,
    paging: web::Query<PageParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let page = paging.page()?;
    let rows = db::run(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        viewer.require_member()?;
        let member = match &viewer {
            Viewer::Staff { .. } => None,
            Viewer::Participant(p) => Some(p.id),
        };
        Ok(rows::list(conn, member, page.after, page.fetch())?)
    })
    .await?;
    let (rows, next_cursor) = page.finish(rows, |p| p.id);
    Ok(private_json(&PairList {
        items: rows.into_iter().map(pair_response).collect(),
        next_cursor,
    }))
}

/// One individual mentoring pair with its agreement.
///
/// One pair with its agreement and `ETag` (send it as `If-Match` to record the agreement): the
/// mentor, the mentee and staff. Other participants get 404 (the pair is confidential, Infobox 2);
/// pending and ended participants and integration clients 403.
#[utoipa::path(
    tag = "individual-mentoring",
    operation_id = "get_mentoring_pair",
    params(("id" = i64, Path, description = "Pair id.")),
    responses(
        (status = 200, description = "The pair.", body = PairResponse,
            headers(("ETag" = String, description = "The pair's version."))),
        (status = 403, description = "Not staff and not an active participant.")
    )
)]
#[get("/mentoring-pairs/{id}")]
pub async fn get(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let row = db::run(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        visible_pair(conn, &viewer, id)
    })
    .await?;
    Ok(json_with_etag(row.version, &pair_response(row)))
}

/// The agreement at the start of the mentoring (Infobox 2).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementRequest {
    /// What both expect of the mentoring and of each other (roles), up to 2000 characters.
    #[validate(length(min = 1, max = 2000), custom(function = "text::multi_line"))]
    #[schema(
        format = "multi-line",
        min_length = 1,
        max_length = 2000,
        example = "Austausch auf Augenhöhe zum Aufbau eines Energiemanagements; Rückmeldung binnen einer Woche."
    )]
    pub expectations: String,
    /// Form, goal and scope: topics, how often and how long they meet, up to 2000 characters.
    #[validate(length(min = 1, max = 2000), custom(function = "text::multi_line"))]
    #[schema(
        format = "multi-line",
        min_length = 1,
        max_length = 2000,
        example = "Monatliches Telefonat (1 Std.), ein Besuch mit Hospitanz im Frühjahr."
    )]
    pub scope: String,
    /// The agreed forms of contact, each once.
    #[validate(length(min = 1, max = 4))]
    #[schema(min_items = 1, max_items = 4, example = json!(["phone", "email", "job_shadowing"]))]
    pub contact_kinds: Vec<ContactKind>,
    /// The agreed last day: after the pair's start, at most 24 months after it, not before a
    /// contact already recorded.
    #[schema(example = "2027-06-30")]
    pub end_date: NaiveDate,
}

/// Records the agreement of a mentoring pair (Infobox 2).
///
/// Records or changes the pair's agreement (the mentor, the mentee or staff; `If-Match` with the
/// pair's `ETag`). Both sides see it; contacts can be recorded once it exists. Audited without its
/// texts (they are confidential to the pair). Without `If-Match` 428, a stale one 412; other
/// participants 404; pending and ended participants and integration clients 403.
#[utoipa::path(
    tag = "individual-mentoring",
    operation_id = "record_mentoring_agreement",
    params(
        ("id" = i64, Path, description = "Pair id."),
        ("If-Match" = String, Header, description = "The pair's `ETag` as last read, e.g. `\"1\"`.")
    ),
    request_body = AgreementRequest,
    responses(
        (status = 200, description = "Recorded; the pair with its new `ETag`.", body = PairResponse,
            headers(("ETag" = String, description = "The pair's new version."))),
        (status = 403, description = "Not staff and not an active participant."),
        (status = 409, description = "The pair has ended."),
        (status = 412, description = "`If-Match` names an outdated version; read the pair again."),
        (status = 428, description = "`If-Match` is missing.")
    )
)]
#[put("/mentoring-pairs/{id}/agreement")]
pub async fn record_agreement(
    caller: Caller,
    if_match: IfMatchHeader,
    id: web::Path<i64>,
    body: JsonObject<AgreementRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let row = db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let pair = visible_pair(conn, &viewer, id)?;
        let body = body.into_inner()?;
        body.validate()?;
        let latest = rows::latest_contact(conn, id)?;
        check_agreement(pair.started_on, body.end_date, latest, &body.contact_kinds)?;
        if pair.state != PairState::Active {
            return Err(
                Violation::conflict("the pair has ended; its agreement stays as it was").into(),
            );
        }
        let if_match = if_match.require()?;
        if !if_match.matches(pair.version) {
            return Err(AppError::PreconditionFailed);
        }
        let now = Utc::now().naive_utc();
        let kinds = join_codes(body.contact_kinds.iter().map(|k| k.as_str()));
        let change = AgreementChange {
            agreement_expectations: &body.expectations,
            agreement_scope: &body.scope,
            agreement_contact_kinds: &kinds,
            agreement_end_date: body.end_date,
            agreement_recorded_at: now,
        };
        let updated = rows::set_agreement(conn, id, if_match.expected(pair.version), &change, now)?
            .ok_or(AppError::PreconditionFailed)?;
        audit_events::record(
            conn,
            Change {
                actor: &caller.actor(),
                action: "mentoring_pair.agreement_recorded",
                entity_type: "mentoring_pair",
                entity_id: id.to_string(),
                before: Some(json!({"end_date": pair.agreement_end_date})),
                after: Some(json!({"end_date": body.end_date, "contact_kinds": kinds})),
            },
        )?;
        Ok(updated)
    })
    .await?;
    Ok(json_with_etag(row.version, &pair_response(row)))
}

/// The end of a pair.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndingRequest {
    /// The last day of the mentoring, between its start and today; omitted: today.
    #[schema(example = "2027-03-31")]
    pub ended_on: Option<NaiveDate>,
}

/// Ends an individual mentoring pair.
///
/// Ends an active pair (the mentor, the mentee or staff). Contacts up to the last day can still be
/// recorded afterwards; the mentor's slot is free again. Audited. Other participants get 404;
/// pending and ended participants and integration clients 403; a pair already ended 409.
#[utoipa::path(
    tag = "individual-mentoring",
    operation_id = "end_mentoring_pair",
    params(("id" = i64, Path, description = "Pair id.")),
    request_body = EndingRequest,
    responses(
        (status = 200, description = "Ended.", body = PairResponse),
        (status = 403, description = "Not staff and not an active participant."),
        (status = 409, description = "The pair has already ended."),
        (status = 422, description = "`ended_on` is before the start or in the future.")
    )
)]
#[post("/mentoring-pairs/{id}/ending")]
pub async fn end(
    caller: Caller,
    id: web::Path<i64>,
    body: JsonObject<EndingRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let row = db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let pair = visible_pair(conn, &viewer, id)?;
        let body = body.into_inner()?;
        let today = programme_today();
        let ended_on = body.ended_on.unwrap_or(today);
        check_ending(pair.state, pair.started_on, ended_on, today)?;
        let now = Utc::now().naive_utc();
        let updated = rows::end(conn, id, ended_on, now)?
            .ok_or_else(|| AppError::Conflict("the pair has already ended".to_owned()))?;
        audit_events::record(
            conn,
            Change {
                actor: &caller.actor(),
                action: "mentoring_pair.ended",
                entity_type: "mentoring_pair",
                entity_id: id.to_string(),
                before: Some(json!({"state": pair.state})),
                after: Some(json!({"state": updated.state, "ended_on": ended_on})),
            },
        )?;
        Ok(updated)
    })
    .await?;
    Ok(private_json(&pair_response(row)))
}
