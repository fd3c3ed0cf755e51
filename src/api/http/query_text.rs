//! The one rule for free text in query strings (filters such as a name or a code): at most a
//! given number of characters and no control characters, which are never meaningful in a filter
//! and which PostgreSQL text cannot hold (NUL). Anything else is `400` before any query runs.

use crate::error::AppError;

/// Checks the query parameter `name`; `None` (absent) passes.
pub fn require_plain(name: &str, value: Option<&str>, max_chars: usize) -> Result<(), AppError> {
    let Some(value) = value else {
        return Ok(());
    };
    if value.chars().any(char::is_control) {
        return Err(AppError::BadRequest(format!(
            "{name} must not contain control characters"
        )));
    }
    if value.chars().count() > max_chars {
        return Err(AppError::BadRequest(format!(
            "{name} has at most {max_chars} characters"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::require_plain;

    #[test]
    fn absent_and_plain_pass_control_characters_and_overlong_fail() {
        assert!(require_plain("name", None, 3).is_ok());
        assert!(require_plain("name", Some("Köln"), 4).is_ok());
        assert!(require_plain("name", Some("Köln"), 3).is_err());
        assert!(require_plain("name", Some("a\0b"), 10).is_err());
        assert!(require_plain("name", Some("a\u{85}b"), 10).is_err());
    }
}
