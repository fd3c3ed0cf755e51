//! Account roles: the code enum lives in `domain::account`, authorisation uses it from here.

pub use crate::domain::account::Role;
