//! The topic list (§ 4, Infobox 3): read by staff and participants, extended by proposals that
//! staff accept or decline; staff correct titles and retire topics. Only accepted topics that are
//! not retired can be chosen for sessions, participants and practice tips (see
//! [`require_accepted`]); a retired topic stays where it is used and in the lists.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::access::Viewer;
use crate::api::http::etag::IfMatchHeader;
use crate::api::http::json_object::{JsonObject, present};
use crate::api::http::pagination::PageParams;
use crate::auth::{Caller, Role, StaffCaller};
use crate::db::models::audit_events::{self, Change};
use crate::db::models::topics::{self, Decision, NewTopic, Topic};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::catalogue::{TopicGroup, TopicStatus, require_accepted_topics};
use crate::domain::lang::Lang;
use crate::domain::text;
use crate::error::AppError;

/// A topic of the mentoring programme.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = topic_example)]
pub struct TopicResponse {
    /// Topic id.
    pub id: i64,
    /// The group of § 4 it belongs to.
    pub group: TopicGroup,
    /// The group's name in the response language.
    pub group_label: String,
    /// The title in the response language; the German title where no English one exists.
    pub title: String,
    /// The German title.
    pub title_de: String,
    /// The English title; `null` while not translated.
    #[schema(required = true)]
    pub title_en: Option<String>,
    /// Where the topic stands.
    pub status: TopicStatus,
    /// Who proposed it (`null` for the handbook's topics); shown to staff only.
    #[schema(required = true)]
    pub proposed_by_account_id: Option<i64>,
    /// Who accepted or declined it; shown to staff only.
    #[schema(required = true)]
    pub decided_by_account_id: Option<i64>,
    /// When it was accepted or declined; `null` while proposed.
    #[schema(required = true)]
    pub decided_at: Option<DateTime<Utc>>,
    /// The decision's note; shown to staff only.
    #[schema(required = true)]
    pub decision_note: Option<String>,
    /// When staff retired it; `null` while it can be chosen. A retired topic stays on the
    /// sessions, participants and practice tips that have it, but cannot be chosen again.
    #[schema(required = true)]
    pub retired_at: Option<DateTime<Utc>>,
    /// The version staff name in `If-Match` to correct the titles.
    pub version: i64,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

/// One page of topics, in the order they were added (the handbook's first).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [topic_example()], "next_cursor": null}))]
pub struct TopicPage {
    /// The topics on this page.
    pub items: Vec<TopicResponse>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// Filters for the topic list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TopicFilter {
    /// Only topics in this state (staff; others see accepted topics only).
    pub status: Option<TopicStatus>,
    /// Only topics of this group.
    pub group: Option<TopicGroup>,
}

/// The state a new topic starts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NewTopicStatus {
    /// A proposal that waits for a staff decision (the default).
    Proposed,
    /// Directly on the list (staff only).
    Accepted,
}

/// A new topic: a proposal, or (staff) directly an accepted topic.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "group": "municipal_administration",
    "title_de": "Kommunale Wärmeplanung",
    "title_en": "Municipal heat planning"
}))]
pub struct NewTopicRequest {
    /// The group of § 4 it belongs to.
    pub group: TopicGroup,
    /// German title.
    #[validate(length(min = 1, max = 300), custom(function = "text::single_line"))]
    #[schema(min_length = 1, max_length = 300, format = "single-line")]
    pub title_de: String,
    /// English title, if known.
    #[validate(length(min = 1, max = 300), custom(function = "text::single_line"))]
    #[schema(min_length = 1, max_length = 300, format = "single-line")]
    pub title_en: Option<String>,
    /// `proposed` (default) or, for staff, `accepted`.
    pub status: Option<NewTopicStatus>,
}

/// Accepting a proposal, optionally with a note and the English title.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "note": "Mehrere Kommunen haben danach gefragt.",
    "title_en": "Municipal heat planning"
}))]
pub struct TopicAcceptance {
    /// Why, for the record.
    #[validate(length(min = 1, max = 2000), custom(function = "text::multi_line"))]
    #[schema(min_length = 1, max_length = 2000, format = "multi-line")]
    pub note: Option<String>,
    /// The English title; replaces the proposal's, if given.
    #[validate(length(min = 1, max = 300), custom(function = "text::single_line"))]
    #[schema(min_length = 1, max_length = 300, format = "single-line")]
    pub title_en: Option<String>,
}

/// Declining a proposal, optionally with a note.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "Schon durch das Thema Klimaschutz-Controlling abgedeckt."}))]
pub struct TopicDeclination {
    /// Why, for the record.
    #[validate(length(min = 1, max = 2000), custom(function = "text::multi_line"))]
    #[schema(min_length = 1, max_length = 2000, format = "multi-line")]
    pub note: Option<String>,
}

/// What a caller may see of the topic list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    /// Every topic with its decision details (staff).
    Everything,
    /// Accepted topics, without who proposed or decided them.
    AcceptedOnly,
}

/// Who may read topics: staff see everything; active participants see the accepted topics;
/// pending and ended participants and integration clients see nothing (403).
async fn view_of(pool: &DbPool, caller: &Caller) -> Result<View, AppError> {
    match caller.role {
        Role::Staff => Ok(View::Everything),
        Role::Participant => {
            let caller = caller.clone();
            db::run(pool, move |conn| {
                Viewer::load(conn, &caller)?.require_member()
            })
            .await?;
            Ok(View::AcceptedOnly)
        }
        Role::Integration => Err(AppError::Forbidden),
    }
}

/// Who may propose topics (Infobox 3): staff and active participants; participants may only
/// create `proposed` topics, which staff then accept or decline.
async fn require_proposer(pool: &DbPool, caller: &Caller) -> Result<(), AppError> {
    view_of(pool, caller).await.map(|_| ())
}

/// Checks that every id names an accepted topic; sessions, practice tips and participants call
/// this before they attach topics. Otherwise 422 with one entry per offending id at
/// `pointer/<index>` (e.g. `/topic_ids/2`), naming the id but nothing else about the topic.
pub fn require_accepted(
    conn: &mut DbConnection,
    pointer: &str,
    ids: &[i64],
) -> Result<(), AppError> {
    let not_accepted = topics::not_accepted(conn, ids)?;
    Ok(require_accepted_topics(pointer, ids, &not_accepted)?)
}

/// As [`require_accepted`], but topics in `kept` (already on the record being changed) may stay
/// even if they were retired since; only added ones must be accepted and not retired.
pub fn require_accepted_or_kept(
    conn: &mut DbConnection,
    pointer: &str,
    ids: &[i64],
    kept: &[i64],
) -> Result<(), AppError> {
    let added: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|id| !kept.contains(id))
        .collect();
    let not_accepted = topics::not_accepted(conn, &added)?;
    Ok(require_accepted_topics(pointer, ids, &not_accepted)?)
}

fn topic_example() -> serde_json::Value {
    json!({
        "id": 23,
        "group": "municipal_administration",
        "group_label": "Themen aus der Kommunalverwaltung",
        "title": "Kommunale Wärmeplanung",
        "title_de": "Kommunale Wärmeplanung",
        "title_en": "Municipal heat planning",
        "status": "accepted",
        "proposed_by_account_id": 57,
        "decided_by_account_id": 2,
        "decided_at": "2027-02-03T09:15:00Z",
        "decision_note": null,
        "retired_at": null,
        "version": 2,
        "created_at": "2027-01-28T14:02:11Z"
    })
}

fn response(topic: Topic, view: View, lang: Lang) -> Result<TopicResponse, AppError> {
    let group = TopicGroup::parse(&topic.group_code)
        .ok_or_else(|| AppError::internal(format!("unknown group of topic {}", topic.id)))?;
    let staff = view == View::Everything;
    Ok(TopicResponse {
        id: topic.id,
        group,
        group_label: group.label(lang).to_owned(),
        title: lang
            .pick(
                &topic.title_de,
                topic.title_en.as_deref().unwrap_or(&topic.title_de),
            )
            .to_owned(),
        title_de: topic.title_de,
        title_en: topic.title_en,
        status: topic.status,
        proposed_by_account_id: topic.proposed_by_account_id.filter(|_| staff),
        decided_by_account_id: topic.decided_by_account_id.filter(|_| staff),
        decided_at: topic.decided_at.map(|t| t.and_utc()),
        decision_note: topic.decision_note.filter(|_| staff),
        retired_at: topic.retired_at.map(|t| t.and_utc()),
        version: topic.version,
        created_at: topic.created_at.and_utc(),
    })
}

/// Lists topics: staff see every state (filter with `status`), participants accepted topics only.
///
/// Staff and active participants; pending or ended participants and integration clients get 403.
/// Participants see accepted topics only, without who proposed or decided them, and get 403 when
/// they filter for another `status`. Filter by `group` (the three groups of § 4). Paginated with
/// `limit` and `cursor`, in the order the topics were added (the handbook's topics first).
#[utoipa::path(
    tag = "topics",
    operation_id = "list_topics",
    params(TopicFilter, PageParams),
    responses((status = 200, description = "One page of topics.", body = TopicPage,
        headers(("Content-Language" = String, description = "`de` or `en`, chosen by `Accept-Language`."))))
)]
#[get("/topics")]
pub async fn list(
    caller: Caller,
    lang: Lang,
    filter: web::Query<TopicFilter>,
    paging: web::Query<PageParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let view = view_of(&pool, &caller).await?;
    let page = paging.page()?;
    let status = match (view, filter.status) {
        (View::Everything, status) => status,
        (View::AcceptedOnly, None | Some(TopicStatus::Accepted)) => Some(TopicStatus::Accepted),
        (View::AcceptedOnly, Some(_)) => return Err(AppError::Forbidden),
    };
    let group = filter.group;
    let rows = db::run(&pool, move |conn| {
        Ok(topics::list(
            conn,
            status,
            group.map(TopicGroup::as_str),
            page.after.unwrap_or(0),
            page.fetch(),
        )?)
    })
    .await?;
    let (rows, next_cursor) = page.finish(rows, |t| t.id);
    let items = rows
        .into_iter()
        .map(|t| response(t, view, lang))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(lang.private_json(&TopicPage { items, next_cursor }))
}

/// One topic (participants: accepted topics only).
///
/// Staff and active participants (others 403). Participants get 404 for a topic that is not
/// accepted, and no proposer or decision details. 404 for an unknown id. The `ETag` is the topic's
/// `version`, which staff send as `If-Match` to correct the titles.
#[utoipa::path(
    tag = "topics",
    operation_id = "get_topic",
    params(("id" = i64, Path, description = "Topic id.")),
    responses((status = 200, description = "The topic.", body = TopicResponse,
        headers(("Content-Language" = String, description = "`de` or `en`, chosen by `Accept-Language`."),
            ("ETag" = String, description = "The topic's version; staff send it as `If-Match` to correct the titles."))))
)]
#[get("/topics/{id}")]
pub async fn get(
    caller: Caller,
    lang: Lang,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let view = view_of(&pool, &caller).await?;
    let id = id.into_inner();
    let topic = db::run(&pool, move |conn| {
        topics::find(conn, id)?.ok_or(AppError::NotFound)
    })
    .await?;
    if view == View::AcceptedOnly && topic.status != TopicStatus::Accepted {
        return Err(AppError::NotFound);
    }
    Ok(lang.json_with_etag(topic.version, &response(topic, view, lang)?))
}

/// Proposes a topic, or (staff) adds one directly to the list. Audited.
///
/// Staff and active participants (others 403) may add to the topic list (Infobox 3). A topic starts
/// `proposed` and waits for a staff decision; only staff may send `status: accepted` to put it on
/// the list directly (403 for participants). Titles are single-line text without invisible
/// characters (422 otherwise). Answers 201 with `Location`. Audited as `topic.proposed` or
/// `topic.created`.
#[utoipa::path(
    tag = "topics",
    operation_id = "create_topic",
    request_body = NewTopicRequest,
    responses((status = 201, description = "Recorded.", body = TopicResponse,
        headers(("Location" = String, description = "URL of the new topic."))))
)]
#[post("/topics")]
pub async fn create(
    caller: Caller,
    lang: Lang,
    body: JsonObject<NewTopicRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    require_proposer(&pool, &caller).await?;
    let view = view_of(&pool, &caller).await?;
    let body = body.into_inner()?;
    body.validate()?;
    let status = match body.status.unwrap_or(NewTopicStatus::Proposed) {
        NewTopicStatus::Proposed => TopicStatus::Proposed,
        NewTopicStatus::Accepted => {
            caller.require_staff()?;
            TopicStatus::Accepted
        }
    };
    let actor = caller.account_id;
    let topic = db::write(&pool, move |conn| {
        let now = Utc::now().naive_utc();
        let accepted = status == TopicStatus::Accepted;
        let topic = topics::insert(
            conn,
            &NewTopic {
                group_code: body.group.as_str(),
                title_de: body.title_de.trim(),
                title_en: body.title_en.as_deref().map(str::trim),
                status,
                proposed_by_account_id: Some(actor),
                decided_by_account_id: accepted.then_some(actor),
                decided_at: accepted.then_some(now),
                created_at: now,
            },
        )?;
        audit_events::record(
            conn,
            Change {
                actor: &caller.actor(),
                action: if accepted {
                    "topic.created"
                } else {
                    "topic.proposed"
                },
                entity_type: "topic",
                entity_id: topic.id.to_string(),
                before: None,
                after: Some(json!({ "status": topic.status, "group": topic.group_code })),
            },
        )?;
        Ok(topic)
    })
    .await?;
    Ok(lang.created(
        &format!("/api/v1/topics/{}", topic.id),
        &response(topic, view, lang)?,
    ))
}

/// Records a staff decision on a proposal, atomically and audited.
async fn decide(
    caller: Caller,
    lang: Lang,
    id: i64,
    to: TopicStatus,
    note: Option<String>,
    title_en: Option<String>,
    pool: &DbPool,
) -> Result<HttpResponse, AppError> {
    let actor = caller.account_id;
    let topic = db::write(pool, move |conn| {
        let decision = Decision {
            status: to,
            decided_by_account_id: Some(actor),
            decided_at: Some(Utc::now().naive_utc()),
            decision_note: note.as_deref().map(str::trim),
            title_en: title_en.as_deref().map(str::trim),
        };
        let Some(topic) = topics::decide(conn, id, &decision)? else {
            return Err(match topics::find(conn, id)? {
                None => AppError::NotFound,
                Some(t) => AppError::Conflict(format!(
                    "the topic is {}; only proposed topics can be accepted or declined",
                    t.status.as_str()
                )),
            });
        };
        audit_events::record(
            conn,
            Change {
                actor: &caller.actor(),
                action: if to == TopicStatus::Accepted {
                    "topic.accepted"
                } else {
                    "topic.declined"
                },
                entity_type: "topic",
                entity_id: id.to_string(),
                before: Some(json!({ "status": TopicStatus::Proposed.as_str() })),
                after: Some(json!({
                    "status": topic.status,
                    "note_given": note.is_some(),
                    "title_en_given": title_en.is_some(),
                })),
            },
        )?;
        Ok(topic)
    })
    .await?;
    Ok(lang.private_json(&response(topic, View::Everything, lang)?))
}

/// Accepts a proposed topic onto the list (staff). Audited.
///
/// Staff only (others 403). Only a `proposed` topic can be accepted (409 otherwise, 404 for an
/// unknown id); from then on it can be chosen for sessions, participants and practice tips. An
/// English title in the body replaces the proposal's. Audited as `topic.accepted` (whether a note and
/// a title were given, not their text).
#[utoipa::path(
    tag = "topics",
    operation_id = "accept_topic",
    params(("id" = i64, Path, description = "Topic id.")),
    request_body = TopicAcceptance,
    responses(
        (status = 200, description = "Accepted.", body = TopicResponse),
        (status = 409, description = "The topic is not proposed (already accepted or declined).")
    )
)]
#[post("/topics/{id}/acceptance")]
pub async fn accept(
    StaffCaller(caller): StaffCaller,
    lang: Lang,
    id: web::Path<i64>,
    body: JsonObject<TopicAcceptance>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    body.validate()?;
    let id = id.into_inner();
    decide(
        caller,
        lang,
        id,
        TopicStatus::Accepted,
        body.note,
        body.title_en,
        &pool,
    )
    .await
}

/// Declines a proposed topic (staff). Audited.
///
/// Staff only (others 403). Only a `proposed` topic can be declined (409 otherwise, 404 for an
/// unknown id); participants no longer see it. Audited as `topic.declined`.
#[utoipa::path(
    tag = "topics",
    operation_id = "decline_topic",
    params(("id" = i64, Path, description = "Topic id.")),
    request_body = TopicDeclination,
    responses(
        (status = 200, description = "Declined.", body = TopicResponse),
        (status = 409, description = "The topic is not proposed (already accepted or declined).")
    )
)]
#[post("/topics/{id}/declination")]
pub async fn decline(
    StaffCaller(caller): StaffCaller,
    lang: Lang,
    id: web::Path<i64>,
    body: JsonObject<TopicDeclination>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    body.validate()?;
    let id = id.into_inner();
    decide(
        caller,
        lang,
        id,
        TopicStatus::Declined,
        body.note,
        None,
        &pool,
    )
    .await
}

/// A correction of a topic's titles: omitted fields keep their value; `null` clears the English
/// title.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title_en": "Municipal heat planning"}))]
pub struct TopicPatch {
    /// German title.
    #[validate(length(min = 1, max = 300), custom(function = "text::single_line"))]
    #[schema(min_length = 1, max_length = 300, format = "single-line")]
    pub title_de: Option<String>,
    /// English title; `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[validate(length(min = 1, max = 300), custom(function = "text::single_line"))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 300, format = "single-line")]
    pub title_en: Option<Option<String>>,
}

/// Corrects a topic's German or English title (staff), in any state; the sessions, participants
/// and practice tips using it show the new title. Audited with which titles changed.
///
/// Staff only (others 403). Needs `If-Match` with the topic's `ETag` (428 without it, 412 when the
/// topic changed since). Omitted fields keep their value, `title_en: null` clears the English title.
/// Answers the new `ETag`. Audited as `topic.retitled`.
#[utoipa::path(
    tag = "topics",
    operation_id = "update_topic",
    params(
        ("id" = i64, Path, description = "Topic id."),
        ("If-Match" = String, Header, description = "The ETag (`version`) of the topic being corrected.")
    ),
    request_body = TopicPatch,
    responses(
        (status = 200, description = "Corrected.", body = TopicResponse,
            headers(("ETag" = String, description = "The new version."))),
        (status = 412, description = "The topic changed since it was read."),
        (status = 428, description = "If-Match is missing.")
    )
)]
#[patch("/topics/{id}")]
pub async fn update(
    StaffCaller(caller): StaffCaller,
    lang: Lang,
    id: web::Path<i64>,
    body: JsonObject<TopicPatch>,
    if_match: IfMatchHeader,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    // The precondition header first (428), then the body (422).
    let if_match = if_match.require()?;
    let body = body.into_inner()?;
    body.validate()?;
    let topic = db::write(&pool, move |conn| {
        let current = topics::find(conn, id)?.ok_or(AppError::NotFound)?;
        if !if_match.matches(current.version) {
            return Err(AppError::PreconditionFailed);
        }
        let title_de = body
            .title_de
            .as_deref()
            .map_or(current.title_de.as_str(), str::trim);
        let title_en = match &body.title_en {
            Some(title) => title.as_deref().map(str::trim),
            None => current.title_en.as_deref(),
        };
        let topic = topics::retitle(
            conn,
            id,
            if_match.expected(current.version),
            title_de,
            title_en,
        )?
        .ok_or(AppError::PreconditionFailed)?;
        let changed: Vec<&str> = audit_events::changed_fields([
            ("title_de", topic.title_de != current.title_de),
            ("title_en", topic.title_en != current.title_en),
        ]);
        // Which titles changed, not the titles: a proposal's title is its proposer's text.
        audit_events::record(
            conn,
            Change {
                actor: &caller.actor(),
                action: "topic.retitled",
                entity_type: "topic",
                entity_id: id.to_string(),
                before: Some(json!({ "version": current.version })),
                after: Some(json!({ "version": topic.version, "changed": changed })),
            },
        )?;
        Ok(topic)
    })
    .await?;
    Ok(lang.json_with_etag(topic.version, &response(topic, View::Everything, lang)?))
}

/// Retires an accepted topic (staff): it stays on the sessions, participants and practice tips
/// that have it and in the lists (with `retired_at`), but cannot be chosen again (422 at the
/// field naming it). Audited.
///
/// Staff only (others 403). Only an accepted topic that is not retired yet (409 otherwise, 404 for
/// an unknown id). Audited as `topic.retired`.
#[utoipa::path(
    tag = "topics",
    operation_id = "retire_topic",
    params(("id" = i64, Path, description = "Topic id.")),
    responses(
        (status = 200, description = "Retired.", body = TopicResponse),
        (status = 409, description = "The topic is not accepted, or already retired.")
    )
)]
#[post("/topics/{id}/retirement")]
pub async fn retire(
    StaffCaller(caller): StaffCaller,
    lang: Lang,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let actor = caller.actor();
    let topic = db::write(&pool, move |conn| {
        let Some(topic) = topics::retire(conn, id, Utc::now().naive_utc())? else {
            return Err(match topics::find(conn, id)? {
                None => AppError::NotFound,
                Some(t) if t.retired_at.is_some() => {
                    AppError::Conflict("the topic is already retired".to_owned())
                }
                Some(t) => AppError::Conflict(format!(
                    "the topic is {}; only accepted topics can be retired",
                    t.status.as_str()
                )),
            });
        };
        audit_events::record(
            conn,
            Change {
                actor: &actor,
                action: "topic.retired",
                entity_type: "topic",
                entity_id: id.to_string(),
                before: Some(json!({ "retired": false })),
                after: Some(json!({ "retired": true })),
            },
        )?;
        Ok(topic)
    })
    .await?;
    Ok(lang.json_with_etag(topic.version, &response(topic, View::Everything, lang)?))
}
