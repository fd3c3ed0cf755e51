//! The `projects` table: a participant's dated projects, appended; only staff correct one.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::bound_list::in_ids;
use crate::db::schema::projects;
use crate::domain::participant::FederalState;
use crate::domain::participant::{ProjectDates, ProjectKind, current_project};
use crate::on_backend;

/// One row of `projects`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = projects)]
pub struct Project {
    pub id: i64,
    pub participant_id: i64,
    pub kind: ProjectKind,
    pub employer: String,
    pub municipality: String,
    pub federal_state: FederalState,
    pub funding_reference: Option<String>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub version: i64,
}

impl Project {
    /// Its dates, for the rules in `domain`.
    pub fn dates(&self) -> ProjectDates {
        ProjectDates {
            id: self.id,
            start: self.start_date,
            end: self.end_date,
        }
    }
}

/// Insert form for `projects`.
#[derive(Debug, Insertable)]
#[diesel(table_name = projects)]
pub struct NewProject<'a> {
    pub participant_id: i64,
    pub kind: ProjectKind,
    pub employer: &'a str,
    pub municipality: &'a str,
    pub federal_state: FederalState,
    pub funding_reference: Option<&'a str>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// Inserts a project.
pub fn insert(conn: &mut DbConnection, new: &NewProject<'_>) -> QueryResult<Project> {
    diesel::insert_into(projects::table)
        .values(new)
        .returning(projects::all_columns)
        .get_result(conn)
}

/// A participant's projects, oldest first.
pub fn of_participant(conn: &mut DbConnection, participant_id: i64) -> QueryResult<Vec<Project>> {
    projects::table
        .filter(projects::participant_id.eq(participant_id))
        .order((projects::start_date.asc(), projects::id.asc()))
        .load(conn)
}

/// The projects of many participants at once (one query for a whole page).
pub fn of_participants(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Project>> {
    on_backend!(conn, |c| {
        projects::table
            .filter(in_ids(projects::participant_id, ids))
            .order((projects::start_date.asc(), projects::id.asc()))
            .load(c)
    })
}

/// The current project on `today` of each of many participants (one query); participants
/// without one are absent.
pub fn current_of_participants(
    conn: &mut DbConnection,
    ids: &[i64],
    today: NaiveDate,
) -> QueryResult<HashMap<i64, Project>> {
    let mut by_participant: HashMap<i64, Vec<Project>> = HashMap::new();
    for project in of_participants(conn, ids)? {
        by_participant
            .entry(project.participant_id)
            .or_default()
            .push(project);
    }
    Ok(by_participant
        .into_iter()
        .filter_map(|(id, own)| current(&own, today).cloned().map(|c| (id, c)))
        .collect())
}

/// The current project among `projects` on `today` (see `domain::participant::current_project`).
pub fn current(projects: &[Project], today: NaiveDate) -> Option<&Project> {
    let dates: Vec<ProjectDates> = projects.iter().map(Project::dates).collect();
    let id = current_project(&dates, today)?;
    projects.iter().find(|p| p.id == id)
}

/// A staff correction of a project's fields.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = projects, treat_none_as_null = true)]
pub struct ProjectCorrection<'a> {
    pub kind: ProjectKind,
    pub employer: &'a str,
    pub municipality: &'a str,
    pub federal_state: FederalState,
    pub funding_reference: Option<&'a str>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
}

/// Applies `correction` if the project is still at `expected_version` (one conditional write);
/// `None` when it was changed in between.
pub fn correct(
    conn: &mut DbConnection,
    id: i64,
    expected_version: i64,
    correction: &ProjectCorrection<'_>,
) -> QueryResult<Option<Project>> {
    diesel::update(
        projects::table
            .filter(projects::id.eq(id))
            .filter(projects::version.eq(expected_version)),
    )
    .set((correction, projects::version.eq(projects::version + 1)))
    .returning(projects::all_columns)
    .get_result(conn)
    .optional()
}

/// Blanks the identifying fields of a participant's projects (erasure); kind and dates stay.
pub fn anonymise(conn: &mut DbConnection, participant_id: i64) -> QueryResult<()> {
    diesel::update(projects::table.filter(projects::participant_id.eq(participant_id)))
        .set((
            projects::employer.eq("—"),
            projects::municipality.eq("—"),
            projects::funding_reference.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}
