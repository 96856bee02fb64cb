//! Hostile and broken files, all generated in code: each must end in a
//! clear error (or a sensible result) quickly, without a panic and without
//! a large allocation. A counting allocator measures the memory each read
//! takes on its own thread.

#![cfg(feature = "read")]

#[path = "read_support/counting.rs"]
mod counting;
mod read_support;

use counting::{read_measured, MIB};
use read_support::{
    all_texts, biff, biff_cell, biff_string, compound_file, declare_size, header_and_rows, inline,
    mark_encrypted, minimal_xlsx, ods, ods_text, ods_with_content, read, record, wide, worksheet,
    xls, xlsb, xlsb_with_names, xlsx_parts, xlsx_with_sheet, zip,
    zip_with_filler, SheetSpec, MAIN_NS,
};
use sheets::read::ReadError;
use sheets::Limits;

// ---- the tests ----

#[test]
fn a_tiny_xlsx_with_cells_in_a1_and_xfd1048576_reads_without_allocating_the_grid() {
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><dimension ref="A1:XFD1048576"/><sheetData><row r="1">{}</row><row r="2">{}</row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#,
        inline("A1", "Email"),
        inline("A2", "ann@example.com")
    );
    let bytes = xlsx_with_sheet(&xml, None, None);
    assert!(bytes.len() < 5_000);
    let (result, peak) = read_measured(&bytes, "grid.xlsx", &Limits::DEFAULT);
    let workbook = result.unwrap();
    assert_eq!(workbook.sheet.headers, ["Email"]);
    assert_eq!(all_texts(&workbook), [vec!["ann@example.com"]]);
    assert!(peak < 4 * MIB, "peak {peak}");
}

#[test]
fn a_stray_cell_far_right_of_the_header_row_makes_the_header_too_wide() {
    let data = format!(
        r#"<row r="1">{}{}</row>"#,
        inline("A1", "Email"),
        inline("XFD1", "stray")
    );
    let (result, peak) = read_measured(&minimal_xlsx(&data, None), "wide.xlsx", &Limits::DEFAULT);
    assert_eq!(
        result.unwrap_err(),
        ReadError::TooManyColumns {
            sheet: "Sheet1".into(),
            columns: 16_384,
            max: 100
        }
    );
    assert!(peak < 4 * MIB, "peak {peak}");
}

#[test]
fn a_zip_bomb_is_refused_from_its_directory_without_inflating() {
    // 300 MiB of zeros deflate to about 300 KB: a ratio near 1,000:1.
    let parts = xlsx_parts(&header_and_rows(1), None, None);
    let entries: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let bytes = zip_with_filler(&entries, "xl/media/padding.bin", 300 << 20, 0);
    assert!(bytes.len() < 2 << 20);

    let (result, peak) = read_measured(&bytes, "bomb.xlsx", &Limits::DEFAULT);
    let error = result.unwrap_err();
    assert!(matches!(error, ReadError::Suspicious { .. }), "{error:?}");
    assert!(error.to_string().contains("looks unsafe"));
    assert!(peak < 4 * MIB, "peak {peak}");

    let limits = Limits {
        max_inflated_bytes: 100 << 20,
        ..Limits::DEFAULT
    };
    let (result, peak) = read_measured(&bytes, "bomb.xlsx", &limits);
    let error = result.unwrap_err();
    assert_eq!(error, ReadError::UnpacksTooLarge { max: 100 << 20 });
    assert!(error.to_string().contains("unpacks to more than 100 MB"));
    assert!(peak < 4 * MIB, "peak {peak}");
}

#[test]
fn an_entry_that_inflates_past_its_declared_size_is_stopped() {
    let parts = xlsx_parts("", None, None);
    let others: Vec<(&str, &[u8])> = parts
        .iter()
        .filter(|(n, _)| n != "xl/worksheets/sheet1.xml")
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    // The worksheet says it is 1 KB; it really holds 50 MB of spaces.
    let mut bytes = zip_with_filler(&others, "xl/worksheets/sheet1.xml", 50 << 20, b' ');
    declare_size(&mut bytes, "xl/worksheets/sheet1.xml", 1024);
    let (result, peak) = read_measured(&bytes, "liar.xlsx", &Limits::DEFAULT);
    let error = result.unwrap_err();
    assert!(
        matches!(
            error,
            ReadError::Suspicious { .. } | ReadError::Damaged { .. }
        ),
        "{error:?}"
    );
    assert!(peak < 4 * MIB, "peak {peak}");
}

#[test]
fn a_single_xml_text_larger_than_16_mb_is_refused_without_buffering_it() {
    // Poorly compressible text so that the ratio check lets it through.
    let mut state: u32 = 12345;
    let mut text = String::with_capacity(17 << 20);
    while text.len() < 17 << 20 {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
        text.push(char::from(b'a' + (state >> 16) as u8 % 26));
    }
    let xml = worksheet(&format!(
        r#"<row r="1"><c r="A1" t="str"><v>{text}</v></c></row>"#
    ));
    drop(text);
    let bytes = xlsx_with_sheet(&xml, None, None);
    drop(xml);
    let (result, peak) = read_measured(&bytes, "huge-text.xlsx", &Limits::DEFAULT);
    let error = result.unwrap_err();
    assert!(matches!(error, ReadError::Suspicious { .. }), "{error:?}");
    assert!(peak < 48 * MIB, "peak {peak}");
}

#[test]
fn a_cell_whose_text_runs_add_up_past_16_mb_is_refused_without_collecting_them() {
    // Poorly compressible runs of 1 MB each, so that the ratio check lets
    // them through and no single one is too large; calamine would collect
    // them all into one string (a stray `</c>` inside `<is>` does not end
    // it).
    let mut state: u32 = 54321;
    let mut runs = String::with_capacity(18 << 20);
    for run in 0..17 {
        runs.push_str("<t>");
        for _ in 0..(1 << 20) {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
            runs.push(char::from(b'a' + (state >> 16) as u8 % 26));
        }
        runs.push_str(if run == 0 { "</t></c>" } else { "</t>" });
    }
    let xml = worksheet(&format!(
        r#"<row r="1"><c r="A1" t="inlineStr"><is>{runs}</is></c></row>"#
    ));
    drop(runs);
    let bytes = xlsx_with_sheet(&xml, None, None);
    drop(xml);
    let (result, peak) = read_measured(&bytes, "runs.xlsx", &Limits::DEFAULT);
    let error = result.unwrap_err();
    assert!(matches!(error, ReadError::Suspicious { .. }), "{error:?}");
    assert!(peak < 8 * MIB, "peak {peak}");
}

#[test]
fn one_long_shared_string_referenced_by_every_cell_runs_into_the_text_budget() {
    let long = "x".repeat(30_000);
    let strings = format!("<si><t>{long}</t></si>");
    let mut data = format!(r#"<row r="1">{}</row>"#, inline("A1", "Notes"));
    for row in 2..10_002 {
        data.push_str(&format!(
            r#"<row r="{row}"><c r="A{row}" t="s"><v>0</v></c></row>"#
        ));
    }
    let bytes = minimal_xlsx(&data, Some(&strings));
    let limits = Limits {
        max_inflated_bytes: 8 << 20,
        ..Limits::DEFAULT
    };
    let (result, peak) = read_measured(&bytes, "repeat.xlsx", &limits);
    assert_eq!(result.unwrap_err(), ReadError::TooMuchText { max: 8 << 20 });
    assert!(peak < 24 * MIB, "peak {peak}");
}

#[test]
fn a_million_tiny_shared_strings_cost_their_bytes_not_an_allocation_each() {
    let strings: String = (0..1_000_000)
        .map(|i| format!("<si><t>{}</t></si>", i % 100))
        .collect();
    let data = format!(
        r#"<row r="1">{}</row><row r="2"><c r="A2" t="s"><v>999999</v></c></row>"#,
        inline("A1", "Notes")
    );
    let bytes = minimal_xlsx(&data, Some(&strings));
    drop(strings);
    let (result, peak) = read_measured(&bytes, "tiny-strings.xlsx", &Limits::DEFAULT);
    assert_eq!(all_texts(&result.unwrap()), [vec!["99"]]);
    // calamine keeps a `String` (24 bytes and an allocation) per item;
    // the pre-flight check charges that to the budget.
    assert!(peak < 64 * MIB, "peak {peak}");
}

#[test]
fn xml_entities_from_a_dtd_are_never_expanded() {
    // Nine levels of ten references each: a billion "lol"s if expanded.
    let kind = corpus::find("billion-laughs.xlsx").expect("a corpus kind");
    let (result, peak) = read_measured(
        &kind.bytes(),
        "lol.xlsx",
        &Limits::DEFAULT,
    );
    // calamine refuses a reference to an entity XML does not define.
    assert!(
        matches!(result, Err(ReadError::Damaged { .. })),
        "{result:?}"
    );
    assert!(peak < 4 * MIB, "peak {peak}");
}

#[test]
fn deeply_nested_xml_costs_nothing() {
    let depth = 200_000;
    let nested = format!(
        "{}<t>Email</t>{}",
        "<r>".repeat(depth),
        "</r>".repeat(depth)
    );
    let junk = format!("{}{}", "<x>".repeat(depth), "</x>".repeat(depth));
    let xml = worksheet(&format!(
        r#"{junk}<row r="1"><c r="A1" t="inlineStr"><is>{nested}</is></c></row>"#
    ));
    let (result, peak) = read_measured(
        &xlsx_with_sheet(&xml, None, None),
        "deep.xlsx",
        &Limits::DEFAULT,
    );
    assert_eq!(result.unwrap().sheet.headers, ["Email"]);
    assert!(peak < 4 * MIB, "peak {peak}");
}

#[test]
fn malformed_xml_is_reported_as_damage() {
    for xml in [
        worksheet(r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Name"#)
            .replace("</sheetData></worksheet>", ""),
        worksheet(r#"<row r="1"><c r="A1"><v>1</v></c"#),
        worksheet(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#),
        worksheet(r#"<row r="1"><c r="A99999999999"><v>1</v></c></row>"#),
        worksheet(r#"<row r="1"><c r="ZZZZZZZZ1"><v>1</v></c></row>"#),
        worksheet(r#"<row r="0"><c><v>1</v></c></row>"#),
        worksheet(
            r#"<row r="5"><c r="A5"><v>1</v></c></row><row r="2"><c r="A2"><v>1</v></c></row>"#,
        ),
        "\u{1}\u{2}not xml at all".to_string(),
    ] {
        let error = read(&xlsx_with_sheet(&xml, None, None), "bad.xlsx").unwrap_err();
        assert!(
            matches!(error, ReadError::Damaged { .. }),
            "{xml:.80}: {error:?}"
        );
        assert_eq!(
            error.to_string(),
            "This file is damaged or incomplete and cannot be read. Open it in Excel, save it again as .xlsx (Excel Workbook) and try again."
        );
    }
}

/// An xlsx with `styles` and a shared-string part `sst` (its whole XML).
fn xlsx_with_styles_and_strings(sheet_data: &str, styles: &str, sst: &str) -> Vec<u8> {
    let mut parts = xlsx_parts(sheet_data, None, Some(styles));
    parts.push(("xl/sharedStrings.xml".to_string(), sst.as_bytes().to_vec()));
    let entries: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    zip(&entries)
}

#[test]
fn a_shared_string_count_the_part_cannot_hold_is_refused() {
    // calamine reserves room for the declared count: 99,999,999,999,999
    // strings would be 2.4 PB.
    let sst = format!(
        r#"<?xml version="1.0"?><sst xmlns="{MAIN_NS}" count="99999999999999" uniqueCount="99999999999999"><si><t>Email</t></si></sst>"#
    );
    let data = r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#;
    let (result, peak) = read_measured(
        &xlsx_with_styles_and_strings(data, "", &sst),
        "counts.xlsx",
        &Limits::DEFAULT,
    );
    let error = result.unwrap_err();
    assert!(matches!(error, ReadError::Suspicious { .. }), "{error:?}");
    assert!(peak < 4 * MIB, "peak {peak}");

    // A count the part could hold is only a hint.
    let sst = format!(
        r#"<?xml version="1.0"?><sst xmlns="{MAIN_NS}" count="20" uniqueCount="20"><si><t>Email</t></si></sst>"#
    );
    let workbook = read(&xlsx_with_styles_and_strings(data, "", &sst), "counts.xlsx").unwrap();
    assert_eq!(workbook.sheet.headers, ["Email"]);
}

#[test]
fn a_style_table_that_would_copy_a_huge_font_name_into_every_format_is_refused() {
    // calamine copies the cell format's font, name included, into each of
    // its 100,000 styles: 100 GB.
    let big_font = "F".repeat(1 << 20);
    let styles = format!(
        r#"<fonts count="1"><font><name val="{big_font}"/></font></fonts><cellXfs count="4000000000">{}</cellXfs>"#,
        r#"<xf numFmtId="0" fontId="0"/>"#.repeat(100_000)
    );
    let sst = format!(r#"<?xml version="1.0"?><sst xmlns="{MAIN_NS}"/>"#);
    let data = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Email</t></is></c></row>"#;
    let (result, peak) = read_measured(
        &xlsx_with_styles_and_strings(data, &styles, &sst),
        "fonts.xlsx",
        &Limits::DEFAULT,
    );
    assert_eq!(
        result.unwrap_err(),
        ReadError::UnpacksTooLarge {
            max: sheets::read::MAX_TEXT_BYTES
        }
    );
    assert!(peak < 8 * MIB, "peak {peak}");
}

#[test]
fn declared_format_counts_do_not_size_anything_and_every_format_is_kept() {
    let styles = format!(
        r#"<numFmts count="4000000000"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts><fonts count="1"><font><name val="Calibri"/></font></fonts><cellXfs count="4000000000">{}</cellXfs>"#,
        r#"<xf numFmtId="164" fontId="0"/>"#.repeat(100_000)
    );
    let sst = format!(r#"<?xml version="1.0"?><sst xmlns="{MAIN_NS}"><si><t>Email</t></si></sst>"#);
    // Style 5 is a date; so is style 99,999 (calamine keeps all 100,000
    // formats).
    let data = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>Other</t></is></c></row><row r="2"><c r="A2" s="5"><v>45306</v></c><c r="B2" s="99999"><v>45306</v></c></row>"#;
    let (result, peak) = read_measured(
        &xlsx_with_styles_and_strings(data, &styles, &sst),
        "counts.xlsx",
        &Limits::DEFAULT,
    );
    let workbook = result.unwrap();
    assert_eq!(workbook.sheet.headers, ["Email", "Other"]);
    assert_eq!(all_texts(&workbook), [vec!["2024-01-15", "2024-01-15"]]);
    // calamine builds a style (152 bytes) per format.
    assert!(peak < 48 * MIB, "peak {peak}");
}

#[test]
fn truncated_packages_are_reported_as_damage_at_every_cut() {
    let whole = minimal_xlsx(&header_and_rows(200), None);
    for cut in (0..whole.len()).step_by(97) {
        let result = read(&whole[..cut], "cut.xlsx");
        assert!(result.is_err() || cut == 0, "cut at {cut}");
    }
    let error = read(&whole[..whole.len() / 2], "cut.xlsx").unwrap_err();
    assert!(matches!(error, ReadError::Damaged { .. }), "{error:?}");
}

#[test]
fn files_that_are_not_spreadsheets_are_named() {
    let cases: [(&[u8], &str, Option<&str>); 5] = [
        (
            b"%PDF-1.7\n1 0 obj\n",
            "contacts.xlsx",
            Some("a PDF document"),
        ),
        (
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
            "contacts.xlsx",
            Some("a PNG picture"),
        ),
        (
            b"\xFF\xD8\xFF\xE0\0\x10JFIF",
            "contacts.xls",
            Some("a JPEG picture"),
        ),
        (
            b"<html><body><table><tr><td>Ann</td></tr></table></body></html>",
            "export.xls",
            Some("a web page (HTML)"),
        ),
        (b"\0\x01\x02\x03\x04\x05garbage\0", "contacts.xlsx", None),
    ];
    for (bytes, name, looks_like) in cases {
        let error = read(bytes, name).unwrap_err();
        assert_eq!(
            error,
            ReadError::NotASpreadsheet {
                looks_like: looks_like.map(str::to_string)
            },
            "{name}"
        );
        assert!(error
            .to_string()
            .contains("Save it as .xlsx (Excel Workbook) or .csv"));
    }
    let docx = zip(&[
        ("_rels/.rels", br#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#),
        ("word/document.xml", b"<w:document/>"),
    ]);
    assert_eq!(
        read(&docx, "letter.xlsx").unwrap_err(),
        ReadError::NotASpreadsheet {
            looks_like: Some("a Word document".into())
        }
    );
    let plain_zip = zip(&[("notes.txt", b"hello")]);
    assert_eq!(
        read(&plain_zip, "archive.xlsx").unwrap_err(),
        ReadError::NotASpreadsheet {
            looks_like: Some("a zip archive".into())
        }
    );
    let doc = compound_file(&[("WordDocument", vec![1; 10])]);
    assert_eq!(
        read(&doc, "letter.xls").unwrap_err(),
        ReadError::NotASpreadsheet {
            looks_like: Some("a Word document".into())
        }
    );
    assert_eq!(read(b"", "empty.xlsx").unwrap_err(), ReadError::EmptyFile);
}

#[test]
fn password_protected_workbooks_are_recognised() {
    // Excel's encrypted xlsx: an OLE2 file with EncryptionInfo and
    // EncryptedPackage streams.
    let encrypted = compound_file(&[
        ("EncryptionInfo", vec![4, 0, 4, 0, 0x40, 0, 0, 0]),
        ("EncryptedPackage", vec![0xAB; 5000]),
    ]);
    let error = read(&encrypted, "locked.xlsx").unwrap_err();
    assert_eq!(error, ReadError::PasswordProtected);
    assert!(error.to_string().contains("remove the password"));

    let mut zip_encrypted = minimal_xlsx(&header_and_rows(1), None);
    mark_encrypted(&mut zip_encrypted);
    assert_eq!(
        read(&zip_encrypted, "locked.xlsx").unwrap_err(),
        ReadError::PasswordProtected
    );

    let manifest = r#"<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum-type="SHA1"/></manifest:file-entry>"#;
    let locked_ods = ods("", "", Some(manifest));
    assert_eq!(
        read(&locked_ods, "locked.ods").unwrap_err(),
        ReadError::PasswordProtected
    );
}

#[test]
fn a_zip_with_too_many_entries_is_refused() {
    let names: Vec<String> = (0..10_001).map(|i| format!("f{i}")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    let error = read(&zip(&entries), "many.xlsx").unwrap_err();
    assert!(matches!(error, ReadError::Suspicious { .. }), "{error:?}");
}

#[test]
fn broken_compound_files_end_in_an_error_not_a_hang() {
    let stream = [
        biff(
            0x0809,
            &[&0x0600u16.to_le_bytes()[..], &5u16.to_le_bytes(), &[0; 12]].concat(),
        ),
        biff(
            0x0085,
            &[&[0xFF, 0xFF, 0, 0, 0, 0][..], &biff_string("Sheet1", true)].concat(),
        ),
        biff(0x000A, &[]),
    ]
    .concat();
    let whole = compound_file(&[("Workbook", stream)]);
    // The sheet's offset points past the stream.
    assert!(matches!(
        read(&whole, "bad.xls"),
        Err(ReadError::Damaged { .. })
    ));

    // A directory chain that loops on itself (FAT entry 1 -> 1).
    let mut looping = whole.clone();
    looping[512 + 4..512 + 8].copy_from_slice(&1u32.to_le_bytes());
    assert!(matches!(
        read(&looping, "loop.xls"),
        Err(ReadError::Damaged { .. })
    ));

    // A stream whose chain loops: its size bounds the copy.
    let mut stream_loop = whole.clone();
    stream_loop[512 + 8..512 + 12].copy_from_slice(&2u32.to_le_bytes());
    let (result, peak) = read_measured(&stream_loop, "loop.xls", &Limits::DEFAULT);
    assert!(result.is_err());
    assert!(peak < 4 * MIB, "peak {peak}");

    for cut in (0..whole.len()).step_by(61) {
        assert!(read(&whole[..cut], "cut.xls").is_err(), "cut at {cut}");
    }
}

#[test]
fn a_looping_sector_chain_copies_at_most_the_file() {
    // 109 FAT sectors (the most the header lists) describe 13,952 sectors,
    // but the file has 111: the directory chain loops on sector 109.
    const FREE: u32 = 0xFFFF_FFFF;
    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    header[0x1A] = 3;
    header[0x1C..0x1E].copy_from_slice(&0xFFFEu16.to_le_bytes());
    header[0x1E] = 9;
    header[0x20] = 6;
    header[0x2C..0x30].copy_from_slice(&109u32.to_le_bytes());
    header[0x30..0x34].copy_from_slice(&109u32.to_le_bytes());
    header[0x38..0x3C].copy_from_slice(&4096u32.to_le_bytes());
    header[0x3C..0x40].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
    header[0x44..0x48].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
    for i in 0..109u32 {
        let at = 0x4C + 4 * i as usize;
        header[at..at + 4].copy_from_slice(&i.to_le_bytes());
    }
    let mut fat = vec![FREE; 109 * 128];
    fat[..109].fill(0xFFFF_FFFD);
    fat[109] = 109;
    let mut bytes = header;
    for value in fat {
        bytes.extend_from_slice(&value.to_le_bytes());
    }
    bytes.extend(vec![0u8; 1024]);
    let (result, peak) = read_measured(&bytes, "loop.xls", &Limits::DEFAULT);
    assert!(
        matches!(result, Err(ReadError::Damaged { .. })),
        "{result:?}"
    );
    assert!(peak < 4 * bytes.len() as i64, "peak {peak}");
}

#[test]
fn repeated_ods_rows_and_columns_expand_only_as_far_as_the_limits() {
    let limits = Limits {
        max_rows: 1_000,
        ..Limits::DEFAULT
    };
    // A non-blank row repeated 1,048,576 times.
    let repeated_row = format!(
        r#"<table:table table:name="Sheet1"><table:table-row>{}</table:table-row><table:table-row table:number-rows-repeated="1048576">{}</table:table-row></table:table>"#,
        ods_text("Name"),
        ods_text("Ann")
    );
    let (result, peak) = read_measured(&ods(&repeated_row, "", None), "rows.ods", &limits);
    assert_eq!(
        result.unwrap_err(),
        ReadError::TooManyRows {
            sheet: "Sheet1".into(),
            max: 1_000
        }
    );
    // calamine expands the repeats into its grid (1,048,576 cells, twice:
    // the grid and the copy `worksheet_range` returns); the pre-flight
    // check charged that to the budget before letting calamine run.
    assert!(peak < 128 * MIB, "peak {peak}");

    // A header cell repeated across every column.
    let repeated_cell = r#"<table:table table:name="Sheet1"><table:table-row><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>Name</text:p></table:table-cell></table:table-row></table:table>"#;
    let (result, peak) = read_measured(&ods(repeated_cell, "", None), "cols.ods", &limits);
    assert_eq!(
        result.unwrap_err(),
        ReadError::TooManyColumns {
            sheet: "Sheet1".into(),
            columns: 16_384,
            max: 100
        }
    );
    assert!(peak < 4 * MIB, "peak {peak}");

    // A million blank rows, then a contact whose cell is repeated a
    // billion times to the right: calamine's grid would be 16 billion
    // cells (it stops at 100 million, 3.2 GB). Refused before it runs.
    let blank_then_data = format!(
        r#"<table:table table:name="Sheet1"><table:table-row>{}{}</table:table-row><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="1000000000" office:value-type="string"><text:p>Ann</text:p></table:table-cell></table:table-row></table:table>"#,
        ods_text("Name"),
        ods_text("Email")
    );
    let (result, peak) = read_measured(
        &ods(&blank_then_data, "", None),
        "sparse.ods",
        &Limits::DEFAULT,
    );
    assert_eq!(
        result.unwrap_err(),
        ReadError::UnpacksTooLarge {
            max: sheets::read::MAX_TEXT_BYTES
        }
    );
    assert!(peak < 4 * MIB, "peak {peak}");

    // 100,000 blank rows, then a contact: calamine's grid is 200,002
    // cells, which fits.
    let blank_then_data = format!(
        r#"<table:table table:name="Sheet1"><table:table-row>{}{}</table:table-row><table:table-row table:number-rows-repeated="100000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="2" office:value-type="string"><text:p>Ann</text:p></table:table-cell></table:table-row></table:table>"#,
        ods_text("Name"),
        ods_text("Email")
    );
    let (result, peak) = read_measured(
        &ods(&blank_then_data, "", None),
        "sparse.ods",
        &Limits::DEFAULT,
    );
    let workbook = result.unwrap();
    assert_eq!(all_texts(&workbook), [vec!["Ann", "Ann"]]);
    assert_eq!(workbook.sheet.rows[0].line, 100_002);
    assert_eq!(workbook.sheet.blank_rows_skipped, 100_000);
    assert!(peak < 32 * MIB, "peak {peak}");
}

// ---- what calamine would do unchecked ----
//
// Each of these files would make calamine allocate gigabytes, loop, or
// panic; the pre-flight checks refuse them first, quickly and cheaply.

use corpus::{contacts_xls_sheet, label_sst, xlsb_contacts_records};

#[test]
fn an_xls_sheet_whose_cells_span_the_whole_grid_is_refused() {
    // calamine makes a dense grid of every sheet, chosen or not: A1 and
    // IV65536 span 16.7 million cells (537 MB).
    let notes = [label_sst(0, 0, 0), label_sst(65_535, 255, 0)].concat();
    let bytes = xls(
        &[],
        &["Email", "ann@example.com"],
        &[("Contacts", 0, contacts_xls_sheet()), ("Notes", 0, notes)],
    );
    let (result, peak) = read_measured(&bytes, "grid.xls", &Limits::DEFAULT);
    assert_eq!(
        result.unwrap_err(),
        ReadError::UnpacksTooLarge {
            max: sheets::read::MAX_TEXT_BYTES
        }
    );
    assert!(peak < 4 * MIB, "peak {peak}");
}

#[test]
fn an_xls_dimensions_record_claiming_billions_of_cells_is_refused() {
    // calamine reserves room (40 bytes a cell) for what DIMENSIONS says.
    let mut dimensions = 0u32.to_le_bytes().to_vec();
    dimensions.extend_from_slice(&u32::MAX.to_le_bytes());
    dimensions.extend_from_slice(&0u16.to_le_bytes());
    dimensions.extend_from_slice(&256u16.to_le_bytes());
    dimensions.extend_from_slice(&[0, 0]);
    let sheet = [biff(0x0200, &dimensions), contacts_xls_sheet()].concat();
    let bytes = xls(
        &[],
        &["Email", "ann@example.com"],
        &[("Contacts", 0, sheet)],
    );
    let (result, peak) = read_measured(&bytes, "dims.xls", &Limits::DEFAULT);
    assert_eq!(
        result.unwrap_err(),
        ReadError::UnpacksTooLarge {
            max: sheets::read::MAX_TEXT_BYTES
        }
    );
    assert!(peak < 4 * MIB, "peak {peak}");

    // An honest DIMENSIONS record is only a reservation.
    let mut honest = 0u32.to_le_bytes().to_vec();
    honest.extend_from_slice(&2u32.to_le_bytes());
    honest.extend_from_slice(&0u16.to_le_bytes());
    honest.extend_from_slice(&1u16.to_le_bytes());
    honest.extend_from_slice(&[0, 0]);
    let sheet = [biff(0x0200, &honest), contacts_xls_sheet()].concat();
    let bytes = xls(
        &[],
        &["Email", "ann@example.com"],
        &[("Contacts", 0, sheet)],
    );
    assert_eq!(
        all_texts(&read(&bytes, "dims.xls").unwrap()),
        [vec!["ann@example.com"]]
    );
}

#[test]
fn an_xls_shared_string_copied_into_every_cell_is_refused() {
    // calamine copies a shared string into each cell that uses it: 30,000
    // characters in 60,000 cells of another sheet would be 5 GB.
    let long = "x".repeat(30_000);
    let mut notes = Vec::new();
    for row in 0..60_000u32 {
        notes.extend(label_sst(row as u16, 0, 2));
    }
    let bytes = xls(
        &[],
        &["Email", "ann@example.com", &long],
        &[("Contacts", 0, contacts_xls_sheet()), ("Notes", 0, notes)],
    );
    let (result, peak) = read_measured(&bytes, "copies.xls", &Limits::DEFAULT);
    assert_eq!(
        result.unwrap_err(),
        ReadError::UnpacksTooLarge {
            max: sheets::read::MAX_TEXT_BYTES
        }
    );
    assert!(peak < 2 * bytes.len() as i64 + 4 * MIB, "peak {peak}");
}

#[test]
fn an_xls_formula_whose_text_would_take_minutes_to_build_is_refused() {
    // calamine turns every formula into text; each PtgAttrSpace inserts up
    // to 255 spaces at the front, moving the whole text each time.
    let mut rgce = vec![0x1E, 1, 0];
    for _ in 0..2_000 {
        rgce.extend_from_slice(&[0x19, 0x40, 0x00, 0xFF]);
    }
    let formula = biff(
        0x0006,
        &[
            biff_cell(1, 1, 0),
            1f64.to_le_bytes().to_vec(),
            vec![0; 6],
            (rgce.len() as u16).to_le_bytes().to_vec(),
            rgce,
        ]
        .concat(),
    );
    let sheet = [contacts_xls_sheet(), formula].concat();
    let bytes = xls(
        &[],
        &["Email", "ann@example.com"],
        &[("Contacts", 0, sheet)],
    );
    let start = std::time::Instant::now();
    let error = read(&bytes, "slow.xls").unwrap_err();
    assert!(matches!(error, ReadError::Suspicious { .. }), "{error:?}");
    assert!(start.elapsed() < std::time::Duration::from_secs(2));
}

#[test]
fn a_compound_file_whose_tables_repeat_one_sector_is_refused() {
    // calamine copies one FAT sector for every DIFAT entry that names it.
    let mut bytes = xls(
        &[],
        &["Email", "ann@example.com"],
        &[("Contacts", 0, contacts_xls_sheet())],
    );
    for i in 1..109 {
        let at = 0x4C + 4 * i;
        bytes[at..at + 4].copy_from_slice(&0u32.to_le_bytes());
    }
    let (result, peak) = read_measured(&bytes, "difat.xls", &Limits::DEFAULT);
    assert!(
        matches!(result, Err(ReadError::Damaged { .. })),
        "{result:?}"
    );
    assert!(peak < 4 * MIB, "peak {peak}");
}

#[test]
fn an_xlsb_record_claiming_256_mb_is_refused_without_allocating_it() {
    // calamine sizes its record buffer from the declared length.
    let mut records = xlsb_contacts_records();
    records.extend_from_slice(&[0x05, 0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3]);
    let bytes = xlsb(
        &[SheetSpec {
            name: "Contacts",
            state: 0,
            records,
        }],
        &[],
        false,
    );
    let (result, peak) = read_measured(&bytes, "huge.xlsb", &Limits::DEFAULT);
    assert!(result.is_err(), "{result:?}");
    assert!(peak < 4 * MIB, "peak {peak}");
}

#[test]
fn an_xlsb_defined_name_whose_text_would_take_hours_to_build_is_refused() {
    // calamine builds each defined name's formula text when it opens the
    // workbook; each PtgParen inserts a bracket at the front of the text.
    let mut rgce = vec![0x1E, 1, 0];
    rgce.extend(std::iter::repeat_n(0x15u8, 1_000_000));
    let mut name = vec![0u8; 9];
    name.extend(wide("Slow"));
    name.extend((rgce.len() as u32).to_le_bytes());
    name.extend(rgce);
    let bytes = xlsb_with_names(
        &[SheetSpec {
            name: "Contacts",
            state: 0,
            records: xlsb_contacts_records(),
        }],
        &[],
        false,
        &record(0x0027, &name),
    );
    let start = std::time::Instant::now();
    let error = read(&bytes, "slow.xlsb").unwrap_err();
    assert!(matches!(error, ReadError::Suspicious { .. }), "{error:?}");
    assert!(start.elapsed() < std::time::Duration::from_secs(2));

    // A defined name that refers to a sheet missing from the list would
    // make calamine panic.
    let mut name = vec![0u8; 9];
    name.extend(wide("Area"));
    let rgce = [&[0x3Au8][..], &[9, 0], &[0; 6]].concat();
    name.extend((rgce.len() as u32).to_le_bytes());
    name.extend(rgce);
    let bytes = xlsb_with_names(
        &[SheetSpec {
            name: "Contacts",
            state: 0,
            records: xlsb_contacts_records(),
        }],
        &[],
        false,
        &record(0x0027, &name),
    );
    assert!(matches!(
        read(&bytes, "name.xlsb"),
        Err(ReadError::Damaged { .. })
    ));
}

#[test]
fn ods_files_that_would_make_calamine_loop_forever_are_refused() {
    let head = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>"#;
    // Ends inside a table, between rows.
    let cut_in_table = format!(
        r#"{head}<table:table table:name="Sheet1"><table:table-row>{}</table:table-row>"#,
        ods_text("Email")
    );
    // Ends inside a cell's comment.
    let cut_in_comment = format!(
        r#"{head}<table:table table:name="Sheet1"><table:table-row><table:table-cell office:value-type="string"><office:annotation><text:p>note"#
    );
    for content in [cut_in_table, cut_in_comment] {
        let error = read(&ods_with_content(&content), "cut.ods").unwrap_err();
        assert!(matches!(error, ReadError::Damaged { .. }), "{error:?}");
    }
}

#[test]
fn an_ods_cell_asking_for_a_billion_spaces_is_refused() {
    // calamine writes `<text:s text:c="…"/>` out space by space.
    let tables = r#"<table:table table:name="Sheet1"><table:table-row><table:table-cell office:value-type="string"><text:p>A<text:s text:c="1000000000"/>B</text:p></table:table-cell></table:table-row></table:table>"#;
    let (result, peak) = read_measured(&ods(tables, "", None), "spaces.ods", &Limits::DEFAULT);
    let error = result.unwrap_err();
    assert!(matches!(error, ReadError::Suspicious { .. }), "{error:?}");
    assert!(peak < 4 * MIB, "peak {peak}");
}

#[test]
fn an_ods_long_text_repeated_across_a_row_is_refused() {
    // calamine copies a repeated cell, text and all, into each column:
    // 1 MB across 16,384 columns is 16 GB.
    let long = "x".repeat(1 << 20);
    let tables = format!(
        r#"<table:table table:name="Sheet1"><table:table-row>{}</table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16384" office:value-type="string" office:string-value="{long}"/></table:table-row></table:table>"#,
        ods_text("Email")
    );
    let (result, peak) = read_measured(&ods(&tables, "", None), "wide.ods", &Limits::DEFAULT);
    assert_eq!(
        result.unwrap_err(),
        ReadError::UnpacksTooLarge {
            max: sheets::read::MAX_TEXT_BYTES
        }
    );
    assert!(peak < 8 * MIB, "peak {peak}");
}
