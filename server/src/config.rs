//! Server configuration, read once from the environment.

use std::net::SocketAddr;
use std::time::Duration;

use store::imports::AdmissionSettings;
use store::pools::{PoolSettings, SessionLimits};

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
    /// The two connection pools and the admission of bulk writes.
    pub database: DatabaseConfig,
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
    /// Sign-in's bounds and where the client address comes from.
    pub sign_in: SignInConfig,
    /// How `POST /api/files/check` reads files: in a child process, with
    /// limits, a few at once.
    pub file_check: FileCheckConfig,
}

/// The file check's sandbox: which program to run as the reading child,
/// what each child may take, and how many run at once.
#[derive(Clone, Debug)]
pub struct FileCheckConfig {
    /// The program run as `<program> read-file …`: this server's own
    /// executable (`std::env::current_exe()`).
    pub program: std::path::PathBuf,
    /// Each child's address space on top of its start
    /// (`FILE_CHECK_MEMORY_MB`, default 1024), CPU time
    /// (`FILE_CHECK_CPU_SECONDS`, 30) and wall-clock time
    /// (`FILE_CHECK_WALL_SECONDS`, 60).
    pub reader: sheets::sandbox::ChildLimits,
    /// Children at once (`FILE_CHECK_SLOTS`, default: the number of
    /// cores); beyond them the answer is 503 "busy".
    pub slots: usize,
}

impl FileCheckConfig {
    /// The defaults for this machine, running `program` as the child.
    pub fn default_for_this_machine(program: std::path::PathBuf) -> FileCheckConfig {
        let cores = std::thread::available_parallelism().map_or(2, |count| count.get());
        FileCheckConfig { program, reader: sheets::sandbox::ChildLimits::DEFAULT, slots: cores }
    }

    fn from_env() -> Result<FileCheckConfig, ConfigError> {
        let program = std::env::current_exe().map_err(ConfigError::NoProgramPath)?;
        let defaults = FileCheckConfig::default_for_this_machine(program);
        let mut reader = defaults.reader;
        reader.memory_bytes = number_or("FILE_CHECK_MEMORY_MB", reader.memory_bytes >> 20)?.saturating_mul(1 << 20);
        reader.cpu_seconds = number_or("FILE_CHECK_CPU_SECONDS", reader.cpu_seconds)?;
        reader.wall = seconds_or("FILE_CHECK_WALL_SECONDS", reader.wall)?;
        let slots = number_or("FILE_CHECK_SLOTS", defaults.slots)?;
        Ok(FileCheckConfig { program: defaults.program, reader, slots })
    }
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

/// How the server uses Postgres: two pools that never lend each other
/// connections, and the admission of confirms and undos.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DatabaseConfig {
    /// Page loads, sign-ins, sessions (`DATABASE_POOL_SIZE`, default 10;
    /// `DATABASE_STATEMENT_TIMEOUT_SECONDS`, default 15).
    pub pages: PoolSettings,
    /// Bulk work: an import's look-ups, uploads, confirm and undo, exports
    /// (`DATABASE_BULK_POOL_SIZE`, default 4;
    /// `DATABASE_BULK_STATEMENT_TIMEOUT_SECONDS`, default 300). Both pools
    /// share `DATABASE_LOCK_TIMEOUT_SECONDS` (15) and
    /// `DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_SECONDS` (60).
    pub bulk: PoolSettings,
    /// How long a confirm or undo waits for the account's other one, or for
    /// a merge slot (`IMPORT_QUEUE_WAIT_SECONDS`, default 60; 0 answers at
    /// once); merges at once: one fewer than the bulk pool's connections.
    pub admission: AdmissionSettings,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        let bulk = PoolSettings::bulk(4);
        DatabaseConfig {
            pages: PoolSettings::pages(10),
            bulk,
            admission: AdmissionSettings::for_bulk_pool(bulk.max_connections),
        }
    }
}

impl DatabaseConfig {
    fn from_env() -> Result<DatabaseConfig, ConfigError> {
        let defaults = DatabaseConfig::default();
        let mut pages = defaults.pages;
        let mut bulk = defaults.bulk;
        pages.max_connections = number_or("DATABASE_POOL_SIZE", pages.max_connections)?;
        bulk.max_connections = number_or("DATABASE_BULK_POOL_SIZE", bulk.max_connections)?;
        pages.limits.statement_timeout = seconds_or("DATABASE_STATEMENT_TIMEOUT_SECONDS", pages.limits.statement_timeout)?;
        bulk.limits.statement_timeout =
            seconds_or("DATABASE_BULK_STATEMENT_TIMEOUT_SECONDS", bulk.limits.statement_timeout)?;
        let lock_timeout = seconds_or("DATABASE_LOCK_TIMEOUT_SECONDS", SessionLimits::PAGES.lock_timeout)?;
        let idle_in_transaction = seconds_or(
            "DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_SECONDS",
            SessionLimits::PAGES.idle_in_transaction_timeout,
        )?;
        for limits in [&mut pages.limits, &mut bulk.limits] {
            limits.lock_timeout = lock_timeout;
            limits.idle_in_transaction_timeout = idle_in_transaction;
        }
        let mut admission = AdmissionSettings::for_bulk_pool(bulk.max_connections);
        admission.queue_wait = seconds_or("IMPORT_QUEUE_WAIT_SECONDS", admission.queue_wait)?;
        Ok(DatabaseConfig { pages, bulk, admission })
    }
}

/// A setting that is missing or malformed, said plainly.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("DATABASE_URL is not set: point it at a Postgres database (scripts/run does this for you)")]
    MissingDatabaseUrl,
    #[error("{name} is {value:?}, which is not {expected}")]
    Malformed { name: &'static str, value: String, expected: &'static str },
    #[error("the server cannot find its own program file, which the file check runs: {0}")]
    NoProgramPath(#[source] std::io::Error),
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
        let database = DatabaseConfig::from_env()?;
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
        let defaults = SignInConfig::default_for_this_machine();
        let sign_in = SignInConfig {
            hashing_slots: number_or("SIGN_IN_HASHING_SLOTS", defaults.hashing_slots)?,
            hashing_queue: number_or("SIGN_IN_QUEUE", defaults.hashing_queue)?,
            client_address_header: match std::env::var("CLIENT_ADDRESS_HEADER") {
                Ok(name) if !name.is_empty() => Some(parse("CLIENT_ADDRESS_HEADER", &name, "a header name")?),
                _ => None,
            },
        };
        let file_check = FileCheckConfig::from_env()?;
        Ok(Config {
            database_url,
            address,
            seed_demo,
            database,
            site_root,
            public_origin,
            max_request_bytes,
            limits,
            sign_in,
            file_check,
            retention,
        })
    }
}

/// The number in variable `name`, or `default` when it is not set.
fn number_or<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError> {
    match std::env::var(name) {
        Ok(value) => parse(name, &value, "a whole number"),
        Err(_) => Ok(default),
    }
}

/// The whole seconds in variable `name`, or `default` when it is not set.
fn seconds_or(name: &'static str, default: Duration) -> Result<Duration, ConfigError> {
    match std::env::var(name) {
        Ok(value) => parse(name, &value, "a whole number of seconds").map(Duration::from_secs),
        Err(_) => Ok(default),
    }
}

fn parse<T: std::str::FromStr>(name: &'static str, value: &str, expected: &'static str) -> Result<T, ConfigError> {
    value.parse().map_err(|_| ConfigError::Malformed { name, value: value.to_string(), expected })
}
