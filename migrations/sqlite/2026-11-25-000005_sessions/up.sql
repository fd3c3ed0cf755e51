-- Team-mentoring sessions (§ 3.1): proposed by mentors, approved by staff within the format's
-- capacity, held, documented; or declined / cancelled.
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    format_code TEXT NOT NULL REFERENCES formats (code),
    title TEXT NOT NULL,
    guiding_question TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    -- Year of starts_at (UTC): the year the format's yearly limit counts in.
    calendar_year INTEGER NOT NULL,
    online BOOLEAN NOT NULL,
    place TEXT,
    event_name TEXT,
    expected_audience TEXT,
    state TEXT NOT NULL
        CHECK (state IN ('proposed', 'approved', 'held', 'documented', 'declined', 'cancelled')),
    state_reason TEXT,
    people_reached INTEGER CHECK (people_reached IS NULL OR people_reached >= 0),
    capacity_override BOOLEAN NOT NULL,
    proposed_by BIGINT NOT NULL REFERENCES participants (id),
    decided_by BIGINT REFERENCES accounts (id),
    decided_at TIMESTAMP,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK (online OR place IS NOT NULL)
);
CREATE INDEX sessions_calendar ON sessions (state, starts_at, id);
CREATE INDEX sessions_capacity ON sessions (format_code, calendar_year, state);

-- The mentors of a session: the proposer and the co-mentors.
CREATE TABLE session_mentors (
    session_id BIGINT NOT NULL REFERENCES sessions (id),
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    PRIMARY KEY (session_id, participant_id)
);
CREATE INDEX session_mentors_participant ON session_mentors (participant_id, session_id);

-- The accepted topics a session is about.
CREATE TABLE session_topics (
    session_id BIGINT NOT NULL REFERENCES sessions (id),
    topic_id BIGINT NOT NULL REFERENCES topics (id),
    PRIMARY KEY (session_id, topic_id)
);
CREATE INDEX session_topics_topic ON session_topics (topic_id, session_id);

-- Active mentees signed up for an approved session.
CREATE TABLE session_signups (
    session_id BIGINT NOT NULL REFERENCES sessions (id),
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, participant_id)
);

-- Questions or case examples mentees send to the session's mentors beforehand.
CREATE TABLE session_questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id BIGINT NOT NULL REFERENCES sessions (id),
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    body TEXT NOT NULL,
    is_case_example BOOLEAN NOT NULL,
    anonymise BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX session_questions_session ON session_questions (session_id, id);

-- The row concurrent approvals lock first, so the yearly limits hold on both backends.
INSERT INTO catalogue_locks (name, acquisitions) VALUES ('sessions', 0);
