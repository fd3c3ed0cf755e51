//! One participant's record: read (`ETag`) and edit contact data (`PATCH` with `If-Match`).

use crate::api::http::json_object::JsonObject;
use actix_web::{HttpResponse, get, patch, web};
use chrono::Utc;
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::views::{ParticipantResponse, assemble_one};
use crate::api::access::{existing, own_record, own_record_for_change};
use crate::api::http::etag::{IfMatchHeader, json_with_etag};
use crate::api::topics;
use crate::auth::Caller;
use crate::db::models::audit_events::{self, Change};
use crate::db::models::participant_topics;
use crate::db::models::participants::{self, ContactChanges};
use crate::db::schema::accounts;
use crate::db::{self, DbPool};
use crate::domain::participant::{Experience, Salutation};
use crate::domain::programme_time::programme_today;
use crate::domain::text::{self, normalize_login};
use crate::error::AppError;

/// A participant's full record.
#[utoipa::path(
    tag = "participants",
    operation_id = "get_participant",
    params(("id" = i64, Path, description = "Participant id.")),
    responses((status = 200, description = "The record (the participant themself or staff).", body = ParticipantResponse,
        headers(("ETag" = String, description = "Version for If-Match."))))
)]
#[get("/participants/{id}")]
pub async fn get_participant(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let today = programme_today();
    let assembled = db::run(&pool, move |conn| {
        let (_, row) = own_record(conn, &caller, id)?;
        assemble_one(conn, row, today)
    })
    .await?;
    Ok(json_with_etag(
        assembled.participant.version,
        &assembled.response(today),
    ))
}

/// Contact fields to change; absent fields stay as they are.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactPatch {
    /// Salutation.
    pub salutation: Option<Salutation>,
    /// First name.
    #[validate(length(min = 1, max = 100), custom(function = "text::single_line"))]
    #[schema(min_length = 1, max_length = 100, format = "single-line")]
    pub first_name: Option<String>,
    /// Last name.
    #[validate(length(min = 1, max = 100), custom(function = "text::single_line"))]
    #[schema(min_length = 1, max_length = 100, format = "single-line")]
    pub last_name: Option<String>,
    /// E-mail address; changes the login too.
    #[validate(email(message = "must be an e-mail address"), length(max = 254))]
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    /// Phone number.
    #[validate(custom(function = "crate::api::participants::input::phone"))]
    #[schema(pattern = r"^[ +()/-]*([0-9][ +()/-]*){5,20}$", max_length = 40)]
    pub phone: Option<String>,
    /// Self-assessed experience.
    pub experience: Option<Experience>,
    /// Consent to be listed in the directory.
    pub consent_directory: Option<bool>,
    /// Consent to be welcomed in the newsletter.
    pub consent_newsletter_welcome: Option<bool>,
    /// Account id on the Klimaschutz-Community platform.
    #[validate(length(min = 1, max = 100), custom(function = "text::single_line"))]
    #[schema(min_length = 1, max_length = 100, format = "single-line")]
    pub community_account_ref: Option<String>,
    /// Replaces the topics of expertise (accepted topic ids).
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub expertise_topic_ids: Option<Vec<i64>>,
    /// Replaces the topics of interest (accepted topic ids).
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub interest_topic_ids: Option<Vec<i64>>,
}

impl ContactPatch {
    fn changed_fields(&self) -> Vec<&'static str> {
        [
            ("salutation", self.salutation.is_some()),
            ("first_name", self.first_name.is_some()),
            ("last_name", self.last_name.is_some()),
            ("email", self.email.is_some()),
            ("phone", self.phone.is_some()),
            ("experience", self.experience.is_some()),
            ("consent_directory", self.consent_directory.is_some()),
            (
                "consent_newsletter_welcome",
                self.consent_newsletter_welcome.is_some(),
            ),
            (
                "community_account_ref",
                self.community_account_ref.is_some(),
            ),
            ("expertise_topic_ids", self.expertise_topic_ids.is_some()),
            ("interest_topic_ids", self.interest_topic_ids.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect()
    }

    fn contact_changes(&self) -> ContactChanges {
        let trimmed = |v: &Option<String>| v.as_ref().map(|s| s.trim().to_owned());
        ContactChanges {
            salutation: self.salutation.map(Some),
            first_name: trimmed(&self.first_name),
            last_name: trimmed(&self.last_name),
            email: self.email.as_deref().map(normalize_login),
            phone: trimmed(&self.phone),
            experience: self.experience,
            consent_directory: self.consent_directory,
            consent_newsletter_welcome: self.consent_newsletter_welcome,
            community_account_ref: trimmed(&self.community_account_ref).map(Some),
        }
    }
}

/// Edits contact data and consents (the participant themself while not ended, or staff). The
/// participant records their own `community_account_ref` here too; the access events carry it.
#[utoipa::path(
    tag = "participants",
    operation_id = "update_participant",
    params(
        ("id" = i64, Path, description = "Participant id."),
        ("If-Match" = String, Header, description = "The ETag of the version being edited.")
    ),
    request_body = ContactPatch,
    responses(
        (status = 200, description = "Updated.", body = ParticipantResponse,
            headers(("ETag" = String, description = "The new version."))),
        (status = 409, description = "Ended participation, or the e-mail address or community account reference is taken."),
        (status = 412, description = "The record changed since it was read."),
        (status = 428, description = "If-Match is missing.")
    )
)]
#[patch("/participants/{id}")]
pub async fn update_participant(
    caller: Caller,
    id: web::Path<i64>,
    body: JsonObject<ContactPatch>,
    if_match: IfMatchHeader,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let today = programme_today();
    let assembled = db::write(&pool, move |conn| {
        let (_, current) = own_record_for_change(conn, &caller, id)?;
        let body = body.into_inner()?;
        body.validate()?;
        let if_match = if_match.require()?;
        if !if_match.matches(current.version) {
            return Err(AppError::PreconditionFailed);
        }
        let fields = body.changed_fields();
        let changes = body.contact_changes();
        // The community platform grants access to the account an event names: one person each.
        if let Some(Some(reference)) = &changes.community_account_ref
            && participants::reference_taken(conn, reference, Some(id))?
        {
            return Err(AppError::Conflict(
                "this community account reference is recorded for another participant".to_owned(),
            ));
        }
        for (kind, ids, pointer) in [
            (
                participant_topics::EXPERTISE,
                &body.expertise_topic_ids,
                "/expertise_topic_ids",
            ),
            (
                participant_topics::INTEREST,
                &body.interest_topic_ids,
                "/interest_topic_ids",
            ),
        ] {
            if let Some(ids) = ids {
                // Topics the participant already has may stay, even if retired since.
                let kept: Vec<i64> = participant_topics::of_participants(conn, &[id])?
                    .into_iter()
                    .filter(|(_, _, k)| k == kind)
                    .map(|(_, topic, _)| topic)
                    .collect();
                topics::require_accepted_or_kept(conn, pointer, ids, &kept)?;
                participant_topics::replace(conn, id, kind, ids)?;
            }
        }
        if let Some(email) = &changes.email
            && email != &current.email
        {
            use diesel::prelude::*;
            diesel::update(accounts::table.find(current.account_id))
                .set(accounts::login.eq(email))
                .execute(conn)?;
        }
        let now = Utc::now().naive_utc();
        if !participants::update_contact(
            conn,
            id,
            if_match.expected(current.version),
            &changes,
            now,
        )? {
            return Err(AppError::PreconditionFailed);
        }
        audit_events::record(
            conn,
            Change {
                actor: &caller.actor(),
                action: "participant.updated",
                entity_type: "participant",
                entity_id: id.to_string(),
                before: Some(serde_json::json!({ "version": current.version })),
                after: Some(
                    serde_json::json!({ "version": current.version + 1, "fields": fields }),
                ),
            },
        )?;
        let row = existing(conn, id)?;
        assemble_one(conn, row, today)
    })
    .await?;
    Ok(json_with_etag(
        assembled.participant.version,
        &assembled.response(today),
    ))
}
