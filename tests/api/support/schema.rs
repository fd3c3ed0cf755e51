//! The database schema as the tests read it, on both backends: every column of every table, and
//! where a value stands in the whole database.

use std::collections::BTreeMap;

use diesel::sql_types::{BigInt, Text};
use diesel::{QueryableByName, RunQueryDsl};
use mentoring_api::db::DbConnection;

/// One column of a table; `binary` for SQLite `BLOB` and PostgreSQL `bytea` columns.
pub struct Column {
    pub table: String,
    pub name: String,
    pub binary: bool,
}

#[derive(QueryableByName)]
struct Named {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    kind: String,
}

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Every column of every table (no views, no SQLite internals).
pub fn columns(conn: &mut DbConnection) -> Vec<Column> {
    match conn {
        DbConnection::Sqlite(_) => {
            let tables: Vec<Named> = diesel::sql_query(
                "SELECT name, type AS kind FROM sqlite_master \
                 WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )
            .load(conn)
            .unwrap();
            let mut out = Vec::new();
            for table in tables {
                let columns: Vec<Named> = diesel::sql_query(format!(
                    "SELECT name, upper(type) AS kind FROM pragma_table_info('{}')",
                    table.name
                ))
                .load(conn)
                .unwrap();
                out.extend(columns.into_iter().map(|c| Column {
                    table: table.name.clone(),
                    binary: c.kind == "BLOB",
                    name: c.name,
                }));
            }
            out
        }
        DbConnection::Postgresql(_) => {
            let columns: Vec<PgColumn> = diesel::sql_query(
                "SELECT c.table_name::text, c.column_name::text, c.data_type::text \
                 FROM information_schema.columns c JOIN information_schema.tables t \
                 ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
                 WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'",
            )
            .load(conn)
            .unwrap();
            columns
                .into_iter()
                .map(|c| Column {
                    binary: c.data_type == "bytea",
                    table: c.table_name,
                    name: c.column_name,
                })
                .collect()
        }
    }
}

/// The SQL condition that `column` holds `needle`: as text ignoring case, binary byte for byte.
fn holds(conn: &DbConnection, column: &Column, needle: &str) -> String {
    let name = &column.name;
    match (conn, column.binary) {
        (_, false) => format!("lower(CAST(\"{name}\" AS TEXT)) LIKE '%{needle}%'"),
        (DbConnection::Sqlite(_), true) => {
            format!("instr(\"{name}\", CAST('{needle}' AS BLOB)) > 0")
        }
        (DbConnection::Postgresql(_), true) => {
            format!("position(convert_to('{needle}', 'UTF8') in \"{name}\") > 0")
        }
    }
}

/// Every `table.column` holding `needle` (lower case for text columns), with how many rows do.
pub fn columns_holding(conn: &mut DbConnection, needle: &str) -> BTreeMap<String, i64> {
    let needle = needle.to_lowercase();
    let mut found = BTreeMap::new();
    for column in columns(conn) {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM \"{}\" WHERE {}",
            column.table,
            holds(conn, &column, &needle)
        );
        let count: Count = diesel::sql_query(sql).get_result(conn).unwrap();
        if count.n > 0 {
            found.insert(format!("{}.{}", column.table, column.name), count.n);
        }
    }
    found
}

/// How many rows of `table` hold `needle` anywhere, read as whole rows cast to text
/// (PostgreSQL only: SQLite has no row-to-text cast).
pub fn rows_holding(conn: &mut DbConnection, table: &str, needle: &str) -> i64 {
    let sql = format!(
        "SELECT COUNT(*) AS n FROM \"{table}\" r WHERE lower(CAST(r AS TEXT)) LIKE '%{}%'",
        needle.to_lowercase()
    );
    let rows: Count = diesel::sql_query(sql).get_result(conn).unwrap();
    rows.n
}
