//! The programme a database serves: claimed at the first start, checked at every later one.

use chrono::Utc;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{accounts, programme};
use crate::domain::programme::{Programme, check_adoption, check_claim};

/// Claims the database for `wanted`, or confirms that it is `wanted`'s; name, title and office follow
/// the settings. `Ok(Err(why))` when the database belongs to another programme.
pub fn claim(conn: &mut DbConnection, wanted: &Programme) -> QueryResult<Result<(), String>> {
    conn.transaction(|conn| {
        let claimed: Option<String> = programme::table
            .select(programme::code)
            .first(conn)
            .optional()?;
        match claimed {
            Some(code) => {
                if let Err(why) = check_claim(&code, &wanted.code) {
                    return Ok(Err(why));
                }
                diesel::update(programme::table)
                    .set((
                        programme::name.eq(&wanted.name),
                        programme::title.eq(&wanted.title),
                        programme::office.eq(&wanted.office),
                    ))
                    .execute(conn)?;
            }
            None => {
                let holds_accounts = accounts::table
                    .select(accounts::id)
                    .first::<i64>(conn)
                    .optional()?
                    .is_some();
                if let Err(why) = check_adoption(&wanted.code, holds_accounts) {
                    return Ok(Err(why));
                }
                diesel::insert_into(programme::table)
                    .values((
                        programme::singleton.eq(1),
                        programme::code.eq(&wanted.code),
                        programme::name.eq(&wanted.name),
                        programme::title.eq(&wanted.title),
                        programme::office.eq(&wanted.office),
                        programme::claimed_at.eq(Utc::now().naive_utc()),
                    ))
                    .execute(conn)?;
            }
        }
        Ok(Ok(()))
    })
}

/// The programme this database serves (the default programme before the first claim).
pub fn current(conn: &mut DbConnection) -> QueryResult<Programme> {
    let row: Option<(String, String, String, String)> = programme::table
        .select((
            programme::code,
            programme::name,
            programme::title,
            programme::office,
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((code, name, title, office)) => Programme {
            code,
            name,
            title,
            office,
        },
        None => Programme::default(),
    })
}
