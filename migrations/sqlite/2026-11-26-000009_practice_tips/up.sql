-- Practice tips (§ 3.2.2): a PDF text or slide deck written by one mentor (no co-authors, § 5.4),
-- reviewed by staff, published into the knowledge store for all active participants.
CREATE TABLE practice_tips (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    author_id BIGINT NOT NULL REFERENCES participants (id),
    title TEXT NOT NULL,
    question TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('text', 'slides')),
    abstract_text TEXT NOT NULL,
    -- Title and abstract lower-cased by the service (Unicode-aware, which SQLite's lower() is not),
    -- so the word search matches "Öffentlichkeit" alike on both backends.
    search_text TEXT NOT NULL,
    state TEXT NOT NULL
        CHECK (state IN ('draft', 'submitted', 'changes_requested', 'published', 'rejected', 'withdrawn')),
    -- Staff's note when asking for changes.
    review_note TEXT,
    -- Why staff rejected or withdrew it.
    state_reason TEXT,
    -- Infobox 2: the author asks that examples are anonymised; staff confirm before publishing.
    anonymisation_requested BOOLEAN NOT NULL,
    anonymisation_confirmed_by BIGINT REFERENCES accounts (id),
    anonymisation_confirmed_at TIMESTAMP,
    submitted_at TIMESTAMP,
    published_at TIMESTAMP,
    decided_by BIGINT REFERENCES accounts (id),
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX practice_tips_state ON practice_tips (state, id);
CREATE INDEX practice_tips_author ON practice_tips (author_id, id);

-- The accepted topics a tip is about.
CREATE TABLE practice_tip_topics (
    practice_tip_id BIGINT NOT NULL REFERENCES practice_tips (id),
    topic_id BIGINT NOT NULL REFERENCES topics (id),
    PRIMARY KEY (practice_tip_id, topic_id)
);
CREATE INDEX practice_tip_topics_topic ON practice_tip_topics (topic_id, practice_tip_id);

-- The PDF of a tip, apart from the tip so that lists never load it.
CREATE TABLE practice_tip_documents (
    practice_tip_id BIGINT PRIMARY KEY REFERENCES practice_tips (id),
    content BLOB NOT NULL,
    size_bytes BIGINT NOT NULL,
    -- Read from the PDF; NULL when it could not be read.
    page_count INTEGER,
    uploaded_at TIMESTAMP NOT NULL
);
