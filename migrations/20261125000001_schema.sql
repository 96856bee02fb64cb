-- The whole product's schema. Every table that holds an account's data carries
-- account_id, and every query filters by it.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE accounts (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id     uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email          text NOT NULL,
    name           text NOT NULL DEFAULT '',
    password_hash  text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
-- One user per address across the whole deployment: sign-in is by email.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_account_idx ON users (account_id);

-- Text fields are never NULL: '' means blank, which is what the shared rules
-- and the import's "keep / overwrite" semantics work with.
CREATE TABLE contacts (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id     uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    reference      text NOT NULL DEFAULT '',
    kind           text NOT NULL DEFAULT 'Person',
    title          text NOT NULL DEFAULT '',
    first_name     text NOT NULL DEFAULT '',
    last_name      text NOT NULL DEFAULT '',
    company_name   text NOT NULL DEFAULT '',
    email          text NOT NULL DEFAULT '',
    phone          text NOT NULL DEFAULT '',
    mobile         text NOT NULL DEFAULT '',
    address_line1  text NOT NULL DEFAULT '',
    address_line2  text NOT NULL DEFAULT '',
    city           text NOT NULL DEFAULT '',
    region         text NOT NULL DEFAULT '',
    postcode       text NOT NULL DEFAULT '',
    country        text NOT NULL DEFAULT '',
    category       text NOT NULL DEFAULT '',
    notes          text NOT NULL DEFAULT '',
    -- The match keys of Contact ID and email, computed by the shared rules
    -- (rules::check::match_key: cleaned and lower-cased in Rust, so the
    -- browser, the server and these unique indexes all agree).
    reference_key  text NOT NULL DEFAULT '',
    email_key      text NOT NULL DEFAULT '',
    -- Bumped by every write: optimistic concurrency for edits, and the test
    -- that lets undo refuse when a later change touched a contact.
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    -- What the list sorts by name on: people by last then first name,
    -- companies by company name.
    sort_name      text GENERATED ALWAYS AS (
        lower(CASE WHEN kind = 'Company' THEN company_name
                   ELSE last_name || ' ' || first_name END)
    ) STORED,
    -- What the list's search box matches (substring, via trigrams); phones
    -- also appear with their digits only so "0412345" finds "0412 345 678".
    search_text    text GENERATED ALWAYS AS (
        lower(first_name || ' ' || last_name || ' ' || company_name || ' ' ||
              email || ' ' || reference || ' ' || phone || ' ' || mobile || ' ' ||
              regexp_replace(phone, '[^0-9]', '', 'g') || ' ' ||
              regexp_replace(mobile, '[^0-9]', '', 'g'))
    ) STORED
);
-- Contact ID and email are unique per account, case-insensitively.
CREATE UNIQUE INDEX contacts_reference_key ON contacts (account_id, reference_key) WHERE reference_key <> '';
CREATE UNIQUE INDEX contacts_email_key ON contacts (account_id, email_key) WHERE email_key <> '';
-- Keyset paging for each sort order.
CREATE INDEX contacts_by_name ON contacts (account_id, sort_name, id);
CREATE INDEX contacts_by_company ON contacts (account_id, lower(company_name), id);
CREATE INDEX contacts_by_updated ON contacts (account_id, updated_at DESC, id);
CREATE INDEX contacts_search ON contacts USING gin (search_text gin_trgm_ops);

CREATE TABLE imports (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id       uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id          uuid REFERENCES users (id) ON DELETE SET NULL,
    file_name        text NOT NULL,
    file_sha256      text NOT NULL,
    file_size        bigint NOT NULL,
    sheet_name       text NOT NULL DEFAULT '',
    mode             text NOT NULL CHECK (mode IN ('keep', 'overwrite')),
    -- The file's columns: which fields are present and their headers as written.
    columns          jsonb NOT NULL,
    status           text NOT NULL DEFAULT 'open'
                     CHECK (status IN ('open', 'committed', 'failed', 'undone')),
    row_count        integer NOT NULL DEFAULT 0,
    created_count    integer NOT NULL DEFAULT 0,
    updated_count    integer NOT NULL DEFAULT 0,
    unchanged_count  integer NOT NULL DEFAULT 0,
    -- Why the last confirm failed, in the words shown to the user.
    failure          text,
    -- The issues a refused confirm returned (the first ones and the total),
    -- so confirming it again gives the same answer.
    rejection        jsonb,
    created_at       timestamptz NOT NULL DEFAULT now(),
    committed_at     timestamptz,
    undone_at        timestamptz
);
CREATE INDEX imports_account_idx ON imports (account_id, created_at DESC);

-- The rows as the user edited them in the browser: these are what get imported.
CREATE TABLE import_rows (
    import_id         uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    account_id        uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    line              integer NOT NULL,
    -- One value per field, in template column order.
    cells             text[] NOT NULL,
    -- Bit set of fields whose cell held a spreadsheet error (#N/A...).
    error_cells       integer NOT NULL DEFAULT 0,
    -- What the browser's preview matched: the contact and its version then,
    -- so a change made in between is reported rather than overwritten.
    preview_contact   uuid,
    preview_version   integer,
    PRIMARY KEY (import_id, line)
);

-- The before and after of every contact an import created or changed.
CREATE TABLE import_changes (
    import_id      uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    account_id     uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    contact_id     uuid NOT NULL,
    line           integer NOT NULL,
    action         text NOT NULL CHECK (action IN ('created', 'updated')),
    before         jsonb,
    after          jsonb NOT NULL,
    -- The contact's version right after the import wrote it; undo refuses
    -- when the contact has moved on since.
    version_after  integer NOT NULL,
    PRIMARY KEY (import_id, contact_id)
);
CREATE INDEX import_changes_contact_idx ON import_changes (account_id, contact_id);
-- An import's detail pages through its changes in file row order.
CREATE INDEX import_changes_line_idx ON import_changes (import_id, line);

CREATE TABLE notifications (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id     uuid REFERENCES users (id) ON DELETE CASCADE,
    import_id   uuid REFERENCES imports (id) ON DELETE CASCADE,
    kind        text NOT NULL,
    message     text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    read_at     timestamptz
);
CREATE INDEX notifications_account_idx ON notifications (account_id, created_at DESC);

-- Failed sign-ins, for throttling guessing by address and by account.
CREATE TABLE login_failures (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email       text NOT NULL,
    account_id  uuid REFERENCES accounts (id) ON DELETE CASCADE,
    failed_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email_idx ON login_failures (lower(email), failed_at);
CREATE INDEX login_failures_account_idx ON login_failures (account_id, failed_at);
