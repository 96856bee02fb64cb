//! Bringing `contact_search` (the list's sort and trigram indexes) and
//! `contact_similar_keys` (the import preview's possible-duplicate keys,
//! see `crate::imports::similar`) up to date with the contacts written
//! since: one step reads some queued contacts from `contacts`, writes their
//! list keys to `contact_search` and their similar keys (computed by the
//! rules) to `contact_similar_keys` (or removes the rows of contacts that
//! are gone) and takes their queue entries off, in one transaction. The
//! server runs steps in the background (`server::maintenance`); writers
//! never wait for them.
//!
//! Invariants:
//! - A step removes only the queue entries it read, in the transaction that
//!   writes the keys it read, so a write committed meanwhile keeps its own
//!   entry and is indexed by a later step.
//! - Steps for one account never overlap (a transaction-scoped advisory lock
//!   per account, taken before any key is read), so a step that read older
//!   keys never overwrites a newer one's. Steps for different accounts, on
//!   any number of servers, run side by side (`SKIP LOCKED`).

use sqlx::{PgConnection, PgPool, Row};
use uuid::Uuid;

use crate::imports::locks::account_lock_key;
use crate::model::AccountId;

/// The first half of the advisory lock key of an account's indexing steps
/// (the second is the account's, as for its contacts lock).
pub const INDEX_LOCK_CLASS: i32 = 0x7372_6368; // "srch"

/// Queue entries one step reads at most.
const ENTRIES_PER_STEP: i64 = 500;

/// Indexes up to about `max_contacts` pending contacts of one account.
/// Returns how many contacts it indexed (0 when there was nothing to do, or
/// another step holds the only account with work).
pub async fn index_pending(pool: &PgPool, max_contacts: usize) -> Result<usize, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let Some(row) = sqlx::query("SELECT account_id FROM search_queue ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED")
        .fetch_optional(&mut *transaction)
        .await?
    else {
        return Ok(0);
    };
    let account = AccountId(row.try_get("account_id")?);
    let locked: bool = sqlx::query("SELECT pg_try_advisory_xact_lock($1, $2)")
        .bind(INDEX_LOCK_CLASS)
        .bind(account_lock_key(account))
        .fetch_one(&mut *transaction)
        .await?
        .try_get(0)?;
    if !locked {
        return Ok(0);
    }

    let entries = sqlx::query(
        "SELECT id, contact_id, import_id, done_line FROM search_queue
         WHERE account_id = $1 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED",
    )
    .bind(account)
    .bind(ENTRIES_PER_STEP)
    .fetch_all(&mut *transaction)
    .await?;
    let mut budget = max_contacts.max(1);
    let mut done_entries: Vec<i64> = Vec::new();
    let mut contacts: Vec<Uuid> = Vec::new();
    for entry in &entries {
        if budget == 0 {
            break;
        }
        let id: i64 = entry.try_get("id")?;
        if let Some(contact) = entry.try_get::<Option<Uuid>, _>("contact_id")? {
            contacts.push(contact);
            done_entries.push(id);
            budget -= 1;
            continue;
        }
        let Some(import) = entry.try_get::<Option<Uuid>, _>("import_id")? else {
            done_entries.push(id);
            continue;
        };
        let done_line: i32 = entry.try_get("done_line")?;
        let changes = sqlx::query(
            "SELECT contact_id, line FROM import_changes
             WHERE account_id = $1 AND import_id = $2 AND line > $3 ORDER BY line LIMIT $4",
        )
        .bind(account)
        .bind(import)
        .bind(done_line)
        .bind(i64::try_from(budget).unwrap_or(i64::MAX))
        .fetch_all(&mut *transaction)
        .await?;
        let mut last_line = done_line;
        for change in &changes {
            contacts.push(change.try_get("contact_id")?);
            last_line = change.try_get("line")?;
        }
        if changes.len() < budget {
            done_entries.push(id);
            budget -= changes.len();
        } else {
            // More of this import next time.
            sqlx::query("UPDATE search_queue SET done_line = $3 WHERE account_id = $1 AND id = $2")
                .bind(account)
                .bind(id)
                .bind(last_line)
                .execute(&mut *transaction)
                .await?;
            budget = 0;
        }
    }
    index_contacts(&mut transaction, account, &contacts).await?;
    sqlx::query("DELETE FROM search_queue WHERE account_id = $1 AND id = ANY($2)")
        .bind(account)
        .bind(&done_entries)
        .execute(&mut *transaction)
        .await?;
    transaction.commit().await?;
    Ok(contacts.len())
}

/// Writes the list keys of `contacts` (as they are now) to `contact_search`
/// and their similar keys to `contact_similar_keys`, and removes the rows of
/// those that no longer exist. A contact whose `contact_search` row already
/// holds its keys (queued again without a change to them, as every contact
/// is by the migration that added `contact_similar_keys`) is left out
/// before the upsert (so every conflict left is a row to change):
/// `ON CONFLICT DO UPDATE … WHERE` would still lock the row it then does
/// not change, writing to every such row's page for nothing.
async fn index_contacts(conn: &mut PgConnection, account: AccountId, contacts: &[Uuid]) -> Result<(), sqlx::Error> {
    if contacts.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "WITH ids AS (SELECT DISTINCT unnest($2::uuid[]) AS id),
         gone AS (
             DELETE FROM contact_search s USING ids
             WHERE s.account_id = $1 AND s.contact_id = ids.id
               AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.account_id = $1 AND c.id = ids.id))
         INSERT INTO contact_search (account_id, contact_id, sort_name, company_key, updated_at, category, search_text)
         SELECT c.account_id, c.id, c.sort_name, c.company_key, c.updated_at, c.category, c.search_text
         FROM ids JOIN contacts c ON c.account_id = $1 AND c.id = ids.id
         WHERE NOT EXISTS (
             SELECT 1 FROM contact_search s
             WHERE s.account_id = $1 AND s.contact_id = c.id
               AND (s.sort_name, s.company_key, s.updated_at, s.category, s.search_text)
                   IS NOT DISTINCT FROM (c.sort_name, c.company_key, c.updated_at, c.category, c.search_text))
         ON CONFLICT (account_id, contact_id) DO UPDATE SET
             sort_name = EXCLUDED.sort_name, company_key = EXCLUDED.company_key, updated_at = EXCLUDED.updated_at,
             category = EXCLUDED.category, search_text = EXCLUDED.search_text",
    )
    .bind(account)
    .bind(contacts)
    .execute(&mut *conn)
    .await?;
    crate::imports::similar::write_keys(conn, account, contacts).await
}

/// Vacuums `search_queue` and updates its statistics. Every page of the
/// list asks whether its account has queue entries (`super::pending::any`),
/// and the entries steps remove stay in the table as dead rows until a
/// vacuum: the question reads past all of them, for every account. After
/// 200,000 contacts queued one by one and indexed, it read 2,062 pages of
/// 195,000 dead rows (4 ms), once or twice for every list request, until
/// autovacuum came by. The server's indexer calls this after a burst of
/// steps (`server::maintenance`); on a queue of a few thousand pages it
/// takes milliseconds. (Needs the tables' owner, as migrations do; another
/// role gets a warning and the queue is left to autovacuum.)
pub async fn vacuum_queue(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query("VACUUM (ANALYZE) search_queue").execute(pool).await?;
    Ok(())
}

/// Runs steps until nothing is pending that another step does not hold
/// (for tests and tools that need the list's indexes current; the server
/// runs steps in the background instead). Returns how many contacts were
/// indexed.
pub async fn index_all_pending(pool: &PgPool) -> Result<usize, sqlx::Error> {
    let mut total = 0;
    loop {
        let indexed = index_pending(pool, 5_000).await?;
        if indexed == 0 {
            let left: i64 = sqlx::query("SELECT count(*) FROM search_queue").fetch_one(pool).await?.try_get(0)?;
            if left == 0 {
                return Ok(total);
            }
        }
        total += indexed;
        if indexed == 0 {
            // Another step holds the rest: let it finish.
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}
