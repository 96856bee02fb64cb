//! Import history: the account's imports, and one import with the contacts
//! it created or changed, before and after.
//!
//! Invariant: read-only, and scoped by account like everything else: an
//! import of another account is [`ImportError::NotFound`], exactly as a
//! random id.

use sqlx::postgres::PgRow;
use sqlx::{PgPool, Row};
use uuid::Uuid;

use super::codec::{fields_from_array, mode_from_text, status_from_text, status_text};
use super::record::{count, counts_from_row};
use super::{planned_per_call, ImportError};
use crate::model::{AccountId, ChangeAction, ContactChange, ImportDetail, ImportStatus, ImportSummary};

/// How many imports [`list`] returns at most (the newest).
pub const HISTORY_LIMIT: i64 = 500;

/// How many changed contacts one page of [`detail`] holds.
pub const CHANGES_PER_PAGE: u32 = 200;

/// The summary columns, from `imports i LEFT JOIN users u`.
const SUMMARY_COLUMNS: &str = "i.id, i.file_name, i.file_sha256, coalesce(u.email, '') AS user_email, i.mode, i.status,
     i.row_count, i.created_count, i.updated_count, i.unchanged_count, i.skipped_count, i.failure,
     i.created_at, i.committed_at, i.undone_at, i.left_out";

/// The account's imports, newest first, at most [`HISTORY_LIMIT`]. Imports
/// still open (never confirmed) are left out.
pub async fn list(pool: &PgPool, account: AccountId) -> Result<Vec<ImportSummary>, ImportError> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM imports i LEFT JOIN users u ON u.id = i.user_id
         WHERE i.account_id = $1 AND i.status <> $2
         ORDER BY i.created_at DESC, i.id DESC LIMIT $3"
    );
    let rows = sqlx::query(&sql)
        .bind(account)
        .bind(status_text(ImportStatus::Open))
        .bind(HISTORY_LIMIT)
        .fetch_all(pool)
        .await?;
    Ok(rows.iter().map(summary_from_row).collect::<Result<_, _>>()?)
}

/// Import `import_id` of `account` with page `page` (from 0) of the
/// contacts it created or changed, in file row order, [`CHANGES_PER_PAGE`]
/// to a page. [`ImportError::NotFound`] when there is no such import in the
/// account.
pub async fn detail(
    pool: &PgPool,
    account: AccountId,
    import_id: Uuid,
    page: u32,
) -> Result<ImportDetail, ImportError> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS},
                (SELECT count(*) FROM import_changes c WHERE c.account_id = i.account_id AND c.import_id = i.id) AS total_changes
         FROM imports i LEFT JOIN users u ON u.id = i.user_id
         WHERE i.account_id = $1 AND i.id = $2"
    );
    let row = planned_per_call(&sql)
        .bind(account)
        .bind(import_id)
        .fetch_optional(pool)
        .await?
        .ok_or(ImportError::NotFound)?;
    let summary = summary_from_row(&row)?;
    let total_changes: i64 = row.try_get("total_changes")?;

    let rows = planned_per_call(
        "SELECT contact_id, line, action, before, after FROM import_changes
         WHERE account_id = $1 AND import_id = $2
         ORDER BY line, contact_id LIMIT $3 OFFSET $4",
    )
    .bind(account)
    .bind(import_id)
    .bind(i64::from(CHANGES_PER_PAGE))
    .bind(i64::from(page) * i64::from(CHANGES_PER_PAGE))
    .fetch_all(pool)
    .await?;
    let changes = rows.iter().map(change_from_row).collect::<Result<_, _>>()?;
    Ok(ImportDetail { summary, changes, total_changes: u32::try_from(total_changes).unwrap_or(u32::MAX) })
}

fn summary_from_row(row: &PgRow) -> Result<ImportSummary, sqlx::Error> {
    let mode: String = row.try_get("mode")?;
    let status: String = row.try_get("status")?;
    Ok(ImportSummary {
        id: row.try_get("id")?,
        file_name: row.try_get("file_name")?,
        file_sha256: row.try_get("file_sha256")?,
        user_email: row.try_get("user_email")?,
        mode: mode_from_text(&mode)?,
        status: status_from_text(&status)?,
        row_count: count(row, "row_count")?,
        counts: counts_from_row(row)?,
        failure: row.try_get("failure")?,
        created_at: row.try_get("created_at")?,
        committed_at: row.try_get("committed_at")?,
        undone_at: row.try_get("undone_at")?,
        left_out: row.try_get("left_out")?,
    })
}

fn change_from_row(row: &PgRow) -> Result<ContactChange, sqlx::Error> {
    let action: String = row.try_get("action")?;
    let before: Option<Vec<String>> = row.try_get("before")?;
    let after: Vec<String> = row.try_get("after")?;
    Ok(ContactChange {
        contact_id: row.try_get("contact_id")?,
        line: count(row, "line")?,
        action: if action == "created" { ChangeAction::Created } else { ChangeAction::Updated },
        before: before.as_deref().map(fields_from_array).transpose()?,
        after: fields_from_array(&after)?,
    })
}
