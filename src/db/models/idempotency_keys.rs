//! The `idempotency_keys` table: the first answer to a create sent with an `Idempotency-Key`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::idempotency_keys;

/// One stored answer.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_keys)]
pub struct StoredAnswer {
    pub account_id: i64,
    pub operation: String,
    pub idempotency_key: String,
    pub request_sha256: String,
    pub location: String,
    pub response_body: String,
    pub created_at: NaiveDateTime,
}

/// The answer stored for this caller, operation and key.
pub fn find(
    conn: &mut DbConnection,
    account_id: i64,
    operation: &str,
    key: &str,
) -> QueryResult<Option<StoredAnswer>> {
    idempotency_keys::table
        .find((account_id, operation, key))
        .first(conn)
        .optional()
}

/// Stores an answer (the primary key refuses a second one for the same key).
pub fn store(conn: &mut DbConnection, answer: &StoredAnswer) -> QueryResult<()> {
    diesel::insert_into(idempotency_keys::table)
        .values(answer)
        .execute(conn)?;
    Ok(())
}
