//! Reading CSV files: encodings, delimiters, quoting, row numbers, limits.

#![cfg(feature = "read")]

mod read_support;

use read_support::{all_texts, read, read_ok};
use sheets::read::{read_workbook, ReadError};
use sheets::{FileFormat, Limits};

#[test]
fn a_comma_separated_file_reads_with_excel_row_numbers() {
    let workbook = read_ok(
        b"First Name,Email,Postcode\nAnn,ann@example.com,02134\nBob,bob@example.com,2000\n",
        "contacts.csv",
    );
    assert_eq!(workbook.format, FileFormat::Csv);
    assert_eq!(workbook.sheet_names, ["contacts.csv"]);
    assert_eq!(workbook.sheet.name, "contacts.csv");
    assert_eq!(workbook.sheet.headers, ["First Name", "Email", "Postcode"]);
    assert_eq!(
        all_texts(&workbook),
        [
            vec!["Ann", "ann@example.com", "02134"],
            vec!["Bob", "bob@example.com", "2000"]
        ]
    );
    let lines: Vec<u32> = workbook.sheet.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 3]);
}

#[test]
fn semicolons_and_tabs_are_recognised_from_the_header_line() {
    let semicolons = read_ok(b"Name;Phone\r\nAnn;0412 345 678\r\n", "semi.csv");
    assert_eq!(all_texts(&semicolons), [vec!["Ann", "0412 345 678"]]);
    let tabs = read_ok(
        b"Name\tPhone\tNotes\nAnn\t+44 20 7946 0000\tcalls, mornings\n",
        "tabs.txt",
    );
    assert_eq!(
        all_texts(&tabs),
        [vec!["Ann", "+44 20 7946 0000", "calls, mornings"]]
    );
    let sep_line = read_ok(b"sep=|\nName|Notes\nAnn|a;b,c\n", "sep.csv");
    assert_eq!(sep_line.sheet.header_line, 1);
    assert_eq!(all_texts(&sep_line), [vec!["Ann", "a;b,c"]]);
}

#[test]
fn a_byte_order_mark_is_ignored() {
    let workbook = read_ok(
        b"\xEF\xBB\xBFEmail,City\nann@example.com,Sydney\n",
        "bom.csv",
    );
    assert_eq!(workbook.sheet.headers, ["Email", "City"]);
}

#[test]
fn utf16_text_as_excel_saves_unicode_text_is_read() {
    let text = "Name\tCity\r\nZoë\tMünchen\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let workbook = read_ok(&bytes, "unicode.txt");
    assert_eq!(all_texts(&workbook), [vec!["Zoë", "München"]]);
}

#[test]
fn quoted_fields_keep_commas_quotes_and_line_breaks_in_one_row() {
    let csv =
        "Name,Notes,City\n\"Lee, Ann\",\"Said \"\"hi\"\"\nthen left\",Perth\nBob,,\"Hobart\"\n";
    let workbook = read_ok(csv.as_bytes(), "quoted.csv");
    assert_eq!(
        all_texts(&workbook),
        [
            vec!["Lee, Ann", "Said \"hi\"\nthen left", "Perth"],
            vec!["Bob", "", "Hobart"]
        ]
    );
    let lines: Vec<u32> = workbook.sheet.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 3]);
}

#[test]
fn blank_lines_are_skipped_and_counted_and_cells_trimmed() {
    let workbook = read_ok(
        b"\n\n Name , Email \n Ann ,ann@example.com\n\n , \nBob,\n\n",
        "blank.csv",
    );
    assert_eq!(workbook.sheet.header_line, 3);
    assert_eq!(workbook.sheet.headers, ["Name", "Email"]);
    let lines: Vec<u32> = workbook.sheet.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [4, 7]);
    assert_eq!(workbook.sheet.blank_rows_skipped, 2);
    assert_eq!(
        all_texts(&workbook),
        [vec!["Ann", "ann@example.com"], vec!["Bob", ""]]
    );
}

#[test]
fn rows_are_padded_or_cut_to_the_header_width() {
    let workbook = read_ok(b"A,B,C\n1\n1,2,3,4,5\n", "ragged.csv");
    assert_eq!(
        all_texts(&workbook),
        [vec!["1", "", ""], vec!["1", "2", "3"]]
    );
}

#[test]
fn a_file_that_is_not_utf8_gets_a_save_as_utf8_message() {
    let error = read(b"Name,City\nZo\xEB,M\xFCnchen\n", "latin1.csv").unwrap_err();
    assert_eq!(error, ReadError::NotUtf8 { line: 2 });
    assert!(error.to_string().contains("CSV UTF-8"));
}

#[test]
fn a_header_only_file_has_no_rows_and_a_blank_file_has_no_header() {
    let header = read_ok(b"First Name,Last Name,Email\r\n", "header.csv");
    assert!(header.sheet.rows.is_empty());
    let blank = read(b"\n\n , ,\n\t\n", "blank.csv").unwrap_err();
    assert_eq!(
        blank,
        ReadError::NoHeader {
            sheet: "blank.csv".into()
        }
    );
    assert_eq!(read(b"", "empty.csv").unwrap_err(), ReadError::EmptyFile);
}

#[test]
fn a_header_of_101_columns_is_refused() {
    let header: Vec<String> = (1..=101).map(|i| format!("Column {i}")).collect();
    let csv = format!("{}\n", header.join(","));
    let error = read(csv.as_bytes(), "wide.csv").unwrap_err();
    assert_eq!(
        error,
        ReadError::TooManyColumns {
            sheet: "wide.csv".into(),
            columns: 101,
            max: 100
        }
    );
    assert!(error.to_string().contains("has 101 columns; at most 100"));
}

#[test]
fn exactly_200000_rows_read_and_200001_are_refused() {
    let mut csv = String::from("Contact ID,Email\n");
    for i in 0..200_000 {
        csv.push_str(&format!("{i},p{i}@example.com\n"));
    }
    let workbook = read_ok(csv.as_bytes(), "max.csv");
    assert_eq!(workbook.sheet.rows.len(), 200_000);
    assert_eq!(workbook.sheet.rows.last().map(|r| r.line), Some(200_001));
    csv.push_str("one,more@example.com\n");
    let error = read(csv.as_bytes(), "over.csv").unwrap_err();
    assert_eq!(
        error,
        ReadError::TooManyRows {
            sheet: "over.csv".into(),
            max: 200_000
        }
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_reading() {
    let limits = Limits {
        max_file_bytes: 10,
        ..Limits::DEFAULT
    };
    let error = read_workbook(b"Name\nAnn Lee\n", "small.csv", None, &limits).unwrap_err();
    assert_eq!(error, ReadError::FileTooLarge { size: 13, max: 10 });
}

#[test]
fn csv_text_under_a_spreadsheet_name_is_still_read() {
    let workbook = read_ok(b"Email\nann@example.com\n", "export.xls");
    assert_eq!(workbook.format, FileFormat::Csv);
    assert_eq!(all_texts(&workbook), [vec!["ann@example.com"]]);
}
