//! Reads behind the credit reports and the programme dashboard (the ledger is written only by
//! `credits`).

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::bound_list::in_codes;
use crate::db::models::credits::Credit;
use crate::db::models::participants::Participant;
use crate::db::schema::{credits, participants, participations, sessions};
use crate::domain::participant::ParticipantStatus;
use crate::domain::session::SessionState;

/// Every credit of a participant (revoked ones too), by date: a mentor's whole history is a few
/// hundred rows at most, read through the `(participant_id, earned_on)` index.
pub fn history(conn: &mut DbConnection, participant_id: i64) -> QueryResult<Vec<Credit>> {
    credits::table
        .filter(credits::participant_id.eq(participant_id))
        .order((credits::earned_on.asc(), credits::id.asc()))
        .load(conn)
}

/// Every credit (revoked ones too) earned in `[from, until)`, by participant and date.
pub fn in_period(
    conn: &mut DbConnection,
    from: NaiveDate,
    until: NaiveDate,
) -> QueryResult<Vec<Credit>> {
    credits::table
        .filter(credits::earned_on.ge(from))
        .filter(credits::earned_on.lt(until))
        .order((
            credits::participant_id.asc(),
            credits::earned_on.asc(),
            credits::id.asc(),
        ))
        .load(conn)
}

/// The mentors a staff overview lists: past registration (active or ended), and holding the
/// mentor role or credited in `[from, until)`. Erased mentors stay (their credits are funding
/// evidence); the overview shows them without a name.
pub fn mentors(
    conn: &mut DbConnection,
    from: NaiveDate,
    until: NaiveDate,
) -> QueryResult<Vec<Participant>> {
    let credited = credits::table
        .filter(credits::earned_on.ge(from))
        .filter(credits::earned_on.lt(until))
        .select(credits::participant_id);
    participants::table
        .filter(participants::status.ne(ParticipantStatus::Pending))
        .filter(
            participants::is_mentor
                .eq(true)
                .or(participants::id.eq_any(credited)),
        )
        .order(participants::id.asc())
        .load(conn)
}

/// Participants (not erased) who took part at some time in `[from, until)`.
pub fn taking_part(
    conn: &mut DbConnection,
    from: NaiveDate,
    until: NaiveDate,
) -> QueryResult<Vec<Participant>> {
    let in_period = participations::table
        .filter(participations::started_on.lt(until))
        .filter(
            participations::ended_on
                .is_null()
                .or(participations::ended_on.ge(from)),
        )
        .select(participations::participant_id);
    participants::table
        .filter(participants::erased_at.is_null())
        .filter(participants::id.eq_any(in_period))
        .order(participants::id.asc())
        .load(conn)
}

/// Sessions per format that use capacity (approved, held, documented) in a calendar year.
pub fn sessions_per_format(conn: &mut DbConnection, year: i32) -> QueryResult<Vec<(String, i64)>> {
    let using = [
        SessionState::Approved,
        SessionState::Held,
        SessionState::Documented,
    ];
    sessions::table
        .filter(sessions::calendar_year.eq(year))
        .filter(in_codes(sessions::state, using))
        .group_by(sessions::format_code)
        .select((sessions::format_code, diesel::dsl::count_star()))
        .load(conn)
}
