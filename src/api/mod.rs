//! HTTP handlers with their request and response types, one module per resource. Shared HTTP
//! mechanics (ETags, paging, CSV, uploads, idempotency, language negotiation) live in [`http`];
//! who may see what in [`access`].

pub mod access;
pub mod accounts;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod certificates;
pub mod codes;
pub mod credit_reports;
pub mod email_changes;
pub mod events;
pub mod formats;
pub mod forum_sponsorships;
pub mod forums;
pub mod health;
pub mod http;
pub mod imports;
pub mod individual_mentoring;
pub mod mail_messages;
pub mod memberships;
pub mod metrics;
pub mod newsletter;
pub mod participants;
pub mod password_resets;
pub mod practice_tips;
pub mod reason;
pub mod reminders;
pub mod sessions;
pub mod statistics;
pub mod topics;
pub mod webhooks;
