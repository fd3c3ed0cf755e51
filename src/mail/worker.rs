//! The background sender: claims due messages from the outbox with a lease, sends them and
//! records the outcome (sent, retry later with backoff, or failed). All state is in the
//! database, so several instances can run side by side and a restart resumes where the last run
//! stopped. A sender killed between sending and recording sends that message again when its lease
//! ends, with the same Message-ID: delivery is at least once, and receivers can spot the repeat.

use chrono::Utc;

use super::transport::{Envelope, Transport};
use crate::db::models::mail_messages::{self, MailMessage};
use crate::db::{self, DbPool};
use crate::domain::mail::SendPolicy;
use crate::error::AppError;

/// Messages sent per poll.
const SEND_BATCH: i64 = 16;

/// The sender's configuration.
#[derive(Debug, Clone)]
pub struct MailWorker {
    pub pool: DbPool,
    pub policy: SendPolicy,
    pub transport: Transport,
    pub envelope: Envelope,
}

impl MailWorker {
    /// Polls until the task is dropped; errors are logged (never a message's content) and the
    /// next poll tries again.
    pub async fn run(self) {
        loop {
            if let Err(error) = self.poll().await {
                log::warn!("mail sending: {error}");
            }
            tokio::time::sleep(self.policy.poll_interval).await;
        }
    }

    /// One round; returns how many messages it tried. An idle round only reads.
    pub async fn poll(&self) -> Result<usize, AppError> {
        let now = Utc::now().naive_utc();
        if !db::run(&self.pool, move |c| Ok(mail_messages::any_due(c, now)?)).await? {
            return Ok(0);
        }
        let lease_until = now + chrono::Duration::from_std(self.policy.lease()).unwrap_or_default();
        let due = db::write(&self.pool, move |c| {
            Ok(mail_messages::claim_due(c, now, lease_until, SEND_BATCH)?)
        })
        .await?;
        let tried = due.len();
        for message in due {
            self.send_and_record(message).await?;
        }
        Ok(tried)
    }

    async fn send_and_record(&self, message: MailMessage) -> Result<(), AppError> {
        let outcome = self.transport.send(&self.envelope, &message).await;
        let policy = self.policy;
        let id = message.id;
        let attempts = message.attempts + 1;
        db::write(&self.pool, move |c| {
            let at = Utc::now().naive_utc();
            match outcome {
                Ok(()) => mail_messages::record_sent(c, id, at)?,
                Err(error) => {
                    // The reason names the SMTP answer, never the address or the content.
                    log::warn!("mail message {id}: attempt {attempts} failed");
                    let status = policy.after_failure(attempts, error.permanent);
                    let next = at
                        + chrono::Duration::from_std(policy.delay(attempts))
                            .unwrap_or(chrono::Duration::hours(1));
                    mail_messages::record_failure(c, id, status, &error.reason, next)?
                }
            };
            Ok(())
        })
        .await
    }
}
