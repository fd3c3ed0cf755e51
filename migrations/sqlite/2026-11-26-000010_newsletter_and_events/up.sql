-- Newsletter mailings (§ 5.1: every 6–8 weeks, each welcomes the participants activated since
-- the previous one) and the outbox of events for the Klimaschutz-Community.
CREATE TABLE newsletter_mailings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sent_on DATE NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES accounts (id),
    recorded_at TIMESTAMP NOT NULL
);

-- Whom a mailing welcomed. The primary key welcomes everybody exactly once, whatever happens.
CREATE TABLE newsletter_welcomes (
    participant_id BIGINT PRIMARY KEY REFERENCES participants (id),
    mailing_id BIGINT NOT NULL REFERENCES newsletter_mailings (id)
);
CREATE INDEX newsletter_welcomes_by_mailing ON newsletter_welcomes (mailing_id);

-- Answers of creates sent with an Idempotency-Key, replayed for the same key and body.
CREATE TABLE idempotency_keys (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    operation TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_sha256 TEXT NOT NULL,
    location TEXT NOT NULL,
    response_body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, operation, idempotency_key)
);

-- Changes the community platform must act on, written in the transaction of the change. Thin:
-- ids, type and time only. Writers are serialised by the 'outbox' lock row, so ids commit in
-- order and a reader that saw id n never misses an id below n.
CREATE TABLE outbox_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_type TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    occurred_at TIMESTAMP NOT NULL
);

INSERT INTO catalogue_locks (name, acquisitions) VALUES ('outbox', 0);
INSERT INTO catalogue_locks (name, acquisitions) VALUES ('newsletter', 0);
