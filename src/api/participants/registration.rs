//! `POST /registrations`: anyone may register; the participant starts `pending`.

use std::time::Instant;

use crate::api::http::client_address::ClientAddress;
use crate::api::http::json_object::JsonObject;
use crate::auth::throttle::RegistrationThrottle;
use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::input::{ProjectInput, combine, phone, validated};
use crate::api::topics;
use crate::auth::{Role, password};
use crate::db::models::accounts::{self, NewAccount};
use crate::db::models::audit_events::{self, Actor, Change};
use crate::db::models::participants::{self, NewParticipant};
use crate::db::models::projects::{self, NewProject};
use crate::db::models::{participant_topics, roles};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::lang::Lang;
use crate::domain::participant::{Experience, ParticipantStatus, RoleCode, Roles, Salutation};
use crate::domain::programme_time::programme_today;
use crate::domain::text::{self, normalize_login};
use crate::error::{AppError, FieldProblem};
use crate::mail::{self, Links, Message};
use crate::request_context::RequestId;

/// What a participant consents to, per purpose.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Consents {
    /// Be listed with contact details in the directory other active participants see.
    pub directory: bool,
    /// Be welcomed by name in the newsletter.
    pub newsletter_welcome: bool,
}

/// A registration: contact data, roles, consents, the first project and a password.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationRequest {
    /// Salutation, optional.
    pub salutation: Option<Salutation>,
    /// First name.
    #[validate(length(min = 1, max = 100), custom(function = "text::single_line"))]
    #[schema(min_length = 1, max_length = 100, format = "single-line")]
    pub first_name: String,
    /// Last name.
    #[validate(length(min = 1, max = 100), custom(function = "text::single_line"))]
    #[schema(min_length = 1, max_length = 100, format = "single-line")]
    pub last_name: String,
    /// E-mail address; also the login.
    #[validate(email(message = "must be an e-mail address"), length(max = 254))]
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// Phone number.
    #[validate(custom(function = "phone"))]
    #[schema(
        pattern = r"^[ +()/-]*([0-9][ +()/-]*){5,20}$",
        max_length = 40,
        example = "+49 30 1234567"
    )]
    pub phone: String,
    /// Password for the participant's account: 12–1024 characters, hard to guess (zxcvbn score 3
    /// or more) and without the e-mail address or the names; checked once the other fields are
    /// valid.
    #[validate(custom(function = "text::password"))]
    #[schema(
        min_length = 12,
        max_length = 1024,
        format = Password,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub password: String,
    /// Self-assessed experience.
    pub experience: Experience,
    /// Chosen roles: one or both.
    #[validate(length(min = 1, max = 2))]
    #[schema(min_items = 1, max_items = 2)]
    pub roles: Vec<RoleCode>,
    /// Consents per purpose.
    pub consents: Consents,
    /// Account id on the Klimaschutz-Community platform, if the participant has one yet. One
    /// account belongs to one participant: a reference another participant holds is not
    /// recorded (the answer does not tell); `PATCH /participants/{id}` records it later and says
    /// why it cannot.
    #[validate(length(min = 1, max = 100), custom(function = "text::single_line"))]
    #[schema(min_length = 1, max_length = 100, format = "single-line")]
    pub community_account_ref: Option<String>,
    /// The project the participant works in now.
    pub project: ProjectInput,
    /// Accepted topics (ids from `GET /topics`) the participant offers expertise in.
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub expertise_topic_ids: Vec<i64>,
    /// Accepted topics the participant is interested in.
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub interest_topic_ids: Vec<i64>,
}

/// Reads a role list as a set; an empty one is invalid.
pub fn parse_roles(codes: &[RoleCode], pointer: &str) -> Result<Roles, AppError> {
    Roles::from_codes(codes).ok_or_else(|| {
        AppError::Validation(vec![FieldProblem {
            pointer: pointer.to_owned(),
            detail: "must name `mentee`, `mentor` or both".to_owned(),
        }])
    })
}

/// The answer to every valid registration.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationAccepted {
    /// What happens next, in German.
    #[schema(example = "Registrierung eingegangen. Bitte prüfen Sie Ihr Postfach.")]
    pub message: String,
}

/// Registers a participant (anonymous). The answer is the same `202` whether the address is new
/// or already has an account, so nobody can probe which addresses are registered: a new address
/// gets its `pending` participant and a confirmation e-mail; a known one changes nothing and its
/// owner gets a note (at most one a day) with the way to a new password. The new account can log
/// in at once (`GET /me` names its `participant_id`) but sees only its own registration until
/// staff confirm the signed contact sheet and activate it. Each client address may register a
/// limited number of times per hour (`REGISTRATIONS_PER_ADDRESS_PER_HOUR`).
#[utoipa::path(
    tag = "participants",
    operation_id = "create_registration",
    security(()),
    request_body = RegistrationRequest,
    responses(
        (status = 202, description = "Accepted: registered as `pending`, or (for a known address) its owner is told by e-mail.", body = RegistrationAccepted),
        (status = 429, description = "Too many registrations from this client address this hour.",
            headers(
                ("Retry-After" = u64, description = "Seconds until the address may register again."),
                ("RateLimit-Policy" = String, description = "The policy applied, e.g. `\"registration\";q=20;w=3600`."),
                ("RateLimit" = String, description = "What is left of it, e.g. `\"registration\";r=0;t=1200`.")
            ))
    )
)]
#[post("/registrations")]
pub async fn create_registration(
    address: ClientAddress,
    throttle: web::Data<RegistrationThrottle>,
    body: JsonObject<RegistrationRequest>,
    request_id: RequestId,
    lang: Lang,
    links: web::Data<Links>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    throttle.attempt(&address.0, Instant::now())?;
    let body = body.into_inner()?;
    let mut roles = None;
    combine(vec![
        validated(&body),
        body.project.check("/project"),
        parse_roles(&body.roles, "/roles").map(|parsed| roles = Some(parsed)),
    ])?;
    let roles =
        roles.ok_or_else(|| AppError::internal("roles passed validation but were not parsed"))?;
    let personal = vec![
        body.email.clone(),
        body.first_name.clone(),
        body.last_name.clone(),
    ];
    let hash = password::hash_if_strong(body.password.clone(), personal).await?;
    let today = programme_today();
    let forgot_password = links.forgot_password();
    db::write(&pool, move |conn| {
        let login = normalize_login(&body.email);
        topics::require_accepted(conn, "/expertise_topic_ids", &body.expertise_topic_ids)?;
        topics::require_accepted(conn, "/interest_topic_ids", &body.interest_topic_ids)?;
        if let Some(known) = accounts::find_by_login(conn, &login)? {
            return tell_known_address(conn, known.id, forgot_password, today);
        }
        // A reference another participant holds is not recorded (the unique index would refuse
        // it), without saying so: the answer stays the same for every valid registration.
        let community_account_ref = match body.community_account_ref.as_deref().map(str::trim) {
            Some(reference) if participants::reference_taken(conn, reference, None)? => None,
            other => other,
        };
        let now = Utc::now().naive_utc();
        let display_name = format!("{} {}", body.first_name.trim(), body.last_name.trim());
        // Anonymous: the account is created by no one, the registration is its first act.
        let mut actor = Actor {
            account_id: None,
            request_id: request_id.into_inner(),
        };
        let account = accounts::create(
            conn,
            &NewAccount {
                login: &login,
                password_hash: &hash,
                role: Role::Participant,
                display_name: &display_name,
                created_at: now,
                updated_at: now,
            },
            &actor,
        )?;
        actor.account_id = Some(account.id);
        // Messages go in the language the registration was made in.
        accounts::set_mail_preferences(conn, account.id, lang.tag(), "", now)?;
        let participant = participants::insert(
            conn,
            &NewParticipant {
                account_id: account.id,
                status: ParticipantStatus::Pending,
                salutation: body.salutation,
                first_name: body.first_name.trim(),
                last_name: body.last_name.trim(),
                email: &login,
                phone: body.phone.trim(),
                experience: body.experience,
                is_mentee: roles.mentee,
                is_mentor: roles.mentor,
                consent_directory: body.consents.directory,
                consent_newsletter_welcome: body.consents.newsletter_welcome,
                community_account_ref,
                created_at: now,
                updated_at: now,
            },
        )?;
        insert_project(conn, participant.id, &body.project, Some(account.id))?;
        participant_topics::replace(
            conn,
            participant.id,
            participant_topics::EXPERTISE,
            &body.expertise_topic_ids,
        )?;
        participant_topics::replace(
            conn,
            participant.id,
            participant_topics::INTEREST,
            &body.interest_topic_ids,
        )?;
        roles::add_period(
            conn,
            participant.id,
            roles.mentee,
            roles.mentor,
            today,
            "registration",
            Some(account.id),
            now,
        )?;
        audit_events::record(
            conn,
            Change {
                actor: &actor,
                action: "participant.registered",
                entity_type: "participant",
                entity_id: participant.id.to_string(),
                before: None,
                after: Some(serde_json::json!({
                    "status": "pending",
                    "roles": roles.codes(),
                    "project_kind": body.project.kind,
                })),
            },
        )?;
        mail::queue_to_account(conn, account.id, &Message::RegistrationReceived {})?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::Accepted()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(RegistrationAccepted {
            message: "Registrierung eingegangen. Bitte prüfen Sie Ihr Postfach.".to_owned(),
        }))
}

/// A registration for an address that has an account: nothing changes; the owner is told (once a
/// day at most, so the address cannot be flooded through the form).
fn tell_known_address(
    conn: &mut DbConnection,
    account_id: i64,
    reset_link: String,
    today: chrono::NaiveDate,
) -> Result<(), AppError> {
    if let Some(to) = mail::recipient_of_account(conn, account_id)? {
        let key = format!("registration_duplicate:{account_id}:{today}");
        mail::queue(
            conn,
            &to,
            &Message::RegistrationDuplicate { reset_link },
            Some(key),
        )?;
    }
    Ok(())
}

/// Inserts a project from its input.
pub fn insert_project(
    conn: &mut crate::db::DbConnection,
    participant_id: i64,
    input: &ProjectInput,
    by: Option<i64>,
) -> Result<projects::Project, AppError> {
    Ok(projects::insert(
        conn,
        &NewProject {
            participant_id,
            kind: input.kind,
            employer: input.employer.trim(),
            municipality: input.municipality.trim(),
            federal_state: input.federal_state,
            funding_reference: input.funding_reference.as_deref().map(str::trim),
            start_date: input.start_date,
            end_date: input.end_date,
            created_by: by,
            created_at: Utc::now().naive_utc(),
        },
    )?)
}
