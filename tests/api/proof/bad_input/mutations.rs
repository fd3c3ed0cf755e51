//! Mutations of a valid request: each must be refused.

use serde_json::{Map, Value, json};

/// A request body as bytes, with the content type it is declared as.
pub struct Raw {
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

fn json_raw(value: &Value) -> Raw {
    Raw {
        content_type: Some("application/json".to_owned()),
        bytes: value.to_string().into_bytes(),
    }
}

fn bytes(content_type: Option<&str>, bytes: impl Into<Vec<u8>>) -> Raw {
    Raw {
        content_type: content_type.map(str::to_owned),
        bytes: bytes.into(),
    }
}

/// Whether a string property's pattern refuses line breaks (`text::single_line`).
fn single_line(property: &Value) -> bool {
    property["pattern"]
        .as_str()
        .is_some_and(|p| p.starts_with("^[^\\u0000-\\u001F"))
}

/// Whether a string property's pattern is one of the visible-text formats (`text::single_line`,
/// `text::multi_line`), which refuse invisible characters.
fn visible_text(property: &Value) -> bool {
    property["pattern"]
        .as_str()
        .is_some_and(|p| p.contains("\\u200B-\\u200F"))
}

/// Hostile values for a string property.
fn bad_strings(property: &Value) -> Vec<(&'static str, Value)> {
    let too_long = property["maxLength"]
        .as_u64()
        .map_or(70_000, |max| max as usize + 1);
    let mut values = vec![
        ("empty string", json!("")),
        ("whitespace only", json!(" \t ")),
        ("too long", json!("x".repeat(too_long))),
        ("too long in 4-byte UTF-8", json!("🌍".repeat(too_long))),
        ("NUL", json!("Wärme\u{0}planung")),
        ("escape character", json!("Wärme\u{1b}[31mplanung")),
        ("4-byte UTF-8 with NUL", json!("🌍\u{0}")),
    ];
    // a password is never shown, so any Unicode goes (NIST SP 800-63B); visible text refuses
    // direction overrides
    if property["format"] != "password" {
        values.push(("right-to-left override", json!("Wärme\u{202E}gnunalp")));
    }
    if visible_text(property) {
        values.push(("zero-width space", json!("Wärme\u{200B}planung")));
        values.push(("Hangul filler only", json!("\u{3164}")));
    }
    if single_line(property) {
        values.push((
            "CR/LF log injection",
            json!("Wärme\r\nINFO forged log line"),
        ));
    }
    match property["format"].as_str() {
        Some("date-time") => {
            values.push(("offset-less date-time", json!("2026-05-01T10:00:00")));
            values.push(("date instead of date-time", json!("2026-05-01")));
        }
        Some("date") => {
            values.push(("impossible date", json!("2026-02-30")));
            values.push(("German date", json!("01.05.2026")));
            values.push(("date-time instead of date", json!("2026-05-01T10:00:00Z")));
        }
        _ => {}
    }
    values
}

/// Out-of-range values for an integer property.
fn bad_integers(property: &Value) -> Vec<(&'static str, Value)> {
    let mut values = vec![
        (
            "beyond i64",
            serde_json::from_str("9223372036854775808").unwrap(),
        ),
        (
            "below i64",
            serde_json::from_str("-9223372036854775809").unwrap(),
        ),
        ("fraction", json!(1.5)),
        (
            "exponent",
            serde_json::from_str("1e400").unwrap_or(json!(1e300)),
        ),
    ];
    if let Some(min) = property["minimum"].as_i64() {
        values.push(("below minimum", json!(min - 1)));
    }
    if let Some(max) = property["maximum"].as_i64() {
        values.push(("above maximum", json!(max + 1)));
    }
    values
}

/// A value of another JSON type than `value`.
fn confused(value: &Value) -> Value {
    match value {
        Value::String(_) => json!(42),
        Value::Number(_) => json!("42"),
        Value::Bool(_) => json!("true"),
        Value::Array(_) => json!({"0": 1}),
        Value::Object(_) => json!("object"),
        Value::Null => json!([]),
    }
}

/// Every mutation of a valid JSON `body` whose schema is `schema`.
pub fn json_mutations(body: &Value, schema: &Value) -> Vec<(String, Raw)> {
    let mut out = vec![
        (
            "malformed JSON".to_owned(),
            bytes(Some("application/json"), "{\"a\":"),
        ),
        (
            "not UTF-8".to_owned(),
            bytes(Some("application/json"), b"{\"x\":\"\xff\xfe\"}".to_vec()),
        ),
        ("top-level array".to_owned(), json_raw(&json!([body]))),
        ("top-level null".to_owned(), json_raw(&Value::Null)),
        (
            "deep nesting".to_owned(),
            bytes(Some("application/json"), "[".repeat(10_000)),
        ),
        (
            "text/plain".to_owned(),
            bytes(Some("text/plain"), body.to_string()),
        ),
        (
            "form encoding".to_owned(),
            bytes(Some("application/x-www-form-urlencoded"), "a=b"),
        ),
        ("no content type".to_owned(), bytes(None, body.to_string())),
        ("oversized".to_owned(), {
            let mut big = body.clone();
            big["padding"] = json!("x".repeat(70 * 1024));
            json_raw(&big)
        }),
    ];
    let Some(fields) = body.as_object() else {
        return out;
    };
    let mut unknown = fields.clone();
    unknown.insert("is_staff".to_owned(), json!(true));
    out.push((
        "unknown field".to_owned(),
        json_raw(&Value::Object(unknown)),
    ));
    let properties = schema["properties"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for (key, value) in fields {
        let property = properties.get(key).cloned().unwrap_or(Value::Null);
        let mut bad: Vec<(String, Value)> = vec![("type confusion".to_owned(), confused(value))];
        let mut with = |name: &str, replacement: Value| bad.push((name.to_owned(), replacement));
        match value {
            Value::String(_) if property["$ref"].is_string() || property["enum"].is_array() => {
                with("unknown code", json!("no_such_code"));
            }
            Value::String(_) => bad_strings(&property)
                .into_iter()
                .for_each(|(name, value)| with(name, value)),
            Value::Number(_) => bad_integers(&property)
                .into_iter()
                .for_each(|(name, value)| with(name, value)),
            Value::Array(items) if items.iter().all(Value::is_number) => {
                with("array of strings", json!(["1"]));
                with(
                    "id beyond i64",
                    serde_json::from_str("[9223372036854775808]").unwrap(),
                );
            }
            _ => {}
        }
        let required = schema["required"]
            .as_array()
            .is_some_and(|r| r.iter().any(|name| name == key));
        if required {
            with("null", Value::Null);
            let mut without = fields.clone();
            without.remove(key);
            out.push((
                format!("/{key}: missing"),
                json_raw(&Value::Object(without)),
            ));
        }
        for (name, replacement) in bad {
            let mut changed: Map<String, Value> = fields.clone();
            changed.insert(key.clone(), replacement);
            out.push((format!("/{key}: {name}"), json_raw(&Value::Object(changed))));
        }
    }
    out
}

/// Mutations of a valid upload of `content_type`.
pub fn file_mutations(content_type: &'static str, valid: &[u8]) -> Vec<(String, Raw)> {
    let mut huge = valid.to_vec();
    huge.resize(11 * 1024 * 1024, b' ');
    vec![
        (
            "empty file".to_owned(),
            bytes(Some(content_type), Vec::new()),
        ),
        (
            "text/plain".to_owned(),
            bytes(Some("text/plain"), valid.to_vec()),
        ),
        ("no content type".to_owned(), bytes(None, valid.to_vec())),
        (
            "HTML declared as PDF".to_owned(),
            bytes(Some(content_type), "<html><script>x</script>"),
        ),
        (
            "PNG bytes declared as PDF".to_owned(),
            bytes(Some(content_type), b"\x89PNG\r\n\x1a\n".to_vec()),
        ),
        ("11 MiB".to_owned(), bytes(Some(content_type), huge)),
    ]
}
