ALTER TABLE session_documentation DROP COLUMN version;
