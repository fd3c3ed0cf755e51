-- The newsletter is sent by the service: a mailing has a subject and an intro text, and knows
-- how many messages it queued. Mailings recorded before keep empty texts and a count of 0.
ALTER TABLE newsletter_mailings ADD COLUMN subject TEXT NOT NULL DEFAULT '';
ALTER TABLE newsletter_mailings ADD COLUMN intro TEXT NOT NULL DEFAULT '';
ALTER TABLE newsletter_mailings ADD COLUMN recipient_count INTEGER NOT NULL DEFAULT 0;

-- The one-click unsubscribe URL of a newsletter message (RFC 8058 `List-Unsubscribe`); NULL for
-- every other message. Cleared with the texts once the message was sent.
ALTER TABLE mail_messages ADD COLUMN list_unsubscribe TEXT;
