//! In-memory throttles: failed logins and registrations.
//!
//! Logins slow attackers down without locking the owner out. Failures are counted per login and
//! client address together (the pair), per login across addresses and per address across
//! logins; over a count's free attempts each further attempt waits an exponentially growing
//! delay (1 s, 2 s, 4 s, … up to a cap) after the latest failure, and the counts are forgotten
//! after a quiet [`WINDOW`]. A login that succeeded from an address before (a known pair) is only
//! slowed by its own pair count, so neither someone guessing the owner's password from elsewhere
//! nor a colleague behind the same NAT address can lock the owner out. Unknown and known logins
//! are throttled alike, so the answer never reveals whether an account exists.
//!
//! Registrations are counted per client address in fixed hourly windows.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures of one login from one address before attempts are delayed.
pub const PAIR_FREE_FAILURES: u32 = 5;
/// Failures of one login from all addresses before attempts from unknown addresses are delayed.
pub const LOGIN_FREE_FAILURES: u32 = 50;
/// Failures from one address over all logins before its unknown pairs are delayed.
pub const ADDRESS_FREE_FAILURES: u32 = 100;
/// The longest delay between two attempts.
pub const MAX_DELAY: Duration = Duration::from_secs(15 * 60);
/// Counts are forgotten after this long without a failure.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// How long a successful login keeps its address known.
pub const KNOWN_PAIR_FOR: Duration = Duration::from_secs(30 * 24 * 3600);
const MAX_TRACKED_KEYS: usize = 100_000;

/// What a throttle answers with when it refuses: the seconds to wait and the policy it applied,
/// for `Retry-After` and the `RateLimit`/`RateLimit-Policy` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    /// Seconds until an attempt can succeed (at least 1).
    pub retry_after_secs: u64,
    /// The policy's name in the `RateLimit` headers.
    pub policy: &'static str,
    /// Attempts the policy allows per window.
    pub quota: u32,
    /// The policy's window in seconds.
    pub window_secs: u64,
}

impl From<Refusal> for crate::error::AppError {
    fn from(refusal: Refusal) -> Self {
        crate::error::AppError::TooManyRequests {
            retry_after_secs: refusal.retry_after_secs,
            policy: (refusal.policy, refusal.quota, refusal.window_secs),
        }
    }
}

/// The delay before the next attempt after `failures` failures of which `free` cost nothing.
pub fn delay_after(failures: u32, free: u32) -> Duration {
    match failures.checked_sub(free) {
        None => Duration::ZERO,
        Some(over) => Duration::from_secs(1u64 << over.min(20)).min(MAX_DELAY),
    }
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    last: Instant,
    count: u32,
}

#[derive(Debug, Default)]
struct LoginState {
    failures: HashMap<String, Failures>,
    known_pairs: HashMap<String, Instant>,
}

/// The shared failed-login throttle (one per server).
#[derive(Debug, Default)]
pub struct LoginThrottle {
    state: Mutex<LoginState>,
}

fn pair_key(login: &str, address: &str) -> String {
    format!("pair:{address}\u{0}{login}")
}

fn login_key(login: &str) -> String {
    format!("login:{login}")
}

fn address_key(address: &str) -> String {
    format!("addr:{address}")
}

/// Time still to wait under one count, if any.
fn wait(failures: Option<&Failures>, free: u32, now: Instant) -> Option<Duration> {
    let f = failures?;
    let since = now.saturating_duration_since(f.last);
    if since >= WINDOW {
        return None;
    }
    delay_after(f.count, free)
        .checked_sub(since)
        .filter(|d| !d.is_zero())
}

impl LoginThrottle {
    /// Why an attempt of `login` from `address` must wait now, or `None`.
    pub fn blocked_for(&self, login: &str, address: &str, now: Instant) -> Option<Refusal> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let known = state
            .known_pairs
            .get(&pair_key(login, address))
            .is_some_and(|at| now.saturating_duration_since(*at) < KNOWN_PAIR_FOR);
        let mut checks = vec![(pair_key(login, address), PAIR_FREE_FAILURES)];
        if !known {
            checks.push((login_key(login), LOGIN_FREE_FAILURES));
            checks.push((address_key(address), ADDRESS_FREE_FAILURES));
        }
        checks
            .into_iter()
            .filter_map(|(key, free)| wait(state.failures.get(&key), free, now).map(|d| (d, free)))
            .max_by_key(|(d, _)| *d)
            .map(|(d, free)| Refusal {
                retry_after_secs: d.as_secs_f64().ceil().max(1.0) as u64,
                policy: "login",
                quota: free,
                window_secs: WINDOW.as_secs(),
            })
    }

    /// Counts one failed attempt against the pair, the login and the address.
    pub fn record_failure(&self, login: &str, address: &str, now: Instant) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.failures.len() >= MAX_TRACKED_KEYS {
            state
                .failures
                .retain(|_, f| now.saturating_duration_since(f.last) < WINDOW);
        }
        for key in [
            pair_key(login, address),
            login_key(login),
            address_key(address),
        ] {
            let entry = state.failures.entry(key).or_insert(Failures {
                last: now,
                count: 0,
            });
            if now.saturating_duration_since(entry.last) >= WINDOW {
                entry.count = 0;
            }
            entry.count = entry.count.saturating_add(1);
            entry.last = now;
        }
    }

    /// Lifts every slowdown of `login` (its own count and those of its pairs) after the owner
    /// proved control of the mailbox with a reset link from `address`, and remembers that address
    /// as the owner's. Other addresses' counts stay: they belong to whoever tried from there.
    pub fn unlock(&self, login: &str, address: &str, now: Instant) {
        {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            let pair_suffix = format!("\u{0}{login}");
            state
                .failures
                .retain(|key, _| key != &login_key(login) && !key.ends_with(&pair_suffix));
        }
        self.record_success(login, address, now);
    }

    /// Forgets the pair's failures after a success and remembers the address as known.
    pub fn record_success(&self, login: &str, address: &str, now: Instant) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let key = pair_key(login, address);
        state.failures.remove(&key);
        if state.known_pairs.len() >= MAX_TRACKED_KEYS {
            state
                .known_pairs
                .retain(|_, at| now.saturating_duration_since(*at) < KNOWN_PAIR_FOR);
        }
        state.known_pairs.insert(key, now);
    }
}

/// Length of a registration window.
pub const REGISTRATION_WINDOW: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    count: u32,
}

/// Attempts per client address and hour under one named policy; a limit of 0 counts nothing.
#[derive(Debug)]
pub struct HourlyThrottle {
    policy: &'static str,
    limit: u32,
    windows: Mutex<HashMap<String, Window>>,
}

impl HourlyThrottle {
    /// A throttle allowing `limit` attempts per address and hour (0: unlimited), named `policy`
    /// in the `RateLimit` headers.
    pub fn new(policy: &'static str, limit: u32) -> Self {
        Self {
            policy,
            limit,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one attempt from `address`; refuses it when the hour's limit is used.
    pub fn attempt(&self, address: &str, now: Instant) -> Result<(), Refusal> {
        if self.limit == 0 {
            return Ok(());
        }
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() >= MAX_TRACKED_KEYS {
            windows.retain(|_, w| now.saturating_duration_since(w.started) < REGISTRATION_WINDOW);
        }
        let window = windows.entry(address.to_owned()).or_insert(Window {
            started: now,
            count: 0,
        });
        let elapsed = now.saturating_duration_since(window.started);
        if elapsed >= REGISTRATION_WINDOW {
            *window = Window {
                started: now,
                count: 0,
            };
        }
        if window.count >= self.limit {
            let left = REGISTRATION_WINDOW.saturating_sub(elapsed);
            return Err(Refusal {
                retry_after_secs: left.as_secs().max(1),
                policy: self.policy,
                quota: self.limit,
                window_secs: REGISTRATION_WINDOW.as_secs(),
            });
        }
        window.count += 1;
        Ok(())
    }
}

/// Registrations per client address and hour (one per server).
#[derive(Debug)]
pub struct RegistrationThrottle(HourlyThrottle);

impl RegistrationThrottle {
    /// A throttle allowing `limit` registrations per address and hour (0: unlimited).
    pub fn new(limit: u32) -> Self {
        Self(HourlyThrottle::new("registration", limit))
    }
}

impl std::ops::Deref for RegistrationThrottle {
    type Target = HourlyThrottle;
    fn deref(&self) -> &HourlyThrottle {
        &self.0
    }
}

/// Password-reset requests per client address and hour (one per server).
#[derive(Debug)]
pub struct PasswordResetThrottle(HourlyThrottle);

impl PasswordResetThrottle {
    /// A throttle allowing `limit` reset requests per address and hour (0: unlimited).
    pub fn new(limit: u32) -> Self {
        Self(HourlyThrottle::new("password_reset", limit))
    }
}

impl std::ops::Deref for PasswordResetThrottle {
    type Target = HourlyThrottle;
    fn deref(&self) -> &HourlyThrottle {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWNER: &str = "a@b.de";

    fn fail(throttle: &LoginThrottle, login: &str, address: &str, times: u32, at: Instant) {
        for _ in 0..times {
            throttle.record_failure(login, address, at);
        }
    }

    #[test]
    fn an_unlock_lifts_the_login_s_slowdown_but_not_another_login_s() {
        let throttle = LoginThrottle::default();
        let at = Instant::now();
        fail(&throttle, OWNER, "192.0.2.7", 60, at);
        fail(&throttle, "other@b.de", "192.0.2.7", 6, at);
        assert!(throttle.blocked_for(OWNER, "198.51.100.1", at).is_some());
        throttle.unlock(OWNER, "203.0.113.5", at);
        assert!(throttle.blocked_for(OWNER, "198.51.100.1", at).is_none());
        assert!(throttle.blocked_for(OWNER, "203.0.113.5", at).is_none());
        // Whoever else failed from that address stays slowed.
        assert!(
            throttle
                .blocked_for("other@b.de", "192.0.2.7", at)
                .is_some()
        );
    }

    #[test]
    fn the_delay_doubles_after_the_free_attempts_up_to_the_cap() {
        assert_eq!(delay_after(4, 5), Duration::ZERO);
        assert_eq!(delay_after(5, 5), Duration::from_secs(1));
        assert_eq!(delay_after(6, 5), Duration::from_secs(2));
        assert_eq!(delay_after(9, 5), Duration::from_secs(16));
        assert_eq!(delay_after(40, 5), MAX_DELAY);
        assert_eq!(delay_after(u32::MAX, 0), MAX_DELAY);
    }

    #[test]
    fn a_pair_is_slowed_after_its_free_failures_and_free_again_after_the_delay() {
        let throttle = LoginThrottle::default();
        let start = Instant::now();
        fail(&throttle, OWNER, "1.2.3.4", PAIR_FREE_FAILURES - 1, start);
        assert_eq!(throttle.blocked_for(OWNER, "1.2.3.4", start), None);
        fail(&throttle, OWNER, "1.2.3.4", 3, start);
        let refusal = throttle.blocked_for(OWNER, "1.2.3.4", start).unwrap();
        assert_eq!(refusal.retry_after_secs, 4);
        assert_eq!(refusal.policy, "login");
        let later = start + Duration::from_secs(4);
        assert_eq!(throttle.blocked_for(OWNER, "1.2.3.4", later), None);
    }

    #[test]
    fn guessing_from_other_addresses_never_blocks_the_owner_at_home() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        throttle.record_success(OWNER, "10.0.0.1", now);
        for i in 0..200 {
            fail(&throttle, OWNER, &format!("203.0.113.{i}"), 1, now);
        }
        assert_eq!(throttle.blocked_for(OWNER, "10.0.0.1", now), None);
        assert!(throttle.blocked_for(OWNER, "198.51.100.7", now).is_some());
    }

    #[test]
    fn a_noisy_neighbour_behind_the_same_address_does_not_block_a_known_pair() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        throttle.record_success(OWNER, "9.9.9.9", now);
        for i in 0..ADDRESS_FREE_FAILURES + 5 {
            fail(&throttle, &format!("user{i}@b.de"), "9.9.9.9", 1, now);
        }
        assert_eq!(throttle.blocked_for(OWNER, "9.9.9.9", now), None);
        assert!(throttle.blocked_for("fresh@b.de", "9.9.9.9", now).is_some());
        assert!(throttle.blocked_for("fresh@b.de", "8.8.8.8", now).is_none());
    }

    #[test]
    fn success_clears_the_pair_and_quiet_time_clears_everything() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        fail(&throttle, OWNER, "1.1.1.1", PAIR_FREE_FAILURES + 3, now);
        throttle.record_success(OWNER, "1.1.1.1", now);
        assert_eq!(throttle.blocked_for(OWNER, "1.1.1.1", now), None);
        fail(&throttle, "x@b.de", "2.2.2.2", PAIR_FREE_FAILURES + 12, now);
        assert!(throttle.blocked_for("x@b.de", "2.2.2.2", now).is_some());
        assert_eq!(
            throttle.blocked_for("x@b.de", "2.2.2.2", now + WINDOW),
            None
        );
    }

    #[test]
    fn registrations_are_limited_per_address_and_hour() {
        let throttle = RegistrationThrottle::new(2);
        let now = Instant::now();
        assert!(throttle.attempt("1.1.1.1", now).is_ok());
        assert!(throttle.attempt("1.1.1.1", now).is_ok());
        let refusal = throttle.attempt("1.1.1.1", now).unwrap_err();
        assert_eq!(refusal.retry_after_secs, 3600);
        assert_eq!((refusal.policy, refusal.quota), ("registration", 2));
        assert!(throttle.attempt("2.2.2.2", now).is_ok());
        assert!(
            throttle
                .attempt("1.1.1.1", now + REGISTRATION_WINDOW)
                .is_ok()
        );
        assert!(RegistrationThrottle::new(0).attempt("1.1.1.1", now).is_ok());
    }
}
