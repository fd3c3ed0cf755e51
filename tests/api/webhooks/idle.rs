//! An idle poll of the webhook worker only reads: it never waits for SQLite's write lock.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use mentoring_api::webhook_worker::Worker;

use super::receiver::{Receiver, status};
use super::register;
use crate::support::app::{Backend, fast_webhooks, try_spawn};

/// Well below the 10 s a SQLite connection waits for a lock before it gives up.
const PROMPT: Duration = Duration::from_secs(2);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_poll_does_not_wait_for_the_sqlite_write_lock() {
    let app = try_spawn(Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    let staff = app.staff_token().await;
    let receiver = Receiver::start(&[status(204)]);
    register(&app, &staff, &receiver.url, &[super::ACTIVATED]).await;
    let worker = Worker::new(
        app.pool.clone(),
        fast_webhooks(),
        "127.0.0.1:9".parse().unwrap(),
    );
    assert_eq!(worker.poll().await.expect("an idle poll succeeds"), 0);

    // Another connection holds the write lock, as a long write transaction would.
    let mut writer = app.pool.get().unwrap();
    writer.batch_execute("BEGIN IMMEDIATE").unwrap();
    let polled = tokio::time::timeout(PROMPT, worker.poll()).await;
    writer.batch_execute("ROLLBACK").unwrap();
    let attempts = polled
        .expect("the idle poll waited for the write lock")
        .expect("an idle poll succeeds");
    assert_eq!(attempts, 0);
    assert!(receiver.calls().is_empty());
}
