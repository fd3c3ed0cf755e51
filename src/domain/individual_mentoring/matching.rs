//! Ranking mentors for a mentee's request (§ 3.3): shared topics first, then where they work
//! (same or neighbouring federal state), then how many pairs they already carry. The score is
//! the sum of its parts and every part says why it counts, so staff and the mentee can follow it.

use std::cmp::Reverse;

use serde::Serialize;

use super::neighbours::are_neighbours;
use crate::code_enum;
use crate::domain::lang::Lang;
use crate::domain::participant::FederalState;

/// Points per requested topic the mentor offers as expertise.
pub const EXPERTISE_POINTS: i32 = 10;
/// Points per requested topic the mentor names only as an interest.
pub const INTEREST_POINTS: i32 = 4;
/// Points when the mentor works in a wished-for state.
pub const SAME_STATE_POINTS: i32 = 8;
/// Points when the mentor works in a state bordering a wished-for one.
pub const NEIGHBOUR_STATE_POINTS: i32 = 4;
/// Points taken off per active pair the mentor already has.
pub const LOAD_PENALTY: i32 = 3;
/// Most active pairs a mentor carries at once; a mentor at the limit is not suggested and cannot
/// accept (one-to-one mentoring takes time, § 3.3 "im Optimalfall eins zu eins").
pub const MAX_ACTIVE_PAIRS: i64 = 3;

code_enum! {
    /// What a part of a suggestion's score measures.
    pub enum ScoreFactor {
        /// Requested topics the mentor offers (expertise) or shares (interest).
        SharedTopics = "shared_topics", "Gemeinsame Themen", "Shared topics";
        /// The mentor's federal state against the wished-for ones (distance).
        FederalState = "federal_state", "Bundesland", "Federal state";
        /// Active pairs the mentor already carries.
        Load = "load", "Auslastung", "Current load";
    }
}

/// What the ranking needs of the request.
#[derive(Debug, Clone)]
pub struct Wish<'a> {
    /// The requested topics.
    pub topic_ids: &'a [i64],
    /// The wished-for states; empty: the mentee's own.
    pub states: &'a [FederalState],
}

/// What the ranking needs of a mentor.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Participant id.
    pub mentor_id: i64,
    /// Topics of expertise.
    pub expertise: Vec<i64>,
    /// Topics of interest.
    pub interests: Vec<i64>,
    /// Federal state of the current project; `None` without one.
    pub state: Option<FederalState>,
    /// Active pairs now.
    pub active_pairs: i64,
}

/// One part of a score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScorePart {
    /// What it measures.
    pub factor: ScoreFactor,
    /// Points (negative for the load).
    pub points: i32,
    /// Why, in German.
    pub explanation_de: String,
    /// Why, in English.
    pub explanation_en: String,
}

impl ScorePart {
    /// The explanation in `lang`.
    pub fn explanation(&self, lang: Lang) -> &str {
        lang.pick(&self.explanation_de, &self.explanation_en)
    }
}

/// A ranked mentor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// Participant id.
    pub mentor_id: i64,
    /// The sum of the parts.
    pub score: i32,
    /// Requested topics the mentor offers as expertise.
    pub shared_topic_ids: Vec<i64>,
    /// The parts: topics, state, load, in that order.
    pub parts: Vec<ScorePart>,
}

fn part(factor: ScoreFactor, points: i32, de: String, en: String) -> ScorePart {
    ScorePart {
        factor,
        points,
        explanation_de: de,
        explanation_en: en,
    }
}

fn topics_part(wish: &Wish<'_>, c: &Candidate) -> (ScorePart, Vec<i64>) {
    let expert: Vec<i64> = wish
        .topic_ids
        .iter()
        .copied()
        .filter(|t| c.expertise.contains(t))
        .collect();
    let interest = wish
        .topic_ids
        .iter()
        .filter(|t| !c.expertise.contains(t) && c.interests.contains(t))
        .count() as i32;
    let experts = expert.len() as i32;
    let points = experts * EXPERTISE_POINTS + interest * INTEREST_POINTS;
    let of = wish.topic_ids.len();
    let p = part(
        ScoreFactor::SharedTopics,
        points,
        format!(
            "{experts} von {of} gewünschten Themen als Expertise ({EXPERTISE_POINTS} Punkte je Thema), \
             {interest} als Interesse ({INTEREST_POINTS} Punkte je Thema)"
        ),
        format!(
            "{experts} of {of} requested topics as expertise ({EXPERTISE_POINTS} points each), \
             {interest} as interest ({INTEREST_POINTS} points each)"
        ),
    );
    (p, expert)
}

fn state_part(wish: &Wish<'_>, c: &Candidate) -> ScorePart {
    let Some(state) = c.state else {
        return part(
            ScoreFactor::FederalState,
            0,
            "kein laufendes Vorhaben, Bundesland unbekannt".to_owned(),
            "no current project, federal state unknown".to_owned(),
        );
    };
    let (de, en) = (state.label(Lang::De), state.label(Lang::En));
    if wish.states.contains(&state) {
        part(
            ScoreFactor::FederalState,
            SAME_STATE_POINTS,
            format!("arbeitet im gewünschten Bundesland {de}"),
            format!("works in the wished-for state {en}"),
        )
    } else if wish.states.iter().any(|w| are_neighbours(*w, state)) {
        part(
            ScoreFactor::FederalState,
            NEIGHBOUR_STATE_POINTS,
            format!("arbeitet im Nachbarland {de} eines gewünschten Bundeslandes"),
            format!("works in {en}, bordering a wished-for state"),
        )
    } else {
        part(
            ScoreFactor::FederalState,
            0,
            format!("arbeitet in {de}, weder gewünscht noch benachbart"),
            format!("works in {en}, neither wished for nor bordering"),
        )
    }
}

fn load_part(c: &Candidate) -> ScorePart {
    let n = c.active_pairs;
    part(
        ScoreFactor::Load,
        -(n as i32) * LOAD_PENALTY,
        format!(
            "betreut derzeit {n} von höchstens {MAX_ACTIVE_PAIRS} Tandems (−{LOAD_PENALTY} Punkte je Tandem)"
        ),
        format!(
            "currently in {n} of at most {MAX_ACTIVE_PAIRS} pairs (−{LOAD_PENALTY} points per pair)"
        ),
    )
}

/// Scores one mentor, or `None` when the mentor is at the limit of active pairs.
pub fn score(wish: &Wish<'_>, candidate: &Candidate) -> Option<Suggestion> {
    if candidate.active_pairs >= MAX_ACTIVE_PAIRS {
        return None;
    }
    let (topics, shared_topic_ids) = topics_part(wish, candidate);
    let parts = vec![topics, state_part(wish, candidate), load_part(candidate)];
    Some(Suggestion {
        mentor_id: candidate.mentor_id,
        score: parts.iter().map(|p| p.points).sum(),
        shared_topic_ids,
        parts,
    })
}

/// Ranks mentors: highest score first, then fewer active pairs, then the older registration
/// (lower id); mentors at their limit are left out.
pub fn rank(wish: &Wish<'_>, candidates: &[Candidate]) -> Vec<Suggestion> {
    let mut ranked: Vec<(i64, Suggestion)> = candidates
        .iter()
        .filter_map(|c| score(wish, c).map(|s| (c.active_pairs, s)))
        .collect();
    ranked.sort_by_key(|(load, s)| (Reverse(s.score), *load, s.mentor_id));
    ranked.into_iter().map(|(_, s)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::participant::FederalState::*;

    fn mentor(id: i64, expertise: &[i64], state: FederalState, pairs: i64) -> Candidate {
        Candidate {
            mentor_id: id,
            expertise: expertise.to_vec(),
            interests: vec![],
            state: Some(state),
            active_pairs: pairs,
        }
    }

    const WISH: Wish<'static> = Wish {
        topic_ids: &[1, 2, 3],
        states: &[NW],
    };

    #[test]
    fn shared_expertise_outweighs_the_state() {
        let ranked = rank(&WISH, &[mentor(1, &[1], NW, 0), mentor(2, &[1, 2], BY, 0)]);
        let ids: Vec<i64> = ranked.iter().map(|s| s.mentor_id).collect();
        assert_eq!(ids, [2, 1]);
        assert_eq!(ranked[0].score, 2 * EXPERTISE_POINTS);
        assert_eq!(ranked[1].score, EXPERTISE_POINTS + SAME_STATE_POINTS);
        assert_eq!(ranked[0].shared_topic_ids, [1, 2]);
    }

    #[test]
    fn same_state_beats_a_neighbour_which_beats_far_away() {
        let ranked = rank(
            &WISH,
            &[
                mentor(1, &[], BY, 0),
                mentor(2, &[], NI, 0),
                mentor(3, &[], NW, 0),
            ],
        );
        let scores: Vec<(i64, i32)> = ranked.iter().map(|s| (s.mentor_id, s.score)).collect();
        assert_eq!(
            scores,
            [(3, SAME_STATE_POINTS), (2, NEIGHBOUR_STATE_POINTS), (1, 0)]
        );
    }

    #[test]
    fn load_lowers_the_score_and_a_full_mentor_is_left_out() {
        let ranked = rank(
            &WISH,
            &[
                mentor(1, &[1], NW, 2),
                mentor(2, &[1], NW, 0),
                mentor(3, &[1, 2, 3], NW, MAX_ACTIVE_PAIRS),
            ],
        );
        let ids: Vec<i64> = ranked.iter().map(|s| s.mentor_id).collect();
        assert_eq!(ids, [2, 1]);
        assert_eq!(ranked[1].parts[2].points, -2 * LOAD_PENALTY);
    }

    #[test]
    fn the_score_is_the_sum_of_its_explained_parts() {
        let mut c = mentor(7, &[2], HE, 1);
        c.interests = vec![3];
        let s = score(&WISH, &c).unwrap();
        let factors: Vec<ScoreFactor> = s.parts.iter().map(|p| p.factor).collect();
        assert_eq!(
            factors,
            [
                ScoreFactor::SharedTopics,
                ScoreFactor::FederalState,
                ScoreFactor::Load
            ]
        );
        assert_eq!(s.score, s.parts.iter().map(|p| p.points).sum::<i32>());
        assert_eq!(
            s.score,
            EXPERTISE_POINTS + INTEREST_POINTS + NEIGHBOUR_STATE_POINTS - LOAD_PENALTY
        );
        assert!(s.parts[1].explanation(Lang::De).contains("Hessen"));
        assert!(s.parts[1].explanation(Lang::En).contains("Hesse"));
        assert!(s.parts[0].explanation(Lang::En).starts_with("1 of 3"));
    }

    #[test]
    fn ties_go_to_the_less_loaded_then_the_older_mentor() {
        let a = mentor(5, &[1], BY, 0);
        let b = mentor(4, &[1], BY, 0);
        let ranked = rank(&WISH, &[a, b]);
        assert_eq!(ranked[0].mentor_id, 4);
    }

    #[test]
    fn without_a_project_the_state_counts_nothing() {
        let mut c = mentor(1, &[], NW, 0);
        c.state = None;
        assert_eq!(score(&WISH, &c).unwrap().score, 0);
    }
}
