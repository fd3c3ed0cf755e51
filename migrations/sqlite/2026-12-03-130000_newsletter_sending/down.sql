ALTER TABLE mail_messages DROP COLUMN list_unsubscribe;
ALTER TABLE newsletter_mailings DROP COLUMN recipient_count;
ALTER TABLE newsletter_mailings DROP COLUMN intro;
ALTER TABLE newsletter_mailings DROP COLUMN subject;
