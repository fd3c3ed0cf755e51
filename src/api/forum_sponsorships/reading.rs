//! Reading sponsorships: the list (staff all, participants their own), one sponsorship, and a
//! forum's sponsors with its free slots.

use crate::domain::programme_time::programme_today;
use actix_web::{HttpResponse, get, web};
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{FORMAT, SponsorshipResponse, response, visible};
use crate::api::access::Viewer;
use crate::api::http::etag::json_with_etag;
use crate::api::http::pagination::PageParams;
use crate::api::http::response::private_json;
use crate::auth::Caller;
use crate::db::models::forum_sponsorships::{self as rows, ListFilter};
use crate::db::models::{formats, forums};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::sponsorship::{SponsorshipState, free_slots, max_concurrent};
use crate::error::AppError;

/// One page of forum sponsorships.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [super::sponsorship_example()], "next_cursor": null}))]
pub struct SponsorshipList {
    /// Sponsorships in the order they were applied for.
    pub items: Vec<SponsorshipResponse>,
    /// Cursor of the next page; `null` on the last.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// Filters for the sponsorship list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SponsorshipFilter {
    /// Only sponsorships of this forum.
    pub forum_id: Option<i64>,
    /// Only this mentor's sponsorships (participants only ever see their own).
    pub participant_id: Option<i64>,
    /// Only sponsorships in this state.
    pub state: Option<SponsorshipState>,
    /// Only sponsorships occupying a slot on this day (approved, completed or withdrawn, between
    /// `starts_on` and `effective_ends_on`).
    pub active_on: Option<NaiveDate>,
}

/// Lists forum sponsorships: staff all, active participants their own; filtered and paginated.
///
/// Staff see every sponsorship; active participants only their own (asking for another mentor's
/// `participant_id` gives an empty page); pending or ended participants and integration clients
/// get 403. Filters: `forum_id`, `participant_id`, `state`, and `active_on` for those occupying a
/// slot on that day. Paginated with `limit` and `cursor`, in the order they were applied for.
#[utoipa::path(
    tag = "forum-sponsorships",
    operation_id = "list_forum_sponsorships",
    params(SponsorshipFilter, PageParams),
    responses(
        (status = 200, description = "One page of sponsorships.", body = SponsorshipList),
        (status = 403, description = "Not staff and not an active participant.")
    )
)]
#[get("/forum-sponsorships")]
pub async fn list(
    caller: Caller,
    filter: web::Query<SponsorshipFilter>,
    paging: web::Query<PageParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let page = paging.page()?;
    let filter = filter.into_inner();
    let (items, next_cursor) = db::run(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        viewer.require_member()?;
        let mut query = ListFilter {
            forum_id: filter.forum_id,
            participant_id: filter.participant_id,
            state: filter.state,
            active_on: filter.active_on,
            after: page.after,
        };
        if let Viewer::Participant(p) = &viewer {
            if filter.participant_id.is_some_and(|id| id != p.id) {
                return Ok((Vec::new(), None));
            }
            query.participant_id = Some(p.id);
        }
        let rows = rows::list(conn, &query, page.fetch())?;
        let (rows, next) = page.finish(rows, |s| s.id);
        let items = rows
            .into_iter()
            .map(|s| response(conn, s))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((items, next))
    })
    .await?;
    Ok(private_json(&SponsorshipList { items, next_cursor }))
}

/// One forum sponsorship: staff any, active participants their own.
///
/// Staff any; an active participant only their own (404 for another's, as for an unknown id);
/// pending or ended participants and integration clients get 403. The `ETag` is the
/// sponsorship's version.
#[utoipa::path(
    tag = "forum-sponsorships",
    operation_id = "get_forum_sponsorship",
    params(("id" = i64, Path, description = "Forum sponsorship id.")),
    responses(
        (status = 200, description = "The sponsorship.", body = SponsorshipResponse,
            headers(("ETag" = String, description = "The sponsorship's version."))),
        (status = 403, description = "Not staff and not an active participant.")
    )
)]
#[get("/forum-sponsorships/{id}")]
pub async fn get(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (version, body) = db::run(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let row = visible(conn, &viewer, id)?;
        Ok((row.version, response(conn, row)?))
    })
    .await?;
    Ok(json_with_etag(version, &body))
}

/// The month to report free slots for.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthParam {
    /// A month `YYYY-MM` (default: the current month).
    #[param(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$", example = "2027-03")]
    pub month: Option<String>,
}

/// A sponsor of a forum.
#[derive(Debug, Serialize, ToSchema)]
pub struct ForumSponsor {
    /// The sponsorship.
    pub sponsorship_id: i64,
    /// The sponsoring mentor.
    pub participant_id: i64,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day it occupies a slot (earlier than planned when withdrawn).
    pub ends_on: NaiveDate,
    /// `approved`, `completed` or `withdrawn`.
    pub state: SponsorshipState,
}

/// Who sponsors a forum and how many slots are free.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "forum_id": 4,
    "limit": 2,
    "free_slots_now": 1,
    "month": "2027-03",
    "free_slots_in_month": 1,
    "items": [{
        "sponsorship_id": 17,
        "participant_id": 112,
        "starts_on": "2027-01-01",
        "ends_on": "2027-12-31",
        "state": "approved"
    }],
    "next_cursor": null
}))]
pub struct ForumSponsors {
    /// The forum.
    pub forum_id: i64,
    /// Sponsors at once allowed today (the catalogue rule); `null`: no limit.
    #[schema(required = true)]
    pub limit: Option<i32>,
    /// Free slots today (0 for a retired forum); `null`: no limit.
    #[schema(required = true)]
    pub free_slots_now: Option<i64>,
    /// The month `free_slots_in_month` is about.
    pub month: String,
    /// The limit (rule on the month's first day) minus the most sponsors running on one day of
    /// the month; `null`: no limit.
    #[schema(required = true)]
    pub free_slots_in_month: Option<i64>,
    /// Current and later sponsors (from the earlier of today and the month's first day on),
    /// by start date.
    pub items: Vec<ForumSponsor>,
    /// Always `null`: the list is complete.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// A date after every sponsorship (not `NaiveDate::MAX`: SQLite compares dates as text, and
/// `+262142-12-31` sorts before `2027-01-01`).
const END_OF_TIME: NaiveDate = NaiveDate::from_ymd_opt(9999, 12, 31).expect("a valid date");

/// First and last day of `YYYY-MM`, or 400.
fn parse_month(month: &str) -> Result<(NaiveDate, NaiveDate), AppError> {
    let bad = || AppError::BadRequest("month must be YYYY-MM".to_owned());
    let (year, mon) = month.split_once('-').ok_or_else(bad)?;
    if year.len() != 4 || mon.len() != 2 {
        return Err(bad());
    }
    let first = NaiveDate::from_ymd_opt(
        year.parse().map_err(|_| bad())?,
        mon.parse().map_err(|_| bad())?,
        1,
    )
    .ok_or_else(bad)?;
    let last = first
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .ok_or_else(bad)?;
    Ok((first, last))
}

/// Free slots in `[from, until]` under the rule on `from`; 0 for a retired forum.
fn free_in(
    conn: &mut DbConnection,
    forum: &forums::Forum,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<(Option<i32>, Option<i64>), AppError> {
    let limit = formats::rule_on(conn, FORMAT, from)?.and_then(|r| r.mentors_per_instance);
    if forum.retired_at.is_some() {
        return Ok((limit, Some(0)));
    }
    let periods: Vec<_> = rows::occupying(conn, forum.id, from, until)?
        .into_iter()
        .map(|s| (s.starts_on, s.effective_ends_on))
        .collect();
    Ok((
        limit,
        free_slots(limit, max_concurrent(&periods, from, until)),
    ))
}

/// A forum's sponsors (participant ids and periods only) with its free slots today and in a
/// month: active participants and staff.
///
/// Active participants and staff (others 403); 404 for an unknown forum. The slot limit is the
/// catalogue rule's `mentors_per_instance` (2 under the handbook's rule, § 5.4); a retired
/// forum has no free slot. `month` (`YYYY-MM`, default the current month; 400 when malformed)
/// chooses the month of `free_slots_in_month`. The list is complete, so `next_cursor` is always
/// `null`.
#[utoipa::path(
    tag = "forum-sponsorships",
    operation_id = "list_forum_sponsors",
    params(("id" = i64, Path, description = "Forum id."), MonthParam),
    responses(
        (status = 200, description = "The sponsors and free slots.", body = ForumSponsors),
        (status = 403, description = "Not staff and not an active participant.")
    )
)]
#[get("/forums/{id}/sponsorships")]
pub async fn forum_sponsors(
    caller: Caller,
    id: web::Path<i64>,
    month: web::Query<MonthParam>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let today = programme_today();
    let (first, last) = match month.into_inner().month {
        Some(m) => parse_month(&m)?,
        None => parse_month(&format!("{:04}-{:02}", today.year(), today.month()))?,
    };
    let overview = db::run(&pool, move |conn| {
        Viewer::load(conn, &caller)?.require_member()?;
        let forum = forums::find(conn, id)?.ok_or(AppError::NotFound)?;
        let (limit, free_slots_now) = free_in(conn, &forum, today, today)?;
        let (_, free_slots_in_month) = free_in(conn, &forum, first, last)?;
        let items = rows::occupying(conn, id, first.min(today), END_OF_TIME)?
            .into_iter()
            .map(|s| {
                Ok(ForumSponsor {
                    state: s.state,
                    sponsorship_id: s.id,
                    participant_id: s.participant_id,
                    starts_on: s.starts_on,
                    ends_on: s.effective_ends_on,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        Ok(ForumSponsors {
            forum_id: id,
            limit,
            free_slots_now,
            month: first.format("%Y-%m").to_string(),
            free_slots_in_month,
            items,
            next_cursor: None,
        })
    })
    .await?;
    Ok(private_json(&overview))
}
