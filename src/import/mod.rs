//! Bulk imports the programme office runs, over HTTP (`POST /imports/…`) or the CLI
//! (`import participants FILE`, `import activities FILE`): the file is read and checked by
//! `domain::import`, then every row is applied in the caller's one transaction, so a file lands
//! whole or not at all.

pub mod activities;
pub mod participants;

pub use activities::{ActivityReport, ImportedActivity, import_activities};
pub use participants::{ImportReport, ImportedRow, import_participants};

use crate::domain::import::CellProblem;
use crate::error::{AppError, FieldProblem};

/// A file's problems as one 422, each at `/lines/{line}/{column}` (the line alone when the
/// whole line is wrong, the body when the file is).
pub fn refusal(problems: Vec<CellProblem>) -> AppError {
    AppError::Validation(
        problems
            .into_iter()
            .map(|problem| FieldProblem {
                pointer: pointer_of(&problem),
                detail: problem.reason,
            })
            .collect(),
    )
}

fn pointer_of(problem: &CellProblem) -> String {
    let escape = |s: &str| s.replace('~', "~0").replace('/', "~1");
    match (problem.line, problem.column.as_str()) {
        (0, _) => String::new(),
        (line, "") => format!("/lines/{line}"),
        (line, column) => format!("/lines/{line}/{}", escape(column)),
    }
}
