//! Writing a judged import, set-based: one statement inserts every new
//! contact straight from staging, one updates every changed contact from
//! the plan and records its before and after (the before-image read inside
//! the same statement, never shipped to Rust and back), one does the same
//! for the rows applied in SQL straight from staging ([`super::settle`]),
//! one records the new contacts. Unchanged rows are not written at all,
//! and no statement runs whose rows the re-check counted none of (each is
//! a pass over the staged rows).
//!
//! Invariant: runs inside the merge's transaction, under the account's
//! exclusive contacts lock, right after [`super::recheck`] left
//! `import_judged` and `import_plan`; an update that finds a contact at any
//! other version than the one judged fails the whole merge rather than
//! overwrite an edit. The statement count does not depend on the number of
//! rows, and every value written is one the rules computed.

use rules::Field;
use sqlx::PgConnection;
use uuid::Uuid;

use super::hooks::{MergeHooks, MergeStep};
use super::{planned_per_call, settle, ImportError};
use crate::fields_sql::written_columns;
use crate::listing::pending::{queue, Written};
use crate::model::{AccountId, ImportCounts};

/// The staged rows that create a contact: those no fact concerned (and
/// not skipped by the user as possible duplicates).
const CREATED_ROWS: &str = "FROM import_staging s
     WHERE s.account_id = $1 AND s.import_id = $2 AND s.duplicate_choice <> 's'
       AND NOT EXISTS (SELECT 1 FROM import_judged j WHERE j.line = s.line)";

/// What the re-check left for the writes, as it counted them.
#[derive(Clone, Copy, Debug)]
pub(super) struct Planned {
    /// Staged rows no fact concerns: the new contacts.
    pub created: u64,
    /// Updates planned by the rules (`import_plan`).
    pub planned_updates: u64,
    /// Updates settled in SQL (`import_judged`).
    pub settled_updates: u64,
    /// Rows that change nothing.
    pub unchanged: u32,
    /// Rows the user chose to skip as possible duplicates.
    pub skipped: u32,
}

/// Writes import `import_id` of `account` on `conn` as `planned`, and
/// returns the counts. Pauses where `hooks` say.
pub(super) async fn apply(
    conn: &mut PgConnection,
    account: AccountId,
    import_id: Uuid,
    planned: Planned,
    hooks: &mut MergeHooks,
) -> Result<ImportCounts, ImportError> {
    let Planned { created, planned_updates, settled_updates, unchanged, skipped } = planned;
    // An import that only updates (a re-import of an export) has no new
    // rows: then the insert and its change records, each a pass over the
    // staged rows, are not run at all.
    let created = if created > 0 { insert_created(conn, account, import_id).await? } else { 0 };
    hooks.at(MergeStep::ContactsInserted, conn).await?;

    // Each update statement is run only when the re-check counted rows for
    // it: with none, the planner (taking the fresh staged rows for a few)
    // still walked every staged row to find nothing, 140 ms for 100,000
    // new contacts.
    let mut updated = 0;
    if planned_updates > 0 {
        updated += update_changed(conn, account, import_id).await?;
    }
    if settled_updates > 0 {
        updated += settle::update_settled(conn, account, import_id).await?;
    }
    if updated != planned_updates + settled_updates {
        return Err(ImportError::Conflict(
            "Some contacts were changed by someone else while the import was being saved. Nothing was changed; check the file again, then confirm."
                .into(),
        ));
    }
    hooks.at(MergeStep::ContactsUpdated, conn).await?;

    if created > 0 {
        record_created(conn, account, import_id).await?;
    }
    if created + updated > 0 {
        // The list finds these contacts through `contacts` until its indexes
        // have caught up with them.
        queue(conn, account, Written::Import(import_id)).await?;
    }
    Ok(ImportCounts {
        created: u32::try_from(created).unwrap_or(u32::MAX),
        updated: u32::try_from(updated).unwrap_or(u32::MAX),
        unchanged,
        skipped,
    })
}

/// The staged column holding each written column's value for a new contact
/// (its kind as planned for a new contact, its keys as staged).
pub(super) fn staged_value(column: &str) -> String {
    match column {
        "kind" => "s.new_kind".to_string(),
        other => format!("s.{other}"),
    }
}

/// Inserts the new contacts; returns how many.
async fn insert_created(conn: &mut PgConnection, account: AccountId, import_id: Uuid) -> Result<u64, sqlx::Error> {
    let columns = written_columns();
    let sql = format!(
        "INSERT INTO contacts (id, account_id, version, {names})
         SELECT s.new_id, $1, 1, {values} {CREATED_ROWS}",
        names = columns.join(", "),
        values = columns.iter().map(|column| staged_value(column)).collect::<Vec<_>>().join(", "),
    );
    let done = planned_per_call(&sql).bind(account).bind(import_id).execute(&mut *conn).await?;
    Ok(done.rows_affected())
}

/// `ARRAY[{prefix}reference, …]`: a contact's fields as `import_changes`
/// keeps them (template order; see `codec::fields_from_array`), each value
/// from `value(field key)`.
pub(super) fn fields_array(value: impl Fn(&str) -> String) -> String {
    let values: Vec<String> = Field::ALL.iter().map(|field| value(field.key())).collect();
    format!("ARRAY[{}]", values.join(", "))
}

/// Updates the planned contacts where they are still at the version judged,
/// recording each one's before and after; returns how many were updated.
///
/// The before-image comes from a second reference to `contacts` in the
/// update's own `FROM` (`old`): every table the statement reads sees the
/// rows as they were when it started, so `old` holds each contact's values
/// before this update, and `RETURNING` hands them to the history insert
/// beside the new ones. (A separate `WITH before AS (…)` read of the same
/// rows, joined to the update's output afterwards, cost a third of the
/// statement: a second pass over the contacts and a hash join of 100,000
/// JSON values that spilled to disk.)
async fn update_changed(conn: &mut PgConnection, account: AccountId, import_id: Uuid) -> Result<u64, sqlx::Error> {
    let columns = written_columns();
    let sql = format!(
        "WITH updated AS (
             UPDATE contacts c SET {assignments}, version = c.version + 1, updated_at = now()
             FROM import_plan p JOIN contacts old ON old.account_id = $1 AND old.id = p.contact_id
             WHERE c.account_id = $1 AND c.id = p.contact_id AND c.version = p.expected_version
             RETURNING c.id, c.version, p.line, {before} AS before, {after} AS after)
         INSERT INTO import_changes (import_id, account_id, contact_id, line, action, before, after, version_after)
         SELECT $2, $1, u.id, u.line, 'updated', u.before, u.after, u.version FROM updated u",
        before = fields_array(|key| format!("old.{key}")),
        assignments = columns.iter().map(|name| format!("{name} = p.{name}")).collect::<Vec<_>>().join(", "),
        after = fields_array(|key| format!("p.{key}")),
    );
    let done = planned_per_call(&sql).bind(account).bind(import_id).execute(&mut *conn).await?;
    Ok(done.rows_affected())
}

/// Records the new contacts' change rows (after = their values).
async fn record_created(conn: &mut PgConnection, account: AccountId, import_id: Uuid) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO import_changes (import_id, account_id, contact_id, line, action, before, after, version_after)
         SELECT $2, $1, s.new_id, s.line, 'created', NULL, {after}, 1 {CREATED_ROWS}",
        after = fields_array(staged_value),
    );
    planned_per_call(&sql).bind(account).bind(import_id).execute(&mut *conn).await?;
    Ok(())
}
