//! Reading xlsb workbooks. No tool here writes xlsb (LibreOffice cannot),
//! so these tests build small BIFF12 packages record by record, following
//! [MS-XLSB], as calamine (which reads them) expects them.

#![cfg(feature = "read")]

mod read_support;

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsb};
use read_support::{
    all_texts, read, read_ok, record, wide, xlsb, xlsb_cell as cell, xlsb_row as row, SheetSpec,
};
use sheets::read::ReadError;
use sheets::{Cell, FileFormat};

fn contacts_sheet() -> Vec<u8> {
    let mut records = row(0);
    for (col, isst) in [(0u32, 0u32), (1, 1), (2, 2), (3, 3), (4, 4), (5, 5)] {
        records.extend(cell(0x0007, col, 0, &isst.to_le_bytes()));
    }
    records.extend(row(1));
    records.extend(cell(0x0005, 0, 0, &1234567890123f64.to_le_bytes()));
    records.extend(cell(0x0006, 1, 0, &wide("  Ann ")));
    records.extend(cell(0x0007, 2, 0, &6u32.to_le_bytes()));
    records.extend(cell(0x0005, 3, 0, &61412345678f64.to_le_bytes()));
    records.extend(cell(0x0002, 4, 0, &((2134u32 << 2) | 2).to_le_bytes()));
    records.extend(cell(0x0005, 5, 1, &45306f64.to_le_bytes()));
    records.extend(row(3));
    records.extend(cell(0x0002, 0, 0, &((12345u32 << 2) | 3).to_le_bytes()));
    records.extend(cell(0x0004, 1, 0, &[1]));
    records.extend(cell(0x0003, 2, 0, &[0x2A]));
    let mut formula_text = wide("Lee");
    formula_text.extend_from_slice(&[0; 6]);
    records.extend(cell(0x0008, 3, 0, &formula_text));
    let mut formula_number = 42f64.to_le_bytes().to_vec();
    formula_number.extend_from_slice(&[0; 6]);
    records.extend(cell(0x0009, 4, 0, &formula_number));
    records.extend(cell(0x000B, 5, 0, &[0x07, 0, 0, 0, 0, 0, 0]));
    records
}

const STRINGS: &[&str] = &[
    "Contact ID",
    "First Name",
    "Phone",
    "Mobile",
    "Postcode",
    "Date Added",
    "0412 345 678",
];

#[test]
fn an_xlsb_workbook_reads_like_excel_shows_it() {
    let bytes = xlsb(
        &[SheetSpec {
            name: "Contacts",
            state: 0,
            records: contacts_sheet(),
        }],
        STRINGS,
        false,
    );
    let workbook = read_ok(&bytes, "contacts.xlsb");
    assert_eq!(workbook.format, FileFormat::Xlsb);
    assert_eq!(
        workbook.sheet.headers,
        [
            "Contact ID",
            "First Name",
            "Phone",
            "Mobile",
            "Postcode",
            "Date Added"
        ]
    );
    assert_eq!(
        all_texts(&workbook),
        [
            vec![
                "1234567890123",
                "Ann",
                "0412 345 678",
                "61412345678",
                "2134",
                "2024-01-15"
            ],
            // The last is a formula whose cached value is #DIV/0!
            // (BrtFmlaError): calamine skips that record, so it reads as
            // blank (calamine pull request #716 would fix it).
            vec!["123.45", "TRUE", "#N/A", "Lee", "42", ""],
        ]
    );
    assert_eq!(workbook.sheet.rows[1].line, 4);
    assert_eq!(workbook.sheet.rows[1].cells[2], Cell::Error("#N/A".into()));
    assert_eq!(workbook.sheet.blank_rows_skipped, 1);
}

#[test]
fn calamine_reads_the_same_values_from_the_generated_xlsb() {
    let bytes = xlsb(
        &[SheetSpec {
            name: "Contacts",
            state: 0,
            records: contacts_sheet(),
        }],
        STRINGS,
        false,
    );
    let mut theirs: Xlsb<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let range = theirs.worksheet_range("Contacts").unwrap();
    assert_eq!(
        range.get_value((1, 1)),
        Some(&Data::String("  Ann ".into()))
    );
    assert_eq!(range.get_value((1, 3)), Some(&Data::Float(61412345678.0)));
    assert_eq!(range.get_value((3, 0)), Some(&Data::Float(123.45)));
    assert!(matches!(range.get_value((1, 5)), Some(Data::DateTime(d)) if d.as_f64() == 45306.0));
}

/// The "short" cell records (BrtShortSt, BrtShortIsst, BrtShortRk…) leave
/// out the column: it is the previous cell's plus one. Excel writes the
/// full records; some writers (SheetJS) write short ones for every cell
/// after the first of a row. calamine does not read them, so those cells
/// read as blank: a known gap, kept visible here.
#[test]
fn short_cell_records_are_skipped_by_calamine() {
    let mut records = row(0);
    records.extend(cell(0x0006, 0, 0, &wide("Name")));
    records.extend(record(0x0011, &[&[0u8; 4][..], &wide("Email")].concat()));
    records.extend(row(1));
    records.extend(cell(0x0006, 0, 0, &wide("Ann")));
    records.extend(record(
        0x0012,
        &[&[0u8; 4][..], &6u32.to_le_bytes()].concat(),
    ));
    records.extend(row(2));
    records.extend(record(
        0x000D,
        &[&[0u8; 4][..], &((7u32 << 2) | 2).to_le_bytes()].concat(),
    ));
    records.extend(record(
        0x0010,
        &[&[0u8; 4][..], &2.5f64.to_le_bytes()].concat(),
    ));
    let bytes = xlsb(
        &[SheetSpec {
            name: "Sheet1",
            state: 0,
            records,
        }],
        STRINGS,
        false,
    );
    let workbook = read_ok(&bytes, "short.xlsb");
    assert_eq!(workbook.sheet.headers, ["Name"]);
    assert_eq!(all_texts(&workbook), [vec!["Ann"]]);
}

#[test]
fn sheets_hidden_sheets_and_the_1904_date_system_are_honoured() {
    let mut lists = row(0);
    lists.extend(cell(0x0006, 0, 0, &wide("Category")));
    let mut people = row(0);
    people.extend(cell(0x0006, 0, 0, &wide("Date")));
    people.extend(row(1));
    people.extend(cell(0x0005, 0, 1, &0f64.to_le_bytes()));
    let bytes = xlsb(
        &[
            SheetSpec {
                name: "Lists",
                state: 1,
                records: lists,
            },
            SheetSpec {
                name: "Hidden by macro",
                state: 2,
                records: Vec::new(),
            },
            SheetSpec {
                name: "People",
                state: 0,
                records: people,
            },
        ],
        STRINGS,
        true,
    );
    let workbook = read_ok(&bytes, "book.xlsb");
    assert_eq!(workbook.sheet_names, ["Lists", "People"]);
    assert_eq!(workbook.sheet.name, "People");
    assert_eq!(all_texts(&workbook), [vec!["1904-01-01"]]);
}

#[test]
fn broken_xlsb_records_are_reported_as_damage() {
    let mut records = row(0);
    records.extend(cell(0x0006, 0, 0, &wide("Name")));
    records.extend(row(1));
    // A shared string index far past the table.
    records.extend(cell(0x0007, 0, 0, &999u32.to_le_bytes()));
    let bytes = xlsb(
        &[SheetSpec {
            name: "Sheet1",
            state: 0,
            records,
        }],
        STRINGS,
        false,
    );
    assert!(matches!(
        read(&bytes, "bad.xlsb"),
        Err(ReadError::Damaged { .. })
    ));

    // A cell record too short for its value, and a string claiming more
    // characters than the record holds.
    for broken in [
        record(0x0005, &[0, 0, 0, 0, 0, 0, 0, 0, 1]),
        record(
            0x0006,
            &[0; 8]
                .iter()
                .copied()
                .chain([0xFF, 0xFF, 0, 0])
                .collect::<Vec<_>>(),
        ),
    ] {
        let mut records = row(0);
        records.extend(cell(0x0006, 0, 0, &wide("Name")));
        records.extend(row(1));
        records.extend(broken);
        let bytes = xlsb(
            &[SheetSpec {
                name: "Sheet1",
                state: 0,
                records,
            }],
            STRINGS,
            false,
        );
        assert!(matches!(
            read(&bytes, "bad.xlsb"),
            Err(ReadError::Damaged { .. })
        ));
    }
}
