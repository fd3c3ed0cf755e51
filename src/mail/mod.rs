//! E-mail: messages are rendered and queued in the transaction of the change that causes them
//! ([`queue`]), and a background sender ([`MailWorker`]) delivers them over SMTP or into a folder
//! of `.eml` files. Personal data stays in the message bodies, never in logs.

pub mod invitation;
pub mod message;
pub mod queue;
pub mod reminders;
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
/// password or logs in. Shared with handlers as `web::Data<Links>`.
#[derive(Debug, Clone)]
pub struct Links {
    pub public_url: String,
}

impl Links {
    /// The link that sets a password with `token` (in the fragment, so that it never reaches a
    /// server log).
    pub fn set_password(&self, token: &str) -> String {
        format!("{}/passwort#token={token}", self.base())
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
