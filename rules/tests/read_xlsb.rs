//! Reading xlsb workbooks. No tool here writes xlsb (LibreOffice cannot),
//! so these tests build small BIFF12 packages record by record, following
//! [MS-XLSB], and check that calamine reads the same values from them.

#![cfg(feature = "read")]

mod read_support;

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsb};
use read_support::{all_texts, read, read_ok, zip, REL_NS};
use rules::read::ReadError;
use rules::{Cell, FileFormat};

/// One BIFF12 record: type and size as 7-bit varints, then the payload.
fn record(kind: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    if kind < 0x80 {
        out.push(kind as u8);
    } else {
        out.push((kind & 0x7F) as u8 | 0x80);
        out.push((kind >> 7) as u8);
    }
    let mut size = payload.len();
    loop {
        let byte = (size & 0x7F) as u8;
        size >>= 7;
        if size == 0 {
            out.push(byte);
            break;
        }
        out.push(byte | 0x80);
    }
    out.extend_from_slice(payload);
    out
}

fn wide(text: &str) -> Vec<u8> {
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut out = (units.len() as u32).to_le_bytes().to_vec();
    for unit in units {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

/// A cell record: column, style (24 bits) and flags, then the value.
fn cell(kind: u16, col: u32, style: u32, value: &[u8]) -> Vec<u8> {
    let mut payload = col.to_le_bytes().to_vec();
    payload.extend_from_slice(&style.to_le_bytes());
    payload.extend_from_slice(value);
    record(kind, &payload)
}

fn row(index: u32) -> Vec<u8> {
    let mut payload = index.to_le_bytes().to_vec();
    payload.extend_from_slice(&[0; 13]);
    record(0x0000, &payload)
}

struct SheetSpec<'a> {
    name: &'a str,
    state: u32,
    records: Vec<u8>,
}

/// An xlsb package with `sheets`, shared `strings`, a date style (index 1)
/// and the 1904 flag when asked.
fn xlsb(sheets: &[SheetSpec<'_>], strings: &[&str], is_1904: bool) -> Vec<u8> {
    let mut workbook = record(0x0083, &[]);
    workbook.extend(record(0x0099, &(u32::from(is_1904)).to_le_bytes()));
    workbook.extend(record(0x008F, &[]));
    let mut rels = String::new();
    for (i, sheet) in sheets.iter().enumerate() {
        let mut payload = sheet.state.to_le_bytes().to_vec();
        payload.extend_from_slice(&(i as u32 + 1).to_le_bytes());
        payload.extend(wide(&format!("rId{}", i + 1)));
        payload.extend(wide(sheet.name));
        workbook.extend(record(0x009C, &payload));
        rels.push_str(&format!(
            r#"<Relationship Id="rId{}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{}.bin"/>"#,
            i + 1,
            i + 1
        ));
    }
    workbook.extend(record(0x0090, &[]));
    workbook.extend(record(0x0084, &[]));
    rels.push_str(&format!(
        r#"<Relationship Id="rIdS" Type="{REL_NS}/sharedStrings" Target="sharedStrings.bin"/>"#
    ));
    rels.push_str(&format!(
        r#"<Relationship Id="rIdT" Type="{REL_NS}/styles" Target="styles.bin"/>"#
    ));

    let mut sst = record(
        0x009F,
        &[strings.len() as u8, 0, 0, 0, strings.len() as u8, 0, 0, 0],
    );
    for s in strings {
        let mut payload = vec![0u8];
        payload.extend(wide(s));
        sst.extend(record(0x0013, &payload));
    }
    sst.extend(record(0x00A0, &[]));

    let mut styles = record(0x0267, &1u32.to_le_bytes());
    let mut format = 164u16.to_le_bytes().to_vec();
    format.extend(wide("yyyy-mm-dd"));
    styles.extend(record(0x002C, &format));
    styles.extend(record(0x0268, &[]));
    styles.extend(record(0x0269, &2u32.to_le_bytes()));
    for number_format in [0u16, 164] {
        let mut xf = 0xFFFFu16.to_le_bytes().to_vec();
        xf.extend_from_slice(&number_format.to_le_bytes());
        xf.extend_from_slice(&[0; 12]);
        styles.extend(record(0x002F, &xf));
    }
    styles.extend(record(0x026A, &[]));

    let package_rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.bin"/></Relationships>"#
    );
    let workbook_rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
    );
    let sheet_bins: Vec<(String, Vec<u8>)> = sheets
        .iter()
        .enumerate()
        .map(|(i, sheet)| {
            let mut bin = record(0x0081, &[]);
            bin.extend(record(0x0094, &[0; 16]));
            bin.extend(record(0x0091, &[]));
            bin.extend_from_slice(&sheet.records);
            bin.extend(record(0x0092, &[]));
            bin.extend(record(0x0082, &[]));
            (format!("xl/worksheets/sheet{}.bin", i + 1), bin)
        })
        .collect();
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#),
        ("_rels/.rels", package_rels.as_bytes()),
        ("xl/workbook.bin", &workbook),
        ("xl/_rels/workbook.bin.rels", workbook_rels.as_bytes()),
        ("xl/sharedStrings.bin", &sst),
        ("xl/styles.bin", &styles),
    ];
    for (name, bin) in &sheet_bins {
        entries.push((name.as_str(), bin.as_slice()));
    }
    zip(&entries)
}

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
            vec!["123.45", "TRUE", "#N/A", "Lee", "42", "#DIV/0!"],
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

#[test]
fn short_cell_records_follow_the_previous_column() {
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
    assert_eq!(workbook.sheet.headers, ["Name", "Email"]);
    assert_eq!(
        all_texts(&workbook),
        [vec!["Ann", "0412 345 678"], vec!["7", "2.5"]]
    );
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
