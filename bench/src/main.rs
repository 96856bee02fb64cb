//! The native side of `scripts/bench`. Each command prints one JSON object
//! on stdout (progress goes to stderr):
//!
//! - `bench generate <dir>`: writes the workbooks not cached in `<dir>` yet.
//! - `bench native <dir>`: reads and checks each workbook natively (the
//!   shared rules outside the browser), and checks the generator.
//! - `bench files <dir>`: the workbooks' paths, as JSON, for the browser run.
//! - `bench merge <database-url> [rows]`: the server merge vs COPY baseline
//!   in a fresh database.
//! - `bench load <database-url> <email> <rows>`: fills that user's account
//!   with contacts for the search benchmark.

mod data;
mod load;
mod memory;
mod merge;
mod native;
mod workbook;

use std::path::Path;
use std::process::ExitCode;

use serde_json::{json, Value};

type Error = Box<dyn std::error::Error + Send + Sync>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match run(&args) {
        Ok(value) => {
            println!("{value}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("bench: {error}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    Ok(tokio::runtime::Builder::new_multi_thread().enable_all().build()?)
}

fn run(args: &[&str]) -> Result<Value, Error> {
    match args {
        ["generate", dir] => {
            let written = workbook::generate_missing(Path::new(dir))?;
            Ok(json!({ "written": written }))
        }
        ["native", dir] => Ok(native::measure(Path::new(dir))?),
        ["files", dir] => {
            let files: Vec<Value> = workbook::FILES
                .iter()
                .map(|file| {
                    json!({
                        "name": file.name,
                        "rows": file.spec.rows,
                        "valid": file.spec.invalid_per_mille == 0,
                        "path": workbook::path(Path::new(dir), file).display().to_string(),
                    })
                })
                .collect();
            Ok(json!({ "files": files }))
        }
        ["merge", url] => runtime()?.block_on(merge::run(url, 100_000)),
        ["merge", url, rows] => runtime()?.block_on(merge::run(url, rows.parse()?)),
        ["load", url, email, rows] => runtime()?.block_on(load::run(url, email, rows.parse()?)),
        _ => Err("usage: bench generate|native|files <dir> | merge <database-url> [rows] | load <database-url> <email> <rows>".into()),
    }
}
