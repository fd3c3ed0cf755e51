-- Topics a participant offers expertise in or is interested in (registration, § 5.1).
CREATE TABLE participant_topics (
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    topic_id BIGINT NOT NULL REFERENCES topics (id),
    kind TEXT NOT NULL CHECK (kind IN ('expertise', 'interest')),
    PRIMARY KEY (participant_id, topic_id, kind)
);
CREATE INDEX participant_topics_topic ON participant_topics (topic_id, participant_id);
