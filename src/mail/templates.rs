//! Rendering a [`Message`] with its template (`templates/mail/<lang>/<kind>.txt`, minijinja):
//! each template has a `subject` and a `body` block. The HTML part is made from the same text
//! (paragraphs, lists and links), so both parts always say the same.

use std::sync::LazyLock;

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use super::message::Message;
use crate::domain::lang::Lang;
use crate::domain::mail::MailKind;
use crate::domain::programme::Programme;

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

macro_rules! templates {
    ($($kind:literal),+ $(,)?) => {
        &[$(
            (concat!("de/", $kind, ".txt"), include_str!(concat!("../../templates/mail/de/", $kind, ".txt"))),
            (concat!("en/", $kind, ".txt"), include_str!(concat!("../../templates/mail/en/", $kind, ".txt"))),
        )+]
    };
}

/// Every template, compiled into the binary (nothing is read at run time).
const TEMPLATES: &[(&str, &str)] = templates!(
    "password_reset",
    "password_changed",
    "invitation",
    "registration_received",
    "registration_duplicate",
    "participant_activated",
    "session_approved",
    "session_declined",
    "session_cancelled",
    "session_rescheduled",
    "tip_decided",
    "sponsorship_decided",
    "role_change_decided",
    "session_reminder",
    "credit_reminder",
    "mentoring_silence",
    "newsletter",
    "email_change",
    "email_changed",
);

static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    // A fact a template names but the message lacks is an error, never an empty gap.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // Plain text: nothing is escaped here; the HTML part escapes the rendered text.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    for (name, source) in TEMPLATES {
        if let Err(error) = env.add_template(name, source) {
            // A broken template is a build defect; the unit tests render every one.
            log::error!("mail template {name} does not compile: {error}");
        }
    }
    env
});

/// What a template sees: the reader's name, the programme and the message's facts.
#[derive(Serialize)]
struct Context<'a> {
    name: &'a str,
    /// "KSM-Mentoring-Programm".
    programme: &'a str,
    /// "SK:KK": "die Geschäftsstelle des {{ office }}".
    office: &'a str,
    #[serde(flatten)]
    message: &'a Message,
}

/// Renders `message` of `programme` for the reader `name` in `lang`.
pub fn render(
    message: &Message,
    programme: &Programme,
    name: &str,
    lang: Lang,
) -> Result<Rendered, String> {
    let template_name = template_name(message.kind(), lang);
    let failed = |e: minijinja::Error| format!("mail template {template_name}: {e:#}");
    let template = ENVIRONMENT.get_template(&template_name).map_err(failed)?;
    let mut captured = template
        .render_captured(Context {
            name,
            programme: &programme.name,
            office: &programme.office,
            message,
        })
        .map_err(failed)?;
    let (subject, body) = captured
        .with_state_mut(|state| Ok((state.render_block("subject")?, state.render_block("body")?)))
        .map_err(failed)?;
    let subject = one_line(&subject);
    let text = tidy(&body);
    let html = html_of(&subject, &text, lang);
    Ok(Rendered {
        subject,
        text,
        html,
    })
}

fn template_name(kind: MailKind, lang: Lang) -> String {
    format!("{}/{}.txt", lang.tag(), kind.as_str())
}

/// A subject on one line, whatever the template's line breaks.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The body without trailing spaces, with at most one empty line in a row, ending in a newline.
fn tidy(text: &str) -> String {
    let mut out = String::new();
    let mut empty = 0;
    for line in text.trim().lines().map(str::trim_end) {
        empty = if line.is_empty() { empty + 1 } else { 0 };
        if empty <= 1 {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The HTML part: paragraphs for blocks of text, a list for lines starting with `- `, links for
/// words starting with `https://` or `http://`; everything else escaped.
pub fn html_of(subject: &str, text: &str, lang: Lang) -> String {
    let mut body = String::new();
    for block in text.split("\n\n").filter(|b| !b.trim().is_empty()) {
        let lines: Vec<&str> = block.lines().collect();
        if lines.iter().all(|l| l.starts_with("- ")) {
            body.push_str("<ul>\n");
            for line in lines {
                body.push_str(&format!("<li>{}</li>\n", inline(&line[2..])));
            }
            body.push_str("</ul>\n");
        } else {
            let inner: Vec<String> = lines.iter().map(|l| inline(l)).collect();
            body.push_str(&format!("<p>{}</p>\n", inner.join("<br>\n")));
        }
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n</head>\n\
         <body style=\"font-family: sans-serif; line-height: 1.5; max-width: 40em;\">\n{body}</body>\n</html>\n",
        lang.tag(),
        escape(subject)
    )
}

fn inline(line: &str) -> String {
    line.split(' ')
        .map(|word| {
            if word.starts_with("https://") || word.starts_with("http://") {
                let href = escape(word);
                format!("<a href=\"{href}\">{href}</a>")
            } else {
                escape(word)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::message::{NewsletterSession, NewsletterTip};

    /// One message of every kind, with facts that show up in the text.
    fn samples() -> Vec<Message> {
        let link = || "https://mentoring.example/passwort#token=abc".to_owned();
        vec![
            Message::PasswordReset {
                link: link(),
                minutes: 30,
            },
            Message::PasswordChanged {},
            Message::Invitation {
                link: link(),
                days: 14,
            },
            Message::RegistrationReceived {},
            Message::RegistrationDuplicate { reset_link: link() },
            Message::ParticipantActivated {
                in_directory: true,
                login_link: link(),
            },
            Message::SessionApproved {
                title: "Wärmeplanung".to_owned(),
                starts: "03.03.2027, 10:00 Uhr".to_owned(),
                place: "Online".to_owned(),
            },
            Message::SessionDeclined {
                title: "Wärmeplanung".to_owned(),
                reason: "Thema bereits vergeben".to_owned(),
            },
            Message::SessionCancelled {
                title: "Wärmeplanung".to_owned(),
                starts: "03.03.2027, 10:00 Uhr".to_owned(),
                signed_up: true,
            },
            Message::SessionRescheduled {
                title: "Wärmeplanung".to_owned(),
                was: "03.03.2027, 10:00 Uhr".to_owned(),
                starts: "10.03.2027, 10:00 Uhr".to_owned(),
                place: "Kassel".to_owned(),
                signed_up: false,
            },
            Message::TipDecided {
                title: "Förderanträge".to_owned(),
                decision: "veröffentlicht".to_owned(),
                note: String::new(),
            },
            Message::SponsorshipDecided {
                forum: "Mobilität".to_owned(),
                decision: "genehmigt".to_owned(),
                note: "Willkommen".to_owned(),
            },
            Message::RoleChangeDecided {
                approved: false,
                roles: "Mentee".to_owned(),
                effective_on: "03.12.2026".to_owned(),
                note: "Bitte zuerst mit PtJ klären".to_owned(),
            },
            Message::SessionReminder {
                title: "Wärmeplanung".to_owned(),
                starts: "03.03.2027, 10:00 Uhr".to_owned(),
                place: "Kassel".to_owned(),
            },
            Message::CreditReminder {
                project_year: 2,
                year_end: "31.12.2026".to_owned(),
                credited: "2,5 Arbeitstage (20 Stunden)".to_owned(),
                missing: "2,5 Arbeitstage (20 Stunden)".to_owned(),
                sessions: vec!["Wärmeplanung, 10.12.2026, 10:00 Uhr, Online".to_owned()],
                formats: vec!["Praxistipp".to_owned()],
            },
            Message::MentoringSilence {
                partner: "Erika Mustermann".to_owned(),
                weeks: 6,
                since: "01.10.2026".to_owned(),
            },
            Message::Newsletter {
                subject: "Neues aus dem Mentoring".to_owned(),
                intro: "Liebe Kolleginnen und Kollegen,\n\nder Herbst bringt viel Neues."
                    .to_owned(),
                sessions: vec![NewsletterSession {
                    title: "Wärmeplanung".to_owned(),
                    starts: "03.03.2027, 10:00 Uhr".to_owned(),
                    place: "Online".to_owned(),
                }],
                tips: vec![NewsletterTip {
                    title: "Förderanträge".to_owned(),
                    question: "Wie beantrage ich Fördermittel?".to_owned(),
                }],
                welcomed: vec!["Max Muster (Stadt Kassel)".to_owned()],
                unsubscribe_link: "https://api.example/api/v1/newsletter/unsubscribe?token=x"
                    .to_owned(),
            },
            Message::EmailChange {
                link: link(),
                hours: 24,
            },
            Message::EmailChanged {},
        ]
    }

    #[test]
    fn every_kind_renders_in_both_languages_with_its_facts() {
        let samples = samples();
        assert_eq!(samples.len(), MailKind::ALL.len(), "one sample per kind");
        for message in &samples {
            for lang in [Lang::De, Lang::En] {
                let rendered = render(message, &Programme::default(), "Erika Mustermann", lang)
                    .unwrap_or_else(|e| panic!("{:?} {lang:?}: {e}", message.kind()));
                assert!(!rendered.subject.is_empty(), "{:?}", message.kind());
                assert!(
                    rendered.text.contains("Erika Mustermann"),
                    "{:?} {lang:?} greets the reader: {}",
                    message.kind(),
                    rendered.text
                );
                assert!(rendered.html.contains("<p>"), "{:?}", message.kind());
            }
        }
    }

    #[test]
    fn the_reset_message_carries_its_link_and_lifetime_in_german() {
        let rendered = render(
            &samples()[0],
            &Programme::default(),
            "Erika Mustermann",
            Lang::De,
        )
        .unwrap();
        assert!(
            rendered.subject.contains("Passwort"),
            "{}",
            rendered.subject
        );
        assert!(
            rendered
                .text
                .contains("https://mentoring.example/passwort#token=abc")
        );
        assert!(rendered.text.contains("30 Minuten"), "{}", rendered.text);
        assert!(
            rendered
                .html
                .contains("<a href=\"https://mentoring.example/passwort#token=abc\">")
        );
    }

    #[test]
    fn the_newsletter_lists_what_is_new_and_how_to_unsubscribe() {
        let newsletter = samples()
            .into_iter()
            .find(|m| m.kind() == MailKind::Newsletter)
            .expect("a newsletter sample");
        let rendered = render(
            &newsletter,
            &Programme::default(),
            "Erika Mustermann",
            Lang::De,
        )
        .unwrap();
        assert_eq!(rendered.subject, "Neues aus dem Mentoring");
        for expected in [
            "der Herbst bringt viel Neues.",
            "- Wärmeplanung: 03.03.2027, 10:00 Uhr, Online",
            "Förderanträge",
            "Max Muster (Stadt Kassel)",
            "https://api.example/api/v1/newsletter/unsubscribe?token=x",
        ] {
            assert!(
                rendered.text.contains(expected),
                "{expected}: {}",
                rendered.text
            );
        }
        let empty = Message::Newsletter {
            subject: "Kurz".to_owned(),
            intro: "Nur ein Gruß.".to_owned(),
            sessions: Vec::new(),
            tips: Vec::new(),
            welcomed: Vec::new(),
            unsubscribe_link: "https://api.example/u".to_owned(),
        };
        let rendered = render(&empty, &Programme::default(), "Erika Mustermann", Lang::En).unwrap();
        assert!(!rendered.text.contains("Welcome"), "{}", rendered.text);
        assert!(rendered.text.contains("https://api.example/u"));
    }

    #[test]
    fn html_escapes_what_people_wrote() {
        let html = html_of(
            "A <b>",
            "Titel: <script>x</script> & co\n\n- eins\n- zwei",
            Lang::De,
        );
        assert!(html.contains("Titel: &lt;script&gt;x&lt;/script&gt; &amp; co"));
        assert!(html.contains("<ul>\n<li>eins</li>\n<li>zwei</li>\n</ul>"));
        assert!(html.contains("<title>A &lt;b&gt;</title>"));
        assert!(!html.contains("<script>"));
    }

    #[test]
    fn bodies_lose_trailing_spaces_and_extra_empty_lines() {
        assert_eq!(tidy("\n a  \n\n\n\nb \n"), "a\n\nb\n");
        assert_eq!(one_line(" Ihr \n Passwort "), "Ihr Passwort");
    }
}
