-- What the contacts list needs (sort orders and substring search) no longer
-- costs every written contact.
--
-- Measured here, inserting 100,000 contacts in one statement (seconds; the
-- same columns with only the two unique key indexes took 1.0): with the
-- primary key 1.6; plus the foreign key to accounts 2.8; plus the generated
-- sort and search columns 3.0; plus the three sort indexes 3.1; plus the
-- trigram index 11 (13 with everything, as before). A trigram index costs as
-- much however it is fed (GIN pending list, GiST, CREATE INDEX afterwards),
-- so it cannot be paid inside an import.
--
-- So contacts keeps what writes must check (the primary key and the two
-- unique key indexes) and plain columns holding each contact's sort keys and
-- search text, computed in Rust (rules::search) by whoever writes the
-- contact. The sort and trigram indexes move to contact_search, a copy that
-- a background task (store::listing::index_pending) brings up to date after
-- each write commits. Until it has, the contacts a write touched are
-- "pending": search_queue names them (one entry per contact, or one per
-- import for every contact the import wrote), and the list reads pending
-- contacts from contacts itself, so it is always exact.

-- contacts: the generated columns become plain ones (rows already there keep
-- the values the generated columns gave them; every later write stores what
-- rules::search computes); the company sort key joins them.
ALTER TABLE contacts ALTER COLUMN sort_name DROP EXPRESSION;
ALTER TABLE contacts ALTER COLUMN search_text DROP EXPRESSION;
UPDATE contacts SET sort_name = coalesce(sort_name, ''), search_text = coalesce(search_text, '')
WHERE sort_name IS NULL OR search_text IS NULL;
ALTER TABLE contacts
    ALTER COLUMN sort_name SET DEFAULT '',
    ALTER COLUMN sort_name SET NOT NULL,
    ALTER COLUMN search_text SET DEFAULT '',
    ALTER COLUMN search_text SET NOT NULL,
    ADD COLUMN company_key text NOT NULL DEFAULT '';
UPDATE contacts SET company_key = lower(company_name) WHERE company_name <> '';

-- Only what writes must check stays on contacts. The primary key leads with
-- the account (as every per-account table's does: see README, "Past one
-- Postgres"); ids are UUIDv7 from now on (made in Rust), so new contacts
-- append to it. The foreign key to accounts was checked row by row.
DROP INDEX contacts_by_name;
DROP INDEX contacts_by_company;
DROP INDEX contacts_by_updated;
DROP INDEX contacts_search;
ALTER TABLE contacts DROP CONSTRAINT contacts_account_id_fkey;
ALTER TABLE contacts DROP CONSTRAINT contacts_pkey;
ALTER TABLE contacts ADD PRIMARY KEY (account_id, id);

-- The list's indexes, over a copy of each contact's list keys.
CREATE TABLE contact_search (
    account_id   uuid NOT NULL,
    contact_id   uuid NOT NULL,
    sort_name    text NOT NULL,
    company_key  text NOT NULL,
    updated_at   timestamptz NOT NULL,
    category     text NOT NULL,
    search_text  text NOT NULL,
    PRIMARY KEY (account_id, contact_id)
);
CREATE INDEX contact_search_by_name ON contact_search (account_id, sort_name, contact_id);
CREATE INDEX contact_search_by_company ON contact_search (account_id, company_key, contact_id);
CREATE INDEX contact_search_by_updated ON contact_search (account_id, updated_at DESC, contact_id);
CREATE INDEX contact_search_text ON contact_search USING gin (search_text gin_trgm_ops);
INSERT INTO contact_search (account_id, contact_id, sort_name, company_key, updated_at, category, search_text)
SELECT account_id, id, sort_name, company_key, updated_at, category, search_text FROM contacts;

-- Contacts written since contact_search last caught up with them: one
-- contact, or every contact an import (or the undo of one) wrote, found
-- through its import_changes.
CREATE TABLE search_queue (
    account_id  uuid NOT NULL,
    id          bigint GENERATED ALWAYS AS IDENTITY,
    contact_id  uuid,
    import_id   uuid,
    -- For an import: its changes up to this file row are indexed already.
    done_line   integer NOT NULL DEFAULT 0,
    queued_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, id),
    CHECK ((contact_id IS NULL) <> (import_id IS NULL))
);
