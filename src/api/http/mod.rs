//! HTTP mechanics shared by every resource: conditional requests, paging, CSV, uploads,
//! idempotency keys, language negotiation, JSON bodies, query text and response builders.

pub mod client_address;
pub mod conditional;
pub mod csv_export;
pub mod etag;
pub mod idempotency;
pub mod json_object;
pub mod language;
pub mod mount;
pub mod pagination;
pub mod pdf_export;
pub mod query_text;
pub mod response;
pub mod upload;
