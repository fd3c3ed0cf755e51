//! Proof for integrators: every operation × every kind of caller, token attacks, and bad input
//! over every write endpoint. The fixture world and the request sender live here.

mod bad_input;
mod matrix;
mod matrix_rows;
mod tokens;
mod world;

use reqwest::{Method, Response};
use serde_json::Value;

use crate::helpers::TestApp;

/// What a request carries.
#[derive(Debug, Clone)]
pub enum Payload {
    None,
    Json(Value),
    File(&'static str, Vec<u8>),
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

/// Sends one request; PATCH carries `If-Match: *` so the row tests access, not versioning.
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
    if method == Method::PATCH {
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
