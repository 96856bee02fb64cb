//! The corpus of bad and odd files (the `corpus` crate), each read with the
//! default limits: what the reader must answer for every kind (a clear
//! error, or the right rows), within a memory ceiling (a counting
//! allocator measures each read's peak on its own thread) and a generous
//! time ceiling ("it did not hang", not a benchmark), with no panic — not
//! even one the reader catches, since the browser's worker cannot. (The
//! rules' tests map and check each file that reads as an import:
//! `rules/tests/import_corpus.rs`.)
//!
//! `cargo test -p sheets --features read --test read_bad_files -- --nocapture`
//! prints each file's size, answer, peak memory and time.

#![cfg(feature = "read")]

#[path = "read_support/counting.rs"]
mod counting;
mod read_support;
use read_support::panics_so_far;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use corpus::{
    Kind, CLASSIC_ERRORS, CONTACT_HEADERS, CONTACT_ROWS, NEWER_ERRORS, PADDED_ROWS, WORLD_ROWS,
};
use counting::{peak_of, MIB};
use sheets::read::{read_workbook, ReadError, Workbook, MAX_CELL_CHARS, MAX_TEXT_BYTES};
use sheets::{Cell, FileFormat, Limits};

/// What the reader must answer.
enum Expect {
    /// This error, exactly.
    Error(ReadError),
    /// A damaged file (the detail is only for logs).
    Damaged,
    /// An unsafe-looking archive (the detail is only for logs).
    Suspicious,
    /// This format, header and rows (rows as `(line, cells)`).
    Rows {
        format: FileFormat,
        headers: Vec<String>,
        rows: Vec<(u32, Vec<Cell>)>,
    },
    /// Read; `check` looks at the workbook.
    Read(fn(&Workbook)),
}

fn text(value: &str) -> Cell {
    Cell::Text(value.to_string())
}

fn error(value: &str) -> Cell {
    Cell::Error(value.to_string())
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| v.to_string()).collect()
}

fn texts(values: &[&str]) -> Vec<Cell> {
    values.iter().map(|v| text(v)).collect()
}

fn not_a_spreadsheet(looks_like: Option<&str>) -> Expect {
    Expect::Error(ReadError::NotASpreadsheet {
        looks_like: looks_like.map(str::to_string),
    })
}

/// The well-formed contacts (header on line 1, rows on lines 2 and 3).
fn contacts(format: FileFormat) -> Expect {
    Expect::Rows {
        format,
        headers: strings(&CONTACT_HEADERS),
        rows: CONTACT_ROWS
            .iter()
            .enumerate()
            .map(|(i, row)| (i as u32 + 2, texts(row)))
            .collect(),
    }
}

fn rows(format: FileFormat, headers: &[&str], rows: Vec<(u32, Vec<Cell>)>) -> Expect {
    Expect::Rows {
        format,
        headers: strings(headers),
        rows,
    }
}

/// Rows of `Row n`, an error cell, and the row's number.
fn error_rows(errors: &[&str]) -> Expect {
    rows(
        FileFormat::Xlsx,
        &["Name", "Result", "After"],
        errors
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let line = i as u32 + 2;
                (
                    line,
                    vec![
                        text(&format!("Row {line}")),
                        error(e),
                        text(&line.to_string()),
                    ],
                )
            })
            .collect(),
    )
}

/// Five people whose notes (1 MB each) are cut to Excel's 32,767 characters.
fn megabyte_cells(workbook: &Workbook) {
    assert_eq!(workbook.sheet.headers, ["Name", "Notes"]);
    assert_eq!(workbook.sheet.rows.len(), 5);
    for (i, row) in workbook.sheet.rows.iter().enumerate() {
        let line = i as u32 + 2;
        assert_eq!(row.line, line);
        assert_eq!(row.cells[0], text(&format!("Person {line}")));
        let cut: String = corpus::megabyte_text(line)
            .chars()
            .take(MAX_CELL_CHARS)
            .collect();
        assert_eq!(row.cells[1].text(), cut.trim_end(), "line {line}");
    }
}

fn world_rows() -> Vec<(u32, Vec<Cell>)> {
    WORLD_ROWS
        .iter()
        .enumerate()
        .map(|(i, row)| (i as u32 + 2, texts(row)))
        .collect()
}

fn padded_rows(format: FileFormat) -> Expect {
    let _ = PADDED_ROWS;
    rows(
        format,
        &["First Name", "Email", "Phone"],
        vec![
            (3, texts(&["Ana", "ana.silva@example.com", "0412 345 678"])),
            (5, texts(&["Ben", "ben@example.com", "+44 20 7946 0000"])),
        ],
    )
}

/// What each kind must read as, and the most memory the read may hold
/// (MiB): about twice what was measured, rounded up.
fn expectations() -> Vec<(&'static str, Expect, i64)> {
    use FileFormat::*;
    vec![
        (
            "pdf-named.xlsx",
            not_a_spreadsheet(Some("a PDF document")),
            1,
        ),
        (
            "png-named.xlsx",
            not_a_spreadsheet(Some("a PNG picture")),
            1,
        ),
        ("zero-bytes.xlsx", Expect::Error(ReadError::EmptyFile), 1),
        (
            "whitespace-only.csv",
            Expect::Error(ReadError::NoHeader {
                sheet: "whitespace-only.csv".into(),
            }),
            1,
        ),
        (
            "word-document.xlsx",
            not_a_spreadsheet(Some("a Word document")),
            1,
        ),
        ("word-97.xls", not_a_spreadsheet(Some("a Word document")), 1),
        (
            "web-page.xls",
            not_a_spreadsheet(Some("a web page (HTML)")),
            1,
        ),
        (
            "excel-2003-xml.xls",
            not_a_spreadsheet(Some("an Excel 2003 XML spreadsheet")),
            1,
        ),
        ("random-bytes.xlsx", not_a_spreadsheet(None), 1),
        ("contacts-csv.xlsx", contacts(Csv), 1),
        ("contacts-xlsx.csv", contacts(Xlsx), 4),
        ("contacts-xls.xlsx", contacts(Xls), 4),
        ("contacts.xlsb", contacts(Xlsb), 4),
        ("contacts.ods", contacts(Ods), 4),
        ("macro-enabled.xlsm", contacts(Xlsm), 4),
        ("truncated.xlsx", Expect::Damaged, 4),
        ("corrupt-central-directory.xlsx", Expect::Damaged, 4),
        ("truncated.xls", Expect::Damaged, 4),
        ("truncated.ods", Expect::Damaged, 4),
        ("unclosed-table.ods", Expect::Damaged, 4),
        ("huge-record.xlsb", Expect::Suspicious, 4),
        ("zip-bomb.xlsx", Expect::Suspicious, 4),
        ("lying-sizes.xlsx", Expect::Suspicious, 4),
        ("billion-laughs.xlsx", Expect::Damaged, 4),
        (
            "deeply-nested.xlsx",
            rows(Xlsx, &["Email"], vec![(2, texts(&["ann@example.com"]))]),
            8,
        ),
        ("too-many-entries.xlsx", Expect::Suspicious, 8),
        ("huge-string-count.xlsx", Expect::Suspicious, 4),
        (
            "grid-bomb.xls",
            Expect::Error(ReadError::UnpacksTooLarge {
                max: MAX_TEXT_BYTES,
            }),
            4,
        ),
        (
            "dimension-lie.xls",
            Expect::Error(ReadError::UnpacksTooLarge {
                max: MAX_TEXT_BYTES,
            }),
            4,
        ),
        (
            "repeated-rows.ods",
            Expect::Error(ReadError::TooManyRows {
                sheet: "Contacts".into(),
                max: 200_000,
            }),
            160,
        ),
        (
            "far-away-cell.xlsx",
            rows(Xlsx, &["Email"], vec![(2, texts(&["ann@example.com"]))]),
            4,
        ),
        (
            "password-protected.xlsx",
            Expect::Error(ReadError::PasswordProtected),
            1,
        ),
        (
            "password-protected.xls",
            Expect::Error(ReadError::PasswordProtected),
            1,
        ),
        (
            "password-protected.ods",
            Expect::Error(ReadError::PasswordProtected),
            1,
        ),
        (
            "zip-encrypted.xlsx",
            Expect::Error(ReadError::PasswordProtected),
            1,
        ),
        (
            "old-excel-95.xls",
            Expect::Error(ReadError::OldExcelFormat),
            1,
        ),
        (
            "million-rows.xlsx",
            Expect::Error(ReadError::TooManyRows {
                sheet: "Sheet1".into(),
                max: 200_000,
            }),
            64,
        ),
        (
            "million-rows.csv",
            Expect::Error(ReadError::TooManyRows {
                sheet: "million-rows.csv".into(),
                max: 200_000,
            }),
            64,
        ),
        (
            "16k-columns.xlsx",
            Expect::Error(ReadError::TooManyColumns {
                sheet: "Sheet1".into(),
                columns: 16_384,
                max: 100,
            }),
            4,
        ),
        (
            "16k-columns.csv",
            Expect::Error(ReadError::TooManyColumns {
                sheet: "16k-columns.csv".into(),
                columns: 16_384,
                max: 100,
            }),
            4,
        ),
        (
            "100mb-shared-strings.xlsx",
            Expect::Read(|workbook| {
                assert_eq!(workbook.sheet.headers, ["Name", "Notes"]);
                assert_eq!(workbook.sheet.rows.len(), 10);
                for row in &workbook.sheet.rows {
                    assert_eq!(row.cells[0], text(&format!("Person {}", row.line)));
                    // 1,000 characters, less a trailing space trimmed.
                    let notes = row.cells[1].text().len();
                    assert!((999..=1_000).contains(&notes), "line {}: {notes}", row.line);
                }
            }),
            200,
        ),
        ("1mb-cells.xlsx", Expect::Read(megabyte_cells), 16),
        ("1mb-cells.csv", Expect::Read(megabyte_cells), 8),
        (
            "too-large.csv",
            Expect::Error(ReadError::FileTooLarge {
                size: (25 << 20) + 1,
                max: 25 << 20,
            }),
            1,
        ),
        (
            "invalid-utf8.csv",
            Expect::Error(ReadError::NotUtf8 { line: 3 }),
            1,
        ),
        ("utf16.csv", contacts(Csv), 1),
        (
            "newlines-and-quotes.csv",
            rows(
                Csv,
                &["First Name", "Last Name", "Email", "Notes"],
                vec![
                    (
                        2,
                        texts(&[
                            "Ana",
                            "Silva",
                            "ana.silva@example.com",
                            "Line one\r\nLine two, with a comma",
                        ]),
                    ),
                    (
                        3,
                        texts(&["Ben", "O\"Brien", "ben@example.com", "He said \"hi\""]),
                    ),
                    (
                        4,
                        texts(&[
                            "Cy",
                            "Lee",
                            "cy@example.com",
                            "a bare\rreturn and a\nnew line",
                        ]),
                    ),
                    (6, texts(&["Di", "", "di@example.com", ","])),
                ],
            ),
            1,
        ),
        (
            "semicolons.csv",
            rows(
                Csv,
                &["First Name", "Last Name", "Email", "Notes"],
                vec![
                    (
                        2,
                        texts(&["Ana", "Silva", "ana.silva@example.com", "owes 1,5 weeks"]),
                    ),
                    (
                        3,
                        texts(&["Ben", "Okafor", "ben.okafor@example.com", "a;b"]),
                    ),
                ],
            ),
            1,
        ),
        (
            "formula-injection.csv",
            rows(
                Csv,
                &["First Name", "Last Name", "Email", "Notes"],
                vec![
                    (
                        2,
                        texts(&[
                            "=HYPERLINK(\"http://evil.example\",\"Click\")",
                            "Silva",
                            "ana@example.com",
                            "+61 412 345 678",
                        ]),
                    ),
                    (3, texts(&["@SUM(A1)", "-2+3", "ben@example.com", "=1+1"])),
                    (
                        4,
                        texts(&["=cmd|' /C calc'!A0", "Lee", "cy@example.com", "=tab"]),
                    ),
                ],
            ),
            1,
        ),
        ("header-only.xlsx", rows(Xlsx, &CONTACT_HEADERS, vec![]), 4),
        (
            "empty-sheet.xlsx",
            Expect::Error(ReadError::NoHeader {
                sheet: "Sheet1".into(),
            }),
            4,
        ),
        (
            "no-header-row.csv",
            Expect::Read(|workbook| {
                // The first line is taken as the header (the rules then
                // find nothing in it they know; see import_corpus.rs).
                assert_eq!(workbook.sheet.headers, CONTACT_ROWS[0]);
                assert_eq!(workbook.sheet.rows.len(), 1);
            }),
            1,
        ),
        (
            "duplicate-headers.csv",
            Expect::Read(|workbook| {
                assert_eq!(
                    workbook.sheet.headers,
                    ["Email", "First Name", "email", "E-mail", "Last Name"]
                );
            }),
            1,
        ),
        (
            "many-sheets.xlsx",
            Expect::Read(|workbook| {
                assert_eq!(workbook.sheet_names.len(), 1_000);
                assert_eq!(workbook.sheet.name, "Contacts");
                assert_eq!(workbook.sheet.headers, CONTACT_HEADERS);
                assert_eq!(workbook.sheet.rows.len(), 2);
            }),
            8,
        ),
        (
            "hidden-sheets-only.xlsx",
            Expect::Read(|workbook| {
                assert_eq!(workbook.sheet_names, ["Archive", "Contacts"]);
                assert_eq!(workbook.sheet.name, "Contacts");
                assert_eq!(workbook.sheet.headers, CONTACT_HEADERS);
                assert_eq!(workbook.sheet.rows.len(), 2);
            }),
            4,
        ),
        (
            "very-hidden-only.xlsx",
            Expect::Error(ReadError::NoSheets),
            4,
        ),
        (
            "merged-header.xlsx",
            rows(
                Xlsx,
                &["Name", "", "Email"],
                vec![(2, texts(&["Ana", "Silva", "ana.silva@example.com"]))],
            ),
            4,
        ),
        ("formula-errors.xlsx", error_rows(&CLASSIC_ERRORS), 4),
        (
            "excel-365-errors.xlsx",
            error_rows(
                &NEWER_ERRORS
                    .iter()
                    .flat_map(|e| [*e, "#N/A"])
                    .collect::<Vec<_>>(),
            ),
            4,
        ),
        (
            "rtl-and-emoji.xlsx",
            rows(Xlsx, &["First Name", "Last Name", "Email"], world_rows()),
            4,
        ),
        (
            "rtl-and-emoji.csv",
            rows(Csv, &["First Name", "Last Name", "Email"], world_rows()),
            1,
        ),
        ("whitespace-everywhere.xlsx", padded_rows(Xlsx), 4),
        ("whitespace-everywhere.csv", padded_rows(Csv), 1),
        (
            "html-in-cells.xlsx",
            rows(
                Xlsx,
                &["First Name", "Last Name", "Email", "Notes"],
                vec![(
                    2,
                    texts(&[
                        "<script>alert('x')</script>",
                        "<img src=x onerror=alert(1)>",
                        "html@example.com",
                        "<b>bold</b> &amp; \"quoted\"",
                    ]),
                )],
            ),
            4,
        ),
    ]
}

/// Generous: "it did not hang", in a debug build on a slow machine.
const TIME_CEILING: Duration = Duration::from_secs(30);

/// Whether `outcome` is what `expect` says; `Err` with why not.
fn matches(outcome: &Result<Workbook, ReadError>, expect: &Expect) -> Result<(), String> {
    match (expect, outcome) {
        (Expect::Error(wanted), Err(got)) if wanted == got => Ok(()),
        (Expect::Damaged, Err(ReadError::Damaged { .. })) => Ok(()),
        (Expect::Suspicious, Err(ReadError::Suspicious { .. })) => Ok(()),
        (
            Expect::Rows {
                format,
                headers,
                rows,
            },
            Ok(workbook),
        ) => {
            let got: Vec<(u32, Vec<Cell>)> = workbook
                .sheet
                .rows
                .iter()
                .map(|row| (row.line, row.cells.clone()))
                .collect();
            if workbook.format != *format {
                Err(format!("read as {:?}", workbook.format))
            } else if workbook.sheet.headers != *headers {
                Err(format!("headers {:?}", workbook.sheet.headers))
            } else if got != *rows {
                Err(format!("rows {got:?}"))
            } else {
                Ok(())
            }
        }
        (Expect::Read(check), Ok(workbook)) => catch_unwind(AssertUnwindSafe(|| check(workbook)))
            .map_err(|payload| {
                payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            }),
        (_, Ok(workbook)) => Err(format!(
            "read {} rows under {:?}",
            workbook.sheet.rows.len(),
            workbook.sheet.headers
        )),
        (_, Err(error)) => Err(format!("{error:?}")),
    }
}

/// Reads one kind; `Err` says what went wrong.
fn check(kind: &Kind, expect: &Expect, max_mib: i64) -> Result<String, String> {
    let bytes = kind.bytes();
    let before = panics_so_far();
    let start = Instant::now();
    let (outcome, peak) = peak_of(|| {
        catch_unwind(AssertUnwindSafe(|| {
            read_workbook(&bytes, kind.file_name, None, &Limits::DEFAULT)
        }))
    });
    let took = start.elapsed();
    let outcome = outcome.map_err(|_| "the reader panicked".to_string())?;
    let answer = match &outcome {
        Ok(workbook) => format!("{:?}, {} rows", workbook.format, workbook.sheet.rows.len()),
        Err(error) => match error {
            ReadError::Damaged { .. } => "Damaged".to_string(),
            ReadError::Suspicious { .. } => "Suspicious".to_string(),
            other => format!("{other:?}"),
        },
    };
    let report = format!(
        "{:<32} {:>10} B  {:<70} peak {:>7.1} MiB  {:>6.2} s",
        kind.file_name,
        bytes.len(),
        answer,
        peak as f64 / MIB as f64,
        took.as_secs_f64()
    );
    matches(&outcome, expect).map_err(|why| format!("{report}\n    expected otherwise: {why}"))?;
    if let Err(error) = &outcome {
        let sentence = error.to_string();
        if !sentence.ends_with('.') || sentence.contains("calamine") || sentence.contains("zip:") {
            return Err(format!("{report}\n    not a plain sentence: {sentence}"));
        }
    }
    if panics_so_far() != before {
        return Err(format!(
            "{report}\n    something panicked on the way (caught)"
        ));
    }
    if peak > max_mib * MIB {
        return Err(format!("{report}\n    over the {max_mib} MiB ceiling"));
    }
    if took > TIME_CEILING {
        return Err(format!("{report}\n    took longer than {TIME_CEILING:?}"));
    }
    Ok(report)
}

fn check_all(large: bool) {
    let expectations = expectations();
    let mut failures = Vec::new();
    for kind in corpus::KINDS.iter().filter(|kind| kind.large == large) {
        let Some((_, expect, max_mib)) = expectations
            .iter()
            .find(|(name, _, _)| *name == kind.file_name)
        else {
            failures.push(format!("{}: no expectation written down", kind.file_name));
            continue;
        };
        match check(kind, expect, *max_mib) {
            Ok(report) => println!("{report}"),
            Err(failure) => {
                println!("{failure}");
                failures.push(failure);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} kinds failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_small_kind_gets_its_answer_within_bounds() {
    check_all(false);
}

#[test]
fn every_large_kind_gets_its_answer_within_bounds() {
    check_all(true);
}

#[test]
fn every_expectation_names_a_kind() {
    for (name, _, _) in expectations() {
        assert!(corpus::find(name).is_some(), "{name} is not in the corpus");
    }
    assert!(corpus::KINDS.len() >= 30);
}
