//! The `formats` catalogue and the append-only `format_rules` history of their credit rules.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{format_rules, formats};
use crate::domain::catalogue::FormatGroup;
use crate::domain::format_rules::RuleTerms;

/// One row of `formats`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = formats)]
pub struct Format {
    pub code: String,
    pub group_code: FormatGroup,
    pub position: i32,
    pub name_de: String,
    pub name_en: String,
    pub description_de: String,
    pub description_en: String,
    pub version: i64,
    pub updated_at: NaiveDateTime,
}

/// One row of `format_rules`: the terms of a format from `valid_from` until the next rule starts.
///
/// `credit_hours` is `NULL` while a credit is not defined (individual mentoring: the handbook
/// calls it "not yet defined"); such a format is never bookable (a database check enforces it).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = format_rules)]
pub struct FormatRule {
    pub id: i64,
    pub format_code: String,
    pub valid_from: NaiveDate,
    pub credit_hours: Option<i32>,
    pub alt_credit_hours: Option<i32>,
    pub yearly_limit: Option<i32>,
    pub mentors_per_instance: Option<i32>,
    pub bookable: bool,
    pub created_by_account_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

impl FormatRule {
    /// What the rule says, for the pure rules in [`crate::domain::format_rules`].
    pub fn terms(&self) -> RuleTerms {
        RuleTerms {
            credit_hours: self.credit_hours,
            alt_credit_hours: self.alt_credit_hours,
            yearly_limit: self.yearly_limit,
            mentors_per_instance: self.mentors_per_instance,
            bookable: self.bookable,
        }
    }
}

/// Insert form for `format_rules`.
#[derive(Debug, Insertable)]
#[diesel(table_name = format_rules)]
pub struct NewFormatRule<'a> {
    pub format_code: &'a str,
    pub valid_from: NaiveDate,
    pub credit_hours: Option<i32>,
    pub alt_credit_hours: Option<i32>,
    pub yearly_limit: Option<i32>,
    pub mentors_per_instance: Option<i32>,
    pub bookable: bool,
    pub created_by_account_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// Every format in the handbook's order.
pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<Format>> {
    formats::table
        .order((formats::position.asc(), formats::code.asc()))
        .load(conn)
}

/// The format with this code, if any.
pub fn find(conn: &mut DbConnection, code: &str) -> QueryResult<Option<Format>> {
    formats::table.find(code).first(conn).optional()
}

/// Every rule of every format, per format oldest first.
pub fn all_rules(conn: &mut DbConnection) -> QueryResult<Vec<FormatRule>> {
    format_rules::table
        .order((
            format_rules::format_code.asc(),
            format_rules::valid_from.asc(),
        ))
        .load(conn)
}

/// The rule history of one format, oldest first.
pub fn rules_of(conn: &mut DbConnection, code: &str) -> QueryResult<Vec<FormatRule>> {
    format_rules::table
        .filter(format_rules::format_code.eq(code))
        .order(format_rules::valid_from.asc())
        .load(conn)
}

/// The rule of format `code` that applied on `date`: the one with the latest `valid_from` not
/// after `date`.
///
/// This is the function every credit calculation must use (sessions, forum sponsorships,
/// practice tips, credit reports): pass the date the credit was earned, never today, so a rule
/// change from a later date leaves earned credits as they were. Rules are append-only and start
/// no earlier than the day they are made, so the answer for a past date never changes.
/// `None` when the format does not exist or `date` lies before its first rule (the seeded rules
/// start on 2020-01-01).
pub fn rule_on(
    conn: &mut DbConnection,
    code: &str,
    date: NaiveDate,
) -> QueryResult<Option<FormatRule>> {
    format_rules::table
        .filter(format_rules::format_code.eq(code))
        .filter(format_rules::valid_from.le(date))
        .order(format_rules::valid_from.desc())
        .first(conn)
        .optional()
}

/// Bumps the format's version if it still is `expected` (the `If-Match` check as one
/// conditional write); returns the number of rows changed (0: stale or unknown).
pub fn bump_version(
    conn: &mut DbConnection,
    code: &str,
    expected: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        formats::table
            .filter(formats::code.eq(code))
            .filter(formats::version.eq(expected)),
    )
    .set((
        formats::version.eq(formats::version + 1),
        formats::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Appends a rule and returns it.
pub fn insert_rule(conn: &mut DbConnection, new: &NewFormatRule<'_>) -> QueryResult<FormatRule> {
    diesel::insert_into(format_rules::table)
        .values(new)
        .returning(format_rules::all_columns)
        .get_result(conn)
}
