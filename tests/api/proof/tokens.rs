//! Token attacks beyond `auth.rs`.
