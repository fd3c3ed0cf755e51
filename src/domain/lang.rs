//! The languages the programme's labels and texts exist in. Which one a request wants is
//! negotiated in `api::http::language`.

/// German (the default) or English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// German (default).
    De,
    /// English.
    En,
}

impl Lang {
    /// The language tag, e.g. for `Content-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }

    /// The language of a stored tag; anything but `en` is German, the programme's language.
    pub fn from_tag(tag: &str) -> Self {
        if tag.eq_ignore_ascii_case("en") {
            Lang::En
        } else {
            Lang::De
        }
    }

    /// Chooses between a German and an English text.
    pub fn pick<'a>(self, de: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::De => de,
            Lang::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn each_language_picks_its_own_text() {
        assert_eq!(Lang::De.pick("Tag", "day"), "Tag");
        assert_eq!(Lang::En.pick("Tag", "day"), "day");
        assert_eq!((Lang::De.tag(), Lang::En.tag()), ("de", "en"));
    }
}
