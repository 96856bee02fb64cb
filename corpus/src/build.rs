//! Building spreadsheet files byte by byte: zip packages and the parts of
//! xlsx, xlsb and ods, OLE2 compound files and BIFF8 records for xls, and
//! the damage done to them (cuts, lies about sizes, encryption flags).
//! Shared by the corpus ([`crate::kinds`]) and the reader's tests.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// A zip archive of `entries`, deflated.
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, data) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

pub const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
pub const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The package parts of a one-sheet xlsx whose `<sheetData>` holds
/// `sheet_data`, with optional shared strings (`<si>` items) and styles.
pub fn xlsx_parts(
    sheet_data: &str,
    shared_strings: Option<&str>,
    styles: Option<&str>,
) -> Vec<(String, Vec<u8>)> {
    let mut parts = vec![
        (
            "[Content_Types].xml".to_string(),
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_vec(),
        ),
        (
            "_rels/.rels".to_string(),
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#).into_bytes(),
        ),
        (
            "xl/workbook.xml".to_string(),
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#).into_bytes(),
        ),
        (
            "xl/_rels/workbook.xml.rels".to_string(),
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="{REL_NS}/styles" Target="styles.xml"/></Relationships>"#).into_bytes(),
        ),
        (
            "xl/worksheets/sheet1.xml".to_string(),
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>{sheet_data}</sheetData></worksheet>"#).into_bytes(),
        ),
    ];
    if let Some(items) = shared_strings {
        parts.push((
            "xl/sharedStrings.xml".to_string(),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}">{items}</sst>"#
            )
            .into_bytes(),
        ));
    }
    if let Some(styles) = styles {
        parts.push((
            "xl/styles.xml".to_string(),
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN_NS}">{styles}</styleSheet>"#).into_bytes(),
        ));
    }
    parts
}

/// A one-sheet xlsx built by hand (see [`xlsx_parts`]).
pub fn minimal_xlsx(sheet_data: &str, shared_strings: Option<&str>) -> Vec<u8> {
    let parts = xlsx_parts(sheet_data, shared_strings, None);
    let entries: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    zip(&entries)
}

/// `<c>` with an inline string.
pub fn inline(reference: &str, text: &str) -> String {
    format!(r#"<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// A version 3 OLE2 compound file holding `streams` in its root storage.
/// Streams are padded to 4,096 bytes so all live in regular sectors.
pub fn compound_file(streams: &[(&str, Vec<u8>)]) -> Vec<u8> {
    const SECTOR: usize = 512;
    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    let padded: Vec<Vec<u8>> = streams
        .iter()
        .map(|(_, data)| {
            let mut data = data.clone();
            let len = data.len().max(4096).div_ceil(SECTOR) * SECTOR;
            data.resize(len, 0);
            data
        })
        .collect();
    let dir_entries = streams.len() + 1;
    let dir_sectors = (dir_entries * 128).div_ceil(SECTOR);
    let data_sectors: usize = padded.iter().map(|d| d.len() / SECTOR).sum();
    let mut fat_sectors = 1;
    while fat_sectors * (SECTOR / 4) < fat_sectors + dir_sectors + data_sectors {
        fat_sectors += 1;
    }
    let mut fat: Vec<u32> = vec![0xFFFF_FFFD; fat_sectors];
    let chain = |fat: &mut Vec<u32>, count: usize| -> u32 {
        let start = fat.len() as u32;
        for i in 0..count {
            fat.push(if i + 1 == count {
                END
            } else {
                start + i as u32 + 1
            });
        }
        start
    };
    let dir_start = chain(&mut fat, dir_sectors);
    let starts: Vec<u32> = padded
        .iter()
        .map(|d| chain(&mut fat, d.len() / SECTOR))
        .collect();
    fat.resize(fat_sectors * SECTOR / 4, FREE);

    let mut header = vec![0u8; SECTOR];
    header[..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    header[0x18..0x1A].copy_from_slice(&0x3Eu16.to_le_bytes());
    header[0x1A..0x1C].copy_from_slice(&3u16.to_le_bytes());
    header[0x1C..0x1E].copy_from_slice(&0xFFFEu16.to_le_bytes());
    header[0x1E..0x20].copy_from_slice(&9u16.to_le_bytes());
    header[0x20..0x22].copy_from_slice(&6u16.to_le_bytes());
    header[0x2C..0x30].copy_from_slice(&(fat_sectors as u32).to_le_bytes());
    header[0x30..0x34].copy_from_slice(&dir_start.to_le_bytes());
    header[0x38..0x3C].copy_from_slice(&4096u32.to_le_bytes());
    header[0x3C..0x40].copy_from_slice(&END.to_le_bytes());
    header[0x44..0x48].copy_from_slice(&END.to_le_bytes());
    for i in 0..109 {
        let value = if i < fat_sectors { i as u32 } else { FREE };
        header[0x4C + 4 * i..0x50 + 4 * i].copy_from_slice(&value.to_le_bytes());
    }

    let entry = |name: &str, kind: u8, right: u32, child: u32, start: u32, size: u32| {
        let mut e = vec![0u8; 128];
        let units: Vec<u16> = name.encode_utf16().collect();
        for (i, u) in units.iter().enumerate() {
            e[2 * i..2 * i + 2].copy_from_slice(&u.to_le_bytes());
        }
        e[0x40..0x42].copy_from_slice(&((units.len() as u16 + 1) * 2).to_le_bytes());
        e[0x42] = kind;
        e[0x43] = 1;
        e[0x44..0x48].copy_from_slice(&FREE.to_le_bytes());
        e[0x48..0x4C].copy_from_slice(&right.to_le_bytes());
        e[0x4C..0x50].copy_from_slice(&child.to_le_bytes());
        e[0x74..0x78].copy_from_slice(&start.to_le_bytes());
        e[0x78..0x7C].copy_from_slice(&size.to_le_bytes());
        e
    };
    let mut directory = entry(
        "Root Entry",
        5,
        FREE,
        if streams.is_empty() { FREE } else { 1 },
        END,
        0,
    );
    for (i, (name, _)) in streams.iter().enumerate() {
        let right = if i + 1 < streams.len() {
            i as u32 + 2
        } else {
            FREE
        };
        directory.extend(entry(
            name,
            2,
            right,
            FREE,
            starts[i],
            padded[i].len() as u32,
        ));
    }
    directory.resize(dir_sectors * SECTOR, 0);

    let mut out = header;
    for value in &fat {
        out.extend_from_slice(&value.to_le_bytes());
    }
    out.extend(directory);
    for data in padded {
        out.extend(data);
    }
    out
}

/// One BIFF8 record.
pub fn biff(kind: u16, data: &[u8]) -> Vec<u8> {
    let mut out = kind.to_le_bytes().to_vec();
    out.extend_from_slice(&(data.len() as u16).to_le_bytes());
    out.extend_from_slice(data);
    out
}

/// An Excel 5.0/95 (BIFF5) workbook of one worksheet called `sheet`, each
/// row of `rows` written as LABEL records, in a compound file's `Book`
/// stream as Excel 5 saved them. Text is code page 1252 (characters
/// outside Latin-1 become `?`).
pub fn biff5_workbook(sheet: &str, rows: &[Vec<&str>]) -> Vec<u8> {
    let bof = |kind: u16| {
        biff(
            0x0809,
            &[&0x0500u16.to_le_bytes()[..], &kind.to_le_bytes(), &[0; 4]].concat(),
        )
    };
    let latin1 = |text: &str| -> Vec<u8> {
        text.chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
            .collect()
    };
    let name = latin1(sheet);
    let bound_sheet = |offset: u32| {
        let mut data = offset.to_le_bytes().to_vec();
        data.extend([0, 0, name.len() as u8]);
        data.extend(&name);
        biff(0x0085, &data)
    };
    let codepage = biff(0x0042, &1252u16.to_le_bytes());
    let globals_len = bof(0x0005).len() + codepage.len() + bound_sheet(0).len() + 4;
    let mut stream = bof(0x0005);
    stream.extend(codepage);
    stream.extend(bound_sheet(globals_len as u32));
    stream.extend(biff(0x000A, &[]));
    stream.extend(bof(0x0010));
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            let text = latin1(text);
            let mut data = Vec::new();
            data.extend((r as u16).to_le_bytes());
            data.extend((c as u16).to_le_bytes());
            data.extend(0u16.to_le_bytes());
            data.extend((text.len() as u16).to_le_bytes());
            data.extend(text);
            stream.extend(biff(0x0204, &data));
        }
    }
    stream.extend(biff(0x000A, &[]));
    compound_file(&[("Book", stream)])
}

/// A BIFF8 `XLUnicodeString` (compressed when Latin-1 fits).
pub fn biff_string(text: &str, short: bool) -> Vec<u8> {
    let units: Vec<u16> = text.encode_utf16().collect();
    let wide = units.iter().any(|&u| u > 0xFF);
    let mut out = if short {
        vec![units.len() as u8]
    } else {
        (units.len() as u16).to_le_bytes().to_vec()
    };
    out.push(u8::from(wide));
    for u in units {
        if wide {
            out.extend_from_slice(&u.to_le_bytes());
        } else {
            out.push(u as u8);
        }
    }
    out
}

/// A BIFF8 cell header: row, column, XF index.
pub fn biff_cell(row: u16, col: u16, xf: u16) -> Vec<u8> {
    [row.to_le_bytes(), col.to_le_bytes(), xf.to_le_bytes()].concat()
}

/// An xls compound file: the workbook globals (`globals` records after the
/// BOF, then a sheet list), the shared strings, then each sheet's records.
pub fn xls(globals: &[Vec<u8>], strings: &[&str], sheets: &[(&str, u8, Vec<u8>)]) -> Vec<u8> {
    let bof = |kind: u16| {
        biff(
            0x0809,
            &[&0x0600u16.to_le_bytes()[..], &kind.to_le_bytes(), &[0; 12]].concat(),
        )
    };
    let mut sst = (strings.len() as u32).to_le_bytes().to_vec();
    sst.extend_from_slice(&(strings.len() as u32).to_le_bytes());
    for s in strings {
        sst.extend(biff_string(s, false));
    }
    let sheet_streams: Vec<Vec<u8>> = sheets
        .iter()
        .map(|(_, _, records)| [bof(0x0010), records.clone(), biff(0x000A, &[])].concat())
        .collect();
    let bound = |position: u32, state: u8, name: &str| {
        biff(
            0x0085,
            &[
                &position.to_le_bytes()[..],
                &[state, 0],
                &biff_string(name, true),
            ]
            .concat(),
        )
    };
    // Globals length does not depend on the positions, so measure first.
    let mut globals_stream = bof(0x0005);
    for record in globals {
        globals_stream.extend_from_slice(record);
    }
    let bound_len: usize = sheets
        .iter()
        .map(|(name, state, _)| bound(0, *state, name).len())
        .sum();
    let tail = [biff(0x00FC, &sst), biff(0x000A, &[])].concat();
    let mut position = (globals_stream.len() + bound_len + tail.len()) as u32;
    for ((name, state, _), stream) in sheets.iter().zip(&sheet_streams) {
        globals_stream.extend(bound(position, *state, name));
        position += stream.len() as u32;
    }
    globals_stream.extend(tail);
    for stream in sheet_streams {
        globals_stream.extend(stream);
    }
    compound_file(&[("Workbook", globals_stream)])
}

/// An ods package whose `<office:spreadsheet>` holds `tables`, with
/// `styles` as automatic styles and an optional manifest body.
pub fn ods(tables: &str, styles: &str, manifest: Option<&str>) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" office:version="1.2"><office:automatic-styles>{styles}</office:automatic-styles><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>{}</manifest:manifest>"#,
        manifest.unwrap_or(r#"<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>"#)
    );
    zip(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("META-INF/manifest.xml", manifest.as_bytes()),
        ("content.xml", content.as_bytes()),
    ])
}

/// An ods string cell.
pub fn ods_text(text: &str) -> String {
    format!(
        r#"<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>"#
    )
}

// ---- xlsb (BIFF12) packages, record by record ----

/// One BIFF12 record: type and size as 7-bit varints, then the payload.
pub fn record(kind: u16, payload: &[u8]) -> Vec<u8> {
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

pub fn wide(text: &str) -> Vec<u8> {
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut out = (units.len() as u32).to_le_bytes().to_vec();
    for unit in units {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

/// An xlsb cell record: column, style (24 bits) and flags, then the value.
pub fn xlsb_cell(kind: u16, col: u32, style: u32, value: &[u8]) -> Vec<u8> {
    let mut payload = col.to_le_bytes().to_vec();
    payload.extend_from_slice(&style.to_le_bytes());
    payload.extend_from_slice(value);
    record(kind, &payload)
}

/// An xlsb row header record.
pub fn xlsb_row(index: u32) -> Vec<u8> {
    let mut payload = index.to_le_bytes().to_vec();
    payload.extend_from_slice(&[0; 13]);
    record(0x0000, &payload)
}

/// One sheet of [`xlsb`]: name, state (0 visible, 1 hidden, 2 very
/// hidden) and its cell records.
pub struct SheetSpec<'a> {
    pub name: &'a str,
    pub state: u32,
    pub records: Vec<u8>,
}

/// An xlsb package with `sheets`, shared `strings`, a date style (index 1)
/// and the 1904 flag when asked.
pub fn xlsb(sheets: &[SheetSpec<'_>], strings: &[&str], is_1904: bool) -> Vec<u8> {
    xlsb_with_names(sheets, strings, is_1904, &[])
}

/// [`xlsb`] with `names` (BrtName and similar records) after the sheet
/// list.
pub fn xlsb_with_names(
    sheets: &[SheetSpec<'_>],
    strings: &[&str],
    is_1904: bool,
    names: &[u8],
) -> Vec<u8> {
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
    workbook.extend_from_slice(names);
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

// ---- more xlsx ----

/// A whole worksheet part whose `<sheetData>` holds `sheet_data`.
pub fn worksheet(sheet_data: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>{sheet_data}</sheetData></worksheet>"#
    )
}

/// An xlsx whose worksheet part is exactly `sheet_xml`.
pub fn xlsx_with_sheet(
    sheet_xml: &str,
    shared_strings: Option<&str>,
    styles: Option<&str>,
) -> Vec<u8> {
    let mut parts = xlsx_parts("", shared_strings, styles);
    for (name, data) in &mut parts {
        if name == "xl/worksheets/sheet1.xml" {
            *data = sheet_xml.as_bytes().to_vec();
        }
    }
    let entries: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    zip(&entries)
}

/// `text` with XML's five special characters escaped.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The column letters of 0-based column `col` (0 → `A`, 16,383 → `XFD`).
pub fn column_name(col: u32) -> String {
    let mut n = col + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// A `<row>` (1-based number `row`) of inline-string cells from column A
/// on; empty strings are left out.
pub fn inline_row(row: u32, cells: &[&str]) -> String {
    let mut out = format!(r#"<row r="{row}">"#);
    for (col, text) in cells.iter().enumerate() {
        if !text.is_empty() {
            let reference = format!("{}{row}", column_name(col as u32));
            out.push_str(&inline(&reference, &xml_escape(text)));
        }
    }
    out.push_str("</row>");
    out
}

/// `<sheetData>` content: `rows` as inline-string rows from row 1 down.
pub fn inline_rows(rows: &[&[&str]]) -> String {
    rows.iter()
        .enumerate()
        .map(|(i, cells)| inline_row(i as u32 + 1, cells))
        .collect()
}

/// One worksheet of [`xlsx_workbook`]: its name, its `state` attribute
/// (`None`, `"hidden"` or `"veryHidden"`) and the whole worksheet part.
pub struct XlsxSheet {
    pub name: String,
    pub state: Option<&'static str>,
    pub xml: String,
}

/// An xlsx with several worksheets, optional shared strings (`<si>`
/// items) and `extra` parts (a VBA project, pictures…).
pub fn xlsx_workbook(
    sheets: &[XlsxSheet],
    shared_strings: Option<&str>,
    extra: &[(&str, &[u8])],
) -> Vec<u8> {
    let mut listed = String::new();
    let mut rels = String::new();
    for (i, sheet) in sheets.iter().enumerate() {
        let n = i + 1;
        let state = sheet
            .state
            .map(|s| format!(r#" state="{s}""#))
            .unwrap_or_default();
        listed.push_str(&format!(
            r#"<sheet name="{}" sheetId="{n}"{state} r:id="rId{n}"/>"#,
            xml_escape(&sheet.name)
        ));
        rels.push_str(&format!(
            r#"<Relationship Id="rId{n}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>"#
        ));
    }
    rels.push_str(&format!(
        r#"<Relationship Id="rIdS" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>"#
    ));
    let content_types = br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#.to_vec();
    let package_rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );
    let workbook = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>{listed}</sheets></workbook>"#
    );
    let workbook_rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
    );
    let mut parts: Vec<(String, Vec<u8>)> = vec![
        ("[Content_Types].xml".into(), content_types),
        ("_rels/.rels".into(), package_rels.into_bytes()),
        ("xl/workbook.xml".into(), workbook.into_bytes()),
        (
            "xl/_rels/workbook.xml.rels".into(),
            workbook_rels.into_bytes(),
        ),
    ];
    for (i, sheet) in sheets.iter().enumerate() {
        parts.push((
            format!("xl/worksheets/sheet{}.xml", i + 1),
            sheet.xml.as_bytes().to_vec(),
        ));
    }
    if let Some(items) = shared_strings {
        parts.push((
            "xl/sharedStrings.xml".into(),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}">{items}</sst>"#
            )
            .into_bytes(),
        ));
    }
    let mut entries: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    entries.extend_from_slice(extra);
    zip(&entries)
}

/// The header and `rows` data rows of one column, as `<sheetData>` content.
pub fn header_and_rows(rows: usize) -> String {
    let mut data = format!(r#"<row r="1">{}</row>"#, inline("A1", "Name"));
    for row in 2..rows + 2 {
        data.push_str(&format!(
            r#"<row r="{row}">{}</row>"#,
            inline(&format!("A{row}"), "x")
        ));
    }
    data
}

// ---- damaging zips ----

/// A zip holding `name` with `size` bytes of `byte`, deflated, plus the
/// other `parts`.
pub fn zip_with_filler(parts: &[(&str, &[u8])], name: &str, size: usize, byte: u8) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (part, data) in parts {
        writer.start_file(*part, options).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.start_file(name, options).unwrap();
    let chunk = vec![byte; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len());
        writer.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    writer.finish().unwrap().into_inner()
}

/// Sets the declared uncompressed size of entry `name` in both its local
/// header and its central directory header.
pub fn declare_size(zip: &mut [u8], name: &str, size: u32) {
    let mut patched = 0;
    for at in 0..zip.len().saturating_sub(46) {
        if zip[at..].starts_with(b"PK\x03\x04") {
            let len = u16::from_le_bytes([zip[at + 26], zip[at + 27]]) as usize;
            if zip.get(at + 30..at + 30 + len) == Some(name.as_bytes()) {
                zip[at + 22..at + 26].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
        }
        if zip[at..].starts_with(b"PK\x01\x02") {
            let len = u16::from_le_bytes([zip[at + 28], zip[at + 29]]) as usize;
            if zip.get(at + 46..at + 46 + len) == Some(name.as_bytes()) {
                zip[at + 24..at + 28].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
        }
    }
    assert_eq!(patched, 2, "{name} not found");
}

/// Marks every entry as encrypted (general purpose flag bit 0).
pub fn mark_encrypted(zip: &mut [u8]) {
    for at in 0..zip.len().saturating_sub(10) {
        if zip[at..].starts_with(b"PK\x03\x04") {
            zip[at + 6] |= 1;
        }
        if zip[at..].starts_with(b"PK\x01\x02") {
            zip[at + 8] |= 1;
        }
    }
}

/// One entry of [`raw_zip`]: already compressed data.
pub struct RawEntry<'a> {
    pub name: &'a str,
    /// 0 stored, 8 deflated.
    pub method: u16,
    pub crc: u32,
    pub compressed: &'a [u8],
    pub size: u32,
}

/// A zip archive written field by field from already compressed entries
/// (no zip64), so the data can be anything the entries claim.
pub fn raw_zip(entries: &[RawEntry<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for entry in entries {
        let offset = out.len() as u32;
        let name = entry.name.as_bytes();
        let fields = |out: &mut Vec<u8>| {
            out.extend_from_slice(&0u16.to_le_bytes()); // flags
            out.extend_from_slice(&entry.method.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes()); // time
            out.extend_from_slice(&0x21u16.to_le_bytes()); // date: 1980-01-01
            out.extend_from_slice(&entry.crc.to_le_bytes());
            out.extend_from_slice(&(entry.compressed.len() as u32).to_le_bytes());
            out.extend_from_slice(&entry.size.to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes()); // extra length
        };
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&20u16.to_le_bytes());
        fields(&mut out);
        out.extend_from_slice(name);
        out.extend_from_slice(entry.compressed);

        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes()); // made by
        central.extend_from_slice(&20u16.to_le_bytes()); // needed
        fields(&mut central);
        central.extend_from_slice(&0u16.to_le_bytes()); // comment length
        central.extend_from_slice(&0u16.to_le_bytes()); // disk
        central.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name);
    }
    let central_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// `data` as a raw deflate stream, and its CRC-32.
pub fn deflate(data: &[u8]) -> (Vec<u8>, u32) {
    let mut encoder =
        flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    (encoder.finish().unwrap(), crc32fast::hash(data))
}

/// A raw deflate stream that inflates to `chunks` × 16 MiB of zeros, made
/// without inflating anything: one 16 MiB block run, flushed to a byte
/// boundary and repeated (a run of zeros only refers back to zeros), then
/// an empty final block. Returns the stream and the CRC-32 of the zeros.
pub fn deflated_zeros(chunks: usize) -> (Vec<u8>, u32) {
    use flate2::{Compress, Compression, FlushCompress};
    const CHUNK: usize = 16 << 20;
    let zeros = vec![0u8; CHUNK];
    let mut compress = Compress::new(Compression::best(), false);
    // Far more room than 16 MiB of zeros take (about 16 KB), so one call
    // consumes everything and completes the flush.
    let mut block = Vec::with_capacity(1 << 20);
    compress
        .compress_vec(&zeros, &mut block, FlushCompress::Sync)
        .unwrap();
    assert_eq!(compress.total_in() as usize, CHUNK);
    assert!(block.len() < block.capacity(), "the flush did not complete");
    let mut stream = Vec::with_capacity(block.len() * chunks + 2);
    let mut crc = crc32fast::Hasher::new();
    let mut chunk_crc = crc32fast::Hasher::new();
    chunk_crc.update(&zeros);
    for _ in 0..chunks {
        stream.extend_from_slice(&block);
        crc.combine(&chunk_crc);
    }
    // BFINAL, fixed Huffman codes, end of block.
    stream.extend_from_slice(&[0x03, 0x00]);
    (stream, crc.finalize())
}

/// An OpenDocument package whose content.xml is exactly `content`.
pub fn ods_with_content(content: &str) -> Vec<u8> {
    zip(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        (
            "META-INF/manifest.xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>"#,
        ),
        ("content.xml", content.as_bytes()),
    ])
}

/// Pseudo-random bytes (a fixed linear congruential sequence), for data
/// that must not compress.
pub fn noise(len: usize, seed: u32) -> Vec<u8> {
    let mut state = seed;
    (0..len)
        .map(|_| {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (state >> 16) as u8
        })
        .collect()
}
