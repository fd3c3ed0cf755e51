//! Summing a year's credits: revoked credits are listed but never counted.

use std::collections::BTreeMap;

/// What a sum needs to know of one ledger row.
#[derive(Debug, Clone, Copy)]
pub struct Counted<'a> {
    /// The format the credit was earned in.
    pub format_code: &'a str,
    /// Credited hours.
    pub hours: i32,
    /// Whether staff revoked it.
    pub revoked: bool,
}

/// Credits and hours of one format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatTotal {
    /// Format code.
    pub format_code: String,
    /// Credited activities.
    pub count: u32,
    /// Credited hours.
    pub hours: i32,
}

/// Totals per format (by format code) and the overall hours, without revoked credits.
pub fn totals<'a>(credits: impl IntoIterator<Item = Counted<'a>>) -> (Vec<FormatTotal>, i32) {
    let mut per_format: BTreeMap<&str, (u32, i32)> = BTreeMap::new();
    for credit in credits.into_iter().filter(|c| !c.revoked) {
        let entry = per_format.entry(credit.format_code).or_default();
        entry.0 += 1;
        entry.1 += credit.hours;
    }
    let sum = per_format.values().map(|(_, hours)| hours).sum();
    let list = per_format
        .into_iter()
        .map(|(code, (count, hours))| FormatTotal {
            format_code: code.to_owned(),
            count,
            hours,
        })
        .collect();
    (list, sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credit(format_code: &str, hours: i32, revoked: bool) -> Counted<'_> {
        Counted {
            format_code,
            hours,
            revoked,
        }
    }

    #[test]
    fn revoked_credits_do_not_count_and_formats_are_summed_apart() {
        let (list, sum) = totals([
            credit("webinar", 40, false),
            credit("forum_sponsorship", 20, false),
            credit("forum_sponsorship", 20, false),
            credit("practice_tip", 40, true),
        ]);
        assert_eq!(sum, 80);
        assert_eq!(
            list,
            vec![
                FormatTotal {
                    format_code: "forum_sponsorship".to_owned(),
                    count: 2,
                    hours: 40
                },
                FormatTotal {
                    format_code: "webinar".to_owned(),
                    count: 1,
                    hours: 40
                },
            ]
        );
        assert_eq!(totals([]).1, 0);
    }
}
