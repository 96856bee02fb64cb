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

/// Indexes pending contacts, step after step while there are any, and
/// vacuums the queue after a burst of them ([`QueueVacuum`]).
async fn index_forever(pool: PgPool) {
    let mut vacuum = QueueVacuum::default();
    loop {
        let indexed = match store::listing::index::index_pending(&pool, CONTACTS_PER_STEP).await {
            Ok(indexed) => indexed,
            Err(error) => {
                tracing::warn!(%error, "indexing contacts for the list failed; trying again shortly");
                tokio::time::sleep(FAILURE_WAIT).await;
                continue;
            }
        };
        if vacuum.due_after_step(indexed) {
            if let Err(error) = store::listing::index::vacuum_queue(&pool).await {
                tracing::warn!(%error, "vacuuming the list's queue failed; autovacuum will");
            }
        }
        if indexed == 0 {
            tokio::time::sleep(IDLE_WAIT).await;
        } else {
            tokio::task::yield_now().await;
        }
    }
}

/// When the indexer vacuums the queue (`store::listing::index::vacuum_queue`):
/// every [`QueueVacuum::BURST`] contacts indexed while a burst lasts, and
/// when the queue runs dry after at least [`QueueVacuum::SETTLED`], so a
/// list request never reads past many removed entries for long, and a
/// trickle of single edits does not vacuum after each.
#[derive(Debug, Default)]
struct QueueVacuum {
    indexed_since: usize,
}

impl QueueVacuum {
    const BURST: usize = 20_000;
    const SETTLED: usize = 1_000;

    /// Counts a step that indexed `indexed` contacts (none: the queue had
    /// nothing to do) and tells whether to vacuum now.
    fn due_after_step(&mut self, indexed: usize) -> bool {
        self.indexed_since += indexed;
        let due = self.indexed_since >= Self::BURST || (indexed == 0 && self.indexed_since >= Self::SETTLED);
        if due {
            self.indexed_since = 0;
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::QueueVacuum;

    #[test]
    fn the_queue_is_vacuumed_during_a_burst_and_when_it_runs_dry_after_one() {
        let mut vacuum = QueueVacuum::default();
        let steps = |vacuum: &mut QueueVacuum, steps: &[usize]| steps.iter().map(|&indexed| vacuum.due_after_step(indexed)).collect::<Vec<_>>();
        // A burst of 2,000-contact steps: every tenth step, then once more
        // when the queue is empty.
        let mut burst = vec![2_000; 15];
        burst.push(0);
        let due = steps(&mut vacuum, &burst);
        assert_eq!(due.iter().filter(|due| **due).count(), 2);
        assert!(due[9] && due[15]);
        // Nothing more to do: no vacuum.
        assert_eq!(steps(&mut vacuum, &[0, 0, 0]), vec![false; 3]);
        // A trickle of single edits: only once a thousand have gone by.
        let trickle: Vec<usize> = std::iter::repeat([1, 0]).take(1_000).flatten().collect();
        let due = steps(&mut vacuum, &trickle);
        assert_eq!(due.iter().filter(|due| **due).count(), 1);
        assert!(due[1_999]);
    }
}
