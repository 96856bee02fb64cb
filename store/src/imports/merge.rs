//! Confirming an import: the server re-checks its staged rows with the
//! shared rules against the contacts as they are now ([`super::recheck`]),
//! and merges them set-based ([`super::write`]) in one transaction, or
//! writes nothing and returns the issues.
//!
//! Invariants:
//! - All or nothing: every contact write, the change records, the status and
//!   the notification commit together. A lost connection, a killed session
//!   or a crash at any point rolls all of it back and leaves the import open,
//!   so confirming again works.
//! - The merge runs in its own task: a caller that goes away (a browser that
//!   disconnects) does not cancel it half-way; it commits or rolls back.
//! - Confirming a committed import returns its stored result and writes
//!   nothing, so a repeated confirm applies once; confirming a refused one
//!   returns the same issues again.
//! - Under the account's exclusive contacts lock ([`super::locks`]), which
//!   every writer of contacts takes, concurrent imports serialise: each
//!   checks against what the previous one left, and a row whose contact
//!   moved on since the preview is reported, never overwritten.
//! - Memory does not grow with the import: rows stay in Postgres and only
//!   the rows the rules must judge pass through the server, a batch at a
//!   time.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::hooks::{MergeHooks, MergeStep};
use super::locks::{lock_account_contacts, LockMode};
use super::notifications::notify;
use super::recheck::{recheck, Recheck};
use super::record::{self, mark_committed, mark_failed, ImportRecord, Rejection};
use super::{planned_per_call, write, ImportError};
use crate::model::{AccountId, ConfirmOutcome, ImportCounts, ImportStatus, NotificationKind};

/// How many issues a refused confirm returns (the first ones, row by row);
/// the total is always given.
pub const MAX_ISSUES_RETURNED: usize = 1_000;

/// What a unique index refusing a write is reported as: someone saved a
/// contact with the same Contact ID or email at the same time.
const CONCURRENT_KEY: &str = "Someone saved a contact with the same Contact ID or email while this import was being saved, so nothing was changed. Check the file again, then import it.";

/// Confirms import `import_id` of `account`: re-checks its rows and, when
/// every row is fine, merges them into the contacts in one transaction.
///
/// - [`ConfirmOutcome::Committed`]: applied now, or already applied before
///   (then nothing is written again).
/// - [`ConfirmOutcome::Rejected`]: some rows have issues (including
///   [`ChangedSincePreview`](rules::Problem::ChangedSincePreview)); nothing
///   was written to the contacts, and the import is marked failed with a
///   notification. Confirming it again returns the same issues.
/// - [`ImportError::NotFound`]: no such import in this account.
/// - [`ImportError::Invalid`]: not all the rows it was opened for arrived.
/// - [`ImportError::Conflict`]: it was undone, or someone saved a contact
///   with the same key at the same moment (then it is marked failed, and a
///   later confirm says so again). Nothing was changed.
pub async fn confirm(pool: &PgPool, account: AccountId, import_id: Uuid) -> Result<ConfirmOutcome, ImportError> {
    confirm_with_hooks(pool, account, import_id, MergeHooks::none()).await
}

/// [`confirm`], pausing where `hooks` say (for tests that interrupt a merge).
pub async fn confirm_with_hooks(
    pool: &PgPool,
    account: AccountId,
    import_id: Uuid,
    hooks: MergeHooks,
) -> Result<ConfirmOutcome, ImportError> {
    let pool = pool.clone();
    let task = tokio::spawn(async move { run(&pool, account, import_id, hooks).await });
    task.await.map_err(|_| ImportError::Interrupted)?
}

/// The merge itself, in its own task.
async fn run(
    pool: &PgPool,
    account: AccountId,
    import_id: Uuid,
    mut hooks: MergeHooks,
) -> Result<ConfirmOutcome, ImportError> {
    let mut transaction = pool.begin().await?;
    let import = record::lock(&mut transaction, account, import_id).await?;
    match import.status {
        ImportStatus::Open => {}
        ImportStatus::Committed => {
            return Ok(ConfirmOutcome::Committed { import_id, counts: import.counts });
        }
        ImportStatus::Failed => {
            // Refused before: the same answer again.
            if let Some(Rejection { issues, total_issues }) = import.rejection {
                return Ok(ConfirmOutcome::Rejected { issues, total_issues });
            }
            let reason = import
                .failure
                .as_deref()
                .unwrap_or("It could not be applied. Check the file again and start a new import.");
            return Err(ImportError::Conflict(format!("This import was not applied. {reason}")));
        }
        ImportStatus::Undone => {
            return Err(ImportError::Conflict(
                "This import was undone. To apply the file again, start a new import.".into(),
            ));
        }
    }

    // The uploads' own count, not a pass over the staged rows (35–55 ms
    // for 100,000).
    if import.received_rows != import.row_count {
        return Err(ImportError::Invalid(format!(
            "Only {} of the {} rows have arrived. Send the rest, then confirm again.",
            import.received_rows, import.row_count
        )));
    }

    lock_account_contacts(&mut transaction, account, LockMode::Exclusive).await?;
    planned_per_call(MERGE_WORK_MEM).execute(&mut *transaction).await?;
    let planned = match recheck(&mut transaction, account, &import, MAX_ISSUES_RETURNED, hooks.settles_in_sql()).await? {
        Recheck::Ready { planned_updates, settled_updates, unchanged, settled, created, skipped } => {
            hooks.settled(settled);
            write::Planned { created, planned_updates, settled_updates, unchanged, skipped }
        }
        Recheck::Rejected { issues, total_issues, rows_with_issues } => {
            // Nothing has been written in this transaction: record the
            // failure in it, atomically with its notification.
            let rejection = Rejection { issues, total_issues };
            fail(&mut transaction, account, &import, &rejected_sentence(rows_with_issues), Some(&rejection)).await?;
            transaction.commit().await?;
            let Rejection { issues, total_issues } = rejection;
            return Ok(ConfirmOutcome::Rejected { issues, total_issues });
        }
        Recheck::Unplanned => {
            tracing::error!(%import_id, "the rules left a row the facts concern without an issue or an update");
            return Err(ImportError::Conflict(
                "Some rows could not be checked, so nothing was changed. Check the file again, then import it.".into(),
            ));
        }
    };

    hooks.at(MergeStep::Checked, &mut transaction).await?;
    let written = write::apply(&mut transaction, account, import_id, planned, &mut hooks).await;
    let counts = match written {
        Ok(counts) => counts,
        Err(error) if error.is_unique_violation() => {
            // The transaction is aborted: roll it back, then record the
            // failure in a fresh one.
            transaction.rollback().await?;
            let mut transaction = pool.begin().await?;
            let import = record::lock(&mut transaction, account, import_id).await?;
            if import.status == ImportStatus::Open {
                fail(&mut transaction, account, &import, CONCURRENT_KEY, None).await?;
            }
            transaction.commit().await?;
            return Err(ImportError::Conflict(CONCURRENT_KEY.into()));
        }
        Err(error) => return Err(error),
    };
    mark_committed(&mut transaction, account, import_id, counts).await?;
    notify(
        &mut transaction,
        account,
        import.user,
        import_id,
        NotificationKind::ImportCommitted,
        &committed_sentence(&import.file_name, counts),
    )
    .await?;
    hooks.at(MergeStep::BeforeCommit, &mut transaction).await?;
    transaction.commit().await?;
    Ok(ConfirmOutcome::Committed { import_id, counts })
}

/// Marks the import failed with `sentence` (and the issues, if rows had
/// some) and notifies its user.
async fn fail(
    conn: &mut PgConnection,
    account: AccountId,
    import: &ImportRecord,
    sentence: &str,
    rejection: Option<&Rejection>,
) -> Result<(), ImportError> {
    if mark_failed(conn, account, import.id, sentence, rejection).await? {
        let message = format!("The import of \u{201c}{}\u{201d} was not applied. {sentence}", import.file_name);
        notify(conn, account, import.user, import.id, NotificationKind::ImportFailed, &message).await?;
    }
    Ok(())
}

/// Why a rejected import failed, for the history and the notification.
fn rejected_sentence(rows_with_issues: u32) -> String {
    let rows = if rows_with_issues == 1 {
        "1 row has an issue".to_string()
    } else {
        format!("{rows_with_issues} rows have issues")
    };
    format!("{rows}, so nothing was changed. Fix them and import the file again.")
}

/// What a committed import did, in words.
fn committed_sentence(file_name: &str, counts: ImportCounts) -> String {
    let skipped = match counts.skipped {
        0 => String::new(),
        skipped => format!(", {skipped} skipped"),
    };
    format!(
        "The import of \u{201c}{file_name}\u{201d} is done: {} created, {} updated, {} unchanged{skipped}.",
        counts.created, counts.updated, counts.unchanged
    )
}

/// The memory each sort or hash of the merge's statements may use before it
/// spills to disk, for this transaction only. At Postgres's default (4 MB)
/// the key groupings and the update's joins over 100,000 rows were each
/// written to temporary files and read back; 64 MB holds them. At most one
/// merge per account, and fewer than the bulk pool's connections in all,
/// run at once (see `admission`), so this cannot multiply without bound.
const MERGE_WORK_MEM: &str = "SET LOCAL work_mem = '64MB'";
