//! The corpus of bad and odd files (the `corpus` crate), read as the page
//! reads them (`sheets::read`), then mapped and checked as an import: every
//! file that reads gives an import check that neither panics nor words an
//! issue blankly. What the reader must answer for each file is the sheets
//! crate's test (`sheets/tests/read_bad_files.rs`).

use std::panic::{catch_unwind, AssertUnwindSafe};

use rules::check::{ExistingContacts, ImportCheck};
use rules::headers::HeaderMapping;
use rules::merge::MergeMode;
use rules::{Limits, Sheet};
use sheets::read::read_workbook;

/// What the page does with a sheet that reads: map the headers, take the
/// rows, check them as an import.
fn import(sheet: &Sheet) {
    let mapping = HeaderMapping::new(&sheet.headers);
    let rows = mapping.import_rows(&sheet.rows);
    let check = ImportCheck::new(mapping.import_columns(), rows, ExistingContacts::default(), MergeMode::KeepExisting);
    assert!(check.rows().len() <= sheet.rows.len());
    for issue in check.issues() {
        assert!(!issue.problem_text().is_empty());
        let _ = issue.fix_text();
    }
}

fn read(name: &str) -> Sheet {
    let kind = corpus::find(name).unwrap_or_else(|| panic!("{name} is not in the corpus"));
    match read_workbook(&kind.bytes(), kind.file_name, None, &Limits::DEFAULT) {
        Ok(workbook) => workbook.sheet,
        Err(error) => panic!("{name}: {error:?}"),
    }
}

fn import_all(large: bool) {
    let mut failures = Vec::new();
    for kind in corpus::KINDS.iter().filter(|kind| kind.large == large) {
        let Ok(workbook) = read_workbook(&kind.bytes(), kind.file_name, None, &Limits::DEFAULT) else {
            continue;
        };
        if catch_unwind(AssertUnwindSafe(|| import(&workbook.sheet))).is_err() {
            failures.push(kind.file_name);
        }
    }
    assert!(failures.is_empty(), "the import check panicked on {failures:?}");
}

#[test]
fn every_small_file_that_reads_checks_as_an_import() {
    import_all(false);
}

#[test]
fn every_large_file_that_reads_checks_as_an_import() {
    import_all(true);
}

#[test]
fn a_file_without_a_header_row_has_no_column_the_import_knows() {
    // The reader takes the first line (a contact) as the header.
    let sheet = read("no-header-row.csv");
    assert_eq!(HeaderMapping::new(&sheet.headers).recognised().count(), 0);
}

#[test]
fn duplicate_headers_are_found() {
    let sheet = read("duplicate-headers.csv");
    assert_eq!(sheet.headers, ["Email", "First Name", "email", "E-mail", "Last Name"]);
    let mapping = HeaderMapping::new(&sheet.headers);
    assert_eq!(mapping.duplicates().count(), 2);
    assert_eq!(mapping.recognised().count(), 3);
}
