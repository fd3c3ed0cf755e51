DROP INDEX sessions_by_start;
