//! Webhooks to the Klimaschutz-Community, the pure rules: Standard Webhooks signatures, which URLs
//! may be registered, how the answer of a delivery attempt is judged and when to try again.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use url::Url;

use crate::code_enum;

/// Prefix of endpoint secrets, as Standard Webhooks libraries expect it.
pub const SECRET_PREFIX: &str = "whsec_";

/// Longest accepted endpoint URL.
pub const MAX_URL_LENGTH: usize = 2000;

code_enum! {
    /// Where a delivery stands.
    pub enum DeliveryStatus {
        /// Not yet delivered; the worker tries (again) at `next_attempt_at`.
        Pending = "pending", "Ausstehend", "Pending";
        /// The endpoint answered 2xx.
        Succeeded = "succeeded", "Zugestellt", "Delivered";
        /// Every attempt failed, or the endpoint answered 410; staff may replay it.
        Failed = "failed", "Fehlgeschlagen", "Failed";
    }
}

code_enum! {
    /// Why an endpoint receives nothing.
    pub enum DisabledReason {
        /// Staff switched it off.
        Staff = "staff", "Von der Geschäftsstelle deaktiviert", "Disabled by staff";
        /// It answered 410 Gone.
        Gone = "gone", "Empfänger meldet 410 Gone", "The receiver answered 410 Gone";
        /// Too many attempts in a row failed.
        Failing = "failing", "Wiederholt fehlgeschlagen", "Failed repeatedly";
    }
}

/// A new endpoint secret: `whsec_` and the base64 of 32 random bytes.
pub fn new_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    format!("{SECRET_PREFIX}{}", BASE64.encode(bytes))
}

/// The `webhook-signature` header value: `v1,` and the base64 HMAC-SHA256, keyed with the
/// secret's decoded bytes, of `{msg_id}.{timestamp}.{body}` (Standard Webhooks).
pub fn sign(secret: &str, msg_id: &str, timestamp: i64, body: &str) -> Result<String, String> {
    let key = BASE64
        .decode(secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret))
        .map_err(|e| format!("the endpoint secret is not base64: {e}"))?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|e| e.to_string())?;
    mac.update(format!("{msg_id}.{timestamp}.{body}").as_bytes());
    Ok(format!("v1,{}", BASE64.encode(mac.finalize().into_bytes())))
}

/// Whether `target` is this service listening on `own`: same port and the same, a loopback or an
/// unspecified address (a service bound to `0.0.0.0` answers on loopback too).
pub fn is_own_address(target: SocketAddr, own: SocketAddr) -> bool {
    let ip = target.ip().to_canonical();
    target.port() == own.port()
        && (ip == own.ip().to_canonical() || ip.is_loopback() || ip.is_unspecified())
}

/// Checks an endpoint URL: absolute `http`/`https` with a host, no credentials or fragment, at
/// most [`MAX_URL_LENGTH`] characters, and not this service (`own`) when it names an IP address
/// or `localhost`. (Names are resolved and checked again before every delivery.)
pub fn check_url(raw: &str, own: SocketAddr) -> Result<Url, &'static str> {
    if raw.len() > MAX_URL_LENGTH {
        return Err("must be at most 2000 characters long");
    }
    let url = Url::parse(raw).map_err(|_| "must be an absolute http or https URL")?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("must be an http or https URL");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry credentials; the signature authenticates the service");
    }
    if url.fragment().is_some() {
        return Err("must not have a fragment");
    }
    let Some(host) = url.host() else {
        return Err("must name a host");
    };
    let port = url.port_or_known_default().unwrap_or(80);
    let ip = match host {
        url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        url::Host::Domain(name) if name.eq_ignore_ascii_case("localhost") => {
            Some(IpAddr::from([127, 0, 0, 1]))
        }
        url::Host::Domain(_) => None,
    };
    if ip.is_some_and(|ip| is_own_address(SocketAddr::new(ip, port), own)) {
        return Err("must not point to this service itself");
    }
    Ok(url)
}

/// How the worker delivers: timing of polls, attempts and retries.
#[derive(Debug, Clone, Copy)]
pub struct DeliveryPolicy {
    /// How often the worker looks for new events and due deliveries.
    pub poll_interval: Duration,
    /// Timeout of one attempt (connecting, sending and reading the answer).
    pub timeout: Duration,
    /// Wait after the first failed attempt; it doubles with every further one.
    pub retry_base: Duration,
    /// Longest wait between attempts, also for a receiver's `Retry-After`.
    pub retry_max: Duration,
    /// Attempts before a delivery counts as failed.
    pub max_attempts: i32,
    /// Failed attempts in a row (over all its deliveries) after which an endpoint is disabled.
    pub disable_after_failures: i32,
}

impl Default for DeliveryPolicy {
    /// One-second polls, 10 s timeouts, retries after 30 s doubling up to 6 h, 12 attempts
    /// (about 20 hours), an endpoint disabled after 30 failures in a row.
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(1),
            timeout: Duration::from_secs(10),
            retry_base: Duration::from_secs(30),
            retry_max: Duration::from_secs(6 * 3600),
            max_attempts: 12,
            disable_after_failures: 30,
        }
    }
}

impl DeliveryPolicy {
    /// The wait before the next attempt after `attempts` failed ones: the receiver's
    /// `Retry-After` when it sent one, else exponential backoff; never above `retry_max`.
    pub fn delay(&self, attempts: i32, retry_after: Option<Duration>) -> Duration {
        let backoff = || {
            let doublings = u32::try_from(attempts.saturating_sub(1))
                .unwrap_or(0)
                .min(30);
            self.retry_base.saturating_mul(1 << doublings)
        };
        retry_after.unwrap_or_else(backoff).min(self.retry_max)
    }

    /// How long a claimed delivery stays reserved for one attempt; after a crash it is due again.
    pub fn lease(&self) -> Duration {
        self.timeout * 2 + Duration::from_secs(5)
    }
}

/// What an attempt's answer means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// 2xx: delivered.
    Delivered { status: u16 },
    /// 410: the receiver is gone; disable the endpoint.
    Gone,
    /// Anything else, or no answer: try again later.
    Failed {
        status: Option<u16>,
        error: String,
        retry_after: Option<Duration>,
    },
}

impl Outcome {
    /// Judges an HTTP answer (`retry_after` as the receiver sent it, if it did).
    pub fn of_status(status: u16, retry_after: Option<Duration>) -> Self {
        match status {
            200..=299 => Outcome::Delivered { status },
            410 => Outcome::Gone,
            _ => Outcome::Failed {
                status: Some(status),
                error: format!("the endpoint answered {status}"),
                retry_after,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_the_standard_webhooks_test_vector() {
        let signature = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            r#"{"test": 2432232314}"#,
        )
        .unwrap();
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn new_secrets_are_prefixed_random_and_usable() {
        let (a, b) = (new_secret(), new_secret());
        assert!(a.starts_with(SECRET_PREFIX));
        assert_ne!(a, b);
        assert_eq!(BASE64.decode(&a[SECRET_PREFIX.len()..]).unwrap().len(), 32);
        assert!(sign(&a, "evt_1", 1, "{}").unwrap().starts_with("v1,"));
    }

    #[test]
    fn urls_must_be_plain_http_and_not_this_service() {
        let own: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        assert!(check_url("https://community.example/hooks", own).is_ok());
        assert!(check_url("http://127.0.0.1:9000/hook", own).is_ok());
        for bad in [
            "community.example/hooks",
            "ftp://community.example/hooks",
            "https://user:pw@community.example/hooks",
            "https://community.example/hooks#x",
            "http://127.0.0.1:8080/api/v1/events",
            "http://localhost:8080/",
            "http://[::1]:8080/",
            "http://0.0.0.0:8080/",
        ] {
            assert!(check_url(bad, own).is_err(), "{bad} was accepted");
        }
        let long = format!("https://community.example/{}", "a".repeat(MAX_URL_LENGTH));
        assert!(check_url(&long, own).is_err());
    }

    #[test]
    fn a_service_bound_to_all_addresses_is_its_own_loopback() {
        let own: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert!(is_own_address("127.0.0.1:8080".parse().unwrap(), own));
        assert!(is_own_address(
            "[::ffff:127.0.0.1]:8080".parse().unwrap(),
            own
        ));
        assert!(!is_own_address("127.0.0.1:8081".parse().unwrap(), own));
        assert!(!is_own_address(
            "192.0.2.1:8080".parse().unwrap(),
            "127.0.0.1:8080".parse().unwrap()
        ));
    }

    #[test]
    fn backoff_doubles_and_retry_after_wins_up_to_the_cap() {
        let policy = DeliveryPolicy::default();
        assert_eq!(policy.delay(1, None), Duration::from_secs(30));
        assert_eq!(policy.delay(2, None), Duration::from_secs(60));
        assert_eq!(policy.delay(5, None), Duration::from_secs(480));
        assert_eq!(policy.delay(40, None), policy.retry_max);
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(600))),
            Duration::from_secs(600)
        );
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(999_999))),
            policy.retry_max
        );
    }

    #[test]
    fn answers_are_judged_by_status() {
        assert_eq!(
            Outcome::of_status(204, None),
            Outcome::Delivered { status: 204 }
        );
        assert_eq!(Outcome::of_status(410, None), Outcome::Gone);
        assert!(matches!(
            Outcome::of_status(503, Some(Duration::from_secs(5))),
            Outcome::Failed {
                status: Some(503),
                retry_after: Some(_),
                ..
            }
        ));
        assert!(matches!(
            Outcome::of_status(301, None),
            Outcome::Failed { .. }
        ));
    }
}
