//! The `imports` row itself: locking it and moving its status.
//!
//! Invariant: every statement here filters by account and id, and the status
//! changes only along `open → committed → undone` or `open → failed` (each
//! update names the status it expects to leave, so a stale caller changes
//! nothing).

use rules::headers::ImportColumns;
use rules::merge::MergeMode;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use super::codec::{mode_from_text, status_from_text};
use super::ImportError;
use crate::model::{AccountId, ImportCounts, ImportStatus, UserId};

/// What a confirm or an undo needs to know about an import.
#[derive(Clone, Debug)]
pub(crate) struct ImportRecord {
    pub(crate) id: Uuid,
    pub(crate) user: Option<UserId>,
    pub(crate) file_name: String,
    pub(crate) status: ImportStatus,
    pub(crate) mode: MergeMode,
    pub(crate) columns: ImportColumns,
    pub(crate) row_count: u32,
    /// How many rows are staged: each upload adds what it stored, in the
    /// transaction that stores it (see `upload`), so under this row's lock
    /// it is the staged rows' count without counting them.
    pub(crate) received_rows: u32,
    pub(crate) counts: ImportCounts,
    pub(crate) failure: Option<String>,
    /// The issues a refused confirm returned (see [`Rejection`]).
    pub(crate) rejection: Option<Rejection>,
}

/// What a refused confirm returned, kept so a repeated confirm returns it
/// again: the first issues and how many there were in all.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Rejection {
    pub(crate) issues: Vec<rules::Issue>,
    pub(crate) total_issues: u32,
}

/// The import `id` of `account`, its row locked (`FOR UPDATE`) until the
/// transaction ends, so confirms and undos of one import run one at a time,
/// after the uploads in flight (which hold the row in `KEY SHARE`).
/// [`ImportError::NotFound`] when there is no such import in the account.
pub(crate) async fn lock(conn: &mut PgConnection, account: AccountId, id: Uuid) -> Result<ImportRecord, ImportError> {
    let row = sqlx::query(
        "SELECT id, user_id, file_name, status, mode, columns, row_count, received_rows,
                created_count, updated_count, unchanged_count, skipped_count, failure, rejection
         FROM imports WHERE account_id = $1 AND id = $2 FOR UPDATE",
    )
    .bind(account)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(ImportError::NotFound)?;
    Ok(record_from_row(&row)?)
}

fn record_from_row(row: &PgRow) -> Result<ImportRecord, sqlx::Error> {
    let status: String = row.try_get("status")?;
    let mode: String = row.try_get("mode")?;
    let columns: serde_json::Value = row.try_get("columns")?;
    let columns: ImportColumns =
        serde_json::from_value(columns).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
    Ok(ImportRecord {
        id: row.try_get("id")?,
        user: row.try_get("user_id")?,
        file_name: row.try_get("file_name")?,
        status: status_from_text(&status)?,
        mode: mode_from_text(&mode)?,
        columns,
        row_count: count(row, "row_count")?,
        received_rows: count(row, "received_rows")?,
        counts: counts_from_row(row)?,
        failure: row.try_get("failure")?,
        // A stored rejection that no longer reads (the issue format changed)
        // is treated as absent: the failure sentence still says what happened.
        rejection: row
            .try_get::<Option<serde_json::Value>, _>("rejection")?
            .and_then(|value| serde_json::from_value(value).ok()),
    })
}

/// A non-negative integer column as `u32` (a negative one reads as 0).
pub(crate) fn count(row: &PgRow, column: &str) -> Result<u32, sqlx::Error> {
    let value: i32 = row.try_get(column)?;
    Ok(u32::try_from(value).unwrap_or(0))
}

/// The `created_count`, `updated_count`, `unchanged_count` and
/// `skipped_count` columns.
pub(crate) fn counts_from_row(row: &PgRow) -> Result<ImportCounts, sqlx::Error> {
    Ok(ImportCounts {
        created: count(row, "created_count")?,
        updated: count(row, "updated_count")?,
        unchanged: count(row, "unchanged_count")?,
        skipped: count(row, "skipped_count")?,
    })
}

/// `count` as an `integer` column value (saturating; counts never get near).
pub(crate) fn as_i32(count: impl TryInto<i32>) -> i32 {
    count.try_into().unwrap_or(i32::MAX)
}

/// Marks an open import committed with its counts.
pub(crate) async fn mark_committed(
    conn: &mut PgConnection,
    account: AccountId,
    id: Uuid,
    counts: ImportCounts,
) -> Result<(), ImportError> {
    let done = sqlx::query(
        "UPDATE imports SET status = 'committed', committed_at = now(), failure = NULL,
                created_count = $3, updated_count = $4, unchanged_count = $5, skipped_count = $6
         WHERE account_id = $1 AND id = $2 AND status = 'open'",
    )
    .bind(account)
    .bind(id)
    .bind(as_i32(counts.created))
    .bind(as_i32(counts.updated))
    .bind(as_i32(counts.unchanged))
    .bind(as_i32(counts.skipped))
    .execute(&mut *conn)
    .await?;
    expect_one(done.rows_affected())
}

/// Marks an open import failed, with the sentence the user is shown and,
/// when rows had issues, the issues returned. Returns whether it was still
/// open (a stale caller changes nothing).
pub(crate) async fn mark_failed(
    conn: &mut PgConnection,
    account: AccountId,
    id: Uuid,
    failure: &str,
    rejection: Option<&Rejection>,
) -> Result<bool, ImportError> {
    let rejection =
        rejection.map(serde_json::to_value).transpose().map_err(|error| sqlx::Error::Encode(Box::new(error)))?;
    let done = sqlx::query(
        "UPDATE imports SET status = 'failed', failure = $3, rejection = $4
         WHERE account_id = $1 AND id = $2 AND status = 'open'",
    )
    .bind(account)
    .bind(id)
    .bind(failure)
    .bind(rejection)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a committed import undone.
pub(crate) async fn mark_undone(conn: &mut PgConnection, account: AccountId, id: Uuid) -> Result<(), ImportError> {
    let done = sqlx::query(
        "UPDATE imports SET status = 'undone', undone_at = now()
         WHERE account_id = $1 AND id = $2 AND status = 'committed'",
    )
    .bind(account)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    expect_one(done.rows_affected())
}

/// One row updated, as the caller (holding the import's row lock) expects;
/// anything else is reported as a conflict rather than a wrong write.
fn expect_one(rows: u64) -> Result<(), ImportError> {
    if rows == 1 {
        Ok(())
    } else {
        Err(ImportError::Conflict(
            "This import changed while it was being saved. Nothing was changed; please try again.".into(),
        ))
    }
}
