//! The `credits` ledger: what each mentor was credited for, when, and under which catalogue rule.
//!
//! Every credit is written here by [`grant`], in the transaction of the change that earns it, and
//! nowhere else; reports only read this table.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::code_enum;
use crate::db::DbConnection;
use crate::db::models::formats;
use crate::db::schema::credits;
use crate::domain::credit::granted_hours;
use crate::domain::credit::totals::Counted;
use crate::error::AppError;

code_enum! {
    /// The kind of activity a credit was earned for.
    pub enum CreditSource {
        /// A documented team-mentoring session (one credit per mentor).
        Session = "session", "Mentoring-Session", "Mentoring session";
        /// A completed (or, by staff decision, withdrawn) forum sponsorship.
        ForumSponsorship = "forum_sponsorship", "Forenpatenschaft", "Forum sponsorship";
        /// A published practice tip.
        PracticeTip = "practice_tip", "Praxistipp", "Practice tip";
        /// A contact of an individual-mentoring pair (one credit for its mentor).
        IndividualContact = "individual_contact", "Individuelles Mentoring", "Individual mentoring";
    }
}

/// One row of `credits`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = credits)]
pub struct Credit {
    pub id: i64,
    pub participant_id: i64,
    pub format_code: String,
    pub source_kind: CreditSource,
    pub source_id: i64,
    pub earned_on: NaiveDate,
    pub hours: i32,
    pub format_rule_id: i64,
    pub revoked_at: Option<NaiveDateTime>,
    pub revoked_reason: Option<String>,
    pub created_at: NaiveDateTime,
}

impl Credit {
    /// The row as the sums in [`crate::domain::credit::totals`] see it.
    pub fn counted(&self) -> Counted<'_> {
        Counted {
            format_code: &self.format_code,
            hours: self.hours,
            revoked: self.revoked_at.is_some(),
        }
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = credits)]
struct NewCredit<'a> {
    participant_id: i64,
    format_code: &'a str,
    source_kind: CreditSource,
    source_id: i64,
    earned_on: NaiveDate,
    hours: i32,
    format_rule_id: i64,
    created_at: NaiveDateTime,
}

/// What earns a credit: who, for which activity of which format, on which day.
#[derive(Debug, Clone, Copy)]
pub struct Earning<'a> {
    pub participant_id: i64,
    pub format_code: &'a str,
    pub source: CreditSource,
    pub source_id: i64,
    pub earned_on: NaiveDate,
    /// The option the mentor chose where the rule offers two (`credit_hours` or
    /// `alt_credit_hours`, e.g. 20 h or 40 h for a forum sponsorship); `None`: the rule's
    /// `credit_hours`.
    pub chosen_hours: Option<i32>,
}

/// Writes the credit for `earning` with the hours of the format's rule on `earned_on`.
/// Idempotent per (source, participant): granting twice returns the first row.
/// Fails with 409 when the format has no credit rule on that day or the chosen hours are not
/// one of the rule's options.
pub fn grant(
    conn: &mut DbConnection,
    earning: &Earning<'_>,
    now: NaiveDateTime,
) -> Result<Credit, AppError> {
    if let Some(existing) = find(
        conn,
        earning.source,
        earning.source_id,
        earning.participant_id,
    )? {
        return Ok(existing);
    }
    let rule = formats::rule_on(conn, earning.format_code, earning.earned_on)?;
    let Some((rule, default_hours)) = rule.and_then(|r| r.credit_hours.map(|h| (r, h))) else {
        return Err(AppError::Conflict(format!(
            "the format `{}` has no credit rule on {}",
            earning.format_code, earning.earned_on
        )));
    };
    let Some(hours) = granted_hours(default_hours, rule.alt_credit_hours, earning.chosen_hours)
    else {
        return Err(AppError::Conflict(format!(
            "{} hours is not a credit option of `{}` on {}",
            earning.chosen_hours.unwrap_or_default(),
            earning.format_code,
            earning.earned_on
        )));
    };
    let row = diesel::insert_into(credits::table)
        .values(&NewCredit {
            participant_id: earning.participant_id,
            format_code: earning.format_code,
            source_kind: earning.source,
            source_id: earning.source_id,
            earned_on: earning.earned_on,
            hours,
            format_rule_id: rule.id,
            created_at: now,
        })
        .returning(credits::all_columns)
        .get_result(conn)?;
    Ok(row)
}

/// The credit of one participant for one activity, if any.
pub fn find(
    conn: &mut DbConnection,
    source: CreditSource,
    source_id: i64,
    participant_id: i64,
) -> QueryResult<Option<Credit>> {
    credits::table
        .filter(credits::source_kind.eq(source))
        .filter(credits::source_id.eq(source_id))
        .filter(credits::participant_id.eq(participant_id))
        .first(conn)
        .optional()
}

/// Every credit (revoked ones too) of an activity, e.g. all mentors of a session.
pub fn of_source(
    conn: &mut DbConnection,
    source: CreditSource,
    source_id: i64,
) -> QueryResult<Vec<Credit>> {
    credits::table
        .filter(credits::source_kind.eq(source))
        .filter(credits::source_id.eq(source_id))
        .order(credits::participant_id.asc())
        .load(conn)
}

/// Revokes the (not yet revoked) credits of an activity with a reason; returns how many.
pub fn revoke(
    conn: &mut DbConnection,
    source: CreditSource,
    source_id: i64,
    reason: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        credits::table
            .filter(credits::source_kind.eq(source))
            .filter(credits::source_id.eq(source_id))
            .filter(credits::revoked_at.is_null()),
    )
    .set((
        credits::revoked_at.eq(now),
        credits::revoked_reason.eq(reason),
    ))
    .execute(conn)
}

/// A participant's credits (revoked ones too) earned in `[from, until)`, by date.
pub fn of_participant(
    conn: &mut DbConnection,
    participant_id: i64,
    from: NaiveDate,
    until: NaiveDate,
) -> QueryResult<Vec<Credit>> {
    credits::table
        .filter(credits::participant_id.eq(participant_id))
        .filter(credits::earned_on.ge(from))
        .filter(credits::earned_on.lt(until))
        .order((credits::earned_on.asc(), credits::id.asc()))
        .load(conn)
}
