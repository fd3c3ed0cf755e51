//! `column IN (list)` with the whole list bound as one parameter, so the statement text is the
//! same for every list and the prepared statement is cached.
//!
//! diesel's `eq_any` with a runtime list writes `IN (?, ?, …)` on SQLite, one parameter per value,
//! and marks the statement as not cacheable: every list page re-parsed its follow-up queries
//! (about a quarter of a SQLite session page's CPU). Here SQLite reads a JSON array bound as text
//! (`IN (SELECT value FROM json_each(?))`) and PostgreSQL an array literal cast to an array
//! (`= ANY(CAST(? AS BIGINT[]))`, the plan diesel's own `= ANY($1)` gets). Lists in queries should
//! use [`in_ids`] / [`in_codes`] rather than `eq_any` with values (a `Vec`, a slice or a constant
//! array alike); `eq_any` stays right for a subquery, which is cached as it is.

use diesel::expression::{AppearsOnTable, Expression, ValidGrouping};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Bool, Text};
use diesel::sqlite::Sqlite;
use diesel::{Connection, QueryResult};

use super::DbConnection;

type MultiBackend = <DbConnection as Connection>::Backend;

/// `column IN (list)`, the list bound once; built by [`in_ids`] or [`in_codes`].
#[derive(Debug, Clone)]
pub struct InBoundList<C> {
    column: C,
    /// The list as a JSON array, for SQLite's `json_each`.
    json: String,
    /// The list as a PostgreSQL array literal, e.g. `{1,2}` or `{"a","b"}`.
    pg_array: String,
    /// The PostgreSQL element type the literal is cast to.
    pg_type: &'static str,
}

/// `column IN (ids)` for an id column.
pub fn in_ids<C>(column: C, ids: &[i64]) -> InBoundList<C>
where
    C: Expression<SqlType = BigInt>,
{
    let items: Vec<String> = ids.iter().map(i64::to_string).collect();
    InBoundList {
        column,
        json: format!("[{}]", items.join(",")),
        pg_array: format!("{{{}}}", items.join(",")),
        pg_type: "BIGINT[]",
    }
}

/// `column IN (codes)` for a text column (states, kinds).
pub fn in_codes<C, S>(column: C, codes: impl IntoIterator<Item = S>) -> InBoundList<C>
where
    C: Expression<SqlType = Text>,
    S: AsRef<str>,
{
    let codes: Vec<S> = codes.into_iter().collect();
    let codes: Vec<&str> = codes.iter().map(AsRef::as_ref).collect();
    let quoted: Vec<String> = codes.iter().map(|c| pg_quoted(c)).collect();
    InBoundList {
        column,
        json: serde_json::to_string(&codes).expect("a list of strings serialises"),
        pg_array: format!("{{{}}}", quoted.join(",")),
        pg_type: "TEXT[]",
    }
}

/// One element of a PostgreSQL array literal: double-quoted, `"` and `\` escaped.
fn pg_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

impl<C: Expression> Expression for InBoundList<C> {
    type SqlType = Bool;
}

impl<C, QS> AppearsOnTable<QS> for InBoundList<C> where C: AppearsOnTable<QS> {}

impl<C, GB> ValidGrouping<GB> for InBoundList<C>
where
    C: ValidGrouping<GB>,
{
    type IsAggregate = C::IsAggregate;
}

impl<C> QueryId for InBoundList<C> {
    type QueryId = ();
    // No static id: the statement cache keys it by its SQL text, which is the same for any list.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<C> QueryFragment<Sqlite> for InBoundList<C>
where
    C: QueryFragment<Sqlite>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_sql("(");
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" IN (SELECT value FROM json_each(");
        out.push_bind_param::<Text, _>(&self.json)?;
        out.push_sql(")))");
        Ok(())
    }
}

impl<C> QueryFragment<Pg> for InBoundList<C>
where
    C: QueryFragment<Pg>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("(");
        self.column.walk_ast(out.reborrow())?;
        out.push_sql(" = ANY(CAST(");
        out.push_bind_param::<Text, _>(&self.pg_array)?;
        out.push_sql(" AS ");
        out.push_sql(self.pg_type);
        out.push_sql(")))");
        Ok(())
    }
}

impl<C> QueryFragment<MultiBackend> for InBoundList<C>
where
    Self: QueryFragment<Sqlite> + QueryFragment<Pg>,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        MultiBackend::walk_variant_ast(self, pass)
    }
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;

    use super::*;
    use crate::db::schema::sessions;

    /// Whether diesel would keep `query` in its statement cache, per backend (PostgreSQL, SQLite).
    fn cacheable<Q>(query: &Q) -> (bool, bool)
    where
        Q: QueryFragment<MultiBackend>,
    {
        let on = |backend: MultiBackend| query.is_safe_to_cache_prepared(&backend).unwrap();
        (
            on(MultiBackend::Postgresql(Pg)),
            on(MultiBackend::Sqlite(Sqlite)),
        )
    }

    #[test]
    fn a_bound_list_is_cacheable_on_both_backends_unlike_eq_any() {
        let ids = vec![3_i64, 1, 2];
        let ours = sessions::table.filter(in_ids(sessions::id, &ids));
        assert_eq!(cacheable(&ours), (true, true));
        let codes = sessions::table.filter(in_codes(sessions::state, ["held"]));
        assert_eq!(cacheable(&codes), (true, true));
        // The reason this module exists: SQLite's `IN (?, ?, ?)` is never cached.
        let theirs = sessions::table.filter(sessions::id.eq_any(ids));
        assert_eq!(cacheable(&theirs), (true, false));
    }

    #[test]
    fn the_literals_escape_what_needs_escaping() {
        let list = in_codes(sessions::state, ["a\"b", "c\\d", "plain"]);
        assert_eq!(list.json, r#"["a\"b","c\\d","plain"]"#);
        assert_eq!(list.pg_array, r#"{"a\"b","c\\d","plain"}"#);
        let empty = in_ids(sessions::id, &[]);
        assert_eq!((empty.json.as_str(), empty.pg_array.as_str()), ("[]", "{}"));
    }
}
