//! Typed settings read from the environment. Secrets are never logged or printed.

use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use crate::db::{Backend, sqlite_path};
use crate::domain::mail::SendPolicy;
use crate::domain::programme::{self, Programme};
use crate::domain::webhooks::DeliveryPolicy;

/// The minimum length of a configured JWT signing secret.
pub const MIN_JWT_SECRET_BYTES: usize = 32;

/// Default database when `DATABASE_URL` is unset: a SQLite file under `./data/`.
pub const DEFAULT_DATABASE_URL: &str = "data/mentoring.sqlite3";

/// A secret byte string whose `Debug` output is redacted.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// Wraps secret bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The raw bytes, for signing.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Everything the service needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on (`BIND_ADDR`); port 0 picks a free port.
    pub bind_addr: String,
    /// Database URL (`DATABASE_URL`): `postgres://…` or a SQLite file path.
    pub database_url: String,
    /// Maximum pooled connections (`DATABASE_POOL_SIZE`).
    pub pool_size: u32,
    /// HMAC secret for access tokens (`JWT_SECRET`, else generated beside the database).
    pub jwt_secret: Secret,
    /// Access-token lifetime in seconds (`TOKEN_TTL_SECONDS`).
    pub token_ttl_secs: i64,
    /// Refresh-token lifetime in seconds (`REFRESH_TOKEN_TTL_DAYS`, default 30 days): how long
    /// a person's login may be refreshed without being used.
    pub refresh_token_ttl_secs: i64,
    /// Origins allowed by CORS (`CORS_ALLOWED_ORIGINS`, comma-separated; empty: none).
    pub cors_origins: Vec<String>,
    /// HTTP worker threads (`HTTP_WORKERS`; default: one per core).
    pub workers: Option<usize>,
    /// Name of the funding agency told about role deviations (`FUNDING_AGENCY_NAME`).
    pub funding_agency_name: String,
    /// Most forums that may be active (not retired) at once (`MAX_FORUMS`, default 12, § 3.2.1).
    pub max_forums: u32,
    /// How webhooks are delivered (`WEBHOOK_TIMEOUT_SECONDS`, `WEBHOOK_RETRY_BASE_SECONDS`,
    /// `WEBHOOK_MAX_ATTEMPTS`, `WEBHOOK_DISABLE_AFTER_FAILURES`).
    pub webhooks: DeliveryPolicy,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`TRUSTED_PROXIES`,
    /// comma-separated IP addresses; empty: the peer address is the client).
    pub trusted_proxies: Vec<IpAddr>,
    /// Registrations one client address may send per hour (`REGISTRATIONS_PER_ADDRESS_PER_HOUR`,
    /// default 20; 0: unlimited).
    pub registrations_per_hour: u32,
    /// How e-mail is sent (`SMTP_URL`, `MAIL_FROM`, `MAIL_REPLY_TO`, `MAIL_DIR`, `PUBLIC_URL`,
    /// `API_PUBLIC_URL`).
    pub mail: MailSettings,
    /// When reminders go out (`REMINDER_INTERVAL_SECONDS`, `CREDIT_REMINDER_WEEKS`,
    /// `MENTORING_SILENCE_WEEKS`).
    pub reminders: ReminderSettings,
    /// The bearer token Prometheus sends to `GET /metrics` (`METRICS_TOKEN`); `None`: the
    /// endpoint answers 404 to everyone.
    pub metrics_token: Option<Secret>,
    /// The programme this database serves (`PROGRAMME_CODE`, `PROGRAMME_NAME`,
    /// `PROGRAMME_TITLE`, `PROGRAMME_OFFICE`; default the SK:KK's KSM programme).
    pub programme: Programme,
    /// Sister programmes served by the same process, each over its own database (`PROGRAMMES`
    /// and `PROGRAMME_<CODE>_…`, see [`Settings::sister`]). Empty for a sister itself.
    pub sisters: Vec<Settings>,
}

/// Default of `REMINDER_INTERVAL_SECONDS`: the sweeps run every 15 minutes.
pub const DEFAULT_REMINDER_INTERVAL_SECONDS: u64 = 900;
/// Default of `CREDIT_REMINDER_WEEKS`: eight weeks leave time for a webinar or a practice tip.
pub const DEFAULT_CREDIT_REMINDER_WEEKS: u32 = 8;
/// Default of `MENTORING_SILENCE_WEEKS`: a mentoring pair without a contact for six weeks is
/// reminded.
pub const DEFAULT_SILENCE_WEEKS: u32 = crate::domain::individual_mentoring::DEFAULT_SILENCE_WEEKS;

/// The reminder sweeps (day before a session, KSM2 minimum).
#[derive(Debug, Clone, Copy)]
pub struct ReminderSettings {
    /// How often the background task sweeps (`REMINDER_INTERVAL_SECONDS`, 60–86400).
    pub interval: std::time::Duration,
    /// Weeks before a KSM2 mentor's project year ends that a mentor below the minimum is
    /// reminded (`CREDIT_REMINDER_WEEKS`, 1–52).
    pub credit_weeks: u32,
    /// Weeks without a contact after which both sides of a mentoring pair are reminded, once
    /// per silence (`MENTORING_SILENCE_WEEKS`, 1–52).
    pub silence_weeks: u32,
}

impl Default for ReminderSettings {
    fn default() -> Self {
        Self {
            interval: std::time::Duration::from_secs(DEFAULT_REMINDER_INTERVAL_SECONDS),
            credit_weeks: DEFAULT_CREDIT_REMINDER_WEEKS,
            silence_weeks: DEFAULT_SILENCE_WEEKS,
        }
    }
}

/// Default of `MAIL_FROM`.
pub const DEFAULT_MAIL_FROM: &str = "SK:KK Mentoring <mentoring@localhost>";
/// Default of `MAIL_DIR`: where messages go as `.eml` files when no `SMTP_URL` is set.
pub const DEFAULT_MAIL_DIR: &str = "data/mail";
/// Default of `PUBLIC_URL`: the front end the links in messages point to.
pub const DEFAULT_PUBLIC_URL: &str = "http://localhost:8080";

/// E-mail delivery.
#[derive(Clone)]
pub struct MailSettings {
    /// SMTP server (`SMTP_URL`, e.g. `smtp://user:pass@host:587?tls=required`); `None`: the folder.
    pub smtp_url: Option<String>,
    /// Sender (`MAIL_FROM`, `Name <address>`).
    pub from: String,
    /// Where answers go (`MAIL_REPLY_TO`), e.g. the programme office's mailbox.
    pub reply_to: Option<String>,
    /// Folder for `.eml` files when no SMTP server is configured (`MAIL_DIR`).
    pub folder: PathBuf,
    /// The front end's base URL for links in messages (`PUBLIC_URL`).
    pub public_url: String,
    /// The API's own public base URL (`API_PUBLIC_URL`, default `PUBLIC_URL`: the API under
    /// `/api/v1` on the front end's origin), for links a mail program calls itself: the
    /// newsletter's one-click unsubscribe.
    pub api_public_url: String,
    /// Polls, timeouts and retries of the sender (`MAIL_MAX_ATTEMPTS`, `MAIL_RETRY_BASE_SECONDS`).
    pub policy: SendPolicy,
}

impl Default for MailSettings {
    /// The folder default: no SMTP server, `.eml` files under `data/mail`.
    fn default() -> Self {
        Self {
            smtp_url: None,
            from: DEFAULT_MAIL_FROM.to_owned(),
            reply_to: None,
            folder: PathBuf::from(DEFAULT_MAIL_DIR),
            public_url: DEFAULT_PUBLIC_URL.to_owned(),
            api_public_url: DEFAULT_PUBLIC_URL.to_owned(),
            policy: SendPolicy::default(),
        }
    }
}

impl fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The SMTP URL may carry a password.
        f.debug_struct("MailSettings")
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "<redacted>"))
            .field("from", &self.from)
            .field("reply_to", &self.reply_to)
            .field("folder", &self.folder)
            .field("public_url", &self.public_url)
            .field("api_public_url", &self.api_public_url)
            .field("policy", &self.policy)
            .finish()
    }
}

/// Default of `REGISTRATIONS_PER_ADDRESS_PER_HOUR`: a programme office registering a room of
/// people from one network in an hour stays below it; a script probing addresses does not.
pub const DEFAULT_REGISTRATIONS_PER_HOUR: u32 = 20;

/// Default of `REFRESH_TOKEN_TTL_DAYS`: a person who uses the service once a month stays logged in.
pub const DEFAULT_REFRESH_TOKEN_TTL_DAYS: i64 = 30;

/// Default of `MAX_FORUMS`: "bis zu 12 Unterforen" (§ 5.4).
pub const DEFAULT_MAX_FORUMS: u32 = 12;

/// The address the server actually listens on (port 0 resolved), so that webhooks are never
/// sent to the service itself; shared as `web::Data<ListenAddress>`.
#[derive(Debug, Clone, Copy)]
pub struct ListenAddress(pub std::net::SocketAddr);

/// The catalogue limits handlers need, shared as `web::Data<CatalogueLimits>`.
#[derive(Debug, Clone, Copy)]
pub struct CatalogueLimits {
    /// Most forums that may be active at once.
    pub max_forums: u32,
}

/// The funding agency the handbook names (§ 2, footnote 2); it has changed before, hence configurable.
pub const DEFAULT_FUNDING_AGENCY: &str = "Projektträger Jülich (PtJ)";

/// Why the settings could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A variable is set but unusable.
    #[error("{name} is invalid: {reason}")]
    Invalid {
        /// The variable.
        name: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A sister programme's variable is missing or unusable.
    #[error("{variable} {reason}")]
    Programme {
        /// The variable, e.g. `PROGRAMME_KAM_DATABASE_URL`.
        variable: String,
        /// What is wrong.
        reason: String,
    },
    /// The generated secret file could not be read or written.
    #[error("cannot keep the generated JWT secret at {path}: {source}")]
    SecretFile {
        /// Where the secret lives.
        path: PathBuf,
        /// The I/O failure.
        source: std::io::Error,
    },
}

fn sister_error(code: &str, name: &str, what: &str) -> ConfigError {
    ConfigError::Programme {
        variable: format!("PROGRAMME_{}_{name}", code.to_uppercase()),
        reason: what.to_owned(),
    }
}

/// A check of a shared variable's value, named as the sister programme's variable.
fn renamed(code: &str, error: ConfigError) -> ConfigError {
    match error {
        ConfigError::Invalid { name, reason } => {
            sister_error(code, name, &format!("is invalid: {reason}"))
        }
        other => other,
    }
}

/// The default programme's identity (`PROGRAMME_CODE`, `PROGRAMME_NAME`, `PROGRAMME_TITLE`,
/// `PROGRAMME_OFFICE`).
fn programme_of_env() -> Result<Programme, ConfigError> {
    let defaults = Programme::default();
    let code = var("PROGRAMME_CODE").unwrap_or(defaults.code);
    programme::check_code(&code).map_err(|reason| ConfigError::Invalid {
        name: "PROGRAMME_CODE",
        reason,
    })?;
    Ok(Programme {
        code,
        name: var("PROGRAMME_NAME").unwrap_or(defaults.name),
        title: var("PROGRAMME_TITLE").unwrap_or(defaults.title),
        office: var("PROGRAMME_OFFICE").unwrap_or(defaults.office),
    })
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse_var<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(raw) => raw
            .trim()
            .parse()
            .map_err(|e: T::Err| ConfigError::Invalid {
                name,
                reason: e.to_string(),
            }),
    }
}

impl Settings {
    /// Reads the environment; with nothing set the service runs on SQLite under `./data/`.
    pub fn from_env() -> Result<Self, ConfigError> {
        let database_url = var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        let jwt_secret = match var("JWT_SECRET") {
            Some(secret) => validate_secret(secret.into_bytes())?,
            None => load_or_create_secret(&secret_file_for(&database_url))?,
        };
        let token_ttl_secs: i64 = parse_var("TOKEN_TTL_SECONDS", 3600)?;
        if !(60..=86_400).contains(&token_ttl_secs) {
            return Err(ConfigError::Invalid {
                name: "TOKEN_TTL_SECONDS",
                reason: "must be between 60 and 86400".to_owned(),
            });
        }
        let refresh_days: i64 =
            parse_var("REFRESH_TOKEN_TTL_DAYS", DEFAULT_REFRESH_TOKEN_TTL_DAYS)?;
        if !(1..=365).contains(&refresh_days) {
            return Err(ConfigError::Invalid {
                name: "REFRESH_TOKEN_TTL_DAYS",
                reason: "must be between 1 and 365".to_owned(),
            });
        }
        let pool_size: u32 = parse_var("DATABASE_POOL_SIZE", 8)?;
        if pool_size == 0 {
            return Err(ConfigError::Invalid {
                name: "DATABASE_POOL_SIZE",
                reason: "must be at least 1".to_owned(),
            });
        }
        let max_forums: u32 = parse_var("MAX_FORUMS", DEFAULT_MAX_FORUMS)?;
        if !(1..=1000).contains(&max_forums) {
            return Err(ConfigError::Invalid {
                name: "MAX_FORUMS",
                reason: "must be between 1 and 1000".to_owned(),
            });
        }
        let trusted_proxies = var("TRUSTED_PROXIES")
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(|a| {
                        a.parse().map_err(|_| ConfigError::Invalid {
                            name: "TRUSTED_PROXIES",
                            reason: format!("`{a}` is not an IP address"),
                        })
                    })
                    .collect::<Result<Vec<IpAddr>, ConfigError>>()
            })
            .transpose()?
            .unwrap_or_default();
        Self {
            bind_addr: var("BIND_ADDR").unwrap_or_else(|| "127.0.0.1:8080".to_owned()),
            database_url,
            pool_size,
            jwt_secret,
            token_ttl_secs,
            refresh_token_ttl_secs: refresh_days * 86_400,
            cors_origins: var("CORS_ALLOWED_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|o| o.trim().to_owned())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            workers: var("HTTP_WORKERS")
                .map(|_| parse_var("HTTP_WORKERS", 1usize))
                .transpose()?,
            funding_agency_name: var("FUNDING_AGENCY_NAME")
                .unwrap_or_else(|| DEFAULT_FUNDING_AGENCY.to_owned()),
            max_forums,
            webhooks: webhook_policy()?,
            trusted_proxies,
            registrations_per_hour: parse_var(
                "REGISTRATIONS_PER_ADDRESS_PER_HOUR",
                DEFAULT_REGISTRATIONS_PER_HOUR,
            )?,
            mail: mail_settings()?,
            reminders: reminder_settings()?,
            metrics_token: var("METRICS_TOKEN")
                .map(validate_metrics_token)
                .transpose()?,
            programme: programme_of_env()?,
            sisters: Vec::new(),
        }
        .with_sisters_from_env()
    }

    /// Adds the sister programmes named in `PROGRAMMES` (comma-separated codes).
    fn with_sisters_from_env(mut self) -> Result<Self, ConfigError> {
        let codes: Vec<String> = var("PROGRAMMES")
            .map(|v| {
                v.split(',')
                    .map(|c| c.trim().to_owned())
                    .filter(|c| !c.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let all =
            std::iter::once(self.programme.code.as_str()).chain(codes.iter().map(|c| c.as_str()));
        programme::check_distinct(all).map_err(|reason| ConfigError::Invalid {
            name: "PROGRAMMES",
            reason,
        })?;
        let mut sisters = Vec::with_capacity(codes.len());
        for code in &codes {
            let sister = self.sister(code)?;
            let taken = std::iter::once(&self).chain(&sisters);
            for other in taken {
                let shared = [
                    (
                        "DATABASE_URL",
                        "database",
                        other.database_url == sister.database_url,
                    ),
                    (
                        "PUBLIC_URL",
                        "front end",
                        other.mail.public_url == sister.mail.public_url,
                    ),
                    (
                        "API_PUBLIC_URL",
                        "API",
                        other.mail.api_public_url == sister.mail.api_public_url,
                    ),
                    (
                        "JWT_SECRET",
                        "secret",
                        other.jwt_secret.expose() == sister.jwt_secret.expose(),
                    ),
                ];
                if let Some((name, what, _)) = shared.into_iter().find(|(_, _, same)| *same) {
                    return Err(sister_error(
                        code,
                        name,
                        &format!("is another programme's {what}"),
                    ));
                }
            }
            sisters.push(sister);
        }
        self.sisters = sisters;
        Ok(self)
    }

    /// A sister programme `code`: the process-wide settings (address, SMTP server, proxies,
    /// policies) of `self`, and its own database, signing secret, identity, front end and
    /// mail sender from `PROGRAMME_<CODE>_…`:
    ///
    /// - required: `DATABASE_URL`, `NAME`, `TITLE`, `OFFICE`, `PUBLIC_URL`;
    /// - optional: `JWT_SECRET` (else generated beside its database), `MAIL_FROM`,
    ///   `MAIL_REPLY_TO`, `MAIL_DIR` (default `<MAIL_DIR>/<code>`), `API_PUBLIC_URL` (default
    ///   `<API_PUBLIC_URL>/programmes/<code>`), `FUNDING_AGENCY_NAME`, `MAX_FORUMS`.
    pub fn sister(&self, code: &str) -> Result<Settings, ConfigError> {
        programme::check_code(code).map_err(|reason| ConfigError::Invalid {
            name: "PROGRAMMES",
            reason,
        })?;
        let own = |name: &str| var(&format!("PROGRAMME_{}_{name}", code.to_uppercase()));
        let required =
            |name: &'static str| own(name).ok_or_else(|| sister_error(code, name, "must be set"));
        let database_url = required("DATABASE_URL")?;
        let jwt_secret = match own("JWT_SECRET") {
            Some(secret) => validate_secret(secret.into_bytes()).map_err(|e| renamed(code, e))?,
            // Its own file (`jwt-secret-<code>`): sister databases often sit in one folder.
            None => load_or_create_secret(
                &secret_file_for(&database_url).with_file_name(format!("jwt-secret-{code}")),
            )?,
        };
        let public_url = web_url(
            "PUBLIC_URL",
            Some(required("PUBLIC_URL")?),
            DEFAULT_PUBLIC_URL,
        )
        .map_err(|e| renamed(code, e))?;
        let default_api_url = format!(
            "{}/programmes/{code}",
            self.mail.api_public_url.trim_end_matches('/')
        );
        let api_public_url = web_url("API_PUBLIC_URL", own("API_PUBLIC_URL"), &default_api_url)
            .map_err(|e| renamed(code, e))?;
        let max_forums = match own("MAX_FORUMS") {
            None => self.max_forums,
            Some(raw) => raw
                .trim()
                .parse()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .ok_or_else(|| sister_error(code, "MAX_FORUMS", "must be between 1 and 1000"))?,
        };
        let mut sister = self.clone();
        sister.sisters = Vec::new();
        sister.programme = Programme {
            code: code.to_owned(),
            name: required("NAME")?,
            title: required("TITLE")?,
            office: required("OFFICE")?,
        };
        sister.database_url = database_url;
        sister.jwt_secret = jwt_secret;
        sister.max_forums = max_forums;
        if let Some(agency) = own("FUNDING_AGENCY_NAME") {
            sister.funding_agency_name = agency;
        }
        sister.mail.public_url = public_url;
        sister.mail.api_public_url = api_public_url;
        // Without its own sender, the default's address under the sister's name.
        sister.mail.from = own("MAIL_FROM").unwrap_or_else(|| {
            let address = self
                .mail
                .from
                .rsplit_once('<')
                .map_or(self.mail.from.as_str(), |(_, a)| a.trim_end_matches('>'));
            format!("{} <{}>", sister.programme.name, address.trim())
        });
        sister.mail.reply_to = own("MAIL_REPLY_TO").or_else(|| self.mail.reply_to.clone());
        sister.mail.folder =
            own("MAIL_DIR").map_or_else(|| self.mail.folder.join(code), PathBuf::from);
        Ok(sister)
    }

    /// This programme and its sisters: the settings of every programme the process serves.
    pub fn programmes(&self) -> impl Iterator<Item = &Settings> {
        std::iter::once(self).chain(&self.sisters)
    }

    /// The settings of the programme `code` (for the subcommands' `--programme`).
    pub fn of_programme(self, code: &str) -> Result<Settings, ConfigError> {
        if code == self.programme.code {
            return Ok(self);
        }
        self.sisters
            .into_iter()
            .find(|s| s.programme.code == code)
            .ok_or_else(|| ConfigError::Programme {
                variable: "--programme".to_owned(),
                reason: format!("`{code}`: no such programme is configured (`PROGRAMMES`)"),
            })
    }

    /// The catalogue limits handed to handlers.
    pub fn catalogue_limits(&self) -> CatalogueLimits {
        CatalogueLimits {
            max_forums: self.max_forums,
        }
    }
}

/// The delivery policy, defaults overridden by the `WEBHOOK_*` variables.
fn webhook_policy() -> Result<DeliveryPolicy, ConfigError> {
    let defaults = DeliveryPolicy::default();
    let seconds = |name: &'static str, default: std::time::Duration, max: u64| {
        let value: u64 = parse_var(name, default.as_secs())?;
        if !(1..=max).contains(&value) {
            return Err(ConfigError::Invalid {
                name,
                reason: format!("must be between 1 and {max} seconds"),
            });
        }
        Ok(std::time::Duration::from_secs(value))
    };
    let count = |name: &'static str, default: i32| {
        let value: i32 = parse_var(name, default)?;
        if !(1..=1000).contains(&value) {
            return Err(ConfigError::Invalid {
                name,
                reason: "must be between 1 and 1000".to_owned(),
            });
        }
        Ok(value)
    };
    Ok(DeliveryPolicy {
        timeout: seconds("WEBHOOK_TIMEOUT_SECONDS", defaults.timeout, 120)?,
        retry_base: seconds("WEBHOOK_RETRY_BASE_SECONDS", defaults.retry_base, 86_400)?,
        max_attempts: count("WEBHOOK_MAX_ATTEMPTS", defaults.max_attempts)?,
        disable_after_failures: count(
            "WEBHOOK_DISABLE_AFTER_FAILURES",
            defaults.disable_after_failures,
        )?,
        ..defaults
    })
}

/// The reminder sweeps from `REMINDER_INTERVAL_SECONDS`, `CREDIT_REMINDER_WEEKS` and
/// `MENTORING_SILENCE_WEEKS`.
fn reminder_settings() -> Result<ReminderSettings, ConfigError> {
    let interval: u64 = parse_var(
        "REMINDER_INTERVAL_SECONDS",
        DEFAULT_REMINDER_INTERVAL_SECONDS,
    )?;
    if !(60..=86_400).contains(&interval) {
        return Err(ConfigError::Invalid {
            name: "REMINDER_INTERVAL_SECONDS",
            reason: "must be between 60 and 86400 seconds".to_owned(),
        });
    }
    let credit_weeks: u32 = parse_var("CREDIT_REMINDER_WEEKS", DEFAULT_CREDIT_REMINDER_WEEKS)?;
    if !(1..=52).contains(&credit_weeks) {
        return Err(ConfigError::Invalid {
            name: "CREDIT_REMINDER_WEEKS",
            reason: "must be between 1 and 52".to_owned(),
        });
    }
    let silence_weeks: u32 = parse_var("MENTORING_SILENCE_WEEKS", DEFAULT_SILENCE_WEEKS)?;
    if !(1..=52).contains(&silence_weeks) {
        return Err(ConfigError::Invalid {
            name: "MENTORING_SILENCE_WEEKS",
            reason: "must be between 1 and 52".to_owned(),
        });
    }
    Ok(ReminderSettings {
        interval: std::time::Duration::from_secs(interval),
        credit_weeks,
        silence_weeks,
    })
}

/// E-mail delivery from the `SMTP_URL`, `MAIL_*` and `PUBLIC_URL` variables.
/// E-mail delivery from the `SMTP_URL`, `MAIL_*`, `PUBLIC_URL` and `API_PUBLIC_URL` variables.
fn mail_settings() -> Result<MailSettings, ConfigError> {
    let defaults = SendPolicy::default();
    let max_attempts: i32 = parse_var("MAIL_MAX_ATTEMPTS", defaults.max_attempts)?;
    if !(1..=100).contains(&max_attempts) {
        return Err(ConfigError::Invalid {
            name: "MAIL_MAX_ATTEMPTS",
            reason: "must be between 1 and 100".to_owned(),
        });
    }
    let retry_base: u64 = parse_var("MAIL_RETRY_BASE_SECONDS", defaults.retry_base.as_secs())?;
    if !(1..=86_400).contains(&retry_base) {
        return Err(ConfigError::Invalid {
            name: "MAIL_RETRY_BASE_SECONDS",
            reason: "must be between 1 and 86400 seconds".to_owned(),
        });
    }
    let public_url = web_url("PUBLIC_URL", var("PUBLIC_URL"), DEFAULT_PUBLIC_URL)?;
    let api_public_url = web_url("API_PUBLIC_URL", var("API_PUBLIC_URL"), &public_url)?;
    Ok(MailSettings {
        smtp_url: var("SMTP_URL"),
        from: var("MAIL_FROM").unwrap_or_else(|| DEFAULT_MAIL_FROM.to_owned()),
        reply_to: var("MAIL_REPLY_TO"),
        folder: var("MAIL_DIR").map_or_else(|| PathBuf::from(DEFAULT_MAIL_DIR), PathBuf::from),
        public_url,
        api_public_url,
        policy: SendPolicy {
            max_attempts,
            retry_base: std::time::Duration::from_secs(retry_base),
            ..defaults
        },
    })
}

/// The URL in `value` (else `default`), refused unless it is an http(s) URL.
fn web_url(
    name: &'static str,
    value: Option<String>,
    default: &str,
) -> Result<String, ConfigError> {
    let url = value.unwrap_or_else(|| default.to_owned());
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(ConfigError::Invalid {
            name,
            reason: "must start with https:// or http://".to_owned(),
        });
    }
    Ok(url)
}

/// Refuses secrets shorter than [`MIN_JWT_SECRET_BYTES`].
pub fn validate_secret(bytes: Vec<u8>) -> Result<Secret, ConfigError> {
    if bytes.len() < MIN_JWT_SECRET_BYTES {
        return Err(ConfigError::Invalid {
            name: "JWT_SECRET",
            reason: format!(
                "must be at least {MIN_JWT_SECRET_BYTES} bytes long (it has {})",
                bytes.len()
            ),
        });
    }
    Ok(Secret::new(bytes))
}

/// The minimum length of `METRICS_TOKEN`.
pub const MIN_METRICS_TOKEN_BYTES: usize = 32;

/// A metrics token is long and sendable as a bearer token as it is (visible ASCII, no spaces).
pub fn validate_metrics_token(token: String) -> Result<Secret, ConfigError> {
    let invalid = |reason: String| ConfigError::Invalid {
        name: "METRICS_TOKEN",
        reason,
    };
    if token.len() < MIN_METRICS_TOKEN_BYTES {
        return Err(invalid(format!(
            "must be at least {MIN_METRICS_TOKEN_BYTES} characters long"
        )));
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid(
            "may contain only visible ASCII characters (no spaces)".to_owned(),
        ));
    }
    Ok(Secret::new(token.into_bytes()))
}

/// The generated secret lives beside the SQLite file, or under `./data/` for PostgreSQL.
fn secret_file_for(database_url: &str) -> PathBuf {
    let dir = match Backend::from_url(database_url) {
        Backend::Sqlite => Path::new(sqlite_path(database_url))
            .parent()
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from(".")),
        Backend::Postgres => PathBuf::from("data"),
    };
    dir.join("jwt-secret")
}

fn load_or_create_secret(path: &Path) -> Result<Secret, ConfigError> {
    let io_error = |source| ConfigError::SecretFile {
        path: path.to_path_buf(),
        source,
    };
    if let Ok(existing) = std::fs::read_to_string(path) {
        return validate_secret(existing.trim().as_bytes().to_vec());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io_error)?;
    }
    let bytes: [u8; 48] = rand::random();
    let encoded: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    write_private_file(path, &encoded).map_err(io_error)?;
    Ok(Secret::new(encoded.into_bytes()))
}

#[cfg(unix)]
fn write_private_file(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(content.as_bytes())
}

#[cfg(not(unix))]
fn write_private_file(path: &Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_secret_is_refused_with_its_length() {
        let err = validate_secret(b"too short".to_vec()).unwrap_err();
        assert!(err.to_string().contains("at least 32 bytes"), "{err}");
    }

    #[test]
    fn metrics_tokens_must_be_long_and_free_of_spaces() {
        let long = "x".repeat(MIN_METRICS_TOKEN_BYTES);
        assert!(validate_metrics_token(long.clone()).is_ok());
        assert!(validate_metrics_token(long[1..].to_owned()).is_err());
        assert!(validate_metrics_token(format!("{long} y")).is_err());
        assert!(validate_metrics_token(format!("{long}ä")).is_err());
    }

    #[test]
    fn generated_secret_is_created_once_and_reused() {
        let dir = std::env::temp_dir().join(format!("secret-test-{}", std::process::id()));
        let path = dir.join("jwt-secret");
        let _ = std::fs::remove_dir_all(&dir);
        let first = load_or_create_secret(&path).unwrap();
        let second = load_or_create_secret(&path).unwrap();
        assert_eq!(first.expose(), second.expose());
        assert!(first.expose().len() >= MIN_JWT_SECRET_BYTES);
        assert_eq!(format!("{first:?}"), "Secret(<redacted>)");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn secret_file_sits_beside_the_sqlite_database() {
        assert_eq!(
            secret_file_for("data/x.sqlite3"),
            PathBuf::from("data/jwt-secret")
        );
        assert_eq!(
            secret_file_for("postgres://h/db"),
            PathBuf::from("data/jwt-secret")
        );
    }
}
