//! The `participant_topics` table: topics of expertise and of interest per participant.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::bound_list::in_ids;
use crate::db::schema::participant_topics;
use crate::on_backend;

/// Expertise offered.
pub const EXPERTISE: &str = "expertise";
/// Interest in learning.
pub const INTEREST: &str = "interest";

/// Replaces the participant's topics of one kind (inside the caller's transaction).
pub fn replace(
    conn: &mut DbConnection,
    participant_id: i64,
    kind: &str,
    topic_ids: &[i64],
) -> QueryResult<()> {
    diesel::delete(
        participant_topics::table
            .filter(participant_topics::participant_id.eq(participant_id))
            .filter(participant_topics::kind.eq(kind)),
    )
    .execute(conn)?;
    let mut unique = topic_ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    for topic_id in unique {
        diesel::insert_into(participant_topics::table)
            .values((
                participant_topics::participant_id.eq(participant_id),
                participant_topics::topic_id.eq(topic_id),
                participant_topics::kind.eq(kind),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// `(participant_id, topic_id, kind)` rows of many participants, in topic order.
pub fn of_participants(
    conn: &mut DbConnection,
    ids: &[i64],
) -> QueryResult<Vec<(i64, i64, String)>> {
    on_backend!(conn, |c| {
        participant_topics::table
            .filter(in_ids(participant_topics::participant_id, ids))
            .order(participant_topics::topic_id.asc())
            .select((
                participant_topics::participant_id,
                participant_topics::topic_id,
                participant_topics::kind,
            ))
            .load(c)
    })
}
