-- Which programme this database serves. A deployment may run sister programmes, each over its
-- own database; the first start claims the database for its programme, and a later start of
-- another programme on it is refused, so two programmes' people can never be mixed by a
-- misconfigured URL. Name, title and office follow the settings (texts and e-mails speak of them).
CREATE TABLE programme (
    -- Exactly one row.
    singleton INTEGER PRIMARY KEY NOT NULL DEFAULT 1 CHECK (singleton = 1),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    office TEXT NOT NULL,
    claimed_at TIMESTAMP NOT NULL
);
