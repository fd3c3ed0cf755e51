-- An e-mail address change waits for the confirmation of the new mailbox: the address travels
-- with its single-use token (purpose 'email_change'); NULL for every other purpose.
ALTER TABLE account_tokens ADD COLUMN new_address TEXT;
