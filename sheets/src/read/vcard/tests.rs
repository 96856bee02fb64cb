use std::collections::BTreeMap;

use super::*;
use crate::read::builder::collect_sheet;
use crate::read::{read_workbook, HeaderRow};
use crate::sheet::{FileFormat, Limits, Sheet};

fn sheet(text: &str) -> Result<Sheet, ReadError> {
    collect_sheet("contacts.vcf", &Limits::DEFAULT, HeaderRow::FIRST, |builder| {
        read(text.as_bytes(), "contacts.vcf", Limits::DEFAULT.max_columns, builder)
    })
}

/// Each card's non-blank cells by header.
fn cards(text: &str) -> Vec<BTreeMap<String, String>> {
    let sheet = sheet(text).unwrap_or_else(|error| panic!("{error:?}"));
    sheet
        .rows
        .iter()
        .map(|row| {
            sheet
                .headers
                .iter()
                .zip(&row.cells)
                .filter(|(_, cell)| !cell.is_blank())
                .map(|(header, cell)| (header.clone(), cell.text().to_string()))
                .collect()
        })
        .collect()
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect()
}

/// As an iPhone exports a contact (3.0: grouped items, `type=` repeated,
/// custom labels in X-ABLabel, a folded note).
const IPHONE: &str = "BEGIN:VCARD\r\n\
VERSION:3.0\r\n\
PRODID:-//Apple Inc.//iPhone OS 17.4//EN\r\n\
N:Ødegård;Zoë;;Mrs;\r\n\
FN:Mrs Zoë Ødegård\r\n\
ORG:Harbour Lettings;Sales\r\n\
TITLE:Agent\r\n\
item1.EMAIL;type=INTERNET;type=HOME:zoe@example.com\r\n\
item2.EMAIL;type=INTERNET;type=WORK;type=pref:zoe@harbour.example\r\n\
item3.TEL;type=CELL;type=VOICE;type=pref:+61 412 345 678\r\n\
item4.TEL:(02) 9876 5432\r\n\
item4.X-ABLabel:Office\r\n\
item5.ADR;type=HOME;type=pref:;;12 Rue de l'Église\\nApt 3;Paris;;75004;France\r\n\
item5.X-ABADR:fr\r\n\
NOTE:Prefers email. Spare key with \r\n the agent.\r\n\
PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD\r\n\
 /2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwg\r\n\
END:VCARD\r\n";

#[test]
fn an_iphone_card_reads_into_named_columns() {
    assert_eq!(
        cards(IPHONE),
        [map(&[
            ("vCard Version", "3.0"),
            ("Full Name", "Mrs Zoë Ødegård"),
            ("Last Name", "Ødegård"),
            ("First Name", "Zoë"),
            ("Name Prefix", "Mrs"),
            ("Organization", "Harbour Lettings"),
            ("Department", "Sales"),
            ("Job Title", "Agent"),
            // The preferred e-mail first.
            ("E-mail 1", "zoe@harbour.example"),
            ("E-mail 1 - Type", "WORK"),
            ("E-mail 2", "zoe@example.com"),
            ("E-mail 2 - Type", "HOME"),
            ("Phone 1", "+61 412 345 678"),
            ("Phone 1 - Type", "CELL, VOICE"),
            ("Phone 2", "(02) 9876 5432"),
            ("Phone 2 - Type", "Office"),
            ("Home Address - Street", "12 Rue de l'Église\nApt 3"),
            ("Home Address - City", "Paris"),
            ("Home Address - Postal Code", "75004"),
            ("Home Address - Country", "France"),
            ("Note", "Prefers email. Spare key with the agent."),
        ])]
    );
}

/// As Android writes a contact in 2.1: UTF-8 in quoted-printable with soft
/// line breaks, bare types.
const ANDROID: &str = "BEGIN:VCARD\r\n\
VERSION:2.1\r\n\
N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;\r\n\
FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller\r\n\
TEL;CELL:+49 151 2345 6789\r\n\
TEL;WORK:+49 30 1234 5678\r\n\
TEL;WORK;FAX:+49 30 1234 5679\r\n\
EMAIL;HOME:juergen@example.de\r\n\
ADR;WORK;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:;;Stra=C3=9Fe des 17. Juni 1=\r\n\
35=0AHinterhaus;Berlin;;10623;Deutschland\r\n\
NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Schl=C3=BCssel beim Hausmeister.=0D=0A=\r\n\
Zweite Zeile.\r\n\
END:VCARD\r\n";

#[test]
fn an_android_2_1_card_decodes_quoted_printable_utf8_and_bare_types() {
    assert_eq!(
        cards(ANDROID),
        [map(&[
            ("vCard Version", "2.1"),
            ("Full Name", "Jürgen Müller"),
            ("Last Name", "Müller"),
            ("First Name", "Jürgen"),
            ("Phone 1", "+49 151 2345 6789"),
            ("Phone 1 - Type", "CELL"),
            ("Phone 2", "+49 30 1234 5678"),
            ("Phone 2 - Type", "WORK"),
            ("Phone 3", "+49 30 1234 5679"),
            ("Phone 3 - Type", "WORK, FAX"),
            ("E-mail 1", "juergen@example.de"),
            ("E-mail 1 - Type", "HOME"),
            ("Work Address - Street", "Straße des 17. Juni 135\nHinterhaus"),
            ("Work Address - City", "Berlin"),
            ("Work Address - Postal Code", "10623"),
            ("Work Address - Country", "Deutschland"),
            ("Note", "Schlüssel beim Hausmeister.\nZweite Zeile."),
        ])]
    );
}

#[test]
fn several_cards_of_every_version_are_rows_in_file_order() {
    let file = format!(
        "{IPHONE}{ANDROID}\r\n\
BEGIN:VCARD\r\n\
VERSION:4.0\r\n\
KIND:org\r\n\
FN:Greenway Property Services\r\n\
ORG:Greenway Property Services\r\n\
EMAIL;TYPE=work;PREF=1:hello@greenway.example\r\n\
TEL;VALUE=uri;TYPE=\"work,voice\":tel:+61-7-3000-4000\r\n\
ADR;TYPE=home:;;9 Side St;Brisbane;QLD;4000;Australia\r\n\
ADR;TYPE=work:;Suite 5;200 George St;Brisbane;QLD;4000;Australia\r\n\
ADR;TYPE=work:;;PO Box 12;Brisbane;QLD;4001;Australia\r\n\
CATEGORIES:Supplier,Garden\r\n\
END:VCARD\r\n"
    );
    let sheet = sheet(&file).unwrap();
    let lines: Vec<u32> = sheet.rows.iter().map(|row| row.line).collect();
    assert_eq!(sheet.header_line, 1);
    assert_eq!(lines, [2, 3, 4]);
    // Columns for the fullest card: 3 phones (Android), 2 e-mails (iPhone),
    // one more address (the second work address).
    assert!(sheet.headers.contains(&"Phone 3 - Type".to_string()));
    assert!(!sheet.headers.contains(&"Phone 4".to_string()));
    assert!(sheet.headers.contains(&"E-mail 2".to_string()));
    assert_eq!(sheet.headers.last().map(String::as_str), Some("Address 1 - Country"));
    let company = &cards(&file)[2];
    assert_eq!(
        company,
        &map(&[
            ("vCard Version", "4.0"),
            ("Full Name", "Greenway Property Services"),
            ("Organization", "Greenway Property Services"),
            ("E-mail 1", "hello@greenway.example"),
            ("E-mail 1 - Type", "work"),
            ("Phone 1", "+61-7-3000-4000"),
            ("Phone 1 - Type", "work, voice"),
            ("Work Address - Extended Address", "Suite 5"),
            ("Work Address - Street", "200 George St"),
            ("Work Address - City", "Brisbane"),
            ("Work Address - Region", "QLD"),
            ("Work Address - Postal Code", "4000"),
            ("Work Address - Country", "Australia"),
            ("Home Address - Street", "9 Side St"),
            ("Home Address - City", "Brisbane"),
            ("Home Address - Region", "QLD"),
            ("Home Address - Postal Code", "4000"),
            ("Home Address - Country", "Australia"),
            ("Address 1 - Type", "work"),
            ("Address 1 - Street", "PO Box 12"),
            ("Address 1 - City", "Brisbane"),
            ("Address 1 - Region", "QLD"),
            ("Address 1 - Postal Code", "4001"),
            ("Address 1 - Country", "Australia"),
            ("Categories", "Supplier,Garden"),
        ])
    );
}

#[test]
fn a_card_with_no_end_is_refused_with_its_line() {
    let cut = "BEGIN:VCARD\nVERSION:3.0\nFN:Ann\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:Bo\n";
    assert_eq!(sheet(cut).unwrap_err(), ReadError::VcardCutOff { line: 5 });
    let message = ReadError::VcardCutOff { line: 5 }.to_string();
    assert!(message.contains("line 5"), "{message}");
}

#[test]
fn a_nested_agent_card_does_not_end_its_card() {
    let nested = "BEGIN:VCARD\nVERSION:2.1\nFN:Ann\nAGENT:\nBEGIN:VCARD\nFN:Her agent\nEND:VCARD\nEMAIL:ann@x.io\nEND:VCARD\n";
    assert_eq!(
        cards(nested),
        [map(&[
            ("vCard Version", "2.1"),
            ("Full Name", "Ann"),
            ("E-mail 1", "ann@x.io"),
        ])]
    );
}

#[test]
fn a_vcard_file_without_cards_says_so() {
    assert_eq!(sheet("\r\n\r\n").unwrap_err(), ReadError::NoVcards);
    assert_eq!(sheet("Name,Email\nAnn,a@b.c\n").unwrap_err(), ReadError::NoVcards);
}

#[test]
fn vcards_are_found_by_their_first_line_or_their_name() {
    let limits = Limits::DEFAULT;
    for name in ["contacts.vcf", "Contacts.VCF", "export.txt", "noextension"] {
        let workbook = read_workbook(ANDROID.as_bytes(), name, None, &limits)
            .unwrap_or_else(|error| panic!("{name}: {error:?}"));
        assert_eq!(workbook.format, FileFormat::Vcf, "{name}");
        assert_eq!(workbook.sheet.rows.len(), 1, "{name}");
    }
    // With a byte-order mark and blank lines before it, in UTF-16 too.
    let bom = format!("\u{feff}\r\n{IPHONE}");
    let read = read_workbook(bom.as_bytes(), "a.txt", None, &limits).unwrap();
    assert_eq!(read.format, FileFormat::Vcf);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(IPHONE.encode_utf16().flat_map(u16::to_le_bytes));
    let read = read_workbook(&utf16, "a.vcf", None, &limits).unwrap();
    assert_eq!(read.sheet.rows.len(), 1);
    // A CSV stays a CSV; an empty .vcf is an empty file.
    let csv = read_workbook(b"Name\nAnn\n", "a.csv", None, &limits).unwrap();
    assert_eq!(csv.format, FileFormat::Csv);
    assert_eq!(
        read_workbook(b"", "a.vcf", None, &limits).unwrap_err(),
        ReadError::EmptyFile
    );
    assert_eq!(
        read_workbook(b"  \n", "a.vcf", None, &limits).unwrap_err(),
        ReadError::NoVcards
    );
}

#[test]
fn the_limits_hold_for_vcards_as_for_every_format() {
    let many: String = (0..30)
        .map(|n| format!("BEGIN:VCARD\nVERSION:3.0\nFN:Person {n}\nEND:VCARD\n"))
        .collect();
    let limits = Limits {
        max_rows: 10,
        ..Limits::DEFAULT
    };
    assert!(matches!(
        read_workbook(many.as_bytes(), "a.vcf", None, &limits).unwrap_err(),
        ReadError::TooManyRows { max: 10, .. }
    ));
    // A card with 60 phone numbers needs more columns than the limit; one
    // with a million is refused as soon as it does, holding no more.
    let phones: String = (0..60).map(|n| format!("TEL:{n}\n")).collect();
    let wide = format!("BEGIN:VCARD\nVERSION:3.0\n{phones}END:VCARD\n");
    assert!(matches!(
        read_workbook(wide.as_bytes(), "a.vcf", None, &Limits::DEFAULT).unwrap_err(),
        ReadError::TooManyColumns { max: 100, .. }
    ));
    let million: String = "TEL:1\n".repeat(1_000_000);
    let huge = format!("BEGIN:VCARD\nVERSION:3.0\n{million}END:VCARD\n");
    assert!(matches!(
        read_workbook(huge.as_bytes(), "a.vcf", None, &Limits::DEFAULT).unwrap_err(),
        ReadError::TooManyColumns { max: 100, .. }
    ));
    let small = Limits {
        max_file_bytes: 100,
        ..Limits::DEFAULT
    };
    assert!(matches!(
        read_workbook(IPHONE.as_bytes(), "a.vcf", None, &small).unwrap_err(),
        ReadError::FileTooLarge { .. }
    ));
}
