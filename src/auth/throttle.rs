//! Failed-login throttle: per login name and per client address, in memory.
//!
//! A key that collected `limit` failures inside the window is refused until the window, counted
//! from its first failure, has passed. Unknown and known logins are throttled alike, so the
//! answer never reveals whether an account exists.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed per login name inside the window.
pub const PER_LOGIN_LIMIT: u32 = 5;
/// Failures allowed per client address inside the window.
pub const PER_ADDRESS_LIMIT: u32 = 30;
/// The window.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
const MAX_TRACKED_KEYS: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Failures {
    first: Instant,
    count: u32,
}

/// The shared throttle (one per server).
#[derive(Debug, Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, Failures>>,
}

fn login_key(login: &str) -> String {
    format!("login:{login}")
}

fn address_key(address: &str) -> String {
    format!("addr:{address}")
}

impl LoginThrottle {
    /// Seconds to wait when either key is over its limit, else `None`.
    pub fn blocked_for(&self, login: &str, address: &str, now: Instant) -> Option<u64> {
        let failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        [
            (login_key(login), PER_LOGIN_LIMIT),
            (address_key(address), PER_ADDRESS_LIMIT),
        ]
        .iter()
        .filter_map(|(key, limit)| {
            let f = failures.get(key)?;
            let elapsed = now.saturating_duration_since(f.first);
            (f.count >= *limit && elapsed < WINDOW).then(|| (WINDOW - elapsed).as_secs().max(1))
        })
        .max()
    }

    /// Counts one failed attempt against both keys.
    pub fn record_failure(&self, login: &str, address: &str, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() >= MAX_TRACKED_KEYS {
            failures.retain(|_, f| now.saturating_duration_since(f.first) < WINDOW);
        }
        for key in [login_key(login), address_key(address)] {
            let entry = failures.entry(key).or_insert(Failures {
                first: now,
                count: 0,
            });
            if now.saturating_duration_since(entry.first) >= WINDOW {
                *entry = Failures {
                    first: now,
                    count: 0,
                };
            }
            entry.count += 1;
        }
    }

    /// Forgets the failures of a login after it succeeded.
    pub fn record_success(&self, login: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.remove(&login_key(login));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_is_blocked_after_its_limit_until_the_window_passes() {
        let throttle = LoginThrottle::default();
        let start = Instant::now();
        for _ in 0..PER_LOGIN_LIMIT {
            assert_eq!(throttle.blocked_for("a@b.de", "1.2.3.4", start), None);
            throttle.record_failure("a@b.de", "1.2.3.4", start);
        }
        let wait = throttle.blocked_for("a@b.de", "5.6.7.8", start).unwrap();
        assert_eq!(wait, WINDOW.as_secs());
        assert_eq!(throttle.blocked_for("other@b.de", "5.6.7.8", start), None);
        assert_eq!(
            throttle.blocked_for("a@b.de", "1.2.3.4", start + WINDOW),
            None
        );
    }

    #[test]
    fn address_is_blocked_across_logins() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        for i in 0..PER_ADDRESS_LIMIT {
            throttle.record_failure(&format!("user{i}@b.de"), "9.9.9.9", now);
        }
        assert!(throttle.blocked_for("fresh@b.de", "9.9.9.9", now).is_some());
        assert!(throttle.blocked_for("fresh@b.de", "8.8.8.8", now).is_none());
    }

    #[test]
    fn success_clears_the_login_counter() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..PER_LOGIN_LIMIT {
            throttle.record_failure("a@b.de", "1.1.1.1", now);
        }
        throttle.record_success("a@b.de");
        assert_eq!(throttle.blocked_for("a@b.de", "2.2.2.2", now), None);
    }
}
