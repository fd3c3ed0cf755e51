//! What active mentees do with an approved session: sign up, withdraw, send questions or case
//! examples to its mentors.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

use super::{active_mentee, require_mentor_or_staff, utc, visible};
use crate::api::access::Viewer;
use crate::api::http::json_object::JsonObject;
use crate::api::http::response::{created_json, private_json};
use crate::auth::Caller;
use crate::db::models::audit_events::{self, Actor, Change};
use crate::db::models::sessions::{self, NewQuestion, Question, Session};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::session::check_open_for_mentees;
use crate::domain::text;
use crate::error::AppError;

/// Mentee actions need an approved session that has not been held yet.
fn require_open(session: &Session) -> Result<(), AppError> {
    Ok(check_open_for_mentees(session.state)?)
}

fn audit_signup(
    conn: &mut DbConnection,
    actor: &Actor,
    action: &str,
    session_id: i64,
    participant_id: i64,
) -> Result<(), AppError> {
    audit_events::record(
        conn,
        Change {
            actor,
            action,
            entity_type: "session",
            entity_id: session_id.to_string(),
            before: None,
            after: Some(json!({"participant_id": participant_id})),
        },
    )?;
    Ok(())
}

/// Signs the calling active mentee up for an approved session (idempotent). Audited.
///
/// An active participant with the mentee role (else 403; 404 when the session is hidden from
/// them); 409 unless the session is `approved`. Signing up again changes nothing (204 either way).
/// The session's mentors see the sign-up with the mentee's name, employer and municipality. Audited
/// as `session.signed_up` when new.
#[utoipa::path(
    tag = "sessions",
    operation_id = "sign_up_for_session",
    params(("id" = i64, Path, description = "Session id.")),
    responses(
        (status = 204, description = "Signed up (or already was)."),
        (status = 403, description = "Not an active participant with the mentee role."),
        (status = 409, description = "The session is not `approved`.")
    )
)]
#[post("/sessions/{id}/signup")]
pub async fn sign_up(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let session = visible(conn, &viewer, id)?;
        let mentee = active_mentee(&viewer)?;
        require_open(&session)?;
        if sessions::sign_up(conn, id, mentee.id, Utc::now().naive_utc())? {
            audit_signup(conn, &caller.actor(), "session.signed_up", id, mentee.id)?;
        }
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Withdraws the calling mentee's sign-up from an approved session (idempotent). Audited.
///
/// An active participant with the mentee role (else 403); 409 unless the session is `approved`.
/// Withdrawing without a sign-up changes nothing (204 either way). Audited as
/// `session.withdrawn` when a sign-up is removed.
#[utoipa::path(
    tag = "sessions",
    operation_id = "withdraw_from_session",
    params(("id" = i64, Path, description = "Session id.")),
    responses(
        (status = 204, description = "Withdrawn (or was not signed up)."),
        (status = 403, description = "Not an active participant with the mentee role."),
        (status = 409, description = "The session is not `approved`.")
    )
)]
#[delete("/sessions/{id}/signup")]
pub async fn withdraw(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let session = visible(conn, &viewer, id)?;
        let mentee = active_mentee(&viewer)?;
        require_open(&session)?;
        if sessions::withdraw(conn, id, mentee.id)? {
            audit_signup(conn, &caller.actor(), "session.withdrawn", id, mentee.id)?;
        }
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A question or case example for the session's mentors.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "body": "Wie haben Sie den Gemeinderat von der Wärmeplanung überzeugt?",
    "is_case_example": false,
    "anonymise": true
}))]
pub struct NewQuestionRequest {
    /// The question or case example.
    #[validate(length(min = 1, max = 5000), custom(function = "text::multi_line"))]
    #[schema(format = "multi-line", min_length = 1, max_length = 5000)]
    pub body: String,
    /// Whether it is a case example from the sender's own work.
    #[serde(default)]
    pub is_case_example: bool,
    /// Hide the sender from the mentors and from the documentation.
    #[serde(default)]
    pub anonymise: bool,
}

/// A question as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = question_example)]
pub struct QuestionResponse {
    /// Question id.
    pub id: i64,
    /// The sender; `null` to mentors when the sender asked to be anonymised.
    #[schema(required = true)]
    pub participant_id: Option<i64>,
    /// The question or case example.
    pub body: String,
    /// Whether it is a case example.
    pub is_case_example: bool,
    /// Whether the sender asked to be anonymised.
    pub anonymise: bool,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
}

/// The session's questions.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [question_example()], "next_cursor": null}))]
pub struct QuestionList {
    /// In the order they came.
    pub items: Vec<QuestionResponse>,
    /// Always `null`: the list is complete.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// A question whose sender asked to be anonymised, as the session's mentors see it.
fn question_example() -> serde_json::Value {
    json!({
        "id": 87,
        "participant_id": null,
        "body": "Wie haben Sie den Gemeinderat von der Wärmeplanung überzeugt?",
        "is_case_example": false,
        "anonymise": true,
        "created_at": "2027-04-02T18:12:00Z"
    })
}

pub(crate) fn question_response(q: Question, reveal: bool) -> QuestionResponse {
    QuestionResponse {
        id: q.id,
        participant_id: (reveal || !q.anonymise).then_some(q.participant_id),
        body: q.body,
        is_case_example: q.is_case_example,
        anonymise: q.anonymise,
        created_at: utc(q.created_at),
    }
}

/// Sends a question or case example to the mentors of an approved session (active mentees).
/// Audited without its text.
///
/// An active participant with the mentee role (else 403; 404 when the session is hidden from
/// them); 409 unless the session is `approved`. A case example (`is_case_example`) can become part
/// of the documentation; with `anonymise` the sender stays hidden from the mentors and in the
/// documentation (Infobox 2). Answers 201.
#[utoipa::path(
    tag = "sessions",
    operation_id = "ask_session_question",
    params(("id" = i64, Path, description = "Session id.")),
    request_body = NewQuestionRequest,
    responses(
        (status = 201, description = "Sent; only the session's mentors and staff read it.", body = QuestionResponse),
        (status = 403, description = "Not an active participant with the mentee role."),
        (status = 409, description = "The session is not `approved`.")
    )
)]
#[post("/sessions/{id}/questions")]
pub async fn ask(
    caller: Caller,
    id: web::Path<i64>,
    body: JsonObject<NewQuestionRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let question = db::write(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let session = visible(conn, &viewer, id)?;
        let mentee = active_mentee(&viewer)?;
        let body = body.into_inner()?;
        body.validate()?;
        require_open(&session)?;
        let question = sessions::insert_question(
            conn,
            &NewQuestion {
                session_id: id,
                participant_id: mentee.id,
                body: &body.body,
                is_case_example: body.is_case_example,
                anonymise: body.anonymise,
                created_at: Utc::now().naive_utc(),
            },
        )?;
        audit_events::record(
            conn,
            Change {
                actor: &caller.actor(),
                action: "session.question_sent",
                entity_type: "session",
                entity_id: id.to_string(),
                before: None,
                after: Some(json!({
                    "question_id": question.id,
                    "is_case_example": question.is_case_example,
                    "anonymise": question.anonymise,
                })),
            },
        )?;
        Ok(question_response(question, true))
    })
    .await?;
    Ok(created_json(
        &format!("/api/v1/sessions/{id}/questions"),
        &question,
    ))
}

/// The session's questions: its mentors (anonymised senders hidden) and staff only.
///
/// The session's mentors and staff (another active participant gets 403). Mentors see
/// `participant_id` as `null` where the sender asked to be anonymised; staff always see it. The list
/// is complete, in the order the questions came, so `next_cursor` is always `null`.
#[utoipa::path(
    tag = "sessions",
    operation_id = "list_session_questions",
    params(("id" = i64, Path, description = "Session id.")),
    responses(
        (status = 200, description = "The questions.", body = QuestionList),
        (status = 403, description = "Neither staff nor one of the session's mentors.")
    )
)]
#[get("/sessions/{id}/questions")]
pub async fn questions(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let items = db::run(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let session = visible(conn, &viewer, id)?;
        require_mentor_or_staff(conn, &viewer, &session)?;
        let reveal = viewer.is_staff();
        Ok(sessions::questions_of(conn, id)?
            .into_iter()
            .map(|q| question_response(q, reveal))
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(private_json(&QuestionList {
        items,
        next_cursor: None,
    }))
}
