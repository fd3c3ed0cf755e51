//! Who the demo programme holds: for each participant the project kind, roles and, for the
//! KSM2 mentors, which obligation status their credit report is to show.

use crate::domain::participant::ProjectKind;

/// The status a KSM2 mentor's credit report shows by design (`obligations` gives each the
/// activities that lead there); everyone else is `Free` and takes part in the general
/// activities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// No planned status: mentees, mentors without an obligation.
    Free,
    /// The minimum is reached in the running project year (the last one too).
    Met,
    /// Nothing credited yet in a young project year (the last one was met); a session is
    /// scheduled.
    OnTrack,
    /// 20 h in a project year that ends within weeks.
    AtRisk,
    /// The project ended below the minimum in its last year.
    NotMet,
}

use ProjectKind::{
    EnergySavingModels as Esm, FirstProject as Ksm1, FollowUpProject as Ksm2, Masterplan as Master,
    PermanentPosition as Permanent, UnfundedOfficer as Unfunded,
};

/// (project kind, mentee, mentor, plan), in registration order. Index `i % 10 == 8` stays
/// pending and `i % 10 == 9` ends; the rest are active. KSM1 are mentees and KSM2 mentors as the
/// funding body expects, but for three deviations (23 and 32: KSM1 mentors; 13: a KSM2 mentee).
pub const ROSTER: [(ProjectKind, bool, bool, Plan); super::PARTICIPANTS] = [
    (Ksm2, false, true, Plan::Met),
    (Ksm2, false, true, Plan::OnTrack),
    (Ksm2, true, true, Plan::AtRisk),
    (Ksm2, false, true, Plan::NotMet),
    (Ksm1, true, false, Plan::Free),
    (Ksm1, true, false, Plan::Free),
    (Permanent, false, true, Plan::Free),
    (Master, true, true, Plan::Free),
    (Ksm1, true, false, Plan::Free),
    (Ksm2, false, true, Plan::Free),
    (Ksm2, true, true, Plan::Met),
    (Ksm2, true, true, Plan::OnTrack),
    (Ksm2, false, true, Plan::AtRisk),
    (Ksm2, true, false, Plan::Free),
    (Ksm1, true, false, Plan::Free),
    (Ksm1, true, false, Plan::Free),
    (Permanent, false, true, Plan::Free),
    (Esm, true, false, Plan::Free),
    (Ksm2, false, true, Plan::Free),
    (Ksm1, true, false, Plan::Free),
    (Ksm1, true, false, Plan::Free),
    (Ksm1, true, false, Plan::Free),
    (Ksm1, true, false, Plan::Free),
    (Ksm1, true, true, Plan::Free),
    (Permanent, true, true, Plan::Free),
    (Master, false, true, Plan::Free),
    (Unfunded, true, false, Plan::Free),
    (Unfunded, true, true, Plan::Free),
    (Ksm1, true, false, Plan::Free),
    (Master, false, true, Plan::Free),
    (Ksm1, true, false, Plan::Free),
    (Ksm1, true, false, Plan::Free),
    (Ksm1, false, true, Plan::Free),
    (Permanent, false, true, Plan::Free),
    (Esm, false, true, Plan::Free),
    (Unfunded, true, true, Plan::Free),
    (Permanent, false, true, Plan::Free),
    (Master, true, false, Plan::Free),
    (Permanent, false, true, Plan::Free),
    (Unfunded, true, false, Plan::Free),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::participant::{Roles, deviates_from_funding_expectation};

    #[test]
    fn only_a_few_deviate_and_only_ksm2_mentors_have_a_planned_status() {
        let deviations: Vec<usize> = ROSTER
            .iter()
            .enumerate()
            .filter(|(_, (kind, mentee, mentor, _))| {
                deviates_from_funding_expectation(
                    *kind,
                    Roles {
                        mentee: *mentee,
                        mentor: *mentor,
                    },
                )
            })
            .map(|(i, _)| i)
            .collect();
        assert_eq!(deviations, [13, 23, 32]);
        for (i, (kind, _, mentor, plan)) in ROSTER.iter().enumerate() {
            if *plan != Plan::Free {
                assert!(*kind == Ksm2 && *mentor && i % 10 < 8, "{i}");
            }
        }
    }
}
