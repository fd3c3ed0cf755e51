//! Request bodies shared by registration, project changes and contact edits, with their rules.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

use crate::domain::participant::{FederalState, ProjectKind};
use crate::domain::programme_time::programme_today;
use crate::domain::text;
pub use crate::domain::text::phone;
use crate::error::{AppError, FieldProblem};

/// A date that records what happened: `value`, or today when absent; a day after today is
/// invalid at `pointer`.
pub fn not_future(value: Option<NaiveDate>, pointer: &str) -> Result<NaiveDate, AppError> {
    let today = programme_today();
    let date = value.unwrap_or(today);
    if date > today {
        return Err(AppError::invalid_field(
            pointer,
            "must not be in the future",
        ));
    }
    Ok(date)
}

/// Dates the programme can have: 1990 to 2100.
pub fn plausible_date(value: &NaiveDate) -> Result<(), ValidationError> {
    let year = chrono::Datelike::year(value);
    if (1990..=2100).contains(&year) {
        Ok(())
    } else {
        Err(ValidationError::new("date_range").with_message("must be between 1990 and 2100".into()))
    }
}

/// A project as a participant or staff enter it.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[schema(example = json!({
    "kind": "permanent_position",
    "employer": "Stadt Musterstadt",
    "municipality": "Musterstadt",
    "federal_state": "NW",
    "start_date": "2026-07-01"
}))]
#[serde(deny_unknown_fields)]
pub struct ProjectInput {
    /// Kind of project.
    pub kind: ProjectKind,
    /// Employer (municipality, district or institution).
    #[validate(length(min = 1, max = 200), custom(function = "text::single_line"))]
    #[schema(
        min_length = 1,
        max_length = 200,
        format = "single-line",
        example = "Stadt Musterstadt"
    )]
    pub employer: String,
    /// Municipality or district.
    #[validate(length(min = 1, max = 200), custom(function = "text::single_line"))]
    #[schema(
        min_length = 1,
        max_length = 200,
        format = "single-line",
        example = "Musterstadt"
    )]
    pub municipality: String,
    /// Federal state.
    pub federal_state: FederalState,
    /// Funding reference (Förderkennzeichen); required for funded kinds.
    #[validate(length(min = 3, max = 40), custom(function = "text::single_line"))]
    #[schema(
        min_length = 3,
        max_length = 40,
        format = "single-line",
        example = "67K12345"
    )]
    pub funding_reference: Option<String>,
    /// First day of the project.
    #[validate(custom(function = "plausible_date"))]
    pub start_date: NaiveDate,
    /// Last day of the project, if known (not before `start_date`).
    #[validate(custom(function = "plausible_date"))]
    pub end_date: Option<NaiveDate>,
}

impl ProjectInput {
    /// Field rules plus the cross-field ones, with pointers under `prefix`.
    pub fn check(&self, prefix: &str) -> Result<(), AppError> {
        let mut problems = match self.validate() {
            Ok(()) => Vec::new(),
            Err(errors) => match AppError::from(errors) {
                AppError::Validation(list) => list,
                other => return Err(other),
            },
        };
        if self.kind.is_funded() && self.funding_reference.is_none() {
            problems.push(FieldProblem {
                pointer: "/funding_reference".to_owned(),
                detail: "is required for funded project kinds".to_owned(),
            });
        }
        if self.end_date.is_some_and(|end| end < self.start_date) {
            problems.push(FieldProblem {
                pointer: "/end_date".to_owned(),
                detail: "must not be before start_date".to_owned(),
            });
        }
        if problems.is_empty() {
            return Ok(());
        }
        for problem in &mut problems {
            problem.pointer = format!("{prefix}{}", problem.pointer);
        }
        Err(AppError::Validation(problems))
    }
}

/// Merges validation failures of several parts into one 422.
pub fn combine(results: Vec<Result<(), AppError>>) -> Result<(), AppError> {
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok(()) => {}
            Err(AppError::Validation(list)) => problems.extend(list),
            Err(other) => return Err(other),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        problems.sort_by(|a, b| a.pointer.cmp(&b.pointer));
        Err(AppError::Validation(problems))
    }
}

/// Runs `validator` rules and returns a `Result` that `combine` accepts.
pub fn validated(value: &impl Validate) -> Result<(), AppError> {
    value.validate().map_err(AppError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(kind: ProjectKind, reference: Option<&str>, end: Option<&str>) -> ProjectInput {
        ProjectInput {
            kind,
            employer: "Stadt Musterstadt".to_owned(),
            municipality: "Musterstadt".to_owned(),
            federal_state: FederalState::NW,
            funding_reference: reference.map(str::to_owned),
            start_date: "2024-01-01".parse().unwrap(),
            end_date: end.map(|d| d.parse().unwrap()),
        }
    }

    fn pointers(result: Result<(), AppError>) -> Vec<String> {
        match result {
            Err(AppError::Validation(list)) => list.into_iter().map(|p| p.pointer).collect(),
            other => panic!("expected validation failure, got {other:?}"),
        }
    }

    #[test]
    fn funded_projects_need_a_reference_and_dates_in_order() {
        assert!(
            project(ProjectKind::FirstProject, Some("67K1"), None)
                .check("")
                .is_ok()
        );
        assert!(
            project(ProjectKind::UnfundedOfficer, None, None)
                .check("")
                .is_ok()
        );
        assert_eq!(
            pointers(
                project(ProjectKind::FollowUpProject, None, Some("2023-12-31")).check("/project")
            ),
            vec!["/project/funding_reference", "/project/end_date"]
        );
    }
}
