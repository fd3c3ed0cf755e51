//! Pure rules without HTTP or database code, each with unit tests.

pub mod catalogue;
pub mod format_rules;
pub mod text;
