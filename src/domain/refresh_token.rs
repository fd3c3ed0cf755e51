//! Refresh tokens: who may hold one, and what presenting a stored one means.
//!
//! A person's password login starts a *family*: one refresh token, replaced by a new one at
//! every refresh (rotation). Presenting a token that was already replaced means two parties hold
//! the family (the legitimate client and a thief, in some order), so the whole family is revoked.
//! Integration clients get no refresh token: they log in again with their secret.

use chrono::NaiveDateTime;

use crate::domain::account::Role;
use crate::domain::participant::ParticipantStatus;

/// What is stored of a refresh token, as far as judging it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredToken {
    /// When it stops working.
    pub expires_at: NaiveDateTime,
    /// When it was exchanged for its successor, if it was.
    pub used_at: Option<NaiveDateTime>,
    /// When it (or its family) was revoked, if it was.
    pub revoked_at: Option<NaiveDateTime>,
}

/// What presenting a stored refresh token at `now` means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// It may be exchanged for a new one.
    Usable,
    /// It was exchanged already: someone replays it. Revoke the family.
    Reused,
    /// Revoked or expired: refuse, change nothing.
    Dead,
}

/// Judges a presented token. A revoked token is dead even if it was used before (its family is
/// revoked already); a used one is a replay even after it expired, as long as it is still
/// stored, since the replay shows that the family leaked.
pub fn judge(token: StoredToken, now: NaiveDateTime) -> Verdict {
    if token.revoked_at.is_some() {
        Verdict::Dead
    } else if token.used_at.is_some() {
        Verdict::Reused
    } else if token.expires_at <= now {
        Verdict::Dead
    } else {
        Verdict::Usable
    }
}

/// Whether an account may hold (get or refresh) a refresh token: an enabled person's account,
/// and for a participant a record that is neither ended nor erased (`participant` is its status
/// and whether it was erased; `None` when the account has no participant record).
pub fn may_hold(
    role: Role,
    disabled: bool,
    participant: Option<(ParticipantStatus, bool)>,
) -> bool {
    if disabled {
        return false;
    }
    match role {
        Role::Staff => true,
        Role::Participant => matches!(
            participant,
            Some((
                ParticipantStatus::Pending | ParticipantStatus::Active,
                false
            ))
        ),
        Role::Integration => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, NaiveDate};

    fn at(hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 3)
            .unwrap()
            .and_hms_opt(hour, 0, 0)
            .unwrap()
    }

    fn token(used: Option<u32>, revoked: Option<u32>) -> StoredToken {
        StoredToken {
            expires_at: at(12),
            used_at: used.map(at),
            revoked_at: revoked.map(at),
        }
    }

    #[test]
    fn a_fresh_token_is_usable_until_it_expires() {
        assert_eq!(judge(token(None, None), at(11)), Verdict::Usable);
        assert_eq!(judge(token(None, None), at(12)), Verdict::Dead);
        assert_eq!(
            judge(token(None, None), at(12) + Duration::seconds(1)),
            Verdict::Dead
        );
    }

    #[test]
    fn a_used_token_presented_again_is_a_replay_even_after_expiry() {
        assert_eq!(judge(token(Some(9), None), at(10)), Verdict::Reused);
        assert_eq!(judge(token(Some(9), None), at(13)), Verdict::Reused);
    }

    #[test]
    fn a_revoked_token_is_dead_whether_or_not_it_was_used() {
        assert_eq!(judge(token(None, Some(9)), at(10)), Verdict::Dead);
        assert_eq!(judge(token(Some(8), Some(9)), at(10)), Verdict::Dead);
    }

    #[test]
    fn staff_and_pending_or_active_participants_may_hold_refresh_tokens() {
        assert!(may_hold(Role::Staff, false, None));
        assert!(may_hold(
            Role::Participant,
            false,
            Some((ParticipantStatus::Pending, false))
        ));
        assert!(may_hold(
            Role::Participant,
            false,
            Some((ParticipantStatus::Active, false))
        ));
    }

    #[test]
    fn disabled_ended_erased_integration_and_recordless_accounts_may_not() {
        assert!(!may_hold(Role::Staff, true, None));
        assert!(!may_hold(
            Role::Participant,
            true,
            Some((ParticipantStatus::Active, false))
        ));
        assert!(!may_hold(
            Role::Participant,
            false,
            Some((ParticipantStatus::Ended, false))
        ));
        assert!(!may_hold(
            Role::Participant,
            false,
            Some((ParticipantStatus::Active, true))
        ));
        assert!(!may_hold(Role::Participant, false, None));
        assert!(!may_hold(Role::Integration, false, None));
    }
}
