//! Garbage in, an answer out: random bytes under every file name, and
//! valid workbooks with random damage inside their parts, must each give
//! `Ok` or `Err` — never a panic or a hang, and no panic inside calamine
//! either (the reader catches those on the server, but the browser's
//! worker cannot). Set `PROPTEST_CASES` to run more cases (the default
//! keeps the suite quick).

#![cfg(feature = "read")]

mod read_support;

use std::io::{Cursor, Read, Write};

use proptest::prelude::*;
use proptest::test_runner::Config;
use read_support::{
    biff, biff_cell, biff_string, compound_file, inline, ods, record, wide, xls, xlsb_with_names,
    SheetSpec,
};
use sheets::read::read_workbook;
use sheets::Limits;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

const XLSX: &[u8] = include_bytes!("fixtures/workbook-libreoffice.xlsx");
const ODS: &[u8] = include_bytes!("fixtures/workbook-libreoffice.ods");
const XLS: &[u8] = include_bytes!("fixtures/workbook-libreoffice.xls");
const NAMES: &[&str] = &[
    "a.xlsx",
    "a.xlsm",
    "a.xlsb",
    "a.xls",
    "a.ods",
    "a.csv",
    "a.txt",
    "noextension",
    "",
];

fn config(default_cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// Small limits, so that damaged files that happen to parse stay cheap.
fn limits() -> Limits {
    Limits {
        max_file_bytes: 4 << 20,
        max_rows: 2_000,
        max_columns: 100,
        max_inflated_bytes: 16 << 20,
    }
}

/// Reads `bytes` under every name; panics if calamine panicked (caught or
/// not) on the way.
fn read_any(bytes: &[u8]) {
    let before = read_support::panics_so_far();
    for name in NAMES {
        let _ = read_workbook(bytes, name, None, &limits());
    }
    let _ = read_workbook(bytes, "a.xlsx", Some("Contacts"), &limits());
    assert_eq!(
        read_support::panics_so_far(),
        before,
        "calamine panicked behind the pre-flight checks"
    );
}

/// Tokens that make damage interesting to XML, zip and BIFF parsers.
const TOKENS: &[&[u8]] = &[
    b"<",
    b">",
    b"\"",
    b"&",
    b"&amp;",
    b"&#0;",
    b"&#x110000;",
    b"&lol;",
    b"</c>",
    b"<c r=\"XFD1048576\">",
    b"<row r=\"4294967296\">",
    b"<row r=\"0\">",
    b"<c r=\"A99999999999\" t=\"s\"><v>99999999999</v></c>",
    b" t=\"s\"",
    b" t=\"e\"",
    b" t=\"d\"",
    b" s=\"4294967295\"",
    b"<v>",
    b"</v>",
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b"-->",
    b"<!DOCTYPE x [<!ENTITY a \"aaaa\">]>",
    b"table:number-rows-repeated=\"4294967295\" ",
    b"table:number-columns-repeated=\"4294967295\" ",
    b"_x000D_",
    b"\xFF\xFE",
    b"\x00",
    b"\xFF\xFF\xFF\xFF",
    b"\x7F\xFF\xFF\xFF",
    b"\xFE\xFF\xFF\xFF",
    b"\x3C\x00\xFF\xFF",
];

#[derive(Clone, Debug)]
enum Damage {
    Overwrite(usize, u8),
    Insert(usize, u8),
    Delete(usize, usize),
    Token(usize, usize),
    Truncate(usize),
    Repeat(usize, usize, usize),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Damage::Overwrite(at, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Damage::Insert(at, b)),
        (any::<usize>(), 1..64usize).prop_map(|(at, n)| Damage::Delete(at, n)),
        (any::<usize>(), any::<usize>()).prop_map(|(at, t)| Damage::Token(at, t)),
        any::<usize>().prop_map(Damage::Truncate),
        (any::<usize>(), 1..256usize, 1..50usize)
            .prop_map(|(at, n, times)| Damage::Repeat(at, n, times)),
    ]
}

fn apply(mut bytes: Vec<u8>, damages: &[Damage]) -> Vec<u8> {
    for damage in damages {
        let len = bytes.len().max(1);
        match *damage {
            Damage::Overwrite(at, b) => {
                if let Some(slot) = bytes.get_mut(at % len) {
                    *slot = b;
                }
            }
            Damage::Insert(at, b) => bytes.insert((at % len).min(bytes.len()), b),
            Damage::Delete(at, n) => {
                let start = (at % len).min(bytes.len());
                let end = (start + n).min(bytes.len());
                bytes.drain(start..end);
            }
            Damage::Token(at, t) => {
                let at = (at % len).min(bytes.len());
                let token = TOKENS[t % TOKENS.len()];
                bytes.splice(at..at, token.iter().copied());
            }
            Damage::Truncate(at) => bytes.truncate(at % len),
            Damage::Repeat(at, n, times) => {
                let start = (at % len).min(bytes.len());
                let end = (start + n).min(bytes.len());
                let piece = bytes[start..end].to_vec();
                for _ in 0..times {
                    bytes.splice(end..end, piece.iter().copied());
                }
            }
        }
    }
    bytes
}

/// The entries of a zip, in order.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            file.read_to_end(&mut data).unwrap();
            (file.name().unwrap().to_string(), data)
        })
        .collect()
}

/// Re-packs entries, stored (no compression), so damage reaches parsers.
fn rezip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    for (name, data) in entries {
        writer.start_file(name.as_str(), options).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// A small xlsb package (see read_xlsb.rs for a fuller one).
fn xlsb_entries() -> Vec<(String, Vec<u8>)> {
    fn record(kind: u16, payload: &[u8]) -> Vec<u8> {
        let mut out = if kind < 0x80 {
            vec![kind as u8]
        } else {
            vec![(kind & 0x7F) as u8 | 0x80, (kind >> 7) as u8]
        };
        out.push(payload.len() as u8);
        out.extend_from_slice(payload);
        out
    }
    fn wide(text: &str) -> Vec<u8> {
        let mut out = (text.len() as u32).to_le_bytes().to_vec();
        out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let mut workbook = record(0x0099, &[0, 0, 0, 0]);
    workbook.extend(record(
        0x009C,
        &[&[0u8; 8][..], &wide("rId1"), &wide("Contacts")].concat(),
    ));
    workbook.extend(record(0x0090, &[]));
    // One external sheet entry, and a defined name whose formula refers to
    // it, so that damage reaches calamine's formula code.
    workbook.extend(record(
        0x016A,
        &[
            &1u32.to_le_bytes()[..],
            &[0; 4],
            &0i32.to_le_bytes(),
            &[0; 4],
        ]
        .concat(),
    ));
    let area = [&[0x3Bu8][..], &[0, 0], &[0; 8], &[0, 0, 1, 0]].concat();
    workbook.extend(record(
        0x0027,
        &[
            &[0u8; 9][..],
            &wide("Area"),
            &(area.len() as u32).to_le_bytes(),
            &area,
        ]
        .concat(),
    ));
    // calamine reads on past the sheet list to the defined names, up to a
    // record such as BrtEndBook; Excel always writes one.
    workbook.extend(record(0x0084, &[]));
    // calamine expects BrtWsDim and BrtBeginSheetData before the rows, as
    // Excel writes them.
    let mut sheet = record(0x0081, &[]);
    sheet.extend(record(0x0094, &[0; 16]));
    sheet.extend(record(0x0091, &[]));
    sheet.extend(record(0x0000, &[0; 17]));
    sheet.extend(record(
        0x0007,
        &[&[0u8; 8][..], &0u32.to_le_bytes()].concat(),
    ));
    sheet.extend(record(
        0x0006,
        &[&[1u8, 0, 0, 0, 0, 0, 0, 0][..], &wide("Phone")].concat(),
    ));
    sheet.extend(record(
        0x0000,
        &[&1u32.to_le_bytes()[..], &[0; 13]].concat(),
    ));
    sheet.extend(record(
        0x0005,
        &[&[0u8; 4][..], &[1, 0, 0, 0], &61412345678f64.to_le_bytes()].concat(),
    ));
    sheet.extend(record(
        0x0002,
        &[
            &[1u8, 0, 0, 0, 0, 0, 0, 0][..],
            &((2134u32 << 2) | 2).to_le_bytes(),
        ]
        .concat(),
    ));
    sheet.extend(record(0x0092, &[]));
    let sst = [
        record(0x009F, &[1, 0, 0, 0, 1, 0, 0, 0]),
        record(0x0013, &[&[0u8][..], &wide("Mobile")].concat()),
    ]
    .concat();
    let styles = [
        record(0x0269, &[2, 0, 0, 0]),
        record(0x002F, &[0; 16]),
        record(0x002F, &[0, 0, 14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        record(0x026A, &[]),
    ]
    .concat();
    vec![
        ("_rels/.rels".into(), format!(r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.bin"/></Relationships>"#).into_bytes()),
        ("xl/workbook.bin".into(), workbook),
        ("xl/_rels/workbook.bin.rels".into(), format!(r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.bin"/><Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.bin"/><Relationship Id="rId3" Type="{rel}/styles" Target="styles.bin"/></Relationships>"#).into_bytes()),
        ("xl/worksheets/sheet1.bin".into(), sheet),
        ("xl/sharedStrings.bin".into(), sst),
        ("xl/styles.bin".into(), styles),
    ]
}

/// The Workbook stream of a small xls.
fn xls_stream() -> Vec<u8> {
    let mut sheet = biff(
        0x00FD,
        &[biff_cell(0, 0, 0), 0u32.to_le_bytes().to_vec()].concat(),
    );
    sheet.extend(biff(
        0x0204,
        &[biff_cell(0, 1, 0), biff_string("Phone", false)].concat(),
    ));
    sheet.extend(biff(
        0x027E,
        &[
            biff_cell(1, 0, 1),
            ((45306u32 << 2) | 2).to_le_bytes().to_vec(),
        ]
        .concat(),
    ));
    sheet.extend(biff(
        0x0203,
        &[biff_cell(1, 1, 0), 61412345678f64.to_le_bytes().to_vec()].concat(),
    ));
    // A formula (cached 5, text =2+3&Contacts!$A$1) beside the header, a
    // merged range and a DIMENSIONS record, so that damage reaches
    // calamine's formula, merge and reservation code.
    let rgce = [
        &[0x1E, 2, 0, 0x1E, 3, 0, 0x03][..],
        &[0x3A, 0, 0, 0, 0, 0, 0],
        &[0x08],
    ]
    .concat();
    sheet.extend(biff(
        0x0006,
        &[
            biff_cell(1, 2, 0),
            5f64.to_le_bytes().to_vec(),
            vec![0; 6],
            (rgce.len() as u16).to_le_bytes().to_vec(),
            rgce,
        ]
        .concat(),
    ));
    sheet.extend(biff(0x00E5, &[1, 0, 0, 0, 0, 0, 2, 0, 3, 0]));
    let mut dimensions = vec![0u8; 14];
    dimensions[4] = 2;
    dimensions[10] = 3;
    let sheet = [biff(0x0200, &dimensions), sheet].concat();
    let xf = |format: u16| {
        biff(
            0x00E0,
            &[&[0u8, 0][..], &format.to_le_bytes(), &[0; 16]].concat(),
        )
    };
    // One external sheet entry and a defined name over A1:B2 of it.
    let extern_sheet = biff(0x0017, &[1, 0, 0, 0, 0, 0, 0, 0]);
    let area = [&[0x3Bu8][..], &[0, 0], &[0, 0, 1, 0], &[0, 0, 1, 0]].concat();
    let label = biff(
        0x0018,
        &[
            &[0u8, 0, 0, 4][..],
            &(area.len() as u16).to_le_bytes(),
            &[0; 8],
            &[0],
            b"Area",
            &area,
        ]
        .concat(),
    );
    let file = xls(
        &[xf(0), xf(14), extern_sheet, label],
        &["Date"],
        &[("Contacts", 0, sheet)],
    );
    // Take the stream back out: it starts after the header, FAT and
    // directory sectors that compound_file writes (3 sectors here).
    file[512 * 3..].to_vec()
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn random_bytes_never_panic_under_any_name(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        read_any(&bytes);
    }

    #[test]
    fn random_bytes_behind_a_known_signature_never_panic(
        magic in prop_oneof![Just(&b"PK\x03\x04"[..]), Just(&b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"[..]), Just(&b"\xEF\xBB\xBF"[..]), Just(&b"\xFF\xFE"[..])],
        tail in proptest::collection::vec(any::<u8>(), 0..4096),
    ) {
        let bytes = [magic, &tail[..]].concat();
        read_any(&bytes);
    }

    #[test]
    fn random_text_reads_as_csv_without_panicking(text in "[a-z0-9 ,;\t\"\r\n=sep\u{e9}\u{1F600}]{0,400}") {
        let _ = read_workbook(text.as_bytes(), "a.csv", None, &limits());
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn a_damaged_zip_container_never_panics(damages in proptest::collection::vec(damage(), 1..6)) {
        read_any(&apply(XLSX.to_vec(), &damages));
        read_any(&apply(ODS.to_vec(), &damages));
    }

    #[test]
    fn damaged_xlsx_parts_never_panic(part in 0usize..16, damages in proptest::collection::vec(damage(), 1..8)) {
        let mut entries = unzip(XLSX);
        let index = part % entries.len();
        entries[index].1 = apply(std::mem::take(&mut entries[index].1), &damages);
        read_any(&rezip(&entries));
    }

    #[test]
    fn damaged_ods_parts_never_panic(part in 0usize..16, damages in proptest::collection::vec(damage(), 1..8)) {
        let mut entries = unzip(ODS);
        let index = entries.iter().position(|(n, _)| n == "content.xml").filter(|_| part % 2 == 0).unwrap_or(part % entries.len());
        entries[index].1 = apply(std::mem::take(&mut entries[index].1), &damages);
        read_any(&rezip(&entries));
    }

    #[test]
    fn damaged_xlsb_parts_never_panic(part in 0usize..6, damages in proptest::collection::vec(damage(), 1..8)) {
        let mut entries = xlsb_entries();
        entries[part].1 = apply(std::mem::take(&mut entries[part].1), &damages);
        read_any(&rezip(&entries));
    }

    #[test]
    fn damaged_xls_streams_and_containers_never_panic(damages in proptest::collection::vec(damage(), 1..8)) {
        let stream = apply(xls_stream(), &damages);
        read_any(&compound_file(&[("Workbook", stream)]));
        read_any(&apply(XLS.to_vec(), &damages));
    }
}

#[test]
fn the_fuzz_seeds_are_readable_before_damage() {
    let limits = limits();
    assert!(read_workbook(XLSX, "a.xlsx", None, &limits).is_ok());
    assert!(read_workbook(ODS, "a.ods", None, &limits).is_ok());
    assert!(read_workbook(XLS, "a.xls", None, &limits).is_ok());
    let xlsb = read_workbook(&rezip(&xlsb_entries()), "a.xlsb", None, &limits).unwrap();
    assert_eq!(xlsb.sheet.headers, ["Mobile", "Phone"]);
    assert_eq!(xlsb.sheet.rows[0].cells[0].text(), "61412345678");
    let xls = read_workbook(
        &compound_file(&[("Workbook", xls_stream())]),
        "a.xls",
        None,
        &limits,
    )
    .unwrap();
    assert_eq!(xls.sheet.headers, ["Date", "Phone"]);
    assert_eq!(xls.sheet.rows[0].cells[0].text(), "2024-01-15");
    let _ = inline("A1", "x");
}

// ---- random records and elements, built to reach calamine's parsers ----
//
// Damage to a valid file mostly breaks it early; these build files whose
// structure holds but whose records and elements are random, so that
// calamine's record, formula and cell code (and the pre-flight checks
// that stand before it) see every kind of odd value.

/// Formula tokens (with random operand bytes after each).
fn rgce() -> impl Strategy<Value = Vec<u8>> {
    let ptg = prop_oneof![
        Just(0x01u8),
        0x03u8..=0x1F,
        Just(0x20),
        0x21u8..=0x25,
        Just(0x29),
        0x2Au8..=0x2B,
        Just(0x39),
        0x3Au8..=0x3D,
        Just(0x41),
        Just(0x42),
        Just(0x43),
        Just(0x44),
        Just(0x5A),
        any::<u8>(),
    ];
    proptest::collection::vec((ptg, proptest::collection::vec(any::<u8>(), 0..16)), 0..24).prop_map(
        |parts| {
            parts
                .into_iter()
                .flat_map(|(ptg, operands)| std::iter::once(ptg).chain(operands))
                .collect()
        },
    )
}

/// A BIFF8 record of a type a sheet or the globals may hold, with random
/// data (formulas get random tokens).
fn biff_record() -> impl Strategy<Value = Vec<u8>> {
    let kind = prop_oneof![
        Just(0x0006u16),
        Just(0x00BD),
        Just(0x00E5),
        Just(0x0200),
        Just(0x0203),
        Just(0x0204),
        Just(0x0205),
        Just(0x0207),
        Just(0x027E),
        Just(0x00FD),
        Just(0x00D6),
        Just(0x0809),
        Just(0x000A),
        Just(0x003C),
        Just(0x0018),
        Just(0x0017),
        Just(0x00E0),
        Just(0x041E),
        Just(0x0042),
        Just(0x0022),
        Just(0x013D),
        Just(0x00FC),
    ];
    (
        kind,
        proptest::collection::vec(any::<u8>(), 0..40),
        rgce(),
        0u16..8,
        0u16..300,
    )
        .prop_map(|(kind, data, rgce, row, col)| {
            if kind == 0x0006 {
                let head = [
                    biff_cell(row, col, 0),
                    data.iter().copied().chain([0; 8]).take(8).collect(),
                    vec![0; 6],
                    (rgce.len() as u16).to_le_bytes().to_vec(),
                ]
                .concat();
                biff(kind, &[head, rgce].concat())
            } else if matches!(kind, 0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x00D6) {
                biff(kind, &[biff_cell(row, col, 0), data].concat())
            } else {
                biff(kind, &data)
            }
        })
}

/// A BIFF12 record of a type a sheet, a workbook's names or the styles
/// and shared strings may hold, with random data.
fn biff12_record() -> impl Strategy<Value = Vec<u8>> {
    let kind = prop_oneof![
        0x0000u16..=0x0013,
        Just(0x0027),
        Just(0x016A),
        Just(0x0094),
        Just(0x0091),
        Just(0x0092),
        Just(0x0023),
        Just(0x0024),
        Just(0x002C),
        Just(0x002F),
        Just(0x0267),
        Just(0x0269),
        Just(0x009F),
    ];
    (kind, proptest::collection::vec(any::<u8>(), 0..40), rgce()).prop_map(|(kind, data, rgce)| {
        if kind == 0x0027 {
            let mut name = data
                .iter()
                .copied()
                .chain([0; 9])
                .take(9)
                .collect::<Vec<_>>();
            name.extend(wide("N"));
            name.extend((rgce.len() as u32).to_le_bytes());
            name.extend(rgce);
            record(kind, &name)
        } else {
            record(kind, &data)
        }
    })
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn random_xls_records_never_panic(
        globals in proptest::collection::vec(biff_record(), 0..8),
        sheet in proptest::collection::vec(biff_record(), 0..24),
        other in proptest::collection::vec(biff_record(), 0..8),
    ) {
        let header = biff(0x00FD, &[biff_cell(0, 0, 0), 0u32.to_le_bytes().to_vec()].concat());
        let sheet = [header, sheet.concat()].concat();
        let bytes = xls(&globals, &["Email"], &[("Contacts", 0, sheet), ("Other", 0, other.concat())]);
        read_any(&bytes);
    }

    #[test]
    fn random_xlsb_records_never_panic(
        sheet in proptest::collection::vec(biff12_record(), 0..24),
        names in proptest::collection::vec(biff12_record(), 0..6),
    ) {
        let mut records = record(0x0000, &[0; 17]);
        records.extend(record(0x0006, &[&[0u8; 8][..], &wide("Email")].concat()));
        records.extend(sheet.concat());
        let bytes = xlsb_with_names(
            &[SheetSpec { name: "Contacts", state: 0, records }],
            &["Phone"],
            false,
            &names.concat(),
        );
        read_any(&bytes);
    }

    #[test]
    fn random_ods_rows_never_panic(
        rows in proptest::collection::vec(
            proptest::collection::vec(
                prop_oneof![
                    Just(r#"<table:table-cell office:value-type="string"><text:p>Ann</text:p></table:table-cell>"#.to_string()),
                    (0u32..100_000).prop_map(|n| format!(r#"<table:table-cell table:number-columns-repeated="{n}"/>"#)),
                    (0u32..20_000).prop_map(|n| format!(r#"<table:table-cell table:number-columns-repeated="{n}" office:value-type="float" office:value="1"/>"#)),
                    Just(r#"<table:table-cell table:formula="of:=1/0" office:value-type="string" office:string-value="" calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>"#.to_string()),
                    Just(r#"<table:table-cell office:value-type="string"><office:annotation><text:p>x</text:p></office:annotation><text:p>a<text:s text:c="3"/>b</text:p></table:table-cell>"#.to_string()),
                    Just(r#"<table:covered-table-cell/>"#.to_string()),
                    Just("<text:p>stray</text:p>".to_string()),
                    Just("</table:table-cell>".to_string()),
                ],
                0..6,
            )
            .prop_flat_map(|cells| (Just(cells), 0u32..2_000_000)),
            0..10,
        ),
    ) {
        let body: String = rows
            .iter()
            .map(|(cells, repeat)| format!(r#"<table:table-row table:number-rows-repeated="{repeat}">{}</table:table-row>"#, cells.concat()))
            .collect();
        let tables = format!(r#"<table:table table:name="Contacts"><table:table-row><table:table-cell office:value-type="string"><text:p>Email</text:p></table:table-cell></table:table-row>{body}</table:table>"#);
        read_any(&ods(&tables, "", None));
    }
}
