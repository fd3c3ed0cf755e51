-- One community account, one participant: the community platform grants access to the account
-- an access event names, so two participants must never hold the same reference. Until now only
-- `PATCH /participants/{id}` checked it; the index makes it hold under concurrent requests and for
-- every write path. A reference recorded twice before (possible through registration) stays with
-- the participant who recorded it first; the others can record theirs again.
UPDATE participants SET community_account_ref = NULL
WHERE community_account_ref IS NOT NULL
  AND id NOT IN (
    SELECT MIN(id) FROM participants
    WHERE community_account_ref IS NOT NULL
    GROUP BY community_account_ref
  );
CREATE UNIQUE INDEX participants_community_account_ref_key
    ON participants (community_account_ref)
    WHERE community_account_ref IS NOT NULL;
