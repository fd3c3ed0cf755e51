//! The `contact_sheets` table: one signed scan per project.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::bound_list::in_ids;
use crate::db::schema::{contact_sheets, projects};
use crate::on_backend;

/// A sheet without its content.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = contact_sheets)]
pub struct SheetInfo {
    pub id: i64,
    pub project_id: i64,
    pub content_type: String,
    pub size_bytes: i64,
    pub uploaded_by: i64,
    pub uploaded_at: NaiveDateTime,
    pub confirmed_by: Option<i64>,
    pub confirmed_at: Option<NaiveDateTime>,
}

/// Stores (or replaces, while unconfirmed) the sheet of a project.
pub fn upsert(
    conn: &mut DbConnection,
    project_id: i64,
    content_type: &str,
    content: &[u8],
    uploaded_by: i64,
    now: NaiveDateTime,
) -> QueryResult<SheetInfo> {
    diesel::delete(contact_sheets::table.filter(contact_sheets::project_id.eq(project_id)))
        .execute(conn)?;
    diesel::insert_into(contact_sheets::table)
        .values((
            contact_sheets::project_id.eq(project_id),
            contact_sheets::content_type.eq(content_type),
            contact_sheets::content.eq(content),
            contact_sheets::size_bytes.eq(content.len() as i64),
            contact_sheets::uploaded_by.eq(uploaded_by),
            contact_sheets::uploaded_at.eq(now),
        ))
        .execute(conn)?;
    info(conn, project_id)?.ok_or(diesel::result::Error::NotFound)
}

/// The sheet of a project, without content.
pub fn info(conn: &mut DbConnection, project_id: i64) -> QueryResult<Option<SheetInfo>> {
    contact_sheets::table
        .filter(contact_sheets::project_id.eq(project_id))
        .select(SheetInfo::as_select())
        .first(conn)
        .optional()
}

/// The sheets of all projects of a participant, without content.
pub fn of_participant(conn: &mut DbConnection, participant_id: i64) -> QueryResult<Vec<SheetInfo>> {
    contact_sheets::table
        .inner_join(projects::table)
        .filter(projects::participant_id.eq(participant_id))
        .select(SheetInfo::as_select())
        .load(conn)
}

/// The sheets of the given projects, without content (one query).
pub fn of_projects(conn: &mut DbConnection, project_ids: &[i64]) -> QueryResult<Vec<SheetInfo>> {
    on_backend!(conn, |c| {
        contact_sheets::table
            .filter(in_ids(contact_sheets::project_id, project_ids))
            .select(SheetInfo::as_select())
            .load(c)
    })
}

/// The stored content type and bytes of a project's sheet.
pub fn content(conn: &mut DbConnection, project_id: i64) -> QueryResult<Option<(String, Vec<u8>)>> {
    contact_sheets::table
        .filter(contact_sheets::project_id.eq(project_id))
        .select((contact_sheets::content_type, contact_sheets::content))
        .first(conn)
        .optional()
}

/// Marks a sheet as checked by staff.
pub fn confirm(
    conn: &mut DbConnection,
    project_id: i64,
    by: i64,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(contact_sheets::table.filter(contact_sheets::project_id.eq(project_id)))
        .set((
            contact_sheets::confirmed_by.eq(by),
            contact_sheets::confirmed_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Deletes every sheet of a participant (erasure: the scans are pure personal data).
pub fn delete_of_participant(conn: &mut DbConnection, participant_id: i64) -> QueryResult<usize> {
    let project_ids = projects::table
        .filter(projects::participant_id.eq(participant_id))
        .select(projects::id);
    diesel::delete(contact_sheets::table.filter(contact_sheets::project_id.eq_any(project_ids)))
        .execute(conn)
}
