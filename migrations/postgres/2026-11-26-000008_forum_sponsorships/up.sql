-- Forum sponsorships (§ 3.2.1): an active mentor sponsors one community forum for 6–12 months,
-- choosing a credit option of the catalogue rule; staff approve within the forum's limit of
-- sponsors at any one time (the rule's mentors_per_instance), or decline; the mentor records the
-- number of posts as evidence; staff confirm completion after the end (the credit counts on the
-- end date) or decide the credit of a withdrawn one.
CREATE TABLE forum_sponsorships (
    id BIGSERIAL PRIMARY KEY,
    forum_id BIGINT NOT NULL REFERENCES forums (id),
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    -- Calendar dates, both inclusive.
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    -- The last day the sponsorship occupies a slot: ends_on, or the day before the withdrawal
    -- (before starts_on when withdrawn before it began or before approval: occupies nothing).
    effective_ends_on DATE NOT NULL,
    -- The chosen credit option in hours (one of the rule's options on starts_on).
    credit_hours INTEGER NOT NULL CHECK (credit_hours > 0),
    state TEXT NOT NULL
        CHECK (state IN ('applied', 'approved', 'declined', 'withdrawn', 'completed')),
    state_reason TEXT,
    applied_by BIGINT NOT NULL REFERENCES accounts (id),
    decided_by BIGINT REFERENCES accounts (id),
    decided_at TIMESTAMP,
    withdrawn_on DATE,
    completed_at TIMESTAMP,
    -- Evidence (§ 5.5): the number of posts; notable thread titles are in forum_sponsorship_threads.
    post_count INTEGER CHECK (post_count IS NULL OR post_count >= 0),
    evidence_recorded_at TIMESTAMP,
    -- Staff decision on the credit of a withdrawn sponsorship (0: none).
    credit_decision_hours INTEGER CHECK (credit_decision_hours IS NULL OR credit_decision_hours >= 0),
    credit_decision_reason TEXT,
    credit_decided_at TIMESTAMP,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (ends_on > starts_on),
    CHECK (effective_ends_on <= ends_on),
    CHECK ((credit_decision_hours IS NULL) = (credit_decision_reason IS NULL))
);
CREATE INDEX forum_sponsorships_occupancy ON forum_sponsorships (forum_id, state, starts_on, effective_ends_on);
CREATE INDEX forum_sponsorships_participant ON forum_sponsorships (participant_id, id);

-- Notable thread titles a sponsor names as evidence, in the order given.
CREATE TABLE forum_sponsorship_threads (
    sponsorship_id BIGINT NOT NULL REFERENCES forum_sponsorships (id),
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    PRIMARY KEY (sponsorship_id, position)
);

-- The row concurrent approvals lock first, so the limit of sponsors per forum holds on both backends.
INSERT INTO catalogue_locks (name, acquisitions) VALUES ('forum_sponsorships', 0);
