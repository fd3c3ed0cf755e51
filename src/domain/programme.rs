//! Which programme a deployment (or one of its programmes) runs: the mentoring programme of the
//! SK:KK for climate-protection managers by default, a sister programme (e.g. for
//! climate-adaptation managers) beside it. Each programme has its own database, so its people,
//! catalogue, activities and reports never meet another programme's; this module names a
//! programme and says how its texts speak of it.

use serde::Serialize;

/// The default programme's code: the KSM mentoring programme of the SK:KK.
pub const DEFAULT_CODE: &str = "ksm";
/// The default programme's title, as certificates and reports print it.
pub const DEFAULT_TITLE: &str = "Mentoring-Programm für Klimaschutzmanagerinnen und \
     Klimaschutzmanager der Servicestelle Kommunaler Klimaschutz (SK:KK)";
/// The default programme's short name (e-mail subjects, calendar, report headings).
pub const DEFAULT_NAME: &str = "KSM-Mentoring-Programm";
/// The default programme office's short name ("die Geschäftsstelle des SK:KK").
pub const DEFAULT_OFFICE: &str = "SK:KK";

/// A programme's identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Programme {
    /// The code in its URLs (`/programmes/{code}/api/v1`) and in its database's claim.
    pub code: String,
    /// The short name, e.g. "KSM-Mentoring-Programm" (e-mail subjects, calendar, headings).
    pub name: String,
    /// The full title, as certificates and reports print it.
    pub title: String,
    /// The office's short name, used after "die Geschäftsstelle des" / "the … office".
    pub office: String,
}

impl Default for Programme {
    fn default() -> Self {
        Self {
            code: DEFAULT_CODE.to_owned(),
            name: DEFAULT_NAME.to_owned(),
            title: DEFAULT_TITLE.to_owned(),
            office: DEFAULT_OFFICE.to_owned(),
        }
    }
}

impl Programme {
    /// Where the programme's API is mounted besides the default programme's `/api/v1`.
    pub fn path_prefix(&self) -> String {
        format!("/programmes/{}", self.code)
    }
}

/// Why a programme code is refused: it must be usable in a URL path and an environment
/// variable's name as it is.
pub fn check_code(code: &str) -> Result<(), String> {
    let first_is_letter = code.bytes().next().is_some_and(|b| b.is_ascii_lowercase());
    let plain = code
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if (2..=16).contains(&code.len()) && first_is_letter && plain {
        Ok(())
    } else {
        Err(format!(
            "`{code}`: a programme code is 2 to 16 lower-case letters or digits, starting with a letter"
        ))
    }
}

/// The programmes a deployment runs may not share a code.
pub fn check_distinct<'a>(codes: impl IntoIterator<Item = &'a str>) -> Result<(), String> {
    let mut seen = std::collections::BTreeSet::new();
    for code in codes {
        if !seen.insert(code) {
            return Err(format!("the programme code `{code}` is used twice"));
        }
    }
    Ok(())
}

/// A database already claimed by `claimed` may only serve that programme: pointing a second
/// programme at it (or swapping two programmes' databases) would mix their people.
pub fn check_claim(claimed: &str, programme: &str) -> Result<(), String> {
    if claimed == programme {
        Ok(())
    } else {
        Err(format!(
            "this database belongs to the programme `{claimed}`, not to `{programme}`"
        ))
    }
}

/// Whether `programme` may claim an unclaimed database: a fresh one, yes; one that already
/// holds people was the single programme's from before programmes were claimed (the SK:KK's
/// KSM programme), so only that programme may adopt it; a sister pointed at it by mistake would
/// otherwise take those people for its own.
pub fn check_adoption(programme: &str, holds_accounts: bool) -> Result<(), String> {
    if !holds_accounts || programme == DEFAULT_CODE {
        Ok(())
    } else {
        Err(format!(
            "this database holds the data of the programme `{DEFAULT_CODE}` from before \
             programmes were claimed, not of `{programme}`"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_short_lower_case_and_start_with_a_letter() {
        assert!(check_code("ksm").is_ok());
        assert!(check_code("kam2").is_ok());
        for refused in [
            "",
            "k",
            "KAM",
            "2kam",
            "ka-m",
            "k am",
            "abcdefghijklmnopq",
            "käm",
        ] {
            assert!(check_code(refused).is_err(), "{refused:?} was accepted");
        }
    }

    #[test]
    fn a_code_used_twice_is_refused() {
        assert!(check_distinct(["ksm", "kam"]).is_ok());
        let error = check_distinct(["ksm", "kam", "ksm"]).unwrap_err();
        assert!(error.contains("`ksm`"), "{error}");
    }

    #[test]
    fn a_database_serves_only_the_programme_that_claimed_it() {
        assert!(check_claim("kam", "kam").is_ok());
        let error = check_claim("ksm", "kam").unwrap_err();
        assert!(
            error.contains("`ksm`") && error.contains("`kam`"),
            "{error}"
        );
    }

    #[test]
    fn only_the_default_programme_adopts_a_database_with_people() {
        assert!(check_adoption("kam", false).is_ok());
        assert!(check_adoption(DEFAULT_CODE, true).is_ok());
        let error = check_adoption("kam", true).unwrap_err();
        assert!(
            error.contains("`ksm`") && error.contains("`kam`"),
            "{error}"
        );
    }

    #[test]
    fn a_sister_programme_is_mounted_under_its_code() {
        let programme = Programme::default();
        assert_eq!(programme.path_prefix(), "/programmes/ksm");
    }
}
