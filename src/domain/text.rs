//! Rules for free text coming from clients.

use std::borrow::Cow;

use validator::ValidationError;

fn error(code: &'static str, message: &'static str) -> ValidationError {
    ValidationError::new(code).with_message(Cow::Borrowed(message))
}

/// Bidirectional-override and isolate characters that can disguise text (CVE-2021-42574 class).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// One line of visible text: not blank, no control characters, no bidi overrides.
pub fn single_line(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(error("blank", "must not be empty or only white space"));
    }
    if value.chars().any(|c| c.is_control() || is_bidi_control(c)) {
        return Err(error(
            "control_character",
            "must not contain control characters or direction overrides",
        ));
    }
    Ok(())
}

/// Multi-line text: not blank; tabs and line breaks allowed, other control characters not.
pub fn multi_line(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(error("blank", "must not be empty or only white space"));
    }
    let forbidden =
        |c: char| (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || is_bidi_control(c);
    if value.chars().any(forbidden) {
        return Err(error(
            "control_character",
            "must not contain control characters or direction overrides",
        ));
    }
    Ok(())
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

/// Lower-cases and trims an e-mail address or client id for storage and lookup.
pub fn normalize_login(value: &str) -> String {
    value.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

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
