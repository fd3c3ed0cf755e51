-- Attendance of a held session: per sign-up whether the mentee came (NULL until recorded), and on
-- the session the people who came without signing up and when attendance was last recorded
-- (NULL: never, so `people_reached` is the number the mentors reported).
ALTER TABLE session_signups ADD COLUMN attended BOOLEAN;
ALTER TABLE sessions ADD COLUMN walk_in_count INTEGER CHECK (walk_in_count IS NULL OR walk_in_count >= 0);
ALTER TABLE sessions ADD COLUMN attendance_recorded_at TIMESTAMP;
