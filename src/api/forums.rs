//! The community's topic forums (§ 3.2.1), which mentors sponsor: anyone reads them; staff add
//! forums up to the configured maximum of active ones and retire them.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::api::http::json_object::JsonObject;
use crate::auth::StaffCaller;
use crate::config::CatalogueLimits;
use crate::db::models::audit_events::{self, Change};
use crate::db::models::forums::{self, Forum, NewForum};
use crate::db::{self, DbPool};
use crate::domain::catalogue::ForumAudience;
use crate::domain::lang::Lang;
use crate::domain::text;
use crate::error::AppError;

/// A forum of the Klimaschutz-Community.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = forum_example)]
pub struct ForumResponse {
    /// Forum id.
    pub id: i64,
    /// Stable code.
    #[schema(example = "mobility")]
    pub code: String,
    /// The name in the response language.
    pub label: String,
    /// The German name.
    pub name_de: String,
    /// The English name.
    pub name_en: String,
    /// Who may read and post in it.
    pub audience: ForumAudience,
    /// The audience in the response language.
    pub audience_label: String,
    /// When it was retired; `null` while active. A retired forum keeps its history.
    #[schema(required = true)]
    pub retired_at: Option<DateTime<Utc>>,
    /// When it was added.
    pub created_at: DateTime<Utc>,
}

/// All forums.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [forum_example()], "next_cursor": null}))]
pub struct ForumList {
    /// The forums in the order they were added (the handbook's first).
    pub items: Vec<ForumResponse>,
    /// Always `null`: the list is complete.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// Filters for the forum list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ForumFilter {
    /// Include retired forums (default `false`).
    pub include_retired: Option<bool>,
}

/// A new forum.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "heat_planning",
    "name_de": "Kommunale Wärmeplanung",
    "name_en": "Municipal heat planning",
    "audience": "professional_public"
}))]
pub struct NewForumRequest {
    /// Stable code: a lower-case letter, then lower-case letters, digits or `_`.
    #[validate(custom(function = "text::code"))]
    #[schema(
        min_length = 2,
        max_length = 63,
        pattern = r"^[a-z][a-z0-9_]{1,62}$",
        example = "heat_planning"
    )]
    pub code: String,
    /// German name.
    #[validate(length(min = 1, max = 200), custom(function = "text::single_line"))]
    #[schema(
        min_length = 1,
        max_length = 200,
        format = "single-line",
        example = "Kommunale Wärmeplanung"
    )]
    pub name_de: String,
    /// English name.
    #[validate(length(min = 1, max = 200), custom(function = "text::single_line"))]
    #[schema(
        min_length = 1,
        max_length = 200,
        format = "single-line",
        example = "Municipal heat planning"
    )]
    pub name_en: String,
    /// Who may read and post in it.
    pub audience: ForumAudience,
}

fn forum_example() -> serde_json::Value {
    json!({
        "id": 4,
        "code": "mobility",
        "label": "Mobilität",
        "name_de": "Mobilität",
        "name_en": "Mobility",
        "audience": "professional_public",
        "audience_label": "Fachöffentlichkeit",
        "retired_at": null,
        "created_at": "2026-11-25T00:00:00Z"
    })
}

fn response(forum: Forum, lang: Lang) -> Result<ForumResponse, AppError> {
    let audience = forum.audience;
    Ok(ForumResponse {
        id: forum.id,
        label: lang.pick(&forum.name_de, &forum.name_en).to_owned(),
        code: forum.code,
        name_de: forum.name_de,
        name_en: forum.name_en,
        audience,
        audience_label: audience.label(lang).to_owned(),
        retired_at: forum.retired_at.map(|t| t.and_utc()),
        created_at: forum.created_at.and_utc(),
    })
}

/// Lists the forums (active ones unless `include_retired`); names follow `Accept-Language`.
///
/// Public: no token needed. The topic forums of the Klimaschutz-Community that mentors can sponsor
/// (§ 3.2.1), in the order they were added (the handbook's first). The list is complete, so
/// `next_cursor` is always `null`.
#[utoipa::path(
    tag = "forums",
    operation_id = "list_forums",
    security(()),
    params(ForumFilter),
    responses((status = 200, description = "The forums.", body = ForumList,
        headers(("Content-Language" = String, description = "`de` or `en`, chosen by `Accept-Language`."))))
)]
#[get("/forums")]
pub async fn list(
    lang: Lang,
    filter: web::Query<ForumFilter>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let include_retired = filter.include_retired.unwrap_or(false);
    let rows = db::run(&pool, move |conn| Ok(forums::list(conn, include_retired)?)).await?;
    let items = rows
        .into_iter()
        .map(|f| response(f, lang))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(lang.json(&ForumList {
        items,
        next_cursor: None,
    }))
}

/// One forum, retired ones included.
///
/// Public: no token needed. 404 for an unknown id; retired forums stay readable.
#[utoipa::path(
    tag = "forums",
    operation_id = "get_forum",
    security(()),
    params(("id" = i64, Path, description = "Forum id.")),
    responses((status = 200, description = "The forum.", body = ForumResponse,
        headers(
            ("ETag" = String, description = "The forum's version."),
            ("Content-Language" = String, description = "`de` or `en`, chosen by `Accept-Language`.")
        )))
)]
#[get("/forums/{id}")]
pub async fn get(
    lang: Lang,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let forum = db::run(&pool, move |conn| {
        forums::find(conn, id)?.ok_or(AppError::NotFound)
    })
    .await?;
    let version = forum.version;
    Ok(lang.json_with_etag(version, &response(forum, lang)?))
}

/// Adds a forum (staff), unless the configured maximum of active forums (`MAX_FORUMS`,
/// default 12) is reached. Audited.
///
/// Staff only (others 403). The new forum is active at once and can be chosen for sponsorships.
/// Refused with 409 when the code is taken (by a retired forum too) or the maximum of active forums
/// is reached; concurrent creations are counted one after another, so the maximum holds. 422 for a
/// malformed code or name. Answers 201 with `Location`. Audited as `forum.created`.
#[utoipa::path(
    tag = "forums",
    operation_id = "create_forum",
    request_body = NewForumRequest,
    responses(
        (status = 201, description = "Added.", body = ForumResponse,
            headers(("Location" = String, description = "URL of the new forum."))),
        (status = 409, description = "The code is taken, or the maximum of active forums is reached (retire one first).")
    )
)]
#[post("/forums")]
pub async fn create(
    StaffCaller(caller): StaffCaller,
    lang: Lang,
    body: JsonObject<NewForumRequest>,
    limits: web::Data<CatalogueLimits>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    body.validate()?;
    let max = i64::from(limits.max_forums);
    let actor = caller.actor();
    let forum = db::write(&pool, move |conn| {
        // First: the lock row, so concurrent creators count one after another.
        forums::lock_creation(conn)?;
        if forums::code_exists(conn, &body.code)? {
            return Err(AppError::Conflict(
                "a forum with this code exists (possibly retired)".to_owned(),
            ));
        }
        if forums::count_active(conn)? >= max {
            return Err(AppError::Conflict(format!(
                "{max} forums are active, the most allowed; retire one first"
            )));
        }
        let forum = forums::insert(
            conn,
            &NewForum {
                code: &body.code,
                name_de: body.name_de.trim(),
                name_en: body.name_en.trim(),
                audience: body.audience,
                created_at: Utc::now().naive_utc(),
                version: 1,
            },
        )?;
        audit_events::record(
            conn,
            Change {
                actor: &actor,
                action: "forum.created",
                entity_type: "forum",
                entity_id: forum.id.to_string(),
                before: None,
                after: Some(json!({ "code": forum.code, "audience": forum.audience })),
            },
        )?;
        Ok(forum)
    })
    .await?;
    Ok(lang.created(
        &format!("/api/v1/forums/{}", forum.id),
        &response(forum, lang)?,
    ))
}

/// Retires a forum (staff): it no longer counts towards the maximum and cannot be chosen for new
/// sponsorships, but stays readable with its history. Audited.
///
/// Staff only (others 403). 409 when the forum is already retired, 404 for an unknown id. Running
/// sponsorships of the forum stay as they are. Audited as `forum.retired`.
#[utoipa::path(
    tag = "forums",
    operation_id = "retire_forum",
    params(("id" = i64, Path, description = "Forum id.")),
    responses(
        (status = 200, description = "Retired.", body = ForumResponse),
        (status = 409, description = "The forum is already retired.")
    )
)]
#[post("/forums/{id}/retirement")]
pub async fn retire(
    StaffCaller(caller): StaffCaller,
    lang: Lang,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let actor = caller.actor();
    let forum = db::write(&pool, move |conn| {
        let Some(forum) = forums::retire(conn, id, Utc::now().naive_utc())? else {
            return Err(match forums::find(conn, id)? {
                None => AppError::NotFound,
                Some(_) => AppError::Conflict("the forum is already retired".to_owned()),
            });
        };
        audit_events::record(
            conn,
            Change {
                actor: &actor,
                action: "forum.retired",
                entity_type: "forum",
                entity_id: id.to_string(),
                before: Some(json!({ "retired": false })),
                after: Some(json!({ "retired": true })),
            },
        )?;
        Ok(forum)
    })
    .await?;
    Ok(lang.json(&response(forum, lang)?))
}
