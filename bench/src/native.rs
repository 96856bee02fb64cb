//! The shared rules run natively on each generated workbook: reading
//! (calamine + the sheets crate's reader) and checking every row, as the browser
//! does in wasm. Gives the wasm/native ratio, and checks the generator: the
//! `-valid` files must have no row with issues.
//!
//! Also times, natively, the steps the page runs on its main thread between
//! the worker's answer and the check (decoding the worker's row chunks,
//! mapping the rows, collecting their lookup keys), to show what the
//! browser's longest task is made of.
//!
//! Rows are checked as the page checks them on a fresh account: with the
//! rules' guess filled in for each value of a choice column the rules do not
//! know ("Contractor" → Supplier), which the page applies before it counts,
//! so the browser's count of rows with issues can be compared with this one.
//!
//! And times the possible-duplicates search over every new row of each
//! checked file (what the page runs after the check, against no existing
//! contacts), apart from building the rows' subjects.

use std::path::Path;
use std::time::Instant;

use rules::check::{lookup_keys, phone_keys, ExistingContacts, ImportCheck};
use rules::choices::{unknown_values, ChoiceField, ValueMapping};
use rules::headers::ImportRow;
use rules::phone::AccountPhones;
use rules::headers::HeaderMapping;
use rules::merge::{Action, MergeMode};
use rules::similar::{possible_duplicates, Subject, SIMILARITY_RULES};
use sheets::read::read_workbook;
use rules::Limits;
use serde_json::{json, Value};
use worker::protocol::{decode, encode, ReadPart, ROWS_PER_CHUNK};

use crate::workbook::{self, FILES};

/// Reads and checks every file (each 3 times for the small ones, once for
/// the big ones; the best time is kept).
pub fn measure(dir: &Path) -> Result<Value, String> {
    let mut files = Vec::new();
    for file in FILES {
        let path = workbook::path(dir, file);
        let bytes = std::fs::read(&path).map_err(|error| format!("{}: {error}", path.display()))?;
        let repeats = if file.spec.rows <= 10_000 { 3 } else { 1 };
        let mut best_read = f64::MAX;
        let mut best_check = f64::MAX;
        let mut best_phones = f64::MAX;
        let mut phone_count = 0;
        let mut counts = None;
        let mut sample = Vec::new();
        let mut main_thread = (f64::MAX, f64::MAX, f64::MAX);
        let mut duplicates = (f64::MAX, f64::MAX, 0);
        for _ in 0..repeats {
            let started = Instant::now();
            let workbook = read_workbook(&bytes, &format!("{}.xlsx", file.name), None, &Limits::DEFAULT)
                .map_err(|error| format!("{}: {error}", file.name))?;
            let read = started.elapsed().as_secs_f64();
            // The page's steps: decode the chunks the worker sent, map every
            // row (the page keeps the sheet rows, so it copies them), and
            // collect the lookup keys.
            let chunks: Vec<Vec<u8>> =
                workbook.sheet.rows.chunks(ROWS_PER_CHUNK).map(|chunk| encode(&ReadPart::Rows(chunk.to_vec())).unwrap_or_default()).collect();
            let started = Instant::now();
            let mut decoded = Vec::with_capacity(workbook.sheet.rows.len());
            for chunk in &chunks {
                if let ReadPart::Rows(chunk) = decode(chunk).map_err(|error| format!("{}: {error}", file.name))? {
                    decoded.extend(chunk);
                }
            }
            let decode_s = started.elapsed().as_secs_f64();
            let started = Instant::now();
            let mapping = HeaderMapping::new(&workbook.sheet.headers);
            let mapped = mapping.import_rows(&decoded);
            let map_s = started.elapsed().as_secs_f64();
            let started = Instant::now();
            let keys = lookup_keys(&mapped);
            let keys_s = started.elapsed().as_secs_f64();
            main_thread = (main_thread.0.min(decode_s), main_thread.1.min(map_s), main_thread.2.min(keys_s));
            drop((keys, mapped, decoded));

            let mut rows = mapping.into_import_rows(workbook.sheet.rows);
            fill_in_value_guesses(&mut rows);
            // The server's phone verdicts, as the page has them before it
            // checks (asked for while it looks contacts up; timed apart, as
            // the server's share): an account without a default country, as
            // the browser half's.
            let started = Instant::now();
            let phones = AccountPhones::new(None);
            let verdicts: Vec<_> = phone_keys(&rows).into_iter().map(|key| { let verdict = phones.verdict(&key); (key, verdict) }).collect();
            best_phones = best_phones.min(started.elapsed().as_secs_f64());
            phone_count = verdicts.len();
            let started = Instant::now();
            let check = ImportCheck::build(mapping.import_columns(), rows, ExistingContacts::default(), MergeMode::KeepExisting)
                .with_phone_verdicts(verdicts)
                .finish();
            let checked = started.elapsed().as_secs_f64();
            let (subjects_s, search_s, found) = time_duplicates(&check);
            duplicates = (duplicates.0.min(subjects_s), duplicates.1.min(search_s), found);
            best_read = best_read.min(read);
            best_check = best_check.min(checked);
            counts = Some(check.counts());
            sample = check.issues().take(5).map(|issue| issue.to_string()).collect();
        }
        let counts = counts.unwrap_or_default();
        if file.spec.invalid_per_mille == 0 && counts.with_issues > 0 {
            return Err(format!(
                "{}: the generator made {} rows with issues in a file meant to be valid: {sample:?}",
                file.name, counts.with_issues
            ));
        }
        files.push(json!({
            "name": file.name,
            "rows": counts.rows,
            "bytes": bytes.len(),
            "valid": counts.valid,
            "with_issues": counts.with_issues,
            "native_read_ms": best_read * 1000.0,
            "native_check_ms": best_check * 1000.0,
            "native_phone_verdicts_ms": best_phones * 1000.0,
            "phone_keys": phone_count,
            "native_decode_ms": main_thread.0 * 1000.0,
            "native_map_ms": main_thread.1 * 1000.0,
            "native_keys_ms": main_thread.2 * 1000.0,
            "native_duplicate_subjects_ms": duplicates.0 * 1000.0,
            "native_duplicates_ms": duplicates.1 * 1000.0,
            "possible_duplicates": duplicates.2,
            "path": path.display().to_string(),
        }));
    }
    Ok(json!({ "files": files }))
}

/// Seconds to build the subjects of `check`'s new rows (as the page does)
/// and seconds to search them for
/// possible duplicates, and how many rows were flagged.
fn time_duplicates(check: &ImportCheck) -> (f64, f64, usize) {
    let rules = &SIMILARITY_RULES;
    let started = Instant::now();
    let subjects: Vec<Subject> = check
        .verdicts()
        .filter(|(_, verdict)| matches!(verdict.action, Some(Action::New)))
        .filter_map(|(index, _)| check.row(index))
        .map(|row| Subject::of_row(&row.values, rules))
        .collect();
    let subjects_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let found = possible_duplicates(&subjects, &[], rules);
    (subjects_s, started.elapsed().as_secs_f64(), found.len())
}

/// Sets each cell of a choice column whose value the rules do not know to
/// the rules' guess for it, when they have one: what the page's "Values to
/// match" fills in before the rows are counted.
fn fill_in_value_guesses(rows: &mut [ImportRow]) {
    for field in ChoiceField::ALL {
        let cells: Vec<(usize, String)> =
            rows.iter().enumerate().map(|(index, row)| (index, row.values.get(field.field()).to_string())).collect();
        let unknown = unknown_values(field, cells.iter().map(|(_, text)| text.as_str()), &ValueMapping::new());
        let mut guesses = ValueMapping::new();
        for value in unknown.values {
            if let Some(guess) = value.guess {
                // A guess is always one of the column's choices.
                let _ = guesses.set(field, &value.text, guess.choice.value());
            }
        }
        for edit in guesses.edits(field, cells.iter().map(|(index, text)| (*index, text.as_str()))).edits {
            rows[edit.row].values.set(edit.field, edit.value);
        }
    }
}
