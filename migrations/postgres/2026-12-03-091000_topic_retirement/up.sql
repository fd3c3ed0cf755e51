-- Staff retire a topic (it stays on what uses it and in the lists, but cannot be chosen again)
-- and correct its titles, naming the version they read (If-Match).
ALTER TABLE topics ADD COLUMN retired_at TIMESTAMP;
ALTER TABLE topics ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
