//! One integration-test binary: every test runs a real server over a real database, on SQLite
//! and on PostgreSQL.

mod helpers;
mod participant_helpers;

mod accounts;
mod auth;
mod catalogues;
mod contract;
mod credit_reports;
mod errors;
mod health;
mod migrations;
mod participants;
mod privacy;
mod sessions;
