//! Team-mentoring sessions (§ 3.1): their states, who may move them, the capacity rule and what
//! a proposal must satisfy.

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::code_enum;
use crate::domain::catalogue::{FormatGroup, require_accepted_topics};
use crate::domain::{FieldBreak, Violation};

code_enum! {
    /// Where a session stands.
    pub enum SessionState {
        /// Proposed by a mentor; waiting for staff.
        Proposed = "proposed", "Vorgeschlagen", "Proposed";
        /// Approved by staff; in the calendar.
        Approved = "approved", "Freigegeben", "Approved";
        /// Took place; people reached recorded.
        Held = "held", "Durchgeführt", "Held";
        /// Short documentation filed.
        Documented = "documented", "Dokumentiert", "Documented";
        /// Declined by staff.
        Declined = "declined", "Abgelehnt", "Declined";
        /// Cancelled by a mentor or staff.
        Cancelled = "cancelled", "Abgesagt", "Cancelled";
    }
}

/// The explicit transitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Staff approve a proposal.
    Approve,
    /// Staff decline a proposal.
    Decline,
    /// A mentor or staff cancel before it is held.
    Cancel,
    /// A mentor or staff record that it took place (after its end).
    Hold,
    /// A mentor or staff file the documentation.
    Document,
}

impl Transition {
    /// The state the transition leads to from `from`, or `None` when not allowed from there.
    pub fn target(self, from: SessionState) -> Option<SessionState> {
        use SessionState as S;
        match (self, from) {
            (Transition::Approve, S::Proposed) => Some(S::Approved),
            (Transition::Decline, S::Proposed) => Some(S::Declined),
            (Transition::Cancel, S::Proposed | S::Approved) => Some(S::Cancelled),
            (Transition::Hold, S::Approved) => Some(S::Held),
            (Transition::Document, S::Held) => Some(S::Documented),
            _ => None,
        }
    }
}

/// States that count against a format's yearly limit and are shown in the calendar.
pub const SCHEDULED: [SessionState; 3] = [
    SessionState::Approved,
    SessionState::Held,
    SessionState::Documented,
];

/// Whether one more approved session fits the yearly limit (`None`: no limit).
pub fn fits_yearly_limit(scheduled_this_year: i64, yearly_limit: Option<i32>) -> bool {
    yearly_limit.is_none_or(|limit| scheduled_this_year < i64::from(limit))
}

/// Whether `mentors` fit the per-session limit (`None`: variable, no limit).
pub fn fits_mentor_limit(mentors: usize, mentors_per_instance: Option<i32>) -> bool {
    mentors_per_instance.is_none_or(|limit| mentors <= usize::try_from(limit).unwrap_or(0))
}

/// Whether staff may approve a proposal: the format must be bookable on the start date
/// (`bookable`), and one more session must fit the yearly limit unless staff explicitly
/// override it. Returns whether the approval exceeds the limit (the override was used).
pub fn check_approval(
    bookable: bool,
    yearly_limit: Option<i32>,
    scheduled_this_year: i64,
    wants_override: bool,
    format_code: &str,
    calendar_year: i32,
) -> Result<bool, Violation> {
    if !bookable {
        return Err(Violation::conflict(
            "the format is not bookable on the start date",
        ));
    }
    let fits = fits_yearly_limit(scheduled_this_year, yearly_limit);
    if !fits && !wants_override {
        return Err(Violation::conflict(format!(
            "the yearly limit of {} `{format_code}` sessions in {calendar_year} is reached; \
             approve with `capacity_override: true` to exceed it",
            yearly_limit.unwrap_or_default(),
        )));
    }
    Ok(!fits)
}

/// A session can be recorded as held only once its end has passed.
pub fn check_holding(ends_at: NaiveDateTime, now: NaiveDateTime) -> Result<(), Violation> {
    if ends_at > now {
        Err(Violation::conflict("the session has not ended yet"))
    } else {
        Ok(())
    }
}

/// Mentees sign up, withdraw and send questions only while the session is approved and not
/// yet held.
pub fn check_open_for_mentees(state: SessionState) -> Result<(), Violation> {
    if state == SessionState::Approved {
        Ok(())
    } else {
        Err(Violation::conflict(format!(
            "the session is `{}`; sign-ups and questions need an approved session",
            state.as_str()
        )))
    }
}

/// Who edits a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Editor {
    /// Staff: while the session is proposed or approved.
    Staff,
    /// One of the session's mentors: only while it is proposed (once approved it is in the
    /// calendar and mentees rely on it, so staff make the change).
    Mentor,
}

/// Whether `editor` may change a session's details (title, times, place, topics, mentors) in
/// `state`: staff while proposed or approved, its mentors while proposed; else a conflict.
pub fn check_editable(state: SessionState, editor: Editor) -> Result<(), Violation> {
    match (state, editor) {
        (SessionState::Proposed, _) | (SessionState::Approved, Editor::Staff) => Ok(()),
        (SessionState::Approved, Editor::Mentor) => Err(Violation::conflict(
            "the session is `approved`; only staff change an approved session",
        )),
        (other, _) => Err(Violation::conflict(format!(
            "the session is `{}`; only proposed or approved sessions can be edited",
            other.as_str()
        ))),
    }
}

/// An approved session moved into another calendar year must fit that year's limit of the
/// format (it counts there from now on); within its year nothing changes.
pub fn check_reschedule_capacity(
    old_year: i32,
    new_year: i32,
    scheduled_in_new_year: i64,
    yearly_limit: Option<i32>,
    format_code: &str,
) -> Result<(), Violation> {
    if old_year == new_year || fits_yearly_limit(scheduled_in_new_year, yearly_limit) {
        Ok(())
    } else {
        Err(Violation::conflict(format!(
            "the yearly limit of {} `{format_code}` sessions in {new_year} is reached; the \
             session cannot move into that year",
            yearly_limit.unwrap_or_default(),
        )))
    }
}

/// The documentation's case examples (their `question_ids`, in order) must each be based on a
/// different case example sent to this session (`case_example_ids`); one broken field per
/// offending entry.
pub fn check_case_examples(
    question_ids: &[i64],
    case_example_ids: &[i64],
) -> Result<(), Violation> {
    Violation::unless_each_known_once(
        question_ids,
        case_example_ids,
        |index| format!("/case_examples/{index}/question_id"),
        "not a case example sent to this session",
        "this case example is listed twice",
    )
}

/// The format whose sessions belong to an SK:KK expert event.
pub const EXPERT_EVENT: &str = "expert_event_session";

/// A session proposal with the facts the handler loaded for it.
#[derive(Debug, Clone, Copy)]
pub struct Proposal<'a> {
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Whether it takes place online.
    pub online: bool,
    /// Whether a place is given.
    pub has_place: bool,
    /// Whether the SK:KK expert event is named.
    pub has_event_name: bool,
    /// The proposed format; `None` when the catalogue does not know the code.
    pub format: Option<ProposedFormat<'a>>,
    /// The topic ids as requested.
    pub topic_ids: &'a [i64],
    /// Which of them are not accepted topics.
    pub not_accepted_topic_ids: &'a [i64],
    /// The proposing mentor's participant id; `None` when staff propose for the named mentors.
    pub proposer_id: Option<i64>,
    /// The co-mentors as requested (staff: all the mentors).
    pub co_mentors: &'a [CoMentor],
    /// Where the request names them: `/co_mentor_ids` (a mentor proposes) or `/mentor_ids`
    /// (staff propose on their behalf).
    pub mentors_pointer: &'static str,
}

/// The catalogue facts of the proposed format.
#[derive(Debug, Clone, Copy)]
pub struct ProposedFormat<'a> {
    /// Format code.
    pub code: &'a str,
    /// The format's group.
    pub group: FormatGroup,
    /// The format's rule on the start date; `None` when there is none.
    pub rule: Option<SessionRule>,
}

/// What a format's rule says about booking sessions.
#[derive(Debug, Clone, Copy)]
pub struct SessionRule {
    /// Whether the format can be booked.
    pub bookable: bool,
    /// Mentors per session; `None` when variable.
    pub mentors_per_instance: Option<i32>,
}

/// A requested co-mentor.
#[derive(Debug, Clone, Copy)]
pub struct CoMentor {
    /// Participant id.
    pub id: i64,
    /// Whether that participant exists and is an active mentor.
    pub is_active_mentor: bool,
}

/// Checks a proposal against its times, place, format, topics and mentors, in that order; the
/// first rule broken is reported (all offending co-mentors at once). Returns the session's
/// mentors: the proposer and the co-mentors, each once, ascending.
pub fn check_proposal(proposal: &Proposal<'_>) -> Result<Vec<i64>, Violation> {
    if proposal.ends_at <= proposal.starts_at {
        return Err(Violation::field(
            "/ends_at",
            "the end must lie after the start",
        ));
    }
    if !proposal.online && !proposal.has_place {
        return Err(Violation::field(
            "/place",
            "a place is required unless the session is online",
        ));
    }
    let format = proposal
        .format
        .ok_or_else(|| Violation::field("/format_code", "unknown format"))?;
    let Some(rule) = format.rule.filter(|r| r.bookable) else {
        return Err(Violation::conflict(format!(
            "the format `{}` is not bookable on the start date",
            format.code
        )));
    };
    if format.group != FormatGroup::Team {
        return Err(Violation::field(
            "/format_code",
            "not a team format: sessions are expert event sessions, regional meetings or webinars",
        ));
    }
    if format.code == EXPERT_EVENT && !proposal.has_event_name {
        return Err(Violation::field(
            "/event_name",
            "an expert event session names the SK:KK event it belongs to",
        ));
    }
    require_accepted_topics(
        "/topic_ids",
        proposal.topic_ids,
        proposal.not_accepted_topic_ids,
    )?;
    let pointer = proposal.mentors_pointer;
    let mut mentors: Vec<i64> = proposal.proposer_id.into_iter().collect();
    if mentors.is_empty() && proposal.co_mentors.is_empty() {
        return Err(Violation::field(pointer, "name at least one mentor"));
    }
    let mut problems = Vec::new();
    for (index, co) in proposal.co_mentors.iter().enumerate() {
        if mentors.contains(&co.id) {
            continue;
        }
        if co.is_active_mentor {
            mentors.push(co.id);
        } else {
            problems.push(FieldBreak {
                pointer: format!("{pointer}/{index}"),
                detail: format!(
                    "participant {} is not an active participant with the mentor role",
                    co.id
                ),
            });
        }
    }
    Violation::unless_any(problems)?;
    if !fits_mentor_limit(mentors.len(), rule.mentors_per_instance) {
        return Err(Violation::field(
            pointer,
            format!(
                "the format allows at most {} mentors per session",
                rule.mentors_per_instance.unwrap_or_default()
            ),
        ));
    }
    mentors.sort_unstable();
    Ok(mentors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions_are_allowed_only_from_the_right_state() {
        use SessionState as S;
        assert_eq!(Transition::Approve.target(S::Proposed), Some(S::Approved));
        assert_eq!(Transition::Approve.target(S::Approved), None);
        assert_eq!(Transition::Hold.target(S::Proposed), None);
        assert_eq!(Transition::Hold.target(S::Approved), Some(S::Held));
        assert_eq!(Transition::Document.target(S::Held), Some(S::Documented));
        assert_eq!(Transition::Document.target(S::Approved), None);
        assert_eq!(Transition::Cancel.target(S::Held), None);
        assert_eq!(Transition::Decline.target(S::Cancelled), None);
    }

    #[test]
    fn capacity_limits() {
        assert!(fits_yearly_limit(5, Some(6)));
        assert!(!fits_yearly_limit(6, Some(6)));
        assert!(fits_yearly_limit(1000, None));
        assert!(fits_mentor_limit(2, Some(2)));
        assert!(!fits_mentor_limit(3, Some(2)));
        assert!(fits_mentor_limit(9, None));
    }

    const WEBINAR: ProposedFormat<'static> = ProposedFormat {
        code: "webinar",
        group: FormatGroup::Team,
        rule: Some(SessionRule {
            bookable: true,
            mentors_per_instance: Some(2),
        }),
    };

    fn at(hour: u32) -> DateTime<Utc> {
        use chrono::TimeZone;
        Utc.with_ymd_and_hms(2027, 3, 1, hour, 0, 0).unwrap()
    }

    fn proposal(format: ProposedFormat<'static>) -> Proposal<'static> {
        Proposal {
            starts_at: at(10),
            ends_at: at(12),
            online: true,
            has_place: false,
            has_event_name: false,
            format: Some(format),
            topic_ids: &[1],
            not_accepted_topic_ids: &[],
            proposer_id: Some(5),
            co_mentors: &[],
            mentors_pointer: "/co_mentor_ids",
        }
    }

    #[test]
    fn staff_name_every_mentor_and_at_least_one() {
        let co = [
            CoMentor {
                id: 8,
                is_active_mentor: true,
            },
            CoMentor {
                id: 9,
                is_active_mentor: false,
            },
        ];
        let staff = Proposal {
            proposer_id: None,
            co_mentors: &co,
            mentors_pointer: "/mentor_ids",
            ..proposal(WEBINAR)
        };
        assert_eq!(
            only_field(check_proposal(&staff)),
            (
                "/mentor_ids/1".into(),
                "participant 9 is not an active participant with the mentor role".into()
            )
        );
        let one = Proposal {
            co_mentors: &co[..1],
            ..staff
        };
        assert_eq!(check_proposal(&one), Ok(vec![8]));
        let none = Proposal {
            co_mentors: &[],
            ..staff
        };
        assert_eq!(
            only_field(check_proposal(&none)),
            ("/mentor_ids".into(), "name at least one mentor".into())
        );
    }

    fn only_field(result: Result<Vec<i64>, Violation>) -> (String, String) {
        match result {
            Err(Violation::Invalid(fields)) if fields.len() == 1 => {
                (fields[0].pointer.clone(), fields[0].detail.clone())
            }
            other => panic!("expected one invalid field, got {other:?}"),
        }
    }

    #[test]
    fn a_valid_proposal_has_its_mentors_once_and_ascending() {
        let co = [
            CoMentor {
                id: 3,
                is_active_mentor: true,
            },
            CoMentor {
                id: 5,
                is_active_mentor: true,
            },
            CoMentor {
                id: 3,
                is_active_mentor: true,
            },
        ];
        let p = Proposal {
            co_mentors: &co,
            ..proposal(WEBINAR)
        };
        assert_eq!(check_proposal(&p), Ok(vec![3, 5]));
    }

    #[test]
    fn a_session_ending_before_it_starts_is_invalid() {
        let p = Proposal {
            ends_at: at(10),
            ..proposal(WEBINAR)
        };
        assert_eq!(
            only_field(check_proposal(&p)),
            ("/ends_at".into(), "the end must lie after the start".into())
        );
    }

    #[test]
    fn a_session_on_site_needs_a_place() {
        let p = Proposal {
            online: false,
            ..proposal(WEBINAR)
        };
        assert_eq!(only_field(check_proposal(&p)).0, "/place");
        let p = Proposal {
            online: false,
            has_place: true,
            ..proposal(WEBINAR)
        };
        assert!(check_proposal(&p).is_ok());
    }

    #[test]
    fn an_unknown_format_is_invalid() {
        let p = Proposal {
            format: None,
            ..proposal(WEBINAR)
        };
        assert_eq!(
            only_field(check_proposal(&p)),
            ("/format_code".into(), "unknown format".into())
        );
    }

    #[test]
    fn a_format_not_bookable_on_the_start_date_is_a_conflict() {
        for rule in [
            None,
            Some(SessionRule {
                bookable: false,
                mentors_per_instance: None,
            }),
        ] {
            let p = proposal(ProposedFormat {
                code: "individual",
                group: FormatGroup::Individual,
                rule,
            });
            assert_eq!(
                check_proposal(&p),
                Err(Violation::Conflict(
                    "the format `individual` is not bookable on the start date".into()
                ))
            );
        }
    }

    #[test]
    fn a_bookable_format_outside_the_team_group_is_invalid() {
        let p = proposal(ProposedFormat {
            code: "practice_tip",
            group: FormatGroup::Online,
            ..WEBINAR
        });
        assert_eq!(only_field(check_proposal(&p)).0, "/format_code");
    }

    #[test]
    fn an_expert_event_session_must_name_its_event() {
        let expert = ProposedFormat {
            code: EXPERT_EVENT,
            ..WEBINAR
        };
        assert_eq!(
            only_field(check_proposal(&proposal(expert))).0,
            "/event_name"
        );
        let p = Proposal {
            has_event_name: true,
            ..proposal(expert)
        };
        assert!(check_proposal(&p).is_ok());
    }

    #[test]
    fn a_topic_that_is_not_accepted_is_invalid_at_its_index() {
        let p = Proposal {
            topic_ids: &[1, 9],
            not_accepted_topic_ids: &[9],
            ..proposal(WEBINAR)
        };
        assert_eq!(only_field(check_proposal(&p)).0, "/topic_ids/1");
    }

    #[test]
    fn every_co_mentor_who_is_no_active_mentor_is_named() {
        let co = [
            CoMentor {
                id: 7,
                is_active_mentor: false,
            },
            CoMentor {
                id: 8,
                is_active_mentor: true,
            },
            CoMentor {
                id: 9,
                is_active_mentor: false,
            },
        ];
        let p = Proposal {
            co_mentors: &co,
            ..proposal(WEBINAR)
        };
        let Err(Violation::Invalid(fields)) = check_proposal(&p) else {
            panic!("expected invalid fields");
        };
        let pointers: Vec<&str> = fields.iter().map(|f| f.pointer.as_str()).collect();
        assert_eq!(pointers, ["/co_mentor_ids/0", "/co_mentor_ids/2"]);
        assert_eq!(
            fields[1].detail,
            "participant 9 is not an active participant with the mentor role"
        );
    }

    #[test]
    fn more_mentors_than_the_format_allows_are_invalid() {
        let co = [
            CoMentor {
                id: 1,
                is_active_mentor: true,
            },
            CoMentor {
                id: 2,
                is_active_mentor: true,
            },
        ];
        let p = Proposal {
            co_mentors: &co,
            ..proposal(WEBINAR)
        };
        assert_eq!(
            only_field(check_proposal(&p)),
            (
                "/co_mentor_ids".into(),
                "the format allows at most 2 mentors per session".into()
            )
        );
    }

    #[test]
    fn approval_needs_a_bookable_format() {
        assert_eq!(
            check_approval(false, None, 0, true, "webinar", 2027),
            Err(Violation::Conflict(
                "the format is not bookable on the start date".into()
            ))
        );
    }

    #[test]
    fn approval_beyond_the_yearly_limit_needs_an_explicit_override() {
        assert_eq!(
            check_approval(true, Some(6), 5, false, "webinar", 2027),
            Ok(false)
        );
        assert_eq!(
            check_approval(true, Some(6), 6, false, "webinar", 2027),
            Err(Violation::Conflict(
                "the yearly limit of 6 `webinar` sessions in 2027 is reached; approve with \
                 `capacity_override: true` to exceed it"
                    .into()
            ))
        );
        assert_eq!(
            check_approval(true, Some(6), 6, true, "webinar", 2027),
            Ok(true)
        );
        assert_eq!(
            check_approval(true, None, 99, false, "webinar", 2027),
            Ok(false)
        );
    }

    #[test]
    fn a_session_is_held_only_after_its_end() {
        let end = at(12).naive_utc();
        assert_eq!(
            check_holding(end, at(11).naive_utc()),
            Err(Violation::Conflict("the session has not ended yet".into()))
        );
        assert_eq!(check_holding(end, end), Ok(()));
    }

    #[test]
    fn staff_edit_proposed_and_approved_sessions_mentors_only_proposed_ones() {
        use SessionState as S;
        assert_eq!(check_editable(S::Proposed, Editor::Mentor), Ok(()));
        assert_eq!(check_editable(S::Proposed, Editor::Staff), Ok(()));
        assert_eq!(check_editable(S::Approved, Editor::Staff), Ok(()));
        assert_eq!(
            check_editable(S::Approved, Editor::Mentor),
            Err(Violation::Conflict(
                "the session is `approved`; only staff change an approved session".into()
            ))
        );
        for state in [S::Held, S::Documented, S::Declined, S::Cancelled] {
            for editor in [Editor::Staff, Editor::Mentor] {
                assert_eq!(
                    check_editable(state, editor),
                    Err(Violation::Conflict(format!(
                        "the session is `{}`; only proposed or approved sessions can be edited",
                        state.as_str()
                    )))
                );
            }
        }
    }

    #[test]
    fn a_session_moved_into_a_full_year_is_a_conflict() {
        assert_eq!(
            check_reschedule_capacity(2027, 2027, 99, Some(6), "webinar"),
            Ok(())
        );
        assert_eq!(
            check_reschedule_capacity(2027, 2028, 5, Some(6), "webinar"),
            Ok(())
        );
        assert_eq!(
            check_reschedule_capacity(2027, 2028, 9, None, "webinar"),
            Ok(())
        );
        assert_eq!(
            check_reschedule_capacity(2027, 2028, 6, Some(6), "webinar"),
            Err(Violation::Conflict(
                "the yearly limit of 6 `webinar` sessions in 2028 is reached; the session \
                 cannot move into that year"
                    .into()
            ))
        );
    }

    #[test]
    fn mentees_act_only_on_an_approved_session() {
        assert_eq!(check_open_for_mentees(SessionState::Approved), Ok(()));
        assert_eq!(
            check_open_for_mentees(SessionState::Held),
            Err(Violation::Conflict(
                "the session is `held`; sign-ups and questions need an approved session".into()
            ))
        );
    }

    #[test]
    fn each_case_example_is_one_sent_to_the_session_and_listed_once() {
        assert_eq!(check_case_examples(&[4, 5], &[4, 5, 6]), Ok(()));
        let Err(Violation::Invalid(fields)) = check_case_examples(&[4, 9, 4], &[4, 5]) else {
            panic!("expected invalid fields");
        };
        let found: Vec<(&str, &str)> = fields
            .iter()
            .map(|f| (f.pointer.as_str(), f.detail.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "/case_examples/1/question_id",
                    "not a case example sent to this session"
                ),
                (
                    "/case_examples/2/question_id",
                    "this case example is listed twice"
                ),
            ]
        );
    }
}
