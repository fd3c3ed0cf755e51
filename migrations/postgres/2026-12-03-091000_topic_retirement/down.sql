ALTER TABLE topics DROP COLUMN version;
ALTER TABLE topics DROP COLUMN retired_at;
