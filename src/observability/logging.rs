//! The log format (`LOG_FORMAT`): `text` (default) is env_logger's layout for people, `json`
//! one JSON object per line for a log collector. Both add the request id and the W3C trace and
//! span ids to every line logged while a request is served, so a line can be found from a
//! problem's `request_id` or from the caller's trace. Messages never carry personal data; the
//! format adds only these ids.

use std::io::Write;

use serde::Serialize;

use crate::request_context::{self, RequestContext};

/// How lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// `[timestamp LEVEL target] message req=… trace=…`
    Text,
    /// `{"timestamp":…,"level":…,"target":…,"message":…,"request_id":…,"trace_id":…,"span_id":…}`
    Json,
}

impl LogFormat {
    /// Reads `LOG_FORMAT` (`text` or `json`, unset: `text`).
    pub fn from_env() -> Result<Self, String> {
        match std::env::var("LOG_FORMAT").ok().as_deref() {
            None | Some("" | "text") => Ok(Self::Text),
            Some("json") => Ok(Self::Json),
            Some(other) => Err(format!(
                "LOG_FORMAT must be `text` or `json`, not `{other}`"
            )),
        }
    }
}

/// Sets up env_logger with `RUST_LOG` (default `info`) and the given format.
pub fn init(format: LogFormat) {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"))
        .format(move |buf, record| {
            let timestamp = buf.timestamp_micros().to_string();
            let line = request_context::with_current(|context| {
                render(format, &timestamp, record, Some(context))
            })
            .unwrap_or_else(|| render(format, &timestamp, record, None));
            writeln!(buf, "{line}")
        })
        .init();
}

#[derive(Serialize)]
struct JsonLine<'a> {
    timestamp: &'a str,
    level: &'a str,
    target: &'a str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trace_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    span_id: Option<&'a str>,
}

/// One line without its newline.
fn render(
    format: LogFormat,
    timestamp: &str,
    record: &log::Record<'_>,
    context: Option<&RequestContext>,
) -> String {
    match format {
        LogFormat::Text => {
            let mut line = format!(
                "[{timestamp} {:<5} {}] {}",
                record.level(),
                record.target(),
                record.args()
            );
            if let Some(c) = context {
                line.push_str(&format!(" req={} trace={}", c.request_id, c.trace.trace_id));
            }
            line
        }
        LogFormat::Json => {
            let line = JsonLine {
                timestamp,
                level: record.level().as_str(),
                target: record.target(),
                message: record.args().to_string(),
                request_id: context.map(|c| c.request_id.as_str()),
                trace_id: context.map(|c| c.trace.trace_id.as_str()),
                span_id: context.map(|c| c.trace.span_id.as_str()),
            };
            // A struct of strings always serialises.
            serde_json::to_string(&line).unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{LogFormat, render};
    use crate::request_context::{RequestContext, TraceContext};

    fn context() -> RequestContext {
        RequestContext {
            request_id: "req-1".to_owned(),
            path: "/api/v1/sessions".to_owned(),
            trace: TraceContext {
                trace_id: "4bf92f3577b34da6a3ce929d0e0e4736".to_owned(),
                span_id: "00f067aa0ba902b7".to_owned(),
                flags: 1,
            },
        }
    }

    fn line(format: LogFormat, context: Option<&RequestContext>) -> String {
        render(
            format,
            "2026-12-06T10:00:00.000000Z",
            &log::Record::builder()
                .level(log::Level::Warn)
                .target("mentoring_api::mail")
                .args(format_args!("a \"quoted\"\nmessage"))
                .build(),
            context,
        )
    }

    #[test]
    fn json_lines_are_one_object_with_the_ids_of_the_request() {
        let text = line(LogFormat::Json, Some(&context()));
        assert!(!text.contains('\n'));
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            value,
            serde_json::json!({
                "timestamp": "2026-12-06T10:00:00.000000Z",
                "level": "WARN",
                "target": "mentoring_api::mail",
                "message": "a \"quoted\"\nmessage",
                "request_id": "req-1",
                "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
                "span_id": "00f067aa0ba902b7",
            })
        );
    }

    #[test]
    fn json_lines_outside_a_request_have_no_ids() {
        let value: serde_json::Value = serde_json::from_str(&line(LogFormat::Json, None)).unwrap();
        assert!(value.get("trace_id").is_none());
        assert_eq!(value["level"], "WARN");
    }

    #[test]
    fn text_lines_end_with_the_ids_of_the_request() {
        assert_eq!(
            line(LogFormat::Text, Some(&context())),
            "[2026-12-06T10:00:00.000000Z WARN  mentoring_api::mail] a \"quoted\"\nmessage \
             req=req-1 trace=4bf92f3577b34da6a3ce929d0e0e4736"
        );
    }
}
