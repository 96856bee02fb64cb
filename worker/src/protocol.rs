//! The messages between the page and the import worker.

use rules::{FileFormat, Limits, SheetRow};
use serde::{Deserialize, Serialize};

/// Rows per chunk the worker sends; each chunk decodes in a few milliseconds.
pub const ROWS_PER_CHUNK: usize = 5_000;

/// What the page asks the worker to read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadRequest {
    pub file_name: String,
    /// The sheet the user chose, or `None` for the default sheet.
    pub sheet: Option<String>,
    pub limits: Limits,
}

/// What the worker read, apart from the rows (which follow in chunks).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRead {
    pub file_name: String,
    pub file_size: u64,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
    pub format: FileFormat,
    /// The sheets the user can choose from.
    pub sheet_names: Vec<String>,
    /// The sheet that was read.
    pub sheet_name: String,
    /// The header row's number (1 = the first row).
    pub header_line: u32,
    pub headers: Vec<String>,
    pub blank_rows_skipped: u32,
    /// How many data rows follow, in chunks of [`ROWS_PER_CHUNK`].
    pub row_count: u32,
}

/// One chunk of rows.
pub type RowChunk = Vec<SheetRow>;

/// One row of an error report: the cells as the user left them and the
/// row's issues as sentences.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRow {
    pub line: u32,
    pub cells: Vec<String>,
    pub issues: Vec<String>,
}

/// What the page asks the worker to write as an error report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRequest {
    /// The headers of the report's columns (before the added "Issues").
    pub headers: Vec<String>,
    pub rows: Vec<ReportRow>,
}

/// Encodes a message.
pub fn encode<T: Serialize>(message: &T) -> Result<Vec<u8>, String> {
    postcard::to_allocvec(message).map_err(|error| error.to_string())
}

/// Decodes a message.
pub fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, String> {
    postcard::from_bytes(bytes).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rules::Cell;

    #[test]
    fn rows_survive_encoding() {
        let chunk: RowChunk = vec![SheetRow {
            line: 2,
            cells: vec![Cell::Text("Zoë 🏠".into()), Cell::Error("#N/A".into()), Cell::Text(String::new())],
        }];
        let bytes = encode(&chunk).unwrap();
        assert_eq!(decode::<RowChunk>(&bytes).unwrap(), chunk);
        assert!(decode::<RowChunk>(&bytes[..bytes.len() - 1]).is_err());
    }
}
