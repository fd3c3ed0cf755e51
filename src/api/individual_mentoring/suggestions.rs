//! Suggested mentors for a request, ranked with an explained score.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::visible_request;
use crate::api::access::Viewer;
use crate::auth::Caller;
use crate::db::models::mentoring_pairs as pair_rows;
use crate::db::models::mentoring_requests as request_rows;
use crate::db::models::participant_topics::{self, EXPERTISE, INTEREST};
use crate::db::models::{participants, projects};
use crate::db::{self, DbPool};
use crate::domain::individual_mentoring::matching::{self, Candidate, ScoreFactor, Wish};
use crate::domain::individual_mentoring::{RequestState, split_codes};
use crate::domain::lang::Lang;
use crate::domain::participant::FederalState;
use crate::domain::programme_time::programme_today;
use crate::error::AppError;

/// One part of a suggestion's score and why it counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScorePartResponse {
    /// What it measures.
    pub factor: ScoreFactor,
    /// Its points (negative for the load).
    #[schema(example = 20)]
    pub points: i32,
    /// Why, in the response language.
    #[schema(
        example = "2 von 3 gewünschten Themen als Expertise (10 Punkte je Thema), 0 als Interesse (4 Punkte je Thema)"
    )]
    pub explanation: String,
}

/// A suggested mentor.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionResponse {
    /// The mentor's participant id (`mentor_id` for staff accepting on their behalf).
    pub mentor_id: i64,
    /// First name (active participants see each other in the directory).
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Federal state of the mentor's current project.
    #[schema(required = true)]
    pub federal_state: Option<FederalState>,
    /// The sum of the parts; higher ranks first.
    pub score: i32,
    /// Requested topics the mentor offers as expertise.
    pub shared_topic_ids: Vec<i64>,
    /// Active pairs the mentor carries now.
    pub active_pairs: i64,
    /// The score's parts: shared topics, federal state, load.
    pub score_parts: Vec<ScorePartResponse>,
}

/// The ranked mentors.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionList {
    /// Best first; mentors at their limit of active pairs are left out.
    pub items: Vec<SuggestionResponse>,
    /// Always `null`: the list is complete.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

/// Suggests mentors for a mentoring request, with the score explained.
///
/// Ranks active mentors for an open request (staff and the requesting mentee): 10 points per
/// requested topic the mentor offers as expertise (4 as interest), 8 when the mentor works in a
/// wished-for federal state (or the mentee's own, when none was wished), 4 in a bordering state
/// (the stand-in for distance), minus 3 per active pair; mentors with 3 active pairs are not
/// suggested. Every part comes with its explanation in the response language. Other participants
/// get 403 or 404; pending and ended participants and integration clients 403 (§ 3.3).
#[utoipa::path(
    tag = "individual-mentoring",
    operation_id = "list_mentor_suggestions",
    params(("id" = i64, Path, description = "Request id.")),
    responses(
        (status = 200, description = "The ranked mentors.", body = SuggestionList,
            headers(("Content-Language" = String, description = "`de` or `en`, chosen by `Accept-Language`."))),
        (status = 403, description = "Not staff and not the request's mentee."),
        (status = 409, description = "The request is no longer open.")
    )
)]
#[get("/mentoring-requests/{id}/mentor-suggestions")]
pub async fn list(
    caller: Caller,
    lang: Lang,
    id: web::Path<i64>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let items = db::run(&pool, move |conn| {
        let viewer = Viewer::load(conn, &caller)?;
        let request = visible_request(conn, &viewer, id)?;
        if let Viewer::Participant(p) = &viewer
            && p.id != request.mentee_id
        {
            return Err(AppError::Forbidden);
        }
        if request.state != RequestState::Open {
            return Err(AppError::Conflict(
                "the request is no longer open; nothing to suggest".to_owned(),
            ));
        }
        let today = programme_today();
        let topic_ids: Vec<i64> = request_rows::topics_of(conn, &[id])?
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        let mut states = split_codes(&request.preferred_states, FederalState::parse);
        if states.is_empty() {
            let own = projects::current_of_participants(conn, &[request.mentee_id], today)?;
            states.extend(own.get(&request.mentee_id).map(|p| p.federal_state));
        }
        let mentors: Vec<participants::Participant> = participants::active_mentors(conn)?
            .into_iter()
            .filter(|m| m.id != request.mentee_id)
            .collect();
        let ids: Vec<i64> = mentors.iter().map(|m| m.id).collect();
        let current = projects::current_of_participants(conn, &ids, today)?;
        let loads: HashMap<i64, i64> = pair_rows::active_counts(conn)?.into_iter().collect();
        let mut topics: HashMap<i64, (Vec<i64>, Vec<i64>)> = HashMap::new();
        for (participant, topic, kind) in participant_topics::of_participants(conn, &ids)? {
            let entry = topics.entry(participant).or_default();
            match kind.as_str() {
                EXPERTISE => entry.0.push(topic),
                INTEREST => entry.1.push(topic),
                _ => {}
            }
        }
        let candidates: Vec<Candidate> = mentors
            .iter()
            .map(|m| {
                let (expertise, interests) = topics.remove(&m.id).unwrap_or_default();
                Candidate {
                    mentor_id: m.id,
                    expertise,
                    interests,
                    state: current.get(&m.id).map(|p| p.federal_state),
                    active_pairs: loads.get(&m.id).copied().unwrap_or(0),
                }
            })
            .collect();
        let wish = Wish {
            topic_ids: &topic_ids,
            states: &states,
        };
        let by_id: HashMap<i64, &participants::Participant> =
            mentors.iter().map(|m| (m.id, m)).collect();
        let ranked = matching::rank(&wish, &candidates);
        Ok(ranked
            .into_iter()
            .filter_map(|s| {
                let m = by_id.get(&s.mentor_id)?;
                Some(SuggestionResponse {
                    mentor_id: s.mentor_id,
                    first_name: m.first_name.clone(),
                    last_name: m.last_name.clone(),
                    federal_state: current.get(&s.mentor_id).map(|p| p.federal_state),
                    score: s.score,
                    active_pairs: loads.get(&s.mentor_id).copied().unwrap_or(0),
                    shared_topic_ids: s.shared_topic_ids,
                    score_parts: s
                        .parts
                        .iter()
                        .map(|p| ScorePartResponse {
                            factor: p.factor,
                            points: p.points,
                            explanation: p.explanation(lang).to_owned(),
                        })
                        .collect(),
                })
            })
            .collect::<Vec<_>>())
    })
    .await?;
    let body = SuggestionList {
        items,
        next_cursor: None,
    };
    Ok(lang.private_json(&body))
}
