//! What the server deletes on its own, so that nothing that no longer
//! counts piles up: sessions past their expiry (the store no longer loads
//! them, but keeps the rows) and failed sign-ins older than the throttle's
//! window. Runs once at start-up and then every [`PERIOD`].

use std::time::Duration;

use sqlx::PgPool;
use tower_sessions::ExpiredDeletion;
use tower_sessions_sqlx_store::PostgresStore;

/// How often the purge runs.
pub const PERIOD: Duration = Duration::from_secs(15 * 60);

/// A purge that failed, and which half.
#[derive(Debug, thiserror::Error)]
pub enum PurgeError {
    #[error("deleting expired sessions failed: {0}")]
    Sessions(#[from] tower_sessions::session_store::Error),
    #[error("deleting old sign-in failures failed: {0}")]
    Failures(#[from] store::StoreError),
}

/// Deletes expired sessions and failed sign-ins past the throttle window.
pub async fn purge_once(pool: &PgPool) -> Result<(), PurgeError> {
    PostgresStore::new(pool.clone()).delete_expired().await?;
    let failures = store::accounts::purge_login_failures(pool, app::throttle::WINDOW_SECONDS).await?;
    tracing::debug!(failures, "purged expired sessions and old sign-in failures");
    Ok(())
}

/// Purges every [`PERIOD`] until the process ends; a failed purge is
/// logged and tried again next time.
pub async fn run(pool: PgPool) {
    let mut every = tokio::time::interval(PERIOD);
    loop {
        every.tick().await;
        if let Err(error) = purge_once(&pool).await {
            tracing::warn!(%error, "housekeeping failed; will try again");
        }
    }
}
