//! A short memory of which accounts are enabled, so that an authenticated request does not read
//! `accounts` (a second trip to the database) every time.
//!
//! Only enabled accounts are remembered, for [`TTL`]. A change that disables an account calls
//! [`AccountCache::forget`] once its transaction has committed: from then on this instance asks
//! the database again. Other instances sharing the database notice within [`TTL`].
//!
//! A lookup that started before a `forget` must not put the old answer back: every miss hands out
//! the current epoch, `forget` moves the epoch on, and [`AccountCache::remember`] only stores an
//! answer whose epoch is still current.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::auth::Role;

/// How long an enabled account is believed enabled without asking the database.
pub const TTL: Duration = Duration::from_secs(1);

/// Entries kept at most; beyond it the expired ones are dropped (all of them when none is).
const MAX_ENTRIES: usize = 10_000;

/// What the cache knows of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// Enabled with this role, checked less than [`TTL`] ago.
    Enabled(Role),
    /// Unknown: ask the database, then [`AccountCache::remember`] the answer with this epoch.
    Unknown(Epoch),
}

/// The cache's state when a lookup missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Epoch(u64);

/// Shared by all workers as `web::Data<AccountCache>`.
#[derive(Debug, Default)]
pub struct AccountCache {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    epoch: u64,
    entries: HashMap<i64, (Role, Instant)>,
}

impl AccountCache {
    fn state(&self) -> MutexGuard<'_, State> {
        // The state stays consistent even if a holder panicked (every change is one statement).
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// What is known of `account_id` now.
    pub fn lookup(&self, account_id: i64) -> Lookup {
        let state = self.state();
        match state.entries.get(&account_id) {
            Some(&(role, checked)) if checked.elapsed() < TTL => Lookup::Enabled(role),
            _ => Lookup::Unknown(Epoch(state.epoch)),
        }
    }

    /// Stores that `account_id` is enabled with `role`, unless something was forgotten since
    /// the lookup that returned `epoch`.
    pub fn remember(&self, epoch: Epoch, account_id: i64, role: Role) {
        let mut state = self.state();
        if state.epoch != epoch.0 {
            return;
        }
        if state.entries.len() >= MAX_ENTRIES {
            state
                .entries
                .retain(|_, (_, checked)| checked.elapsed() < TTL);
            if state.entries.len() >= MAX_ENTRIES {
                state.entries.clear();
            }
        }
        state.entries.insert(account_id, (role, Instant::now()));
    }

    /// Drops what is known of `account_id`; call it after a change to the account committed.
    pub fn forget(&self, account_id: i64) {
        let mut state = self.state();
        state.epoch += 1;
        state.entries.remove(&account_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn epoch_of(lookup: Lookup) -> Epoch {
        match lookup {
            Lookup::Unknown(epoch) => epoch,
            Lookup::Enabled(role) => panic!("expected a miss, got {role:?}"),
        }
    }

    #[test]
    fn remembers_an_enabled_account_until_forgotten() {
        let cache = AccountCache::default();
        let epoch = epoch_of(cache.lookup(7));
        cache.remember(epoch, 7, Role::Staff);
        assert_eq!(cache.lookup(7), Lookup::Enabled(Role::Staff));
        assert!(matches!(cache.lookup(8), Lookup::Unknown(_)));
        cache.forget(7);
        assert!(matches!(cache.lookup(7), Lookup::Unknown(_)));
    }

    #[test]
    fn an_answer_read_before_a_forget_is_not_stored() {
        let cache = AccountCache::default();
        let epoch = epoch_of(cache.lookup(7));
        cache.forget(7); // the account was disabled while the database was being asked
        cache.remember(epoch, 7, Role::Participant);
        assert!(matches!(cache.lookup(7), Lookup::Unknown(_)));
        let fresh = epoch_of(cache.lookup(7));
        cache.remember(fresh, 7, Role::Participant);
        assert_eq!(cache.lookup(7), Lookup::Enabled(Role::Participant));
    }

    #[test]
    fn asks_again_after_the_ttl() {
        let cache = AccountCache::default();
        let epoch = epoch_of(cache.lookup(7));
        cache.remember(epoch, 7, Role::Staff);
        std::thread::sleep(TTL + Duration::from_millis(50));
        assert!(matches!(cache.lookup(7), Lookup::Unknown(_)));
    }

    #[test]
    fn stays_bounded() {
        let cache = AccountCache::default();
        for id in 0..(MAX_ENTRIES as i64 + 5) {
            let epoch = epoch_of(cache.lookup(id));
            cache.remember(epoch, id, Role::Participant);
        }
        assert!(cache.state().entries.len() <= MAX_ENTRIES);
        let last = MAX_ENTRIES as i64 + 4;
        assert_eq!(cache.lookup(last), Lookup::Enabled(Role::Participant));
    }
}
