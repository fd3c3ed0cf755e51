//! Pure rules without HTTP or database code, each with unit tests.

pub mod account;
pub mod attendance;
pub mod catalogue;
pub mod certificate;
pub mod codes;
pub mod contact_sheet;
pub mod credit;
pub mod erasure;
pub mod events;
pub mod format_rules;
pub mod import;
pub mod individual_mentoring;
pub mod lang;
pub mod mail;
pub mod newsletter;
pub mod participant;
pub mod password_strength;
pub mod pdf;
pub mod practice_tip;
pub mod programme;
pub mod programme_time;
pub mod refresh_token;
pub mod session;
pub mod sponsorship;
pub mod spreadsheet;
pub mod statistics;
pub mod text;
pub mod upload;
pub mod violation;
pub mod webhooks;

pub use violation::{FieldBreak, Violation};
