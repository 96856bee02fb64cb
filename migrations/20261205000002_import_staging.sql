-- Uploaded rows land in import_staging with COPY, checked on their own as
-- they arrive (rules::check::stage), with their keys and normalised values
-- as columns, so that confirming is set-based SQL over them. Every
-- per-account table's primary key and unique indexes now lead with
-- account_id, and nothing references another account's rows (see README,
-- "Past one Postgres", and store/tests/distribution.rs).

-- Imports still open can only be confirmed from the old rows table, which
-- goes: they are closed with a sentence saying what to do.
UPDATE imports
SET status = 'failed',
    failure = 'The app was updated while this import was being sent, so it was not applied. Import the file again.'
WHERE status = 'open';
DROP TABLE import_rows;

-- Keys that lead with the account.
ALTER TABLE import_changes DROP CONSTRAINT import_changes_import_id_fkey;
ALTER TABLE notifications DROP CONSTRAINT notifications_import_id_fkey;
ALTER TABLE imports DROP CONSTRAINT imports_pkey;
ALTER TABLE imports ADD PRIMARY KEY (account_id, id);
ALTER TABLE notifications
    ADD CONSTRAINT notifications_import_fkey FOREIGN KEY (account_id, import_id)
        REFERENCES imports (account_id, id) ON DELETE CASCADE;
ALTER TABLE notifications DROP CONSTRAINT notifications_pkey;
ALTER TABLE notifications ADD PRIMARY KEY (account_id, id);

-- An import's change records: one per file row that created or changed a
-- contact, so (account, import, line) is their key, in the order the
-- import's detail pages through them. Written 100,000 at a time by a
-- confirm, so no foreign key is checked row by row: the confirm writes them
-- under the import's row lock, and removing an import removes them
-- (store::imports::housekeeping). The index by contact was used by no query.
ALTER TABLE import_changes DROP CONSTRAINT import_changes_account_id_fkey;
ALTER TABLE import_changes DROP CONSTRAINT import_changes_pkey;
DROP INDEX import_changes_contact_idx;
DROP INDEX import_changes_line_idx;
ALTER TABLE import_changes ADD PRIMARY KEY (account_id, import_id, line);

-- How many rows have arrived: kept by each upload as it commits (not
-- re-counted), and checked against row_count by confirm.
ALTER TABLE imports ADD COLUMN received_rows integer NOT NULL DEFAULT 0;

-- The uploaded rows, as rules::check::stage keeps them. Transient: removed
-- once their import is confirmed, refused or abandoned (after a retention
-- period, store::imports::housekeeping). UNLOGGED: they are not written to
-- the WAL, so a crash of Postgres itself (not of the app) empties the table;
-- an import open at that moment then says its rows are missing, and the
-- file is imported again. No foreign keys, for the same reason as
-- import_changes.
CREATE UNLOGGED TABLE import_staging (
    account_id       uuid NOT NULL,
    import_id        uuid NOT NULL,
    line             integer NOT NULL,
    -- The row's values normalised (an invalid cell keeps its trimmed text).
    reference        text NOT NULL,
    kind             text NOT NULL,
    title            text NOT NULL,
    first_name       text NOT NULL,
    last_name        text NOT NULL,
    company_name     text NOT NULL,
    email            text NOT NULL,
    phone            text NOT NULL,
    mobile           text NOT NULL,
    address_line1    text NOT NULL,
    address_line2    text NOT NULL,
    city             text NOT NULL,
    region           text NOT NULL,
    postcode         text NOT NULL,
    country          text NOT NULL,
    category         text NOT NULL,
    notes            text NOT NULL,
    -- Bit set of fields whose cell held a spreadsheet error (#N/A...).
    error_cells      integer NOT NULL,
    -- The valid Contact ID's and email's match keys ('' when blank or
    -- invalid): what duplicates are grouped by.
    reference_key    text NOT NULL,
    email_key        text NOT NULL,
    -- How the row finds the contact it updates: 'r' by reference_key, 'e'
    -- by email_key, 'n' it has neither (a new contact), 'u' its key cell is
    -- invalid (it matches nothing).
    match_by         "char" NOT NULL CHECK (match_by IN ('r', 'e', 'n', 'u')),
    -- What the browser's preview matched: the contact and its version then.
    preview_contact  uuid,
    preview_version  integer,
    -- The contact the row creates when nothing else concerns it: its id
    -- (UUIDv7), Contact Type and list keys. NULL when even then the row
    -- would have issues.
    new_id           uuid,
    new_kind         text,
    sort_name        text,
    company_key      text,
    search_text      text,
    PRIMARY KEY (account_id, import_id, line)
);
