//! How hard a new password must be to guess: zxcvbn's estimate (score 3 of 4 or better, about
//! 10^10 guesses), with common German password words counted as known, and never the person's own
//! e-mail address, its local part or names. The length rule stays `text::password`.

use super::Violation;

/// The lowest zxcvbn score accepted ("safely unguessable: moderate protection from offline
/// slow-hash scenarios").
const MINIMUM_SCORE: u8 = 3;

/// Personal words shorter than this are too common to refuse inside a password.
const SHORTEST_PERSONAL_WORD: usize = 3;

/// Words German speakers often build passwords from, which zxcvbn's English dictionaries lack;
/// they are guessed as cheaply as the person's own data.
const GERMAN_PASSWORD_WORDS: &[&str] = &[
    "passwort",
    "kennwort",
    "geheim",
    "hallo",
    "willkommen",
    "schatz",
    "liebe",
    "sommer",
    "winter",
    "fruehling",
    "frühling",
    "herbst",
    "sonne",
    "blume",
    "katze",
    "hund",
    "fussball",
    "fußball",
    "deutschland",
    "berlin",
    "hamburg",
    "muenchen",
    "münchen",
    "koeln",
    "köln",
    "klimaschutz",
    "klima",
    "mentoring",
    "kommune",
    "stadt",
    "gemeinde",
    "zugang",
    "anmeldung",
    "benutzer",
    "eins",
    "zwei",
    "drei",
    "test",
];

const TOO_PERSONAL: &str = "darf weder die E-Mail-Adresse noch den Namen enthalten \
     (must not contain the e-mail address or the name)";
const TOO_GUESSABLE: &str = "ist zu leicht zu erraten; bitte mehrere ungewöhnliche Wörter oder \
     mehr Zeichen wählen (too easy to guess: use several unusual words or more characters)";

/// Whether `password` is strong enough for the person described by `personal` (e-mail address,
/// first and last name or display name). Refuses, at `/password`, one that contains any of them,
/// the e-mail's local part or any of their words of three or more characters (ignoring case), and
/// one zxcvbn scores below 3.
pub fn strong_password(password: &str, personal: &[&str]) -> Result<(), Violation> {
    strong_password_at(password, personal, "/password")
}

/// [`strong_password`] for a field at another `pointer` (`/new_password` of a password change).
pub fn strong_password_at(
    password: &str,
    personal: &[&str],
    pointer: &str,
) -> Result<(), Violation> {
    let words = personal_words(personal);
    let lowered = password.to_lowercase();
    if words.iter().any(|word| lowered.contains(word.as_str())) {
        return Err(Violation::field(pointer, TOO_PERSONAL));
    }
    let mut known: Vec<&str> = words.iter().map(String::as_str).collect();
    known.extend_from_slice(GERMAN_PASSWORD_WORDS);
    let score = u8::from(zxcvbn::zxcvbn(password, &known).score());
    if score < MINIMUM_SCORE {
        return Err(Violation::field(pointer, TOO_GUESSABLE));
    }
    Ok(())
}

/// The lower-cased personal inputs, the local part of each e-mail address, and the words of the
/// names and local parts, each of at least three characters.
fn personal_words(personal: &[&str]) -> Vec<String> {
    let mut words = Vec::new();
    for input in personal {
        let input = input.trim().to_lowercase();
        // of an e-mail address the local part and its words, not the domain's ("org", "example")
        let name = match input.rsplit_once('@') {
            Some((local, _)) => local.to_owned(),
            None => input.clone(),
        };
        words.extend(
            name.split(|c: char| !c.is_alphanumeric())
                .map(str::to_owned),
        );
        words.push(name);
        words.push(input);
    }
    words.retain(|word| word.chars().count() >= SHORTEST_PERSONAL_WORD);
    words.sort();
    words.dedup();
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    const ERIKA: [&str; 3] = ["erika.mustermann@example.org", "Erika", "Mustermann"];

    fn refused(password: &str) -> bool {
        strong_password(password, &ERIKA).is_err()
    }

    #[test]
    fn a_long_passphrase_of_unrelated_words_is_strong() {
        assert_eq!(
            strong_password("Gletscher Tulpe Mikrowelle 42", &ERIKA),
            Ok(())
        );
        assert_eq!(
            strong_password("correct horse battery staple", &ERIKA),
            Ok(())
        );
    }

    #[test]
    fn blank_repeated_and_sequential_passwords_are_refused() {
        assert!(refused("            "));
        assert!(refused("aaaaaaaaaaaa"));
        assert!(refused("123456789012"));
        assert!(refused("abcdefghijkl"));
        assert!(refused("qwertzuiopü+"));
    }

    #[test]
    fn german_password_words_are_refused() {
        assert!(refused("Passwort12345"));
        assert!(refused("Passwort2026!"));
        assert!(refused("Hallo12345678"));
    }

    #[test]
    fn the_persons_own_data_is_refused_in_any_case() {
        assert!(refused("erika.mustermann@example.org"));
        assert!(refused("ERIKA.MUSTERMANN-xq7!Lp"));
        assert!(refused("zz9 Mustermann plover zz9"));
        assert!(refused("plover-erika-zz9-kestrel"));
    }

    #[test]
    fn the_mail_domain_is_no_personal_word() {
        assert_eq!(
            strong_password("Georg fand Gletscher-Tulpen 42", &ERIKA),
            Ok(())
        );
    }

    #[test]
    fn short_personal_words_do_not_count() {
        let lin = ["li@example.org", "Li", "Wu"];
        assert_eq!(
            strong_password("Gletscher Tulpe Mikrowelle Li", &lin),
            Ok(())
        );
    }

    #[test]
    fn refusals_point_at_the_password_in_german_first() {
        let Err(Violation::Invalid(fields)) = strong_password("Passwort12345", &ERIKA) else {
            panic!("refused")
        };
        assert_eq!(fields[0].pointer, "/password");
        assert!(fields[0].detail.starts_with("ist zu leicht zu erraten"));
    }
}
