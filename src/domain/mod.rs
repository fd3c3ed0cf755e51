//! Pure rules without HTTP or database code, each with unit tests.

pub mod text;
