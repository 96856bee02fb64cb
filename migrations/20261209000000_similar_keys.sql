-- The keys the import preview finds possible duplicates by
-- (store::imports::similar): each contact's phone keys and its postcode
-- paired with the start of each word of its names, as the rules compute
-- them (rules::similar::similar_keys). The look-up used to compute them in
-- SQL for every contact of the account on every call: about 1.2 s for an
-- account of 200,000 contacts, however few keys a file asked about. Here a
-- call is one probe of this table's primary key per key asked about.
--
-- Like contact_search, the table is written by the background indexer
-- (store::listing::index) after each write commits, never by the write
-- itself, so no import pays for it; contacts written since it last caught
-- up are pending (search_queue) and the look-up reads them from contacts.
CREATE TABLE contact_similar_keys (
    account_id  uuid NOT NULL,
    -- 1: a phone key (the last digits of a Phone or Mobile);
    -- 2: a postcode and the start of a name word, "<postcode> <start>".
    kind        smallint NOT NULL CHECK (kind IN (1, 2)),
    key         text NOT NULL,
    contact_id  uuid NOT NULL,
    PRIMARY KEY (account_id, kind, key, contact_id)
);
-- For the indexer, which replaces a contact's keys.
CREATE INDEX contact_similar_keys_by_contact ON contact_similar_keys (account_id, contact_id);
-- Probed by index-only scans: vacuum soon after an import is indexed, as
-- for contact_search.
ALTER TABLE contact_similar_keys SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02);

-- The contacts already there get their keys from the indexer, which
-- computes them with the rules (no second copy of them here): each is
-- queued, so it is pending (read from contacts, exactly) until then.
INSERT INTO search_queue (account_id, contact_id) SELECT account_id, id FROM contacts;
