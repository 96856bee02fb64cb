//! The reading child on its own: `sheets-read read-file <memory bytes>
//! <cpu seconds>` (see `sheets::sandbox`). The server runs itself the same
//! way; this binary is for the tests of `sheets`.

use std::process::ExitCode;

use sheets::sandbox::{serve_child, CHILD_COMMAND};

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    match args.next() {
        Some(command) if command == CHILD_COMMAND => serve_child(args),
        _ => {
            eprintln!("usage: sheets-read {CHILD_COMMAND} <memory bytes> <cpu seconds> < request");
            ExitCode::from(2)
        }
    }
}
