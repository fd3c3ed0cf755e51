//! Applying for a forum sponsorship.

use actix_web::{HttpResponse, post, web};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

use super::{FORMAT, SponsorshipResponse, check_capacity, check_option, open_forum, response};
use crate::api::access::Viewer;
use crate::api::http::json_object::JsonObject;
use crate::api::http::response::created_json;
use crate::api::participants::input::plausible_date;
use crate::auth::Caller;
use crate::db::models::audit_events::{self, Change};
use crate::db::models::forum_sponsorships::{self as rows, NewSponsorship};
use crate::db::models::{formats, participants};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::Violation;
use crate::domain::sponsorship::{SponsorshipState, check_period};
use crate::error::AppError;

/// An application to sponsor a forum.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "forum_id": 4,
    "starts_on": "2027-01-01",
    "ends_on": "2027-12-31",
    "credit_hours": 40
}))]
pub struct NewSponsorshipRequest {
    /// The forum to sponsor (not retired).
    pub forum_id: i64,
    /// First day (inclusive), in 1990–2100.
    #[validate(custom(function = "plausible_date"))]
    #[schema(example = "2027-01-01")]
    pub starts_on: NaiveDate,
    /// Last day (inclusive): 6 to 12 months after the start (the day before
    /// `starts_on` + 6 months at the earliest, before `starts_on` + 12 months at the latest).
    #[validate(custom(function = "plausible_date"))]
    #[schema(example = "2027-12-31")]
    pub ends_on: NaiveDate,
    /// The credit option in hours: one of the catalogue rule's options on `starts_on`
    /// (20 or 40); an option of n hours needs n weeks (one hour a week).
    #[schema(minimum = 1, maximum = 400, example = 40)]
    pub credit_hours: i32,
    /// Staff only: the mentor they apply for. Participants apply for themselves.
    pub participant_id: Option<i64>,
}

/// The mentor the application is for: the calling active mentor, or for staff the active
/// mentor named in `participant_id`.
fn sponsor(
    conn: &mut DbConnection,
    viewer: &Viewer,
    requested: Option<i64>,
) -> Result<i64, AppError> {
    if !viewer.is_staff() {
        let me = viewer.active_mentor()?;
        return match requested {
            Some(id) if id != me.id => Err(AppError::Forbidden),
            _ => Ok(me.id),
        };
    }
    let id = requested.ok_or_else(|| {
        AppError::invalid_field("/participant_id", "staff name the mentor they apply for")
    })?;
    let ok = participants::find(conn, id)?.is_some_and(|p| p.is_active_mentor());
    if ok {
        Ok(id)
    } else {
        Err(AppError::invalid_field(
            "/participant_id",
            format!("participant {id} is not an active participant with the mentor role"),
        ))
    }
}

/// Applies to sponsor a forum for 6 to 12 months (an active mentor for themself, or staff for
/// a mentor). Refused with 409 when the forum is retired, the mentor already sponsors it in an
/// overlapping period, or it has no free slot then. Audited.
///
/// An active participant with the mentor role applies for themself (403 for anyone else, and when
/// naming another mentor); staff apply for the active mentor named in `participant_id` (422
/// without it). The period runs 6 to 12 months (§ 3.2.1), and the credit is one of the options of
/// the catalogue rule on the start date (§ 5.4: 40 or 20 hours), an option of n hours needing at
/// least n weeks (422 otherwise, also for an unknown forum). 409 when the forum is retired,
/// sponsorships are not bookable on the start date, the mentor already applied for or sponsors the
/// forum in an overlapping period, or the forum has no free slot then. The sponsorship starts
/// `applied` and waits for staff; answers 201 with `Location`. Audited as
/// `forum_sponsorship.applied`.
#[utoipa::path(
    tag = "forum-sponsorships",
    operation_id = "apply_for_forum_sponsorship",
    request_body = NewSponsorshipRequest,
    responses(
        (status = 201, description = "Applied; waiting for staff.", body = SponsorshipResponse,
            headers(("Location" = String, description = "URL of the new sponsorship."))),
        (status = 403, description = "Not an active participant with the mentor role (or applying for someone else)."),
        (status = 422, description = "Unknown forum, a period outside 6–12 months, a credit option the rule does not offer or the period is too short for, or staff without `participant_id`."),
        (status = 409, description = "The forum is retired, the format is not bookable on the start date, the mentor already sponsors the forum then, or the forum is full then.")
    )
)]
#[post("/forum-sponsorships")]
pub async fn create(
    caller: Caller,
    body: JsonObject<NewSponsorshipRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let created = db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        if !viewer.is_staff() {
            viewer.active_mentor()?;
        }
        let body = body.into_inner()?;
        body.validate()?;
        check_period(body.starts_on, body.ends_on).map_err(Violation::from)?;
        let participant_id = sponsor(conn, &viewer, body.participant_id)?;
        open_forum(conn, body.forum_id)?;
        let rule = formats::rule_on(conn, FORMAT, body.starts_on)?
            .filter(|r| r.bookable)
            .ok_or_else(|| {
                AppError::Conflict("forum sponsorships are not bookable on the start date".into())
            })?;
        check_option(
            &rule,
            body.credit_hours,
            Some((body.starts_on, body.ends_on)),
        )?;
        if rows::overlaps_own(
            conn,
            body.forum_id,
            participant_id,
            body.starts_on,
            body.ends_on,
        )? {
            return Err(AppError::Conflict(
                "the mentor already applied for or sponsors this forum in an overlapping period"
                    .to_owned(),
            ));
        }
        // A courtesy check; the authoritative one is at approval, under the lock.
        check_capacity(
            conn,
            body.forum_id,
            body.starts_on,
            body.ends_on,
            rule.mentors_per_instance,
        )?;
        let now = Utc::now().naive_utc();
        let row = rows::insert(
            conn,
            &NewSponsorship {
                forum_id: body.forum_id,
                participant_id,
                starts_on: body.starts_on,
                ends_on: body.ends_on,
                effective_ends_on: body.ends_on,
                credit_hours: body.credit_hours,
                state: SponsorshipState::Applied,
                applied_by: caller.account_id,
                version: 1,
                created_at: now,
                updated_at: now,
            },
        )?;
        audit_events::record(
            conn,
            Change {
                actor: &caller.actor(),
                action: "forum_sponsorship.applied",
                entity_type: "forum_sponsorship",
                entity_id: row.id.to_string(),
                before: None,
                after: Some(json!({
                    "state": row.state,
                    "forum_id": row.forum_id,
                    "participant_id": row.participant_id,
                    "starts_on": row.starts_on,
                    "ends_on": row.ends_on,
                    "credit_hours": row.credit_hours,
                })),
            },
        )?;
        response(conn, row)
    })
    .await?;
    Ok(created_json(
        &format!("/api/v1/forum-sponsorships/{}", created.id),
        &created,
    ))
}
