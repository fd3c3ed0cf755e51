//! The `forums` table: the community's topic forums, which mentors sponsor.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::forums;
use crate::domain::catalogue::ForumAudience;
use crate::error::AppError;

/// One row of `forums`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = forums)]
pub struct Forum {
    pub id: i64,
    pub code: String,
    pub name_de: String,
    pub name_en: String,
    pub audience: ForumAudience,
    pub retired_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub version: i64,
}

/// Insert form for `forums`.
#[derive(Debug, Insertable)]
#[diesel(table_name = forums)]
pub struct NewForum<'a> {
    pub code: &'a str,
    pub name_de: &'a str,
    pub name_en: &'a str,
    pub audience: ForumAudience,
    pub created_at: NaiveDateTime,
    pub version: i64,
}

/// Forums in id order (the seeded ones in the handbook's order), retired ones only on request.
pub fn list(conn: &mut DbConnection, include_retired: bool) -> QueryResult<Vec<Forum>> {
    let mut query = forums::table.order(forums::id.asc()).into_boxed();
    if !include_retired {
        query = query.filter(forums::retired_at.is_null());
    }
    query.load(conn)
}

/// The forum with this id, if any (retired ones too).
pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Forum>> {
    forums::table.find(id).first(conn).optional()
}

/// Whether a forum (active or retired) has this code.
pub fn code_exists(conn: &mut DbConnection, code: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        forums::table.filter(forums::code.eq(code)),
    ))
    .get_result(conn)
}

/// How many forums are not retired.
pub fn count_active(conn: &mut DbConnection) -> QueryResult<i64> {
    forums::table
        .filter(forums::retired_at.is_null())
        .count()
        .get_result(conn)
}

/// Serialises forum creation: updates the `forums` lock row, which blocks every other
/// transaction doing the same until this one ends. Call it first in the transaction, before
/// counting. (SQLite's `BEGIN IMMEDIATE` already serialises writers; on PostgreSQL the row lock
/// does, portably, where `SELECT ... FOR UPDATE` on the count would not.)
pub fn lock_creation(conn: &mut DbConnection) -> Result<(), AppError> {
    crate::db::models::locks::acquire(conn, "forums")
}

/// Inserts a forum and returns the stored row.
pub fn insert(conn: &mut DbConnection, new: &NewForum<'_>) -> QueryResult<Forum> {
    diesel::insert_into(forums::table)
        .values(new)
        .returning(forums::all_columns)
        .get_result(conn)
}

/// Retires the forum if it is active (one conditional write); `None` when it was not.
pub fn retire(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<Option<Forum>> {
    diesel::update(
        forums::table
            .filter(forums::id.eq(id))
            .filter(forums::retired_at.is_null()),
    )
    .set((
        forums::retired_at.eq(now),
        forums::version.eq(forums::version + 1),
    ))
    .returning(forums::all_columns)
    .get_result(conn)
    .optional()
}
