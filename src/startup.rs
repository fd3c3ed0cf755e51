//! Building and running the HTTP server from `Settings`.

use std::net::TcpListener;

use actix_cors::Cors;
use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::{ErrorHandlers, from_fn};
use actix_web::{App, HttpResponse, HttpServer, http::header, web};
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::api::http::json_object::JSON_LIMIT_BYTES;
use crate::api::http::mount::{MountPoint, locate_in_programme};
use crate::api::metrics::ProgrammePools;
use crate::auth::AccountCache;
use crate::auth::jwt::TokenKeys;
use crate::auth::throttle::{LoginThrottle, PasswordResetThrottle, RegistrationThrottle};
use crate::config::{CatalogueLimits, ListenAddress, Settings};
use crate::db::{self, DbPool};
use crate::error;
use crate::mail::reminders::ReminderTask;
use crate::mail::{Envelope, Links, MailWorker, Transport};
use crate::observability::metrics::Metrics;
use crate::request_context::{REQUEST_ID_HEADER, TRACEPARENT_HEADER};
use crate::routes::{self, RouteCatalog};
use crate::webhook_worker::Worker;

/// Where the OpenAPI document is served (Swagger UI at `/docs/` reads it from there).
pub const SPEC_PATH: &str = "/api-docs/openapi.json";

/// A bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    programmes: Vec<Background>,
}

/// One programme's database and the background tasks that work on it.
struct Background {
    code: String,
    pool: DbPool,
    worker: Worker,
    mail: MailWorker,
    reminders: ReminderTask,
}

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The pool could not be built.
    #[error("cannot open the database pool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    /// A connection could not be made.
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    /// A migration failed.
    #[error("cannot migrate the database: {0}")]
    Migrate(String),
    /// The database serves another programme.
    #[error("programme `{code}`: {reason}")]
    Claim {
        /// The programme being started.
        code: String,
        /// Whose database it is.
        reason: String,
    },
    /// The mail settings are unusable.
    #[error("cannot send e-mail: {0}")]
    Mail(String),
    /// The address could not be bound.
    #[error("cannot listen on the configured address: {0}")]
    Bind(#[from] std::io::Error),
}

/// Opens the pool of `settings`' programme, applies pending migrations and claims the database
/// for the programme (refused when it is another programme's).
pub fn prepare_database(settings: &Settings) -> Result<DbPool, StartupError> {
    let pool = db::build_pool(&settings.database_url, settings.pool_size)?;
    let mut conn = pool
        .get()
        .map_err(|e| StartupError::Connect(e.to_string()))?;
    let applied =
        db::migrations::run_pending(&mut conn).map_err(|e| StartupError::Migrate(e.to_string()))?;
    if !applied.is_empty() {
        log::info!(
            "programme {}: applied migrations: {}",
            settings.programme.code,
            applied.join(", ")
        );
    }
    let code = settings.programme.code.clone();
    db::models::programme::claim(&mut conn, &settings.programme)
        .map_err(|e| StartupError::Migrate(format!("cannot read or write the claim: {e}")))?
        .map_err(|reason| StartupError::Claim { code, reason })?;
    Ok(pool)
}

impl Application {
    /// Migrates every programme's database and binds the listener (port 0 picks a free port).
    pub fn build(settings: Settings) -> Result<Self, StartupError> {
        let pools = settings
            .programmes()
            .map(prepare_database)
            .collect::<Result<Vec<_>, _>>()?;
        let listener = TcpListener::bind(&settings.bind_addr)?;
        let address = listener.local_addr()?;
        let server = run(listener, &pools, &settings)?;
        let programmes = settings
            .programmes()
            .zip(pools)
            .enumerate()
            .map(|(index, (settings, pool))| {
                Ok(Background {
                    code: settings.programme.code.clone(),
                    worker: Worker {
                        sister: (index > 0).then(|| settings.programme.code.clone()),
                        ..Worker::new(pool.clone(), settings.webhooks, address)
                    },
                    mail: mail_worker(pool.clone(), settings)?,
                    reminders: ReminderTask {
                        pool: pool.clone(),
                        interval: settings.reminders.interval,
                        credit_weeks: settings.reminders.credit_weeks,
                        silence_weeks: settings.reminders.silence_weeks,
                    },
                    pool,
                })
            })
            .collect::<Result<Vec<_>, StartupError>>()?;
        Ok(Self {
            port: address.port(),
            server,
            programmes,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The default programme's pool (tests inspect the database through it).
    pub fn pool(&self) -> DbPool {
        self.programmes[0].pool.clone()
    }

    /// The pool of the programme `code`, if the service runs it.
    pub fn pool_of(&self, code: &str) -> Option<DbPool> {
        self.programmes
            .iter()
            .find(|p| p.code == code)
            .map(|p| p.pool.clone())
    }

    /// A handle to stop the server (tests restart the service with it).
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGTERM/SIGINT (or [`ServerHandle::stop`]), then finishes in-flight
    /// requests. Each programme's webhook worker, mail sender and reminder sweeps run alongside
    /// and stop with the server; what they had not done is in the database for the next start.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let mut tasks = Vec::new();
        for programme in self.programmes {
            tasks.push(tokio::spawn(programme.worker.run()));
            tasks.push(tokio::spawn(programme.mail.run()));
            tasks.push(tokio::spawn(programme.reminders.run()));
        }
        tokio::spawn(release_startup_memory());
        let served = self.server.await;
        for task in tasks {
            task.abort();
        }
        served
    }
}

/// The mail sender: SMTP when `SMTP_URL` is set, else the `.eml` folder.
fn mail_worker(pool: DbPool, settings: &Settings) -> Result<MailWorker, StartupError> {
    let mail = &settings.mail;
    let parse = |name: &str, value: &str| {
        crate::mail::transport::mailbox(value)
            .map_err(|e| StartupError::Mail(format!("{name}: {e}")))
    };
    let envelope = Envelope {
        from: parse("MAIL_FROM", &mail.from)?,
        reply_to: mail
            .reply_to
            .as_deref()
            .map(|r| parse("MAIL_REPLY_TO", r))
            .transpose()?,
    };
    let transport = match &mail.smtp_url {
        Some(url) => Transport::smtp(url, mail.policy.timeout).map_err(StartupError::Mail)?,
        None => {
            log::info!(
                "no SMTP_URL: e-mail is written to {} as .eml files",
                mail.folder.display()
            );
            Transport::Folder(mail.folder.clone())
        }
    };
    Ok(MailWorker {
        pool,
        policy: mail.policy,
        transport,
        envelope,
    })
}

/// Each HTTP worker builds its route table (and utoipa's per-service documentation) when it
/// starts and frees most of it again; glibc keeps such freed memory in the process. Once the
/// workers are up, hand it back to the system: about a third of the idle RSS (see
/// bench/README.md).
#[allow(unsafe_code)] // the one FFI call, see SAFETY
async fn release_startup_memory() {
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap pages to the kernel; glibc makes it thread-safe
    // and it touches no memory the program still uses.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Caps glibc's malloc at two arenas. By default every thread that allocates may get its own
/// arena (up to eight per core), and each keeps freed memory for itself: with a blocking pool of
/// database threads that is most of the idle and peak RSS beyond the data itself. Call it before
/// the server starts its threads.
#[allow(unsafe_code)] // the one FFI call, see SAFETY
pub fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes glibc's allocator settings; M_ARENA_MAX takes effect for
    // arenas created afterwards and never moves memory in use.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

fn cors(origins: &[String]) -> Cors {
    origins
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            header::HeaderName::from_static("idempotency-key"),
            header::HeaderName::from_static(REQUEST_ID_HEADER),
            header::HeaderName::from_static(TRACEPARENT_HEADER),
        ])
        // What a browser front end reads: versions for If-Match, where a created record is, the
        // request id for support and this server's span of the trace, rate limits, and the file
        // name of a download.
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            header::CONTENT_DISPOSITION,
            header::HeaderName::from_static(REQUEST_ID_HEADER),
            header::HeaderName::from_static(TRACEPARENT_HEADER),
            header::HeaderName::from_static("ratelimit"),
            header::HeaderName::from_static("ratelimit-policy"),
        ])
        .max_age(3600)
}

/// What the handlers of one programme read: its pool and settings, token keys, throttles and
/// caches. Every programme gets its own set, attached to the scope it is mounted at, so nothing a
/// handler reads (or caches) crosses from one programme to another.
#[derive(Clone)]
struct ProgrammeData {
    mount: web::Data<MountPoint>,
    pool: web::Data<DbPool>,
    settings: web::Data<Settings>,
    keys: web::Data<TokenKeys>,
    throttle: web::Data<LoginThrottle>,
    registrations: web::Data<RegistrationThrottle>,
    resets: web::Data<PasswordResetThrottle>,
    account_cache: web::Data<AccountCache>,
    limits: web::Data<CatalogueLimits>,
    links: web::Data<Links>,
}

impl ProgrammeData {
    fn new(settings: &Settings, pool: &DbPool, mount: MountPoint) -> Self {
        let sister = (!mount.0.is_empty()).then_some(settings.programme.code.as_str());
        let mut own = settings.clone();
        own.sisters = Vec::new();
        Self {
            mount: web::Data::new(mount),
            pool: web::Data::new(pool.clone()),
            keys: web::Data::new(TokenKeys::for_programme(
                &settings.jwt_secret,
                settings.token_ttl_secs,
                sister,
            )),
            throttle: web::Data::new(LoginThrottle::default()),
            registrations: web::Data::new(RegistrationThrottle::new(
                settings.registrations_per_hour,
            )),
            resets: web::Data::new(PasswordResetThrottle::new(
                crate::api::password_resets::RESETS_PER_ADDRESS_PER_HOUR,
            )),
            account_cache: web::Data::new(AccountCache::default()),
            limits: web::Data::new(settings.catalogue_limits()),
            links: web::Data::new(Links::of(&settings.mail)),
            settings: web::Data::new(own),
        }
    }

    /// Every route of the table, mounted at this programme's mount point with its data.
    fn scope(
        &self,
    ) -> impl actix_web::dev::HttpServiceFactory + utoipa_actix_web::OpenApiFactory + 'static {
        utoipa_actix_web::scope::scope(self.mount.0.as_str())
            .app_data(self.mount.clone())
            .app_data(self.pool.clone())
            .app_data(self.settings.clone())
            .app_data(self.keys.clone())
            .app_data(self.throttle.clone())
            .app_data(self.registrations.clone())
            .app_data(self.resets.clone())
            .app_data(self.account_cache.clone())
            .app_data(self.limits.clone())
            .app_data(self.links.clone())
            .configure(routes::configure)
            .default_service(web::to(routes::unmatched_route))
            .wrap(from_fn({
                let mount = self.mount.clone();
                move |req, next| locate_in_programme(mount.clone(), req, next)
            }))
    }
}

fn run(
    listener: TcpListener,
    pools: &[DbPool],
    settings: &Settings,
) -> Result<Server, StartupError> {
    // The document is built once and kept only as JSON bytes: every worker serves the same bytes
    // instead of holding (and serialising per request) its own copy of the structure.
    let doc = crate::openapi::document();
    let catalog = web::Data::new(RouteCatalog::from_openapi(&doc));
    let spec = web::Bytes::from(
        serde_json::to_vec(&doc).map_err(|e| std::io::Error::other(e.to_string()))?,
    );
    drop(doc);
    // The default programme is mounted at the root, each sister at `/programmes/{code}`.
    let mut programmes: Vec<ProgrammeData> = settings
        .programmes()
        .zip(pools)
        .enumerate()
        .map(|(index, (settings, pool))| {
            let mount = match index {
                0 => MountPoint::default(),
                _ => MountPoint(settings.programme.path_prefix()),
            };
            ProgrammeData::new(settings, pool, mount)
        })
        .collect();
    // Sisters first: the default programme's scope at the root would take every path.
    programmes.rotate_left(1);
    let origins = settings.cors_origins.clone();
    let listen_address = web::Data::new(ListenAddress(listener.local_addr()?));
    let all_pools = web::Data::new(ProgrammePools(
        settings
            .programmes()
            .zip(pools)
            .map(|(settings, pool)| (settings.programme.code.clone(), pool.clone()))
            .collect(),
    ));
    let metrics = web::Data::new(Metrics::default());
    let mut server = HttpServer::new(move || {
        let (sisters, default) = programmes.split_at(programmes.len() - 1);
        let mut app = App::new();
        for sister in sisters {
            app = app.service(sister.scope());
        }
        app.app_data(catalog.clone())
            .app_data(listen_address.clone())
            .app_data(metrics.clone())
            .app_data(all_pools.clone())
            .app_data(
                web::JsonConfig::default()
                    .limit(JSON_LIMIT_BYTES)
                    .error_handler(error::json_error),
            )
            .app_data(web::QueryConfig::default().error_handler(error::query_error))
            .app_data(web::PathConfig::default().error_handler(error::path_error))
            .service(web::resource("/docs").route(web::get().to(|| async {
                HttpResponse::PermanentRedirect()
                    .insert_header((header::LOCATION, "/docs/"))
                    .finish()
            })))
            .service(web::resource(SPEC_PATH).route(web::get().to({
                let spec = spec.clone();
                move || {
                    let spec = spec.clone();
                    async move {
                        HttpResponse::Ok()
                            .content_type(header::ContentType::json())
                            .body(spec)
                    }
                }
            })))
            .service(SwaggerUi::new("/docs/{_:.*}").config(Config::from(SPEC_PATH)))
            .service(default[0].scope())
            .default_service(web::to(routes::unmatched_route))
            .wrap(from_fn(crate::api::http::conditional::not_modified))
            .wrap(cors(&origins))
            .wrap(ErrorHandlers::new().default_handler(error::render_framework_error))
            // Metrics and the access line see the status the client gets (outside the error
            // handlers) and log inside the request context (its ids are on the line).
            .wrap(from_fn(crate::observability::middleware::observe))
            .wrap(from_fn(crate::request_context::middleware))
    })
    .listen(listener)?
    .shutdown_timeout(30);
    if let Some(workers) = settings.workers {
        server = server.workers(workers);
    }
    Ok(server.run())
}
