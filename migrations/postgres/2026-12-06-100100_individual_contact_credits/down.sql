DELETE FROM credits WHERE source_kind = 'individual_contact';
ALTER TABLE credits DROP CONSTRAINT credits_source_kind_check;
ALTER TABLE credits ADD CONSTRAINT credits_source_kind_check
    CHECK (source_kind IN ('session', 'forum_sponsorship', 'practice_tip'));
