//! The review workflow: the author submits; staff ask for changes, publish (crediting the
//! author), reject, or withdraw a published tip. Each step is one conditional write, audited.

use crate::domain::programme_time::{programme_date_of_utc, programme_today};
use actix_web::{HttpResponse, post, web};
use chrono::{NaiveDate, NaiveTime, Utc};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

use super::access::{require_author_or_staff, visible};
use super::authoring::{FORMAT_CODE, audit};
use super::views::{PracticeTipResponse, response};
use crate::api::access::Viewer;
use crate::api::http::json_object::JsonObject;
use crate::api::http::response::private_json;
use crate::api::participants::input::plausible_date;
use crate::auth::{Caller, StaffCaller};
use crate::db::models::credits::{self, CreditSource, Earning};
use crate::db::models::outbox;
use crate::db::models::practice_tips::{self, PracticeTip, TransitionChanges};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::events::EventType;
use crate::domain::practice_tip::{
    TipState, Transition, check_publication, check_submission, publication_date,
};
use crate::domain::text;
use crate::error::AppError;
use crate::mail::{self, Message};

/// Staff's note to the author: what to change.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"review_note": "Bitte die Beispiele aus dem Landkreis anonymisieren und die Quellen ergänzen."}))]
pub struct ChangeRequest {
    /// The review note, shown to the author.
    #[validate(length(min = 1, max = 4000), custom(function = "text::multi_line"))]
    #[schema(format = "multi-line", min_length = 1, max_length = 4000)]
    pub review_note: String,
}

/// Staff publish a submitted tip.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"anonymisation_confirmed": true, "published_on": "2027-03-15"}))]
pub struct PublicationRequest {
    /// Required `true` when the author asked for anonymisation: staff confirm that the examples
    /// are anonymised (Infobox 2).
    #[serde(default)]
    pub anonymisation_confirmed: bool,
    /// The day it was published, when staff record an earlier publication (e.g. a tip from last
    /// year); default today, never in the future. The author's credit is dated on it, so it
    /// lands in the project year it belongs to.
    #[validate(custom(function = "plausible_date"))]
    pub published_on: Option<NaiveDate>,
}

/// Why a tip is rejected.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Das Thema ist durch einen veröffentlichten Praxistipp bereits abgedeckt."}))]
pub struct RejectionRequest {
    /// The reason, shown to the author.
    #[validate(length(min = 1, max = 2000), custom(function = "text::multi_line"))]
    #[schema(format = "multi-line", min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// Staff take a published tip out of the knowledge store.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "reason": "Die Förderbedingungen haben sich geändert; der Tipp ist überholt.",
    "revoke_credit": false
}))]
pub struct WithdrawalRequest {
    /// Why it is withdrawn.
    #[validate(length(min = 1, max = 2000), custom(function = "text::multi_line"))]
    #[schema(format = "multi-line", min_length = 1, max_length = 2000)]
    pub reason: String,
    /// Also revoke the author's credit (default: the credit stays).
    #[serde(default)]
    pub revoke_credit: bool,
    /// Why the credit is revoked; required with `revoke_credit: true`.
    #[validate(length(min = 1, max = 2000), custom(function = "text::multi_line"))]
    #[schema(format = "multi-line", min_length = 1, max_length = 2000)]
    pub credit_revocation_reason: Option<String>,
}

fn wrong_state(tip: &PracticeTip, transition: Transition) -> AppError {
    AppError::Conflict(format!(
        "the practice tip is `{}`; {transition:?} is not allowed from there",
        tip.state.as_str()
    ))
}

/// The tip's state and where `transition` leads from it, or 409.
fn allowed(tip: &PracticeTip, transition: Transition) -> Result<(TipState, TipState), AppError> {
    let from = tip.state;
    let to = transition
        .target(from)
        .ok_or_else(|| wrong_state(tip, transition))?;
    Ok((from, to))
}

/// A staff decision with a reason shown on the tip.
fn decided_with_reason(actor: i64, reason: String) -> TransitionChanges {
    TransitionChanges {
        state_reason: Some(Some(reason)),
        decided_by: Some(Some(actor)),
        ..TransitionChanges::default()
    }
}

/// Applies `transition` with one conditional write and audits it with `extra`.
fn apply(
    conn: &mut DbConnection,
    caller: &Caller,
    tip: &PracticeTip,
    transition: Transition,
    changes: &TransitionChanges,
    extra: serde_json::Value,
) -> Result<PracticeTip, AppError> {
    let (from, to) = allowed(tip, transition)?;
    let wrong_state = || wrong_state(tip, transition);
    let now = Utc::now().naive_utc();
    let updated =
        practice_tips::transition(conn, tip.id, from, to, changes, now)?.ok_or_else(wrong_state)?;
    let mut after = json!({"from": from.as_str(), "state": to.as_str()});
    if let (Some(after), Some(extra)) = (after.as_object_mut(), extra.as_object()) {
        after.extend(extra.clone());
    }
    audit(conn, caller, transition.action(), tip.into(), after)?;
    tell_author(conn, &updated, transition)?;
    Ok(updated)
}

/// Tells the author of a staff decision by e-mail (sent back, published, rejected, withdrawn),
/// with the decision in their language and the note staff gave.
fn tell_author(
    conn: &mut DbConnection,
    tip: &PracticeTip,
    transition: Transition,
) -> Result<(), AppError> {
    let note = match transition {
        Transition::Submit => return Ok(()),
        Transition::RequestChanges => tip.review_note.clone(),
        Transition::Publish => None,
        Transition::Reject | Transition::Withdraw => tip.state_reason.clone(),
    };
    if let Some(to) = mail::recipient_of_participant(conn, tip.author_id)? {
        let message = Message::TipDecided {
            title: tip.title.clone(),
            decision: tip.state.label(to.lang).to_owned(),
            note: note.unwrap_or_default(),
        };
        mail::queue(conn, &to, &message, None)?;
    }
    Ok(())
}

/// Runs a staff transition on tip `id` inside one transaction and answers with the tip.
async fn staff_step<F>(
    StaffCaller(caller): StaffCaller,
    id: i64,
    pool: &DbPool,
    step: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&mut DbConnection, &Caller, PracticeTip) -> Result<PracticeTip, AppError>
        + Send
        + 'static,
{
    let tip = db::write(pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let tip = visible(conn, &viewer, id)?;
        let updated = step(conn, &caller, tip)?;
        response(conn, &viewer, updated)
    })
    .await?;
    Ok(private_json(&tip))
}

/// Submits the tip for review (its author, or staff on the author's behalf; needs the PDF).
/// Frozen from then on. Audited with the acting account and the author.
///
/// Its author (while an active participant) or staff (others 403, or 404 when they may not see the
/// tip). Moves `draft` or `changes_requested` to `submitted` (409 from any other state, and while no
/// PDF is uploaded); staff then publish it, send it back or reject it. Audited as
/// `practice_tip.submitted`.
#[utoipa::path(
    tag = "practice-tips",
    operation_id = "submit_practice_tip",
    params(("id" = i64, Path, description = "Practice tip id.")),
    responses(
        (status = 200, description = "Submitted.", body = PracticeTipResponse),
        (status = 403, description = "Neither staff nor the tip's author (or no longer active)."),
        (status = 409, description = "Not `draft` or `changes_requested`, or no PDF uploaded yet.")
    )
)]
#[post("/practice-tips/{id}/submission")]
pub async fn submit(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let tip = db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let tip = visible(conn, &viewer, id)?;
        require_author_or_staff(&viewer, &tip)?;
        check_submission(practice_tips::document_info(conn, id)?.is_some())?;
        let changes = TransitionChanges {
            submitted_at: Some(Some(Utc::now().naive_utc())),
            ..TransitionChanges::default()
        };
        let updated = apply(conn, &caller, &tip, Transition::Submit, &changes, json!({}))?;
        response(conn, &viewer, updated)
    })
    .await?;
    Ok(private_json(&tip))
}

/// Sends a submitted tip back to its author with a review note (staff). Audited.
///
/// Staff only (others 403). Moves `submitted` to `changes_requested` (409 from any other state, 404
/// for an unknown id): the author may edit the tip and its PDF again and resubmit it. The review
/// note is shown to the author and staff and sent to the author by e-mail. Audited as
/// `practice_tip.changes_requested`.
#[utoipa::path(
    tag = "practice-tips",
    operation_id = "request_practice_tip_changes",
    params(("id" = i64, Path, description = "Practice tip id.")),
    request_body = ChangeRequest,
    responses(
        (status = 200, description = "Back with the author as `changes_requested`.", body = PracticeTipResponse),
        (status = 409, description = "Not `submitted`.")
    )
)]
#[post("/practice-tips/{id}/change-request")]
pub async fn request_changes(
    caller: StaffCaller,
    id: web::Path<i64>,
    body: JsonObject<ChangeRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    body.validate()?;
    staff_step(caller, id.into_inner(), &pool, move |conn, caller, tip| {
        let changes = TransitionChanges {
            review_note: Some(Some(body.review_note)),
            decided_by: Some(Some(caller.account_id)),
            ..TransitionChanges::default()
        };
        apply(
            conn,
            caller,
            &tip,
            Transition::RequestChanges,
            &changes,
            json!({}),
        )
    })
    .await
}

/// Publishes a submitted tip into the knowledge store (staff) and credits its author with the
/// practice-tip rule's hours on the publication date (today, or an earlier `published_on`
/// staff record). If the author asked for
/// anonymisation, staff must confirm it. Audited with the credited hours.
///
/// Staff only (others 403). Moves `submitted` to `published` (409 from any other state, without a
/// PDF, or without a credit rule on the publication date); every active participant can then read
/// and download it (§ 3.2.2). 422 when the author asked for anonymisation (Infobox 2) and
/// `anonymisation_confirmed` is not `true`, or `published_on` lies in the future. The author is
/// credited with the rule's hours (40 under the handbook's rule, § 5.4) dated on the publication
/// date, told by e-mail, and the event `practice_tip.published` tells the community platform.
/// Audited as `practice_tip.published`.
#[utoipa::path(
    tag = "practice-tips",
    operation_id = "publish_practice_tip",
    params(("id" = i64, Path, description = "Practice tip id.")),
    request_body = PublicationRequest,
    responses(
        (status = 200, description = "Published; the author is credited.", body = PracticeTipResponse),
        (status = 409, description = "Not `submitted`, no PDF, or no credit rule on the publication date."),
        (status = 422, description = "Anonymisation was requested and is not confirmed, or `published_on` lies in the future.")
    )
)]
#[post("/practice-tips/{id}/publication")]
pub async fn publish(
    caller: StaffCaller,
    id: web::Path<i64>,
    body: JsonObject<PublicationRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    body.validate()?;
    let published_on = publication_date(body.published_on, programme_today())?;
    let confirmed = body.anonymisation_confirmed;
    staff_step(caller, id.into_inner(), &pool, move |conn, caller, tip| {
        // The state first: a tip published already is a 409 whatever the body says.
        allowed(&tip, Transition::Publish)?;
        check_publication(
            practice_tips::document_info(conn, tip.id)?.is_some(),
            tip.anonymisation_requested,
            confirmed,
        )?;
        let now = Utc::now().naive_utc();
        // An earlier publication is stamped at noon UTC: the same day in Germany all year.
        let published_at = if published_on < programme_date_of_utc(now) {
            published_on.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default())
        } else {
            now
        };
        let anonymised = tip.anonymisation_requested;
        outbox::emit(conn, EventType::PracticeTipPublished, tip.id, now)?;
        let changes = TransitionChanges {
            published_at: Some(Some(published_at)),
            decided_by: Some(Some(caller.account_id)),
            anonymisation_confirmed_by: anonymised.then_some(Some(caller.account_id)),
            anonymisation_confirmed_at: anonymised.then_some(Some(now)),
            ..TransitionChanges::default()
        };
        let credit = credits::grant(
            conn,
            &Earning {
                participant_id: tip.author_id,
                format_code: FORMAT_CODE,
                source: CreditSource::PracticeTip,
                source_id: tip.id,
                earned_on: published_on,
                chosen_hours: None,
            },
            now,
        )?;
        let extra = json!({
            "credit_hours": credit.hours,
            "anonymisation_confirmed": anonymised,
            "published_on": published_on,
        });
        apply(conn, caller, &tip, Transition::Publish, &changes, extra)
    })
    .await
}

/// Rejects a submitted tip (or one sent back for changes) with a reason (staff). Audited.
///
/// Staff only (others 403). Moves `submitted` or `changes_requested` to `rejected`, which is final
/// (409 from any other state, 404 for an unknown id). The reason is shown on the tip and sent to the
/// author by e-mail. Audited as `practice_tip.rejected`.
#[utoipa::path(
    tag = "practice-tips",
    operation_id = "reject_practice_tip",
    params(("id" = i64, Path, description = "Practice tip id.")),
    request_body = RejectionRequest,
    responses(
        (status = 200, description = "Rejected.", body = PracticeTipResponse),
        (status = 409, description = "Not `submitted` or `changes_requested`.")
    )
)]
#[post("/practice-tips/{id}/rejection")]
pub async fn reject(
    caller: StaffCaller,
    id: web::Path<i64>,
    body: JsonObject<RejectionRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    body.validate()?;
    staff_step(caller, id.into_inner(), &pool, move |conn, caller, tip| {
        let changes = decided_with_reason(caller.account_id, body.reason);
        apply(conn, caller, &tip, Transition::Reject, &changes, json!({}))
    })
    .await
}

/// Withdraws a published tip from the knowledge store (staff) with a reason. The author keeps
/// the credit unless staff revoke it too, with its own reason. Audited.
///
/// Staff only (others 403). Moves `published` to `withdrawn` (409 from any other state, 404 for an
/// unknown id): participants other than the author no longer see it. With `revoke_credit: true`
/// the author's credit is revoked in the same transaction (422 without
/// `credit_revocation_reason`). The author is told by e-mail. Audited as `practice_tip.withdrawn`,
/// with whether a credit was revoked.
#[utoipa::path(
    tag = "practice-tips",
    operation_id = "withdraw_practice_tip",
    params(("id" = i64, Path, description = "Practice tip id.")),
    request_body = WithdrawalRequest,
    responses(
        (status = 200, description = "Withdrawn.", body = PracticeTipResponse),
        (status = 409, description = "Not `published`."),
        (status = 422, description = "`revoke_credit` without `credit_revocation_reason`.")
    )
)]
#[post("/practice-tips/{id}/withdrawal")]
pub async fn withdraw(
    caller: StaffCaller,
    id: web::Path<i64>,
    body: JsonObject<WithdrawalRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    body.validate()?;
    let revocation = match (body.revoke_credit, body.credit_revocation_reason) {
        (true, Some(reason)) => Some(reason),
        (true, None) => {
            return Err(AppError::invalid_field(
                "/credit_revocation_reason",
                "give the reason for revoking the credit",
            ));
        }
        (false, _) => None,
    };
    let reason = body.reason;
    staff_step(caller, id.into_inner(), &pool, move |conn, caller, tip| {
        let changes = decided_with_reason(caller.account_id, reason);
        // Inside the transaction: a wrong state below rolls the revocation back.
        let revoked = match &revocation {
            Some(why) => credits::revoke(
                conn,
                CreditSource::PracticeTip,
                tip.id,
                why,
                Utc::now().naive_utc(),
            )?,
            None => 0,
        };
        let extra = json!({"credit_revoked": revoked > 0});
        let updated = apply(conn, caller, &tip, Transition::Withdraw, &changes, extra)?;
        Ok(updated)
    })
    .await
}
