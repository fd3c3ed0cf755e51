//! Membership lookup for the Klimaschutz-Community (integration accounts and staff): is this
//! person a participant, in which state and role, so the platform can decide access to the
//! mentoring area. Nothing more personal is answered.
//!
//! A lookup is a `POST` with the e-mail in the JSON body rather than a `GET` with a query
//! parameter, because personal data must never appear in URLs (they end up in logs and proxies).

use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::api::http::json_object::JsonObject;
use crate::api::http::response::private_json;
use crate::auth::IntegrationCaller;
use crate::db::models::participants;
use crate::db::{self, DbPool};
use crate::domain::participant::{ParticipantStatus, RoleCode, Roles};
use crate::domain::text;
use crate::error::AppError;

/// Whom to look up: exactly one of `email`, `community_account_id` and `participant_id`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"community_account_id": "kc-20931"}))]
#[serde(deny_unknown_fields)]
pub struct MembershipLookup {
    /// The participant's e-mail address (case-insensitive).
    #[validate(email(message = "must be an e-mail address"), length(max = 254))]
    #[schema(max_length = 254)]
    pub email: Option<String>,
    /// The participant's account id on the community platform.
    #[validate(length(min = 1, max = 100), custom(function = "text::single_line"))]
    #[schema(min_length = 1, max_length = 100, format = "single-line")]
    pub community_account_id: Option<String>,
    /// The participant id (as an event's `subject_id` or `participant.participant_id`).
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub participant_id: Option<i64>,
}

impl MembershipLookup {
    /// How many of the three ways to name the person are given (exactly one must be).
    fn named_by(&self) -> usize {
        [
            self.email.is_some(),
            self.community_account_id.is_some(),
            self.participant_id.is_some(),
        ]
        .into_iter()
        .filter(|given| *given)
        .count()
    }
}

/// A participant's membership: enough to grant or refuse access, nothing personal.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"participant_id": 5, "status": "active", "roles": ["mentor"]}))]
pub struct Membership {
    /// Participant id (as in the event feed).
    pub participant_id: i64,
    /// `active` grants access to the mentoring area; `pending` and `ended` do not.
    pub status: ParticipantStatus,
    /// Current roles.
    pub roles: Vec<RoleCode>,
}

/// Looks up a participant's membership.
///
/// Integration accounts and staff (participants get 403). Names the person by exactly one of
/// `email` (case-insensitive), `community_account_id` (the reference the participant recorded
/// on their record) and `participant_id` (as in the event feed); none or several is 422. The
/// answer is only what access to the mentoring area needs: the status (`active` grants access,
/// `pending` and `ended` do not) and the current roles. Unknown and erased people are 404.
/// A `POST`, so that the e-mail address never appears in a URL.
#[utoipa::path(
    tag = "events",
    operation_id = "create_membership_lookup",
    request_body = MembershipLookup,
    responses(
        (status = 200, description = "The membership.", body = Membership),
        (status = 404, description = "No participant with this e-mail, community account id or participant id."),
        (status = 422, description = "Not exactly one of `email`, `community_account_id` and `participant_id`.")
    )
)]
#[post("/membership-lookups")]
pub async fn lookup(
    _: IntegrationCaller,
    body: JsonObject<MembershipLookup>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner()?;
    body.validate()?;
    if body.named_by() != 1 {
        return Err(AppError::invalid_field(
            "",
            "give exactly one of `email`, `community_account_id` and `participant_id`",
        ));
    }
    let email = body.email.as_deref().map(text::normalize_login);
    let reference = body.community_account_id.map(|r| r.trim().to_owned());
    let participant_id = body.participant_id;
    let found = db::run(&pool, move |conn| {
        Ok(participants::find_member(
            conn,
            email.as_deref(),
            reference.as_deref(),
            participant_id,
        )?)
    })
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(private_json(&Membership {
        participant_id: found.id,
        status: found.status,
        roles: Roles {
            mentee: found.is_mentee,
            mentor: found.is_mentor,
        }
        .codes(),
    }))
}
