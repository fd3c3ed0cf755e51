ALTER TABLE sessions DROP COLUMN attendance_recorded_at;
ALTER TABLE sessions DROP COLUMN walk_in_count;
ALTER TABLE session_signups DROP COLUMN attended;
