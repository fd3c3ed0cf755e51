//! Proposing sessions and reading the calendar of sessions.

use crate::domain::programme_time::programme_date;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Datelike, Utc};
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{SessionList, SessionResponse, response, response_with, responses, visible};
use crate::api::access::Viewer;
use crate::api::http::etag::json_with_etag;
use crate::api::http::json_object::JsonObject;
use crate::api::http::pagination::PageParams;
use crate::api::http::query_text::require_plain;
use crate::api::http::response::{created_json, private_json};
use crate::auth::Caller;
use crate::db::models::audit_events::{self, Change};
use crate::db::models::sessions::{self, ListFilter, NewSession};
use crate::db::models::{formats, participants, topics};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::session::{
    self, CoMentor, Proposal, ProposedFormat, SCHEDULED, SessionRule, SessionState,
};
use crate::domain::text;
use crate::error::AppError;

/// A session proposal.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "format_code": "webinar",
    "title": "Wärmeplanung kompakt",
    "guiding_question": "Wie starte ich die kommunale Wärmeplanung mit wenig Personal?",
    "topic_ids": [3, 7],
    "co_mentor_ids": [118],
    "starts_at": "2027-04-14T08:00:00Z",
    "ends_at": "2027-04-14T09:30:00Z",
    "online": true,
    "expected_audience": "KSM im Erstvorhaben aus kleinen Kommunen"
}))]
pub struct NewSessionRequest {
    /// A team format: `expert_event_session`, `regional_meeting` or `webinar`.
    #[schema(example = "webinar")]
    pub format_code: String,
    /// Title.
    #[validate(length(min = 1, max = 200), custom(function = "text::single_line"))]
    #[schema(
        format = "single-line",
        min_length = 1,
        max_length = 200,
        example = "Wärmeplanung kompakt"
    )]
    pub title: String,
    /// The guiding question fixed in advance.
    #[validate(length(min = 1, max = 2000), custom(function = "text::multi_line"))]
    #[schema(format = "multi-line", min_length = 1, max_length = 2000)]
    pub guiding_question: String,
    /// Ids of accepted topics (1–10).
    #[validate(length(min = 1, max = 10))]
    #[schema(min_items = 1, max_items = 10)]
    pub topic_ids: Vec<i64>,
    /// Participant ids of co-mentors: active participants with the mentor role (a mentor
    /// proposing; staff name every mentor in `mentor_ids` instead).
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub co_mentor_ids: Vec<i64>,
    /// Staff only: the participant ids of all the session's mentors (active participants with
    /// the mentor role, at least one), for whom staff propose or record it. The first is kept
    /// as its proposer.
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub mentor_ids: Vec<i64>,
    /// Start (RFC 3339).
    pub starts_at: DateTime<Utc>,
    /// End (RFC 3339), after the start.
    pub ends_at: DateTime<Utc>,
    /// Whether it takes place online.
    pub online: bool,
    /// Where it takes place; required unless online.
    #[validate(length(min = 1, max = 300), custom(function = "text::single_line"))]
    #[schema(format = "single-line", min_length = 1, max_length = 300)]
    pub place: Option<String>,
    /// The SK:KK expert event it belongs to; required for `expert_event_session`.
    #[validate(length(min = 1, max = 300), custom(function = "text::single_line"))]
    #[schema(format = "single-line", min_length = 1, max_length = 300)]
    pub event_name: Option<String>,
    /// The expected audience.
    #[validate(length(min = 1, max = 1000), custom(function = "text::multi_line"))]
    #[schema(format = "multi-line", min_length = 1, max_length = 1000)]
    pub expected_audience: Option<String>,
}

/// Filters for the session list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionFilter {
    /// Only this format.
    #[param(max_length = 64, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub format: Option<String>,
    /// Only sessions about this topic.
    pub topic_id: Option<i64>,
    /// Only sessions starting at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Only sessions starting before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Only sessions in this state.
    pub state: Option<SessionState>,
}

/// Who proposes: a mentor for themself (with co-mentors), or staff (`None`) for the mentors
/// they name; anyone else is refused (403). Decided before the body is read.
fn proposer(viewer: &Viewer) -> Result<Option<i64>, AppError> {
    if viewer.is_staff() {
        Ok(None)
    } else {
        Ok(Some(viewer.active_mentor()?.id))
    }
}

/// Each kind of proposer names the mentors in their own field only.
fn check_mentor_fields(proposer_id: Option<i64>, body: &NewSessionRequest) -> Result<(), AppError> {
    match proposer_id {
        None if !body.co_mentor_ids.is_empty() => Err(AppError::invalid_field(
            "/co_mentor_ids",
            "staff name every mentor in `mentor_ids`",
        )),
        Some(_) if !body.mentor_ids.is_empty() => Err(AppError::invalid_field(
            "/mentor_ids",
            "only staff name the mentors; name co-mentors in `co_mentor_ids`",
        )),
        _ => Ok(()),
    }
}

/// A session as proposed or as it would be after an edit, with what the proposal rule needs
/// beyond it: who proposes and which mentors the request names (and where).
pub(super) struct Draft<'a> {
    pub format_code: &'a str,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub online: bool,
    pub has_place: bool,
    pub has_event_name: bool,
    /// The topic ids as the request (or the stored session) lists them.
    pub topic_ids: &'a [i64],
    /// Topics already on the session: kept even when no longer accepted (e.g. retired).
    pub kept_topic_ids: &'a [i64],
    /// The proposing mentor; `None` when staff propose for the mentors they name.
    pub proposer_id: Option<i64>,
    /// The other mentors as named.
    pub named_mentors: &'a [i64],
    /// Mentors already on the session: kept without checking their role again.
    pub kept_mentor_ids: &'a [i64],
    /// Where the request names the mentors.
    pub mentors_pointer: &'static str,
}

/// Loads what the proposal rule looks at (the format and its rule on the start date, which
/// topics are not accepted, which named mentors are active mentors) and checks it
/// ([`session::check_proposal`]); returns the mentor ids. Proposals and edits both run it.
pub(super) fn check_draft(
    conn: &mut DbConnection,
    draft: &Draft<'_>,
) -> Result<Vec<i64>, AppError> {
    let format = formats::find(conn, draft.format_code)?;
    let rule = match &format {
        Some(f) => formats::rule_on(conn, &f.code, programme_date(draft.starts_at))?,
        None => None,
    };
    let added_topics: Vec<i64> = draft
        .topic_ids
        .iter()
        .copied()
        .filter(|id| !draft.kept_topic_ids.contains(id))
        .collect();
    let not_accepted_topic_ids = topics::not_accepted(conn, &added_topics)?;
    let mut co_mentors = Vec::with_capacity(draft.named_mentors.len());
    for id in draft.named_mentors {
        let is_active_mentor = draft.kept_mentor_ids.contains(id)
            || participants::find(conn, *id)?.is_some_and(|p| p.is_active_mentor());
        co_mentors.push(CoMentor {
            id: *id,
            is_active_mentor,
        });
    }
    let mentors = session::check_proposal(&Proposal {
        starts_at: draft.starts_at,
        ends_at: draft.ends_at,
        online: draft.online,
        has_place: draft.has_place,
        has_event_name: draft.has_event_name,
        format: format.as_ref().map(|f| ProposedFormat {
            code: &f.code,
            group: f.group_code,
            rule: rule.as_ref().map(|r| SessionRule {
                bookable: r.bookable,
                mentors_per_instance: r.mentors_per_instance,
            }),
        }),
        topic_ids: draft.topic_ids,
        not_accepted_topic_ids: &not_accepted_topic_ids,
        proposer_id: draft.proposer_id,
        co_mentors: &co_mentors,
        mentors_pointer: draft.mentors_pointer,
    })?;
    Ok(mentors)
}

/// The proposal's own check: a new session keeps nothing.
fn check_proposal(
    conn: &mut DbConnection,
    proposer_id: Option<i64>,
    body: &NewSessionRequest,
) -> Result<Vec<i64>, AppError> {
    let (named_mentors, mentors_pointer) = match proposer_id {
        Some(_) => (&body.co_mentor_ids, "/co_mentor_ids"),
        None => (&body.mentor_ids, "/mentor_ids"),
    };
    check_draft(
        conn,
        &Draft {
            format_code: &body.format_code,
            starts_at: body.starts_at,
            ends_at: body.ends_at,
            online: body.online,
            has_place: body.place.is_some(),
            has_event_name: body.event_name.is_some(),
            topic_ids: &body.topic_ids,
            kept_topic_ids: &[],
            proposer_id,
            named_mentors,
            kept_mentor_ids: &[],
            mentors_pointer,
        },
    )
}

/// Proposes a session: an active participant with the mentor role, who becomes one of its
/// mentors, or staff for the mentors named in `mentor_ids` (e.g. SK:KK's own expert-event
/// sessions, or one that already took place: staff then approve, hold and document it, and each
/// mentor is credited on the session's date). Audited with the acting account and the mentors.
///
/// A team-mentoring session of § 3.1: `expert_event_session` (naming its SK:KK event),
/// `regional_meeting` or `webinar`. Mentors name their co-mentors in `co_mentor_ids`; staff name
/// every mentor in `mentor_ids` (the first stands as proposer); 403 for other callers. Refused with
/// 422 (at the field): an end not after the start, no place for a session that is not online, an
/// unknown or non-team format, a topic that is not accepted, a co-mentor who is not an active
/// mentor, or more mentors than the format's rule allows; 409 when the format is not bookable on the
/// start date (Berlin). The session starts `proposed`; answers 201 with `Location`. Audited as
/// `session.proposed`.
#[utoipa::path(
    tag = "sessions",
    operation_id = "propose_session",
    request_body = NewSessionRequest,
    responses(
        (status = 201, description = "Proposed.", body = SessionResponse,
            headers(("Location" = String, description = "URL of the new session."))),
        (status = 403, description = "Neither staff nor an active participant with the mentor role."),
        (status = 409, description = "The format is not bookable on the start date (e.g. individual mentoring).")
    )
)]
#[post("/sessions")]
pub async fn create(
    caller: Caller,
    body: JsonObject<NewSessionRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let session = db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let proposer_id = proposer(&viewer)?;
        let body = body.into_inner()?;
        body.validate()?;
        if body.format_code.len() > 64 || body.format_code.chars().any(char::is_control) {
            return Err(AppError::invalid_field(
                "/format_code",
                "must be a format code",
            ));
        }
        check_mentor_fields(proposer_id, &body)?;
        let mentors = check_proposal(conn, proposer_id, &body)?;
        // Staff propose for the mentors they name; the first stands as the proposer.
        let proposed_by = proposer_id
            .or_else(|| body.mentor_ids.first().copied())
            .ok_or_else(|| AppError::internal("a checked proposal names a mentor"))?;
        let now = Utc::now().naive_utc();
        let mut topic_ids = body.topic_ids.clone();
        topic_ids.sort_unstable();
        topic_ids.dedup();
        let new = NewSession {
            format_code: &body.format_code,
            title: &body.title,
            guiding_question: &body.guiding_question,
            starts_at: body.starts_at.naive_utc(),
            ends_at: body.ends_at.naive_utc(),
            calendar_year: programme_date(body.starts_at).year(),
            online: body.online,
            place: body.place.as_deref(),
            event_name: body.event_name.as_deref(),
            expected_audience: body.expected_audience.as_deref(),
            state: SessionState::Proposed,
            capacity_override: false,
            proposed_by,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let session = sessions::insert(conn, &new, &mentors, &topic_ids)?;
        audit_events::record(
            conn,
            Change {
                actor: &caller.actor(),
                action: "session.proposed",
                entity_type: "session",
                entity_id: session.id.to_string(),
                before: None,
                after: Some(json!({
                    "state": session.state,
                    "format_code": session.format_code,
                    "mentor_ids": mentors,
                    "proposed_by": proposed_by,
                    "by_staff": proposer_id.is_none(),
                    "topic_ids": topic_ids,
                })),
            },
        )?;
        // Built from what was just written (the reads would return exactly this, ascending).
        let mut mentor_ids = mentors;
        mentor_ids.sort_unstable();
        response_with(session, topic_ids, mentor_ids)
    })
    .await?;
    Ok(created_json(
        &format!("/api/v1/sessions/{}", session.id),
        &session,
    ))
}

/// Lists sessions: staff see all; active participants approved, held and documented ones plus
/// those they mentor; soonest start first.
///
/// Staff see every session; active participants those that are `approved`, `held` or `documented`
/// plus the ones they mentor; pending or ended participants and integration clients get 403.
/// Filters: `format`, `topic_id`, `state`, and a start window `from` (inclusive) to `to`
/// (exclusive). Paginated with `limit` and `cursor`, soonest start first (ties by id).
#[utoipa::path(
    tag = "sessions",
    operation_id = "list_sessions",
    params(SessionFilter, PageParams),
    responses(
        (status = 200, description = "One page of sessions.", body = SessionList),
        (status = 403, description = "Not staff and not an active participant.")
    )
)]
#[get("/sessions")]
pub async fn list(
    caller: Caller,
    filter: web::Query<SessionFilter>,
    paging: web::Query<PageParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let page = paging.page()?;
    let filter = filter.into_inner();
    require_plain("format", filter.format.as_deref(), 64)?;
    let (items, next_cursor) = db::run(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        viewer.require_member()?;
        let mut query = ListFilter {
            format_code: filter.format,
            topic_id: filter.topic_id,
            from: filter.from.map(|t| t.naive_utc()),
            to: filter.to.map(|t| t.naive_utc()),
            state: filter.state,
            after: page.after,
            ..ListFilter::default()
        };
        if let Viewer::Participant(p) = &viewer {
            query.visible_states = Some(SCHEDULED.to_vec());
            query.mentor_participant_id = Some(p.id);
        }
        let rows = sessions::list(conn, &query, page.fetch())?;
        let (rows, next) = page.finish(rows, |s| s.id);
        Ok((responses(conn, rows)?, next))
    })
    .await?;
    Ok(private_json(&SessionList { items, next_cursor }))
}

/// One session, if the caller may see it.
///
/// Staff any; active participants an approved, held or documented session or one they mentor (404
/// otherwise, as for an unknown id); pending or ended participants and integration clients get
/// 403. The `ETag` is the session's version, sent as `If-Match` to edit it.
#[utoipa::path(
    tag = "sessions",
    operation_id = "get_session",
    params(("id" = i64, Path, description = "Session id.")),
    responses(
        (status = 200, description = "The session.", body = SessionResponse,
            headers(("ETag" = String, description = "The session's version."))),
        (status = 403, description = "Not staff and not an active participant.")
    )
)]
#[get("/sessions/{id}")]
pub async fn get(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (version, session) = db::run(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let session = visible(conn, &viewer, id)?;
        Ok((session.version, response(conn, session)?))
    })
    .await?;
    Ok(json_with_etag(version, &session))
}
