//! Embedded migrations for both backends; the folder names are identical in both trees.

use diesel::migration::MigrationVersion;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbConnection;

const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Applies every pending migration and returns the versions it applied.
pub fn run_pending(conn: &mut DbConnection) -> Result<Vec<String>, BoxError> {
    let applied: Vec<MigrationVersion<'static>> = match conn {
        DbConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES)?,
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE)?,
    }
    .into_iter()
    .map(|v| v.as_owned())
    .collect();
    Ok(applied.iter().map(ToString::to_string).collect())
}

/// Reverts every applied migration (used by the migration round-trip test).
pub fn revert_all(conn: &mut DbConnection) -> Result<(), BoxError> {
    match conn {
        DbConnection::Postgresql(c) => c.revert_all_migrations(POSTGRES)?,
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE)?,
    };
    Ok(())
}
