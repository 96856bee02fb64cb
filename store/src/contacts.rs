//! Reading and writing single contacts, and the searchable, paged list.

use rules::check::match_key;
use rules::{ContactFields, Field};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder, Row};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::fields_sql::{field_columns, fields_from_row};
use crate::imports::locks::{lock_account_contacts, LockMode};
use crate::model::{AccountId, ContactPage, ContactQuery, ContactRecord, ContactSort, ContactSummary, PageCursor};
use crate::StoreError;

/// How many contacts one page of the list holds.
pub const PAGE_SIZE: i64 = 50;

/// One page of the account's contacts matching `query`.
pub async fn list(pool: &PgPool, account: AccountId, query: &ContactQuery) -> Result<ContactPage, StoreError> {
    // The page and the count are independent: asking both at once makes a
    // search cost the slower of the two rather than their sum.
    let (rows, total) = tokio::try_join!(page_rows(pool, account, query), count(pool, account, query))?;

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

/// How many rows a search first looks through in the list's order before it
/// collects every match instead: enough to fill a page when matches are
/// common, cheap when they are not.
pub const SEARCH_PREFIX_ROWS: i64 = 2_000;

/// Up to one page and one more row (which tells whether there is a next page).
///
/// Without a search, the sort order's index gives the page directly. With
/// one, neither plan Postgres can choose is safe on its own: walking the
/// order and filtering is quick for common matches but reads the whole
/// account for rare ones (or ones that sort late, like a surname), and
/// collecting every match through the trigram index then sorting is quick
/// for rare matches but slow for common ones. So the walk is bounded: if the
/// first rows in order hold a full page of matches, those are the page
/// (they are the first matches in the order); otherwise the matches are
/// collected and sorted.
async fn page_rows(pool: &PgPool, account: AccountId, query: &ContactQuery) -> Result<Vec<PgRow>, StoreError> {
    let columns = format!("id, sort_name, lower(company_name) AS company_key, updated_at, {}", field_columns(""));
    let Some(search) = search_condition(&query.search) else {
        let mut select = QueryBuilder::<Postgres>::new(format!("SELECT {columns} FROM contacts"));
        push_filters(&mut select, account, query);
        if let Some(cursor) = &query.after {
            push_after(&mut select, query.sort, cursor)?;
        }
        select.push(order_by(query.sort)).push(" LIMIT ").push_bind(PAGE_SIZE + 1);
        return Ok(select.build().fetch_all(pool).await?);
    };

    let mut walk = QueryBuilder::<Postgres>::new(format!("SELECT * FROM (SELECT {columns}, search_text FROM contacts"));
    push_account_and_category(&mut walk, account, query);
    if let Some(cursor) = &query.after {
        push_after(&mut walk, query.sort, cursor)?;
    }
    walk.push(order_by(query.sort)).push(" LIMIT ").push_bind(SEARCH_PREFIX_ROWS).push(") AS prefix WHERE true");
    search.push_to(&mut walk);
    walk.push(order_by(query.sort)).push(" LIMIT ").push_bind(PAGE_SIZE + 1);
    let rows = walk.build().persistent(false).fetch_all(pool).await?;
    if rows.len() as i64 > PAGE_SIZE {
        return Ok(rows);
    }

    // MATERIALIZED keeps the planner from walking the order's index again:
    // the matches are found through the trigram index and sorted by their
    // keys alone; only the page's rows are then read in full.
    let mut collect = QueryBuilder::<Postgres>::new("WITH matches AS MATERIALIZED (SELECT id, sort_name, company_name, updated_at FROM contacts");
    push_filters(&mut collect, account, query);
    if let Some(cursor) = &query.after {
        push_after(&mut collect, query.sort, cursor)?;
    }
    collect
        .push("), page AS (SELECT id FROM matches")
        .push(order_by(query.sort))
        .push(" LIMIT ")
        .push_bind(PAGE_SIZE + 1)
        .push(format!(") SELECT {columns} FROM contacts WHERE account_id = "))
        .push_bind(account)
        .push(" AND id IN (SELECT id FROM page)")
        .push(order_by(query.sort));
    Ok(collect.build().persistent(false).fetch_all(pool).await?)
}

/// How many contacts match the search and filter in all.
async fn count(pool: &PgPool, account: AccountId, query: &ContactQuery) -> Result<i64, StoreError> {
    let mut count = QueryBuilder::<Postgres>::new("SELECT count(*) FROM contacts");
    push_filters(&mut count, account, query);
    // Planned for this search's own text each time: a plan cached for some
    // other text can be far off (a rare name vs two common letters).
    Ok(count.build().persistent(false).fetch_one(pool).await?.try_get(0)?)
}

/// One contact of the account.
pub async fn get(pool: &PgPool, account: AccountId, id: Uuid) -> Result<ContactRecord, StoreError> {
    let sql = format!(
        "SELECT id, version, created_at, updated_at, {} FROM contacts WHERE account_id = $1 AND id = $2",
        field_columns("")
    );
    let row = sqlx::query(&sql)
        .bind(account)
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or(StoreError::NotFound)?;
    record_from_row(&row)
}

/// Inserts a contact with already-validated, normalised values.
pub async fn insert(pool: &PgPool, account: AccountId, fields: &ContactFields) -> Result<Uuid, StoreError> {
    let mut connection = pool.acquire().await?;
    insert_with(&mut connection, account, fields).await
}

async fn insert_with(connection: &mut PgConnection, account: AccountId, fields: &ContactFields) -> Result<Uuid, StoreError> {
    let mut insert = QueryBuilder::<Postgres>::new("INSERT INTO contacts (account_id, reference_key, email_key, ");
    insert
        .push(field_columns(""))
        .push(") VALUES (")
        .push_bind(account)
        .push(", ")
        .push_bind(match_key(fields.get(Field::Reference)))
        .push(", ")
        .push_bind(match_key(fields.get(Field::Email)));
    for (_, value) in fields.iter() {
        insert.push(", ").push_bind(value.to_string());
    }
    insert.push(") RETURNING id");
    let row = insert.build().fetch_one(&mut *connection).await.map_err(StoreError::from_write)?;
    Ok(row.try_get("id")?)
}

/// Creates a contact typed into the contact form (values already checked by
/// the shared rules), never in the middle of an import.
pub async fn create(pool: &PgPool, account: AccountId, fields: &ContactFields) -> Result<ContactRecord, StoreError> {
    let mut transaction = pool.begin().await?;
    lock_account_contacts(&mut transaction, account, LockMode::Shared).await?;
    let id = insert_with(&mut transaction, account, fields).await?;
    transaction.commit().await?;
    get(pool, account, id).await
}

/// Saves an edited contact if it is still at `expected_version`:
/// [`StoreError::Stale`] when someone changed it meanwhile (nothing is
/// overwritten), [`StoreError::NotFound`] when it is gone or not the
/// account's, [`StoreError::KeyTaken`] when its Contact ID or email became
/// another contact's.
pub async fn update(
    pool: &PgPool,
    account: AccountId,
    id: Uuid,
    expected_version: i32,
    fields: &ContactFields,
) -> Result<ContactRecord, StoreError> {
    let mut transaction = pool.begin().await?;
    lock_account_contacts(&mut transaction, account, LockMode::Shared).await?;
    let mut update = QueryBuilder::<Postgres>::new("UPDATE contacts SET version = version + 1, updated_at = now(), reference_key = ");
    update
        .push_bind(match_key(fields.get(Field::Reference)))
        .push(", email_key = ")
        .push_bind(match_key(fields.get(Field::Email)));
    for (field, value) in fields.iter() {
        update.push(format!(", {} = ", field.key())).push_bind(value.to_string());
    }
    update
        .push(" WHERE account_id = ")
        .push_bind(account)
        .push(" AND id = ")
        .push_bind(id)
        .push(" AND version = ")
        .push_bind(expected_version);
    let updated = update.build().execute(&mut *transaction).await.map_err(StoreError::from_write)?;
    if updated.rows_affected() == 0 {
        return Err(stale_or_missing(&mut transaction, account, id).await);
    }
    transaction.commit().await?;
    get(pool, account, id).await
}

/// Deletes a contact if it is still at `expected_version` (else
/// [`StoreError::Stale`]; [`StoreError::NotFound`] when it is gone).
pub async fn delete(pool: &PgPool, account: AccountId, id: Uuid, expected_version: i32) -> Result<(), StoreError> {
    let mut transaction = pool.begin().await?;
    lock_account_contacts(&mut transaction, account, LockMode::Shared).await?;
    let deleted = sqlx::query("DELETE FROM contacts WHERE account_id = $1 AND id = $2 AND version = $3")
        .bind(account)
        .bind(id)
        .bind(expected_version)
        .execute(&mut *transaction)
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(stale_or_missing(&mut transaction, account, id).await);
    }
    transaction.commit().await?;
    Ok(())
}

/// Why a write guarded by a version touched no row: the contact is there at
/// another version ([`StoreError::Stale`]) or is not the account's at all.
async fn stale_or_missing(connection: &mut PgConnection, account: AccountId, id: Uuid) -> StoreError {
    let exists = sqlx::query("SELECT 1 FROM contacts WHERE account_id = $1 AND id = $2")
        .bind(account)
        .bind(id)
        .fetch_optional(&mut *connection)
        .await;
    match exists {
        Ok(Some(_)) => StoreError::Stale,
        Ok(None) => StoreError::NotFound,
        Err(error) => StoreError::Database(error),
    }
}

/// Every contact matching `query`'s search and category (its sort is used,
/// its page cursor ignored), for the export.
pub async fn export(pool: &PgPool, account: AccountId, query: &ContactQuery) -> Result<Vec<ContactFields>, StoreError> {
    let mut select = QueryBuilder::<Postgres>::new("SELECT ");
    select.push(field_columns("")).push(" FROM contacts");
    push_filters(&mut select, account, query);
    select.push(order_by(query.sort));
    let rows = select.build().fetch_all(pool).await?;
    rows.iter().map(|row| Ok(fields_from_row(row)?)).collect()
}

fn order_by(sort: ContactSort) -> &'static str {
    match sort {
        ContactSort::Name => " ORDER BY sort_name, id",
        ContactSort::Company => " ORDER BY lower(company_name), id",
        ContactSort::Updated => " ORDER BY updated_at DESC, id",
    }
}

pub(crate) fn record_from_row(row: &sqlx::postgres::PgRow) -> Result<ContactRecord, StoreError> {
    Ok(ContactRecord {
        id: row.try_get("id")?,
        fields: fields_from_row(row)?,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// `WHERE account_id = … [AND category] [AND search]`.
fn push_filters(builder: &mut QueryBuilder<'_, Postgres>, account: AccountId, query: &ContactQuery) {
    push_account_and_category(builder, account, query);
    if let Some(search) = search_condition(&query.search) {
        search.push_to(builder);
    }
}

/// `WHERE account_id = … [AND category]`.
fn push_account_and_category(builder: &mut QueryBuilder<'_, Postgres>, account: AccountId, query: &ContactQuery) {
    builder.push(" WHERE account_id = ").push_bind(account);
    if let Some(category) = query.category {
        builder.push(" AND category = ").push_bind(category.as_str());
    }
}

/// Searches shorter than this match the start of a word rather than
/// anywhere: the trigram index cannot find a fragment under three
/// characters, so "an" would read every contact and find most of them.
const SUBSTRING_SEARCH_MIN_CHARS: usize = 3;

/// What the search box asks of `search_text` (lower-cased names, company,
/// email, Contact ID and phones, separated by spaces).
enum SearchCondition {
    /// The text anywhere: "bennett", "0412345", "ample.org".
    Substring(String),
    /// A word starting with the text: "an" finds "Anna" and "van Andel",
    /// not "Joanne".
    WordStart(String),
}

fn search_condition(search: &str) -> Option<SearchCondition> {
    let search = search.trim();
    if search.is_empty() {
        return None;
    }
    let escaped = escape_like(&search.to_lowercase());
    Some(if search.chars().count() < SUBSTRING_SEARCH_MIN_CHARS {
        SearchCondition::WordStart(escaped)
    } else {
        SearchCondition::Substring(escaped)
    })
}

impl SearchCondition {
    /// Both forms are LIKE patterns the trigram index can serve: a word
    /// start pads the word with blanks, which gives it trigrams ("  a", " an").
    fn push_to(&self, builder: &mut QueryBuilder<'_, Postgres>) {
        match self {
            SearchCondition::Substring(escaped) => {
                builder.push(" AND search_text LIKE ").push_bind(format!("%{escaped}%"));
            }
            SearchCondition::WordStart(escaped) => {
                builder
                    .push(" AND (search_text LIKE ")
                    .push_bind(format!("{escaped}%"))
                    .push(" OR search_text LIKE ")
                    .push_bind(format!("% {escaped}%"))
                    .push(")");
            }
        }
    }
}

/// The keyset condition: strictly after `cursor` in the sort order.
fn push_after(builder: &mut QueryBuilder<'_, Postgres>, sort: ContactSort, cursor: &PageCursor) -> Result<(), StoreError> {
    match sort {
        ContactSort::Name => {
            builder.push(" AND (sort_name, id) > (").push_bind(cursor.key.clone());
        }
        ContactSort::Company => {
            builder.push(" AND (lower(company_name), id) > (").push_bind(cursor.key.clone());
        }
        ContactSort::Updated => {
            // A cursor that does not parse is treated as "from the start".
            let Ok(at) = OffsetDateTime::parse(&cursor.key, &Rfc3339) else {
                return Ok(());
            };
            builder
                .push(" AND (updated_at < ")
                .push_bind(at)
                .push(" OR (updated_at = ")
                .push_bind(at)
                .push(" AND id > ")
                .push_bind(cursor.id)
                .push("))");
            return Ok(());
        }
    }
    builder.push(", ").push_bind(cursor.id).push(")");
    Ok(())
}

fn sort_key(row: &sqlx::postgres::PgRow, sort: ContactSort) -> Result<String, StoreError> {
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
fn escape_like(text: &str) -> String {
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
