//! The free-text formats `single-line` and `multi-line` as JSON Schema patterns, generated from
//! the characters `domain::text` refuses, so the spec and the validators cannot drift apart.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ArrayItems, Schema, SchemaFormat};

use crate::domain::text;

/// The control characters (`char::is_control`, general category Cc).
const CONTROL_CHARACTERS: [(char, char); 2] = [('\u{0000}', '\u{001F}'), ('\u{007F}', '\u{009F}')];

/// The characters a text format refuses besides those `allowed`: controls and the invisible ones of
/// `domain::text::REFUSED_INVISIBLE`, as inclusive ranges.
fn refused_ranges(allowed: &[char]) -> Vec<(char, char)> {
    let mut ranges = Vec::new();
    for (first, last) in CONTROL_CHARACTERS {
        let mut start = Some(first);
        for c in first..=last {
            if allowed.contains(&c) {
                if let Some(from) = start.take()
                    && from < c
                {
                    ranges.push((from, char::from_u32(c as u32 - 1).unwrap_or(from)));
                }
            } else if start.is_none() {
                start = Some(c);
            }
        }
        if let Some(from) = start {
            ranges.push((from, last));
        }
    }
    ranges.extend_from_slice(text::REFUSED_INVISIBLE);
    ranges
}

/// The inside of a regex character class holding `ranges`: `\uXXXX` escapes in the Basic
/// Multilingual Plane, the characters themselves beyond it (no `\u{…}` or surrogate syntax works
/// in every regex dialect; `document_json` escapes them in the JSON text). Beyond the Basic
/// Multilingual Plane each character is listed, never a range: a JavaScript regex without the `u`
/// flag (spectral, ajv's default in many tools) reads such a character as two UTF-16 units, and
/// a range between two of them is "out of order", so the whole pattern would fail to compile.
fn class_of(ranges: &[(char, char)]) -> String {
    let one = |c: char| {
        if (c as u32) <= 0xFFFF {
            format!("\\u{:04X}", c as u32)
        } else {
            c.to_string()
        }
    };
    ranges
        .iter()
        .map(|&(first, last)| {
            if first == last {
                one(first)
            } else if (last as u32) > 0xFFFF {
                (first..=last).map(one).collect()
            } else {
                format!("{}-{}", one(first), one(last))
            }
        })
        .collect()
}

/// A pattern for text of characters outside `refused` with at least one that is not white space.
fn visible_text_pattern(refused: &[(char, char)], refused_anywhere: &[(char, char)]) -> String {
    let inner = class_of(refused);
    let visible = class_of(refused_anywhere);
    format!("^[^{inner}]*[^\\s{visible}][^{inner}]*$")
}

/// Free-text formats declared with `#[schema(format = "single-line")]` (or `multi-line`) and the
/// patterns that express `domain::text::{single_line, multi_line}` for clients and fuzzers,
/// generated from the same table of refused characters.
pub(super) fn text_formats() -> [(&'static str, String); 2] {
    let single = refused_ranges(&[]);
    let multi = refused_ranges(&text::MULTI_LINE_CONTROLS);
    [
        ("single-line", visible_text_pattern(&single, &single)),
        ("multi-line", visible_text_pattern(&multi, &single)),
    ]
}

/// Replaces the custom text formats with their patterns, everywhere in a schema.
pub(super) fn apply_text_formats(schema: &mut RefOr<Schema>, formats: &[(&str, String)]) {
    let RefOr::T(schema) = schema else { return };
    let recurse = |item: &mut RefOr<Schema>| apply_text_formats(item, formats);
    match schema {
        Schema::Object(object) => {
            if let Some(SchemaFormat::Custom(name)) = &object.format
                && let Some((_, pattern)) = formats.iter().find(|(f, _)| f == name)
            {
                object.pattern = Some(pattern.clone());
                object.format = None;
            }
            object.properties.values_mut().for_each(recurse);
        }
        Schema::Array(array) => {
            if let ArrayItems::RefOrSchema(items) = &mut array.items {
                recurse(items);
            }
        }
        Schema::OneOf(one_of) => one_of.items.iter_mut().for_each(recurse),
        Schema::AllOf(all_of) => all_of.items.iter_mut().for_each(recurse),
        Schema::AnyOf(any_of) => any_of.items.iter_mut().for_each(recurse),
        _ => {}
    }
}

/// Writes each invisible or non-ASCII control character of the Basic Multilingual Plane in a JSON
/// text as a `\uXXXX` escape; such characters occur only inside JSON strings, where the escape
/// means the same character. Characters beyond it stay literal: their JSON escape is a surrogate
/// pair, which YAML-based tools reading the document (openapi-spec-validator) refuse.
pub(super) fn escape_invisible(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        let in_bmp = (c as u32) <= 0xFFFF;
        if in_bmp && (text::is_invisible(c) || c.is_control() && !c.is_ascii()) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    fn compiled() -> [(&'static str, Regex); 2] {
        text_formats().map(|(name, pattern)| (name, Regex::new(&pattern).unwrap()))
    }

    /// Every code point of the table, its neighbours and the whole Basic Multilingual Plane.
    fn characters_to_compare() -> Vec<char> {
        let mut chars: Vec<char> = ('\0'..='\u{FFFF}').collect();
        for &(first, last) in text::REFUSED_INVISIBLE {
            chars.extend(first..=last);
            chars.extend(char::from_u32(first as u32 - 1));
            chars.extend(char::from_u32(last as u32 + 1));
        }
        chars
    }

    #[test]
    fn patterns_and_validators_agree_on_every_character() {
        let [(_, single), (_, multi)] = compiled();
        for c in characters_to_compare() {
            for text in [format!("a{c}b"), c.to_string()] {
                assert_eq!(
                    single.is_match(&text),
                    text::single_line(&text).is_ok(),
                    "single-line, U+{:04X}",
                    c as u32
                );
                assert_eq!(
                    multi.is_match(&text),
                    text::multi_line(&text).is_ok(),
                    "multi-line, U+{:04X}",
                    c as u32
                );
            }
        }
    }

    #[test]
    fn multi_line_pattern_allows_line_breaks_and_tabs_only() {
        let [(_, single), (_, multi)] = compiled();
        assert!(multi.is_match("eins\nzwei\r\n\tdrei"));
        assert!(!single.is_match("eins\nzwei"));
        assert!(!multi.is_match("\n\t"));
    }

    #[test]
    fn escaped_json_means_the_same_and_has_no_invisible_bmp_character() {
        let json = serde_json::json!({"p": "a\u{200B}b\u{E0041}c\u{85}ä"}).to_string();
        let escaped = escape_invisible(&json);
        assert!(
            !escaped
                .chars()
                .any(|c| (c as u32) <= 0xFFFF && text::is_invisible(c))
        );
        assert!(escaped.contains("\\u200b") && escaped.contains('\u{E0041}'));
        assert!(!escaped.contains("\\ud"), "no surrogate escapes");
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back.to_string(), json);
    }
}
