//! `db::bound_list` against both real databases: exactly the listed rows, none for an empty list,
//! and codes that need escaping in either literal.

use diesel::prelude::*;
use mentoring_api::db::DbConnection;
use mentoring_api::db::bound_list::{in_codes, in_ids};

use crate::on_both_backends;
use crate::support::app::TestApp;

diesel::table! { bound_list_items (id) { id -> BigInt, code -> Text, } }
use bound_list_items as items;

on_both_backends!(a_bound_list_selects_exactly_the_listed_rows);

async fn a_bound_list_selects_exactly_the_listed_rows(app: TestApp) {
    let pool = app.pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        diesel::sql_query(
            "CREATE TEMPORARY TABLE bound_list_items (id BIGINT PRIMARY KEY, code TEXT NOT NULL)",
        )
        .execute(&mut *conn)
        .unwrap();
        diesel::sql_query(
            r#"INSERT INTO bound_list_items VALUES (1, 'a"b'), (2, 'c\d'), (3, 'x'), (4, 'y')"#,
        )
        .execute(&mut *conn)
        .unwrap();
        let by_ids = |conn: &mut DbConnection, ids: &[i64]| -> Vec<i64> {
            items::table
                .filter(in_ids(items::id, ids))
                .select(items::id)
                .order(items::id)
                .load(conn)
                .unwrap()
        };
        assert_eq!(by_ids(&mut conn, &[4, 2, 9]), vec![2, 4]);
        assert_eq!(by_ids(&mut conn, &[3]), vec![3]);
        assert!(by_ids(&mut conn, &[]).is_empty());
        let by_codes: Vec<i64> = items::table
            .filter(in_codes(items::code, ["a\"b", "c\\d", "z"]))
            .select(items::id)
            .order(items::id)
            .load(&mut *conn)
            .unwrap();
        assert_eq!(by_codes, vec![1, 2]);
    })
    .await
    .unwrap();
}
