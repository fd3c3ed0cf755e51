//! Pure rules without HTTP or database code, each with unit tests.

pub mod codes;
pub mod participant;
pub mod session;
pub mod text;
pub mod upload;
