//! The server's connection pools, and the limits every database session they
//! open carries.
//!
//! Invariants:
//! - Every connection made through [`open_pool`] starts with a statement
//!   timeout, a lock timeout and an idle-in-transaction timeout, set as
//!   session parameters when it connects, so no query, transaction or
//!   forgotten handle can hold Postgres past them.
//! - The pages pool and the bulk pool never lend each other connections:
//!   bulk work (uploads, confirms, undos, exports) waits for its own pool and
//!   can never take the connections that page loads, sign-ins and sessions
//!   need. A wait for a connection holds none.

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;

use crate::StoreError;

/// How long one database session may spend on one thing before Postgres
/// stops it. A zero duration means no limit (Postgres's own meaning of 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionLimits {
    /// The longest one statement may run (`statement_timeout`).
    pub statement_timeout: Duration,
    /// The longest one statement may wait for a lock: a row, a table, or an
    /// advisory lock such as the account's contacts lock (`lock_timeout`).
    pub lock_timeout: Duration,
    /// The longest a session may sit in an open transaction doing nothing,
    /// e.g. when the server holding it hangs (`idle_in_transaction_session_timeout`).
    pub idle_in_transaction_timeout: Duration,
}

impl SessionLimits {
    /// For page loads, sign-ins and sessions: a list or a search that takes
    /// longer than this is broken, not slow.
    pub const PAGES: SessionLimits = SessionLimits {
        statement_timeout: Duration::from_secs(15),
        lock_timeout: Duration::from_secs(15),
        idle_in_transaction_timeout: Duration::from_secs(60),
    };

    /// For bulk work: one statement of a 200,000-row merge may take a while.
    pub const BULK: SessionLimits = SessionLimits {
        statement_timeout: Duration::from_secs(300),
        lock_timeout: Duration::from_secs(15),
        idle_in_transaction_timeout: Duration::from_secs(60),
    };

    /// None at all: for start-up work (migrations) that must finish however
    /// long it takes and may wait for another server's.
    pub const NONE: SessionLimits = SessionLimits {
        statement_timeout: Duration::ZERO,
        lock_timeout: Duration::ZERO,
        idle_in_transaction_timeout: Duration::ZERO,
    };

    /// `options` with these limits as the session's start-up parameters.
    pub fn apply(&self, options: PgConnectOptions) -> PgConnectOptions {
        options.options([
            // A bare number is milliseconds to Postgres.
            ("statement_timeout", self.statement_timeout.as_millis()),
            ("lock_timeout", self.lock_timeout.as_millis()),
            ("idle_in_transaction_session_timeout", self.idle_in_transaction_timeout.as_millis()),
        ])
    }
}

/// One pool: what it is for, how many connections, how long a request
/// waits for one, and the limits on each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolSettings {
    /// The sessions' `application_name`, so `pg_stat_activity` tells the
    /// pools apart (e.g. `contacts-pages`, `contacts-bulk`).
    pub name: &'static str,
    pub max_connections: u32,
    /// How long a caller waits for a free connection before it is told the
    /// server is busy (it holds no connection meanwhile).
    pub acquire_timeout: Duration,
    pub limits: SessionLimits,
}

impl PoolSettings {
    /// The pool for page loads, sign-ins and sessions.
    pub fn pages(max_connections: u32) -> PoolSettings {
        PoolSettings {
            name: "contacts-pages",
            max_connections,
            acquire_timeout: Duration::from_secs(10),
            limits: SessionLimits::PAGES,
        }
    }

    /// The pool for bulk work. Its callers queue for a connection longer,
    /// since each holds one only briefly or for one merge.
    pub fn bulk(max_connections: u32) -> PoolSettings {
        PoolSettings {
            name: "contacts-bulk",
            max_connections,
            acquire_timeout: Duration::from_secs(30),
            limits: SessionLimits::BULK,
        }
    }
}

/// The connect options for `database_url`, named `name` and carrying `limits`.
pub fn session_options(database_url: &str, name: &str, limits: &SessionLimits) -> Result<PgConnectOptions, StoreError> {
    let options: PgConnectOptions = database_url.parse()?;
    Ok(limits.apply(options.application_name(name)))
}

/// Opens a pool to `database_url` as `settings` say (one connection at once,
/// to fail early when the database cannot be reached).
pub async fn open_pool(database_url: &str, settings: &PoolSettings) -> Result<PgPool, StoreError> {
    open_pool_with(database_url.parse()?, settings).await
}

/// [`open_pool`] from connect options already parsed.
pub async fn open_pool_with(options: PgConnectOptions, settings: &PoolSettings) -> Result<PgPool, StoreError> {
    let options = settings.limits.apply(options.application_name(settings.name));
    let pool = PgPoolOptions::new()
        .max_connections(settings.max_connections.max(1))
        .acquire_timeout(settings.acquire_timeout)
        .connect_with(options)
        .await?;
    Ok(pool)
}
