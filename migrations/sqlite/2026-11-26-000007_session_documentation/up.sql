-- The short documentation of a held session (§ 3.1.1, footnote 4), its attachments and the case
-- examples it shows (anonymised on request, Infobox 2); and the personal calendar feed tokens (§ 5.1).
CREATE TABLE session_documentation (
    session_id BIGINT PRIMARY KEY REFERENCES sessions (id),
    summary TEXT NOT NULL,
    results TEXT NOT NULL,
    filed_by BIGINT NOT NULL REFERENCES accounts (id),
    filed_at TIMESTAMP NOT NULL
);

-- A case example the mentors prepared for the documentation, from a mentee's question; the
-- contributor is shown unless the question asked to be anonymised.
CREATE TABLE session_case_examples (
    session_id BIGINT NOT NULL REFERENCES session_documentation (session_id),
    question_id BIGINT NOT NULL REFERENCES session_questions (id),
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (session_id, question_id)
);

-- Photos (JPEG, PNG) and slides (PDF) of a held session, type checked by content.
CREATE TABLE session_attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id BIGINT NOT NULL REFERENCES sessions (id),
    content_type TEXT NOT NULL
        CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    content BLOB NOT NULL,
    size_bytes BIGINT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES accounts (id),
    uploaded_at TIMESTAMP NOT NULL
);
CREATE INDEX session_attachments_session ON session_attachments (session_id, id);

-- One revocable calendar feed token per account; only its SHA-256 is stored.
CREATE TABLE calendar_feed_tokens (
    account_id BIGINT PRIMARY KEY REFERENCES accounts (id),
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
