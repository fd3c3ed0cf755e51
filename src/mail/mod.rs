//! E-mail: messages are rendered and queued in the transaction of the change that causes them
//! ([`queue`]), and a background sender ([`MailWorker`]) delivers them over SMTP or into a folder
//! of `.eml` files. Personal data stays in the message bodies, never in logs.

pub mod invitation;
pub mod message;
pub mod queue;
pub mod reminders;
pub mod silence;
pub mod templates;
pub mod transport;
mod worker;

pub use invitation::send_invitation;
pub use message::{Message, reader_date, reader_days, reader_time};
pub use queue::{
    Recipient, queue, queue_to_account, recipient_of_account, recipient_of_participant,
};
pub use transport::{Envelope, SendError, Transport};
pub use worker::MailWorker;

/// The front end's address, for the links in messages (`PUBLIC_URL`): where a person sets a
/// password or logs in; and the API's own (`API_PUBLIC_URL`) for links a mail program calls.
/// Shared with handlers as `web::Data<Links>`.
#[derive(Debug, Clone)]
pub struct Links {
    pub public_url: String,
    pub api_public_url: String,
}

impl Links {
    /// The links of the configured addresses (`PUBLIC_URL`, `API_PUBLIC_URL`).
    pub fn of(settings: &crate::config::MailSettings) -> Self {
        Links {
            public_url: settings.public_url.clone(),
            api_public_url: settings.api_public_url.clone(),
        }
    }

    /// The link that sets a password with `token` (in the fragment, so that it never reaches a
    /// server log).
    pub fn set_password(&self, token: &str) -> String {
        format!("{}/passwort#token={token}", self.base())
    }

    /// The link that confirms a new e-mail address with `token` (in the fragment, as above).
    pub fn confirm_email(&self, token: &str) -> String {
        format!("{}/email-bestaetigen#token={token}", self.base())
    }

    /// The newsletter's one-click unsubscribe URL (RFC 8058): a mail program POSTs to it, so it
    /// is the API's address and carries its token in the query (the request log writes paths
    /// only). The token is URL-safe.
    pub fn unsubscribe(&self, token: &str) -> String {
        format!(
            "{}/api/v1/newsletter/unsubscribe?token={token}",
            self.api_public_url.trim_end_matches('/')
        )
    }

    /// Where a person asks for a new password.
    pub fn forgot_password(&self) -> String {
        format!("{}/passwort-vergessen", self.base())
    }

    /// Where a person logs in.
    pub fn login(&self) -> String {
        format!("{}/anmelden", self.base())
    }

    fn base(&self) -> &str {
        self.public_url.trim_end_matches('/')
    }
}
