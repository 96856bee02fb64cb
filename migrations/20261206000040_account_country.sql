-- An account's default country: how a phone number written without a
-- country code is read for that account (searching contacts now; reading
-- imported numbers next). An ISO 3166-1 alpha-2 code in upper case, checked
-- against rules::country by the server before it is stored; the CHECK only
-- keeps the column's shape.
--
-- Nullable: accounts made before this column, and people who leave the
-- sign-up's Country at "Choose…", have no default country. A number written
-- without a country code is then searched by its digits without leading
-- zeros, as rules::phone::search_digits documents.
ALTER TABLE accounts
    ADD COLUMN default_country text CHECK (default_country ~ '^[A-Z]{2}$');
