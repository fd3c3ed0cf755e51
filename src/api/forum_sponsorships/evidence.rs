//! Evidence of a sponsorship (§ 5.5: forum title and number of posts) and the staff credit
//! decision for a withdrawn one.

use crate::domain::programme_time::programme_today;
use actix_web::{HttpResponse, post, put, web};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

use super::{FORMAT, SponsorshipResponse, change, check_option, visible};
use crate::api::access::Viewer;
use crate::api::http::json_object::JsonObject;
use crate::api::http::response::private_json;
use crate::auth::{Caller, StaffCaller};
use crate::db::models::credits::{self, CreditSource, Earning};
use crate::db::models::formats;
use crate::db::models::forum_sponsorships::{self as rows, Changes};
use crate::db::{self, DbPool};
use crate::domain::sponsorship::{SponsorshipState, check_evidence};
use crate::domain::text;
use crate::error::{AppError, FieldProblem};

/// Most notable thread titles per sponsorship.
const MAX_THREADS: usize = 10;
/// Longest thread title.
const MAX_TITLE_CHARS: u64 = 200;

/// The evidence of a sponsorship; replaces what was recorded before.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "post_count": 23,
    "thread_titles": ["Lastenradförderung in Mittelstädten", "Parkraummanagement im Quartier"]
}))]
pub struct EvidenceRequest {
    /// The number of posts in the forum during the sponsorship.
    #[validate(range(min = 0, max = 100_000))]
    #[schema(minimum = 0, maximum = 100_000)]
    pub post_count: i32,
    /// Up to 10 notable thread titles.
    #[serde(default)]
    #[validate(length(max = 10))]
    #[schema(max_items = 10, value_type = Vec<ThreadTitle>)]
    pub thread_titles: Vec<String>,
}

/// A notable thread title: one line of 1–200 characters.
#[derive(Debug, ToSchema)]
#[schema(format = "single-line", min_length = 1, max_length = 200)]
pub struct ThreadTitle(pub String);

/// Problems of the thread titles, one per offending title.
fn title_problems(titles: &[String]) -> Vec<FieldProblem> {
    titles
        .iter()
        .enumerate()
        .filter_map(|(index, title)| {
            let chars = title.chars().count() as u64;
            let bad = !(1..=MAX_TITLE_CHARS).contains(&chars) || text::single_line(title).is_err();
            bad.then(|| FieldProblem {
                pointer: format!("/thread_titles/{index}"),
                detail: format!("a thread title is one line of 1 to {MAX_TITLE_CHARS} characters"),
            })
        })
        .collect()
}

/// Records the evidence (its mentor or staff) once the period has begun, while approved and
/// after completion or withdrawal. Audited without the titles.
///
/// The evidence of § 5.5 for a forum sponsorship: the number of posts and up to 10 notable thread
/// titles; each recording replaces the one before. The sponsoring mentor (if still an active
/// participant) or staff; another participant gets 404, pending or ended participants 403. 409
/// unless the sponsorship was approved (`approved`, `completed`, or `withdrawn` after approval) and
/// its period has begun. 422 for a thread title that is not one line of 1 to 200 characters, at
/// its index. Audited as `forum_sponsorship.evidence_recorded` with the counts only.
#[utoipa::path(
    tag = "forum-sponsorships",
    operation_id = "record_forum_sponsorship_evidence",
    params(("id" = i64, Path, description = "Forum sponsorship id.")),
    request_body = EvidenceRequest,
    responses(
        (status = 200, description = "Recorded.", body = SponsorshipResponse),
        (status = 403, description = "Not staff and not an active participant."),
        (status = 409, description = "Never approved, or the period has not begun.")
    )
)]
#[put("/forum-sponsorships/{id}/evidence")]
pub async fn record(
    caller: Caller,
    id: web::Path<i64>,
    body: JsonObject<EvidenceRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let recorded = db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let row = visible(conn, &viewer, id)?;
        // The body is read once the caller may see the sponsorship.
        let body = body.into_inner()?;
        body.validate()?;
        debug_assert!(body.thread_titles.len() <= MAX_THREADS);
        let problems = title_problems(&body.thread_titles);
        if !problems.is_empty() {
            return Err(AppError::Validation(problems));
        }
        check_evidence(
            row.state,
            row.decided_at.is_some(),
            row.starts_on,
            programme_today(),
        )?;
        let titles = body.thread_titles;
        rows::replace_threads(conn, id, &titles)?;
        let changes = Changes {
            post_count: Some(Some(body.post_count)),
            evidence_recorded_at: Some(Some(Utc::now().naive_utc())),
            ..Changes::default()
        };
        change(
            conn,
            &caller.actor(),
            &row,
            None,
            &changes,
            "forum_sponsorship.evidence_recorded",
            json!({"post_count": body.post_count, "thread_titles": titles.len()}),
        )
    })
    .await?;
    Ok(private_json(&recorded))
}

/// The staff decision on the credit of a withdrawn sponsorship.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "credit_hours": 20,
    "reason": "Sechs Monate aktiv betreut, dann Elternzeit."
}))]
pub struct CreditDecisionRequest {
    /// 0 for no credit, or one of the catalogue rule's options on the withdrawal date.
    #[validate(range(min = 0, max = 400))]
    #[schema(minimum = 0, maximum = 400, example = 20)]
    pub credit_hours: i32,
    /// Why; stored with the sponsorship.
    #[validate(length(min = 1, max = 2000), custom(function = "text::multi_line"))]
    #[schema(format = "multi-line", min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// Decides the credit of a sponsorship withdrawn after approval (staff, once): more than 0
/// hours grants that credit dated on the withdrawal date. Audited (hours only; the reason is
/// stored on the sponsorship).
///
/// Staff only (others 403). Only for a sponsorship `withdrawn` after approval, and only once (409
/// otherwise). The hours are 0 (no credit) or an option of the catalogue rule on the withdrawal
/// date (422 otherwise; 409 when no rule applies that day); a credit counts towards the mentor's
/// credited time (§ 5.4). Audited as `forum_sponsorship.credit_decided`.
#[utoipa::path(
    tag = "forum-sponsorships",
    operation_id = "decide_forum_sponsorship_credit",
    params(("id" = i64, Path, description = "Forum sponsorship id.")),
    request_body = CreditDecisionRequest,
    responses(
        (status = 200, description = "Decided.", body = SponsorshipResponse),
        (status = 409, description = "Not withdrawn after approval, or already decided."),
        (status = 422, description = "Hours that are neither 0 nor a credit option of the rule on the withdrawal date.")
    )
)]
#[post("/forum-sponsorships/{id}/credit-decision")]
pub async fn decide_credit(
    StaffCaller(caller): StaffCaller,
    id: web::Path<i64>,
    body: JsonObject<CreditDecisionRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    body.validate()?;
    let id = id.into_inner();
    let actor = caller.actor();
    let decided = db::write(&pool, move |conn| {
        let row = rows::find(conn, id)?.ok_or(AppError::NotFound)?;
        let withdrawn_on = row
            .withdrawn_on
            .filter(|_| row.decided_at.is_some() && row.state == SponsorshipState::Withdrawn)
            .ok_or_else(|| {
                AppError::Conflict(format!(
                    "the sponsorship is `{}`; a credit decision needs one withdrawn after approval",
                    row.state.as_str()
                ))
            })?;
        if row.credit_decision_hours.is_some() {
            return Err(AppError::Conflict(
                "the credit of this sponsorship is already decided".to_owned(),
            ));
        }
        let now = Utc::now().naive_utc();
        if body.credit_hours > 0 {
            let rule = formats::rule_on(conn, FORMAT, withdrawn_on)?.ok_or_else(|| {
                AppError::Conflict("no credit rule on the withdrawal date".to_owned())
            })?;
            check_option(&rule, body.credit_hours, None)?;
            credits::grant(
                conn,
                &Earning {
                    participant_id: row.participant_id,
                    format_code: FORMAT,
                    source: CreditSource::ForumSponsorship,
                    source_id: row.id,
                    earned_on: withdrawn_on,
                    chosen_hours: Some(body.credit_hours),
                },
                now,
            )?;
        }
        let changes = Changes {
            credit_decision_hours: Some(Some(body.credit_hours)),
            credit_decision_reason: Some(Some(body.reason)),
            credit_decided_at: Some(Some(now)),
            ..Changes::default()
        };
        change(
            conn,
            &actor,
            &row,
            None,
            &changes,
            "forum_sponsorship.credit_decided",
            json!({"credit_hours": body.credit_hours, "earned_on": (body.credit_hours > 0).then_some(withdrawn_on)}),
        )
    })
    .await?;
    Ok(private_json(&decided))
}
