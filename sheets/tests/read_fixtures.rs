//! Reading the checked-in workbooks that LibreOffice made from
//! `fixtures/contacts.csv` and `fixtures/workbook.fods` (see
//! `scripts/make-fixtures`): the same contacts must come out of every format.

#![cfg(feature = "read")]

mod read_support;

use read_support::{
    all_texts, read_ok, CONTACTS_CSV, CONTACTS_ODS, CONTACTS_XLS, CONTACTS_XLSX, WORKBOOK_ODS,
    WORKBOOK_XLS, WORKBOOK_XLSX,
};
use sheets::read::read_workbook;
use sheets::{Cell, FileFormat, Limits};

#[test]
fn the_contacts_read_the_same_from_csv_xlsx_xls_and_ods() {
    let headers = [
        "Contact ID",
        "Contact Type",
        "First Name",
        "Last Name",
        "Company Name",
        "Email",
        "Phone",
        "Mobile",
        "Postcode",
        "Country",
        "Date Added",
    ];
    let rows = [
        vec![
            "1001",
            "Person",
            "Ann",
            "Lee",
            "",
            "ann.lee@example.com",
            "0412 345 678",
            "61412345678",
            "02134",
            "AU",
            "2024-01-15",
        ],
        vec![
            "1002",
            "Company",
            "",
            "",
            "Harbour Plumbing Pty Ltd",
            "accounts@harbourplumbing.example",
            "+44 20 7946 0000",
            "",
            "2000",
            "GB",
            "2023-12-31",
        ],
        vec![
            "1003",
            "Person",
            "Zoë",
            "Müller",
            "",
            "zoe@example.de",
            "+49 30 901820",
            "4915123456789",
            "10115",
            "DE",
            "",
        ],
    ];
    for (bytes, name, format) in [
        (CONTACTS_CSV, "contacts.csv", FileFormat::Csv),
        (CONTACTS_XLSX, "contacts.xlsx", FileFormat::Xlsx),
        (CONTACTS_XLS, "contacts.xls", FileFormat::Xls),
        (CONTACTS_ODS, "contacts.ods", FileFormat::Ods),
    ] {
        let workbook = read_ok(bytes, name);
        assert_eq!(workbook.format, format, "{name}");
        assert_eq!(workbook.sheet.headers, headers, "{name}");
        assert_eq!(all_texts(&workbook), rows, "{name}");
        let lines: Vec<u32> = workbook.sheet.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 3, 5], "{name}");
        assert_eq!(workbook.sheet.blank_rows_skipped, 1, "{name}");
    }
}

#[test]
fn a_libreoffice_workbook_reads_the_same_as_xlsx_xls_and_ods() {
    for (bytes, name, format) in [
        (WORKBOOK_XLSX, "workbook.xlsx", FileFormat::Xlsx),
        (WORKBOOK_XLS, "workbook.xls", FileFormat::Xls),
        (WORKBOOK_ODS, "workbook.ods", FileFormat::Ods),
    ] {
        let workbook = read_ok(bytes, name);
        assert_eq!(workbook.format, format, "{name}");
        assert_eq!(
            workbook.sheet_names,
            ["Instructions", "Lists", "Contacts"],
            "{name}"
        );
        assert_eq!(workbook.sheet.name, "Contacts", "{name}");
        assert_eq!(
            workbook.sheet.headers,
            [
                "Name",
                "",
                "Email",
                "Phone",
                "Postcode",
                "Contact ID",
                "Date Added",
                "Total",
                "Lookup"
            ],
            "{name}"
        );
        assert_eq!(
            all_texts(&workbook),
            [
                vec![
                    "Ann",
                    "Lee",
                    "ann@example.com",
                    "0412 345 678",
                    "02134",
                    "1001",
                    "2024-01-15",
                    "2",
                    "#N/A"
                ],
                vec![
                    "Bob",
                    "Brown",
                    "bob@example.com",
                    "+44 20 7946 0000",
                    "2000",
                    "123456789012345",
                    "",
                    "",
                    ""
                ],
            ],
            "{name}"
        );
        assert_eq!(
            workbook.sheet.rows[0].cells[8],
            Cell::Error("#N/A".into()),
            "{name}"
        );
        assert_eq!(workbook.sheet.rows[1].line, 5, "{name}");
        assert_eq!(workbook.sheet.blank_rows_skipped, 2, "{name}");

        let lists = read_workbook(bytes, name, Some("Lists"), &Limits::DEFAULT).unwrap();
        assert_eq!(lists.sheet.headers, ["Category"], "{name}");
        assert_eq!(all_texts(&lists), [vec!["Tenant"]], "{name}");
    }
}

#[test]
fn a_sheet_chosen_by_name_is_read_in_every_format() {
    for (bytes, name) in [
        (WORKBOOK_XLSX, "workbook.xlsx"),
        (WORKBOOK_XLS, "workbook.xls"),
        (WORKBOOK_ODS, "workbook.ods"),
    ] {
        let workbook = read_workbook(bytes, name, Some("instructions"), &Limits::DEFAULT).unwrap();
        assert_eq!(workbook.sheet.name, "Instructions", "{name}");
        assert_eq!(
            workbook.sheet.headers,
            ["Fill in the Contacts sheet"],
            "{name}"
        );
        assert!(workbook.sheet.rows.is_empty(), "{name}");
    }
}
