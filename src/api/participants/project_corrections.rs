//! Staff correct a recorded project in place (a typo in the funding reference, a wrong kind or
//! date): `PATCH` with `If-Match`, audited with the fields before and after. A correction keeps
//! the participant's project periods free of overlaps, as a new project must.

use actix_web::{HttpResponse, patch, web};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;
use validator::Validate;

use super::input::{ProjectInput, plausible_date};
use super::views::ProjectResponse;
use crate::api::access::existing;
use crate::api::http::etag::{IfMatchHeader, json_with_etag};
use crate::api::http::json_object::{JsonObject, present};
use crate::auth::StaffCaller;
use crate::db::models::audit_events::{self, Change};
use crate::db::models::participants;
use crate::db::models::projects::{self, Project, ProjectCorrection};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::participant::{FederalState, ProjectDates, ProjectKind, check_no_overlap};
use crate::domain::text;
use crate::error::AppError;

/// A correction of a project: omitted fields keep their value; `null` clears the funding
/// reference or the end date. The result must satisfy the rules of a new project.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(example = json!({"funding_reference": "67K23465", "end_date": "2026-12-31"}))]
#[serde(deny_unknown_fields)]
pub struct ProjectPatch {
    /// Kind of project.
    pub kind: Option<ProjectKind>,
    /// Employer (municipality, district or institution).
    #[validate(length(min = 1, max = 200), custom(function = "text::single_line"))]
    #[schema(min_length = 1, max_length = 200, format = "single-line")]
    pub employer: Option<String>,
    /// Municipality or district.
    #[validate(length(min = 1, max = 200), custom(function = "text::single_line"))]
    #[schema(min_length = 1, max_length = 200, format = "single-line")]
    pub municipality: Option<String>,
    /// Federal state.
    pub federal_state: Option<FederalState>,
    /// Funding reference (Förderkennzeichen); required for funded kinds; `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, min_length = 3, max_length = 40, format = "single-line")]
    pub funding_reference: Option<Option<String>>,
    /// First day of the project.
    pub start_date: Option<chrono::NaiveDate>,
    /// Last day of the project (not before `start_date`); `null`: open end.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<chrono::NaiveDate>)]
    pub end_date: Option<Option<chrono::NaiveDate>>,
}

impl ProjectPatch {
    /// The project as it would be after the correction, in the shape a new project is checked in.
    fn applied_to(&self, p: &Project) -> ProjectInput {
        ProjectInput {
            kind: self.kind.unwrap_or(p.kind),
            employer: self.employer.clone().unwrap_or_else(|| p.employer.clone()),
            municipality: self
                .municipality
                .clone()
                .unwrap_or_else(|| p.municipality.clone()),
            federal_state: self.federal_state.unwrap_or(p.federal_state),
            funding_reference: self
                .funding_reference
                .clone()
                .unwrap_or_else(|| p.funding_reference.clone()),
            start_date: self.start_date.unwrap_or(p.start_date),
            end_date: self.end_date.unwrap_or(p.end_date),
        }
    }

    /// The rules each given field obeys on its own (the merged project is checked later).
    fn check_fields(&self) -> Result<(), AppError> {
        self.validate()?;
        let mut problems = Vec::new();
        if let Some(Some(reference)) = &self.funding_reference {
            // The reference's own rules are those of a new project's; only its field is kept.
            let probe = ProjectInput {
                kind: ProjectKind::UnfundedOfficer,
                employer: "x".to_owned(),
                municipality: "x".to_owned(),
                federal_state: FederalState::BE,
                funding_reference: Some(reference.clone()),
                start_date: chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default(),
                end_date: None,
            };
            if let Err(AppError::Validation(list)) = probe.validate().map_err(AppError::from) {
                problems.extend(list);
            }
        }
        for (pointer, date) in [
            ("/start_date", self.start_date),
            ("/end_date", self.end_date.flatten()),
        ] {
            if let Some(Err(e)) = date.as_ref().map(plausible_date) {
                problems.push(crate::error::FieldProblem {
                    pointer: pointer.to_owned(),
                    detail: e
                        .message
                        .map_or_else(|| "is invalid".to_owned(), |m| m.to_string()),
                });
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(problems))
        }
    }
}

/// The audited fields of a project.
fn audited(p: &Project) -> Value {
    json!({
        "project_id": p.id,
        "version": p.version,
        "kind": p.kind,
        "employer": p.employer,
        "municipality": p.municipality,
        "federal_state": p.federal_state,
        "funding_reference": p.funding_reference,
        "start_date": p.start_date,
        "end_date": p.end_date,
    })
}

fn correct(
    conn: &mut DbConnection,
    caller: &crate::auth::Caller,
    id: i64,
    project_id: i64,
    if_match: crate::api::http::etag::IfMatch,
    body: &ProjectPatch,
) -> Result<Project, AppError> {
    existing(conn, id)?;
    // Serialises project changes of this participant: the overlap check below and the write
    // cannot interleave with another correction or a new project.
    participants::lock(conn, id)?;
    let all = projects::of_participant(conn, id)?;
    let current = all
        .iter()
        .find(|p| p.id == project_id)
        .ok_or(AppError::NotFound)?;
    if !if_match.matches(current.version) {
        return Err(AppError::PreconditionFailed);
    }
    let merged = body.applied_to(current);
    merged.check("")?;
    let dates: Vec<ProjectDates> = all.iter().map(Project::dates).collect();
    let period = ProjectDates {
        id: project_id,
        start: merged.start_date,
        end: merged.end_date,
    };
    check_no_overlap(period, &dates)?;
    let correction = ProjectCorrection {
        kind: merged.kind,
        employer: merged.employer.trim(),
        municipality: merged.municipality.trim(),
        federal_state: merged.federal_state,
        funding_reference: merged.funding_reference.as_deref().map(str::trim),
        start_date: merged.start_date,
        end_date: merged.end_date,
    };
    let corrected = projects::correct(
        conn,
        project_id,
        if_match.expected(current.version),
        &correction,
    )?
    .ok_or(AppError::PreconditionFailed)?;
    audit_events::record(
        conn,
        Change {
            actor: &caller.actor(),
            action: "project.corrected",
            entity_type: "participant",
            entity_id: id.to_string(),
            before: Some(audited(current)),
            after: Some(audited(&corrected)),
        },
    )?;
    Ok(corrected)
}

/// Corrects a recorded project in place.
///
/// Staff only, e.g. for a typo in the funding reference or a wrong kind or date (a real change
/// of job or phase is a new project, § 5.3). Needs `If-Match` with the project's `version` as
/// ETag (missing: 428, outdated: 412). Omitted fields stay; `null` clears the funding reference
/// or the end date. The result obeys the rules of a new project (dates in 1990–2100, the end
/// not before the start, a funding reference for funded kinds), and its period may not overlap
/// another project of the participant (422 at the date to change). Audited with the fields
/// before and after.
#[utoipa::path(
    tag = "participants",
    operation_id = "update_project",
    params(
        ("id" = i64, Path, description = "Participant id."),
        ("project_id" = i64, Path, description = "Project id."),
        ("If-Match" = String, Header, description = "The ETag (`version`) of the project being corrected.")
    ),
    request_body = ProjectPatch,
    responses(
        (status = 200, description = "Corrected.", body = ProjectResponse,
            headers(("ETag" = String, description = "The new version."))),
        (status = 412, description = "The project changed since it was read."),
        (status = 428, description = "If-Match is missing.")
    )
)]
#[patch("/participants/{id}/projects/{project_id}")]
pub async fn update_project(
    StaffCaller(caller): StaffCaller,
    path: web::Path<(i64, i64)>,
    body: JsonObject<ProjectPatch>,
    if_match: IfMatchHeader,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let (id, project_id) = path.into_inner();
    // The precondition header first (428), then the body (422).
    let if_match = if_match.require()?;
    let body = body.into_inner()?;
    body.check_fields()?;
    let corrected = db::write(&pool, move |conn| {
        correct(conn, &caller, id, project_id, if_match, &body)
    })
    .await?;
    Ok(json_with_etag(
        corrected.version,
        &ProjectResponse::from(&corrected),
    ))
}
