-- Staff correct a project in place (kind, employer, dates, funding reference); the correction
-- names the version it read (If-Match), as participant records and format rules do.
ALTER TABLE projects ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
