//! Practice tips (§ 3.2.2): their states, who may move them, the length guidance and the
//! download file name.

use chrono::NaiveDate;

use crate::code_enum;
use crate::domain::Violation;

code_enum! {
    /// Where a practice tip stands.
    pub enum TipState {
        /// Being written by its author.
        Draft = "draft", "Entwurf", "Draft";
        /// Submitted for review; frozen.
        Submitted = "submitted", "Eingereicht", "Submitted";
        /// Staff asked the author for changes (with a review note); editable again.
        ChangesRequested = "changes_requested", "Überarbeitung erbeten", "Changes requested";
        /// In the knowledge store for all active participants.
        Published = "published", "Veröffentlicht", "Published";
        /// Not accepted by staff.
        Rejected = "rejected", "Abgelehnt", "Rejected";
        /// Taken out of the knowledge store by staff.
        Withdrawn = "withdrawn", "Zurückgezogen", "Withdrawn";
    }
}

code_enum! {
    /// What kind of document a practice tip is (§ 3.2.2).
    pub enum TipKind {
        /// A text document of a few A4 pages.
        Text = "text", "Textdokument", "Text document";
        /// A slide deck of about 20 slides.
        Slides = "slides", "Foliensatz", "Slide deck";
    }
}

code_enum! {
    /// How a document's page count departs from the guidance of § 3.2.2 (a hint, never a refusal).
    pub enum PageCountWarning {
        /// More pages than the guidance suggests.
        TooLong = "too_long", "Länger als empfohlen", "Longer than recommended";
        /// Fewer pages than the guidance suggests.
        TooShort = "too_short", "Kürzer als empfohlen", "Shorter than recommended";
        /// The page count could not be read from the PDF.
        Unknown = "page_count_unknown", "Seitenzahl nicht ermittelbar", "Page count unknown";
    }
}

/// "A few A4 pages": a text tip above this many pages is flagged `too_long`.
pub const TEXT_MAX_PAGES: i32 = 10;
/// "About 20 slides": a deck below this many slides is flagged `too_short`.
pub const SLIDES_MIN_PAGES: i32 = 10;
/// "About 20 slides": a deck above this many slides is flagged `too_long`.
pub const SLIDES_MAX_PAGES: i32 = 30;

/// The explicit transitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// The author submits for review.
    Submit,
    /// Staff send it back to the author with a review note.
    RequestChanges,
    /// Staff publish it (the author is credited).
    Publish,
    /// Staff reject it.
    Reject,
    /// Staff take a published tip out of the knowledge store.
    Withdraw,
}

impl Transition {
    /// The state the transition leads to from `from`, or `None` when not allowed from there.
    pub fn target(self, from: TipState) -> Option<TipState> {
        use TipState as S;
        match (self, from) {
            (Transition::Submit, S::Draft | S::ChangesRequested) => Some(S::Submitted),
            (Transition::RequestChanges, S::Submitted) => Some(S::ChangesRequested),
            (Transition::Publish, S::Submitted) => Some(S::Published),
            (Transition::Reject, S::Submitted | S::ChangesRequested) => Some(S::Rejected),
            (Transition::Withdraw, S::Published) => Some(S::Withdrawn),
            _ => None,
        }
    }

    /// The audit action.
    pub fn action(self) -> &'static str {
        match self {
            Transition::Submit => "practice_tip.submitted",
            Transition::RequestChanges => "practice_tip.changes_requested",
            Transition::Publish => "practice_tip.published",
            Transition::Reject => "practice_tip.rejected",
            Transition::Withdraw => "practice_tip.withdrawn",
        }
    }
}

impl TipState {
    /// Whether the author may still edit the tip and replace its document.
    pub fn is_editable(self) -> bool {
        matches!(self, TipState::Draft | TipState::ChangesRequested)
    }
}

/// A new tip can be written only while the practice-tip format is bookable (today's rule).
pub fn check_offered(bookable: bool) -> Result<(), Violation> {
    if bookable {
        Ok(())
    } else {
        Err(Violation::conflict(
            "practice tips are not offered at the moment",
        ))
    }
}

/// The author may edit the tip (and replace its document) only in an editable state.
pub fn check_editable(state: TipState) -> Result<(), Violation> {
    if state.is_editable() {
        Ok(())
    } else {
        Err(Violation::conflict(format!(
            "the practice tip is `{}`; only drafts and tips sent back for changes can be edited",
            state.as_str()
        )))
    }
}

/// A tip is submitted only with its PDF.
pub fn check_submission(has_pdf: bool) -> Result<(), Violation> {
    if has_pdf {
        Ok(())
    } else {
        Err(Violation::conflict("upload the PDF before submitting"))
    }
}

/// A mentor named as a new tip's author, with what the rule needs to know about them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NamedAuthor {
    /// The participant id given in `author_id`.
    pub id: i64,
    /// Whether they are an active participant with the mentor role.
    pub is_active_mentor: bool,
}

/// Who writes a new tip for whom: an active mentor writes for themself (`own_id`; naming
/// themself in `author_id` is allowed, naming anyone else is not), staff (`own_id` `None`) write
/// for the active mentor they must name. Returns the author's participant id.
pub fn check_author(own_id: Option<i64>, named: Option<NamedAuthor>) -> Result<i64, Violation> {
    const POINTER: &str = "/author_id";
    match (own_id, named) {
        (Some(own), None) => Ok(own),
        (Some(own), Some(n)) if n.id == own => Ok(own),
        (Some(_), Some(_)) => Err(Violation::field(
            POINTER,
            "only staff write a practice tip for another mentor",
        )),
        (None, None) => Err(Violation::field(
            POINTER,
            "staff name the mentor the practice tip is for",
        )),
        (None, Some(n)) if n.is_active_mentor => Ok(n.id),
        (None, Some(_)) => Err(Violation::field(
            POINTER,
            "must be an active participant with the mentor role",
        )),
    }
}

/// The day a tip counts as published: today unless staff record an earlier publication (a tip
/// published before it was entered here); never in the future, since the author's credit is
/// dated on it and lands in that day's project year.
pub fn publication_date(
    published_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<NaiveDate, Violation> {
    let day = published_on.unwrap_or(today);
    if day > today {
        return Err(Violation::field(
            "/published_on",
            "must not be in the future",
        ));
    }
    Ok(day)
}

/// A tip is published only with its PDF and, where the author asked for anonymisation, with
/// staff confirming it.
pub fn check_publication(
    has_pdf: bool,
    anonymisation_requested: bool,
    anonymisation_confirmed: bool,
) -> Result<(), Violation> {
    if !has_pdf {
        return Err(Violation::conflict("the tip has no PDF"));
    }
    if anonymisation_requested && !anonymisation_confirmed {
        return Err(Violation::field(
            "/anonymisation_confirmed",
            "the author asked for anonymisation: confirm it with `true` before publishing",
        ));
    }
    Ok(())
}

/// Whether `pages` departs from the guidance for `kind`; `None` when it fits.
pub fn page_count_warning(kind: TipKind, pages: Option<i32>) -> Option<PageCountWarning> {
    let pages = match pages {
        Some(pages) => pages,
        None => return Some(PageCountWarning::Unknown),
    };
    match kind {
        TipKind::Text if pages > TEXT_MAX_PAGES => Some(PageCountWarning::TooLong),
        TipKind::Slides if pages > SLIDES_MAX_PAGES => Some(PageCountWarning::TooLong),
        TipKind::Slides if pages < SLIDES_MIN_PAGES => Some(PageCountWarning::TooShort),
        _ => None,
    }
}

/// The guidance for `kind` in German, as shown with a warning.
pub fn guidance_de(kind: TipKind) -> String {
    match kind {
        TipKind::Text => format!("Textdokument: wenige DIN-A4-Seiten (bis {TEXT_MAX_PAGES})"),
        TipKind::Slides => {
            format!("Foliensatz: ca. 20 Folien ({SLIDES_MIN_PAGES} bis {SLIDES_MAX_PAGES})")
        }
    }
}

/// What the word search looks in: title and abstract, lower-cased (Unicode-aware, so that
/// "ÖPNV" matches "öpnv" on SQLite too, whose `lower()` folds ASCII only).
pub fn search_text(title: &str, summary: &str) -> String {
    format!("{title}\n{summary}").to_lowercase()
}

/// An ASCII slug of a title: German umlauts and ß transliterated, everything else that is not a
/// letter or digit becomes one `-`; at most 60 characters.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        let piece = match c {
            'ä' | 'Ä' => "ae",
            'ö' | 'Ö' => "oe",
            'ü' | 'Ü' => "ue",
            'ß' | 'ẞ' => "ss",
            c if c.is_ascii_alphanumeric() => {
                out.push(c.to_ascii_lowercase());
                continue;
            }
            _ => "-",
        };
        if piece == "-" && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push_str(piece);
    }
    out.truncate(60);
    out.trim_end_matches('-').to_owned()
}

/// The download file name: `praxistipp-<id>-<slug>.pdf` (without the slug if the title has none).
pub fn file_name(id: i64, title: &str) -> String {
    match slug(title) {
        s if s.is_empty() => format!("praxistipp-{id}.pdf"),
        s => format!("praxistipp-{id}-{s}.pdf"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions_are_allowed_only_from_the_right_state() {
        use TipState as S;
        assert_eq!(Transition::Submit.target(S::Draft), Some(S::Submitted));
        assert_eq!(
            Transition::Submit.target(S::ChangesRequested),
            Some(S::Submitted)
        );
        assert_eq!(Transition::Submit.target(S::Submitted), None);
        assert_eq!(Transition::Publish.target(S::Draft), None);
        assert_eq!(Transition::Publish.target(S::Submitted), Some(S::Published));
        assert_eq!(
            Transition::RequestChanges.target(S::Submitted),
            Some(S::ChangesRequested)
        );
        assert_eq!(Transition::Reject.target(S::Published), None);
        assert_eq!(
            Transition::Withdraw.target(S::Published),
            Some(S::Withdrawn)
        );
        assert_eq!(Transition::Withdraw.target(S::Withdrawn), None);
        assert!(S::Draft.is_editable() && S::ChangesRequested.is_editable());
        assert!(!S::Submitted.is_editable() && !S::Published.is_editable());
    }

    #[test]
    fn page_count_guidance_warns_but_never_refuses() {
        use PageCountWarning as W;
        assert_eq!(page_count_warning(TipKind::Text, Some(4)), None);
        assert_eq!(page_count_warning(TipKind::Text, Some(10)), None);
        assert_eq!(
            page_count_warning(TipKind::Text, Some(11)),
            Some(W::TooLong)
        );
        assert_eq!(page_count_warning(TipKind::Slides, Some(20)), None);
        assert_eq!(
            page_count_warning(TipKind::Slides, Some(9)),
            Some(W::TooShort)
        );
        assert_eq!(
            page_count_warning(TipKind::Slides, Some(31)),
            Some(W::TooLong)
        );
        assert_eq!(page_count_warning(TipKind::Text, None), Some(W::Unknown));
        assert!(guidance_de(TipKind::Slides).contains("20 Folien"));
    }

    #[test]
    fn file_names_are_ascii_slugs_with_umlauts_transliterated() {
        assert_eq!(
            file_name(7, "Wärmeplanung für Große Städte!"),
            "praxistipp-7-waermeplanung-fuer-grosse-staedte.pdf"
        );
        assert_eq!(file_name(8, "  ÖPNV & Co. "), "praxistipp-8-oepnv-co.pdf");
        assert_eq!(file_name(9, "«»"), "praxistipp-9.pdf");
        assert!(slug(&"a".repeat(100)).len() <= 60);
        assert_eq!(slug("Ünd—so"), "uend-so");
    }

    #[test]
    fn search_text_folds_umlauts_too() {
        assert_eq!(
            search_text("ÖPNV-Förderung", "Über Ämter"),
            "öpnv-förderung\nüber ämter"
        );
    }

    #[test]
    fn no_new_tip_while_the_format_is_not_bookable() {
        assert_eq!(check_offered(true), Ok(()));
        assert_eq!(
            check_offered(false),
            Err(Violation::Conflict(
                "practice tips are not offered at the moment".into()
            ))
        );
    }

    #[test]
    fn only_drafts_and_tips_sent_back_can_be_edited() {
        assert_eq!(check_editable(TipState::Draft), Ok(()));
        assert_eq!(check_editable(TipState::ChangesRequested), Ok(()));
        assert_eq!(
            check_editable(TipState::Published),
            Err(Violation::Conflict(
                "the practice tip is `published`; only drafts and tips sent back for changes \
                 can be edited"
                    .into()
            ))
        );
    }

    #[test]
    fn a_tip_without_its_pdf_is_neither_submitted_nor_published() {
        assert_eq!(check_submission(true), Ok(()));
        assert_eq!(
            check_submission(false),
            Err(Violation::Conflict(
                "upload the PDF before submitting".into()
            ))
        );
        assert_eq!(
            check_publication(false, true, false),
            Err(Violation::Conflict("the tip has no PDF".into()))
        );
    }

    #[test]
    fn publishing_a_tip_to_be_anonymised_needs_the_confirmation() {
        assert_eq!(check_publication(true, false, false), Ok(()));
        assert_eq!(check_publication(true, true, true), Ok(()));
        assert_eq!(
            check_publication(true, true, false),
            Err(Violation::field(
                "/anonymisation_confirmed",
                "the author asked for anonymisation: confirm it with `true` before publishing"
            ))
        );
    }

    #[test]
    fn mentors_write_for_themselves_and_staff_for_the_mentor_they_name() {
        let active = |id| NamedAuthor {
            id,
            is_active_mentor: true,
        };
        assert_eq!(check_author(Some(7), None), Ok(7));
        assert_eq!(check_author(Some(7), Some(active(7))), Ok(7));
        assert_eq!(check_author(None, Some(active(9))), Ok(9));
        let pointer = |r: Result<i64, Violation>| match r {
            Err(Violation::Invalid(breaks)) => breaks[0].pointer.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            pointer(check_author(Some(7), Some(active(9)))),
            "/author_id"
        );
        assert_eq!(pointer(check_author(None, None)), "/author_id");
        let mentee = NamedAuthor {
            id: 9,
            is_active_mentor: false,
        };
        assert_eq!(pointer(check_author(None, Some(mentee))), "/author_id");
    }

    #[test]
    fn a_publication_is_dated_today_or_earlier_never_later() {
        let today: NaiveDate = "2026-12-03".parse().unwrap();
        let last_year: NaiveDate = "2025-06-15".parse().unwrap();
        assert_eq!(publication_date(None, today), Ok(today));
        assert_eq!(publication_date(Some(last_year), today), Ok(last_year));
        assert_eq!(publication_date(Some(today), today), Ok(today));
        assert!(matches!(
            publication_date(today.succ_opt(), today),
            Err(Violation::Invalid(_))
        ));
    }
}
