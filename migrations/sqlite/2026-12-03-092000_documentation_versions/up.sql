-- Staff correct a filed documentation (summary, results), naming the version they read (If-Match).
ALTER TABLE session_documentation ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
