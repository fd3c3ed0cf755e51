//! Rules for free text coming from clients.

use std::borrow::Cow;

use validator::ValidationError;

fn error(code: &'static str, message: &'static str) -> ValidationError {
    ValidationError::new(code).with_message(Cow::Borrowed(message))
}

/// Characters that render as nothing (or as blank space no keyboard types) and so can disguise
/// or pad visible text: all of Unicode's general category Cf (format characters: soft hyphen,
/// zero-width characters, bidi embeddings, overrides and isolates, word joiner, byte order mark,
/// tags, …), the line and paragraph separators, and the Hangul fillers. Inclusive ranges in code
/// point order; `openapi.rs` renders the same table into the text patterns of the spec.
pub const REFUSED_INVISIBLE: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),   // soft hyphen
    ('\u{034F}', '\u{034F}'),   // combining grapheme joiner
    ('\u{0600}', '\u{0605}'),   // Arabic number signs
    ('\u{061C}', '\u{061C}'),   // Arabic letter mark (bidi)
    ('\u{06DD}', '\u{06DD}'),   // Arabic end of ayah
    ('\u{070F}', '\u{070F}'),   // Syriac abbreviation mark
    ('\u{0890}', '\u{0891}'),   // Arabic pound and piastre marks above
    ('\u{08E2}', '\u{08E2}'),   // Arabic disputed end of ayah
    ('\u{115F}', '\u{1160}'),   // Hangul choseong and jungseong fillers
    ('\u{17B4}', '\u{17B5}'),   // Khmer inherent vowels (invisible)
    ('\u{180E}', '\u{180E}'),   // Mongolian vowel separator
    ('\u{200B}', '\u{200F}'),   // zero-width space, non-joiner, joiner; LRM, RLM
    ('\u{2028}', '\u{2029}'),   // line and paragraph separators
    ('\u{202A}', '\u{202E}'),   // bidi embeddings and overrides
    ('\u{2060}', '\u{2064}'),   // word joiner, invisible operators
    ('\u{2066}', '\u{206F}'),   // bidi isolates, deprecated format characters
    ('\u{3164}', '\u{3164}'),   // Hangul filler
    ('\u{FEFF}', '\u{FEFF}'),   // zero-width no-break space (byte order mark)
    ('\u{FFA0}', '\u{FFA0}'),   // halfwidth Hangul filler
    ('\u{FFF9}', '\u{FFFB}'),   // interlinear annotation controls
    ('\u{110BD}', '\u{110BD}'), // Kaithi number sign
    ('\u{110CD}', '\u{110CD}'), // Kaithi number sign above
    ('\u{13430}', '\u{1343F}'), // Egyptian hieroglyph format controls
    ('\u{1BCA0}', '\u{1BCA3}'), // shorthand format controls
    ('\u{1D173}', '\u{1D17A}'), // musical beam and phrase controls
    ('\u{E0001}', '\u{E0001}'), // language tag
    ('\u{E0020}', '\u{E007F}'), // tag characters
];

/// Whether `c` is in [`REFUSED_INVISIBLE`].
pub fn is_invisible(c: char) -> bool {
    REFUSED_INVISIBLE
        .iter()
        .any(|&(first, last)| (first..=last).contains(&c))
}

/// Line breaks and the tab, the only control characters multi-line text may contain.
pub const MULTI_LINE_CONTROLS: [char; 3] = ['\t', '\n', '\r'];

fn refuse_hidden(value: &str, allowed_control: &[char]) -> Result<(), ValidationError> {
    if value
        .chars()
        .any(|c| c.is_control() && !allowed_control.contains(&c))
    {
        return Err(error(
            "control_character",
            "must not contain control characters",
        ));
    }
    if value.chars().any(is_invisible) {
        return Err(error(
            "invisible_character",
            "must not contain invisible or format characters (zero-width spaces, direction \
             overrides, soft hyphens, fillers, line separators)",
        ));
    }
    Ok(())
}

/// One line of visible text: not blank, no control characters, no invisible characters.
pub fn single_line(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(error("blank", "must not be empty or only white space"));
    }
    refuse_hidden(value, &[])
}

/// Multi-line text: not blank; tabs and line breaks allowed, other control characters and
/// invisible characters not.
pub fn multi_line(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(error("blank", "must not be empty or only white space"));
    }
    refuse_hidden(value, &MULTI_LINE_CONTROLS)
}

/// A password: 12 to 1024 characters of any kind (NIST SP 800-63B: length, not composition),
/// except control characters, which no keyboard types and some clients cut at (NUL).
pub fn password(value: &str) -> Result<(), ValidationError> {
    if !(12..=1024).contains(&value.chars().count()) {
        return Err(error(
            "password_length",
            "must be 12 to 1024 characters long",
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(error(
            "control_character",
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// A machine code: a lower-case ASCII letter, then 1 to 62 lower-case letters, digits or `_`
/// (pattern `^[a-z][a-z0-9_]{1,62}$`).
pub fn code(value: &str) -> Result<(), ValidationError> {
    let mut bytes = value.bytes();
    let well_formed = (2..=63).contains(&value.len())
        && bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if well_formed {
        Ok(())
    } else {
        Err(error(
            "code",
            "must be 2 to 63 characters: a lower-case letter, then lower-case letters, digits or _",
        ))
    }
}

/// Phone numbers: digits, spaces and `+ ( ) / -`.
pub fn phone(value: &str) -> Result<(), ValidationError> {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let allowed = value
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '(' | ')' | '/' | '-'));
    if allowed && (5..=20).contains(&digits) && value.chars().count() <= 40 {
        Ok(())
    } else {
        Err(ValidationError::new("phone").with_message(
            "must be a phone number: 5–20 digits, at most 40 characters; spaces and + ( ) / - allowed".into(),
        ))
    }
}

/// Lower-cases and trims an e-mail address or client id for storage and lookup.
pub fn normalize_login(value: &str) -> String {
    value.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_need_digits() {
        assert!(phone("+49 30 39001-177").is_ok());
        assert!(phone("030/1234567").is_ok());
        assert!(phone("call me").is_err());
        assert!(phone("12").is_err());
    }

    #[test]
    fn single_line_refuses_blank_control_and_bidi_text() {
        assert!(single_line("Kreis Steinfurt").is_ok());
        assert!(single_line("Grüße 🌍").is_ok());
        assert!(single_line("   ").is_err());
        assert!(single_line("a\nb").is_err());
        assert!(single_line("a\0b").is_err());
        assert!(single_line("abc\u{202E}def").is_err());
    }

    #[test]
    fn multi_line_allows_line_breaks_only() {
        assert!(multi_line("eins\nzwei\r\n\tdrei").is_ok());
        assert!(multi_line("a\u{7}b").is_err());
        assert!(multi_line("\n\n").is_err());
    }

    #[test]
    fn invisible_characters_are_refused_in_both_kinds_of_text() {
        for hidden in [
            "Jo\u{200B}hanna",
            "\u{FEFF}Kreis",
            "Kreis\u{200F}",
            "Stein\u{00AD}furt",
            "a\u{2028}b",
            "a\u{2029}b",
            "\u{3164}",
            "Kim\u{115F}",
            "Kim\u{1160}",
            "x\u{FFA0}",
            "x\u{2060}y",
            "x\u{E0041}y",
        ] {
            assert!(single_line(hidden).is_err(), "{hidden:?}");
            assert!(multi_line(hidden).is_err(), "{hidden:?}");
        }
    }

    #[test]
    fn visible_letters_next_to_the_table_pass() {
        assert!(single_line("Jörg Müller-Lüdenscheidt").is_ok());
        assert!(single_line("Łódź, İstanbul, Ñandú, 김치").is_ok());
        assert!(single_line("a\u{00AC}b\u{2027}c").is_ok());
    }

    #[test]
    fn table_holds_ordered_disjoint_ranges() {
        for pair in REFUSED_INVISIBLE.windows(2) {
            assert!(pair[0].0 <= pair[0].1 && pair[0].1 < pair[1].0, "{pair:?}");
        }
    }

    #[test]
    fn codes_are_lower_snake_case() {
        assert!(code("mobility").is_ok());
        assert!(code("climate_impacts_2").is_ok());
        assert!(code("m").is_err());
        assert!(code("Mobility").is_err());
        assert!(code("2mobility").is_err());
        assert!(code("mobil-ity").is_err());
        assert!(code("mobilität").is_err());
        assert!(code(&"a".repeat(64)).is_err());
    }

    #[test]
    fn password_needs_twelve_characters() {
        assert!(password("elf zeichen").is_err());
        assert!(password("zwölf zeichen").is_ok());
        assert!(password(&"x".repeat(1025)).is_err());
    }

    #[test]
    fn password_refuses_control_characters() {
        assert!(password("zwölf\0zeichen").is_err());
        assert!(password("zwölf zeichen\r\n").is_err());
        assert!(password("zwölf zeichen 🌍 ok").is_ok());
    }
}
