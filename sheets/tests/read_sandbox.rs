//! Reading in a child process (`sheets::sandbox`): the child's answer is
//! the reader's own, and a child that needs more memory or time than it
//! may is stopped and said so in a plain sentence, the asking process
//! untouched.

#![cfg(all(feature = "sandbox", unix))]

use std::time::Duration;

use sheets::read::{HeaderRow, ReadError, ReaderStop};
use sheets::sandbox::{ChildLimits, Sandbox};
use sheets::{FileFormat, Limits};

fn sandbox(limits: ChildLimits) -> Sandbox {
    Sandbox::new(env!("CARGO_BIN_EXE_sheets-read"), limits)
}

fn read(sandbox: &Sandbox, name: &str) -> Result<sheets::read::RowsRead, ReadError> {
    let bytes = corpus::find(name).expect("a corpus kind").bytes();
    sandbox
        .read(&bytes, name, None, HeaderRow::FIRST, &Limits::DEFAULT)
        .expect("the child runs")
        .answer
}

#[test]
fn a_readable_file_is_read_in_the_child() {
    let read = read(&sandbox(ChildLimits::DEFAULT), "contacts.ods").expect("read");
    assert_eq!(read.sheet.format, FileFormat::Ods);
    assert_eq!(read.headers, corpus::CONTACT_HEADERS);
    assert_eq!(read.rows, 2);
}

#[test]
fn a_refusal_in_the_child_keeps_its_sentence() {
    let error = read(&sandbox(ChildLimits::DEFAULT), "pdf-named.xlsx").unwrap_err();
    assert_eq!(
        error,
        ReadError::NotASpreadsheet {
            looks_like: Some("a PDF document".into())
        }
    );
}

#[test]
fn a_file_that_needs_more_memory_than_the_child_may_take_is_stopped() {
    let limits = ChildLimits {
        memory_bytes: 32 << 20,
        ..ChildLimits::DEFAULT
    };
    // 100 MB of shared strings do not fit in 32 MB, nor does the grid of
    // 16.7 million cells calamine builds for this xls.
    let error = read(&sandbox(limits), "100mb-shared-strings.xlsx").unwrap_err();
    assert_eq!(
        error,
        ReadError::ReaderStopped {
            cause: ReaderStop::Memory
        }
    );
    let error = read(&sandbox(limits), "grid-bomb.xls").unwrap_err();
    assert_eq!(
        error,
        ReadError::ReaderStopped {
            cause: ReaderStop::Memory
        }
    );
    assert!(error
        .to_string()
        .starts_with("This file could not be read: "));
}

#[test]
fn a_read_past_the_wall_clock_is_stopped() {
    // A file that never finishes (calamine loops on an ods that ends inside
    // a table), so the wall clock, not the machine's speed, decides: a file
    // that merely takes long finishes first on a fast machine.
    let limits = ChildLimits {
        wall: Duration::from_millis(500),
        cpu_seconds: 60,
        ..ChildLimits::DEFAULT
    };
    let error = read(&sandbox(limits), "unclosed-table.ods").unwrap_err();
    assert_eq!(
        error,
        ReadError::ReaderStopped {
            cause: ReaderStop::Time
        }
    );
}

#[test]
fn a_read_past_its_cpu_time_is_stopped() {
    let limits = ChildLimits {
        cpu_seconds: 1,
        wall: Duration::from_secs(120),
        ..ChildLimits::DEFAULT
    };
    // calamine loops on an ods that ends inside a table.
    let error = read(&sandbox(limits), "unclosed-table.ods").unwrap_err();
    assert_eq!(
        error,
        ReadError::ReaderStopped {
            cause: ReaderStop::Time
        }
    );
}

#[test]
fn a_program_that_is_not_there_is_the_askers_failure() {
    let missing = Sandbox::new("/nonexistent/sheets-read", ChildLimits::DEFAULT);
    let outcome = missing.read(b"a,b\n", "a.csv", None, HeaderRow::FIRST, &Limits::DEFAULT);
    assert!(matches!(
        outcome,
        Err(sheets::sandbox::SandboxError::Start(_))
    ));
}

#[test]
fn every_kind_of_the_corpus_gets_rows_or_a_plain_sentence_in_the_child() {
    let sandbox = sandbox(ChildLimits {
        memory_bytes: 512 << 20,
        cpu_seconds: 10,
        wall: Duration::from_secs(30),
    });
    let mut failures = Vec::new();
    for kind in corpus::KINDS {
        let bytes = kind.bytes();
        let start = std::time::Instant::now();
        let answer = sandbox
            .read(
                &bytes,
                kind.file_name,
                None,
                HeaderRow::FIRST,
                &Limits::DEFAULT,
            )
            .expect("the child runs")
            .answer;
        let took = start.elapsed();
        match &answer {
            Ok(read) => println!(
                "{:<32} {:?}, {} rows in {took:.2?}",
                kind.file_name, read.sheet.format, read.rows
            ),
            Err(error) => {
                println!("{:<32} {error:?} in {took:.2?}", kind.file_name);
                let sentence = error.to_string();
                if !sentence.ends_with('.') || sentence.contains("calamine") {
                    failures.push(format!("{}: {sentence}", kind.file_name));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
