//! Writes the corpus of bad and odd files into a folder.
//!
//! ```text
//! cargo run -p corpus -- [--small] [--max-bytes N] [--only a.xlsx,b.csv] [--list] [DIR]
//! ```
//!
//! `DIR` defaults to `target/corpus` in the workspace. `--small` leaves out
//! the large kinds (megabytes, or gigabytes inflated) and those only a
//! sandbox should read; `--max-bytes` any
//! file bigger than N bytes (the fuzz seeds); `--list` only prints the
//! kinds.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut selection = corpus::Selection::default();
    let mut dir: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--small" => selection.small_only = true,
            "--max-bytes" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) => selection.max_bytes = Some(n),
                None => return usage("--max-bytes needs a number"),
            },
            "--only" => match args.next() {
                Some(names) => selection.only.extend(
                    names
                        .split(',')
                        .map(str::trim)
                        .filter(|n| !n.is_empty())
                        .map(String::from),
                ),
                None => return usage("--only needs file names"),
            },
            "--list" => {
                for kind in corpus::KINDS {
                    let size = if kind.large { " (large)" } else { "" };
                    println!("{:<34} {}{size}", kind.file_name, kind.about);
                }
                return ExitCode::SUCCESS;
            }
            "-h" | "--help" => return usage(""),
            _ if arg.starts_with('-') => return usage(&format!("unknown option {arg}")),
            _ => dir = Some(PathBuf::from(arg)),
        }
    }
    for name in &selection.only {
        if corpus::find(name).is_none() {
            return usage(&format!("no kind is called {name}"));
        }
    }
    let dir = dir.unwrap_or_else(|| {
        let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        manifest.parent().unwrap_or(manifest).join("target/corpus")
    });
    match corpus::write(&dir, &selection) {
        Ok(written) => {
            let total: usize = written.iter().map(|(_, size)| size).sum();
            eprintln!(
                "corpus: wrote {} files ({:.1} MB) to {}",
                written.len(),
                total as f64 / 1_048_576.0,
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("corpus: could not write to {}: {error}", dir.display());
            ExitCode::FAILURE
        }
    }
}

fn usage(problem: &str) -> ExitCode {
    if !problem.is_empty() {
        eprintln!("corpus: {problem}");
    }
    eprintln!("usage: corpus [--small] [--max-bytes N] [--only a.xlsx,b.csv] [--list] [DIR]");
    if problem.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}
