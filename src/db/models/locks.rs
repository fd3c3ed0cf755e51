//! Lock rows of `catalogue_locks`: updating one first in a write transaction makes every other
//! transaction that does the same wait until this one ends (on PostgreSQL a row lock; on SQLite
//! writers are serialised by `BEGIN IMMEDIATE` anyway).

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::catalogue_locks;
use crate::error::AppError;

/// Takes the lock row `name` until the transaction ends.
pub fn acquire(conn: &mut DbConnection, name: &str) -> Result<(), AppError> {
    let updated = diesel::update(catalogue_locks::table.find(name))
        .set(catalogue_locks::acquisitions.eq(catalogue_locks::acquisitions + 1))
        .execute(conn)?;
    if updated == 1 {
        Ok(())
    } else {
        Err(AppError::internal(format!(
            "the `{name}` row of catalogue_locks is missing"
        )))
    }
}
