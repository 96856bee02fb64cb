-- Remembered mappings (issue 18): how an account last mapped a file with
-- these headers — the columns it chose by hand and the values it chose for
-- unknown Contact Type, Category and Country values — applied the next time
-- a file with the same headers is chosen. One row per account and header
-- signature (`rules::headers::header_signature`, stored as its SHA-256 so
-- that 100 long headers make a short key). The documents are bounded here
-- as at the door (`app/src/remembered_api.rs`).
CREATE TABLE remembered_mappings (
    account_id       uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    header_signature bytea NOT NULL,
    columns          jsonb NOT NULL,
    choices          jsonb NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, header_signature),
    CONSTRAINT remembered_mappings_bounded CHECK (
        octet_length(header_signature) = 32
        AND pg_column_size(columns) + pg_column_size(choices) <= 1000000
    )
);
