-- A row flagged as possibly the same as an existing contact carries the
-- user's choice (rules::similar::DuplicateChoice) into staging: 'c' create
-- anyway (every row before this), 'u' update `duplicate_contact` instead,
-- 's' skip the row. The confirm re-checks an update against that contact
-- (of the same account, still possibly the same by the rules) and leaves a
-- skipped row out, counting it in skipped_count.
--
-- No index on contacts for finding the candidates: each index there is
-- paid by every import's inserts (store::imports::similar says what the
-- lookup costs without one).
ALTER TABLE import_staging
    ADD COLUMN duplicate_choice text NOT NULL DEFAULT 'c' CHECK (duplicate_choice IN ('c', 'u', 's')),
    ADD COLUMN duplicate_contact uuid,
    ADD CONSTRAINT import_staging_duplicate_contact CHECK ((duplicate_choice = 'u') = (duplicate_contact IS NOT NULL));
ALTER TABLE imports ADD COLUMN skipped_count integer NOT NULL DEFAULT 0;
