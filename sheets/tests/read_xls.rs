//! Reading xls (BIFF8) workbooks built record by record, for the cell
//! records LibreOffice's own xls files do not use.

#![cfg(feature = "read")]

mod read_support;

use read_support::{all_texts, biff, biff_cell, biff_string, compound_file, read, read_ok, xls};
use sheets::read::ReadError;
use sheets::{Cell, FileFormat};

fn xf(format: u16) -> Vec<u8> {
    biff(
        0x00E0,
        &[&[0u8, 0][..], &format.to_le_bytes(), &[0; 16]].concat(),
    )
}

fn rk_int(value: i32) -> [u8; 4] {
    (((value << 2) | 2) as u32).to_le_bytes()
}

fn label_sst(row: u16, col: u16, index: u32) -> Vec<u8> {
    biff(
        0x00FD,
        &[biff_cell(row, col, 0), index.to_le_bytes().to_vec()].concat(),
    )
}

fn header_row(names: &[u32]) -> Vec<u8> {
    names
        .iter()
        .enumerate()
        .flat_map(|(col, &i)| label_sst(0, col as u16, i))
        .collect()
}

#[test]
fn every_kind_of_xls_cell_reads_as_excel_shows_it() {
    let strings = [
        "Contact ID",
        "Phone",
        "Mobile",
        "Postcode",
        "Date Added",
        "Active",
        "Lookup",
        "Name",
        "0412 345 678",
    ];
    let mut sheet = header_row(&[0, 1, 2, 3, 4, 5, 6, 7]);
    // Row 2: number, shared string, double, RK, date, boolean, error, label.
    sheet.extend(biff(
        0x0203,
        &[biff_cell(1, 0, 0), 1234567890123f64.to_le_bytes().to_vec()].concat(),
    ));
    sheet.extend(label_sst(1, 1, 8));
    sheet.extend(biff(
        0x0203,
        &[biff_cell(1, 2, 0), 61412345678f64.to_le_bytes().to_vec()].concat(),
    ));
    sheet.extend(biff(
        0x027E,
        &[biff_cell(1, 3, 0), rk_int(2134).to_vec()].concat(),
    ));
    sheet.extend(biff(
        0x027E,
        &[biff_cell(1, 4, 1), rk_int(45306).to_vec()].concat(),
    ));
    sheet.extend(biff(0x0205, &[biff_cell(1, 5, 0), vec![1, 0]].concat()));
    sheet.extend(biff(0x0205, &[biff_cell(1, 6, 0), vec![0x2A, 1]].concat()));
    sheet.extend(biff(
        0x0204,
        &[biff_cell(1, 7, 0), biff_string("  Zoë ", false)].concat(),
    ));
    // Row 4: MulRk over three columns, then formulas.
    let mut mul_rk = [3u16.to_le_bytes(), 0u16.to_le_bytes()].concat();
    for value in [7, 8, 9] {
        mul_rk.extend_from_slice(&0u16.to_le_bytes());
        mul_rk.extend_from_slice(&rk_int(value));
    }
    mul_rk.extend_from_slice(&2u16.to_le_bytes());
    sheet.extend(biff(0x00BD, &mul_rk));
    let formula = |col: u16, result: [u8; 8]| {
        biff(
            0x0006,
            &[
                biff_cell(3, col, 0),
                result.to_vec(),
                vec![0; 6],
                vec![0, 0],
            ]
            .concat(),
        )
    };
    sheet.extend(formula(4, 2.5f64.to_le_bytes()));
    sheet.extend(formula(5, [1, 0, 1, 0, 0, 0, 0xFF, 0xFF]));
    sheet.extend(formula(6, [2, 0, 0x07, 0, 0, 0, 0xFF, 0xFF]));
    sheet.extend(formula(7, [0, 0, 0, 0, 0, 0, 0xFF, 0xFF]));
    sheet.extend(biff(0x0207, &biff_string("Ann Lee", false)));

    let bytes = xls(&[xf(0), xf(14)], &strings, &[("Contacts", 0, sheet)]);
    let workbook = read_ok(&bytes, "contacts.xls");
    assert_eq!(workbook.format, FileFormat::Xls);
    assert_eq!(
        workbook.sheet.headers,
        [
            "Contact ID",
            "Phone",
            "Mobile",
            "Postcode",
            "Date Added",
            "Active",
            "Lookup",
            "Name"
        ]
    );
    assert_eq!(
        all_texts(&workbook),
        [
            vec![
                "1234567890123",
                "0412 345 678",
                "61412345678",
                "2134",
                "2024-01-15",
                "TRUE",
                "#N/A",
                "Zoë"
            ],
            vec!["7", "8", "9", "", "2.5", "TRUE", "#DIV/0!", "Ann Lee"],
        ]
    );
    assert_eq!(workbook.sheet.rows[0].cells[6], Cell::Error("#N/A".into()));
    assert_eq!(workbook.sheet.rows[1].line, 4);
}

#[test]
fn xls_sheet_visibility_and_the_1904_date_system_are_honoured() {
    let mut lists = header_row(&[0]);
    lists.extend(label_sst(1, 0, 1));
    let mut people = header_row(&[2]);
    people.extend(biff(
        0x027E,
        &[biff_cell(1, 0, 1), rk_int(0).to_vec()].concat(),
    ));
    let bytes = xls(
        &[biff(0x0022, &1u16.to_le_bytes()), xf(0), xf(14)],
        &["Category", "Tenant", "Date"],
        &[
            ("Lists", 1, lists),
            ("Macro", 2, Vec::new()),
            ("People", 0, people),
        ],
    );
    let workbook = read_ok(&bytes, "book.xls");
    assert_eq!(workbook.sheet_names, ["Lists", "People"]);
    assert_eq!(workbook.sheet.name, "People");
    assert_eq!(all_texts(&workbook), [vec!["1904-01-01"]]);
}

#[test]
fn shared_strings_split_across_continue_records_are_joined() {
    // An SST whose second string starts in the SST record and ends in a
    // CONTINUE record that switches to two-byte characters.
    let mut sst = 2u32.to_le_bytes().to_vec();
    sst.extend_from_slice(&2u32.to_le_bytes());
    sst.extend(biff_string("Name", false));
    sst.extend_from_slice(&[6, 0, 0]);
    sst.extend_from_slice(b"Zo");
    let mut continued = vec![1u8];
    for unit in "ë Li".encode_utf16() {
        continued.extend_from_slice(&unit.to_le_bytes());
    }
    let mut sheet = label_sst(0, 0, 0);
    sheet.extend(label_sst(1, 0, 1));
    let bof = biff(
        0x0809,
        &[&0x0600u16.to_le_bytes()[..], &5u16.to_le_bytes(), &[0; 12]].concat(),
    );
    let sheet_stream = [
        biff(
            0x0809,
            &[
                &0x0600u16.to_le_bytes()[..],
                &0x10u16.to_le_bytes(),
                &[0; 12],
            ]
            .concat(),
        ),
        sheet,
        biff(0x000A, &[]),
    ]
    .concat();
    let tail = [
        biff(0x00FC, &sst),
        biff(0x003C, &continued),
        biff(0x000A, &[]),
    ]
    .concat();
    let bound_len = biff(
        0x0085,
        &[&[0u8; 6][..], &biff_string("Sheet1", true)].concat(),
    )
    .len();
    let position = (bof.len() + bound_len + tail.len()) as u32;
    let bound = biff(
        0x0085,
        &[
            &position.to_le_bytes()[..],
            &[0, 0],
            &biff_string("Sheet1", true),
        ]
        .concat(),
    );
    let stream = [bof, bound, tail, sheet_stream].concat();
    let workbook = read_ok(&compound_file(&[("Workbook", stream)]), "continued.xls");
    assert_eq!(workbook.sheet.headers, ["Name"]);
    assert_eq!(all_texts(&workbook), [vec!["Zoë Li"]]);
}

#[test]
fn encrypted_and_old_xls_files_get_clear_errors() {
    let encrypted = xls(
        &[biff(0x002F, &[1, 0, 1, 0, 1, 0])],
        &[],
        &[("Sheet1", 0, Vec::new())],
    );
    assert_eq!(
        read(&encrypted, "locked.xls").unwrap_err(),
        ReadError::PasswordProtected
    );

    let biff5 = compound_file(&[(
        "Book",
        [
            biff(
                0x0809,
                &[&0x0500u16.to_le_bytes()[..], &5u16.to_le_bytes(), &[0; 4]].concat(),
            ),
            biff(0x000A, &[]),
        ]
        .concat(),
    )]);
    let error = read(&biff5, "old.xls").unwrap_err();
    assert_eq!(error, ReadError::OldExcelFormat);
    assert!(error.to_string().contains("Excel 95"));
}

#[test]
fn broken_xls_records_are_reported_as_damage() {
    // A shared string index past the table.
    let mut sheet = label_sst(0, 0, 0);
    sheet.extend(label_sst(1, 0, 99));
    let bytes = xls(&[], &["Name"], &[("Sheet1", 0, sheet)]);
    assert!(matches!(
        read(&bytes, "bad.xls"),
        Err(ReadError::Damaged { .. })
    ));

    // A number record too short for its value.
    let mut sheet = label_sst(0, 0, 0);
    sheet.extend(biff(0x0203, &[1, 0, 0, 0]));
    let bytes = xls(&[], &["Name"], &[("Sheet1", 0, sheet)]);
    assert!(matches!(
        read(&bytes, "bad.xls"),
        Err(ReadError::Damaged { .. })
    ));
}
