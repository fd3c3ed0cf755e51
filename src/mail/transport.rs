//! Handing one message to the world: over SMTP (`SMTP_URL`), or, with nothing configured, as one
//! `.eml` file per message in a folder that a person can open with any mail program.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::db::models::mail_messages::MailMessage;

/// Where messages go.
#[derive(Clone)]
pub enum Transport {
    /// An SMTP server (pooled connections, rustls for `smtps://` and STARTTLS).
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// A folder: `<message id>.eml`, written atomically; sending again overwrites the same file.
    Folder(PathBuf),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // The URL may hold a password: never print it.
            Transport::Smtp(_) => f.write_str("Transport::Smtp"),
            Transport::Folder(dir) => write!(f, "Transport::Folder({})", dir.display()),
        }
    }
}

/// Why an attempt failed, and whether trying again can help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    pub reason: String,
    /// The address or the message is refused for good (SMTP 5xx, an unusable address).
    pub permanent: bool,
}

impl SendError {
    fn permanent(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            permanent: true,
        }
    }

    fn transient(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            permanent: false,
        }
    }
}

/// Who the messages come from.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub from: Mailbox,
    pub reply_to: Option<Mailbox>,
}

impl Transport {
    /// SMTP from a URL such as `smtp://user:pass@host:587?tls=required` or `smtps://host`.
    pub fn smtp(url: &str, timeout: Duration) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("SMTP_URL is not usable: {e}"))?
            .timeout(Some(timeout))
            .build();
        Ok(Transport::Smtp(transport))
    }

    /// Sends `message` once.
    pub async fn send(&self, envelope: &Envelope, message: &MailMessage) -> Result<(), SendError> {
        let email = build(envelope, message)?;
        match self {
            Transport::Smtp(smtp) => smtp.send(email).await.map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    SendError::permanent(format!("refused by the mail server: {e}"))
                } else {
                    SendError::transient(format!("mail server: {e}"))
                }
            }),
            Transport::Folder(dir) => write_file(dir, &message.message_id, email.formatted()).await,
        }
    }
}

/// The message as sent: stable Message-ID, text and HTML alternatives, marked as sent by a
/// machine (RFC 3834) so that auto-responders stay quiet.
fn build(envelope: &Envelope, message: &MailMessage) -> Result<lettre::Message, SendError> {
    let to: Mailbox = message
        .to_address
        .parse()
        .map_err(|e| SendError::permanent(format!("unusable recipient address: {e}")))?;
    let mut builder = lettre::Message::builder()
        .from(envelope.from.clone())
        .to(to)
        .subject(message.subject.clone())
        .message_id(Some(message_id(&message.message_id, &envelope.from)));
    if let Some(reply_to) = &envelope.reply_to {
        builder = builder.reply_to(reply_to.clone());
    }
    let mut email = builder
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(message.body_text.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(message.body_html.clone()),
                ),
        )
        .map_err(|e| SendError::permanent(format!("cannot build the message: {e}")))?;
    email.headers_mut().insert_raw(HeaderValue::new(
        HeaderName::new_from_ascii_str("Auto-Submitted"),
        "auto-generated".to_owned(),
    ));
    if let Some(url) = &message.list_unsubscribe {
        // RFC 8058 one-click unsubscribe: mail programs POST `List-Unsubscribe=One-Click` to it.
        let headers = email.headers_mut();
        headers.insert_raw(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe"),
            format!("<{url}>"),
        ));
        headers.insert_raw(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
            "List-Unsubscribe=One-Click".to_owned(),
        ));
    }
    Ok(email)
}

/// A mailbox from `address` or `Name <address>`; the name may hold characters RFC 5322 only
/// allows quoted (such as the colon in "SK:KK"): it is quoted when the message is written.
pub fn mailbox(value: &str) -> Result<Mailbox, String> {
    if let Ok(mailbox) = value.parse::<Mailbox>() {
        return Ok(mailbox);
    }
    let (name, rest) = value
        .split_once('<')
        .ok_or_else(|| format!("`{value}` is not an e-mail address"))?;
    let address = rest
        .strip_suffix('>')
        .ok_or_else(|| format!("`{value}` lacks the closing `>`"))?;
    let email = address
        .trim()
        .parse()
        .map_err(|e| format!("`{address}` is not an e-mail address: {e}"))?;
    let name = name.trim().trim_matches('"').trim();
    Ok(Mailbox::new(
        (!name.is_empty()).then(|| name.to_owned()),
        email,
    ))
}

/// `<local@domain>` with the sender's domain, the same for every attempt of a message.
pub fn message_id(local: &str, from: &Mailbox) -> String {
    format!("<{local}@{}>", from.email.domain())
}

async fn write_file(dir: &Path, local: &str, bytes: Vec<u8>) -> Result<(), SendError> {
    let name: String = local
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let dir = dir.to_owned();
    tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&dir)?;
        let partial = dir.join(format!(".{name}.eml.partial"));
        std::fs::write(&partial, bytes)?;
        std::fs::rename(&partial, dir.join(format!("{name}.eml")))
    })
    .await
    .map_err(|e| SendError::transient(format!("cannot write the message file: {e}")))?
    .map_err(|e| SendError::transient(format!("cannot write the message file: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sender_name_with_a_colon_is_accepted_and_quoted() {
        let from = mailbox("SK:KK Mentoring <mentoring@example.org>").unwrap();
        assert_eq!(from.name.as_deref(), Some("SK:KK Mentoring"));
        assert_eq!(from.email.to_string(), "mentoring@example.org");
        assert_eq!(
            from.to_string(),
            "\"SK:KK Mentoring\" <mentoring@example.org>"
        );
        assert!(mailbox("office@example.org").unwrap().name.is_none());
        assert!(mailbox("Office <not an address>").is_err());
        assert!(mailbox("nothing").is_err());
    }

    #[test]
    fn the_message_id_is_the_stored_local_part_at_the_sender_s_domain() {
        let from = mailbox("mentoring@example.org").unwrap();
        assert_eq!(
            message_id("abc.mentoring", &from),
            "<abc.mentoring@example.org>"
        );
    }
}
