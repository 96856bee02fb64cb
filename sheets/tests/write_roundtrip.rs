//! Written workbooks and CSV read back by the same reader: values come back
//! exactly as written (leading zeros, line breaks, formula-like text), no
//! value becomes a formula, and the layout's header notes, drop-down lists
//! and frozen header are in the file.

#![cfg(all(feature = "read", feature = "write"))]

mod read_support;

use std::io::Read;

use read_support::{all_texts, read_ok};
use sheets::layout::{CellStyle, Column, DropDown, InstructionsSheet, SheetLayout, TableSheet, WorkbookLayout};
use sheets::read::read_workbook;
use sheets::Limits;

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|value| value.to_string()).collect()
}

/// Values a spreadsheet would change or run, if they were not text.
fn tricky_rows() -> Vec<Vec<String>> {
    vec![
        strings(&["Ana", "02134", "=HYPERLINK(\"http://x\")"]),
        strings(&["", "+61 412 345 678", "two\nlines"]),
        strings(&["Bo", "", "-5"]),
        strings(&["@SUM(A1)", "1e5", "said \"hi\", then left"]),
    ]
}

fn people() -> TableSheet {
    TableSheet {
        name: "People".into(),
        columns: vec![
            Column {
                note: Some("Who it is.".into()),
                ..Column::new("Name", 20.0)
            },
            Column {
                text_format: true,
                drop_down: Some(DropDown {
                    heading: "Codes".into(),
                    values: strings(&["02134", "2000"]),
                    list_width: 12.0,
                    prompt: "Choose a code.".into(),
                    error_title: "Code".into(),
                    error_message: "Not a code we know.".into(),
                }),
                ..Column::new("Code", 12.0)
            },
            Column {
                style: CellStyle::Warning,
                ..Column::new("Notes", 40.0)
            },
        ],
        rows: tricky_rows(),
        frozen_columns: 1,
    }
}

fn guide() -> InstructionsSheet {
    InstructionsSheet {
        name: "Guide".into(),
        title: "How to fill it in".into(),
        steps: strings(&["One person per row."]),
        table_headings: ["Column".into(), "Rules".into()],
        table: vec![["Name".into(), "Who it is.".into()]],
    }
}

fn layout(sheets: Vec<SheetLayout>) -> WorkbookLayout {
    WorkbookLayout {
        sheets,
        note_author: "Tests".into(),
    }
}

/// A part of the xlsx package, as text.
fn part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    archive.by_name(name).unwrap().read_to_string(&mut xml).unwrap();
    xml
}

#[test]
fn a_table_reads_back_exactly_as_written() {
    let bytes = sheets::write::xlsx(&layout(vec![
        SheetLayout::Table(people()),
        SheetLayout::Instructions(guide()),
    ]))
    .unwrap();
    let workbook = read_ok(&bytes, "people.xlsx");
    assert_eq!(workbook.sheet_names, ["People", "Guide"]);
    assert_eq!(workbook.sheet.name, "People");
    assert_eq!(workbook.sheet.headers, ["Name", "Code", "Notes"]);
    assert_eq!(all_texts(&workbook), tricky_rows());
    assert_eq!(
        workbook.sheet.rows.iter().map(|row| row.line).collect::<Vec<_>>(),
        [2, 3, 4, 5]
    );
}

#[test]
fn values_that_look_like_formulas_or_numbers_are_written_as_text() {
    let bytes = sheets::write::xlsx(&layout(vec![
        SheetLayout::Table(people()),
        SheetLayout::Instructions(guide()),
    ]))
    .unwrap();
    let xml = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(!xml.contains("<f>") && !xml.contains("<f "), "{xml}");
    // Every value cell is a string (shared string), none a number.
    assert!(!xml.contains("<v>2134</v>") && !xml.contains("<v>100000</v>"), "{xml}");
}

#[test]
fn notes_drop_downs_and_the_frozen_header_are_in_the_file() {
    let bytes = sheets::write::xlsx(&layout(vec![
        SheetLayout::Table(people()),
        SheetLayout::Instructions(guide()),
    ]))
    .unwrap();
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("'Guide'!$F$2:$F$3"), "{sheet}");
    assert!(sheet.contains("Choose a code."), "{sheet}");
    assert!(sheet.contains(r#"xSplit="1" ySplit="1""#), "{sheet}");
    let notes = part(&bytes, "xl/comments1.xml");
    assert!(notes.contains("Who it is.") && notes.contains("Tests"), "{notes}");

    // The list sits on the instructions sheet, in column F, under its
    // heading; the steps and the table are in A and B.
    let guide = read_workbook(&bytes, "people.xlsx", Some("Guide"), &Limits::DEFAULT).unwrap();
    assert_eq!(guide.sheet.headers, ["How to fill it in", "", "", "", "", "Codes"]);
    let rows: Vec<Vec<String>> = read_support::all_texts(&guide);
    assert_eq!(rows[0], ["Step 1", "One person per row.", "", "", "", "02134"]);
    assert_eq!(rows[1], ["", "", "", "", "", "2000"]);
    assert_eq!(rows[2], ["Column", "Rules", "", "", "", ""]);
    assert_eq!(rows[3], ["Name", "Who it is.", "", "", "", ""]);
}

#[test]
fn a_drop_down_without_an_instructions_sheet_is_refused() {
    let error = sheets::write::xlsx(&layout(vec![SheetLayout::Table(people())])).unwrap_err();
    assert!(error.to_string().contains("instructions sheet"), "{error}");
    // Without drop-downs, a table alone is fine.
    let mut plain = people();
    plain.columns[1].drop_down = None;
    let bytes = sheets::write::xlsx(&layout(vec![SheetLayout::Table(plain)])).unwrap();
    assert_eq!(all_texts(&read_ok(&bytes, "people.xlsx")), tricky_rows());
}

#[test]
fn a_csv_table_reads_back_exactly_as_written() {
    let csv = sheets::write::csv(&people());
    assert!(csv.starts_with("\u{feff}Name,Code,Notes\r\nAna,02134,\"'=HYPERLINK(\"\"http://x\"\")\"\r\n"), "{csv}");
    let workbook = read_ok(csv.as_bytes(), "people.csv");
    assert_eq!(workbook.sheet.headers, ["Name", "Code", "Notes"]);
    assert_eq!(all_texts(&workbook), tricky_rows());
}
