//! Every kind of bad or odd file in the corpus, each built in code.
//!
//! What the reader must answer for each one is written down beside the
//! reader's tests (`sheets/tests/read_bad_files.rs`), not here: this crate
//! only makes files.

use crate::build::*;

/// One kind of file.
pub struct Kind {
    /// The name the file is written and posted under (its extension is
    /// part of the test: several kinds lie about what they are).
    pub file_name: &'static str,
    /// What it is, in a line.
    pub about: &'static str,
    /// Large or slow to make (megabytes, or tens of megabytes inflated):
    /// made on demand, never committed, left out of fuzz seeds.
    pub large: bool,
    build: fn() -> Vec<u8>,
}

impl Kind {
    /// The file's bytes.
    pub fn bytes(&self) -> Vec<u8> {
        (self.build)()
    }
}

impl std::fmt::Debug for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.file_name)
    }
}

const fn kind(file_name: &'static str, about: &'static str, build: fn() -> Vec<u8>) -> Kind {
    Kind {
        file_name,
        about,
        large: false,
        build,
    }
}

const fn large(file_name: &'static str, about: &'static str, build: fn() -> Vec<u8>) -> Kind {
    Kind {
        file_name,
        about,
        large: true,
        build,
    }
}

/// The header of the well-formed contact files.
pub const CONTACT_HEADERS: [&str; 4] = ["First Name", "Last Name", "Email", "Phone"];
/// Their rows.
pub const CONTACT_ROWS: [[&str; 4]; 2] = [
    ["Ana", "Silva", "ana.silva@example.com", "0412 345 678"],
    [
        "Ben",
        "Okafor",
        "ben.okafor@example.com",
        "+44 20 7946 0000",
    ],
];

/// The new error values of Excel 365 (and `#GETTING_DATA`), which
/// calamine 0.38 does not know in an xlsx.
pub const NEWER_ERRORS: [&str; 8] = [
    "#SPILL!",
    "#CALC!",
    "#FIELD!",
    "#BLOCKED!",
    "#UNKNOWN!",
    "#CONNECT!",
    "#BUSY!",
    "#GETTING_DATA",
];
/// The classic seven error values.
pub const CLASSIC_ERRORS: [&str; 7] = [
    "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!",
];

/// Right-to-left scripts, marks and emoji, as (name, notes) rows.
pub const WORLD_ROWS: [[&str; 3]; 5] = [
    ["مريم", "الحسيني", "مريم@example.com"],
    ["\u{200F}שרה\u{200F}", "כהן", "sara.cohen@example.com"],
    ["Zoë 👩🏽‍💻", "Nguyễn", "zoe@example.com"],
    ["👨‍👩‍👧‍👦 Family", "🏠 Flat 3 🇦🇺", "family@example.com"],
    ["\u{202E}txt.exe", "Ωμέγα", "omega@example.com"],
];

/// Every kind, in a stable order.
pub static KINDS: &[Kind] = &[
    // ---- not a spreadsheet at all ----
    kind("pdf-named.xlsx", "a PDF document saved as .xlsx", pdf_named),
    kind("png-named.xlsx", "a PNG picture saved as .xlsx", png_named),
    kind("zero-bytes.xlsx", "a file of no bytes", Vec::new),
    kind(
        "whitespace-only.csv",
        "nothing but spaces, tabs, commas and line breaks",
        whitespace_only,
    ),
    kind(
        "word-document.xlsx",
        "a Word .docx renamed to .xlsx",
        word_document,
    ),
    kind(
        "word-97.xls",
        "a Word 97 .doc (an OLE2 file) renamed to .xls",
        word_97,
    ),
    kind(
        "web-page.xls",
        "an HTML table saved as .xls, as some web apps export",
        web_page,
    ),
    kind(
        "excel-2003-xml.xls",
        "an Excel 2003 XML spreadsheet saved as .xls",
        excel_2003_xml,
    ),
    kind("random-bytes.xlsx", "64 KB of binary noise", random_bytes),
    // ---- renamed: the content decides ----
    kind(
        "contacts-csv.xlsx",
        "a CSV file renamed to .xlsx",
        csv_renamed,
    ),
    kind(
        "contacts-xlsx.csv",
        "an xlsx renamed to .csv",
        contacts_xlsx,
    ),
    kind("contacts-xls.xlsx", "an xls renamed to .xlsx", contacts_xls),
    // ---- other formats, well formed ----
    kind("contacts.xlsb", "an Excel binary workbook", contacts_xlsb),
    kind("contacts.ods", "an OpenDocument spreadsheet", contacts_ods),
    kind(
        "macro-enabled.xlsm",
        "an xlsx with a VBA project",
        macro_enabled,
    ),
    // ---- broken containers ----
    kind("truncated.xlsx", "an xlsx cut off half way", truncated_xlsx),
    kind(
        "corrupt-central-directory.xlsx",
        "an xlsx whose zip directory is noise",
        corrupt_central_directory,
    ),
    kind("truncated.xls", "an xls cut off half way", truncated_xls),
    kind("truncated.ods", "an ods cut off half way", truncated_ods),
    kind(
        "unclosed-table.ods",
        "an ods whose content ends inside a table (calamine would loop)",
        unclosed_table,
    ),
    kind(
        "huge-record.xlsb",
        "an xlsb record claiming 256 MB",
        huge_record,
    ),
    // ---- bombs and expansion ----
    large(
        "zip-bomb.xlsx",
        "4 GiB of zeros packed into a 4 MB xlsx",
        zip_bomb,
    ),
    kind(
        "lying-sizes.xlsx",
        "a worksheet that says 1 KB and inflates to 50 MB",
        lying_sizes,
    ),
    kind(
        "billion-laughs.xlsx",
        "XML entities nested nine deep (a billion laughs)",
        billion_laughs,
    ),
    kind(
        "deeply-nested.xlsx",
        "XML nested 200,000 elements deep",
        deeply_nested,
    ),
    kind(
        "too-many-entries.xlsx",
        "a zip of 10,001 entries",
        too_many_entries,
    ),
    kind(
        "huge-string-count.xlsx",
        "shared strings declaring 99,999,999,999,999 items",
        huge_string_count,
    ),
    kind(
        "grid-bomb.xls",
        "an xls with cells in A1 and IV65536 (a 16.7 million cell grid)",
        grid_bomb,
    ),
    kind(
        "dimension-lie.xls",
        "an xls whose DIMENSIONS record claims 4 billion rows",
        dimension_lie,
    ),
    kind(
        "repeated-rows.ods",
        "an ods row repeated 1,048,576 times",
        repeated_rows,
    ),
    kind(
        "far-away-cell.xlsx",
        "cells in A1 and XFD1048576",
        far_away_cell,
    ),
    // ---- passwords ----
    kind(
        "password-protected.xlsx",
        "an encrypted xlsx: an OLE2 file with EncryptionInfo and EncryptedPackage",
        password_xlsx,
    ),
    kind(
        "password-protected.xls",
        "an xls with a FILEPASS record",
        password_xls,
    ),
    kind(
        "password-protected.ods",
        "an ods whose manifest has encryption data",
        password_ods,
    ),
    kind(
        "zip-encrypted.xlsx",
        "an xlsx whose zip entries are encrypted",
        zip_encrypted,
    ),
    kind(
        "old-excel-95.xls",
        "an Excel 95 (BIFF5) workbook",
        old_excel_95,
    ),
    // ---- sizes and limits ----
    large(
        "million-rows.xlsx",
        "1,048,575 data rows",
        million_rows_xlsx,
    ),
    large("million-rows.csv", "1,000,000 data rows", million_rows_csv),
    kind(
        "16k-columns.xlsx",
        "a header row 16,384 columns wide",
        columns_16k_xlsx,
    ),
    kind(
        "16k-columns.csv",
        "a header line 16,384 columns wide",
        columns_16k_csv,
    ),
    large(
        "100mb-shared-strings.xlsx",
        "100 MB of shared strings",
        shared_strings_100mb,
    ),
    kind(
        "1mb-cells.xlsx",
        "cells holding 1 MB of text each",
        cells_1mb_xlsx,
    ),
    large(
        "1mb-cells.csv",
        "fields holding 1 MB of text each",
        cells_1mb_csv,
    ),
    large("too-large.csv", "a CSV one byte over 25 MB", too_large),
    // ---- CSV text ----
    kind(
        "invalid-utf8.csv",
        "a Windows-1252 CSV (é as one byte) on line 3",
        invalid_utf8,
    ),
    kind("utf16.csv", "a UTF-16 (little-endian, with BOM) CSV", utf16),
    kind(
        "newlines-and-quotes.csv",
        "quoted fields with line breaks, commas and doubled quotes",
        newlines_and_quotes,
    ),
    kind(
        "semicolons.csv",
        "a semicolon CSV with Excel's sep= line",
        semicolons,
    ),
    kind(
        "formula-injection.csv",
        "values that a spreadsheet would run as formulas",
        formula_injection,
    ),
    // ---- the sheet's shape ----
    kind(
        "header-only.xlsx",
        "a header row and no contacts",
        header_only,
    ),
    kind(
        "empty-sheet.xlsx",
        "a sheet whose only cell is blank",
        empty_sheet,
    ),
    kind(
        "no-header-row.csv",
        "contacts from line 1, without a header",
        no_header_row,
    ),
    kind(
        "duplicate-headers.csv",
        "Email three times in the header",
        duplicate_headers,
    ),
    kind(
        "many-sheets.xlsx",
        "1,000 sheets, the contacts on the 500th",
        many_sheets,
    ),
    kind(
        "hidden-sheets-only.xlsx",
        "every sheet hidden",
        hidden_sheets_only,
    ),
    kind(
        "very-hidden-only.xlsx",
        "every sheet very hidden",
        very_hidden_only,
    ),
    kind(
        "merged-header.xlsx",
        "a header cell merged across two columns",
        merged_header,
    ),
    kind(
        "formula-errors.xlsx",
        "formulas whose cached values are the classic errors",
        formula_errors,
    ),
    kind(
        "excel-365-errors.xlsx",
        "formulas whose cached values are Excel 365's newer errors",
        excel_365_errors,
    ),
    kind(
        "rtl-and-emoji.xlsx",
        "Arabic, Hebrew, direction marks and emoji",
        rtl_and_emoji_xlsx,
    ),
    kind(
        "rtl-and-emoji.csv",
        "Arabic, Hebrew, direction marks and emoji",
        rtl_and_emoji_csv,
    ),
    kind(
        "whitespace-everywhere.xlsx",
        "spaces, tabs, no-break and zero-width spaces around everything; blank rows",
        whitespace_xlsx,
    ),
    kind(
        "whitespace-everywhere.csv",
        "spaces, tabs, no-break and zero-width spaces around everything; blank lines",
        whitespace_csv,
    ),
    kind(
        "html-in-cells.xlsx",
        "cells holding HTML and script tags",
        html_in_cells,
    ),
];

/// The kind written under `file_name`.
pub fn find(file_name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|kind| kind.file_name == file_name)
}

// ---- the well-formed contacts, in each format ----

fn contact_table() -> Vec<Vec<&'static str>> {
    let mut table = vec![CONTACT_HEADERS.to_vec()];
    table.extend(CONTACT_ROWS.iter().map(|row| row.to_vec()));
    table
}

fn csv_of(rows: &[Vec<&str>]) -> String {
    let mut out = String::new();
    for row in rows {
        let fields: Vec<String> = row
            .iter()
            .map(|field| {
                if field.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", field.replace('"', "\"\""))
                } else {
                    field.to_string()
                }
            })
            .collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

fn contacts_csv() -> String {
    csv_of(&contact_table())
}

fn csv_renamed() -> Vec<u8> {
    contacts_csv().into_bytes()
}

fn xlsx_of(rows: &[Vec<&str>]) -> Vec<u8> {
    let slices: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
    minimal_xlsx(&inline_rows(&slices), None)
}

/// The contacts as an xlsx.
pub fn contacts_xlsx() -> Vec<u8> {
    xlsx_of(&contact_table())
}

/// `LABELSST`: a cell showing shared string `index`.
pub fn label_sst(row: u16, col: u16, index: u32) -> Vec<u8> {
    biff(
        0x00FD,
        &[biff_cell(row, col, 0), index.to_le_bytes().to_vec()].concat(),
    )
}

fn xls_of(globals: &[Vec<u8>], rows: &[Vec<&str>]) -> Vec<u8> {
    let mut strings: Vec<&str> = Vec::new();
    let mut records = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            records.extend(label_sst(r as u16, c as u16, strings.len() as u32));
            strings.push(text);
        }
    }
    xls(globals, &strings, &[("Contacts", 0, records)])
}

/// The contacts as an xls.
pub fn contacts_xls() -> Vec<u8> {
    xls_of(&[], &contact_table())
}

fn contacts_xlsb() -> Vec<u8> {
    let mut records = Vec::new();
    for (r, row) in contact_table().iter().enumerate() {
        records.extend(xlsb_row(r as u32));
        for (c, text) in row.iter().enumerate() {
            records.extend(xlsb_cell(0x0006, c as u32, 0, &wide(text)));
        }
    }
    xlsb(
        &[SheetSpec {
            name: "Contacts",
            state: 0,
            records,
        }],
        &[],
        false,
    )
}

fn ods_table(rows: &[Vec<&str>]) -> String {
    let mut tables = String::from(r#"<table:table table:name="Contacts">"#);
    for row in rows {
        tables.push_str("<table:table-row>");
        for text in row {
            tables.push_str(&ods_text(&xml_escape(text)));
        }
        tables.push_str("</table:table-row>");
    }
    tables.push_str("</table:table>");
    tables
}

fn contacts_ods() -> Vec<u8> {
    ods(&ods_table(&contact_table()), "", None)
}

fn macro_enabled() -> Vec<u8> {
    let slices: Vec<Vec<&str>> = contact_table();
    let slices: Vec<&[&str]> = slices.iter().map(Vec::as_slice).collect();
    let vba = noise(4096, 7);
    xlsx_workbook(
        &[XlsxSheet {
            name: "Contacts".into(),
            state: None,
            xml: worksheet(&inline_rows(&slices)),
        }],
        None,
        &[("xl/vbaProject.bin", &vba)],
    )
}

// ---- not a spreadsheet ----

fn pdf_named() -> Vec<u8> {
    b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".to_vec()
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
    out
}

fn png_named() -> Vec<u8> {
    // A 1 × 1 grey picture.
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
    let (pixels, _) = deflate(&[0, 0x80]);
    let mut zlib = vec![0x78, 0x9C];
    zlib.extend_from_slice(&pixels);
    let adler = {
        let (mut a, mut b) = (1u32, 0u32);
        for byte in [0u8, 0x80] {
            a = (a + u32::from(byte)) % 65_521;
            b = (b + a) % 65_521;
        }
        (b << 16) | a
    };
    zlib.extend_from_slice(&adler.to_be_bytes());
    out.extend(png_chunk(b"IDAT", &zlib));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

fn whitespace_only() -> Vec<u8> {
    "   \r\n\t\n  \u{a0} \n\n,,,\n".as_bytes().to_vec()
}

fn word_document() -> Vec<u8> {
    zip(&[
        ("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#),
        ("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#),
        ("word/document.xml", br#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Dear tenant,</w:t></w:r></w:p></w:body></w:document>"#),
    ])
}

fn word_97() -> Vec<u8> {
    compound_file(&[("WordDocument", noise(6000, 97))])
}

fn web_page() -> Vec<u8> {
    let mut html = String::from(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Contacts</title></head><body><table>\n",
    );
    for row in contact_table() {
        html.push_str("<tr>");
        for cell in row {
            html.push_str(&format!("<td>{}</td>", xml_escape(cell)));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table></body></html>\n");
    html.into_bytes()
}

fn excel_2003_xml() -> Vec<u8> {
    let mut rows = String::new();
    for row in contact_table() {
        rows.push_str("<Row>");
        for cell in row {
            rows.push_str(&format!(
                r#"<Cell><Data ss:Type="String">{}</Data></Cell>"#,
                xml_escape(cell)
            ));
        }
        rows.push_str("</Row>");
    }
    format!(
        r#"<?xml version="1.0"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Contacts"><Table>{rows}</Table></Worksheet></Workbook>
"#
    )
    .into_bytes()
}

fn random_bytes() -> Vec<u8> {
    let mut bytes = vec![0x00, 0x01];
    bytes.extend(noise(64 * 1024, 64));
    bytes
}

// ---- broken containers ----

fn many_contacts(rows: usize) -> Vec<Vec<String>> {
    let mut table = vec![CONTACT_HEADERS.iter().map(|s| s.to_string()).collect()];
    for i in 0..rows {
        table.push(vec![
            format!("First{i}"),
            format!("Last{i}"),
            format!("person{i}@example.com"),
            format!("0412 {:03} {:03}", i / 1000 % 1000, i % 1000),
        ]);
    }
    table
}

fn owned_table(table: &[Vec<String>]) -> Vec<Vec<&str>> {
    table
        .iter()
        .map(|row| row.iter().map(String::as_str).collect())
        .collect()
}

fn truncated_xlsx() -> Vec<u8> {
    let table = many_contacts(200);
    let whole = xlsx_of(&owned_table(&table));
    whole[..whole.len() / 2].to_vec()
}

fn corrupt_central_directory() -> Vec<u8> {
    let table = many_contacts(20);
    let mut bytes = xlsx_of(&owned_table(&table));
    let start = bytes
        .windows(4)
        .position(|w| w == b"PK\x01\x02")
        .expect("a central directory");
    let end = bytes
        .windows(4)
        .rposition(|w| w == b"PK\x05\x06")
        .expect("an end of central directory");
    let junk = noise(end - start, 11);
    bytes[start..end].copy_from_slice(&junk);
    bytes
}

fn truncated_xls() -> Vec<u8> {
    let table = many_contacts(100);
    let whole = xls_of(&[], &owned_table(&table));
    whole[..whole.len() * 3 / 5].to_vec()
}

fn truncated_ods() -> Vec<u8> {
    let table = many_contacts(200);
    let whole = ods(&ods_table(&owned_table(&table)), "", None);
    whole[..whole.len() / 2].to_vec()
}

const ODS_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>"#;

fn unclosed_table() -> Vec<u8> {
    ods_with_content(&format!(
        r#"{ODS_HEAD}<table:table table:name="Contacts"><table:table-row>{}</table:table-row>"#,
        ods_text("Email")
    ))
}

/// An xlsb sheet's records: the header `Email` and one address.
pub fn xlsb_contacts_records() -> Vec<u8> {
    let mut records = xlsb_row(0);
    records.extend(xlsb_cell(0x0006, 0, 0, &wide("Email")));
    records.extend(xlsb_row(1));
    records.extend(xlsb_cell(0x0006, 0, 0, &wide("ann@example.com")));
    records
}

fn huge_record() -> Vec<u8> {
    let mut records = xlsb_contacts_records();
    // A record whose length says 256 MB.
    records.extend_from_slice(&[0x05, 0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3]);
    xlsb(
        &[SheetSpec {
            name: "Contacts",
            state: 0,
            records,
        }],
        &[],
        false,
    )
}

// ---- bombs and expansion ----

fn contact_parts() -> Vec<(String, Vec<u8>)> {
    let table = contact_table();
    let slices: Vec<&[&str]> = table.iter().map(Vec::as_slice).collect();
    xlsx_parts(&inline_rows(&slices), None, None)
}

fn zip_bomb() -> Vec<u8> {
    // Ten pictures of 400 MiB of zeros each: 4 GiB from about 4 MB.
    let parts = contact_parts();
    let packed: Vec<(Vec<u8>, u32, u32)> = parts
        .iter()
        .map(|(_, data)| {
            let (compressed, crc) = deflate(data);
            (compressed, crc, data.len() as u32)
        })
        .collect();
    let (zeros, zeros_crc) = deflated_zeros(25);
    let names: Vec<String> = (1..=10).map(|i| format!("xl/media/image{i}.png")).collect();
    let mut entries: Vec<RawEntry<'_>> = parts
        .iter()
        .zip(&packed)
        .map(|((name, _), (compressed, crc, size))| RawEntry {
            name,
            method: 8,
            crc: *crc,
            compressed,
            size: *size,
        })
        .collect();
    for name in &names {
        entries.push(RawEntry {
            name,
            method: 8,
            crc: zeros_crc,
            compressed: &zeros,
            size: 25 << 24,
        });
    }
    raw_zip(&entries)
}

fn lying_sizes() -> Vec<u8> {
    let parts = xlsx_parts("", None, None);
    let others: Vec<(&str, &[u8])> = parts
        .iter()
        .filter(|(n, _)| n != "xl/worksheets/sheet1.xml")
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let mut bytes = zip_with_filler(&others, "xl/worksheets/sheet1.xml", 50 << 20, b' ');
    declare_size(&mut bytes, "xl/worksheets/sheet1.xml", 1024);
    bytes
}

fn billion_laughs() -> Vec<u8> {
    let mut entities = String::from(r#"<!ENTITY lol "lol">"#);
    for level in 2..=9 {
        let previous = if level == 2 {
            "lol".to_string()
        } else {
            format!("lol{}", level - 1)
        };
        entities.push_str(&format!(
            r#"<!ENTITY lol{level} "{}">"#,
            format!("&{previous};").repeat(10)
        ));
    }
    let xml = format!(
        r#"<?xml version="1.0"?><!DOCTYPE lolz [{entities}]><worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"#
    );
    xlsx_with_sheet(&xml, None, None)
}

fn deeply_nested() -> Vec<u8> {
    let depth = 200_000;
    let nested = format!(
        "{}<t>Email</t>{}",
        "<r>".repeat(depth),
        "</r>".repeat(depth)
    );
    let junk = format!("{}{}", "<x>".repeat(depth), "</x>".repeat(depth));
    let xml = worksheet(&format!(
        r#"{junk}<row r="1"><c r="A1" t="inlineStr"><is>{nested}</is></c></row><row r="2">{}</row>"#,
        inline("A2", "ann@example.com")
    ));
    xlsx_with_sheet(&xml, None, None)
}

fn too_many_entries() -> Vec<u8> {
    let mut parts = contact_parts();
    for i in 0..10_001 - parts.len() {
        parts.push((format!("xl/media/p{i}.bin"), Vec::new()));
    }
    let entries: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    zip(&entries)
}

fn huge_string_count() -> Vec<u8> {
    let sst = format!(
        r#"<?xml version="1.0"?><sst xmlns="{MAIN_NS}" count="99999999999999" uniqueCount="99999999999999"><si><t>Email</t></si></sst>"#
    );
    let mut parts = xlsx_parts(
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
        None,
        None,
    );
    parts.push(("xl/sharedStrings.xml".into(), sst.into_bytes()));
    let entries: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    zip(&entries)
}

/// An xls sheet's cells: shared strings 0 and 1 in A1 and A2.
pub fn contacts_xls_sheet() -> Vec<u8> {
    [label_sst(0, 0, 0), label_sst(1, 0, 1)].concat()
}

fn grid_bomb() -> Vec<u8> {
    let notes = [label_sst(0, 0, 0), label_sst(65_535, 255, 0)].concat();
    xls(
        &[],
        &["Email", "ann@example.com"],
        &[("Contacts", 0, contacts_xls_sheet()), ("Notes", 0, notes)],
    )
}

fn dimension_lie() -> Vec<u8> {
    let mut dimensions = 0u32.to_le_bytes().to_vec();
    dimensions.extend_from_slice(&u32::MAX.to_le_bytes());
    dimensions.extend_from_slice(&0u16.to_le_bytes());
    dimensions.extend_from_slice(&256u16.to_le_bytes());
    dimensions.extend_from_slice(&[0, 0]);
    let sheet = [biff(0x0200, &dimensions), contacts_xls_sheet()].concat();
    xls(
        &[],
        &["Email", "ann@example.com"],
        &[("Contacts", 0, sheet)],
    )
}

fn repeated_rows() -> Vec<u8> {
    let tables = format!(
        r#"<table:table table:name="Contacts"><table:table-row>{}</table:table-row><table:table-row table:number-rows-repeated="1048575">{}</table:table-row></table:table>"#,
        ods_text("Name"),
        ods_text("Ann")
    );
    ods(&tables, "", None)
}

fn far_away_cell() -> Vec<u8> {
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><dimension ref="A1:XFD1048576"/><sheetData><row r="1">{}</row><row r="2">{}</row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#,
        inline("A1", "Email"),
        inline("A2", "ann@example.com")
    );
    xlsx_with_sheet(&xml, None, None)
}

// ---- passwords ----

fn password_xlsx() -> Vec<u8> {
    // Agile encryption (Office 2010 and later): version 4.4, then the XML
    // descriptor; the package itself is its size and then ciphertext.
    let descriptor = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption" xmlns:p="http://schemas.microsoft.com/office/2006/keyEncryptor/password"><keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" saltValue="c2FsdHNhbHRzYWx0c2FsdA=="/><keyEncryptors><keyEncryptor uri="http://schemas.microsoft.com/office/2006/keyEncryptor/password"><p:encryptedKey spinCount="100000" saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" saltValue="c2FsdHNhbHRzYWx0c2FsdA=="/></keyEncryptor></keyEncryptors></encryption>"#;
    let mut info = vec![4, 0, 4, 0, 0x40, 0, 0, 0];
    info.extend_from_slice(descriptor.as_bytes());
    let mut package = 5_000u64.to_le_bytes().to_vec();
    package.extend(noise(5_008, 4));
    compound_file(&[("EncryptionInfo", info), ("EncryptedPackage", package)])
}

fn password_xls() -> Vec<u8> {
    // FILEPASS: RC4 CryptoAPI encryption header, then noise.
    let mut filepass = vec![1, 0, 4, 0, 2, 0];
    filepass.extend(noise(48, 5));
    xls_of(&[biff(0x002F, &filepass)], &contact_table())
}

fn password_ods() -> Vec<u8> {
    let manifest = r#"<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum-type="SHA1" manifest:checksum="AAAA"><manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="AAAA"/><manifest:key-derivation manifest:key-derivation-name="PBKDF2" manifest:iteration-count="1024" manifest:salt="AAAA"/></manifest:encryption-data></manifest:file-entry>"#;
    ods(&ods_table(&contact_table()), "", Some(manifest))
}

fn zip_encrypted() -> Vec<u8> {
    let mut bytes = contacts_xlsx();
    mark_encrypted(&mut bytes);
    bytes
}

fn old_excel_95() -> Vec<u8> {
    // BIFF5: a BOF of version 0x0500, a sheet, an EOF.
    let bof = |kind: u16| {
        biff(
            0x0809,
            &[&0x0500u16.to_le_bytes()[..], &kind.to_le_bytes(), &[0; 4]].concat(),
        )
    };
    let mut stream = bof(0x0005);
    stream.extend(biff(
        0x0085,
        &[&[0, 0, 0, 0, 0, 0][..], &[8], b"Contacts"].concat(),
    ));
    stream.extend(biff(0x000A, &[]));
    stream.extend(bof(0x0010));
    stream.extend(biff(0x000A, &[]));
    compound_file(&[("Book", stream)])
}

// ---- sizes and limits ----

fn million_rows_xlsx() -> Vec<u8> {
    let mut data = String::with_capacity(80 << 20);
    data.push_str(&inline_row(1, &["Name", "Email"]));
    for row in 2..=1_048_576u32 {
        data.push_str(&format!(
            r#"<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>P{row}</t></is></c><c r="B{row}" t="inlineStr"><is><t>p{row}@example.com</t></is></c></row>"#
        ));
    }
    minimal_xlsx(&data, None)
}

fn million_rows_csv() -> Vec<u8> {
    let mut text = String::with_capacity(24 << 20);
    text.push_str("Name,Email\n");
    for i in 0..1_000_000u32 {
        text.push_str(&format!("P{i},p{i}@x.io\n"));
    }
    text.into_bytes()
}

fn columns_16k_xlsx() -> Vec<u8> {
    let mut header = String::from(r#"<row r="1">"#);
    let mut data = String::from(r#"<row r="2">"#);
    for col in 0..16_384u32 {
        let name = column_name(col);
        header.push_str(&inline(&format!("{name}1"), &format!("Column {}", col + 1)));
        data.push_str(&format!(r#"<c r="{name}2"><v>{col}</v></c>"#));
    }
    header.push_str("</row>");
    data.push_str("</row>");
    minimal_xlsx(&(header + &data), None)
}

fn columns_16k_csv() -> Vec<u8> {
    let header: Vec<String> = (1..=16_384).map(|i| format!("Column {i}")).collect();
    let data: Vec<String> = (1..=16_384).map(|i| i.to_string()).collect();
    format!("{}\n{}\n", header.join(","), data.join(",")).into_bytes()
}

/// Text of about `len` bytes drawn from a small vocabulary: it compresses
/// about as well as real notes do (5–10:1), not like a run of one letter.
fn prose(len: usize, seed: u32) -> String {
    const WORDS: [&str; 32] = [
        "tenant",
        "lease",
        "rent",
        "bond",
        "inspection",
        "repair",
        "plumber",
        "keys",
        "garden",
        "strata",
        "notice",
        "arrears",
        "water",
        "meter",
        "agent",
        "owner",
        "invoice",
        "paid",
        "due",
        "window",
        "roof",
        "leak",
        "smoke",
        "alarm",
        "carpet",
        "clean",
        "pets",
        "parking",
        "storage",
        "gate",
        "code",
        "urgent",
    ];
    let mut state = seed;
    let mut out = String::with_capacity(len + 16);
    while out.len() < len {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        out.push_str(WORDS[(state >> 16) as usize % WORDS.len()]);
        out.push(' ');
    }
    out.truncate(len);
    out
}

fn shared_strings_100mb() -> Vec<u8> {
    // 100,000 strings of 1,000 characters: 100 MB of text.
    let mut items = String::with_capacity(102 << 20);
    for i in 0..100_000u32 {
        items.push_str("<si><t>");
        items.push_str(&prose(1_000, i));
        items.push_str("</t></si>");
    }
    let mut data = inline_row(1, &["Name", "Notes"]);
    for row in 2..=11u32 {
        data.push_str(&format!(
            r#"<row r="{row}">{}<c r="B{row}" t="s"><v>{}</v></c></row>"#,
            inline(&format!("A{row}"), &format!("Person {row}")),
            row * 9_000
        ));
    }
    minimal_xlsx(&data, Some(&items))
}

/// One megabyte of notes.
pub fn megabyte_text(seed: u32) -> String {
    prose(1 << 20, seed)
}

fn cells_1mb_xlsx() -> Vec<u8> {
    let mut data = inline_row(1, &["Name", "Notes"]);
    for row in 2..=6u32 {
        data.push_str(&inline_row(
            row,
            &[&format!("Person {row}"), &megabyte_text(row)],
        ));
    }
    minimal_xlsx(&data, None)
}

fn cells_1mb_csv() -> Vec<u8> {
    let mut text = String::from("Name,Notes\n");
    for row in 2..=6u32 {
        text.push_str(&format!("Person {row},\"{}\"\n", megabyte_text(row)));
    }
    text.into_bytes()
}

fn too_large() -> Vec<u8> {
    let mut text = String::with_capacity((25 << 20) + 64);
    text.push_str("Name,Email\n");
    let mut i = 0u32;
    while text.len() < 25 << 20 {
        text.push_str(&format!("Person {i},person{i}@example.com\n"));
        i += 1;
    }
    let mut bytes = text.into_bytes();
    bytes.truncate((25 << 20) + 1);
    bytes
}

// ---- CSV text ----

fn invalid_utf8() -> Vec<u8> {
    b"First Name,Last Name,Email\r\nAna,Silva,ana.silva@example.com\r\nJos\xe9,Garc\xeda,jose@example.com\r\n".to_vec()
}

fn utf16() -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in contacts_csv().encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes
}

fn newlines_and_quotes() -> Vec<u8> {
    concat!(
        "First Name,Last Name,Email,Notes\r\n",
        "\"Ana\",\"Silva\",\"ana.silva@example.com\",\"Line one\r\nLine two, with a comma\"\r\n",
        "Ben,\"O\"\"Brien\",ben@example.com,\"He said \"\"hi\"\"\"\r\n",
        "Cy,Lee,cy@example.com,\"a bare\rreturn and a\nnew line\"\r\n",
        "\r\n",
        "Di,\"\",di@example.com,\",\"\r\n",
    )
    .as_bytes()
    .to_vec()
}

fn semicolons() -> Vec<u8> {
    "sep=;\r\nFirst Name;Last Name;Email;Notes\r\nAna;Silva;ana.silva@example.com;owes 1,5 weeks\r\nBen;Okafor;ben.okafor@example.com;\"a;b\"\r\n"
        .as_bytes()
        .to_vec()
}

fn formula_injection() -> Vec<u8> {
    concat!(
        "First Name,Last Name,Email,Notes\r\n",
        "\"=HYPERLINK(\"\"http://evil.example\"\",\"\"Click\"\")\",Silva,ana@example.com,+61 412 345 678\r\n",
        "@SUM(A1),-2+3,ben@example.com,'=1+1\r\n",
        "\"=cmd|' /C calc'!A0\",Lee,cy@example.com,\t=tab\r\n",
    )
    .as_bytes()
    .to_vec()
}

// ---- the sheet's shape ----

fn header_only() -> Vec<u8> {
    xlsx_of(&[CONTACT_HEADERS.to_vec()])
}

fn empty_sheet() -> Vec<u8> {
    minimal_xlsx(
        &format!(
            r#"<row r="1">{}</row><row r="3"><c r="B3"/></row>"#,
            inline("A1", "   ")
        ),
        None,
    )
}

fn no_header_row() -> Vec<u8> {
    csv_of(
        &CONTACT_ROWS
            .iter()
            .map(|row| row.to_vec())
            .collect::<Vec<_>>(),
    )
    .into_bytes()
}

fn duplicate_headers() -> Vec<u8> {
    concat!(
        "Email,First Name,email,E-mail,Last Name\r\n",
        "ana.silva@example.com,Ana,ana@work.example,ana@home.example,Silva\r\n",
    )
    .as_bytes()
    .to_vec()
}

fn many_sheets() -> Vec<u8> {
    let contacts = {
        let table = contact_table();
        let slices: Vec<&[&str]> = table.iter().map(Vec::as_slice).collect();
        worksheet(&inline_rows(&slices))
    };
    let sheets: Vec<XlsxSheet> = (1..=1_000)
        .map(|i| {
            if i == 500 {
                XlsxSheet {
                    name: "Contacts".into(),
                    state: None,
                    xml: contacts.clone(),
                }
            } else {
                XlsxSheet {
                    name: format!("Sheet {i}"),
                    state: None,
                    xml: worksheet(&inline_rows(&[&["Name"], &[&format!("Row of sheet {i}")]])),
                }
            }
        })
        .collect();
    xlsx_workbook(&sheets, None, &[])
}

fn two_sheets(state: &'static str) -> Vec<u8> {
    let table = contact_table();
    let slices: Vec<&[&str]> = table.iter().map(Vec::as_slice).collect();
    xlsx_workbook(
        &[
            XlsxSheet {
                name: "Archive".into(),
                state: Some(state),
                xml: worksheet(&inline_rows(&[&["Old header"], &["old row"]])),
            },
            XlsxSheet {
                name: "Contacts".into(),
                state: Some(state),
                xml: worksheet(&inline_rows(&slices)),
            },
        ],
        None,
        &[],
    )
}

fn hidden_sheets_only() -> Vec<u8> {
    two_sheets("hidden")
}

fn very_hidden_only() -> Vec<u8> {
    two_sheets("veryHidden")
}

fn merged_header() -> Vec<u8> {
    let data = format!(
        "{}{}",
        inline_row(1, &["Name", "", "Email"]),
        inline_row(2, &["Ana", "Silva", "ana.silva@example.com"])
    );
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>{data}</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>"#
    );
    xlsx_with_sheet(&xml, None, None)
}

/// Rows of `Name`, an error cell with its formula, and a number after it.
fn error_rows(errors: &[&str]) -> String {
    let mut data = inline_row(1, &["Name", "Result", "After"]);
    for (i, error) in errors.iter().enumerate() {
        let row = i as u32 + 2;
        data.push_str(&format!(
            r#"<row r="{row}">{}<c r="B{row}" t="e"><f>SEQUENCE(2)+A{row}</f><v>{}</v></c><c r="C{row}"><v>{row}</v></c></row>"#,
            inline(&format!("A{row}"), &format!("Row {row}")),
            xml_escape(error)
        ));
    }
    data
}

fn formula_errors() -> Vec<u8> {
    minimal_xlsx(&error_rows(&CLASSIC_ERRORS), None)
}

fn excel_365_errors() -> Vec<u8> {
    // Each newer error, and a classic one between them.
    let mut errors: Vec<&str> = Vec::new();
    for error in NEWER_ERRORS {
        errors.push(error);
        errors.push("#N/A");
    }
    minimal_xlsx(&error_rows(&errors), None)
}

fn world_table() -> Vec<Vec<&'static str>> {
    let mut table = vec![vec!["First Name", "Last Name", "Email"]];
    table.extend(WORLD_ROWS.iter().map(|row| row.to_vec()));
    table
}

fn rtl_and_emoji_xlsx() -> Vec<u8> {
    xlsx_of(&world_table())
}

fn rtl_and_emoji_csv() -> Vec<u8> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(csv_of(&world_table()).into_bytes());
    bytes
}

/// Padded headers and values, and blank rows between them.
pub const PADDED_ROWS: [[&str; 3]; 4] = [
    ["  First Name\u{a0}", "\tEmail ", "\u{200B}Phone\u{FEFF}"],
    [
        " Ana ",
        "  ana.silva@example.com\t",
        "\u{a0}0412 345 678\u{a0}",
    ],
    ["\u{3000}", " ", "\u{200B}"],
    ["\tBen\t", "\u{FEFF}ben@example.com", "  +44 20 7946 0000  "],
];

fn whitespace_xlsx() -> Vec<u8> {
    // A blank row above the header, and the all-blank row kept as a row.
    let mut data = inline_row(1, &["   ", "", ""]);
    for (i, row) in PADDED_ROWS.iter().enumerate() {
        data.push_str(&inline_row(i as u32 + 2, row));
    }
    // A padded cell far to the right of the header: ignored.
    data.push_str(&format!(
        r#"<row r="9">{}</row>"#,
        inline("Z9", "  stray  ")
    ));
    minimal_xlsx(&data, None)
}

fn whitespace_csv() -> Vec<u8> {
    let mut text = String::from("   ,,\r\n");
    for row in PADDED_ROWS {
        let quoted: Vec<String> = row.iter().map(|f| format!("\"{f}\"")).collect();
        text.push_str(&quoted.join(","));
        text.push_str("\r\n");
    }
    text.push_str("\r\n  \r\n");
    text.into_bytes()
}

fn html_in_cells() -> Vec<u8> {
    xlsx_of(&[
        vec!["First Name", "Last Name", "Email", "Notes"],
        vec![
            "<script>alert('x')</script>",
            "<img src=x onerror=alert(1)>",
            "html@example.com",
            "<b>bold</b> &amp; \"quoted\"",
        ],
    ])
}
