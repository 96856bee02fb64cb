//! Helpers shared by the `read_*` integration tests: reading with the
//! default limits and row texts; the files themselves are built with the
//! corpus crate's builders (zip, xlsx, xlsb and ods parts, OLE2 compound
//! files, BIFF8 records), re-exported here.

#![allow(dead_code, unused_imports)]

pub use corpus::build::*;

use rules::read::{read_workbook, ReadError, Workbook};
use rules::{Limits, SheetRow};

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
