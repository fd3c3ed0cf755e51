//! The `participations` table: periods from activation (or re-joining) to ending.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::participations;

/// One row of `participations`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = participations)]
pub struct Participation {
    pub id: i64,
    pub participant_id: i64,
    pub started_on: NaiveDate,
    pub started_by: i64,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
    pub ended_by: Option<i64>,
}

/// Opens a period.
pub fn start(
    conn: &mut DbConnection,
    participant_id: i64,
    on: NaiveDate,
    by: i64,
) -> QueryResult<()> {
    diesel::insert_into(participations::table)
        .values((
            participations::participant_id.eq(participant_id),
            participations::started_on.eq(on),
            participations::started_by.eq(by),
        ))
        .execute(conn)?;
    Ok(())
}

/// Closes the open period, if any.
pub fn end(
    conn: &mut DbConnection,
    participant_id: i64,
    on: NaiveDate,
    reason: &str,
    by: i64,
) -> QueryResult<()> {
    diesel::update(
        participations::table
            .filter(participations::participant_id.eq(participant_id))
            .filter(participations::ended_on.is_null()),
    )
    .set((
        participations::ended_on.eq(on),
        participations::end_reason.eq(reason),
        participations::ended_by.eq(by),
    ))
    .execute(conn)?;
    Ok(())
}

/// A participant's periods, oldest first.
pub fn of_participant(
    conn: &mut DbConnection,
    participant_id: i64,
) -> QueryResult<Vec<Participation>> {
    participations::table
        .filter(participations::participant_id.eq(participant_id))
        .order(participations::id.asc())
        .load(conn)
}

/// Blanks free-text reasons (erasure).
pub fn anonymise(conn: &mut DbConnection, participant_id: i64) -> QueryResult<()> {
    diesel::update(participations::table.filter(participations::participant_id.eq(participant_id)))
        .set(participations::end_reason.eq(None::<String>))
        .execute(conn)?;
    Ok(())
}
