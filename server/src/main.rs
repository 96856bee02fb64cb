//! Starts the server; see the `server` library for what it does.
//!
//! `server read-file …` is not for people: it is the file check's reading
//! child (`sheets::sandbox`), which the server starts by running its own
//! program again. It is decided before anything else starts (no runtime,
//! no threads, no logging), so the child is a plain single-threaded
//! reader under its limits.

use std::process::ExitCode;

use sheets::sandbox::{serve_child, CHILD_COMMAND};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    if args.next().is_some_and(|first| first == CHILD_COMMAND) {
        return serve_child(args);
    }
    serve()
}

#[tokio::main]
async fn serve() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")))
        .init();
    let result = match server::Config::from_env() {
        Ok(config) => server::start(config).await,
        Err(error) => Err(error.into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("The server could not start: {error}");
            ExitCode::FAILURE
        }
    }
}
