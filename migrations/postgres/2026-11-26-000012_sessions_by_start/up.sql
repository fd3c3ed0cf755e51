-- The session list pages in calendar order (starts_at, id): this index serves it, also from a
-- `from` instant on, without walking earlier sessions.
CREATE INDEX sessions_by_start ON sessions (starts_at, id);
