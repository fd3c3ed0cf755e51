ALTER TABLE account_tokens DROP COLUMN new_address;
