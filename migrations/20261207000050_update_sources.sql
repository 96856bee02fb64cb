-- Where each field of an update's result comes from, as the rules computed
-- it when the row arrived (rules::check::StagedRow::update_sources, a
-- rules::merge::UpdateSource per field), as bit sets by Field::index like
-- error_cells: the fields whose stored value stays, and those that keep a
-- stored key (Contact ID, email) spelt differently. With them, confirm
-- applies in SQL a row whose result is the contact it would create alone
-- (store::imports::settle) instead of sending it to be judged again.
-- NULL for rows staged before this migration: they are judged as before.
-- No default: no rewrite of the table.
ALTER TABLE import_staging
    ADD COLUMN kept_fields integer,
    ADD COLUMN kept_key_fields integer;
