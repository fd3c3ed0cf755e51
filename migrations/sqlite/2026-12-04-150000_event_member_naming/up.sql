-- The access events (participant.activated, .rejoined, .ended) name the participant the way the
-- community platform knows them; erasure sets both back to NULL.
ALTER TABLE outbox_events ADD COLUMN community_account_ref TEXT;
ALTER TABLE outbox_events ADD COLUMN email TEXT;
