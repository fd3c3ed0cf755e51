DROP TABLE catalogue_locks;
DROP TABLE forums;
DROP TABLE topics;
DROP TABLE format_rules;
DROP TABLE formats;
