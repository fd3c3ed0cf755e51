//! Row types and queries, one module per table.

pub mod accounts;
pub mod audit_events;
pub mod formats;
pub mod forums;
pub mod topics;
