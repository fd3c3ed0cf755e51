//! Tokens of every kind of participant who is not staff, for role-boundary tests.

use crate::support::app::TestApp;
use crate::support::participants::registration;

impl TestApp {
    /// Tokens of an active mentee, an active mentor, a pending and an ended participant.
    pub async fn participant_tokens(&self, staff: &str) -> Vec<String> {
        let (_, mentee) = self
            .active_participant(staff, "mentee@example.org", "first_project", &["mentee"])
            .await;
        let (_, mentor) = self
            .active_participant(
                staff,
                "mentor@example.org",
                "follow_up_project",
                &["mentor"],
            )
            .await;
        let (_, _, pending) = self
            .register(&registration("p@example.org", "first_project", &["mentee"]))
            .await;
        let ended = self.ended_participant(staff, "ended@example.org").await;
        vec![mentee, mentor, pending, ended]
    }
}
