//! Read + validate: any bytes, under any of the readable file names, go
//! through `sheets::read::read_workbook`; a sheet that reads is then mapped
//! and checked as an import, as the import page does.
//!
//! The input: the first byte picks the file name (its extension), how the
//! import is checked and what the rest is:
//! - bits 0-2: the extension (`NAMES`, modulo its length);
//! - bit 3: the merge mode; bit 4: whether the first rows already exist;
//! - bit 5 clear: the rest is the file;
//! - bit 5 set: the rest is a zip package's parts, uncompressed, each
//!   `PART_MARK name \n content`, which the target zips (stored, with
//!   right CRCs) into the file. Mutating a deflated part, or a stored one
//!   whose CRC then fails, almost never gets past the zip reader; this way
//!   the fuzzer mutates the XML and xlsb records that calamine parses.
//!
//! `scripts/fuzz` makes the seeds from the corpus of bad and odd files and
//! the reader's fixtures: each file as it is, and each zip package's parts.
//!
//! A finding is any panic of ours, a panic of calamine's that escapes the
//! reader's `catching_panics`, an abort (allocation failure),
//! a hang (libFuzzer's `-timeout`), too much memory (`-rss_limit_mb`, and
//! `-malloc_limit_mb` for one allocation), or an error that is not a plain
//! sentence for the user. The reader no longer re-parses files to keep
//! calamine from hangs and huge allocations: in the product the sandbox
//! (the server's child process, the browser's worker) stops those with a
//! plain sentence, so a hang or memory finding here is calamine's own
//! behaviour, contained, rather than a hole. The same holds for a panic
//! inside calamine that the reader catches: natively it is a "damaged
//! file" sentence, and in the browser (`panic = "abort"`) it ends the
//! worker, which the page's watchdog turns into "This file could not be
//! read: …". Panics of ours and unplain sentences remain findings. The seeds leave out the corpus kinds known to do that
//! (`corpus::Kind::contained`).

#![no_main]

use std::borrow::Cow;
use std::io::{Cursor, Write};

use libfuzzer_sys::fuzz_target;
use rules::check::{ExistingContacts, ImportCheck};
use rules::headers::HeaderMapping;
use rules::merge::MergeMode;
use sheets::read::{read_workbook, ReadError};
use rules::{ExistingContact, Limits};

const NAMES: [&str; 6] = [
    "fuzz.xlsx",
    "fuzz.xlsm",
    "fuzz.xlsb",
    "fuzz.xls",
    "fuzz.ods",
    "fuzz.csv",
];

/// Smaller than `Limits::DEFAULT`, so that a run does not spend its time on
/// files that legitimately inflate to hundreds of megabytes; the reader's
/// logic is the same for any limits (its text budget is the smaller of
/// `MAX_TEXT_BYTES` and `max_inflated_bytes`).
const LIMITS: Limits = Limits {
    max_file_bytes: 1 << 20,
    max_rows: 2_000,
    max_columns: Limits::DEFAULT.max_columns,
    max_inflated_bytes: 16 << 20,
};

/// Aborts (a finding) on every panic except one raised inside calamine:
/// that one unwinds to the reader's `catching_panics`, which makes it a
/// plain "damaged file" error (contained, as in the product; see above).
/// Should such a panic escape the reader, libfuzzer-sys aborts when it
/// unwinds out of the target, so it is still found.
fn abort_on_panics_outside_calamine() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let in_calamine = info
            .location()
            .is_some_and(|location| location.file().contains("/calamine-"));
        if in_calamine {
            return;
        }
        previous(info);
        std::process::abort();
    }));
}

fuzz_target!(init: abort_on_panics_outside_calamine(), |data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(selector & 0x07) % NAMES.len()];
    let bytes = if selector & 0x20 == 0 {
        Cow::Borrowed(bytes)
    } else {
        match zip_parts(bytes) {
            Some(zipped) => Cow::Owned(zipped),
            None => return,
        }
    };
    let workbook = match read_workbook(&bytes, name, None, &LIMITS) {
        Ok(workbook) => workbook,
        Err(error) => return plain_sentence(&error),
    };
    assert!(workbook.sheet.rows.len() <= LIMITS.max_rows as usize);
    assert!(workbook.sheet.headers.len() <= LIMITS.max_columns as usize);
    for row in &workbook.sheet.rows {
        assert_eq!(row.cells.len(), workbook.sheet.headers.len());
    }

    // What the page does next: map the headers, take the rows, check them.
    let mapping = HeaderMapping::new(&workbook.sheet.headers);
    let rows = mapping.import_rows(&workbook.sheet.rows);
    let mode = if selector & 0x08 == 0 {
        MergeMode::KeepExisting
    } else {
        MergeMode::OverwriteAll
    };
    // Half the time, the first rows are already contacts of the account, so
    // that rows match existing contacts by Contact ID and email.
    let existing = if selector & 0x10 == 0 {
        ExistingContacts::default()
    } else {
        ExistingContacts::new(
            rows.iter()
                .take(3)
                .enumerate()
                .map(|(i, row)| ExistingContact {
                    id: uuid::Uuid::from_u128(i as u128 + 1),
                    version: 1,
                    fields: row.values.clone(),
                })
                .collect(),
        )
    };
    let check = ImportCheck::new(mapping.import_columns(), rows, existing, mode);
    assert!(check.rows().len() <= workbook.sheet.rows.len());
    for issue in check.issues() {
        assert!(!issue.problem_text().is_empty());
        let _ = issue.fix_text();
    }
    let counts = check.counts();
    assert_eq!(counts.valid + counts.with_issues, counts.rows);
    assert_eq!(check.plans().count(), counts.valid);
});

/// What the user reads: one sentence, with nothing from calamine or zip.
fn plain_sentence(error: &ReadError) {
    let sentence = error.to_string();
    assert!(
        sentence.ends_with('.') && !sentence.contains("calamine") && !sentence.contains("zip:"),
        "not a plain sentence: {sentence:?} ({error:?})"
    );
}

/// What starts each part in the parts form of an input (bit 5).
const PART_MARK: &[u8] = b"\n@@@ ";

/// The parts form of an input as a zip package, each part stored; `None`
/// when the zip crate refuses it (two parts of one name).
fn zip_parts(bytes: &[u8]) -> Option<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    // What comes before the first mark is ignored.
    for part in split(bytes, PART_MARK).skip(1) {
        let (name, content) = match part.iter().position(|&b| b == b'\n') {
            Some(end) => (&part[..end], &part[end + 1..]),
            None => (part, &[][..]),
        };
        writer
            .start_file(String::from_utf8_lossy(name), options)
            .ok()?;
        writer.write_all(content).ok()?;
    }
    Some(writer.finish().ok()?.into_inner())
}

/// `bytes` split at each `mark` (the marks left out).
fn split<'a>(bytes: &'a [u8], mark: &'a [u8]) -> impl Iterator<Item = &'a [u8]> {
    let mut rest = Some(bytes);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.windows(mark.len()).position(|w| w == mark) {
            Some(at) => {
                rest = Some(&current[at + mark.len()..]);
                Some(&current[..at])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}
