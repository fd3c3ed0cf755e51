-- A contact of an individual-mentoring pair earns its mentor a credit in the one ledger.
-- SQLite cannot change a CHECK in place: the table is rebuilt with its rows and ids.
CREATE TABLE credits_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    format_code TEXT NOT NULL REFERENCES formats (code),
    source_kind TEXT NOT NULL
        CHECK (source_kind IN ('session', 'forum_sponsorship', 'practice_tip', 'individual_contact')),
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
INSERT INTO credits_rebuilt (id, participant_id, format_code, source_kind, source_id, earned_on,
        hours, format_rule_id, revoked_at, revoked_reason, created_at)
    SELECT id, participant_id, format_code, source_kind, source_id, earned_on, hours,
        format_rule_id, revoked_at, revoked_reason, created_at
    FROM credits;
DROP TABLE credits;
ALTER TABLE credits_rebuilt RENAME TO credits;
CREATE INDEX credits_participant ON credits (participant_id, earned_on);
CREATE INDEX credits_earned ON credits (earned_on, participant_id);
