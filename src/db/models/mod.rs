//! Row types and queries, one module per table (or small group of tables).

pub mod accounts;
pub mod audit_events;
pub mod calendar_feed_tokens;
pub mod contact_sheets;
pub mod credit_reports;
pub mod credit_sources;
pub mod credits;
pub mod erasure;
pub mod formats;
pub mod forum_sponsorships;
pub mod forums;
pub mod idempotency_keys;
pub mod locks;
pub mod newsletter;
pub mod outbox;
pub mod participant_topics;
pub mod participants;
pub mod participations;
pub mod practice_tips;
pub mod projects;
pub mod roles;
pub mod session_documentation;
pub mod sessions;
pub mod topics;
pub mod webhook_deliveries;
pub mod webhook_endpoints;
