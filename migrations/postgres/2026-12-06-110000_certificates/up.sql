-- Participation certificates (Teilnahmebescheinigungen): a mentor's credits in one project year
-- as a PDF whose verification code staff can look up. One row per distinct content: asking again
-- for the same content returns the same code; changed credits or status get a new row. The row
-- keeps what the certificate stated (no name: the name is read from the participant, and is gone
-- once the person is erased).
CREATE TABLE certificates (
    -- Crockford base 32, `XXXX-XXXX-XXXX`.
    code TEXT PRIMARY KEY NOT NULL,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    project_id BIGINT NOT NULL REFERENCES projects (id),
    project_year INTEGER NOT NULL,
    -- SHA-256 (hex) of the stated content (`domain::certificate::Content`).
    content_sha256 TEXT NOT NULL,
    year_start DATE NOT NULL,
    year_end DATE NOT NULL,
    activity_count INTEGER NOT NULL,
    total_hours INTEGER NOT NULL,
    min_hours INTEGER,
    status TEXT NOT NULL,
    -- First issued with this content, and last handed out (a later certificate of the same
    -- year with another content supersedes this one, until this content is handed out again).
    issued_at TIMESTAMP NOT NULL,
    last_issued_at TIMESTAMP NOT NULL,
    UNIQUE (participant_id, project_id, project_year, content_sha256)
);
