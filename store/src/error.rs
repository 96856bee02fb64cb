//! What can go wrong in the data layer.

/// A data-layer failure. The app turns these into plain sentences; the
/// database's own text is logged, never shown.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such record in this account (also what another account's ids get).
    #[error("not found")]
    NotFound,
    /// The record changed since the caller read it (its version moved on).
    #[error("changed by someone else")]
    Stale,
    /// Another record of the account already has this Contact ID or email.
    #[error("Contact ID or email already used")]
    KeyTaken,
    /// The search is longer than the list accepts (the sentence says so).
    #[error(transparent)]
    SearchTooLong(#[from] rules::search::SearchTooLong),
    /// The database failed or could not be reached.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Applying the migrations failed.
    #[error("migration error: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

/// SQLSTATE `lock_not_available`: a lock wait ran past `lock_timeout`.
const LOCK_NOT_AVAILABLE: &str = "55P03";
/// SQLSTATE `query_canceled`: a statement ran past `statement_timeout`.
const QUERY_CANCELED: &str = "57014";

impl StoreError {
    /// Whether the database turned the request away for want of time or
    /// connections (no free connection within the pool's wait, a lock or a
    /// statement past its timeout), rather than failing: nothing was
    /// changed, and the same request may well go through in a moment.
    pub fn is_busy(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::PoolTimedOut) => true,
            StoreError::Database(sqlx::Error::Database(error)) => {
                matches!(error.code().as_deref(), Some(LOCK_NOT_AVAILABLE | QUERY_CANCELED))
            }
            _ => false,
        }
    }

    /// A unique violation (a Contact ID or email taken meanwhile) becomes
    /// [`StoreError::KeyTaken`]; anything else stays a database error.
    pub(crate) fn from_write(error: sqlx::Error) -> StoreError {
        match &error {
            sqlx::Error::Database(database) if database.is_unique_violation() => StoreError::KeyTaken,
            _ => StoreError::Database(error),
        }
    }
}
