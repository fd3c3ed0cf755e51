//! How a pure rule says no: which input fields break it, or which state it conflicts with.
//!
//! The API turns a [`Violation`] into its 422 or 409 problem in one place (`From` in
//! `crate::error`); the rules themselves know nothing of HTTP.

/// One offending input field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldBreak {
    /// JSON pointer to the field, e.g. `/ends_at` or `/topic_ids/2`.
    pub pointer: String,
    /// What is wrong with it (never the rejected value).
    pub detail: String,
}

/// A broken rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// The input breaks the rule at these fields (at least one); the API answers 422.
    Invalid(Vec<FieldBreak>),
    /// The request conflicts with the current state of things; the API answers 409.
    Conflict(String),
}

impl Violation {
    /// One invalid field.
    pub fn field(pointer: impl Into<String>, detail: impl Into<String>) -> Self {
        Violation::Invalid(vec![FieldBreak {
            pointer: pointer.into(),
            detail: detail.into(),
        }])
    }

    /// A conflict with the current state.
    pub fn conflict(message: impl Into<String>) -> Self {
        Violation::Conflict(message.into())
    }

    /// Each id of `listed` must be one of `known` and listed once: one broken field per
    /// offending entry, at `pointer(index)`, with the `unknown` or `repeated` detail.
    pub fn unless_each_known_once(
        listed: &[i64],
        known: &[i64],
        pointer: impl Fn(usize) -> String,
        unknown: &str,
        repeated: &str,
    ) -> Result<(), Self> {
        let problems = listed
            .iter()
            .enumerate()
            .filter_map(|(index, id)| {
                let twice = listed[..index].contains(id);
                (twice || !known.contains(id)).then(|| FieldBreak {
                    pointer: pointer(index),
                    detail: if twice { repeated } else { unknown }.to_owned(),
                })
            })
            .collect();
        Self::unless_any(problems)
    }

    /// `Ok` when no field broke the rule, else all of them.
    pub fn unless_any(fields: Vec<FieldBreak>) -> Result<(), Self> {
        if fields.is_empty() {
            Ok(())
        } else {
            Err(Violation::Invalid(fields))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_broken_field_is_no_violation() {
        assert_eq!(Violation::unless_any(Vec::new()), Ok(()));
    }

    #[test]
    fn every_broken_field_is_kept_in_order() {
        let fields = vec![
            FieldBreak {
                pointer: "/a".into(),
                detail: "x".into(),
            },
            FieldBreak {
                pointer: "/b".into(),
                detail: "y".into(),
            },
        ];
        assert_eq!(
            Violation::unless_any(fields.clone()),
            Err(Violation::Invalid(fields))
        );
    }
}
