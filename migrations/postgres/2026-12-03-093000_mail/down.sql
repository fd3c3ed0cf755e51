ALTER TABLE accounts DROP COLUMN mail_opt_outs;
ALTER TABLE accounts DROP COLUMN mail_lang;
DROP TABLE account_tokens;
DROP TABLE mail_messages;
