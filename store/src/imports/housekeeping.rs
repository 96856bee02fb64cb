//! Tidying up after imports: an import left open (the browser went away
//! before confirming) expires, and the staged rows of imports that are no
//! longer open are removed once a retention period has passed. The server
//! runs [`tidy`] every so often in the background.
//!
//! Invariants:
//! - Only what no one can use any more goes: staged rows of an open import
//!   are never removed (a confirm may still come), and an import expires
//!   only while still open. A confirm holds its import's row lock, so an
//!   import being confirmed never expires under it.
//! - Safe with any number of servers: a run holds a transaction-scoped
//!   advisory lock, so two runs never overlap (the second skips), and each
//!   statement is idempotent, so a run killed half-way is simply done again.

use std::time::Duration;

use sqlx::{PgPool, Row};

use super::codec::status_text;
use crate::model::ImportStatus;

/// The advisory lock key of a housekeeping run ("hkpg", then 0: one for
/// the whole database).
pub const HOUSEKEEPING_LOCK_CLASS: i32 = 0x686b_7067;

/// What an expired import is marked with, as its history and a later
/// confirm show it.
pub const EXPIRED: &str =
    "It was not confirmed in time, so it expired and nothing was changed. Import the file again.";

/// How long imports and their staged rows are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retention {
    /// How long an import may stay open (not confirmed) before it expires.
    pub open_import: Duration,
    /// How long the staged rows of an import that is no longer open are
    /// kept after it was confirmed (or, if never applied, opened).
    pub staged_rows: Duration,
}

impl Retention {
    /// 24 hours to confirm; staged rows kept an hour.
    pub const DEFAULT: Retention =
        Retention { open_import: Duration::from_secs(24 * 60 * 60), staged_rows: Duration::from_secs(60 * 60) };
}

/// What a run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tidied {
    /// Imports that expired.
    pub expired_imports: u64,
    /// Staged rows removed.
    pub removed_rows: u64,
    /// Whether another run held the lock (then this one did nothing).
    pub skipped: bool,
}

/// Expires open imports older than `retention.open_import` and removes the
/// staged rows of imports no longer open, once `retention.staged_rows` has
/// passed. Returns what it did.
pub async fn tidy(pool: &PgPool, retention: Retention) -> Result<Tidied, sqlx::Error> {
    let mut transaction = pool.begin().await?;
    let locked: bool = sqlx::query("SELECT pg_try_advisory_xact_lock($1, 0)")
        .bind(HOUSEKEEPING_LOCK_CLASS)
        .fetch_one(&mut *transaction)
        .await?
        .try_get(0)?;
    if !locked {
        return Ok(Tidied { skipped: true, ..Tidied::default() });
    }
    let expired_imports = sqlx::query(
        "UPDATE imports SET status = $1, failure = $2
         WHERE status = $3 AND created_at < now() - make_interval(secs => $4)",
    )
    .bind(status_text(ImportStatus::Failed))
    .bind(EXPIRED)
    .bind(status_text(ImportStatus::Open))
    .bind(retention.open_import.as_secs_f64())
    .execute(&mut *transaction)
    .await?
    .rows_affected();
    let removed_rows = sqlx::query(
        "DELETE FROM import_staging s USING imports i
         WHERE s.account_id = i.account_id AND s.import_id = i.id
           AND i.status <> $1 AND coalesce(i.committed_at, i.created_at) < now() - make_interval(secs => $2)",
    )
    .bind(status_text(ImportStatus::Open))
    .bind(retention.staged_rows.as_secs_f64())
    .execute(&mut *transaction)
    .await?
    .rows_affected();
    transaction.commit().await?;
    Ok(Tidied { expired_imports, removed_rows, skipped: false })
}
