//! One integration-test binary: every test runs a real server over a real database, on SQLite
//! and on PostgreSQL.

mod helpers;
mod participant_helpers;
mod session_helpers;

mod accounts;
mod auth;
mod bound_list;
mod calendar;
mod catalogues;
mod contract;
mod credit_reports;
mod demo_data;
mod errors;
mod events;
mod forum_sponsorship_rules;
mod forum_sponsorship_withdrawal;
mod forum_sponsorships;
mod health;
mod migrations;
mod newsletter;
mod participants;
mod practice_tips;
mod privacy;
mod proof;
mod role_helpers;
mod session_documentation;
mod sessions;
mod sponsorship_helpers;
mod webhooks;
