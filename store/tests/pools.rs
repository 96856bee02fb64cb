//! The server's pools against real Postgres: every session they open carries
//! its timeouts, and a statement or a lock wait past them is turned away as
//! "busy" (nothing changed), not left running.

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};
use store::pools::{open_pool_with, PoolSettings, SessionLimits};

/// The session's setting `name`, as Postgres shows it.
async fn setting(pool: &PgPool, name: &str) -> String {
    sqlx::query_scalar(&format!("SHOW {name}")).fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn every_session_of_either_pool_starts_with_its_three_timeouts(_options: PgPoolOptions, connect: PgConnectOptions) {
    for (settings, statement) in [(PoolSettings::pages(2), "15s"), (PoolSettings::bulk(2), "5min")] {
        let pool = open_pool_with(connect.clone(), &settings).await.unwrap();
        assert_eq!(setting(&pool, "statement_timeout").await, statement, "{}", settings.name);
        assert_eq!(setting(&pool, "lock_timeout").await, "15s", "{}", settings.name);
        assert_eq!(setting(&pool, "idle_in_transaction_session_timeout").await, "1min", "{}", settings.name);
        assert_eq!(setting(&pool, "application_name").await, settings.name);
        pool.close().await;
    }
}

/// Limits short enough to reach in a test.
fn short(statement: Duration, lock: Duration) -> PoolSettings {
    PoolSettings {
        name: "contacts-test",
        max_connections: 1,
        acquire_timeout: Duration::from_secs(10),
        limits: SessionLimits {
            statement_timeout: statement,
            lock_timeout: lock,
            idle_in_transaction_timeout: Duration::from_secs(60),
        },
    }
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_statement_past_its_timeout_is_stopped_and_said_to_be_busy(_options: PgPoolOptions, connect: PgConnectOptions) {
    let pool = open_pool_with(connect, &short(Duration::from_millis(200), Duration::from_secs(15))).await.unwrap();
    let error = sqlx::query("SELECT pg_sleep(30)").execute(&pool).await.unwrap_err();
    assert!(store::StoreError::from(error).is_busy());
    // The session is fine afterwards.
    assert_eq!(setting(&pool, "statement_timeout").await, "200ms");
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_lock_wait_past_its_timeout_is_given_up_and_said_to_be_busy(_options: PgPoolOptions, connect: PgConnectOptions) {
    let mut holder = PgConnection::connect_with(&connect).await.unwrap();
    sqlx::query("SELECT pg_advisory_lock(1, 1)").execute(&mut holder).await.unwrap();
    let pool = open_pool_with(connect, &short(Duration::from_secs(15), Duration::from_millis(200))).await.unwrap();
    let error = sqlx::query("SELECT pg_advisory_lock(1, 1)").execute(&pool).await.unwrap_err();
    assert!(store::StoreError::from(error).is_busy());
    holder.close().await.unwrap();
}

#[sqlx::test(migrator = "store::MIGRATOR")]
async fn a_caller_that_finds_no_free_connection_in_time_is_said_to_be_busy(
    _options: PgPoolOptions,
    connect: PgConnectOptions,
) {
    let mut settings = short(Duration::from_secs(15), Duration::from_secs(15));
    settings.acquire_timeout = Duration::from_millis(200);
    let pool = open_pool_with(connect, &settings).await.unwrap();
    let _only = pool.acquire().await.unwrap();
    let error = sqlx::query("SELECT 1").execute(&pool).await.unwrap_err();
    assert!(store::StoreError::from(error).is_busy());
}
