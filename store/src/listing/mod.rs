//! The contacts list: one page of an account's contacts in a sort order,
//! filtered by category and search text, and how many match.
//!
//! Invariant: the list is exact at every moment, although its indexes are
//! brought up to date after writes commit. Contacts whose list keys
//! `contact_search` holds are found through its indexes; contacts written
//! since ("pending", see [`pending`]) are read from `contacts` itself, and
//! their `contact_search` rows, stale or missing, are never used. The two
//! sets are disjoint, so no contact is shown twice.
//!
//! Modules: [`pending`] names the pending contacts (and queues them), and
//! [`index`] is the background step that brings `contact_search` up to date.

pub mod index;
pub(crate) mod pending;

use rules::search::SearchText;
use rules::ContactFields;
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Postgres, QueryBuilder, Row};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::fields_sql::{field_columns, fields_from_row};
use crate::model::{AccountId, ContactPage, ContactQuery, ContactSort, ContactSummary, MatchCount, PageCursor, Total};
use crate::StoreError;

/// How many contacts one page of the list holds.
pub const PAGE_SIZE: i64 = 50;

/// How many rows a search first walks in the list's order before it
/// collects every match instead. The walk reads the sort order's covering
/// index alone (no table rows) and stops at a page of matches, so a term
/// that is common anywhere in the first 10,000 rows is answered without
/// reading every match (17,571 contacts match `pty ltd` in the benchmark's
/// 200,000, the 51st by name at row 7,889); a rare term pays for the walk
/// (about 5–10 ms over 10,000 index entries here) before its few matches are
/// collected.
pub const SEARCH_PREFIX_ROWS: i64 = 10_000;

/// How many rows in the list's order a search's count first looks at to
/// tell whether its term is common. Counting through the trigram index
/// builds a bitmap of every match before the first is counted: 15–35 ms
/// for a term in most contacts (`@example.co.uk` in the benchmark's
/// 200,000), against about 3 ms to find 1,001 of them in the sort order's
/// covering index. So when the share of these rows that match, over the
/// walk's [`SEARCH_PREFIX_ROWS`], would pass the cap (more than a tenth of
/// them), the count walks those rows in order and stops at one past the
/// cap; a rarer term pays only for this probe (under a millisecond) before
/// it is counted through the index as before. A walk that falls short (the
/// term common only at the start of the order) is counted through the
/// index too, so the answer is exact either way.
pub const COUNT_PROBE_ROWS: i64 = 1_000;

/// One page of the account's contacts matching `query`, and, when `total`
/// asks for it, how many match (exactly up to [`MatchCount::SEARCH_CAP`]
/// for a search, [`MatchCount::LIST_CAP`] otherwise). A
/// search longer than [`rules::search::MAX_SEARCH_CHARS`] is
/// [`StoreError::SearchTooLong`].
pub async fn list(pool: &PgPool, account: AccountId, query: &ContactQuery, total: Total) -> Result<ContactPage, StoreError> {
    let listing = Listing {
        account,
        category: query.category.map(|category| category.as_str()),
        sort: query.sort,
        after: query.after.as_ref(),
        search: parse_search(pool, account, &query.search).await?,
        pending: true,
    };
    // The page and the count are independent: asking both at once makes a
    // search cost the slower of the two rather than their sum. Counting a
    // common search's matches costs more than its page (every match of the
    // trigram index), so a page whose count the caller shows already
    // skips it.
    let (rows, total) = match total {
        Total::Count => {
            let (rows, total) = tokio::try_join!(listing.page(pool), listing.count(pool))?;
            (rows, Some(total))
        }
        Total::Known => (listing.page(pool).await?, None),
    };

    let mut contacts = Vec::with_capacity(rows.len());
    let mut next = None;
    for (position, row) in rows.iter().enumerate() {
        if position as i64 == PAGE_SIZE {
            break;
        }
        let id: Uuid = row.try_get("id")?;
        contacts.push(ContactSummary::from_fields(id, &fields_from_row(row)?));
        if position as i64 == PAGE_SIZE - 1 && rows.len() as i64 > PAGE_SIZE {
            next = Some(PageCursor { key: sort_key(row, query.sort)?, id });
        }
    }
    Ok(ContactPage { contacts, next, total })
}

/// Every contact matching `query`'s search and category, in its sort order
/// (its page cursor is ignored), for the export. Read from `contacts` alone:
/// an export reads every match anyway.
pub async fn export(pool: &PgPool, account: AccountId, query: &ContactQuery) -> Result<Vec<ContactFields>, StoreError> {
    let listing = Listing {
        account,
        category: query.category.map(|category| category.as_str()),
        sort: query.sort,
        after: None,
        search: parse_search(pool, account, &query.search).await?,
        pending: true,
    };
    let mut sql = QueryBuilder::<Postgres>::new(format!("SELECT {} FROM contacts c WHERE c.account_id = ", field_columns("c.")));
    sql.push_bind(account);
    listing.push_category(&mut sql, "c.");
    listing.push_search(&mut sql, "c.search_text");
    sql.push(listing.order_by("c.", "id"));
    let rows = sql.build().persistent(false).fetch_all(pool).await?;
    rows.iter().map(|row| Ok(fields_from_row(row)?)).collect()
}

/// What `search` asks for in this account: a phone number is read by the
/// account's default country, which is looked up only for a search with a
/// digit (the only kind it can change).
async fn parse_search(pool: &PgPool, account: AccountId, search: &str) -> Result<Option<SearchText>, StoreError> {
    let default_country = if search.bytes().any(|b| b.is_ascii_digit()) {
        crate::accounts::default_country(pool, account).await?
    } else {
        None
    };
    Ok(SearchText::parse(search, default_country.as_deref())?)
}

/// One list query, ready to be written as SQL.
#[derive(Clone)]
struct Listing<'a> {
    account: AccountId,
    category: Option<&'static str>,
    sort: ContactSort,
    after: Option<&'a PageCursor>,
    search: Option<SearchText>,
    /// Whether the SQL reads pending contacts (see [`pending`]): always,
    /// unless a snapshot in which the account has none is what it runs in
    /// ([`Listing::fetch_in_snapshot`]).
    pending: bool,
}

impl<'a> Listing<'a> {
    /// Up to one page and one more row (which tells whether there is a next
    /// page).
    ///
    /// With a search, neither plan Postgres can choose is safe on its own:
    /// walking the order and filtering is quick for common matches but reads
    /// the whole account for rare ones (or ones that sort late), and
    /// collecting every match through the trigram index then sorting is
    /// quick for rare matches but slow for common ones. So the walk is
    /// bounded: if the first [`SEARCH_PREFIX_ROWS`] rows in order hold a
    /// full page of matches, those are the page; otherwise the matches are
    /// collected and sorted. Both are one statement: the collect runs only
    /// when the walk came back short (a one-time filter on the walk's
    /// count), so a search is planned once.
    async fn page(&self, pool: &PgPool) -> Result<Vec<PgRow>, StoreError> {
        self.fetch_in_snapshot(pool, Listing::page_sql).await
    }

    /// The statement of [`Listing::page`].
    fn page_sql(&self) -> Result<QueryBuilder<'static, Postgres>, StoreError> {
        let key = self.sort_column();
        let mut sql = QueryBuilder::<Postgres>::new("");
        self.push_with(&mut sql);
        if self.search.is_none() {
            sql.push("page AS (SELECT id FROM (");
            self.push_sources(&mut sql, Sources { search: false, after: true, limit: Some(PAGE_SIZE + 1) })?;
            sql.push(self.order_by("", "id")).push(" LIMIT ").push_bind(PAGE_SIZE + 1).push(") AS first)");
        } else {
            // The walk: the first rows in order (both parts merged in order
            // and read lazily), filtered; it stops at a page of matches.
            sql.push(format!("walked AS MATERIALIZED (SELECT id, {key} FROM "));
            self.push_walk(&mut sql, SEARCH_PREFIX_ROWS, true)?;
            sql.push(self.order_by("", "id")).push(" LIMIT ").push_bind(PAGE_SIZE + 1);
            // The collect: every match, sorted; not run when the walk filled
            // the page.
            sql.push(format!("), collected AS (SELECT id, {key} FROM ("));
            self.push_sources(&mut sql, Sources { search: true, after: true, limit: None })?;
            sql.push(") AS matches WHERE (SELECT count(*) FROM walked) <= ")
                .push_bind(PAGE_SIZE)
                .push(self.order_by("", "id"))
                .push(" LIMIT ")
                .push_bind(PAGE_SIZE + 1)
                .push("), page AS (SELECT id FROM walked WHERE (SELECT count(*) FROM walked) > ")
                .push_bind(PAGE_SIZE)
                .push(" UNION ALL SELECT id FROM collected)");
        }
        sql.push(format!(
            " SELECT id, sort_name, company_key, updated_at, {} FROM contacts WHERE account_id = ",
            field_columns("")
        ))
        .push_bind(self.account)
        .push(" AND id IN (SELECT id FROM page)")
        .push(self.order_by("", "id"));
        Ok(sql)
    }

    /// How many contacts match, counting to one past the cap.
    async fn count(&self, pool: &PgPool) -> Result<MatchCount, StoreError> {
        let cap = self.count_cap();
        let counted: i64 = if self.search.is_none() {
            // Every contact is in `contacts`, pending or not: no snapshot
            // needs checking.
            self.count_sql()?.build().persistent(false).fetch_one(pool).await?.try_get(0)?
        } else {
            self.fetch_in_snapshot(pool, Listing::count_sql).await?.first().ok_or(sqlx::Error::RowNotFound)?.try_get(0)?
        };
        Ok(MatchCount::of(u64::try_from(counted).unwrap_or(0), cap))
    }

    /// The most a count tells exactly.
    fn count_cap(&self) -> u32 {
        if self.search.is_some() { MatchCount::SEARCH_CAP } else { MatchCount::LIST_CAP }
    }

    /// The statement of [`Listing::count`]: one past the cap at most.
    fn count_sql(&self) -> Result<QueryBuilder<'static, Postgres>, StoreError> {
        let cap = self.count_cap();
        let limit = i64::from(cap) + 1;
        let mut sql = QueryBuilder::<Postgres>::new("");
        if self.search.is_none() {
            sql.push("SELECT count(*) FROM (SELECT 1 FROM contacts c WHERE c.account_id = ").push_bind(self.account);
            self.push_category(&mut sql, "c.");
            sql.push(" LIMIT ").push_bind(limit).push(") AS counted");
        } else {
            // A common term is counted in the list's order, a rare one through
            // the trigram index (see [`COUNT_PROBE_ROWS`]). Each part is a
            // subquery Postgres runs only when the expression needs its value,
            // so a rare term never walks and a common one never builds the
            // index's bitmap.
            if self.pending {
                sql.push("WITH ");
                pending::push_pending_ids(&mut sql, self.account);
            }
            sql.push(" SELECT CASE WHEN (SELECT count(*) FROM ");
            self.push_walk(&mut sql, COUNT_PROBE_ROWS, false)?;
            sql.push(") * ")
                .push_bind(SEARCH_PREFIX_ROWS)
                .push(" > ")
                .push_bind(i64::from(cap) * COUNT_PROBE_ROWS)
                .push(" AND (SELECT count(*) FROM (SELECT 1 FROM ");
            self.push_walk(&mut sql, SEARCH_PREFIX_ROWS, false)?;
            sql.push(" LIMIT ").push_bind(limit).push(") AS walk_matches) = ").push_bind(limit);
            sql.push(" THEN ").push_bind(limit).push(" ELSE (SELECT count(*) FROM (SELECT 1 FROM (");
            self.push_sources(&mut sql, Sources { search: true, after: false, limit: None })?;
            sql.push(") AS matches LIMIT ").push_bind(limit).push(") AS counted) END");
        }
        Ok(sql)
    }

    /// The rows of the statement `sql` writes for this listing, run in a
    /// read-only transaction of its own ([`pending::fetch_in_snapshot`]).
    /// When the account has no pending contacts in that transaction's
    /// snapshot (the usual case: the indexer catches up within seconds of a
    /// write), the SQL leaves out their parts: the `pending` ids, the filter that skips them in the indexes
    /// and the read of them from `contacts`. Without those parts a search's
    /// statement is about half the SQL, planned in about a millisecond less
    /// and run in about 1.5 ms less (200,000 contacts). The check and the
    /// statement share one snapshot (`REPEATABLE READ`), so a write that
    /// commits between them is either seen by both or by neither, and the
    /// list stays exact.
    async fn fetch_in_snapshot(
        &self,
        pool: &PgPool,
        sql: impl FnOnce(&Listing<'a>) -> Result<QueryBuilder<'static, Postgres>, StoreError>,
    ) -> Result<Vec<PgRow>, StoreError> {
        pending::fetch_in_snapshot(pool, self.account, |pending| sql(&Listing { pending, ..self.clone() })).await
    }

    /// `WITH ` and, when the SQL reads pending contacts, their ids (the
    /// `pending` CTE) and a comma, for the CTEs that follow.
    fn push_with(&self, sql: &mut QueryBuilder<'_, Postgres>) {
        sql.push("WITH ");
        if self.pending {
            pending::push_pending_ids(sql, self.account);
            sql.push(", ");
        }
    }

    /// `(<the first rows in the list's order>) AS walked WHERE <the search>`:
    /// the first `rows` contacts the query may show (from the cursor on when
    /// `after`), read in order from the sort's covering index, and filtered
    /// by the search after the cut.
    fn push_walk(&self, sql: &mut QueryBuilder<'_, Postgres>, rows: i64, after: bool) -> Result<(), StoreError> {
        sql.push("(");
        self.push_sources(sql, Sources { search: false, after, limit: Some(rows) })?;
        sql.push(self.order_by("", "id")).push(" LIMIT ").push_bind(rows).push(") AS walked WHERE true");
        self.push_search(sql, "walked.search_text");
        Ok(())
    }

    /// The contacts the query may show, as `(id, <sort column>,
    /// search_text)`: those `contact_search` indexes (not pending), then the
    /// pending ones from `contacts` (when the SQL reads any). Those columns, the category and the
    /// account are all in each sort order's index, so reading
    /// `contact_search` in order needs no table rows (an index-only scan).
    /// A part without a limit is fenced (`OFFSET 0`): Postgres then finds
    /// its matches the cheapest way (the trigram index) instead of walking
    /// the sort order unbounded for a `LIMIT` above it.
    fn push_sources(&self, sql: &mut QueryBuilder<'_, Postgres>, sources: Sources) -> Result<(), StoreError> {
        let key = self.sort_column();
        sql.push(format!("SELECT * FROM (SELECT s.contact_id AS id, s.{key}, s.search_text FROM contact_search s WHERE s.account_id = "))
            .push_bind(self.account);
        self.push_category(sql, "s.");
        if sources.after {
            self.push_after(sql, "s.", "contact_id")?;
        }
        if sources.search {
            self.push_search(sql, "s.search_text");
        }
        if self.pending {
            sql.push(" AND NOT EXISTS (SELECT 1 FROM pending p WHERE p.id = s.contact_id)");
        }
        push_limit(sql, sources.limit, self.order_by("s.", "contact_id"));
        sql.push(") AS indexed");
        if !self.pending {
            return Ok(());
        }
        sql.push(format!(" UNION ALL SELECT * FROM (SELECT c.id, c.{key}, c.search_text FROM contacts c WHERE c.account_id = "))
            .push_bind(self.account)
            .push(" AND c.id IN (SELECT id FROM pending)");
        self.push_category(sql, "c.");
        if sources.after {
            self.push_after(sql, "c.", "id")?;
        }
        if sources.search {
            self.push_search(sql, "c.search_text");
        }
        push_limit(sql, sources.limit, self.order_by("c.", "id"));
        sql.push(") AS fresh");
        Ok(())
    }

    /// ` AND category = …` when filtered.
    fn push_category(&self, sql: &mut QueryBuilder<'_, Postgres>, prefix: &str) {
        if let Some(category) = self.category {
            sql.push(format!(" AND {prefix}category = ")).push_bind(category);
        }
    }

    /// ` AND` the search on `column`: LIKE patterns the trigram index can
    /// serve (a word start pads the word with a blank, which gives it
    /// trigrams).
    fn push_search(&self, sql: &mut QueryBuilder<'_, Postgres>, column: &str) {
        match &self.search {
            None => {}
            Some(SearchText::Anywhere(text)) => {
                sql.push(format!(" AND {column} LIKE ")).push_bind(format!("%{}%", escape_like(text)));
            }
            Some(SearchText::WordStart(text)) => {
                let escaped = escape_like(text);
                sql.push(format!(" AND ({column} LIKE "))
                    .push_bind(format!("{escaped}%"))
                    .push(format!(" OR {column} LIKE "))
                    .push_bind(format!("% {escaped}%"))
                    .push(")");
            }
        }
    }

    /// The column the sort orders by (then by id).
    fn sort_column(&self) -> &'static str {
        match self.sort {
            ContactSort::Name => "sort_name",
            ContactSort::Company => "company_key",
            ContactSort::Updated => "updated_at",
        }
    }

    /// ` ORDER BY` the sort, on columns with `prefix` and the id column `id`.
    fn order_by(&self, prefix: &str, id: &str) -> String {
        let column = self.sort_column();
        match self.sort {
            ContactSort::Name | ContactSort::Company => format!(" ORDER BY {prefix}{column}, {prefix}{id}"),
            ContactSort::Updated => format!(" ORDER BY {prefix}{column} DESC, {prefix}{id}"),
        }
    }

    /// The keyset condition: strictly after the cursor in the sort order.
    fn push_after(&self, sql: &mut QueryBuilder<'_, Postgres>, prefix: &str, id: &str) -> Result<(), StoreError> {
        let Some(cursor) = self.after else {
            return Ok(());
        };
        let column = match self.sort {
            ContactSort::Name => "sort_name",
            ContactSort::Company => "company_key",
            ContactSort::Updated => {
                // A cursor that does not parse is treated as "from the start".
                let Ok(at) = OffsetDateTime::parse(&cursor.key, &Rfc3339) else {
                    return Ok(());
                };
                sql.push(format!(" AND ({prefix}updated_at < "))
                    .push_bind(at)
                    .push(format!(" OR ({prefix}updated_at = "))
                    .push_bind(at)
                    .push(format!(" AND {prefix}{id} > "))
                    .push_bind(cursor.id)
                    .push("))");
                return Ok(());
            }
        };
        sql.push(format!(" AND ({prefix}{column}, {prefix}{id}) > ("))
            .push_bind(cursor.key.clone())
            .push(", ")
            .push_bind(cursor.id)
            .push(")");
        Ok(())
    }
}

/// ` ORDER BY … LIMIT n` for a part with a limit; ` OFFSET 0` (a fence
/// that keeps the part a subquery of its own) for one without.
fn push_limit(sql: &mut QueryBuilder<'_, Postgres>, limit: Option<i64>, order_by: String) {
    match limit {
        Some(limit) => {
            sql.push(order_by).push(" LIMIT ").push_bind(limit);
        }
        None => {
            sql.push(" OFFSET 0");
        }
    }
}

/// Which parts of the query [`Listing::push_sources`] applies.
#[derive(Clone, Copy, Debug)]
struct Sources {
    search: bool,
    after: bool,
    /// Only the first so many of each part, in the order.
    limit: Option<i64>,
}

fn sort_key(row: &PgRow, sort: ContactSort) -> Result<String, StoreError> {
    Ok(match sort {
        ContactSort::Name => row.try_get("sort_name")?,
        ContactSort::Company => row.try_get("company_key")?,
        ContactSort::Updated => {
            let at: OffsetDateTime = row.try_get("updated_at")?;
            at.format(&Rfc3339).unwrap_or_default()
        }
    })
}

/// Escapes LIKE's wildcards so a search for "50%" finds the text "50%".
pub(crate) fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        if matches!(character, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(character);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::escape_like;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like("50%_off\\"), "50\\%\\_off\\\\");
        assert_eq!(escape_like("ana"), "ana");
    }
}
