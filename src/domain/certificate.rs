//! The verification code of a participation certificate (Teilnahmebescheinigung): 60 random bits
//! in Crockford's base 32, printed as `XXXX-XXXX-XXXX`. The alphabet has no I, L, O or U, so a
//! code read off paper and typed back is forgiving: case, hyphens and spaces do not matter, and
//! `O` reads as `0`, `I` and `L` as `1`. The same content of a certificate keeps its code; a
//! change (a credit added, corrected, revoked, the minimum's status) gets a new one.

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters of a code without its hyphens.
const CODE_CHARS: usize = 12;

/// A code from 8 random bytes (the low 60 bits are used).
pub fn code_from(random: [u8; 8]) -> String {
    let mut bits = u64::from_be_bytes(random);
    let mut chars = [0u8; CODE_CHARS];
    for slot in chars.iter_mut().rev() {
        *slot = ALPHABET[(bits & 31) as usize];
        bits >>= 5;
    }
    group(&chars)
}

fn group(chars: &[u8]) -> String {
    chars
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// The canonical form of a code as typed (`None` when it cannot be one).
pub fn normalise(typed: &str) -> Option<String> {
    let mut chars = Vec::with_capacity(CODE_CHARS);
    for c in typed.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) || chars.len() == CODE_CHARS {
            return None;
        }
        chars.push(c as u8);
    }
    (chars.len() == CODE_CHARS).then(|| group(&chars))
}

/// What a certificate states, for telling whether a new one says the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    /// The mentor.
    pub participant_id: i64,
    /// The project.
    pub project_id: i64,
    /// The project year.
    pub project_year: u32,
    /// Per counted credit: ledger id, format code, day, hours.
    pub credits: Vec<(i64, String, chrono::NaiveDate, i32)>,
    /// The minimum in hours, if the project kind has one.
    pub min_hours: Option<i32>,
    /// The code of the minimum's status.
    pub status: &'static str,
}

impl Content {
    /// A canonical rendering of the content: equal exactly when two certificates state the same
    /// (stored as its SHA-256 digest).
    pub fn canonical(&self) -> String {
        let mut text = format!(
            "{}|{}|{}|{:?}|{}",
            self.participant_id, self.project_id, self.project_year, self.min_hours, self.status
        );
        for (id, format, day, hours) in &self.credits {
            text.push_str(&format!("|{id},{format},{day},{hours}"));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_grouped_base32_and_normalise_to_themselves() {
        let code = code_from([0xff; 8]);
        assert_eq!(code, "ZZZZ-ZZZZ-ZZZZ");
        assert_eq!(code_from([0; 8]), "0000-0000-0000");
        let code = code_from([1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(code.len(), 14);
        assert_eq!(normalise(&code).as_deref(), Some(code.as_str()));
    }

    #[test]
    fn typing_mistakes_a_reader_makes_are_forgiven() {
        assert_eq!(
            normalise("ab1c olde 2fgh").as_deref(),
            Some("AB1C-01DE-2FGH")
        );
        assert_eq!(normalise("AB1C01DE2FGH").as_deref(), Some("AB1C-01DE-2FGH"));
    }

    #[test]
    fn what_cannot_be_a_code_is_refused() {
        for typed in [
            "",
            "AB1C-01DE",
            "AB1C-01DE-2FGH-0",
            "AB1C-01DE-2FGU",
            "ÄB1C-01DE-2FGH",
        ] {
            assert_eq!(normalise(typed), None, "{typed}");
        }
    }

    #[test]
    fn the_canonical_form_changes_with_every_stated_fact() {
        let day = chrono::NaiveDate::from_ymd_opt(2027, 4, 14).unwrap();
        let base = Content {
            participant_id: 1,
            project_id: 2,
            project_year: 1,
            credits: vec![(5, "webinar".into(), day, 40)],
            min_hours: Some(40),
            status: "met",
        };
        assert_eq!(base.canonical(), base.clone().canonical());
        let changes = [
            Content {
                credits: vec![(5, "webinar".into(), day, 32)],
                ..base.clone()
            },
            Content {
                credits: vec![],
                ..base.clone()
            },
            Content {
                status: "not_met",
                ..base.clone()
            },
            Content {
                project_year: 2,
                ..base.clone()
            },
        ];
        for changed in changes {
            assert_ne!(changed.canonical(), base.canonical(), "{changed:?}");
        }
    }
}
