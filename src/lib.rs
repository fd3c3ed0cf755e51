//! The API of the SK:KK mentoring programme for municipal climate-protection managers.
//!
//! Where to start reading:
//! - [`routes`]: every endpoint, registered once; the same table builds the OpenAPI document.
//! - [`api`]: the handlers, one module per resource, with their request and response types.
//! - [`domain`]: the programme's rules as pure functions, without HTTP or SQL.
//! - [`db`]: the connection over PostgreSQL and SQLite, migrations, tables and queries.
//! - [`error`]: the one error type and its RFC 9457 rendering.
//! - [`startup`]: how `Settings` become a running server.

pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod import;
pub mod mail;
pub mod observability;
pub mod openapi;
pub mod request_context;
pub mod routes;
pub mod startup;
pub mod typeset;
pub mod webhook_worker;
