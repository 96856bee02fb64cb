-- The list's trigram index leads with the account, as every other index of
-- an account's rows does: a search in one account then reads only that
-- account's entries, however many other accounts share the database.
--
-- Before, the index held search_text alone: a search's bitmap gathered the
-- matching rows of every account and its heap scan then dropped those of
-- the others, so one account's contacts slowed every other account's
-- searches. Measured with the search benchmark (POST /api/list_contacts,
-- 200,000 contacts in the account, 2 cores), with a second account of
-- 200,000 contacts in the same database: p50 6.8-7.1 ms and p99 22-31 ms
-- before, 5.6-5.8 ms and 16.5-18.1 ms after; with the account alone in its
-- database, p50 3.1-3.4 / 3.3-3.5 ms and p99 11.5-13.2 / 14.1-15.1 ms.
--
-- btree_gin gives GIN its equality operators on uuid (a contrib extension,
-- trusted since Postgres 13, like pg_trgm). Building the index took about
-- 6 s for 400,000 contacts; writes to contact_search (only the background
-- indexer makes them) wait for it, reads do not.
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE INDEX contact_search_text_by_account ON contact_search USING gin (account_id, search_text gin_trgm_ops);
DROP INDEX contact_search_text;
