//! Start-up work that every server runs and that must run one server at a
//! time when several start on one database at once: the migrations, the
//! session table, the demo account.
//!
//! Invariant: between [`StartUp::begin`] and [`StartUp::finish`] this server
//! holds the start-up lock (a session-level advisory lock on a connection of
//! its own, with no timeouts, since another server's migrations may take
//! long); a second server waits in `begin` and then finds the work done. If
//! the server dies meanwhile, its session ends and the lock with it.

use sqlx::{Connection, PgConnection};

use crate::pools::{session_options, SessionLimits};
use crate::StoreError;

/// The first half of the start-up lock's advisory key ("strt"); the second
/// is always 0.
pub const STARTUP_LOCK_CLASS: i32 = 0x7374_7274;

/// A connection holding the start-up lock.
pub struct StartUp {
    connection: PgConnection,
}

impl StartUp {
    /// Connects to `database_url` and waits for the start-up lock.
    pub async fn begin(database_url: &str) -> Result<StartUp, StoreError> {
        let options = session_options(database_url, "contacts-startup", &SessionLimits::NONE)?;
        let mut connection = PgConnection::connect_with(&options).await?;
        sqlx::query("SELECT pg_advisory_lock($1, 0)").bind(STARTUP_LOCK_CLASS).execute(&mut connection).await?;
        Ok(StartUp { connection })
    }

    /// Applies the migrations on this connection (without timeouts).
    pub async fn migrate(&mut self) -> Result<(), StoreError> {
        crate::MIGRATOR.run(&mut self.connection).await?;
        Ok(())
    }

    /// Releases the lock and closes the connection.
    pub async fn finish(mut self) -> Result<(), StoreError> {
        sqlx::query("SELECT pg_advisory_unlock($1, 0)").bind(STARTUP_LOCK_CLASS).execute(&mut self.connection).await?;
        self.connection.close().await?;
        Ok(())
    }
}
