//! Bad input over every write endpoint of the spec: broken JSON, wrong content types, oversized
//! and unknown things, type confusion, integer bounds, hostile strings and dates. Each answer is
//! a 4xx problem+json, never a 5xx, and the database keeps every row count.

mod mutations;

use reqwest::Method;
use serde_json::Value;

use super::matrix_rows::{Row, all};
use super::world::{CALLERS, Caller, World, build};
use super::{Payload, fill, operations, snapshot, spec, split_op};
use crate::on_both_backends;
use crate::support::app::TestApp;
use mutations::{Raw, file_mutations, json_mutations};

on_both_backends!(
    bad_bodies_are_4xx_problems_and_change_nothing,
    pagination_abuse_is_a_400_problem,
);

/// The request-body schema of `op` with its `$ref` resolved.
fn body_schema(doc: &Value, op: &str) -> Value {
    let (method, path) = split_op(op);
    let schema = &doc["paths"][path][method.as_str().to_lowercase()]["requestBody"]["content"]["application/json"]
        ["schema"];
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.rsplit('/').next().unwrap();
            doc["components"]["schemas"][name].clone()
        }
        None => schema.clone(),
    }
}

/// The caller the table lets do `row` (or staff, when the world's state refuses everybody).
fn actor(row: &Row) -> Caller {
    let statuses: Vec<&str> = row.expect.split(' ').collect();
    [
        Caller::Owner,
        Caller::Staff,
        Caller::Mentee,
        Caller::Anonymous,
    ]
    .into_iter()
    .find(|caller| {
        let n = CALLERS.iter().position(|c| c == caller).unwrap();
        statuses[n].starts_with('2')
    })
    .unwrap_or(Caller::Staff)
}

async fn send_raw(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    raw: &Raw,
) -> (u16, String) {
    let mut req = app
        .client
        .request(method.clone(), format!("{}{}", app.address, path));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if method == Method::PATCH {
        req = req.header("if-match", "*");
    }
    // a refused oversized body ends the connection; the next attack needs a fresh one
    req = req.header("connection", "close");
    if let Some(content_type) = &raw.content_type {
        req = req.header("content-type", content_type.as_str());
    }
    let res = match req.body(raw.bytes.clone()).send().await {
        Ok(res) => res,
        Err(e) => return (0, format!("no answer: {e}")),
    };
    let status = res.status().as_u16();
    let content_type = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type)
}

/// Whether `row` takes no body (the spec declares none).
fn found_nothing_to_attack(doc: &Value, world: &World, row: &Row) -> bool {
    match (row.body)(world) {
        Payload::None => true,
        Payload::Json(_) => body_schema(doc, row.op).is_null(),
        Payload::File(..) => false,
    }
}

/// Sends every mutation of `row`'s valid body; returns what went wrong.
async fn attack(app: &TestApp, world: &World, doc: &Value, row: &Row) -> Vec<String> {
    let (method, template) = split_op(row.op);
    let path = fill(template, &(row.params)(world));
    let schema = body_schema(doc, row.op);
    let mutations = match (row.body)(world) {
        Payload::None => return Vec::new(),
        Payload::Json(_) if schema.is_null() => return Vec::new(),
        Payload::Json(body) => json_mutations(&body, &schema),
        Payload::File(content_type, bytes) => file_mutations(content_type, &bytes),
    };
    let caller = actor(row);
    let mut problems = Vec::new();
    for (name, raw) in mutations {
        let (status, content_type) =
            send_raw(app, method.clone(), &path, world.token(caller), &raw).await;
        if !(400..500).contains(&status) || content_type != "application/problem+json" {
            problems.push(format!(
                "{} as {caller:?}, {name}: {status} {content_type}",
                row.op
            ));
        }
    }
    problems
}

async fn bad_bodies_are_4xx_problems_and_change_nothing(app: TestApp) {
    let world = build(&app).await;
    let doc: Value = spec();
    let before = snapshot(&app).await;
    let mut problems = Vec::new();
    let mut attacked = 0;
    for row in all() {
        problems.extend(attack(&app, &world, &doc, &row).await);
        attacked += usize::from(!found_nothing_to_attack(&doc, &world, &row));
    }
    assert!(
        problems.is_empty(),
        "{} bad answers:\n{}",
        problems.len(),
        problems.join("\n")
    );
    let with_bodies = operations(|op| op["requestBody"].is_object()).len();
    assert_eq!(
        attacked, with_bodies,
        "every operation with a body was attacked"
    );
    assert_eq!(
        snapshot(&app).await,
        before,
        "bad input changed the database"
    );
}

async fn pagination_abuse_is_a_400_problem(app: TestApp) {
    let staff = app.staff_token().await;
    let doc: Value = spec();
    let lists: Vec<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(path, item)| {
            !path.contains('{')
                && item["get"]["parameters"]
                    .as_array()
                    .is_some_and(|ps| ps.iter().any(|p| p["name"] == "cursor"))
        })
        .map(|(path, _)| path.clone())
        .collect();
    assert!(lists.len() >= 8, "the spec's paged lists: {lists:?}");
    let abuse = [
        "limit=0",
        "limit=201",
        "limit=-1",
        "limit=abc",
        "limit=1.5",
        "limit=99999999999999999999999",
        "cursor=not-a-cursor",
        "cursor=%00%0d%0a",
        "limit=10&limit=20",
    ];
    let mut problems = Vec::new();
    for path in &lists {
        for query in abuse {
            let res = app.get(&format!("{path}?{query}"), Some(&staff)).await;
            let status = res.status().as_u16();
            let content_type = res
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_owned());
            if status != 400 || content_type.as_deref() != Some("application/problem+json") {
                problems.push(format!("GET {path}?{query}: {status} {content_type:?}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} bad answers:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
