//! The short documentation of a held session (§ 3.1.1, footnote 4): summary, results, people
//! reached and the case examples discussed, each contributor named unless they asked to be
//! anonymised (Infobox 2). Filing it moves the session to `documented` and credits every mentor.

use crate::domain::programme_time::programme_date_of_utc;
use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

use super::transitions::{Actor, Effect, run};
use super::{SessionResponse, utc, visible};
use crate::api::access::Viewer;
use crate::api::http::etag::{IfMatchHeader, json_with_etag};
use crate::api::http::json_object::JsonObject;
use crate::auth::{Caller, StaffCaller};
use crate::db::models::audit_events::{self, Change};
use crate::db::models::credits::{self, CreditSource, Earning};
use crate::db::models::outbox;
use crate::db::models::session_documentation::{self as documentation, CaseExample, Documentation};
use crate::db::models::sessions::{self, Session, TransitionChanges};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::attendance::check_documented_people_reached;
use crate::domain::events::EventType;
use crate::domain::session::{self, SessionState, Transition};
use crate::domain::text;
use crate::error::AppError;

/// A case example the mentors prepared from a mentee's question or case.
#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "question_id": 88,
    "text": "Eine Gemeinde mit 8.000 Einwohnern hat die Wärmeplanung mit dem Nachbarort gemeinsam ausgeschrieben."
}))]
pub struct CaseExampleInput {
    /// The question or case example (sent to this session) it is based on.
    pub question_id: i64,
    /// The prepared text shown in the documentation.
    #[validate(length(min = 1, max = 5000), custom(function = "text::multi_line"))]
    #[schema(format = "multi-line", min_length = 1, max_length = 5000)]
    pub text: String,
}

/// The short documentation of a held session.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "summary": "Zwei Impulsvorträge zur Datenerhebung und zur Beteiligung der Stadtwerke, danach Fragerunde.",
    "results": "Gemeinsame Ausschreibungen sparen Zeit; offen blieb, wie Daten der Schornsteinfeger genutzt werden dürfen.",
    "people_reached": 7,
    "case_examples": [{
        "question_id": 88,
        "text": "Eine Gemeinde mit 8.000 Einwohnern hat die Wärmeplanung mit dem Nachbarort gemeinsam ausgeschrieben."
    }]
}))]
pub struct DocumentationRequest {
    /// What happened: the talks, the discussion.
    #[validate(length(min = 1, max = 10_000), custom(function = "text::multi_line"))]
    #[schema(format = "multi-line", min_length = 1, max_length = 10_000)]
    pub summary: String,
    /// The results and open questions.
    #[validate(length(min = 1, max = 10_000), custom(function = "text::multi_line"))]
    #[schema(format = "multi-line", min_length = 1, max_length = 10_000)]
    pub results: String,
    /// How many people it reached: confirms or corrects the number recorded when it was held;
    /// once attendance was recorded it must equal attended sign-ups plus walk-ins.
    #[validate(range(min = 0, max = 100_000))]
    #[schema(minimum = 0, maximum = 100_000)]
    pub people_reached: i32,
    /// Case examples discussed, in the order to show them (at most 20).
    #[serde(default)]
    #[validate(length(max = 20), nested)]
    #[schema(max_items = 20)]
    pub case_examples: Vec<CaseExampleInput>,
}

/// Who contributed a case example; absent when they asked to be anonymised.
#[derive(Debug, Serialize, ToSchema)]
pub struct Contributor {
    /// Participant id.
    pub participant_id: i64,
    /// First and last name.
    pub name: String,
}

/// A case example as the documentation shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseExampleResponse {
    /// The prepared text.
    pub text: String,
    /// The contributor; `null` when they asked to be anonymised (or their data was erased).
    #[schema(required = true)]
    pub contributor: Option<Contributor>,
}

/// The documentation as active participants and staff read it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "session_id": 41,
    "summary": "Zwei Impulsvorträge zur Datenerhebung und zur Beteiligung der Stadtwerke, danach Fragerunde.",
    "results": "Gemeinsame Ausschreibungen sparen Zeit; offen blieb, wie Daten der Schornsteinfeger genutzt werden dürfen.",
    "people_reached": 7,
    "case_examples": [{
        "text": "Eine Gemeinde mit 8.000 Einwohnern hat die Wärmeplanung mit dem Nachbarort gemeinsam ausgeschrieben.",
        "contributor": {"participant_id": 145, "name": "Lukas Muster"}
    }],
    "filed_at": "2027-04-16T12:30:00Z",
    "version": 1
}))]
pub struct DocumentationResponse {
    /// Session id.
    pub session_id: i64,
    /// What happened.
    pub summary: String,
    /// The results.
    pub results: String,
    /// People reached.
    pub people_reached: i32,
    /// Case examples, contributors named only where they agreed.
    pub case_examples: Vec<CaseExampleResponse>,
    /// When it was filed.
    pub filed_at: DateTime<Utc>,
    /// The version staff name in `If-Match` to correct it.
    pub version: i64,
}

/// Checks that every case example is based on a different case example sent to this session.
fn check_case_examples(
    conn: &mut DbConnection,
    session: &Session,
    inputs: &[CaseExampleInput],
) -> Result<(), AppError> {
    let case_example_ids: Vec<i64> = sessions::questions_of(conn, session.id)?
        .iter()
        .filter(|q| q.is_case_example)
        .map(|q| q.id)
        .collect();
    let question_ids: Vec<i64> = inputs.iter().map(|i| i.question_id).collect();
    Ok(session::check_case_examples(
        &question_ids,
        &case_example_ids,
    )?)
}

/// Credits every mentor of the session with the format's credit on the session's date (§ 5.4).
fn credit_mentors(conn: &mut DbConnection, session: &Session) -> Result<usize, AppError> {
    let now = Utc::now().naive_utc();
    let mentors = sessions::mentors_of(conn, session.id)?;
    for participant_id in &mentors {
        credits::grant(
            conn,
            &Earning {
                participant_id: *participant_id,
                format_code: &session.format_code,
                source: CreditSource::Session,
                source_id: session.id,
                earned_on: programme_date_of_utc(session.starts_at),
                chosen_hours: None,
            },
            now,
        )?;
    }
    Ok(mentors.len())
}

/// Files the short documentation of a held session (one of its mentors, or staff). The session
/// becomes `documented` and each of its mentors is credited with the format's credit, dated on
/// the session's start date in Berlin under the catalogue rule valid then. Audited without the
/// texts; the event `session.documented` tells the community platform.
///
/// The documentation of § 5.5: what happened, the results, the people reached, and case examples
/// prepared from case examples mentees sent to this session (each at most once, 422 otherwise). One
/// of the session's mentors (else 403) or staff; 409 unless the session is `held`. Once attendance
/// is recorded, `people_reached` must equal attended sign-ups plus walk-ins (422). The credit
/// (§ 5.4) counts in the project year of the session's date. Answers the session, now
/// `documented`.
#[utoipa::path(
    tag = "sessions",
    operation_id = "document_session",
    params(("id" = i64, Path, description = "Session id.")),
    request_body = DocumentationRequest,
    responses(
        (status = 200, description = "Documented; the mentors are credited.", body = SessionResponse),
        (status = 403, description = "Neither staff nor one of the session's mentors."),
        (status = 409, description = "Not `held`."),
        (status = 422, description = "Invalid, e.g. `people_reached` differs from the recorded attendance.")
    )
)]
#[post("/sessions/{id}/documentation")]
pub async fn file(
    caller: Caller,
    id: web::Path<i64>,
    body: JsonObject<DocumentationRequest>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let account_id = caller.account_id;
    // The body is read once the caller is known to be a mentor of the session or staff.
    run(
        caller,
        &pool,
        id.into_inner(),
        Transition::Document,
        Actor::MentorOrStaff,
        move |conn, session| -> Result<Effect, AppError> {
            let body = body.into_inner()?;
            body.validate()?;
            // Recorded attendance is the source of the people reached (domain::attendance).
            let people_reached = check_documented_people_reached(
                body.people_reached,
                session.attendance_recorded_at.and(session.people_reached),
            )?;
            check_case_examples(conn, session, &body.case_examples)?;
            let case_examples: Vec<(i64, &str)> = body
                .case_examples
                .iter()
                .map(|c| (c.question_id, c.text.as_str()))
                .collect();
            documentation::insert(
                conn,
                &Documentation {
                    session_id: session.id,
                    summary: body.summary.clone(),
                    results: body.results.clone(),
                    filed_by: account_id,
                    filed_at: Utc::now().naive_utc(),
                    version: 1,
                },
                &case_examples,
            )?;
            let credited = credit_mentors(conn, session)?;
            // SK:KK puts the results into the community (§ 3.1.1).
            outbox::emit(
                conn,
                EventType::SessionDocumented,
                session.id,
                Utc::now().naive_utc(),
            )?;
            let changes = TransitionChanges {
                people_reached: Some(Some(people_reached)),
                ..TransitionChanges::default()
            };
            let extra = json!({
                "people_reached": people_reached,
                "case_examples": case_examples.len(),
                "mentors_credited": credited,
            });
            Ok((changes, extra))
        },
    )
    .await
}

fn case_example_response(c: CaseExample) -> CaseExampleResponse {
    let named = !c.anonymise && !c.erased;
    CaseExampleResponse {
        text: c.text,
        contributor: named.then(|| Contributor {
            participant_id: c.participant_id,
            name: format!("{} {}", c.first_name, c.last_name),
        }),
    }
}

/// The documentation as it is shown, from the session and the filed row.
fn documentation_response(
    conn: &mut DbConnection,
    session: &Session,
    filed: Documentation,
) -> Result<DocumentationResponse, AppError> {
    let case_examples = documentation::case_examples(conn, session.id)?
        .into_iter()
        .map(case_example_response)
        .collect();
    Ok(DocumentationResponse {
        session_id: session.id,
        summary: filed.summary,
        results: filed.results,
        people_reached: session.people_reached.unwrap_or_default(),
        case_examples,
        filed_at: utc(filed.filed_at),
        version: filed.version,
    })
}

/// The documentation of a documented session: active participants and staff.
///
/// Staff and active participants who may see the session (pending or ended participants and
/// integration clients get 403); 404 for an unknown session or one not documented yet. A case
/// example names its contributor only where they did not ask to be anonymised. The `ETag` is the
/// documentation's version, which staff send as `If-Match` to correct it.
#[utoipa::path(
    tag = "sessions",
    operation_id = "get_session_documentation",
    params(("id" = i64, Path, description = "Session id.")),
    responses(
        (status = 200, description = "The documentation.", body = DocumentationResponse,
            headers(("ETag" = String, description = "The documentation's version; staff send it as `If-Match` to correct it."))),
        (status = 403, description = "Not staff and not an active participant."),
        (status = 404, description = "No such session, or not documented yet.")
    )
)]
#[get("/sessions/{id}/documentation")]
pub async fn get(
    caller: Caller,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let body = db::run(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let session = visible(conn, &viewer, id)?;
        if session.state != SessionState::Documented {
            return Err(AppError::NotFound);
        }
        let filed = documentation::find(conn, id)?.ok_or(AppError::NotFound)?;
        documentation_response(conn, &session, filed)
    })
    .await?;
    Ok(json_with_etag(body.version, &body))
}

/// A correction of a filed documentation: omitted fields keep their value.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"results": "Gemeinsame Ausschreibungen sparen Zeit und Geld."}))]
pub struct DocumentationPatch {
    /// What happened: the talks, the discussion.
    #[validate(length(min = 1, max = 10_000), custom(function = "text::multi_line"))]
    #[schema(format = "multi-line", min_length = 1, max_length = 10_000)]
    pub summary: Option<String>,
    /// The results and open questions.
    #[validate(length(min = 1, max = 10_000), custom(function = "text::multi_line"))]
    #[schema(format = "multi-line", min_length = 1, max_length = 10_000)]
    pub results: Option<String>,
}

/// Corrects the summary or results of a documented session's documentation (staff; e.g. a
/// typo, or a passage a participant asked to remove). The session stays `documented` and the
/// credits stay as they are. Audited with which texts changed, not the texts.
///
/// Staff only (others 403). Needs `If-Match` with the documentation's `ETag` (428 without it, 412
/// when it changed since); 404 for an unknown session or one not documented. Omitted fields keep
/// their text. Answers the new `ETag`. Audited as `session.documentation_corrected`.
#[utoipa::path(
    tag = "sessions",
    operation_id = "update_session_documentation",
    params(
        ("id" = i64, Path, description = "Session id."),
        ("If-Match" = String, Header, description = "The ETag (`version`) of the documentation being corrected.")
    ),
    request_body = DocumentationPatch,
    responses(
        (status = 200, description = "Corrected.", body = DocumentationResponse,
            headers(("ETag" = String, description = "The new version."))),
        (status = 404, description = "No such session, or not documented."),
        (status = 412, description = "The documentation changed since it was read."),
        (status = 428, description = "If-Match is missing.")
    )
)]
#[patch("/sessions/{id}/documentation")]
pub async fn correct(
    StaffCaller(caller): StaffCaller,
    id: web::Path<i64>,
    body: JsonObject<DocumentationPatch>,
    if_match: IfMatchHeader,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    // The precondition header first (428), then the body (422).
    let if_match = if_match.require()?;
    let body = body.into_inner()?;
    body.validate()?;
    let corrected = db::write(&pool, move |conn| {
        let session = sessions::find(conn, id)?.ok_or(AppError::NotFound)?;
        if session.state != SessionState::Documented {
            return Err(AppError::NotFound);
        }
        let current = documentation::find(conn, id)?.ok_or(AppError::NotFound)?;
        if !if_match.matches(current.version) {
            return Err(AppError::PreconditionFailed);
        }
        let summary = body
            .summary
            .as_deref()
            .map_or(current.summary.as_str(), str::trim);
        let results = body
            .results
            .as_deref()
            .map_or(current.results.as_str(), str::trim);
        let corrected = documentation::correct(
            conn,
            id,
            if_match.expected(current.version),
            summary,
            results,
        )?
        .ok_or(AppError::PreconditionFailed)?;
        let changed: Vec<&str> = audit_events::changed_fields([
            ("summary", corrected.summary != current.summary),
            ("results", corrected.results != current.results),
        ]);
        audit_events::record(
            conn,
            Change {
                actor: &caller.actor(),
                action: "session.documentation_corrected",
                entity_type: "session",
                entity_id: id.to_string(),
                before: Some(json!({ "version": current.version })),
                after: Some(json!({ "version": corrected.version, "changed": changed })),
            },
        )?;
        documentation_response(conn, &session, corrected)
    })
    .await?;
    Ok(json_with_etag(corrected.version, &corrected))
}
