//! Proof for integrators: every operation × every kind of caller, token attacks, and bad input
//! over every write endpoint. The fixture world and the request sender live here.

mod bad_input;
mod documented;
mod matrix;
mod matrix_rows;
mod tokens;
mod world;

use std::collections::BTreeSet;

use diesel::sql_types::BigInt;
use diesel::{QueryableByName, RunQueryDsl};
use mentoring_api::db::DbConnection;
use reqwest::{Method, Response};
use serde_json::Value;

use crate::support::app::TestApp;

/// What a request carries.
#[derive(Debug, Clone)]
pub enum Payload {
    None,
    Json(Value),
    File(&'static str, Vec<u8>),
}

/// The generated OpenAPI document.
pub fn spec() -> Value {
    serde_json::from_str(&mentoring_api::openapi::document_json()).unwrap()
}

/// The `METHOD /path` of every operation of the spec that `keep` accepts.
pub fn operations(keep: fn(&Value) -> bool) -> BTreeSet<String> {
    let doc = spec();
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if keep(op) {
                ops.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    ops
}

/// Splits `"GET /api/v1/x/{id}"` into the method and the path template.
pub fn split_op(op: &str) -> (Method, &str) {
    let (method, path) = op.split_once(' ').expect("`METHOD /path`");
    (method.parse().expect("HTTP method"), path)
}

/// Fills the `{...}` placeholders of `template` in order with `params`.
pub fn fill(template: &str, params: &[String]) -> String {
    let mut out = String::new();
    let mut rest = template;
    let mut params = params.iter();
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').expect("closing brace") + start;
        out.push_str(&rest[..start]);
        out.push_str(params.next().expect("a value for every placeholder"));
        rest = &rest[end + 1..];
    }
    assert!(params.next().is_none(), "{template}: too many values");
    out.push_str(rest);
    out
}

/// Sends one request; PATCH and PUT carry `If-Match: *` so the row tests access, not versioning.
pub async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    payload: &Payload,
) -> Response {
    let mut req = app
        .client
        .request(method.clone(), format!("{}{}", app.address, path));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if method == Method::PATCH || method == Method::PUT {
        req = req.header("if-match", "*");
    }
    req = match payload {
        Payload::None => req,
        Payload::Json(body) => req.json(body),
        Payload::File(content_type, bytes) => req
            .header("content-type", *content_type)
            .body(bytes.clone()),
    };
    req.send().await.expect("request is answered")
}
#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The tables of the portable schema, read from `src/db/schema.rs`.
fn table_names() -> Vec<&'static str> {
    include_str!("../../../src/db/schema.rs")
        .lines()
        .filter(|line| line.starts_with("    ") && !line.starts_with("     "))
        .filter_map(|line| line.trim().strip_suffix(") {"))
        .filter_map(|head| head.split_once(" ("))
        .map(|(name, _)| name)
        .collect()
}

/// Row counts of every table: the "database unchanged" snapshot.
pub async fn snapshot(app: &TestApp) -> Vec<(&'static str, i64)> {
    let pool = app.pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().expect("connection");
        table_names()
            .into_iter()
            .map(|table| {
                let query = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"));
                let count: Count = match &mut *conn {
                    DbConnection::Postgresql(c) => query.get_result(c),
                    DbConnection::Sqlite(c) => query.get_result(c),
                }
                .expect("count rows");
                (table, count.n)
            })
            .collect()
    })
    .await
    .unwrap()
}
