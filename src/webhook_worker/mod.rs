//! The background worker that pushes outbox events to the registered webhook endpoints.
//!
//! Every poll it (1) turns new outbox events into pending deliveries, one per subscribed
//! endpoint, (2) claims the due ones, (3) sends them concurrently and (4) records each answer:
//! delivered, retry later (exponential backoff or the receiver's `Retry-After`), failed after
//! the last attempt, or the endpoint disabled (410, or too many failures in a row). All state is
//! in the database, so a restart resumes where the last run stopped.

pub mod message;
mod sender;

use std::net::SocketAddr;

use chrono::{NaiveDateTime, Utc};
use serde_json::json;

use crate::db::models::audit_events::{self, Actor, Change};
use crate::db::models::webhook_deliveries::{self, Attempt, Due};
use crate::db::models::webhook_endpoints;
use crate::db::{self, DbConnection, DbPool};
use crate::domain::webhooks::{DeliveryPolicy, DeliveryStatus, DisabledReason, Outcome};
use crate::error::AppError;
pub use sender::Sender;

/// Events turned into deliveries per endpoint and poll.
const FAN_OUT_BATCH: i64 = 500;
/// Deliveries sent per poll (concurrently).
const SEND_BATCH: i64 = 16;

/// The worker's configuration.
#[derive(Debug, Clone)]
pub struct Worker {
    pub pool: DbPool,
    pub policy: DeliveryPolicy,
    pub sender: Sender,
    /// The sister programme whose events it pushes (`None`: the default programme).
    pub sister: Option<String>,
}

impl Worker {
    /// A worker for the service listening on `own`.
    pub fn new(pool: DbPool, policy: DeliveryPolicy, own: SocketAddr) -> Self {
        let sender = Sender {
            own,
            timeout: policy.timeout,
        };
        Self {
            pool,
            policy,
            sender,
            sister: None,
        }
    }

    /// Polls until the task is dropped; errors are logged and the next poll tries again.
    pub async fn run(self) {
        loop {
            if let Err(error) = self.poll().await {
                log::warn!("webhook delivery: {error}");
            }
            tokio::time::sleep(self.policy.poll_interval).await;
        }
    }

    /// One round; returns how many attempts it made. An idle round only reads, so it never
    /// takes (or waits for) SQLite's write lock.
    pub async fn poll(&self) -> Result<usize, AppError> {
        let now = Utc::now().naive_utc();
        let (behind, any_due) = db::run(&self.pool, move |c| {
            let behind = !webhook_endpoints::behind(c)?.is_empty();
            // When behind, the fan-out below may make deliveries due; the claim then decides.
            let any_due = behind || webhook_deliveries::any_due(c, now)?;
            Ok((behind, any_due))
        })
        .await?;
        if behind {
            db::write(&self.pool, move |c| {
                Ok(webhook_deliveries::fan_out(c, FAN_OUT_BATCH, now)?)
            })
            .await?;
        }
        if !any_due {
            return Ok(0);
        }
        let lease_until = now + self.policy.lease();
        let due = db::write(&self.pool, move |c| {
            Ok(webhook_deliveries::claim_due(
                c,
                now,
                lease_until,
                SEND_BATCH,
            )?)
        })
        .await?;
        let attempts = due.len();
        let tasks: Vec<_> = due
            .into_iter()
            .map(|due| {
                let worker = self.clone();
                tokio::spawn(async move {
                    let outcome = worker.sender.send(&due, worker.sister.as_deref()).await;
                    let policy = worker.policy;
                    db::write(&worker.pool, move |c| record(c, &due, &outcome, &policy)).await
                })
            })
            .collect();
        for task in tasks {
            task.await
                .map_err(|e| AppError::internal(format!("delivery task failed: {e}")))??;
        }
        Ok(attempts)
    }
}

/// Writes the outcome of one attempt of `due` and its effect on the endpoint.
fn record(
    conn: &mut DbConnection,
    due: &Due,
    outcome: &Outcome,
    policy: &DeliveryPolicy,
) -> Result<(), AppError> {
    let at = Utc::now().naive_utc();
    let attempts = due.delivery.attempts + 1;
    let attempt = match outcome {
        Outcome::Delivered { status } => Attempt {
            at,
            status_code: Some(i32::from(*status)),
            error: None,
            status: DeliveryStatus::Succeeded,
            next_attempt_at: at,
        },
        Outcome::Gone => Attempt {
            at,
            status_code: Some(410),
            error: Some("the endpoint answered 410 Gone"),
            status: DeliveryStatus::Failed,
            next_attempt_at: at,
        },
        Outcome::Failed {
            status,
            error,
            retry_after,
        } => Attempt {
            at,
            status_code: status.map(i32::from),
            error: Some(error),
            status: if attempts >= policy.max_attempts {
                DeliveryStatus::Failed
            } else {
                DeliveryStatus::Pending
            },
            next_attempt_at: later(at, policy.delay(attempts, *retry_after)),
        },
    };
    if !webhook_deliveries::record_attempt(conn, due.delivery.id, &attempt)? {
        return Ok(());
    }
    let endpoint = due.delivery.endpoint_id;
    let disabled = match outcome {
        Outcome::Delivered { .. } => {
            webhook_endpoints::record_success(conn, endpoint)?;
            None
        }
        Outcome::Gone => webhook_endpoints::disable(conn, endpoint, DisabledReason::Gone)?
            .then_some(DisabledReason::Gone),
        Outcome::Failed { .. } => {
            webhook_endpoints::record_failure(conn, endpoint, policy.disable_after_failures)?
                .then_some(DisabledReason::Failing)
        }
    };
    if let Some(reason) = disabled {
        log::warn!("webhook endpoint {endpoint} disabled: {}", reason.as_str());
        audit_events::record(
            conn,
            Change {
                actor: &Actor::system(),
                action: "webhook_endpoint.disabled",
                entity_type: "webhook_endpoint",
                entity_id: endpoint.to_string(),
                before: Some(json!({ "enabled": true })),
                after: Some(json!({ "enabled": false, "disabled_reason": reason.as_str() })),
            },
        )?;
    }
    Ok(())
}

fn later(at: NaiveDateTime, delay: std::time::Duration) -> NaiveDateTime {
    at + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::days(1))
}
