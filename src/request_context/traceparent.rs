//! W3C Trace Context (`traceparent`), the propagation format OpenTelemetry uses: a caller's
//! trace is continued when its header is well-formed, otherwise a new trace starts. Pure parsing
//! and formatting; the middleware decides what to do with the result.

/// The request header (and the response header naming this server's span).
pub const TRACEPARENT_HEADER: &str = "traceparent";

/// The trace a request belongs to and the span this server opened for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceContext {
    /// 32 lowercase hex digits, never all zero.
    pub trace_id: String,
    /// This server's span: 16 lowercase hex digits, new for every request.
    pub span_id: String,
    /// The caller's trace flags (bit 0: sampled); 00 for a trace started here.
    pub flags: u8,
}

impl TraceContext {
    /// Continues the caller's trace from a `traceparent` value, or `None` when it is not a
    /// valid one (then the caller's header is ignored, as the specification asks).
    pub fn continued(header: &str, span_id: String) -> Option<Self> {
        let (trace_id, flags) = parse(header)?;
        Some(Self {
            trace_id: trace_id.to_owned(),
            span_id,
            flags,
        })
    }

    /// The `traceparent` value naming this server's span (version 00).
    pub fn header_value(&self) -> String {
        format!("00-{}-{}-{:02x}", self.trace_id, self.span_id, self.flags)
    }
}

fn is_lower_hex(text: &str, len: usize) -> bool {
    text.len() == len
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn all_zero(text: &str) -> bool {
    text.bytes().all(|b| b == b'0')
}

/// `version-traceid-parentid-flags`: returns the trace id and the flags. Version `ff` is
/// invalid; version 00 has exactly four fields; a later version may append fields after a `-`.
fn parse(header: &str) -> Option<(&str, u8)> {
    let header = header.trim_matches([' ', '\t']);
    let version = header.get(0..2)?;
    if !is_lower_hex(version, 2) || version == "ff" {
        return None;
    }
    let fixed = header.get(0..55)?;
    let rest = &header[55..];
    if (version == "00" && !rest.is_empty()) || (!rest.is_empty() && !rest.starts_with('-')) {
        return None;
    }
    let mut fields = fixed.split('-');
    let (_, trace_id, parent_id, flags) = (
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
    );
    let valid = fields.next().is_none()
        && is_lower_hex(trace_id, 32)
        && !all_zero(trace_id)
        && is_lower_hex(parent_id, 16)
        && !all_zero(parent_id)
        && is_lower_hex(flags, 2);
    if !valid {
        return None;
    }
    Some((trace_id, u8::from_str_radix(flags, 16).ok()?))
}

#[cfg(test)]
mod tests {
    use super::TraceContext;

    const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

    fn continued(header: &str) -> Option<TraceContext> {
        TraceContext::continued(header, "1111111111111111".to_owned())
    }

    #[test]
    fn a_valid_header_continues_its_trace_with_a_new_span() {
        let trace = continued(&format!("00-{TRACE}-00f067aa0ba902b7-01")).unwrap();
        assert_eq!(trace.trace_id, TRACE);
        assert_eq!(trace.flags, 1);
        assert_eq!(
            trace.header_value(),
            format!("00-{TRACE}-1111111111111111-01")
        );
    }

    #[test]
    fn a_later_version_may_carry_more_fields() {
        let trace = continued(&format!("cc-{TRACE}-00f067aa0ba902b7-00-future")).unwrap();
        assert_eq!(trace.trace_id, TRACE);
        assert!(continued(&format!("cc-{TRACE}-00f067aa0ba902b7-00x")).is_none());
    }

    #[test]
    fn malformed_headers_are_ignored() {
        for header in [
            String::new(),
            "garbage".to_owned(),
            format!("ff-{TRACE}-00f067aa0ba902b7-01"),
            format!("00-{TRACE}-00f067aa0ba902b7-01-extra"),
            format!("00-{}-00f067aa0ba902b7-01", TRACE.to_uppercase()),
            format!("00-{}-00f067aa0ba902b7-01", "0".repeat(32)),
            format!("00-{TRACE}-0000000000000000-01"),
            format!("00-{TRACE}-00f067aa0ba902b7-0g"),
            format!("00_{TRACE}_00f067aa0ba902b7_01"),
            format!("00-{TRACE}-00f067aa0ba902b-701"),
            "00-ä".repeat(20),
        ] {
            assert!(continued(&header).is_none(), "{header}");
        }
    }
}
