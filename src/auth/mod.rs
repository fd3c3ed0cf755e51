//! Authentication and authorisation: roles, password hashing, access tokens, the caller
//! extractor and the failed-login throttle.

pub mod account_cache;
pub mod extractor;
pub mod jwt;
pub mod password;
pub mod refresh;
pub mod role;
pub mod secret;
pub mod staff;
pub mod throttle;
pub mod unsubscribe;

pub use account_cache::AccountCache;
pub use extractor::{Caller, IntegrationCaller, PersonCaller, StaffCaller};
pub use role::Role;
