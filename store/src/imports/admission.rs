//! Admission of an account's bulk writes (a confirm's merge, an undo) to the
//! database: who runs now, who waits, and who is told to come back, so that
//! one account's imports can neither pile up on the database nor starve
//! anyone else, on one server or on many sharing the database.
//!
//! Invariants:
//! - At most one bulk write per account is in flight across all servers: on
//!   this server an in-process queue per account (first come, first
//!   served); across servers an account lease, a session-level advisory lock
//!   held on this server's lease session for the write's whole run.
//! - A confirm repeated for the same import (a double click, a second tab, a
//!   retry after a lost answer, on this server or another) never starts a
//!   second merge and is never refused because the first is running. Here
//!   it joins the flight already under way for that import (one per
//!   account and import id) and gets its very answer; on another server it
//!   waits for the import's lease and then answers the stored result.
//! - Nothing waits while holding a database connection: the queue, the
//!   leases (one session per server carries all of them) and the merge slots
//!   are all taken before the merge asks the bulk pool for a connection.
//! - Waiting for another import of the account, or for a merge slot on this
//!   server, ends after `queue_wait`: the answer is then
//!   [`AdmissionError::AccountBusy`] or [`AdmissionError::ServerBusy`], and
//!   nothing was changed. Waiting for the same import has no such end: its
//!   answer is the one wanted.
//! - A merge that has started runs to its end (commit or rollback) even if
//!   every caller goes away; a confirm still waiting when its last caller
//!   goes away is dropped and releases what it held.
//! - Correctness never rests on this module: the merge still locks the
//!   import's row and the account's contacts itself ([`super::locks`]). If
//!   the lease session is lost, its leases go with it and two writers
//!   serialise in the database instead, holding connections while they wait.
//!
//! Lock order (no cycles): the import's lease, then the account's queue here,
//! then the account's lease, then a merge slot. An undo takes the last three.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use futures::future::{BoxFuture, FutureExt, Shared, WeakShared};
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection, PgPool};
use tokio::sync::{OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};
use tokio::time::{timeout, timeout_at, Instant};
use uuid::Uuid;

use super::locks::{account_lock_key, uuid_lock_key};
use super::ImportError;
use crate::model::{AccountId, ConfirmOutcome, UndoOutcome};

/// The first half of an account lease's advisory key ("bulk": one bulk
/// write of this account is running). Distinct from the contacts lock's
/// class, which the merge takes inside its transaction.
pub const ACCOUNT_LEASE_CLASS: i32 = 0x6275_6c6b;

/// The first half of an import lease's advisory key ("mrge": this import is
/// being confirmed).
pub const IMPORT_LEASE_CLASS: i32 = 0x6d72_6765;

/// The lease session's `application_name`.
pub const LEASE_SESSION_NAME: &str = "contacts-leases";

/// How often a wait for a lease held by another server asks again.
const POLL_EVERY: Duration = Duration::from_millis(200);

/// The longest the lease session may take to connect.
const CONNECT_WITHIN: Duration = Duration::from_secs(10);

/// How long waits last and how many merges run at once on this server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AdmissionSettings {
    /// The longest a write waits for another of the account's writes, or
    /// for a merge slot, before it is told to try again (zero: told at once).
    pub queue_wait: Duration,
    /// Merges and undos running at once on this server: less than the bulk
    /// pool's size, so uploads and exports always find a connection.
    pub writes_at_once: usize,
}

impl AdmissionSettings {
    /// A minute's wait; one connection of a bulk pool of `bulk_pool_size`
    /// left for uploads and exports (when it has more than one).
    pub fn for_bulk_pool(bulk_pool_size: u32) -> AdmissionSettings {
        AdmissionSettings {
            queue_wait: Duration::from_secs(60),
            writes_at_once: (bulk_pool_size as usize).saturating_sub(1).max(1),
        }
    }
}

/// Why a bulk write was not admitted, or failed.
#[derive(Clone, Debug, thiserror::Error)]
pub enum AdmissionError {
    /// Another import or undo of this account ran for the whole wait.
    /// Nothing was changed.
    #[error("another import or undo of this account is running")]
    AccountBusy,
    /// This server's merge slots stayed full for the whole wait. Nothing was
    /// changed.
    #[error("this server is running as many imports as it takes at once")]
    ServerBusy,
    /// The write itself answered with an error (shared by every caller of
    /// one confirm, hence the `Arc`).
    #[error(transparent)]
    Import(Arc<ImportError>),
}

impl From<ImportError> for AdmissionError {
    fn from(error: ImportError) -> Self {
        AdmissionError::Import(Arc::new(error))
    }
}

impl From<sqlx::Error> for AdmissionError {
    fn from(error: sqlx::Error) -> Self {
        AdmissionError::from(ImportError::from(error))
    }
}

/// One confirm's work, from admission to answer.
type ConfirmWork = BoxFuture<'static, Result<ConfirmOutcome, AdmissionError>>;

/// One confirm in flight on this server, shared by every caller of it.
type Flight = Shared<ConfirmWork>;

/// The admission of bulk writes for one server, with the bulk pool they use.
/// Cheap to clone (the clones share everything).
#[derive(Clone)]
pub struct Admission {
    inner: Arc<Inner>,
}

struct Inner {
    pool: PgPool,
    settings: AdmissionSettings,
    leases: Arc<LeaseSession>,
    /// One queue per account with a write running or waiting here.
    accounts: Mutex<HashMap<AccountId, Arc<tokio::sync::Mutex<()>>>>,
    slots: Arc<Semaphore>,
    /// The confirms in flight here, by account and import (weak: a flight
    /// whose last caller went away is dropped, not kept alive by this map).
    flights: Mutex<HashMap<(AccountId, Uuid), WeakShared<ConfirmWork>>>,
}

impl std::fmt::Debug for Admission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Admission").field("settings", &self.inner.settings).finish_non_exhaustive()
    }
}

/// A std mutex's contents even if a panicking holder poisoned it (the maps
/// it guards stay consistent: every change is one insert or remove).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Admission {
    /// Admission for bulk writes on `pool` (the bulk pool). The lease session
    /// connects with the pool's own options, on first use.
    pub fn new(pool: PgPool, settings: AdmissionSettings) -> Admission {
        let options = (*pool.connect_options()).clone().application_name(LEASE_SESSION_NAME);
        Admission {
            inner: Arc::new(Inner {
                pool,
                settings,
                leases: Arc::new(LeaseSession::new(options)),
                accounts: Mutex::new(HashMap::new()),
                slots: Arc::new(Semaphore::new(settings.writes_at_once.max(1))),
                flights: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The bulk pool: for uploads and exports, which need no admission.
    pub fn pool(&self) -> &PgPool {
        &self.inner.pool
    }

    /// [`super::confirm`], admitted: joins the confirm of this import already
    /// in flight here, or starts one, and answers its result.
    pub async fn confirm(&self, account: AccountId, import_id: Uuid) -> Result<ConfirmOutcome, AdmissionError> {
        self.flight(account, import_id).await
    }

    /// [`super::undo`], admitted: waits (up to `queue_wait`) for the
    /// account's other writes, then undoes in a task of its own.
    pub async fn undo(&self, account: AccountId, import_id: Uuid) -> Result<UndoOutcome, AdmissionError> {
        let deadline = Instant::now() + self.inner.settings.queue_wait;
        let turn = self.inner.account_turn(account, deadline).await?;
        let slot = self.inner.slot(deadline).await?;
        let pool = self.inner.pool.clone();
        run_to_end(async move {
            let result = super::undo(&pool, account, import_id).await;
            drop((slot, turn));
            result
        })
        .await
    }

    /// The flight for this import: the one in flight here, or a new one.
    fn flight(&self, account: AccountId, import_id: Uuid) -> Flight {
        let key = (account, import_id);
        let mut flights = lock(&self.inner.flights);
        if let Some(flight) = flights.get(&key).and_then(WeakShared::upgrade) {
            return flight;
        }
        let inner = self.inner.clone();
        let flight = async move {
            let result = inner.clone().confirm(account, import_id).await;
            // Still referenced by the caller polling this, so no newer
            // flight can have replaced the entry.
            lock(&inner.flights).remove(&key);
            result
        }
        .boxed()
        .shared();
        // Entries of flights whose callers all went away.
        flights.retain(|_, weak| weak.upgrade().is_some());
        if let Some(weak) = flight.downgrade() {
            flights.insert(key, weak);
        }
        flight
    }
}

impl Inner {
    /// One confirm: the import's lease, then (if it is still open) the
    /// account's turn and a slot, then the merge in a task of its own.
    async fn confirm(self: Arc<Self>, account: AccountId, import_id: Uuid) -> Result<ConfirmOutcome, AdmissionError> {
        let pool = self.pool.clone();
        let stored_answer = |held: Option<HeldLease>| {
            run_to_end(async move {
                let result = super::confirm(&pool, account, import_id).await;
                drop(held);
                result
            })
        };
        // Decided already (or not this account's): the stored answer, taking
        // no lease and joining no queue.
        if !self.is_open(account, import_id).await? {
            return stored_answer(None).await;
        }
        // Another server confirming this very import: wait for it to end,
        // then its stored answer.
        let import_lease = self.leases.wait(Lease::import(import_id), None).await?;
        if !self.is_open(account, import_id).await? {
            return stored_answer(import_lease).await;
        }
        let deadline = Instant::now() + self.settings.queue_wait;
        let turn = self.account_turn(account, deadline).await?;
        let slot = self.slot(deadline).await?;
        let pool = self.pool.clone();
        run_to_end(async move {
            let result = super::confirm(&pool, account, import_id).await;
            drop((slot, turn, import_lease));
            result
        })
        .await
    }

    /// Whether the import exists in the account and is still open (read
    /// without waiting for its row lock, which a merge holds).
    async fn is_open(&self, account: AccountId, import_id: Uuid) -> Result<bool, sqlx::Error> {
        let open: Option<bool> =
            sqlx::query_scalar("SELECT status::text = 'open' FROM imports WHERE account_id = $1 AND id = $2")
                .bind(account)
                .bind(import_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(open == Some(true))
    }

    /// The account's turn: first in its queue here, then its lease across
    /// servers, both by `deadline`.
    async fn account_turn(&self, account: AccountId, deadline: Instant) -> Result<AccountTurn, AdmissionError> {
        let queue = {
            let mut accounts = lock(&self.accounts);
            // Queues no one holds or waits for.
            accounts.retain(|_, queue| Arc::strong_count(queue) > 1);
            accounts.entry(account).or_default().clone()
        };
        let here = timeout_at(deadline, queue.lock_owned()).await.map_err(|_| AdmissionError::AccountBusy)?;
        let lease = self.leases.wait(Lease::account(account), Some(deadline)).await?;
        let lease = lease.ok_or(AdmissionError::AccountBusy)?;
        Ok(AccountTurn { _here: here, _lease: lease })
    }

    /// A merge slot on this server, by `deadline`.
    async fn slot(&self, deadline: Instant) -> Result<OwnedSemaphorePermit, AdmissionError> {
        match timeout_at(deadline, self.slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            // Timed out, or the semaphore closed (it never is).
            _ => Err(AdmissionError::ServerBusy),
        }
    }
}

/// Runs `write` in a task of its own, so it ends (commit or rollback) even if
/// the caller goes away, and answers its result.
async fn run_to_end<T: Send + 'static>(
    write: impl std::future::Future<Output = Result<T, ImportError>> + Send + 'static,
) -> Result<T, AdmissionError> {
    match tokio::spawn(write).await {
        Ok(result) => result.map_err(AdmissionError::from),
        Err(_) => Err(AdmissionError::from(ImportError::Interrupted)),
    }
}

/// An account's turn to write: its place here and its lease.
struct AccountTurn {
    _here: OwnedMutexGuard<()>,
    _lease: HeldLease,
}

/// An advisory lock key: class and the folded id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Lease {
    class: i32,
    key: i32,
}

impl Lease {
    fn account(account: AccountId) -> Lease {
        Lease { class: ACCOUNT_LEASE_CLASS, key: account_lock_key(account) }
    }

    fn import(import_id: Uuid) -> Lease {
        Lease { class: IMPORT_LEASE_CLASS, key: uuid_lock_key(import_id) }
    }
}

/// The one database session per server that holds this server's leases.
///
/// Session-level advisory locks are re-entrant within a session, so two
/// holders here of one key (two ids folding to the same key) both get it;
/// that is harmless, since the merge's own locks still serialise them.
struct LeaseSession {
    options: PgConnectOptions,
    /// The session and its generation (which connection it is): a lease
    /// taken on an earlier generation went away with it and is not released
    /// again on the new one.
    session: tokio::sync::Mutex<Option<(PgConnection, u64)>>,
    generations: AtomicU64,
}

/// A lease held; released (on its session, in a task of its own) when dropped.
struct HeldLease {
    session: Arc<LeaseSession>,
    lease: Lease,
    generation: u64,
}

impl Drop for HeldLease {
    fn drop(&mut self) {
        let (session, lease, generation) = (self.session.clone(), self.lease, self.generation);
        // Outside a runtime (the process ending) there is no one to wait for
        // the lease: it ends with the session.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { session.release(lease, generation).await });
        }
    }
}

impl LeaseSession {
    fn new(options: PgConnectOptions) -> LeaseSession {
        LeaseSession { options, session: tokio::sync::Mutex::new(None), generations: AtomicU64::new(0) }
    }

    /// Takes `lease`, waiting while another server holds it: until
    /// `deadline` (then `None`), or for as long as it takes.
    async fn wait(self: &Arc<Self>, lease: Lease, deadline: Option<Instant>) -> Result<Option<HeldLease>, sqlx::Error> {
        loop {
            if let Some(held) = self.try_take(lease).await? {
                return Ok(Some(held));
            }
            if deadline.is_some_and(|deadline| Instant::now() + POLL_EVERY > deadline) {
                return Ok(None);
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
    }

    /// Takes `lease` if no other session holds it. A session that fails is
    /// replaced once (Postgres restarted, or the session was cut).
    async fn try_take(self: &Arc<Self>, lease: Lease) -> Result<Option<HeldLease>, sqlx::Error> {
        let mut session = self.session.lock().await;
        match self.try_take_on(&mut session, lease).await {
            Ok(taken) => Ok(taken),
            Err(error) => {
                tracing::warn!(%error, "the lease session failed; opening a new one");
                *session = None;
                let taken = self.try_take_on(&mut session, lease).await;
                if taken.is_err() {
                    *session = None;
                }
                taken
            }
        }
    }

    /// One try at `lease` on the current session (connecting one if there is
    /// none).
    async fn try_take_on(
        self: &Arc<Self>,
        session: &mut Option<(PgConnection, u64)>,
        lease: Lease,
    ) -> Result<Option<HeldLease>, sqlx::Error> {
        let (connection, generation) = match session {
            Some(open) => open,
            None => {
                let connection = self.connect().await?;
                session.insert((connection, self.generations.fetch_add(1, Ordering::Relaxed) + 1))
            }
        };
        let generation = *generation;
        let taken: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, $2)")
            .bind(lease.class)
            .bind(lease.key)
            .fetch_one(&mut *connection)
            .await?;
        Ok(taken.then(|| HeldLease { session: self.clone(), lease, generation }))
    }

    async fn connect(&self) -> Result<PgConnection, sqlx::Error> {
        match timeout(CONNECT_WITHIN, PgConnection::connect_with(&self.options)).await {
            Ok(connected) => connected,
            Err(_) => Err(sqlx::Error::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the lease session could not connect in time",
            ))),
        }
    }

    /// Releases `lease` if the session that took it is still the current one.
    async fn release(&self, lease: Lease, generation: u64) {
        let mut session = self.session.lock().await;
        let Some((connection, current)) = session.as_mut() else { return };
        if *current != generation {
            return;
        }
        let released = sqlx::query("SELECT pg_advisory_unlock($1, $2)")
            .bind(lease.class)
            .bind(lease.key)
            .execute(&mut *connection)
            .await;
        if let Err(error) = released {
            // Closing the session releases every lease it held, this one too.
            tracing::warn!(%error, "releasing a lease failed; closing the lease session");
            *session = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_slot_is_left_for_uploads_when_the_pool_has_room() {
        assert_eq!(AdmissionSettings::for_bulk_pool(4).writes_at_once, 3);
        assert_eq!(AdmissionSettings::for_bulk_pool(1).writes_at_once, 1);
        assert_eq!(AdmissionSettings::for_bulk_pool(0).writes_at_once, 1);
    }
}
