//! A development check, not part of the normal run: reads every file in
//! the folder named by `READ_CORPUS_DIR` (calamine's own test files are a
//! good start) and reports, for each, what `read_workbook` says, how long
//! it took and whether calamine panicked under it; and the files that
//! calamine reads on its own but our pre-flight checks refuse. Run with
//! `READ_CORPUS_DIR=/path/to/workbooks cargo test --release -p rules
//! --features read --test read_corpus -- --ignored --nocapture`.
//!
//! calamine alone builds dense ranges, so the comparison skips files
//! whose names say they are out-of-memory or denial-of-service cases.

#![cfg(feature = "read")]

mod read_support;

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Reader};
use sheets::read::{read_workbook, ReadError};
use sheets::Limits;

/// Whether calamine alone opens the file and reads its first worksheet.
fn calamine_reads(bytes: &[u8]) -> Result<(), String> {
    let mut workbook =
        open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).map_err(|e| e.to_string())?;
    let Some(first) = workbook
        .sheets_metadata()
        .iter()
        .find(|s| s.typ == calamine::SheetType::WorkSheet)
        .map(|s| s.name.clone())
    else {
        return Err("no worksheet".into());
    };
    workbook
        .worksheet_range(&first)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[test]
#[ignore]
fn every_file_of_a_corpus_gets_an_answer() {
    let Ok(dir) = std::env::var("READ_CORPUS_DIR") else {
        eprintln!("READ_CORPUS_DIR not set");
        return;
    };
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    let (mut read, mut refused, mut panicked, mut refused_but_calamine_reads) = (0, 0, 0, 0);
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&path).unwrap();
        let before = read_support::panics_so_far();
        let start = std::time::Instant::now();
        let outcome = read_workbook(&bytes, &name, None, &Limits::DEFAULT);
        let took = start.elapsed();
        if read_support::panics_so_far() != before {
            panicked += 1;
            println!("{name}: CALAMINE PANICKED (caught): {outcome:?}");
        }
        match &outcome {
            Ok(workbook) => {
                read += 1;
                println!(
                    "{name}: {:?}, sheet {:?}, {} rows in {took:?}",
                    workbook.format,
                    workbook.sheet.name,
                    workbook.sheet.rows.len()
                );
            }
            Err(error) => {
                refused += 1;
                println!("{name}: {error:?} in {took:?}");
                let risky = ["OOM", "oom", "dos", "panic", "bomb"]
                    .iter()
                    .any(|word| name.contains(word));
                let ours_only = !matches!(
                    error,
                    ReadError::NotASpreadsheet { .. }
                        | ReadError::NoHeader { .. }
                        | ReadError::NoSheets
                        | ReadError::PasswordProtected
                        | ReadError::OldExcelFormat
                        | ReadError::TooManyColumns { .. }
                        | ReadError::TooManyRows { .. }
                        | ReadError::NotUtf8 { .. }
                        | ReadError::EmptyFile
                );
                if ours_only && !risky && calamine_reads(&bytes).is_ok() {
                    refused_but_calamine_reads += 1;
                    println!("    ^ calamine alone reads this file");
                }
            }
        }
    }
    println!(
        "read {read}, refused {refused}, calamine panicked {panicked}, \
         refused though calamine alone reads it {refused_but_calamine_reads}"
    );
    assert_eq!(panicked, 0, "calamine panicked under the pre-flight checks");
}
