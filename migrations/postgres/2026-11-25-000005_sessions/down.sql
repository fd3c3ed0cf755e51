DELETE FROM catalogue_locks WHERE name = 'sessions';
DROP TABLE session_questions;
DROP TABLE session_signups;
DROP TABLE session_topics;
DROP TABLE session_mentors;
DROP TABLE sessions;
