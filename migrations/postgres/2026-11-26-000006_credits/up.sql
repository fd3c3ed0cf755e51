-- The credit ledger (§ 5.4, § 5.5): one row per mentor and credited activity, written in the same
-- transaction as the change that earns it (a session documented, a forum sponsorship completed, a
-- practice tip published). Reports read only this table; the hours are the catalogue rule's on the
-- day the credit was earned, so a later rule change does not rewrite history.
CREATE TABLE credits (
    id BIGSERIAL PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    format_code TEXT NOT NULL REFERENCES formats (code),
    source_kind TEXT NOT NULL
        CHECK (source_kind IN ('session', 'forum_sponsorship', 'practice_tip')),
    source_id BIGINT NOT NULL,
    earned_on DATE NOT NULL,
    hours INTEGER NOT NULL CHECK (hours > 0),
    format_rule_id BIGINT NOT NULL REFERENCES format_rules (id),
    -- Staff may revoke a credit with a reason (e.g. a withdrawn practice tip); the row stays.
    revoked_at TIMESTAMP,
    revoked_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (source_kind, source_id, participant_id),
    CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
);
CREATE INDEX credits_participant ON credits (participant_id, earned_on);
CREATE INDEX credits_earned ON credits (earned_on, participant_id);
