//! Bulk imports the programme office runs, over HTTP (`POST /imports/participants`) or the CLI
//! (`import participants FILE`): the file is read and checked by `domain::import`, then every
//! row is applied in the caller's one transaction, so a file lands whole or not at all.

pub mod participants;

pub use participants::{ImportReport, ImportedRow, import_participants};
