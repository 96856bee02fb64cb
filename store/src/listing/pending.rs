//! Pending contacts: written since `contact_search` last caught up with
//! them. A writer queues what it wrote in `search_queue`, in the same
//! transaction as the write: one entry per contact, or one per import for
//! every contact the import (or its undo) wrote, found through the import's
//! `import_changes`, so an import of 100,000 rows adds one queue row.
//!
//! Invariant: in every snapshot, each contact of an account either has a
//! `contact_search` row equal to its list keys and `contact_similar_keys`
//! rows equal to its similar keys (`crate::imports::similar`), or is named
//! (directly or through an import) by a `search_queue` entry. Writers queue
//! in the write's own transaction; the indexer ([`super::index`]) removes
//! only the entries it has read, in the transaction that writes what it
//! read. So a reader that asks [`any`] in the snapshot its statement runs
//! in ([`fetch_in_snapshot`]) may leave the pending parts out when there
//! are none.

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::model::AccountId;

/// `pending AS MATERIALIZED (…)`: the ids of the account's pending contacts
/// (for a `WITH` list). Contacts an import deleted are named too; they join
/// nothing in `contacts`. Of an import, only the changes after the entry's
/// `done_line`: the indexer indexed those up to it in the transaction that
/// moved it, and a later write of one of them queued its own entry. So a
/// big import's contacts move to the indexes a step at a time, instead of
/// all being read from `contacts` until the last step.
pub(crate) fn push_pending_ids(sql: &mut QueryBuilder<'_, Postgres>, account: AccountId) {
    sql.push("pending AS MATERIALIZED (SELECT q.contact_id AS id FROM search_queue q WHERE q.account_id = ")
        .push_bind(account)
        .push(
            " AND q.contact_id IS NOT NULL
             UNION SELECT ch.contact_id FROM search_queue q
                   JOIN import_changes ch ON ch.account_id = q.account_id AND ch.import_id = q.import_id
                                          AND ch.line > q.done_line
             WHERE q.account_id = ",
        )
        .push_bind(account)
        .push(" AND q.import_id IS NOT NULL)");
}

/// Whether the account has pending contacts in `conn`'s snapshot: any
/// `search_queue` entry of it, read or not.
pub(crate) async fn any(conn: &mut PgConnection, account: AccountId) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM search_queue WHERE account_id = $1)")
        .bind(account)
        .fetch_one(&mut *conn)
        .await
}

/// The rows of the statement `sql` writes, run in a read-only transaction
/// of its own. `sql` is told whether the account has any pending contact in
/// that transaction's snapshot (`REPEATABLE READ`): when it has none (the
/// usual case: the indexer catches up within seconds of a write), the
/// statement may leave the pending parts out, and a write that commits
/// meanwhile is seen by both the check and the statement or by neither.
pub(crate) async fn fetch_in_snapshot<E: From<sqlx::Error>>(
    pool: &PgPool,
    account: AccountId,
    sql: impl FnOnce(bool) -> Result<QueryBuilder<'static, Postgres>, E>,
) -> Result<Vec<PgRow>, E> {
    let mut snapshot = pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?;
    let pending = any(&mut snapshot, account).await?;
    let rows = sql(pending)?.build().persistent(false).fetch_all(&mut *snapshot).await?;
    snapshot.commit().await?;
    Ok(rows)
}

/// What a writer queues: the contacts it wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Written {
    /// One contact, created, changed or deleted.
    Contact(Uuid),
    /// Every contact an import (or its undo) wrote: its `import_changes`.
    Import(Uuid),
}

/// Queues what was just written on `conn` (inside the write's transaction).
pub(crate) async fn queue(conn: &mut PgConnection, account: AccountId, written: Written) -> Result<(), sqlx::Error> {
    let (contact, import) = match written {
        Written::Contact(id) => (Some(id), None),
        Written::Import(id) => (None, Some(id)),
    };
    sqlx::query("INSERT INTO search_queue (account_id, contact_id, import_id) VALUES ($1, $2, $3)")
        .bind(account)
        .bind(contact)
        .bind(import)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
