//! Issued participation certificates: one row per distinct content of a mentor's project year,
//! found again by that content (same code) or by its verification code.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};

use crate::db::DbConnection;
use crate::db::schema::certificates;

/// A certificate as issued.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = certificates)]
pub struct Certificate {
    /// Verification code, `XXXX-XXXX-XXXX`.
    pub code: String,
    /// The mentor.
    pub participant_id: i64,
    /// The project.
    pub project_id: i64,
    /// The project year, from 1.
    pub project_year: i32,
    /// SHA-256 (hex) of the stated content.
    pub content_sha256: String,
    /// First day of the year.
    pub year_start: NaiveDate,
    /// Last day of the year.
    pub year_end: NaiveDate,
    /// Counted activities.
    pub activity_count: i32,
    /// Counted hours.
    pub total_hours: i32,
    /// The minimum, if the project kind has one.
    pub min_hours: Option<i32>,
    /// Code of the minimum's status.
    pub status: String,
    /// When it was first issued.
    pub issued_at: NaiveDateTime,
    /// When it was last handed out.
    pub last_issued_at: NaiveDateTime,
}

fn same_content(conn: &mut DbConnection, c: &Certificate) -> QueryResult<Option<Certificate>> {
    certificates::table
        .filter(certificates::participant_id.eq(c.participant_id))
        .filter(certificates::project_id.eq(c.project_id))
        .filter(certificates::project_year.eq(c.project_year))
        .filter(certificates::content_sha256.eq(&c.content_sha256))
        .select(Certificate::as_select())
        .first(conn)
        .optional()
}

/// The certificate with this content: the one issued before (marked as handed out again at
/// `candidate.last_issued_at`), else `candidate` stored under a code from `new_code`. A concurrent request issuing the same content first wins; its row is
/// returned (the insert runs in a savepoint, so the losing insert leaves the transaction usable).
pub fn issue(
    conn: &mut DbConnection,
    mut candidate: Certificate,
    mut new_code: impl FnMut() -> String,
) -> QueryResult<Certificate> {
    for _ in 0..3 {
        if let Some(mut found) = same_content(conn, &candidate)? {
            if found.last_issued_at < candidate.last_issued_at {
                diesel::update(certificates::table.find(&found.code))
                    .set(certificates::last_issued_at.eq(candidate.last_issued_at))
                    .execute(conn)?;
                found.last_issued_at = candidate.last_issued_at;
            }
            return Ok(found);
        }
        candidate.code = new_code();
        let inserted = conn.transaction(|c| {
            diesel::insert_into(certificates::table)
                .values(&candidate)
                .execute(c)
        });
        match inserted {
            Ok(_) => return Ok(candidate),
            // Either the same content was issued concurrently (found on the next round) or the
            // random code was taken (a new one is drawn).
            Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => continue,
            Err(e) => return Err(e),
        }
    }
    same_content(conn, &candidate)?.ok_or(Error::NotFound)
}

/// The certificate with `code` (canonical form), if issued.
pub fn find(conn: &mut DbConnection, code: &str) -> QueryResult<Option<Certificate>> {
    certificates::table
        .find(code)
        .select(Certificate::as_select())
        .first(conn)
        .optional()
}

/// Whether another certificate of the same mentor, project and year was handed out after this
/// one last was: its content differs, so this one no longer states the current credits.
pub fn superseded(conn: &mut DbConnection, c: &Certificate) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        certificates::table
            .filter(certificates::participant_id.eq(c.participant_id))
            .filter(certificates::project_id.eq(c.project_id))
            .filter(certificates::project_year.eq(c.project_year))
            .filter(certificates::code.ne(&c.code))
            .filter(certificates::last_issued_at.gt(c.last_issued_at)),
    ))
    .get_result(conn)
}

/// Every certificate issued for a person, oldest first (their data export).
pub fn of_participant(
    conn: &mut DbConnection,
    participant_id: i64,
) -> QueryResult<Vec<Certificate>> {
    certificates::table
        .filter(certificates::participant_id.eq(participant_id))
        .order((certificates::issued_at.asc(), certificates::code.asc()))
        .select(Certificate::as_select())
        .load(conn)
}
