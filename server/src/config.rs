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
    /// Sign-in's bounds and where the client address comes from.
    pub sign_in: SignInConfig,
}

/// How many passwords are checked at once, how many sign-ins may wait for
/// that, and which proxy header (if any) names the client.
#[derive(Clone, Debug)]
pub struct SignInConfig {
    /// argon2 computations at once (`SIGN_IN_HASHING_SLOTS`, default: the
    /// number of cores); each holds 19 MiB while it runs.
    pub hashing_slots: usize,
    /// Sign-ins that may wait for a slot (`SIGN_IN_QUEUE`, default 64);
    /// beyond them the answer is 503 "busy".
    pub hashing_queue: usize,
    /// The header a trusted reverse proxy puts the client's address in
    /// (`CLIENT_ADDRESS_HEADER`, e.g. `X-Forwarded-For`); unset: the
    /// socket's peer address.
    pub client_address_header: Option<http::HeaderName>,
}

impl SignInConfig {
    /// The defaults for this machine.
    pub fn default_for_this_machine() -> SignInConfig {
        let cores = std::thread::available_parallelism().map_or(2, |count| count.get());
        SignInConfig { hashing_slots: cores, hashing_queue: 64, client_address_header: None }
    }
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
        let defaults = SignInConfig::default_for_this_machine();
        let sign_in = SignInConfig {
            hashing_slots: number_or("SIGN_IN_HASHING_SLOTS", defaults.hashing_slots)?,
            hashing_queue: number_or("SIGN_IN_QUEUE", defaults.hashing_queue)?,
            client_address_header: match std::env::var("CLIENT_ADDRESS_HEADER") {
                Ok(name) if !name.is_empty() => Some(parse("CLIENT_ADDRESS_HEADER", &name, "a header name")?),
                _ => None,
            },
        };
        Ok(Config { database_url, address, seed_demo, pool_size, site_root, public_origin, max_request_bytes, limits, sign_in })
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
