//! Test harness: a real server on a free port over a fresh database per test, on SQLite and on
//! PostgreSQL (`TEST_POSTGRES_URL`, default the local server on 127.0.0.1:5432).

use actix_web::dev::ServerHandle;
use diesel::{Connection, PgConnection, RunQueryDsl};
use mentoring_api::auth::staff::{NewStaffAccount, create_staff_account};
use mentoring_api::config::{MailSettings, ReminderSettings, Secret, Settings};
use mentoring_api::db::DbPool;
use mentoring_api::db::models::audit_events::Actor;
use mentoring_api::domain::mail::SendPolicy;
use mentoring_api::domain::programme::Programme;
use mentoring_api::domain::webhooks::DeliveryPolicy;
use mentoring_api::startup::{Application, StartupError};
use rand::Rng;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

use super::smtp::SmtpServer;

/// The JWT secret of every test server (tests forge tokens with it).
pub const TEST_JWT_SECRET: &[u8] = b"test-secret-test-secret-test-secret-0123";
/// The `METRICS_TOKEN` of every test server: `GET /metrics` is on, so the tests prove who is
/// refused while it is.
/// Access-token lifetime of the test servers: the service's default, so a long run (the
/// authorization matrix takes over ten minutes on a busy two-core machine) never outlives the
/// tokens it logged in with.
pub const TEST_TOKEN_TTL: i64 = 3600;
pub const TEST_METRICS_TOKEN: &str = "test-metrics-token-test-metrics-token-0123";
/// The JWT secret of a sister programme in tests ([`TestApp::with_sister`]).
pub const SISTER_JWT_SECRET: &[u8] = b"sister-secret-sister-secret-sister-0123";
/// Password of accounts made by the helpers.
pub const PASSWORD: &str = "correct horse battery staple";

const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh database that is removed when the test ends.
enum TestDatabase {
    Sqlite { _dir: tempfile::TempDir },
    Postgres { admin_url: String, name: String },
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres { admin_url, name } = self
            && let Ok(mut conn) = PgConnection::establish(admin_url)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut conn);
        }
    }
}

/// A running server and a client for it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub pool: DbPool,
    /// The SMTP server every message of this app goes to.
    pub mail: SmtpServer,
    database_url: String,
    handle: ServerHandle,
    _database: TestDatabase,
}

fn random_suffix() -> String {
    let n: u64 = rand::rng().random();
    format!("{n:016x}")
}

/// The admin URL, without TLS unless it names an `sslmode`: the tests talk to a server on
/// loopback, and with TLS libpq initialises OpenSSL, whose clean-up at process exit can crash the
/// test binary (SIGSEGV after every test passed) while an r2d2 thread is still connecting
/// (diesel-rs/diesel#3441).
fn postgres_admin_url() -> Option<String> {
    let url =
        std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned());
    if url == "skip" {
        return None;
    }
    if url.contains("sslmode=") {
        return Some(url);
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    Some(format!("{url}{separator}sslmode=disable"))
}

fn create_database(backend: Backend) -> Option<(String, TestDatabase)> {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = dir.path().join("test.sqlite3").display().to_string();
            Some((url, TestDatabase::Sqlite { _dir: dir }))
        }
        Backend::Postgres => {
            let admin_url = postgres_admin_url()?;
            let name = format!("mentoring_test_{}", random_suffix());
            let mut conn = PgConnection::establish(&admin_url).unwrap_or_else(|e| {
                panic!(
                    "PostgreSQL tests need a server at TEST_POSTGRES_URL (or set it to `skip`): {e}"
                )
            });
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .expect("create test database");
            // A test database never outlives a crash of the PostgreSQL server, so its commits
            // need not wait for the WAL flush: on a busy two-core machine the fsyncs were most of
            // the suite's waiting. (The crash test, `scripts/crash-test`, kills the service, not
            // PostgreSQL, and runs over its own database with the server's settings.)
            diesel::sql_query(format!(
                "ALTER DATABASE {name} SET synchronous_commit TO off"
            ))
            .execute(&mut conn)
            .expect("tune test database");
            let (base, last) = admin_url
                .rsplit_once('/')
                .expect("URL with a database name");
            let query = last.split_once('?').map_or("", |(_, q)| q);
            let url = format!("{base}/{name}?{query}");
            Some((url, TestDatabase::Postgres { admin_url, name }))
        }
    }
}

/// Settings of a test server for `database_url`.
pub fn test_settings(database_url: &str) -> Settings {
    Settings {
        bind_addr: "127.0.0.1:0".to_owned(),
        database_url: database_url.to_owned(),
        pool_size: 8,
        jwt_secret: Secret::new(TEST_JWT_SECRET.to_vec()),
        token_ttl_secs: TEST_TOKEN_TTL,
        refresh_token_ttl_secs: 30 * 86_400,
        cors_origins: vec!["https://frontend.example".to_owned()],
        workers: Some(1),
        funding_agency_name: "Projektträger Jülich (PtJ)".to_owned(),
        max_forums: 12,
        webhooks: fast_webhooks(),
        // Every test client is a "proxy" at 127.0.0.1, so a test can name a client address with
        // `X-Forwarded-For`; without the header the client is 127.0.0.1.
        trusted_proxies: vec![std::net::IpAddr::from([127, 0, 0, 1])],
        registrations_per_hour: 0,
        mail: MailSettings {
            smtp_url: None,
            from: "SK:KK Mentoring <mentoring@example.org>".to_owned(),
            reply_to: Some("Geschäftsstelle <office@example.org>".to_owned()),
            folder: std::env::temp_dir().join("mentoring-test-mail-unused"),
            public_url: "https://mentoring.example".to_owned(),
            api_public_url: "https://api.mentoring.example".to_owned(),
            policy: fast_mail(),
        },
        // Tests run the sweeps with `POST /api/v1/reminder-runs`; the background task waits.
        reminders: ReminderSettings {
            interval: Duration::from_secs(86_400),
            credit_weeks: 8,
            silence_weeks: 6,
        },
        metrics_token: Some(Secret::new(TEST_METRICS_TOKEN.as_bytes().to_vec())),
        programme: Programme::default(),
        sisters: Vec::new(),
    }
}

/// Mail timing for tests: polls every 50 ms, retries after 100 ms doubling up to 1 s, 3 attempts.
pub fn fast_mail() -> SendPolicy {
    SendPolicy {
        poll_interval: Duration::from_millis(50),
        timeout: Duration::from_secs(5),
        retry_base: Duration::from_millis(100),
        retry_max: Duration::from_secs(1),
        max_attempts: 3,
    }
}

/// Webhook timing for tests: polls every 50 ms, retries after 100 ms doubling up to 2 s.
pub fn fast_webhooks() -> DeliveryPolicy {
    DeliveryPolicy {
        poll_interval: Duration::from_millis(50),
        timeout: Duration::from_secs(2),
        retry_base: Duration::from_millis(100),
        retry_max: Duration::from_secs(2),
        max_attempts: 4,
        disable_after_failures: 6,
    }
}

/// Starts a server on a fresh database; `None` when PostgreSQL tests are switched off.
pub async fn try_spawn(backend: Backend) -> Option<TestApp> {
    let (database_url, database) = create_database(backend)?;
    let mail = SmtpServer::start().await;
    let (address, pool, handle) = start(&database_url, &mail);
    Some(TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // One connection per request: a reused connection the server was closing made a
            // request fail now and then with `IncompleteMessage` (seen about once in ten full
            // runs, cause not pinned down; idle timeouts below the server's keep-alive did not
            // stop it). Keep-alive reuse is exercised by schemathesis and the benchmark instead.
            .pool_max_idle_per_host(0)
            .build()
            .unwrap(),
        pool,
        mail,
        database_url,
        handle,
        _database: database,
    })
}

/// Settings of a test server for `database_url` sending its mail to `smtp`.
fn settings_with_mail(database_url: &str, smtp: &SmtpServer) -> Settings {
    let mut settings = test_settings(database_url);
    settings.mail.smtp_url = Some(smtp.url());
    settings
}

fn start(database_url: &str, smtp: &SmtpServer) -> (String, DbPool, ServerHandle) {
    start_with(settings_with_mail(database_url, smtp))
}

fn start_with(settings: Settings) -> (String, DbPool, ServerHandle) {
    let app = build_patiently(settings);
    let address = format!("http://127.0.0.1:{}", app.port());
    let (pool, handle) = (app.pool(), app.handle());
    tokio::spawn(app.run_until_stopped());
    (address, pool, handle)
}

/// Builds the service; a first connection that takes longer than the pool's 5 s (PostgreSQL
/// busy creating the databases of parallel tests, seen on a loaded two-core machine) is tried
/// again, twice, rather than failing a test that is not about start-up.
fn build_patiently(settings: Settings) -> Application {
    let mut attempts = 0;
    loop {
        attempts += 1;
        match Application::build(settings.clone()) {
            Ok(app) => return app,
            Err(StartupError::Pool(error)) if attempts < 3 => {
                eprintln!("test server: no database connection yet ({error}), trying again");
            }
            Err(error) => panic!("server starts: {error}"),
        }
    }
}

impl TestApp {
    /// Stops the server and its webhook worker at once, without waiting for open connections;
    /// the database stays.
    pub async fn stop(&self) {
        self.handle.stop(false).await;
    }

    /// Starts the service again on the same database (on a new port).
    pub fn start_again(&mut self) {
        (self.address, self.pool, self.handle) = start(&self.database_url, &self.mail);
    }

    /// Stops the service and starts it again on the same database with changed settings.
    pub async fn restart_with(&mut self, change: impl FnOnce(&mut Settings)) {
        self.stop().await;
        let mut settings = settings_with_mail(&self.database_url, &self.mail);
        change(&mut settings);
        (self.address, self.pool, self.handle) = start_with(settings);
    }

    /// Restarts the service with a sister programme over a fresh database of the same backend
    /// (its own JWT secret and sender) and returns a view of it: the returned app's helpers call
    /// `/programmes/{code}/api/v1/…` and inspect the sister's database. Both views share the
    /// server, client and SMTP inbox.
    pub async fn with_sister(&mut self, programme: Programme) -> TestApp {
        let backend = match self._database {
            TestDatabase::Sqlite { .. } => Backend::Sqlite,
            TestDatabase::Postgres { .. } => Backend::Postgres,
        };
        let (sister_url, database) = create_database(backend).expect("a database for the sister");
        let code = programme.code.clone();
        self.stop().await;
        let mut settings = settings_with_mail(&self.database_url, &self.mail);
        let mut sister = settings.clone();
        sister.mail.from = format!("{} Mentoring <mentoring@{code}.example>", programme.office);
        sister.mail.api_public_url = format!("http://127.0.0.1/programmes/{code}");
        sister.programme = programme;
        sister.database_url = sister_url.clone();
        sister.jwt_secret = Secret::new(SISTER_JWT_SECRET.to_vec());
        settings.sisters = vec![sister];
        let app = build_patiently(settings);
        let sister_pool = app.pool_of(&code).expect("the sister runs");
        self.address = format!("http://127.0.0.1:{}", app.port());
        (self.pool, self.handle) = (app.pool(), app.handle());
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address: format!("{}/programmes/{code}", self.address),
            client: self.client.clone(),
            pool: sister_pool,
            mail: self.mail.clone(),
            database_url: sister_url,
            handle: self.handle.clone(),
            _database: database,
        }
    }

    /// Waits (up to 10 s) until the mail outbox holds no pending message: every message queued
    /// so far reached the harness's SMTP server (which then keeps no text of it in the outbox).
    pub async fn mail_settled(&self) {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        for _ in 0..200 {
            let pending = {
                let mut conn = self.pool.get().unwrap();
                diesel::sql_query(
                    "SELECT COUNT(*) AS n FROM mail_messages WHERE status = 'pending'",
                )
                .get_result::<Count>(&mut conn)
                .unwrap()
                .n
            };
            if pending == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("mail messages stayed pending");
    }

    /// The SQLite database file (`None` on PostgreSQL); its log is this path plus `-wal`.
    pub fn sqlite_file(&self) -> Option<std::path::PathBuf> {
        matches!(self._database, TestDatabase::Sqlite { .. })
            .then(|| std::path::PathBuf::from(&self.database_url))
    }

    /// Sends a request with an optional bearer token and JSON body.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        let mut req = self
            .client
            .request(method, format!("{}{}", self.address, path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        req.send().await.expect("request is answered")
    }

    /// GET with a token.
    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::GET, path, token, None).await
    }

    /// POST JSON with a token.
    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.request(Method::POST, path, token, Some(body)).await
    }

    /// The URL of the test database, for running the binary's subcommands against it.
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// Creates a staff account directly (as `create-staff` does) and returns its id.
    pub async fn create_staff(&self, email: &str) -> i64 {
        let body = NewStaffAccount {
            email: email.to_owned(),
            password: PASSWORD.to_owned(),
            display_name: "SK:KK Test".to_owned(),
        };
        create_staff_account(&self.pool, body, Actor::system())
            .await
            .expect("staff account is created")
            .id
    }

    /// Logs in with e-mail and password and returns the access token.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let res = self
            .post(
                "/api/v1/auth/token",
                None,
                &json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "login of {email} failed");
        res.json::<Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A fresh staff account, logged in.
    pub async fn staff_token(&self) -> String {
        let email = format!("staff-{}@example.org", random_suffix());
        self.create_staff(&email).await;
        self.login(&email, PASSWORD).await
    }
}

/// The JSON pointers of a validation problem's `errors`, in order.
pub fn pointers(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .expect("a validation problem lists its errors")
        .iter()
        .map(|e| e["pointer"].as_str().expect("each error has a pointer"))
        .collect()
}

/// Asserts an RFC 9457 problem with `status` and returns its body.
pub async fn assert_problem(res: Response, status: StatusCode) -> Value {
    assert_eq!(res.status(), status, "unexpected status");
    let content_type = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = res.json().await.expect("problem body is JSON");
    assert_eq!(body["status"], status.as_u16());
    for field in ["type", "title", "detail", "instance", "request_id"] {
        assert!(body[field].is_string(), "problem lacks `{field}`: {body}");
    }
    body
}

/// Generates `mod name { sqlite, postgres }` tests that run `async fn name(app: TestApp)`
/// against a fresh server on each backend.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = $crate::support::app::try_spawn($crate::support::app::Backend::Sqlite)
                        .await
                        .expect("SQLite is always available");
                    super::$name(app).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    match $crate::support::app::try_spawn($crate::support::app::Backend::Postgres).await {
                        Some(app) => super::$name(app).await,
                        None => eprintln!("PostgreSQL tests switched off by TEST_POSTGRES_URL=skip"),
                    }
                }
            }
        )*
    };
}

/// The project's Python (`.venv`, made by `.ci/run` from `.ci/requirements.txt`) for the checks
/// that use an independent implementation (`package` names it in messages). `None` when there is
/// none; with `REQUIRE_PYTHON_CHECKS` set (as in CI) that fails the test instead.
pub fn venv_python(package: &str) -> Option<String> {
    let venv = concat!(env!("CARGO_MANIFEST_DIR"), "/.venv/bin/python");
    if std::path::Path::new(venv).exists() {
        return Some(venv.to_owned());
    }
    assert!(
        std::env::var("REQUIRE_PYTHON_CHECKS").is_err(),
        "REQUIRE_PYTHON_CHECKS is set but there is no .venv with `{package}`"
    );
    eprintln!("note: no .venv with `{package}`; the independent check was skipped");
    None
}

/// Sends the same POST `n` times at once; the statuses in sending order.
pub async fn concurrent_posts(
    app: &TestApp,
    path: &str,
    token: &str,
    body: &Value,
    n: usize,
) -> Vec<StatusCode> {
    let mut tasks = Vec::with_capacity(n);
    for _ in 0..n {
        let (client, token, body) = (app.client.clone(), token.to_owned(), body.clone());
        let url = format!("{}{path}", app.address);
        tasks.push(tokio::spawn(async move {
            let res = client.post(url).bearer_auth(token).json(&body).send();
            res.await.expect("request is answered").status()
        }));
    }
    let mut statuses = Vec::with_capacity(n);
    for task in tasks {
        statuses.push(task.await.expect("request task"));
    }
    statuses
}

/// PATCH with an optional `If-Match`.
pub async fn patch(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    if_match: Option<&str>,
    body: &Value,
) -> Response {
    let mut req = app
        .client
        .request(Method::PATCH, format!("{}{}", app.address, path))
        .json(body);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if let Some(tag) = if_match {
        req = req.header("if-match", tag);
    }
    req.send().await.expect("request is answered")
}
