ALTER TABLE outbox_events DROP COLUMN email;
ALTER TABLE outbox_events DROP COLUMN community_account_ref;
