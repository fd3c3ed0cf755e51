DELETE FROM catalogue_locks WHERE name IN ('outbox', 'newsletter');
DROP TABLE outbox_events;
DROP TABLE idempotency_keys;
DROP TABLE newsletter_welcomes;
DROP TABLE newsletter_mailings;
