//! Helpers shared by the `read_*` integration tests: reading with the
//! default limits, row texts and the checked-in fixtures; the other files
//! are built with the corpus crate's builders (zip, xlsx, xlsb and ods
//! parts, OLE2 compound files, BIFF8 records), re-exported here.

#![allow(dead_code, unused_imports)]

pub use corpus::build::*;

use sheets::read::{read_workbook, ReadError, Workbook};
use sheets::{Limits, SheetRow};

/// The checked-in files LibreOffice made from `fixtures/contacts.csv` and
/// `fixtures/workbook.fods` (see `scripts/make-fixtures`).
pub const CONTACTS_CSV: &[u8] = include_bytes!("../fixtures/contacts.csv");
/// Two contact cards, as an iPhone (3.0) and Android (2.1) write them.
pub const CONTACTS_VCF: &[u8] = include_bytes!("../fixtures/contacts.vcf");
pub const CONTACTS_XLSX: &[u8] = include_bytes!("../fixtures/contacts-libreoffice.xlsx");
pub const CONTACTS_XLS: &[u8] = include_bytes!("../fixtures/contacts-libreoffice.xls");
pub const CONTACTS_ODS: &[u8] = include_bytes!("../fixtures/contacts-libreoffice.ods");
pub const WORKBOOK_XLSX: &[u8] = include_bytes!("../fixtures/workbook-libreoffice.xlsx");
pub const WORKBOOK_XLS: &[u8] = include_bytes!("../fixtures/workbook-libreoffice.xls");
pub const WORKBOOK_ODS: &[u8] = include_bytes!("../fixtures/workbook-libreoffice.ods");

/// Reads `bytes` called `name` with the default limits and sheet.
pub fn read(bytes: &[u8], name: &str) -> Result<Workbook, ReadError> {
    read_workbook(bytes, name, None, &Limits::DEFAULT)
}

/// Reads, expecting success.
pub fn read_ok(bytes: &[u8], name: &str) -> Workbook {
    match read(bytes, name) {
        Ok(workbook) => workbook,
        Err(error) => panic!("{name}: {error:?}"),
    }
}

/// A row's cell texts.
pub fn texts(row: &SheetRow) -> Vec<String> {
    row.cells
        .iter()
        .map(|cell| cell.text().to_string())
        .collect()
}

/// Every data row's texts.
pub fn all_texts(workbook: &Workbook) -> Vec<Vec<String>> {
    workbook.sheet.rows.iter().map(texts).collect()
}

thread_local! {
    static PANICS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many panics this thread has had so far, caught or not (the counting
/// hook is installed on first use). The reader catches calamine's panics on
/// native builds, so `read_workbook` still answers; the browser's worker
/// aborts on them, so the tests count every one.
pub fn panics_so_far() -> usize {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.with(|p| p.set(p.get() + 1));
            default(info);
        }));
    });
    PANICS.with(std::cell::Cell::get)
}
