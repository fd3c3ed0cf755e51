//! What every test stands on: a real server over a fresh database per backend ([`app`]) and
//! the steps that bring participants, sessions, roles and sponsorships into a wanted state.

pub mod app;
pub mod mentoring;
pub mod participants;
pub mod pdf;
pub mod roles;
pub mod schema;
pub mod sessions;
pub mod smtp;
pub mod sponsorships;
