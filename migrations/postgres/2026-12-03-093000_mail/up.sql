-- The mail outbox: every message is written in the transaction of the change that causes it and
-- rendered then (subject and bodies are fixed); a background sender delivers it. Retry state
-- lives here, so a restart loses no message. `message_id` is the stable Message-ID header: a
-- message sent again after a crash between sending and recording carries the same one.
CREATE TABLE mail_messages (
    id BIGSERIAL PRIMARY KEY,
    -- The recipient's account when the address belongs to one (erasure removes its messages).
    account_id BIGINT REFERENCES accounts (id),
    to_address TEXT NOT NULL,
    -- What the message is about: a code of domain::mail::MailKind.
    kind TEXT NOT NULL,
    lang TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    -- Sends a message at most once per key (e.g. one notice per duplicate registration a day).
    dedupe_key TEXT UNIQUE,
    -- 'pending', 'sent' or 'failed'.
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX mail_messages_due ON mail_messages (status, next_attempt_at);
CREATE INDEX mail_messages_by_account ON mail_messages (account_id);

-- Single-use links sent by e-mail (password reset, invitation to set a password). Only the
-- SHA-256 of the token is stored; the token itself exists only in the message.
CREATE TABLE account_tokens (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    -- 'password_reset' or 'invitation'.
    purpose TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX account_tokens_by_account ON account_tokens (account_id, purpose);

-- The language a person's messages are written in ('de' or 'en') and the optional message kinds
-- they turned off (comma-separated codes of domain::mail::MailKind; mandatory ones always go).
ALTER TABLE accounts ADD COLUMN mail_lang TEXT NOT NULL DEFAULT 'de';
ALTER TABLE accounts ADD COLUMN mail_opt_outs TEXT NOT NULL DEFAULT '';
