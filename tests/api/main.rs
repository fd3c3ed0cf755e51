//! One integration-test binary: every test runs a real server over a real database, on SQLite
//! and on PostgreSQL.

mod support;

mod accounts;
mod activity_imports;
mod audit;
mod auth;
mod bound_list;
mod browser;
mod calendar;
mod catalogues;
mod contract;
mod credit_reports;
mod demo_data;
mod documentation_corrections;
mod email_change;
mod erasure;
mod errors;
mod events;
mod export;
mod forum_sponsorships;
mod funding_notifications;
mod health;
mod imports;
mod mail;
mod migrations;
mod newsletter;
mod newsletter_sending;
mod participants;
mod passwords;
mod practice_tips;
mod privacy;
mod project_corrections;
mod proof;
mod refresh_tokens;
mod reminders;
mod session_attendance;
mod session_documentation;
mod session_editing;
mod sessions;
mod sessions_on_behalf;
mod statistics;
mod text_input;
mod topic_corrections;
mod webhooks;
mod work_list;
