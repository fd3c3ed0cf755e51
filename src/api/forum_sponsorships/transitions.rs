//! The explicit state transitions: approval, declination, withdrawal, completion.

use crate::domain::programme_time::programme_today;
use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use serde_json::json;
use validator::Validate;

use super::notices::tell_sponsor;
use super::{
    FORMAT, SponsorshipResponse, change, check_capacity, open_forum, visible, wrong_state,
};
use crate::api::access::Viewer;
use crate::api::http::json_object::JsonObject;
use crate::api::http::response::private_json;
use crate::api::reason::ReasonRequest;
use crate::auth::{Caller, StaffCaller};
use crate::db::models::credits::{self, CreditSource, Earning};
use crate::db::models::formats;
use crate::db::models::forum_sponsorships::{self as rows, Changes};
use crate::db::{self, DbPool};
use crate::domain::sponsorship::{
    SponsorshipState, Transition, check_completion, effective_end_after_withdrawal,
};
use crate::error::AppError;

/// Approves an application (staff) if the forum has a free slot on every day of the period:
/// fewer sponsors at once than the catalogue rule's `mentors_per_instance` on the start date.
/// Concurrent approvals are serialised, so the limit holds. Audited.
///
/// Staff only (others 403). Moves `applied` to `approved` (409 from any other state, 404 for an
/// unknown id). Also 409 when the forum was retired meanwhile, sponsorships are not bookable on the
/// start date, or another sponsor would exceed the limit on some day of the period (§ 5.4: two
/// mentors per forum). The mentor is told by e-mail. Audited as `forum_sponsorship.approved` with
/// the sponsors before and the limit.
#[utoipa::path(
    tag = "forum-sponsorships",
    operation_id = "approve_forum_sponsorship",
    params(("id" = i64, Path, description = "Forum sponsorship id.")),
    responses(
        (status = 200, description = "Approved.", body = SponsorshipResponse),
        (status = 409, description = "Not `applied`, the forum is retired, the format is not bookable on the start date, or the forum has no free slot during the period.")
    )
)]
#[post("/forum-sponsorships/{id}/approval")]
pub async fn approve(
    StaffCaller(caller): StaffCaller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let actor = caller.account_id;
    let approved = db::write(&pool, move |conn| {
        // First: the lock row, so concurrent approvals count one after another.
        rows::lock_capacity(conn)?;
        let row = rows::find(conn, id)?.ok_or(AppError::NotFound)?;
        if Transition::Approve.target(row.state).is_none() {
            return Err(wrong_state(Transition::Approve, row.state));
        }
        open_forum(conn, row.forum_id)?;
        let rule = formats::rule_on(conn, FORMAT, row.starts_on)?
            .filter(|r| r.bookable)
            .ok_or_else(|| {
                AppError::Conflict("forum sponsorships are not bookable on the start date".into())
            })?;
        let taken = check_capacity(
            conn,
            row.forum_id,
            row.starts_on,
            row.ends_on,
            rule.mentors_per_instance,
        )?;
        let changes = Changes {
            decided_by: Some(Some(actor)),
            decided_at: Some(Some(Utc::now().naive_utc())),
            ..Changes::default()
        };
        let extra = json!({
            "sponsors_before": taken,
            "limit": rule.mentors_per_instance,
        });
        let approved = change(
            conn,
            &caller.actor(),
            &row,
            Some(Transition::Approve),
            &changes,
            "forum_sponsorship.approved",
            extra,
        )?;
        tell_sponsor(conn, &row, SponsorshipState::Approved, None)?;
        Ok(approved)
    })
    .await?;
    Ok(private_json(&approved))
}

/// Declines an application (staff) with a reason. Audited.
///
/// Staff only (others 403). Moves `applied` to `declined` (409 from any other state, 404 for an
/// unknown id); the reason is stored on the sponsorship and sent to the mentor by e-mail. Audited
/// as `forum_sponsorship.declined`.
#[utoipa::path(
    tag = "forum-sponsorships",
    operation_id = "decline_forum_sponsorship",
    params(("id" = i64, Path, description = "Forum sponsorship id.")),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "Declined.", body = SponsorshipResponse),
        (status = 409, description = "Not `applied`.")
    )
)]
#[post("/forum-sponsorships/{id}/declination")]
pub async fn decline(
    StaffCaller(caller): StaffCaller,
    id: web::Path<i64>,
    body: JsonObject<ReasonRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    body.validate()?;
    let id = id.into_inner();
    let actor = caller.account_id;
    let declined = db::write(&pool, move |conn| {
        let row = rows::find(conn, id)?.ok_or(AppError::NotFound)?;
        let reason = body.reason.clone();
        let changes = Changes {
            state_reason: Some(Some(body.reason)),
            decided_by: Some(Some(actor)),
            decided_at: Some(Some(Utc::now().naive_utc())),
            ..Changes::default()
        };
        let declined = change(
            conn,
            &caller.actor(),
            &row,
            Some(Transition::Decline),
            &changes,
            "forum_sponsorship.declined",
            json!({}),
        )?;
        tell_sponsor(conn, &row, SponsorshipState::Declined, Some(reason))?;
        Ok(declined)
    })
    .await?;
    Ok(private_json(&declined))
}

/// Withdraws an application or a running sponsorship before its end (its mentor or staff) with a
/// reason. The slot is free from today on; a credit is then a staff decision
/// (`credit-decision`). Audited.
///
/// The sponsoring mentor (if still an active participant) or staff; another participant gets 404.
/// Allowed while `applied` or `approved` (409 otherwise); an approved sponsorship whose end date has
/// passed is completed by staff instead (409). A withdrawn application never occupied a slot; a
/// running sponsorship occupies it until the day before the withdrawal (`effective_ends_on`).
/// Audited as `forum_sponsorship.withdrawn`.
#[utoipa::path(
    tag = "forum-sponsorships",
    operation_id = "withdraw_forum_sponsorship",
    params(("id" = i64, Path, description = "Forum sponsorship id.")),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "Withdrawn.", body = SponsorshipResponse),
        (status = 403, description = "Not staff and not an active participant."),
        (status = 409, description = "Not `applied` or `approved`, or its end has passed (staff complete it instead).")
    )
)]
#[post("/forum-sponsorships/{id}/withdrawal")]
pub async fn withdraw(
    caller: Caller,
    id: web::Path<i64>,
    body: JsonObject<ReasonRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let withdrawn = db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let row = visible(conn, &viewer, id)?;
        let body = body.into_inner()?;
        body.validate()?;
        let today = programme_today();
        if row.ends_on < today && row.state == SponsorshipState::Approved {
            return Err(AppError::Conflict(
                "the sponsorship has ended; staff confirm its completion".to_owned(),
            ));
        }
        let was_approved = row.state == SponsorshipState::Approved;
        let effective =
            effective_end_after_withdrawal(was_approved, row.starts_on, row.ends_on, today);
        let changes = Changes {
            state_reason: Some(Some(body.reason)),
            withdrawn_on: Some(Some(today)),
            effective_ends_on: Some(effective),
            ..Changes::default()
        };
        change(
            conn,
            &caller.actor(),
            &row,
            Some(Transition::Withdraw),
            &changes,
            "forum_sponsorship.withdrawn",
            json!({"withdrawn_on": today, "effective_ends_on": effective}),
        )
    })
    .await?;
    Ok(private_json(&withdrawn))
}

/// Confirms an approved sponsorship after its end date (staff), once its evidence is recorded,
/// and grants the chosen credit dated on the end date. Audited.
///
/// Staff only (others 403). Moves `approved` to `completed` (409 from any other state), only after
/// the end date and once the evidence (number of posts, § 5.5) is recorded, else 409. The mentor is
/// credited with the chosen `credit_hours` (20 or 40, § 5.4) under the rule valid on the end date,
/// which counts in that day's project year. Audited as `forum_sponsorship.completed` with the
/// credited hours.
#[utoipa::path(
    tag = "forum-sponsorships",
    operation_id = "complete_forum_sponsorship",
    params(("id" = i64, Path, description = "Forum sponsorship id.")),
    responses(
        (status = 200, description = "Completed; the credit is granted.", body = SponsorshipResponse),
        (status = 409, description = "Not `approved`, the end date has not passed, no evidence yet, or no credit rule on the end date.")
    )
)]
#[post("/forum-sponsorships/{id}/completion")]
pub async fn complete(
    StaffCaller(caller): StaffCaller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let actor = caller.actor();
    let completed = db::write(&pool, move |conn| {
        let row = rows::find(conn, id)?.ok_or(AppError::NotFound)?;
        if Transition::Complete.target(row.state).is_none() {
            return Err(wrong_state(Transition::Complete, row.state));
        }
        let post_count = check_completion(row.ends_on, programme_today(), row.post_count)?;
        let now = Utc::now().naive_utc();
        let credit = credits::grant(
            conn,
            &Earning {
                participant_id: row.participant_id,
                format_code: FORMAT,
                source: CreditSource::ForumSponsorship,
                source_id: row.id,
                earned_on: row.ends_on,
                chosen_hours: Some(row.credit_hours),
            },
            now,
        )?;
        let changes = Changes {
            completed_at: Some(Some(now)),
            ..Changes::default()
        };
        change(
            conn,
            &actor,
            &row,
            Some(Transition::Complete),
            &changes,
            "forum_sponsorship.completed",
            json!({"credit_hours": credit.hours, "earned_on": credit.earned_on, "post_count": post_count}),
        )
    })
    .await?;
    Ok(private_json(&completed))
}
