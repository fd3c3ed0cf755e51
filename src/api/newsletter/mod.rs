//! The mentoring newsletter (§ 5.1): every six to eight weeks staff send it to all active
//! participants, and each mailing welcomes the participants activated since the previous one.
//! Staff send each mailing through the service (one message per active participant who did not
//! turn it off, with a one-click unsubscribe link), which welcomes every consenting participant
//! exactly once; the recipient list (JSON or CSV) stays. Ended participants never appear (§ 5.2).

pub mod mailings;
pub mod recipients;
mod sending;
pub mod unsubscribe;

use serde::Serialize;
use utoipa::ToSchema;

use crate::db::models::participants::Participant;
use crate::domain::participant::Salutation;

/// What the newsletter needs of a participant: how to address them.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewsletterContact {
    /// Participant id.
    pub participant_id: i64,
    /// Salutation, if given.
    #[schema(required = true)]
    pub salutation: Option<Salutation>,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// E-mail address.
    pub email: String,
}

impl From<Participant> for NewsletterContact {
    fn from(p: Participant) -> Self {
        Self {
            participant_id: p.id,
            salutation: p.salutation,
            first_name: p.first_name,
            last_name: p.last_name,
            email: p.email,
        }
    }
}
