//! Writing practice tips: create, edit (with `If-Match`), read and search.

use crate::domain::programme_time::programme_today;
use actix_web::{HttpResponse, get, patch, post, web};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::access::{editable_for_author, visible};
use super::views::{PracticeTipList, PracticeTipResponse, response};
use crate::api::access::Viewer;
use crate::api::http::etag::{IfMatchHeader, etag, json_with_etag};
use crate::api::http::json_object::JsonObject;
use crate::api::http::pagination::PageParams;
use crate::api::http::query_text::require_plain;
use crate::api::http::response::private_json;
use crate::api::topics;
use crate::auth::Caller;
use crate::db::models::audit_events::{self, Change};
use crate::db::models::formats;
use crate::db::models::participants;
use crate::db::models::practice_tips::{
    self, ContentChanges, ListFilter, NewPracticeTip, PracticeTip,
};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::practice_tip::{
    NamedAuthor, TipKind, TipState, check_author, check_offered, search_text,
};
use crate::domain::text;
use crate::error::AppError;

/// The catalogue format of practice tips.
pub const FORMAT_CODE: &str = "practice_tip";

/// A new practice tip (its PDF follows with `PUT .../document`).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Klimaschutz im Haushalt verankern",
    "question": "Wie bringe ich Klimaschutzmaßnahmen in den kommunalen Doppelhaushalt?",
    "topic_ids": [1],
    "kind": "text",
    "abstract": "Ein Leitfaden in fünf Schritten: von der Maßnahmenliste zur Haushaltsstelle, mit Beispielen aus Landkreis und Gemeinde.",
    "anonymisation_requested": false
}))]
pub struct NewPracticeTipRequest {
    /// Title.
    #[validate(length(min = 1, max = 200), custom(function = "text::single_line"))]
    #[schema(
        format = "single-line",
        min_length = 1,
        max_length = 200,
        example = "Klimaschutz im Haushalt verankern"
    )]
    pub title: String,
    /// The concrete question it answers (§ 3.2.2, § 4).
    #[validate(length(min = 1, max = 1000), custom(function = "text::multi_line"))]
    #[schema(format = "multi-line", min_length = 1, max_length = 1000)]
    pub question: String,
    /// Ids of accepted topics (1–10).
    #[validate(length(min = 1, max = 10))]
    #[schema(min_items = 1, max_items = 10)]
    pub topic_ids: Vec<i64>,
    /// `text` (a few A4 pages) or `slides` (about 20 slides).
    pub kind: TipKind,
    /// Abstract.
    #[serde(rename = "abstract")]
    #[validate(length(min = 1, max = 4000), custom(function = "text::multi_line"))]
    #[schema(format = "multi-line", min_length = 1, max_length = 4000)]
    pub summary: String,
    /// Ask that examples in the tip are anonymised before publication (Infobox 2).
    #[serde(default)]
    pub anonymisation_requested: bool,
    /// The author's participant id (an active participant with the mentor role). Required for
    /// staff, who write the tip on the mentor's behalf (e.g. one sent in by e-mail); a mentor
    /// may leave it out or name only themself.
    pub author_id: Option<i64>,
}

/// The author's edits; absent fields stay as they are.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "question": "Wie bringe ich Klimaschutzmaßnahmen in den Doppelhaushalt 2028/2029?",
    "topic_ids": [1, 3]
}))]
pub struct PracticeTipPatch {
    /// Title.
    #[validate(length(min = 1, max = 200), custom(function = "text::single_line"))]
    #[schema(format = "single-line", min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// The concrete question it answers.
    #[validate(length(min = 1, max = 1000), custom(function = "text::multi_line"))]
    #[schema(format = "multi-line", min_length = 1, max_length = 1000)]
    pub question: Option<String>,
    /// Replaces the topics (accepted topic ids, 1–10).
    #[validate(length(min = 1, max = 10))]
    #[schema(min_items = 1, max_items = 10)]
    pub topic_ids: Option<Vec<i64>>,
    /// `text` or `slides`.
    pub kind: Option<TipKind>,
    /// Abstract.
    #[serde(rename = "abstract")]
    #[validate(length(min = 1, max = 4000), custom(function = "text::multi_line"))]
    #[schema(format = "multi-line", min_length = 1, max_length = 4000)]
    pub summary: Option<String>,
    /// Ask (or no longer ask) that examples are anonymised.
    pub anonymisation_requested: Option<bool>,
}

/// Filters for the practice-tip list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PracticeTipFilter {
    /// Only tips about this topic.
    pub topic_id: Option<i64>,
    /// Only this kind.
    pub kind: Option<TipKind>,
    /// Words that must all occur in the title or abstract (case-insensitive).
    #[param(max_length = 200, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub q: Option<String>,
    /// Only tips in this state.
    pub state: Option<TipState>,
}

fn sorted_topics(ids: &[i64]) -> Vec<i64> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Whom an audited step on a tip was for: the tip's id and its author.
#[derive(Debug, Clone, Copy)]
pub(super) struct TipRef {
    pub id: i64,
    pub author_id: i64,
}

impl From<&PracticeTip> for TipRef {
    fn from(tip: &PracticeTip) -> Self {
        TipRef {
            id: tip.id,
            author_id: tip.author_id,
        }
    }
}

/// Records an audit event about a tip (ids, codes and numbers only): the acting account, the
/// author it was done for, and whether staff acted on the author's behalf.
pub(super) fn audit(
    conn: &mut DbConnection,
    caller: &Caller,
    action: &str,
    tip: TipRef,
    after: serde_json::Value,
) -> Result<(), AppError> {
    let mut after = after;
    if let Some(fields) = after.as_object_mut() {
        fields.insert("author_id".to_owned(), json!(tip.author_id));
        fields.insert("by_staff".to_owned(), json!(caller.is_staff()));
    }
    audit_events::record(
        conn,
        Change {
            actor: &caller.actor(),
            action,
            entity_type: "practice_tip",
            entity_id: tip.id.to_string(),
            before: None,
            after: Some(after),
        },
    )?;
    Ok(())
}

/// Creates a draft practice tip: an active participant with the mentor role for themself, or
/// staff for the mentor named in `author_id` (staff then upload the PDF, submit and publish it,
/// with an earlier `published_on` for a tip published before). Audited with the acting account
/// and the author.
///
/// The practice tip of § 3.2.2: a text document (a few A4 pages) or a slide deck (about 20 slides)
/// answering one concrete question. Mentors write for themselves (403 for other callers, 422 when
/// naming another author); staff must name an active mentor in `author_id` (422 otherwise). The
/// `topic_ids` must be accepted topics (422 at the offending index); 409 when the practice-tip
/// format is not bookable today. The tip starts as `draft`; upload its PDF, then submit it.
/// Answers 201 with `Location` and `ETag`. Audited as `practice_tip.created`.
#[utoipa::path(
    tag = "practice-tips",
    operation_id = "create_practice_tip",
    request_body = NewPracticeTipRequest,
    responses(
        (status = 201, description = "Created as `draft`.", body = PracticeTipResponse,
            headers(("Location" = String, description = "URL of the new tip."),
                    ("ETag" = String, description = "The tip's version."))),
        (status = 403, description = "Neither staff nor an active participant with the mentor role."),
        (status = 409, description = "The practice-tip format is not bookable today."),
        (status = 422, description = "Staff without `author_id`, a mentor naming someone else, or the named author is not an active mentor.")
    )
)]
#[post("/practice-tips")]
pub async fn create(
    caller: Caller,
    body: JsonObject<NewPracticeTipRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let (version, tip) = db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        // Staff write for the mentor they name; anyone else must be an active mentor.
        let own_id = match &viewer {
            Viewer::Staff { .. } => None,
            Viewer::Participant(_) => Some(viewer.active_mentor()?.id),
        };
        let body = body.into_inner()?;
        body.validate()?;
        let named = match body.author_id {
            Some(id) => Some(NamedAuthor {
                id,
                is_active_mentor: participants::find(conn, id)?
                    .is_some_and(|p| p.is_active_mentor()),
            }),
            None => None,
        };
        let author_id = check_author(own_id, named)?;
        let today = programme_today();
        check_offered(formats::rule_on(conn, FORMAT_CODE, today)?.is_some_and(|r| r.bookable))?;
        topics::require_accepted(conn, "/topic_ids", &body.topic_ids)?;
        let topic_ids = sorted_topics(&body.topic_ids);
        let now = Utc::now().naive_utc();
        let title = body.title.trim();
        let search = search_text(title, &body.summary);
        let tip = practice_tips::insert(
            conn,
            &NewPracticeTip {
                author_id,
                title,
                question: &body.question,
                kind: body.kind,
                abstract_text: &body.summary,
                search_text: &search,
                state: TipState::Draft,
                anonymisation_requested: body.anonymisation_requested,
                version: 1,
                created_at: now,
                updated_at: now,
            },
            &topic_ids,
        )?;
        let after = json!({
            "state": tip.state,
            "kind": tip.kind,
            "topic_ids": topic_ids,
            "anonymisation_requested": tip.anonymisation_requested,
        });
        audit(conn, &caller, "practice_tip.created", (&tip).into(), after)?;
        Ok((tip.version, response(conn, &viewer, tip)?))
    })
    .await?;
    let mut res = crate::api::http::response::created_json(
        &format!("/api/v1/practice-tips/{}", tip.id),
        &tip,
    );
    res.headers_mut().insert(
        actix_web::http::header::ETAG,
        actix_web::http::header::HeaderValue::from_str(&etag(version))
            .map_err(AppError::internal)?,
    );
    Ok(res)
}

/// Searches practice tips: staff see all; active participants published tips and their own.
///
/// Staff see every tip; active participants published tips and their own drafts and reviews;
/// pending or ended participants and integration clients get 403. Filters: `topic_id`, `kind`,
/// `state`, and `q`, words that must all occur in the title or abstract (case-insensitive).
/// Paginated with `limit` and `cursor`, in the order the tips were created. Review notes and the
/// author's credit are shown to the author and staff only.
#[utoipa::path(
    tag = "practice-tips",
    operation_id = "list_practice_tips",
    params(PracticeTipFilter, PageParams),
    responses(
        (status = 200, description = "One page of practice tips.", body = PracticeTipList),
        (status = 403, description = "Not staff and not an active participant.")
    )
)]
#[get("/practice-tips")]
pub async fn list(
    caller: Caller,
    filter: web::Query<PracticeTipFilter>,
    paging: web::Query<PageParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let page = paging.page()?;
    let filter = filter.into_inner();
    require_plain("q", filter.q.as_deref(), 200)?;
    let (items, next_cursor) = db::run(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        viewer.require_member()?;
        let query = ListFilter {
            topic_id: filter.topic_id,
            kind: filter.kind,
            state: filter.state,
            words: filter.q,
            published_or_author: match &viewer {
                Viewer::Participant(p) => Some(p.id),
                Viewer::Staff { .. } => None,
            },
            after: page.after,
            ..ListFilter::default()
        };
        let rows = practice_tips::list(conn, &query, page.fetch())?;
        let (rows, next) = page.finish(rows, |t| t.id);
        let items = rows
            .into_iter()
            .map(|t| response(conn, &viewer, t))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((items, next))
    })
    .await?;
    Ok(private_json(&PracticeTipList { items, next_cursor }))
}

/// One practice tip, if the caller may see it.
///
/// Staff any; active participants a published tip or their own (404 otherwise, as for an unknown
/// id); pending or ended participants and integration clients get 403. The `ETag` is the tip's
/// version, which the author sends as `If-Match` to edit it.
#[utoipa::path(
    tag = "practice-tips",
    operation_id = "get_practice_tip",
    params(("id" = i64, Path, description = "Practice tip id.")),
    responses(
        (status = 200, description = "The practice tip.", body = PracticeTipResponse,
            headers(("ETag" = String, description = "The tip's version."))),
        (status = 403, description = "Not staff and not an active participant.")
    )
)]
#[get("/practice-tips/{id}")]
pub async fn get(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (version, tip) = db::run(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let tip = visible(conn, &viewer, id)?;
        Ok((tip.version, response(conn, &viewer, tip)?))
    })
    .await?;
    Ok(json_with_etag(version, &tip))
}

/// Edits a draft or a tip sent back for changes (its author, or staff on the author's behalf).
/// Audited with the changed fields.
///
/// Its author (while an active participant) or staff (others 403, or 404 when they may not see the
/// tip). Only while `draft` or `changes_requested` (409 once submitted). Needs `If-Match` with the
/// tip's `ETag` (428 without it, 412 when it changed since). Absent fields stay as they are; new
/// `topic_ids` must be accepted topics, while topics retired since may stay (422). Answers the new
/// `ETag`. Audited as `practice_tip.updated` with the names of the changed fields.
#[utoipa::path(
    tag = "practice-tips",
    operation_id = "update_practice_tip",
    params(
        ("id" = i64, Path, description = "Practice tip id."),
        ("If-Match" = String, Header, description = "The ETag of the version being edited.")
    ),
    request_body = PracticeTipPatch,
    responses(
        (status = 200, description = "Updated.", body = PracticeTipResponse,
            headers(("ETag" = String, description = "The new version."))),
        (status = 403, description = "Neither staff nor the tip's author (or no longer active)."),
        (status = 409, description = "Submitted or later: no longer editable."),
        (status = 412, description = "The tip changed since it was read."),
        (status = 428, description = "If-Match is missing.")
    )
)]
#[patch("/practice-tips/{id}")]
pub async fn update(
    caller: Caller,
    id: web::Path<i64>,
    body: JsonObject<PracticeTipPatch>,
    if_match: IfMatchHeader,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (version, tip) = db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let current = editable_for_author(conn, &viewer, id)?;
        let body = body.into_inner()?;
        body.validate()?;
        if let Some(ids) = &body.topic_ids {
            // Topics the tip already has may stay, even if retired since.
            let kept = practice_tips::topics_of(conn, id)?;
            topics::require_accepted_or_kept(conn, "/topic_ids", ids, &kept)?;
        }
        let if_match = if_match.require()?;
        if !if_match.matches(current.version) {
            return Err(AppError::PreconditionFailed);
        }
        let title = body.title.as_deref().map(|t| t.trim().to_owned());
        let searched = (title.is_some() || body.summary.is_some()).then(|| {
            search_text(
                title.as_deref().unwrap_or(&current.title),
                body.summary.as_deref().unwrap_or(&current.abstract_text),
            )
        });
        let changes = ContentChanges {
            title,
            question: body.question.clone(),
            kind: body.kind,
            abstract_text: body.summary.clone(),
            search_text: searched,
            anonymisation_requested: body.anonymisation_requested,
        };
        let now = Utc::now().naive_utc();
        let updated = practice_tips::update_content(
            conn,
            id,
            if_match.expected(current.version),
            &changes,
            now,
        )?
        .ok_or(AppError::PreconditionFailed)?;
        if let Some(ids) = &body.topic_ids {
            practice_tips::replace_topics(conn, id, &sorted_topics(ids))?;
        }
        let fields: Vec<&str> = [
            ("title", body.title.is_some()),
            ("question", body.question.is_some()),
            ("topic_ids", body.topic_ids.is_some()),
            ("kind", body.kind.is_some()),
            ("abstract", body.summary.is_some()),
            (
                "anonymisation_requested",
                body.anonymisation_requested.is_some(),
            ),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect();
        let after = json!({"version": updated.version, "fields": fields});
        audit(
            conn,
            &caller,
            "practice_tip.updated",
            (&updated).into(),
            after,
        )?;
        Ok((updated.version, response(conn, &viewer, updated)?))
    })
    .await?;
    Ok(json_with_etag(version, &tip))
}
