//! Database access: one connection type over PostgreSQL and SQLite, the pool, migrations,
//! transactions and the bridge that runs blocking diesel code off the actix workers.

pub mod bound_list;
pub mod migrations;
pub mod models;
pub mod schema;
pub mod sql_text;

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::r2d2::{self, ManageConnection};
use diesel::{Connection, PgConnection, SqliteConnection};

use crate::error::AppError;

/// A connection to either backend; every query in this crate is written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// PostgreSQL, chosen for `postgres://` and `postgresql://` URLs.
    Postgresql(PgConnection),
    /// SQLite, chosen for every other URL (a file path or `sqlite://` path).
    Sqlite(SqliteConnection),
}

/// Runs `$body` with `$c` bound to the backend's own connection (`&mut PgConnection` or
/// `&mut SqliteConnection`); the body is compiled once per backend and the query still written once.
///
/// For the queries every authenticated read runs. Through `DbConnection` (diesel's
/// `MultiConnection`) each execution renders the query's whole SQL text in every one of diesel's
/// passes over it (statement-cache check, cache key, bind collection), even when the prepared
/// statement is cached: measured at about a fifth of a SQLite participant read's CPU. On the
/// backend's own connection a statically typed query is looked up in the statement cache by its
/// type and its SQL is never rendered again (a query with a part that has no static id, such as a
/// boxed query or a bound list, renders it once, for the cache key). Transactions are
/// unaffected: `DbConnection` runs them on this same inner connection.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgresql($c) => $body,
            $crate::db::DbConnection::Sqlite($c) => $body,
        }
    };
}

/// The pool handed to handlers as `web::Data<DbPool>`.
pub type DbPool = r2d2::Pool<ConnectionManager>;

/// Which database engine a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// PostgreSQL server.
    Postgres,
    /// Embedded SQLite file.
    Sqlite,
}

impl Backend {
    /// Picks the backend by URL scheme.
    pub fn from_url(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// Strips an optional `sqlite://` prefix so diesel gets a plain file path.
pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://").unwrap_or(url)
}

/// Milliseconds a SQLite connection waits for a lock before giving up.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 10_000;

/// r2d2 manager that opens the backend named by the URL and prepares each connection.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: String,
    backend: Backend,
}

impl ConnectionManager {
    /// A manager for `url`; the backend is chosen by its scheme.
    pub fn new(url: impl Into<String>) -> Self {
        let url = url.into();
        let backend = Backend::from_url(&url);
        Self { url, backend }
    }
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match self.backend {
            Backend::Postgres => PgConnection::establish(&self.url)
                .map(DbConnection::Postgresql)
                .map_err(r2d2::Error::ConnectionError),
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(sqlite_path(&self.url))
                    .map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}; \
                     PRAGMA foreign_keys = ON; \
                     PRAGMA secure_delete = ON; \
                     PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL;"
                ))
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

/// Builds the pool without opening connections eagerly, so start-up never hangs on a down database.
pub fn build_pool(url: &str, max_size: u32) -> Result<DbPool, r2d2::PoolError> {
    if Backend::from_url(url) == Backend::Sqlite
        && let Some(dir) = std::path::Path::new(sqlite_path(url)).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).ok();
    }
    r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        // No `SELECT 1` round trip per checkout (two per request): a connection diesel saw break
        // is dropped on return (`has_broken`), and `/health/ready` still probes the database.
        .test_on_check_out(false)
        .connection_timeout(Duration::from_secs(5))
        .build(ConnectionManager::new(url))
}

/// Runs `f` in a transaction that takes the write lock at its start.
///
/// On SQLite this is `BEGIN IMMEDIATE`, so a transaction that reads and then writes can never fail
/// half-way with a busy snapshot; on PostgreSQL it is an ordinary transaction (row locks do the rest).
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let DbConnection::Sqlite(inner) = conn else {
        return conn.transaction(f);
    };
    AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
    let result = f(conn);
    let DbConnection::Sqlite(inner) = conn else {
        unreachable!("the connection variant cannot change inside a transaction")
    };
    match result {
        Ok(value) => {
            <AnsiTransactionManager as TransactionManager<SqliteConnection>>::commit_transaction(
                inner,
            )?;
            Ok(value)
        }
        Err(error) => {
            <AnsiTransactionManager as TransactionManager<SqliteConnection>>::rollback_transaction(
                inner,
            )?;
            Err(error)
        }
    }
}

/// Runs blocking database work on the blocking thread pool with a pooled connection.
pub async fn run<T, F>(pool: &DbPool, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().map_err(|_| AppError::ServiceUnavailable)?;
        f(&mut conn)
    })
    .await
    .map_err(|e| AppError::internal(format!("blocking task failed: {e}")))?
}

/// Like [`run`], inside one [`write_transaction`]: every multi-row change goes through here.
pub async fn write<T, F>(pool: &DbPool, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    run(pool, move |conn| write_transaction(conn, f)).await
}
