//! The data layer. [`model`] holds the records that cross the wire (and so
//! compile for the browser too); with the `postgres` feature the modules
//! below run every query the product makes.
//!
//! Invariant: every function that reads or writes account data takes an
//! [`AccountId`] and filters by it, so one account can never see, change or
//! learn of the existence of another's data.

pub mod model;

#[cfg(feature = "postgres")]
pub mod accounts;
#[cfg(feature = "postgres")]
pub mod contacts;
#[cfg(feature = "postgres")]
mod error;
#[cfg(feature = "postgres")]
pub mod imports;
#[cfg(feature = "postgres")]
mod fields_sql;
#[cfg(feature = "postgres")]
pub mod listing;
#[cfg(feature = "postgres")]
pub mod phone_memory;
#[cfg(feature = "postgres")]
pub mod pools;
#[cfg(feature = "postgres")]
pub mod remembered;
#[cfg(feature = "postgres")]
pub mod seed;
#[cfg(feature = "postgres")]
pub mod startup;

#[cfg(feature = "postgres")]
pub use error::StoreError;
pub use model::{AccountId, UserId};

/// The migrations, embedded: the server runs them at start-up and the sqlx
/// tests run them on each throwaway database.
#[cfg(feature = "postgres")]
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Opens a connection pool to `database_url` for bulk work (the bulk
/// pool's timeouts, see [`pools`]); the server opens its pools with
/// [`pools::open_pool`].
#[cfg(feature = "postgres")]
pub async fn connect(database_url: &str, max_connections: u32) -> Result<sqlx::PgPool, StoreError> {
    pools::open_pool(database_url, &pools::PoolSettings::bulk(max_connections)).await
}
