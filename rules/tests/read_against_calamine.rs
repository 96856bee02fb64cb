//! A development check, not part of the normal run: reads every workbook in
//! the folder named by `READ_CORPUS_DIR` with both our reader and calamine
//! and reports cells that differ. Run with
//! `READ_CORPUS_DIR=/path/to/workbooks cargo test -p rules --features read --test read_against_calamine -- --ignored --nocapture`.
//!
//! calamine builds dense ranges, so only use it on trusted files.

#![cfg(feature = "read")]

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Reader};
use rules::read::read_workbook;
use rules::{Cell, Limits};

/// calamine's value as text, close to ours (dates only roughly).
fn calamine_text(data: &Data) -> Option<String> {
    let text = match data {
        Data::Empty => return None,
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => format!("{f}"),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) => format!("date:{}", d.as_f64()),
        Data::DateTimeIso(s) => format!("iso:{s}"),
        Data::DurationIso(s) => format!("duration:{s}"),
        Data::Error(e) => e.to_string(),
    };
    (!text.is_empty()).then_some(text)
}

fn same(ours: &str, theirs: &str) -> bool {
    if ours == theirs {
        return true;
    }
    if theirs.starts_with("date:") || theirs.starts_with("iso:") || theirs.starts_with("duration:")
    {
        return ours.contains('-') || ours.contains(':') || ours.parse::<f64>().is_ok();
    }
    if let (Ok(a), Ok(b)) = (ours.parse::<f64>(), theirs.parse::<f64>()) {
        return a == b || ((a - b) / b.abs().max(1e-300)).abs() < 1e-14;
    }
    false
}

#[test]
#[ignore]
fn our_reader_agrees_with_calamine_on_a_corpus() {
    let Ok(dir) = std::env::var("READ_CORPUS_DIR") else {
        eprintln!("READ_CORPUS_DIR not set");
        return;
    };
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    paths.sort();
    let limits = Limits {
        max_columns: 16_384,
        ..Limits::DEFAULT
    };
    let (mut agree, mut differ, mut errors) = (0, 0, 0);
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.contains("OOM") || name.contains("dos") || name.contains("panic") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let ours = read_workbook(&bytes, &name, None, &limits);
        let theirs = open_workbook_auto_from_rs(Cursor::new(bytes.clone()));
        let (ours, mut theirs) = match (ours, theirs) {
            (Ok(ours), Ok(theirs)) => (ours, theirs),
            (Err(e), Ok(_)) => {
                println!("{name}: ours failed: {e:?}");
                errors += 1;
                continue;
            }
            (Ok(_), Err(e)) => {
                println!("{name}: calamine failed ({e}), ours read it");
                continue;
            }
            (Err(a), Err(b)) => {
                println!("{name}: both failed: {a:?} / {b}");
                continue;
            }
        };
        let Ok(range) = theirs.worksheet_range(&ours.sheet.name) else {
            println!("{name}: calamine cannot read sheet {:?}", ours.sheet.name);
            continue;
        };
        let width = ours.sheet.headers.len();
        let header_line = ours.sheet.header_line;
        let mut theirs_cells = BTreeMap::new();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, c, data) in range.cells() {
            let (row, col) = (r as u32 + r0, c as u32 + c0);
            if (col as usize) < width && row + 1 > header_line {
                if let Some(text) = calamine_text(data) {
                    theirs_cells.insert((row + 1, col), text);
                }
            }
        }
        let mut ours_cells = BTreeMap::new();
        for row in &ours.sheet.rows {
            for (col, cell) in row.cells.iter().enumerate() {
                if !cell.is_blank() {
                    let text = match cell {
                        Cell::Text(t) | Cell::Error(t) => t.clone(),
                    };
                    ours_cells.insert((row.line, col as u32), text);
                }
            }
        }
        let mut problems = Vec::new();
        for (key, theirs_text) in &theirs_cells {
            match ours_cells.get(key) {
                Some(ours_text) if same(ours_text, theirs_text) => {}
                other => {
                    problems.push(format!("{key:?}: ours {other:?}, calamine {theirs_text:?}"))
                }
            }
        }
        for (key, ours_text) in &ours_cells {
            if !theirs_cells.contains_key(key) {
                problems.push(format!("{key:?}: ours {ours_text:?}, calamine nothing"));
            }
        }
        if problems.is_empty() {
            agree += 1;
        } else {
            differ += 1;
            println!(
                "{name} [{}]: {} differences, e.g.",
                ours.sheet.name,
                problems.len()
            );
            for p in problems.iter().take(4) {
                println!("    {p}");
            }
        }
    }
    println!("agree {agree}, differ {differ}, our errors {errors}");
}

#[test]
#[ignore]
fn prints_one_file_as_both_readers_see_it() {
    let Ok(path) = std::env::var("READ_DEBUG_FILE") else {
        return;
    };
    let bytes = std::fs::read(&path).unwrap();
    println!(
        "ours: {:#?}",
        read_workbook(&bytes, &path, None, &Limits::DEFAULT).map(|w| (
            w.sheet_names,
            w.sheet.name,
            w.sheet.headers,
            w.sheet.rows.into_iter().take(5).collect::<Vec<_>>()
        ))
    );
    let mut theirs = open_workbook_auto_from_rs(Cursor::new(bytes)).unwrap();
    println!("calamine sheets: {:?}", theirs.sheets_metadata());
    for name in theirs.sheet_names() {
        let range = theirs.worksheet_range(&name);
        println!(
            "{name}: {:?}",
            range.map(|r| (
                r.start(),
                r.end(),
                r.rows().take(3).map(|r| r.to_vec()).collect::<Vec<_>>()
            ))
        );
    }
}

/// Our reader alone on every file of `READ_CORPUS_DIR` (including the ones
/// that make calamine run out of memory): prints each outcome and time.
#[test]
#[ignore]
fn our_reader_alone_on_a_corpus() {
    let Ok(dir) = std::env::var("READ_CORPUS_DIR") else {
        return;
    };
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    paths.sort();
    for path in paths {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let start = std::time::Instant::now();
        let outcome = match read_workbook(&bytes, &name, None, &Limits::DEFAULT) {
            Ok(workbook) => format!("ok, {} rows", workbook.sheet.rows.len()),
            Err(error) => format!("{error:?}"),
        };
        println!("{name}: {outcome} in {:?}", start.elapsed());
    }
}
