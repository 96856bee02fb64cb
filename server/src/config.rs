//! Server configuration, read once from the environment.

use std::net::SocketAddr;

/// Everything the server needs to know at start-up.
#[derive(Clone, Debug)]
pub struct Config {
    /// Postgres connection string (`DATABASE_URL`).
    pub database_url: String,
    /// Where to listen: `LEPTOS_SITE_ADDR`, else `127.0.0.1:$PORT`, else
    /// `127.0.0.1:3000`.
    pub address: SocketAddr,
    /// Whether to create the demo account if it is missing (`SEED_DEMO=1`).
    pub seed_demo: bool,
    /// Connections in the pool (`DATABASE_POOL_SIZE`, default 10).
    pub pool_size: u32,
    /// The folder cargo-leptos built the site into (`LEPTOS_SITE_ROOT`,
    /// default `target/site`): `pkg/` with the wasm, JS and CSS, plus assets.
    pub site_root: String,
    /// The origin browsers reach the app at, e.g. `https://contacts.example.com`
    /// (`PUBLIC_ORIGIN`). Cross-origin checks compare against it, and an
    /// `https` origin makes the session cookie `Secure`. Unset: the request's
    /// own Host over plain HTTP (local use).
    pub public_origin: Option<String>,
    /// Largest request body accepted on any route (`MAX_REQUEST_BYTES`,
    /// default 8 MiB; the import uploads rows in chunks well below it).
    pub max_request_bytes: usize,
    /// The import limits (`IMPORT_MAX_FILE_BYTES`, `IMPORT_MAX_ROWS`,
    /// `IMPORT_MAX_COLUMNS`, `IMPORT_MAX_INFLATED_BYTES`), defaulting to the
    /// spec's 25 MB, 200,000 rows, 100 columns, 500 MB.
    pub limits: rules::Limits,
    /// How long an import may stay open before it expires
    /// (`IMPORT_EXPIRY_MINUTES`, default 1,440: a day), and how long the
    /// uploaded rows of an import no longer open are kept
    /// (`STAGING_RETENTION_MINUTES`, default 60).
    pub retention: store::imports::housekeeping::Retention,
}

/// A setting that is missing or malformed, said plainly.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("DATABASE_URL is not set: point it at a Postgres database (scripts/run does this for you)")]
    MissingDatabaseUrl,
    #[error("{name} is {value:?}, which is not {expected}")]
    Malformed { name: &'static str, value: String, expected: &'static str },
}

impl Config {
    /// Reads the configuration from environment variables.
    pub fn from_env() -> Result<Config, ConfigError> {
        let database_url = std::env::var("DATABASE_URL").map_err(|_| ConfigError::MissingDatabaseUrl)?;
        let address = match (std::env::var("LEPTOS_SITE_ADDR"), std::env::var("PORT")) {
            (Ok(address), _) => parse("LEPTOS_SITE_ADDR", &address, "an address like 127.0.0.1:3000")?,
            (Err(_), Ok(port)) => {
                let port: u16 = parse("PORT", &port, "a port number")?;
                SocketAddr::from(([127, 0, 0, 1], port))
            }
            _ => SocketAddr::from(([127, 0, 0, 1], 3000)),
        };
        let seed_demo = std::env::var("SEED_DEMO").is_ok_and(|value| value == "1");
        let pool_size = match std::env::var("DATABASE_POOL_SIZE") {
            Ok(size) => parse("DATABASE_POOL_SIZE", &size, "a number")?,
            Err(_) => 10,
        };
        let site_root = std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".to_string());
        let public_origin = std::env::var("PUBLIC_ORIGIN").ok().filter(|origin| !origin.is_empty());
        let max_request_bytes = match std::env::var("MAX_REQUEST_BYTES") {
            Ok(bytes) => parse("MAX_REQUEST_BYTES", &bytes, "a number of bytes")?,
            Err(_) => 8 * 1024 * 1024,
        };
        let defaults = rules::Limits::DEFAULT;
        let limits = rules::Limits {
            max_file_bytes: number_or("IMPORT_MAX_FILE_BYTES", defaults.max_file_bytes)?,
            max_rows: number_or("IMPORT_MAX_ROWS", defaults.max_rows)?,
            max_columns: number_or("IMPORT_MAX_COLUMNS", defaults.max_columns)?,
            max_inflated_bytes: number_or("IMPORT_MAX_INFLATED_BYTES", defaults.max_inflated_bytes)?,
        };
        let default_retention = store::imports::housekeeping::Retention::DEFAULT;
        let minutes = |name: &'static str, default: std::time::Duration| -> Result<std::time::Duration, ConfigError> {
            let minutes: u64 = number_or(name, default.as_secs() / 60)?;
            Ok(std::time::Duration::from_secs(minutes.saturating_mul(60)))
        };
        let retention = store::imports::housekeeping::Retention {
            open_import: minutes("IMPORT_EXPIRY_MINUTES", default_retention.open_import)?,
            staged_rows: minutes("STAGING_RETENTION_MINUTES", default_retention.staged_rows)?,
        };
        Ok(Config { database_url, address, seed_demo, pool_size, site_root, public_origin, max_request_bytes, limits, retention })
    }
}

/// The number in variable `name`, or `default` when it is not set.
fn number_or<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError> {
    match std::env::var(name) {
        Ok(value) => parse(name, &value, "a whole number"),
        Err(_) => Ok(default),
    }
}

fn parse<T: std::str::FromStr>(name: &'static str, value: &str, expected: &'static str) -> Result<T, ConfigError> {
    value.parse().map_err(|_| ConfigError::Malformed { name, value: value.to_string(), expected })
}
