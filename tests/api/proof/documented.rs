//! What a caller may read is what the spec documents: every key of a JSON answer must be a property
//! the operation's response schema names at that place (references and `oneOf`/`allOf`/`anyOf`
//! followed); free-form objects (such as an audit entry's `before`/`after`) are not looked into.
//! Together with the matrix's per-caller rules on contact data and secrets, this is the allowed set
//! of fields of every read.

use serde_json::{Map, Value};

use super::spec;

/// The JSON schema of `op`'s answer with `status`, if the spec gives one.
pub fn response_schema(doc: &Value, op: &str, status: u16) -> Option<Value> {
    let (method, path) = op.split_once(' ')?;
    let response = &doc["paths"][path][method.to_lowercase()]["responses"][status.to_string()];
    let schema = &response["content"]["application/json"]["schema"];
    schema.is_object().then(|| schema.clone())
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.trim_start_matches("#/components/schemas/");
            resolve(doc, &doc["components"]["schemas"][name])
        }
        None => schema,
    }
}

/// The properties a schema names (merged over its alternatives), or `None` when it is free-form.
fn properties(doc: &Value, schema: &Value) -> Option<Map<String, Value>> {
    let schema = resolve(doc, schema);
    let mut merged = Map::new();
    let mut constrained = false;
    if let Some(own) = schema["properties"].as_object() {
        merged.extend(own.clone());
        constrained = true;
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for alternative in schema[key].as_array().into_iter().flatten() {
            let alternative = resolve(doc, alternative);
            if alternative["type"] == "null" {
                continue;
            }
            match properties(doc, alternative) {
                Some(own) => {
                    merged.extend(own);
                    constrained = true;
                }
                None if alternative["items"].is_object() => {}
                None => return None,
            }
        }
    }
    constrained.then_some(merged)
}

/// The item schema of an array schema (through its alternatives).
fn items(doc: &Value, schema: &Value) -> Option<Value> {
    let schema = resolve(doc, schema);
    if schema["items"].is_object() {
        return Some(schema["items"].clone());
    }
    ["allOf", "oneOf", "anyOf"].iter().find_map(|key| {
        schema[*key]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|alternative| items(doc, alternative))
    })
}

/// Appends to `out` the JSON pointer of every key of `value` its `schema` does not document.
pub fn undocumented(doc: &Value, value: &Value, schema: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            let Some(documented) = properties(doc, schema) else {
                return;
            };
            for (key, inner) in map {
                match documented.get(key) {
                    Some(property) => {
                        undocumented(doc, inner, property, &format!("{at}/{key}"), out);
                    }
                    None => out.push(format!("{at}/{key}")),
                }
            }
        }
        Value::Array(values) => {
            if let Some(item) = items(doc, schema) {
                for (index, inner) in values.iter().enumerate() {
                    undocumented(doc, inner, &item, &format!("{at}/{index}"), out);
                }
            }
        }
        _ => {}
    }
}

/// The pointers of the keys in `body` that `op`'s answer with `status` does not document.
pub fn undocumented_keys(op: &str, status: u16, body: &Value) -> Vec<String> {
    let doc = spec();
    let mut out = Vec::new();
    if let Some(schema) = response_schema(&doc, op, status) {
        undocumented(&doc, body, &schema, "", &mut out);
    }
    out
}

/// Whether an answer of `op` with `status` and `content_type` has a media type the spec documents
/// for it (parameters such as `charset` aside); an answer the spec gives no content passes.
pub fn documented_media_type(op: &str, status: u16, content_type: &str) -> bool {
    let doc = spec();
    let Some((method, path)) = op.split_once(' ') else {
        return false;
    };
    let response = &doc["paths"][path][method.to_lowercase()]["responses"][status.to_string()];
    let Some(content) = response["content"].as_object() else {
        return true;
    };
    let base = |media: &str| media.split(';').next().unwrap_or("").trim().to_owned();
    content
        .keys()
        .any(|media| base(media) == base(content_type))
}

#[test]
fn undocumented_keys_are_found_through_refs_arrays_and_alternatives() {
    let doc = serde_json::json!({
        "components": {"schemas": {
            "Item": {"type": "object", "properties": {"id": {}, "meta": {"type": "object"}}},
            "Page": {"type": "object", "properties": {
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                "next": {"oneOf": [{"type": "null"}, {"type": "object", "properties": {"cursor": {}}}]}
            }}
        }}
    });
    let schema = serde_json::json!({"$ref": "#/components/schemas/Page"});
    let body = serde_json::json!({
        "items": [{"id": 1, "meta": {"free": true}}, {"id": 2, "email": "x@example.org"}],
        "next": {"cursor": "a", "leak": 1},
        "extra": 0
    });
    let mut out = Vec::new();
    undocumented(&doc, &body, &schema, "", &mut out);
    out.sort();
    assert_eq!(out, ["/extra", "/items/1/email", "/next/leak"]);
}
