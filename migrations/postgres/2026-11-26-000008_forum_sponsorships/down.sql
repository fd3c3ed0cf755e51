DELETE FROM catalogue_locks WHERE name = 'forum_sponsorships';
DROP TABLE forum_sponsorship_threads;
DROP TABLE forum_sponsorships;
