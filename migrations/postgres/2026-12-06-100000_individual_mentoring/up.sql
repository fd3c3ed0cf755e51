-- Individual mentoring (§ 3.3, phase 2): a mentee asks for a mentor, staff or a mentor accept,
-- the pair agrees on expectations, scope and an end (Infobox 2) and records its contacts, each
-- credited to the mentor under the rule of the `individual` format on the contact's date.

-- A mentee's request for a mentor: open until matched (one pair) or withdrawn.
CREATE TABLE mentoring_requests (
    id BIGSERIAL PRIMARY KEY,
    mentee_id BIGINT NOT NULL REFERENCES participants (id),
    -- Preferred federal states as codes separated by commas ('' for none).
    preferred_states TEXT NOT NULL,
    -- What the mentee hopes for, in their words; erased with the person.
    note TEXT,
    state TEXT NOT NULL CHECK (state IN ('open', 'matched', 'withdrawn')),
    version BIGINT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES accounts (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX mentoring_requests_mentee ON mentoring_requests (mentee_id, state);
-- At most one open request per mentee.
CREATE UNIQUE INDEX mentoring_requests_one_open ON mentoring_requests (mentee_id)
    WHERE state = 'open';

CREATE TABLE mentoring_request_topics (
    request_id BIGINT NOT NULL REFERENCES mentoring_requests (id),
    topic_id BIGINT NOT NULL REFERENCES topics (id),
    PRIMARY KEY (request_id, topic_id)
);

-- A pair of mentor and mentee, made from one request (never two pairs for one request).
CREATE TABLE mentoring_pairs (
    id BIGSERIAL PRIMARY KEY,
    request_id BIGINT NOT NULL UNIQUE REFERENCES mentoring_requests (id),
    mentor_id BIGINT NOT NULL REFERENCES participants (id),
    mentee_id BIGINT NOT NULL REFERENCES participants (id),
    state TEXT NOT NULL CHECK (state IN ('active', 'ended')),
    started_on DATE NOT NULL,
    ended_on DATE,
    -- The agreement at the start (Infobox 2): required before the first contact.
    agreement_expectations TEXT,
    agreement_scope TEXT,
    -- Agreed contact kinds as codes separated by commas.
    agreement_contact_kinds TEXT,
    agreement_end_date DATE,
    agreement_recorded_at TIMESTAMP,
    -- The day of the latest contact, and when the pair was last reminded of its silence.
    last_contact_on DATE,
    silence_reminded_at TIMESTAMP,
    version BIGINT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES accounts (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (mentor_id <> mentee_id),
    CHECK ((state = 'ended') = (ended_on IS NOT NULL)),
    CHECK ((agreement_recorded_at IS NULL) = (agreement_end_date IS NULL))
);
CREATE INDEX mentoring_pairs_mentor ON mentoring_pairs (mentor_id, state);
CREATE INDEX mentoring_pairs_mentee ON mentoring_pairs (mentee_id, state);

-- One contact of a pair (phone, e-mail, visit, job shadowing); the note is confidential.
CREATE TABLE mentoring_contacts (
    id BIGSERIAL PRIMARY KEY,
    pair_id BIGINT NOT NULL REFERENCES mentoring_pairs (id),
    kind TEXT NOT NULL CHECK (kind IN ('phone', 'email', 'visit', 'job_shadowing')),
    contact_on DATE NOT NULL,
    -- Hours for phone, e-mail and visits; days for job shadowing.
    duration_hours INTEGER CHECK (duration_hours BETWEEN 1 AND 24),
    duration_days INTEGER CHECK (duration_days BETWEEN 1 AND 10),
    note TEXT,
    recorded_by BIGINT NOT NULL REFERENCES accounts (id),
    created_at TIMESTAMP NOT NULL,
    CHECK ((duration_hours IS NULL) <> (duration_days IS NULL)),
    CHECK ((kind = 'job_shadowing') = (duration_days IS NOT NULL))
);
CREATE INDEX mentoring_contacts_pair ON mentoring_contacts (pair_id, contact_on);

-- Serialises acceptances, so a mentor's limit of active pairs holds under concurrency.
INSERT INTO catalogue_locks (name, acquisitions) VALUES ('mentoring_pairs', 0);
