-- A contact of an individual-mentoring pair earns its mentor a credit in the one ledger.
ALTER TABLE credits DROP CONSTRAINT credits_source_kind_check;
ALTER TABLE credits ADD CONSTRAINT credits_source_kind_check
    CHECK (source_kind IN ('session', 'forum_sponsorship', 'practice_tip', 'individual_contact'));
