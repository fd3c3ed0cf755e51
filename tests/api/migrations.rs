//! Every migration runs up, down and up again on both backends.

use mentoring_api::db::migrations;

use crate::on_both_backends;
use crate::support::app::TestApp;

on_both_backends!(migrations_revert_and_reapply_cleanly);

async fn migrations_revert_and_reapply_cleanly(app: TestApp) {
    let pool = app.pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().unwrap();
        migrations::revert_all(&mut conn).expect("all migrations revert");
        let applied = migrations::run_pending(&mut conn).expect("all migrations reapply");
        assert!(!applied.is_empty());
        assert!(migrations::run_pending(&mut conn).unwrap().is_empty());
    })
    .await
    .unwrap();
}
