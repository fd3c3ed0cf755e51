//! `column IN (list)` with the whole list bound as one parameter, so the statement text is the
//! same for every list and the prepared statement is cached.
//!
//! diesel's `eq_any` with a runtime list writes `IN (?, ?, …)` on SQLite, one parameter per value,
//! and marks the statement as not cacheable: every list page re-parsed its follow-up queries
//! (about a quarter of a SQLite session page's CPU). Here SQLite reads a JSON array bound as text
//! (`IN (SELECT value FROM json_each(?))`) and PostgreSQL an array literal cast to an array
//! (`= ANY(CAST(? AS BIGINT[]))`, the plan diesel's own `= ANY($1)` gets). A list of exactly one
//! value is a plain `column = ?` on both: SQLite would otherwise build a temporary table for the
//! list, and an equality lets an index on `(column, …)` deliver the rows already in order (one
//! record's projects, topics and notifications). Lists in queries should use [`in_ids`] /
//! [`in_codes`] rather than `eq_any` with values (a `Vec`, a slice or a constant array alike);
//! `eq_any` stays right for a subquery, which is cached as it is.

use diesel::expression::{AppearsOnTable, Expression, ValidGrouping};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, Bool, HasSqlType, Text};
use diesel::sqlite::Sqlite;
use diesel::{Connection, QueryResult};

use super::DbConnection;

type MultiBackend = <DbConnection as Connection>::Backend;

/// `column IN (list)`, the list bound once; built by [`in_ids`] or [`in_codes`].
#[derive(Debug, Clone)]
pub struct InBoundList<C, T> {
    column: C,
    values: Values<T>,
}

/// What is bound: the one value (the condition is then `column = value`) or the whole list.
#[derive(Debug, Clone)]
enum Values<T> {
    One(T),
    Many {
        /// The list as a JSON array, for SQLite's `json_each`.
        json: String,
        /// The list as a PostgreSQL array literal, e.g. `{1,2}` or `{"a","b"}`.
        pg_array: String,
    },
}

/// An element type of a bound list: how it is written in either literal.
trait ListItem {
    /// The PostgreSQL array type the literal is cast to.
    const PG_ARRAY: &'static str;
    fn to_json(&self) -> String;
    fn to_pg(&self) -> String;
}

impl ListItem for i64 {
    const PG_ARRAY: &'static str = "BIGINT[]";
    fn to_json(&self) -> String {
        self.to_string()
    }
    fn to_pg(&self) -> String {
        self.to_string()
    }
}

impl ListItem for String {
    const PG_ARRAY: &'static str = "TEXT[]";
    fn to_json(&self) -> String {
        serde_json::Value::from(self.as_str()).to_string()
    }
    /// Double-quoted, `"` and `\` escaped.
    fn to_pg(&self) -> String {
        let mut out = String::with_capacity(self.len() + 2);
        out.push('"');
        for c in self.chars() {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
        out
    }
}

/// `column IN (ids)` for an id column.
pub fn in_ids<C>(column: C, ids: &[i64]) -> InBoundList<C, i64>
where
    C: Expression<SqlType = BigInt>,
{
    bound(column, ids.to_vec())
}

/// `column IN (codes)` for a text column (states, kinds).
pub fn in_codes<C, S>(column: C, codes: impl IntoIterator<Item = S>) -> InBoundList<C, String>
where
    C: Expression<SqlType = Text>,
    S: AsRef<str>,
{
    bound(
        column,
        codes.into_iter().map(|c| c.as_ref().to_owned()).collect(),
    )
}

fn bound<C, T: ListItem>(column: C, mut list: Vec<T>) -> InBoundList<C, T> {
    let values = if list.len() == 1 {
        Values::One(list.remove(0))
    } else {
        let joined = |write: fn(&T) -> String| list.iter().map(write).collect::<Vec<_>>().join(",");
        Values::Many {
            json: format!("[{}]", joined(T::to_json)),
            pg_array: format!("{{{}}}", joined(T::to_pg)),
        }
    };
    InBoundList { column, values }
}

impl<C: Expression, T> Expression for InBoundList<C, T> {
    type SqlType = Bool;
}

impl<C, T, QS> AppearsOnTable<QS> for InBoundList<C, T> where C: AppearsOnTable<QS> {}

impl<C, T, GB> ValidGrouping<GB> for InBoundList<C, T>
where
    C: ValidGrouping<GB>,
{
    type IsAggregate = C::IsAggregate;
}

impl<C, T> QueryId for InBoundList<C, T> {
    type QueryId = ();
    // No static id: the statement cache keys it by its SQL text, which is one text for any list
    // of several values and one for a single value.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<C, T> InBoundList<C, T>
where
    C: Expression,
{
    /// `(column = ?)` for a single value, else `(column <list>)` with `list` writing the rest
    /// from the JSON array or the PostgreSQL array literal.
    fn walk<'b, DB>(
        &'b self,
        mut out: AstPass<'_, 'b, DB>,
        list: impl FnOnce(AstPass<'_, 'b, DB>, &'b String, &'b String) -> QueryResult<()>,
    ) -> QueryResult<()>
    where
        DB: diesel::backend::Backend + HasSqlType<C::SqlType>,
        C: QueryFragment<DB>,
        T: ToSql<C::SqlType, DB>,
    {
        out.push_sql("(");
        self.column.walk_ast(out.reborrow())?;
        match &self.values {
            Values::One(value) => {
                out.push_sql(" = ");
                out.push_bind_param::<C::SqlType, T>(value)?;
            }
            Values::Many { json, pg_array } => list(out.reborrow(), json, pg_array)?,
        }
        out.push_sql(")");
        Ok(())
    }
}

impl<C, T> QueryFragment<Sqlite> for InBoundList<C, T>
where
    C: Expression + QueryFragment<Sqlite>,
    Sqlite: HasSqlType<C::SqlType>,
    T: ToSql<C::SqlType, Sqlite>,
{
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        self.walk(out, |mut out, json, _| {
            out.push_sql(" IN (SELECT value FROM json_each(");
            out.push_bind_param::<Text, _>(json)?;
            out.push_sql("))");
            Ok(())
        })
    }
}

impl<C, T> QueryFragment<Pg> for InBoundList<C, T>
where
    C: Expression + QueryFragment<Pg>,
    Pg: HasSqlType<C::SqlType>,
    T: ToSql<C::SqlType, Pg> + ListItem,
{
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.walk(out, |mut out, _, pg_array| {
            out.push_sql(" = ANY(CAST(");
            out.push_bind_param::<Text, _>(pg_array)?;
            out.push_sql(" AS ");
            out.push_sql(T::PG_ARRAY);
            out.push_sql("))");
            Ok(())
        })
    }
}

impl<C, T> QueryFragment<MultiBackend> for InBoundList<C, T>
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
        let one = sessions::table.filter(in_ids(sessions::id, &[7]));
        assert_eq!(cacheable(&one), (true, true));
        let codes = sessions::table.filter(in_codes(sessions::state, ["held"]));
        assert_eq!(cacheable(&codes), (true, true));
        // The reason this module exists: SQLite's `IN (?, ?, ?)` is never cached.
        let theirs = sessions::table.filter(sessions::id.eq_any(ids));
        assert_eq!(cacheable(&theirs), (true, false));
    }

    #[test]
    fn one_value_is_an_equality_and_several_a_bound_list() {
        let sql = |ids: &[i64]| {
            let query = sessions::table
                .select(sessions::id)
                .filter(in_ids(sessions::id, ids));
            let sqlite = diesel::debug_query::<Sqlite, _>(&query).to_string();
            let pg = diesel::debug_query::<Pg, _>(&query).to_string();
            (sqlite, pg)
        };
        let (sqlite, pg) = sql(&[7]);
        assert!(sqlite.contains("(`sessions`.`id` = ?)"), "{sqlite}");
        assert!(pg.contains(r#"("sessions"."id" = $1)"#), "{pg}");
        let (sqlite, pg) = sql(&[7, 8]);
        assert!(
            sqlite.contains("IN (SELECT value FROM json_each(?))"),
            "{sqlite}"
        );
        assert!(pg.contains("= ANY(CAST($1 AS BIGINT[]))"), "{pg}");
    }

    #[test]
    fn the_literals_escape_what_needs_escaping() {
        fn literals<T>(list: Values<T>) -> (String, String) {
            match list {
                Values::Many { json, pg_array } => (json, pg_array),
                Values::One(_) => panic!("a list of several values"),
            }
        }
        let (json, pg_array) =
            literals(in_codes(sessions::state, ["a\"b", "c\\d", "plain"]).values);
        assert_eq!(json, r#"["a\"b","c\\d","plain"]"#);
        assert_eq!(pg_array, r#"{"a\"b","c\\d","plain"}"#);
        let (json, pg_array) = literals(in_ids(sessions::id, &[]).values);
        assert_eq!((json.as_str(), pg_array.as_str()), ("[]", "{}"));
    }
}
