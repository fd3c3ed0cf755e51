//! Row types and queries, one module per table (or small group of tables).

pub mod accounts;
pub mod audit_events;
pub mod contact_sheets;
pub mod credit_reports;
pub mod credit_sources;
pub mod credits;
pub mod formats;
pub mod forums;
pub mod participant_topics;
pub mod participants;
pub mod participations;
pub mod projects;
pub mod roles;
pub mod sessions;
pub mod topics;
