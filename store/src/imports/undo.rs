//! Undoing a committed import: every contact it created is deleted and every
//! contact it changed is put back as it was, in one transaction.
//!
//! Invariants:
//! - All or nothing, like the merge, and in its own task so a caller going
//!   away does not cancel it half-way.
//! - Refused, changing nothing, when a later change touched any of the
//!   import's contacts (a contact gone, or at another version than the
//!   import left it), or when putting one back would take a Contact ID or
//!   email another contact has since: the answer names those contacts.
//! - Undoing an undone import again returns the same result and writes
//!   nothing.

use std::collections::HashMap;

use rules::check::match_key;
use rules::{ContactFields, Field};
use sqlx::{PgConnection, PgPool, Row};
use uuid::Uuid;

use super::codec::fields_from_array;
use super::existing::ids_with_keys;
use super::locks::{lock_account_contacts, LockMode};
use super::notifications::notify;
use super::record::{self, mark_undone};
use super::{planned_per_call, ImportError};
use crate::fields_sql::{field_columns, fields_from_row, restored_values, written_columns, WRITTEN_COLUMNS};
use crate::listing::pending::{queue, Written};
use crate::model::{AccountId, ImportStatus, NotificationKind, UndoOutcome};

/// How many contact names a refused undo lists at most (the total is always
/// given).
pub const MAX_REFUSED_NAMES: usize = 50;

/// One recorded change, as undo needs it.
struct Change {
    contact_id: Uuid,
    created: bool,
    before: Option<ContactFields>,
    after: ContactFields,
    version_after: i32,
}

/// Undoes import `import_id` of `account`.
///
/// - [`UndoOutcome::Undone`]: done now, or already before.
/// - [`UndoOutcome::Refused`]: later changes touched some of its contacts
///   (named there); nothing was changed.
/// - [`ImportError::NotFound`]: no such import in this account.
/// - [`ImportError::Conflict`]: it was never applied (open or failed).
pub async fn undo(pool: &PgPool, account: AccountId, import_id: Uuid) -> Result<UndoOutcome, ImportError> {
    let pool = pool.clone();
    let task = tokio::spawn(async move { run(&pool, account, import_id).await });
    task.await.map_err(|_| ImportError::Interrupted)?
}

async fn run(pool: &PgPool, account: AccountId, import_id: Uuid) -> Result<UndoOutcome, ImportError> {
    let mut transaction = pool.begin().await?;
    let import = record::lock(&mut transaction, account, import_id).await?;
    match import.status {
        ImportStatus::Committed => {}
        ImportStatus::Undone => {
            return Ok(UndoOutcome::Undone { restored: import.counts.updated, deleted: import.counts.created });
        }
        ImportStatus::Open | ImportStatus::Failed => {
            return Err(ImportError::Conflict("This import was never applied, so there is nothing to undo.".into()));
        }
    }
    lock_account_contacts(&mut transaction, account, LockMode::Exclusive).await?;
    let changes = load_changes(&mut transaction, account, import_id).await?;
    let current = lock_current(&mut transaction, account, import_id).await?;

    // Contacts a later change touched: gone, or moved on from the version
    // the import left.
    let mut touched: Vec<String> = Vec::new();
    for change in &changes {
        match current.get(&change.contact_id) {
            Some((version, _)) if *version == change.version_after => {}
            Some((_, fields)) => touched.push(fields.display_name()),
            None => touched.push(format!("{} (deleted)", change.after.display_name())),
        }
    }
    if touched.is_empty() {
        touched = key_holders(&mut transaction, account, &changes).await?;
    }
    if !touched.is_empty() {
        transaction.rollback().await?;
        let total = u32::try_from(touched.len()).unwrap_or(u32::MAX);
        touched.truncate(MAX_REFUSED_NAMES);
        return Ok(UndoOutcome::Refused { contacts: touched, total });
    }

    let deleted = delete_created(&mut transaction, account, &changes).await?;
    let restored = match restore_updated(&mut transaction, account, &changes).await {
        Ok(restored) => restored,
        Err(error) if error.is_unique_violation() => {
            return Err(ImportError::Conflict(
                "Undo would give a contact back a Contact ID or email that another contact has now, so nothing was changed."
                    .into(),
            ));
        }
        Err(error) => return Err(error),
    };
    queue(&mut transaction, account, Written::Import(import_id)).await?;
    mark_undone(&mut transaction, account, import_id).await?;
    let message = format!(
        "The import of \u{201c}{}\u{201d} was undone: {restored} contacts put back as they were, {deleted} removed.",
        import.file_name
    );
    notify(&mut transaction, account, import.user, import_id, NotificationKind::ImportUndone, &message).await?;
    transaction.commit().await?;
    Ok(UndoOutcome::Undone { restored, deleted })
}

/// The import's recorded changes, in file order.
async fn load_changes(
    conn: &mut PgConnection,
    account: AccountId,
    import_id: Uuid,
) -> Result<Vec<Change>, ImportError> {
    let rows = planned_per_call(
        "SELECT contact_id, action, before, after, version_after FROM import_changes
         WHERE account_id = $1 AND import_id = $2 ORDER BY line, contact_id",
    )
    .bind(account)
    .bind(import_id)
    .fetch_all(&mut *conn)
    .await?;
    let changes = rows
        .iter()
        .map(|row| {
            let action: String = row.try_get("action")?;
            let before: Option<Vec<String>> = row.try_get("before")?;
            let after: Vec<String> = row.try_get("after")?;
            Ok(Change {
                contact_id: row.try_get("contact_id")?,
                created: action == "created",
                before: before.as_deref().map(fields_from_array).transpose()?,
                after: fields_from_array(&after)?,
                version_after: row.try_get("version_after")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(changes)
}

/// The import's contacts as they are now (version and values). No row
/// locks: the account's exclusive contacts lock keeps every other writer out.
async fn lock_current(
    conn: &mut PgConnection,
    account: AccountId,
    import_id: Uuid,
) -> Result<HashMap<Uuid, (i32, ContactFields)>, ImportError> {
    let sql = format!(
        "SELECT c.id, c.version, {} FROM contacts c
         WHERE c.account_id = $1 AND c.id IN
               (SELECT contact_id FROM import_changes WHERE account_id = $1 AND import_id = $2)",
        field_columns("c.")
    );
    let rows = planned_per_call(&sql).bind(account).bind(import_id).fetch_all(&mut *conn).await?;
    let current = rows
        .iter()
        .map(|row| Ok((row.try_get("id")?, (row.try_get("version")?, fields_from_row(row)?))))
        .collect::<Result<HashMap<_, _>, sqlx::Error>>()?;
    Ok(current)
}

/// Contacts outside the import that now hold a Contact ID or email one of
/// its changed contacts had before (so putting it back would clash): their
/// names as they are now.
async fn key_holders(
    conn: &mut PgConnection,
    account: AccountId,
    changes: &[Change],
) -> Result<Vec<String>, ImportError> {
    let mut references = Vec::new();
    let mut emails = Vec::new();
    for before in changes.iter().filter_map(|change| change.before.as_ref()) {
        for (field, keys) in [(Field::Reference, &mut references), (Field::Email, &mut emails)] {
            let key = match_key(before.get(field));
            if !key.is_empty() {
                keys.push(key);
            }
        }
    }
    if references.is_empty() && emails.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = changes.iter().map(|change| change.contact_id).collect();
    let sql = format!(
        "SELECT {} FROM contacts WHERE account_id = $1 AND id = ANY (ARRAY({}))
              AND id NOT IN (SELECT unnest($4::uuid[]))
         ORDER BY sort_name, id",
        field_columns(""),
        ids_with_keys("$1", "$2", "$3"),
    );
    let rows =
        planned_per_call(&sql).bind(account).bind(references).bind(emails).bind(ids).fetch_all(&mut *conn).await?;
    let names =
        rows.iter().map(|row| Ok(fields_from_row(row)?.display_name())).collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(names)
}

/// Deletes the contacts the import created; returns how many.
async fn delete_created(conn: &mut PgConnection, account: AccountId, changes: &[Change]) -> Result<u32, ImportError> {
    let ids: Vec<Uuid> = changes.iter().filter(|change| change.created).map(|change| change.contact_id).collect();
    if ids.is_empty() {
        return Ok(0);
    }
    let done = planned_per_call("DELETE FROM contacts WHERE account_id = $1 AND id IN (SELECT unnest($2::uuid[]))")
        .bind(account)
        .bind(&ids)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() != ids.len() as u64 {
        return Err(moved_on());
    }
    Ok(u32::try_from(ids.len()).unwrap_or(u32::MAX))
}

/// Puts the contacts the import changed back as they were before it (a new
/// version, as any write); returns how many.
async fn restore_updated(conn: &mut PgConnection, account: AccountId, changes: &[Change]) -> Result<u32, ImportError> {
    let mut ids = Vec::new();
    let mut versions = Vec::new();
    let mut columns: Vec<Vec<String>> = (0..WRITTEN_COLUMNS).map(|_| Vec::new()).collect();
    for change in changes {
        let Some(before) = &change.before else {
            continue;
        };
        ids.push(change.contact_id);
        versions.push(change.version_after);
        for (column, value) in columns.iter_mut().zip(restored_values(before)) {
            column.push(value);
        }
    }
    if ids.is_empty() {
        return Ok(0);
    }
    let names = written_columns();
    let params: Vec<String> = (0..WRITTEN_COLUMNS).map(|index| format!("${}::text[]", index + 4)).collect();
    let sql = format!(
        "UPDATE contacts AS c SET {assignments}, version = c.version + 1, updated_at = now()
         FROM UNNEST($2::uuid[], $3::int4[], {params}) AS u(id, version_after, {names})
         WHERE c.account_id = $1 AND c.id = u.id AND c.version = u.version_after",
        assignments = names.iter().map(|name| format!("{name} = u.{name}")).collect::<Vec<_>>().join(", "),
        params = params.join(", "),
        names = names.join(", "),
    );
    let mut query = planned_per_call(&sql).bind(account).bind(&ids).bind(versions);
    for column in columns {
        query = query.bind(column);
    }
    let done = query.execute(&mut *conn).await?;
    if done.rows_affected() != ids.len() as u64 {
        return Err(moved_on());
    }
    Ok(u32::try_from(ids.len()).unwrap_or(u32::MAX))
}

/// A contact changed under the locks (a writer that skipped the account
/// lock): refuse as a conflict; the transaction rolls back.
fn moved_on() -> ImportError {
    ImportError::Conflict(
        "Some of this import's contacts were changed while it was being undone, so nothing was changed. Please try again."
            .into(),
    )
}
