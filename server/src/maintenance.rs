//! Background work each server runs beside the requests it answers: bringing
//! the contacts list's indexes up to date after writes
//! ([`store::listing::index`]), and tidying up after imports (open ones
//! expire, staged rows go: [`store::imports::housekeeping`]).
//!
//! Invariant: safe with any number of servers on one database. Every step
//! takes its work with `FOR UPDATE SKIP LOCKED` and per-account advisory
//! locks inside one transaction, so two servers never do the same work and
//! a server killed mid-step leaves nothing half-done. A step that fails is
//! logged and tried again later; requests never wait for any of it.

use std::time::Duration;

use sqlx::PgPool;
use store::imports::housekeeping::{self, Retention};

/// Contacts one indexing step handles at most: a few hundred milliseconds
/// of trigram-index work, so a step never holds the database long.
const CONTACTS_PER_STEP: usize = 2_000;

/// How long the indexer waits when it finds nothing to do.
const IDLE_WAIT: Duration = Duration::from_millis(250);

/// How long it waits after a failure (Postgres restarting, say).
const FAILURE_WAIT: Duration = Duration::from_secs(2);

/// How often imports are tidied.
const TIDY_EVERY: Duration = Duration::from_secs(60);

/// Starts the background tasks on the current runtime; they run until the
/// process ends.
pub fn spawn(pool: PgPool, retention: Retention) {
    tokio::spawn(index_forever(pool.clone()));
    tokio::spawn(tidy_forever(pool, retention));
}

/// Tidies imports every [`TIDY_EVERY`].
async fn tidy_forever(pool: PgPool, retention: Retention) {
    let mut every = tokio::time::interval(TIDY_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        match housekeeping::tidy(&pool, retention).await {
            Ok(tidied) if tidied.expired_imports + tidied.removed_rows > 0 => {
                tracing::info!(expired = tidied.expired_imports, removed_rows = tidied.removed_rows, "imports tidied");
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "tidying imports failed; trying again later"),
        }
    }
}

/// Indexes pending contacts, step after step while there are any.
async fn index_forever(pool: PgPool) {
    loop {
        match store::listing::index::index_pending(&pool, CONTACTS_PER_STEP).await {
            Ok(0) => tokio::time::sleep(IDLE_WAIT).await,
            Ok(_) => tokio::task::yield_now().await,
            Err(error) => {
                tracing::warn!(%error, "indexing contacts for the list failed; trying again shortly");
                tokio::time::sleep(FAILURE_WAIT).await;
            }
        }
    }
}
