//! Reading xlsx workbooks written at test time with rust_xlsxwriter (and a
//! few parts written by hand): cell types, sheet choice, layout.

#![cfg(feature = "read")]

mod read_support;

use read_support::{all_texts, inline, minimal_xlsx, read, read_ok, texts};
use sheets::read::{read_workbook, read_workbook_with_progress, ReadError};
use sheets::{Cell, FileFormat, Limits};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook as XlsxBook, Worksheet};

/// An xlsx of one sheet filled by `fill`.
fn book(fill: impl FnOnce(&mut Worksheet)) -> Vec<u8> {
    let mut workbook = XlsxBook::new();
    fill(workbook.add_worksheet());
    workbook.save_to_buffer().unwrap()
}

fn headers(sheet: &mut Worksheet, names: &[&str]) {
    for (col, name) in names.iter().enumerate() {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
}

#[test]
fn numbers_typed_into_phone_postcode_and_id_columns_read_as_excel_shows_them() {
    let bytes = book(|sheet| {
        headers(
            sheet,
            &["Contact ID", "First Name", "Phone", "Mobile", "Postcode"],
        );
        sheet.write_number(1, 0, 1234567890123.0).unwrap();
        sheet.write_string(1, 1, "Ann").unwrap();
        sheet.write_string(1, 2, "0412 345 678").unwrap();
        sheet.write_number(1, 3, 61412345678.0).unwrap();
        sheet.write_number(1, 4, 2134.0).unwrap();
        sheet.write_string(2, 0, "00123").unwrap();
        sheet.write_string(2, 1, "Bob").unwrap();
        sheet.write_string(2, 2, "+44 20 7946 0000").unwrap();
        sheet.write_number(2, 3, 123456789012345.0).unwrap();
        sheet.write_string(2, 4, "02134").unwrap();
        sheet.write_number(3, 0, 0.1).unwrap();
        sheet.write_number(3, 1, 1e-7).unwrap();
        sheet.write_number(3, 2, -2.5).unwrap();
    });
    let workbook = read_ok(&bytes, "contacts.xlsx");
    assert_eq!(workbook.format, FileFormat::Xlsx);
    assert_eq!(
        workbook.sheet.headers,
        ["Contact ID", "First Name", "Phone", "Mobile", "Postcode"]
    );
    assert_eq!(
        all_texts(&workbook),
        [
            vec![
                "1234567890123",
                "Ann",
                "0412 345 678",
                "61412345678",
                "2134"
            ],
            vec![
                "00123",
                "Bob",
                "+44 20 7946 0000",
                "123456789012345",
                "02134"
            ],
            vec!["0.1", "0.0000001", "-2.5", "", ""],
        ]
    );
}

#[test]
fn dates_and_times_typed_into_cells_read_as_iso_text() {
    let bytes = book(|sheet| {
        headers(sheet, &["Date", "Local date", "With time"]);
        let iso = Format::new().set_num_format("yyyy-mm-dd");
        let local = Format::new().set_num_format("dd/mm/yyyy");
        let with_time = Format::new().set_num_format("d mmm yyyy h:mm:ss");
        let date = ExcelDateTime::from_ymd(2024, 1, 15).unwrap();
        sheet.write_datetime_with_format(1, 0, &date, &iso).unwrap();
        sheet
            .write_datetime_with_format(1, 1, &date, &local)
            .unwrap();
        let moment = ExcelDateTime::parse_from_str("2024-01-15 10:30:00").unwrap();
        sheet
            .write_datetime_with_format(1, 2, &moment, &with_time)
            .unwrap();
        sheet
            .write_number_with_format(2, 0, 45306.0, &Format::new().set_num_format("0.00"))
            .unwrap();
    });
    let workbook = read_ok(&bytes, "dates.xlsx");
    assert_eq!(
        all_texts(&workbook),
        [
            vec!["2024-01-15", "2024-01-15", "2024-01-15 10:30:00"],
            vec!["45306", "", ""],
        ]
    );
}

#[test]
fn formulas_read_as_their_cached_values_and_errors_as_error_cells() {
    let bytes = book(|sheet| {
        headers(sheet, &["Sum", "Name", "Lookup", "Flag", "Ratio"]);
        sheet
            .write_formula(1, 0, Formula::new("=1+1").set_result("2"))
            .unwrap();
        sheet
            .write_formula(1, 1, Formula::new("=\"A\"&\"nn\"").set_result("Ann"))
            .unwrap();
        sheet
            .write_formula(1, 2, Formula::new("=NA()").set_result("#N/A"))
            .unwrap();
        sheet
            .write_formula(1, 3, Formula::new("=TRUE()").set_result("TRUE"))
            .unwrap();
        sheet
            .write_formula(1, 4, Formula::new("=1/0").set_result("#DIV/0!"))
            .unwrap();
        sheet.write_boolean(2, 3, false).unwrap();
    });
    let workbook = read_ok(&bytes, "formulas.xlsx");
    let row = &workbook.sheet.rows[0];
    assert_eq!(row.cells[0], Cell::Text("2".into()));
    assert_eq!(row.cells[1], Cell::Text("Ann".into()));
    assert_eq!(row.cells[2], Cell::Error("#N/A".into()));
    assert_eq!(row.cells[3], Cell::Text("TRUE".into()));
    assert_eq!(row.cells[4], Cell::Error("#DIV/0!".into()));
    assert_eq!(texts(&workbook.sheet.rows[1])[3], "FALSE");
}

#[test]
fn blank_rows_between_contacts_are_skipped_and_counted() {
    let bytes = book(|sheet| {
        headers(sheet, &["First Name", "Email"]);
        sheet.write_string(1, 0, "Ann").unwrap();
        sheet.write_string(2, 0, "   ").unwrap();
        sheet.write_string(4, 1, "bob@example.com").unwrap();
        sheet.write_string(9, 0, "").unwrap();
    });
    let workbook = read_ok(&bytes, "blank.xlsx");
    let lines: Vec<u32> = workbook.sheet.rows.iter().map(|r| r.line).collect();
    assert_eq!(workbook.sheet.header_line, 1);
    assert_eq!(lines, [2, 5]);
    assert_eq!(workbook.sheet.blank_rows_skipped, 2);
}

#[test]
fn the_header_is_the_first_non_blank_row_wherever_it_starts() {
    let bytes = book(|sheet| {
        sheet.write_string(2, 1, " First Name ").unwrap();
        sheet.write_string(2, 2, "Email").unwrap();
        sheet.write_string(3, 1, "Ann").unwrap();
    });
    let workbook = read_ok(&bytes, "offset.xlsx");
    assert_eq!(workbook.sheet.header_line, 3);
    assert_eq!(workbook.sheet.headers, ["", "First Name", "Email"]);
    assert_eq!(workbook.sheet.rows[0].line, 4);
    assert_eq!(texts(&workbook.sheet.rows[0]), ["", "Ann", ""]);
}

#[test]
fn text_is_trimmed_but_otherwise_kept_as_typed() {
    let bytes = book(|sheet| {
        headers(sheet, &["Name", "Notes", "City"]);
        sheet.write_string(1, 0, "  Ann Lee \u{a0}").unwrap();
        sheet.write_string(1, 1, "Line 1\nLine 2 🏠").unwrap();
        sheet.write_string(1, 2, "مرحبا").unwrap();
        sheet.write_string(2, 0, "שלום").unwrap();
        sheet.write_string(2, 1, "<b>not html</b> & more").unwrap();
        sheet.write_string(2, 2, "=cmd|' /C calc'!A0").unwrap();
    });
    let workbook = read_ok(&bytes, "text.xlsx");
    assert_eq!(
        all_texts(&workbook),
        [
            vec!["Ann Lee", "Line 1\nLine 2 🏠", "مرحبا"],
            vec!["שלום", "<b>not html</b> & more", "=cmd|' /C calc'!A0"],
        ]
    );
}

#[test]
fn cells_longer_than_excel_allows_are_cut_to_32767_characters() {
    let long = "é".repeat(40_000);
    let bytes = minimal_xlsx(
        &format!(
            r#"<row r="1">{}</row><row r="2">{}</row>"#,
            inline("A1", "Notes"),
            inline("A2", &long)
        ),
        None,
    );
    let workbook = read_ok(&bytes, "long.xlsx");
    assert_eq!(
        workbook.sheet.rows[0].cells[0].text().chars().count(),
        32_767
    );
}

#[test]
fn the_contacts_sheet_is_chosen_even_when_it_is_not_first() {
    let mut workbook = XlsxBook::new();
    workbook
        .add_worksheet()
        .set_name("Instructions")
        .unwrap()
        .write_string(0, 0, "Read me")
        .unwrap();
    let contacts = workbook.add_worksheet().set_name("contacts").unwrap();
    contacts.write_string(0, 0, "Email").unwrap();
    contacts.write_string(1, 0, "ann@example.com").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let read = read_ok(&bytes, "book.xlsx");
    assert_eq!(read.sheet_names, ["Instructions", "contacts"]);
    assert_eq!(read.sheet.name, "contacts");
    assert_eq!(all_texts(&read), [vec!["ann@example.com"]]);
}

#[test]
fn a_hidden_sheet_is_offered_but_not_chosen_by_default() {
    let mut workbook = XlsxBook::new();
    let lists = workbook.add_worksheet().set_name("Lists").unwrap();
    lists.write_string(0, 0, "Category").unwrap();
    lists.write_string(1, 0, "Tenant").unwrap();
    let people = workbook.add_worksheet().set_name("People").unwrap();
    people.write_string(0, 0, "Email").unwrap();
    people.write_string(1, 0, "ann@example.com").unwrap();
    people.set_active(true);
    workbook
        .worksheet_from_name("Lists")
        .unwrap()
        .set_hidden(true);
    let bytes = workbook.save_to_buffer().unwrap();

    let read = read_ok(&bytes, "book.xlsx");
    assert_eq!(read.sheet_names, ["Lists", "People"]);
    assert_eq!(read.sheet.name, "People");
    let lists = read_workbook(&bytes, "book.xlsx", Some("lists"), &Limits::DEFAULT).unwrap();
    assert_eq!(lists.sheet.name, "Lists");
    assert_eq!(all_texts(&lists), [vec!["Tenant"]]);
}

#[test]
fn a_sheet_that_is_not_there_is_reported_with_the_choices() {
    let bytes = book(|sheet| {
        sheet.write_string(0, 0, "Email").unwrap();
    });
    let error = read_workbook(&bytes, "book.xlsx", Some("Tenants"), &Limits::DEFAULT).unwrap_err();
    assert_eq!(
        error,
        ReadError::SheetNotFound {
            sheet: "Tenants".into(),
            available: vec!["Sheet1".into()]
        }
    );
    assert_eq!(
        error.to_string(),
        "The sheet “Tenants” is not in this file. Choose one of: “Sheet1”."
    );
}

#[test]
fn merged_header_cells_keep_their_text_in_the_first_column() {
    let bytes = book(|sheet| {
        sheet
            .merge_range(0, 0, 0, 1, "Name", &Format::new())
            .unwrap();
        sheet.write_string(0, 2, "Email").unwrap();
        sheet.write_string(1, 0, "Ann").unwrap();
        sheet.write_string(1, 1, "Lee").unwrap();
        sheet.write_string(1, 2, "ann@example.com").unwrap();
    });
    let workbook = read_ok(&bytes, "merged.xlsx");
    assert_eq!(workbook.sheet.headers, ["Name", "", "Email"]);
    assert_eq!(
        all_texts(&workbook),
        [vec!["Ann", "Lee", "ann@example.com"]]
    );
}

#[test]
fn a_sheet_with_only_a_header_has_no_rows_and_an_empty_sheet_has_no_header() {
    let header_only = book(|sheet| headers(sheet, &["First Name", "Email"]));
    let workbook = read_ok(&header_only, "header.xlsx");
    assert!(workbook.sheet.rows.is_empty());

    let empty = book(|_| {});
    let error = read(&empty, "empty.xlsx").unwrap_err();
    assert_eq!(
        error,
        ReadError::NoHeader {
            sheet: "Sheet1".into()
        }
    );
    assert!(error
        .to_string()
        .starts_with("The sheet “Sheet1” has no header row"));
}

#[test]
fn cells_beyond_the_last_header_are_ignored() {
    let bytes = book(|sheet| {
        headers(sheet, &["First Name", "Email"]);
        sheet.write_string(1, 0, "Ann").unwrap();
        sheet.write_string(1, 5, "stray note").unwrap();
        sheet.write_string(2, 7, "only a stray").unwrap();
    });
    let workbook = read_ok(&bytes, "stray.xlsx");
    assert_eq!(all_texts(&workbook), [vec!["Ann", ""]]);
}

#[test]
fn a_header_wider_than_the_column_limit_is_refused() {
    let bytes = book(|sheet| {
        for col in 0..101u16 {
            sheet.write_string(0, col, format!("Column {col}")).unwrap();
        }
    });
    let error = read(&bytes, "wide.xlsx").unwrap_err();
    assert_eq!(
        error,
        ReadError::TooManyColumns {
            sheet: "Sheet1".into(),
            columns: 101,
            max: 100
        }
    );
}

#[test]
fn rows_past_the_limit_are_refused() {
    let mut data =
        String::from(r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Contact ID</t></is></c></row>"#);
    for row in 2..=200_002u32 {
        data.push_str(&format!(
            r#"<row r="{row}"><c r="A{row}"><v>{row}</v></c></row>"#
        ));
    }
    let bytes = minimal_xlsx(&data, None);
    let error = read(&bytes, "big.xlsx").unwrap_err();
    assert_eq!(
        error,
        ReadError::TooManyRows {
            sheet: "Sheet1".into(),
            max: 200_000
        }
    );
    assert!(error.to_string().contains("more than 200,000 rows"));
}

#[test]
fn progress_is_reported_every_two_thousand_rows_and_at_the_end() {
    let bytes = book(|sheet| {
        headers(sheet, &["Contact ID"]);
        for row in 1..=5_000u32 {
            sheet.write_number(row, 0, f64::from(row)).unwrap();
        }
    });
    let mut reported = Vec::new();
    let workbook = read_workbook_with_progress(
        &bytes,
        "progress.xlsx",
        None,
        &Limits::DEFAULT,
        &mut |rows| reported.push(rows),
    )
    .unwrap();
    assert_eq!(workbook.sheet.rows.len(), 5_000);
    assert_eq!(reported, [2_000, 4_000, 5_000]);
}

#[test]
fn a_macro_enabled_name_reads_as_xlsm() {
    let bytes = book(|sheet| headers(sheet, &["Email"]));
    assert_eq!(read_ok(&bytes, "Contacts.XLSM").format, FileFormat::Xlsm);
}

#[test]
fn shared_strings_rich_text_and_escapes_are_read() {
    let strings = r#"<si><t>Email</t></si><si><r><t>Ann</t></r><r><rPr><b/></rPr><t xml:space="preserve"> Lee</t></r><rPh sb="0" eb="1"><t>アン</t></rPh></si><si><t>a_x000D_b &amp; c</t></si><si><t/></si>"#;
    let data = r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row><row r="3"><c r="A3" t="s"><v>2</v></c></row><row r="4"><c r="A4" t="s"><v>3</v></c><c r="B4" t="s"><v></v></c></row>"#;
    let workbook = read_ok(&minimal_xlsx(data, Some(strings)), "rich.xlsx");
    assert_eq!(all_texts(&workbook), [vec!["Ann Lee"], vec!["a\rb & c"]]);
}

#[test]
fn cells_without_references_follow_on_from_the_previous_cell() {
    let data = r#"<row><c t="inlineStr"><is><t>A</t></is></c><c t="inlineStr"><is><t>B</t></is></c></row><row><c><v>1</v></c><c r="B2"><v>2</v></c></row>"#;
    let workbook = read_ok(&minimal_xlsx(data, None), "norefs.xlsx");
    assert_eq!(workbook.sheet.headers, ["A", "B"]);
    assert_eq!(all_texts(&workbook), [vec!["1", "2"]]);
}

/// Excel 365's newer errors (`#SPILL!`, `#CALC!`, `#FIELD!`…) are cached as
/// `t="e"` cells; calamine 0.38 knows only the classic seven and stops at
/// any other, so the reader finds those cells itself: they read as error
/// cells, and the rest of the sheet as usual.
#[test]
fn newer_excel_error_values_read_as_error_cells() {
    let error = |text: &str| Cell::Error(text.into());
    let text = |text: &str| Cell::Text(text.into());
    let data = format!(
        r#"<row r="1">{}{}</row><row r="2"><c r="A2" t="e"><v>#N/A</v></c><c r="B2"><v>1</v></c></row><row r="3"><c r="A3" t="e"><f>SEQUENCE(3)</f><v>#SPILL!</v></c><c r="B3" t="e"><v>#CALC!</v></c><c r="C3" t="e"><v>#FIELD!</v></c></row><row r="4"><c r="B4" t="e" s="0"><v>#BUSY!</v></c></row><row r="6"><c r="A6"><v>6</v></c><c r="B6" t="e"><v>oops</v></c></row>"#,
        inline("A1", "Email"),
        inline("B1", "Count")
    );
    let workbook = read_ok(&minimal_xlsx(&data, None), "spill.xlsx");
    let rows: Vec<(u32, Vec<Cell>)> = workbook
        .sheet
        .rows
        .iter()
        .map(|row| (row.line, row.cells.clone()))
        .collect();
    assert_eq!(
        rows,
        [
            (2, vec![error("#N/A"), text("1")]),
            (3, vec![error("#SPILL!"), error("#CALC!")]),
            (4, vec![text(""), error("#BUSY!")]),
            (6, vec![text("6"), error("oops")]),
        ]
    );
    assert_eq!(workbook.sheet.blank_rows_skipped, 1);

    // In the header too, and in cells without references.
    let data = r#"<row><c t="e"><v>#SPILL!</v></c><c r="B1" t="inlineStr"><is><t>Email</t></is></c></row><row><c t="e"><v>#CALC!</v></c></row><row><c><v>3</v></c><c t="e"><v>#BLOCKED!</v></c></row>"#;
    let workbook = read_ok(&minimal_xlsx(data, None), "norefs.xlsx");
    assert_eq!(workbook.sheet.headers, ["#SPILL!", "Email"]);
    assert_eq!(
        workbook
            .sheet
            .rows
            .iter()
            .map(|row| row.cells.clone())
            .collect::<Vec<_>>(),
        [
            vec![error("#CALC!"), text("")],
            vec![text("3"), error("#BLOCKED!")]
        ]
    );
}

/// calamine does not count the column on after a cell it refused, so a
/// cell without a reference after one in the same row would land on it:
/// such a sheet (which Excel never writes) is refused as before.
#[test]
fn a_cell_without_a_reference_after_a_newer_error_value_is_refused() {
    for data in [
        r#"<row r="1"><c t="inlineStr"><is><t>A</t></is></c><c t="inlineStr"><is><t>B</t></is></c></row><row r="2"><c t="e"><v>#SPILL!</v></c><c><v>2</v></c></row>"#,
        r#"<row r="1"><c r="A1" t="e"><v>#SPILL!</v></c><c t="inlineStr"><is><t>B</t></is></c></row>"#,
        r#"<row r="1"><c r="A1" t="e"><v>#SPILL!</v></c><c r="B1" t="e"><v>#CALC!</v></c><c><v>1</v></c></row>"#,
    ] {
        let result = read(&minimal_xlsx(data, None), "norefs.xlsx");
        assert!(
            matches!(result, Err(ReadError::Damaged { .. })),
            "{data}: {result:?}"
        );
    }
}
