-- Day-before reminders sent: one per (session, signed-up participant), however many instances
-- sweep and however often. Written in the transaction that queues the message.
CREATE TABLE session_reminders (
    session_id BIGINT NOT NULL REFERENCES sessions (id),
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, participant_id)
);

-- Reminders to KSM2 mentors below the yearly minimum, one per project year of a project, with
-- the credited hours at the time (what the programme office sees in GET /credit-reminders).
CREATE TABLE credit_reminders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    project_id BIGINT NOT NULL REFERENCES projects (id),
    project_year INTEGER NOT NULL,
    year_start DATE NOT NULL,
    -- The last day of the project year (inclusive).
    year_end DATE NOT NULL,
    credited_hours INTEGER NOT NULL,
    missing_hours INTEGER NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    UNIQUE (participant_id, project_id, project_year)
);
