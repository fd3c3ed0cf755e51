//! Reads behind the yearly statistics (`GET /statistics`): participation periods, the people
//! and the activities of a calendar year. The credits come from `credit_reports::in_period`.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::bound_list::{in_codes, in_ids};
use crate::db::models::participants::Participant;
use crate::db::models::participations::Participation;
use crate::db::schema::{
    forum_sponsorships, participants, participations, practice_tips, sessions,
};
use crate::domain::practice_tip::TipState;
use crate::domain::session::SessionState;
use crate::domain::sponsorship::SponsorshipState;

/// Every participation period that began before `until`, by participant.
pub fn periods_before(
    conn: &mut DbConnection,
    until: NaiveDate,
) -> QueryResult<Vec<Participation>> {
    participations::table
        .filter(participations::started_on.lt(until))
        .order((
            participations::participant_id.asc(),
            participations::id.asc(),
        ))
        .load(conn)
}

/// The participants with these ids (erased ones too: they are counted, never named).
pub fn participants_by_ids(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Participant>> {
    participants::table
        .filter(in_ids(participants::id, ids))
        .order(participants::id.asc())
        .select(Participant::as_select())
        .load(conn)
}

/// Sessions held or documented in a calendar year: `(format, start, people reached)`.
pub fn held_sessions(
    conn: &mut DbConnection,
    year: i32,
) -> QueryResult<Vec<(String, NaiveDateTime, Option<i32>)>> {
    sessions::table
        .filter(sessions::calendar_year.eq(year))
        .filter(in_codes(
            sessions::state,
            [SessionState::Held, SessionState::Documented],
        ))
        .order((sessions::starts_at.asc(), sessions::id.asc()))
        .select((
            sessions::format_code,
            sessions::starts_at,
            sessions::people_reached,
        ))
        .load(conn)
}

/// Forum sponsorships completed whose (effective) last day lies in `[from, until)`.
pub fn sponsorships_completed(
    conn: &mut DbConnection,
    from: NaiveDate,
    until: NaiveDate,
) -> QueryResult<i64> {
    forum_sponsorships::table
        .filter(forum_sponsorships::state.eq(SponsorshipState::Completed))
        .filter(forum_sponsorships::effective_ends_on.ge(from))
        .filter(forum_sponsorships::effective_ends_on.lt(until))
        .count()
        .get_result(conn)
}

/// Practice tips published (and still so) at an instant in `[from, until)` (UTC, as stored).
pub fn tips_published(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<i64> {
    practice_tips::table
        .filter(practice_tips::state.eq(TipState::Published))
        .filter(practice_tips::published_at.ge(from))
        .filter(practice_tips::published_at.lt(until))
        .count()
        .get_result(conn)
}
