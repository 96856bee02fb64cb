//! Imports: opening one, storing the rows the browser uploads, the existing
//! contacts the preview needs, confirming (re-validation and the
//! transactional merge), history, undo and notifications.
//!
//! Invariants:
//! - Every function takes an [`AccountId`](crate::AccountId) and every query
//!   filters by it: another account's import id gets exactly the answer a
//!   random id gets ([`ImportError::NotFound`]).
//! - Contacts change only inside one transaction that holds the account's
//!   contacts lock ([`locks`]): a confirm or an undo applies as a whole or
//!   not at all, and two of them in one account never interleave.
//! - An import's status only moves `open → committed → undone` or
//!   `open → failed`; a committed import's changes are recorded before and
//!   after, so undo can put them back.
//!
//! Modules, one job each:
//! - [`mod@open`]: open an import; [`upload`]: stage uploaded rows, checked
//!   on their own, with `COPY` (idempotent per line); `copy` writes `COPY`
//!   data.
//! - [`existing`]: the account's contacts that an import's keys match;
//!   [`similar`]: those its rows may duplicate (same phone, or postcode and
//!   name), for the preview's "possibly the same as" hint.
//! - [`merge`]: confirm (the merge), with [`hooks`] for tests; `recheck`
//!   finds the facts about each staged row in SQL and has the rules judge
//!   the rows they concern, except those `settle` applies in SQL as the
//!   rules staged them, and `write` writes the result set-based;
//!   `record` locks the import's row and moves its status; `codec` is how
//!   values are stored.
//! - [`history`]: the list of imports and one import's changes.
//! - [`mod@undo`]: undo a committed import.
//! - [`notifications`]: what the user is told when an import finishes.
//! - [`housekeeping`]: open imports expire; staged rows go after a while.
//! - [`locks`]: the per-account lock on contacts.
//! - [`admission`]: who may run a confirm or an undo now (one per account
//!   across servers, repeats of one confirm answered by its one run), with
//!   no connection held while waiting.

pub mod admission;
mod codec;
mod copy;
pub mod existing;
pub mod history;
pub mod hooks;
pub mod housekeeping;
pub mod locks;
pub mod merge;
pub mod notifications;
pub mod open;
pub mod similar;
mod recheck;
mod record;
mod settle;
pub mod undo;
pub mod upload;
mod write;

pub use admission::{Admission, AdmissionError, AdmissionSettings};
pub use existing::{existing_contacts, MAX_LOOKUP_KEYS};
pub use history::{detail, list, CHANGES_PER_PAGE, HISTORY_LIMIT};
pub use hooks::{MergeHooks, MergeStep, PausedMerge};
pub use locks::{lock_account_contacts, LockMode};
pub use merge::{confirm, confirm_with_hooks, MAX_ISSUES_RETURNED};
pub use open::open;
pub use similar::{similar_contacts, MAX_SIMILAR_KEYS};
pub use upload::{upload_rows, MAX_CELL_CHARS, MAX_ROWS_PER_UPLOAD};
pub use undo::{undo, MAX_REFUSED_NAMES};

use crate::StoreError;

/// `sqlx::query(sql)`, planned afresh for each call with its actual
/// parameters (an unnamed statement, not cached on the connection).
///
/// For every statement whose best plan depends on how many rows an import
/// has: a plan cached on a pooled connection while the tables were small
/// (e.g. before an account's first big import) would otherwise be reused at
/// 100,000 rows, turning an index probe per key into a scan per key. The
/// planning costs a millisecond; these statements each do far more work.
pub(crate) fn planned_per_call(sql: &str) -> sqlx::query::Query<'_, sqlx::Postgres, sqlx::postgres::PgArguments> {
    sqlx::query(sql).persistent(false)
}

/// Why an import operation did not go through. Each sentence variant is
/// worded for the user; database failures are logged by the caller, never
/// shown.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// No such import in this account (also what another account's import
    /// ids get, so their existence is never confirmed).
    #[error("not found")]
    NotFound,
    /// The request cannot be carried out as sent (too many rows, a malformed
    /// value, rows still missing…): a plain sentence saying what to do.
    #[error("{0}")]
    Invalid(String),
    /// The import or the contacts are not in a state that allows it (already
    /// refused, undone, or changed by someone at the same time): a plain
    /// sentence saying what happened and what to do. Nothing was changed.
    #[error("{0}")]
    Conflict(String),
    /// The background task running a merge or an undo stopped abnormally;
    /// its transaction rolled back, so nothing was changed.
    #[error("the import task stopped unexpectedly")]
    Interrupted,
    /// The database failed or could not be reached; nothing was changed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ImportError {
    fn from(error: sqlx::Error) -> Self {
        ImportError::Store(StoreError::Database(error))
    }
}

impl ImportError {
    /// Whether this is the database refusing a duplicate Contact ID or email
    /// (a unique index), i.e. someone wrote the same key at the same time.
    pub(crate) fn is_unique_violation(&self) -> bool {
        match self {
            ImportError::Store(StoreError::Database(sqlx::Error::Database(error))) => error.is_unique_violation(),
            _ => false,
        }
    }
}
