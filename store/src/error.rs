//! What can go wrong in the data layer.

/// A data-layer failure. The app turns these into plain sentences; the
/// database's own text is logged, never shown.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such record in this account (also what another account's ids get).
    #[error("not found")]
    NotFound,
    /// The database failed or could not be reached.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Applying the migrations failed.
    #[error("migration error: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}
