//! The messages between the page and the import worker.

use rules::headers::HeaderRowChoice;
use rules::{FileFormat, Limits, SheetRow};
use serde::{Deserialize, Serialize};

/// Rows per chunk the worker sends as it reads: each decodes in a few
/// milliseconds, and the page has its first rows to map early.
pub const ROWS_PER_CHUNK: usize = 2_000;

/// What the page asks the worker to read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadRequest {
    pub file_name: String,
    /// The sheet the user chose, or `None` for the default sheet.
    pub sheet: Option<String>,
    pub limits: Limits,
    /// Where the header row is.
    pub header: HeaderRequest,
}

/// Which row of the sheet holds the column names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HeaderRequest {
    /// Find it (`rules::headers::find_header_row`): a title block above
    /// the table is skipped.
    Find,
    /// The first non-blank row at or below this line (1 = the first), as
    /// the user chose it.
    Line(u32),
}

/// Most rows offered to the user as the header row.
pub const HEADER_CHOICES: usize = 20;

/// A row the user may choose as the header row: its number and the start
/// of its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderCandidate {
    pub line: u32,
    /// Its filled cells' text joined by ", ", cut to about 80 characters.
    pub preview: String,
}

impl HeaderCandidate {
    /// Most characters of a row shown in its preview.
    const PREVIEW_CHARS: usize = 80;

    /// `row` as the header-row choice shows it.
    pub fn of(row: &SheetRow) -> HeaderCandidate {
        let mut preview = String::new();
        for text in row.cells.iter().map(|cell| cell.text().trim()).filter(|text| !text.is_empty()) {
            if !preview.is_empty() {
                preview.push_str(", ");
            }
            preview.push_str(text);
            if preview.chars().count() > Self::PREVIEW_CHARS {
                break;
            }
        }
        if preview.chars().count() > Self::PREVIEW_CHARS {
            preview = preview.chars().take(Self::PREVIEW_CHARS - 1).collect::<String>() + "…";
        }
        HeaderCandidate { line: row.line, preview }
    }
}

/// One message of a read, in the order the worker sends them as it reads:
/// the [`FileHead`] once the sheet is open and its header row fixed, the
/// rows in [`RowChunk`]s of at most [`ROWS_PER_CHUNK`] as soon as each is
/// full, then the [`FileEnd`]. The page maps and keys each chunk while the
/// worker reads the next. An error ends a read instead of the `FileEnd`:
/// what came before it is then to be dropped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReadPart {
    Head(FileHead),
    Rows(RowChunk),
    End(FileEnd),
}

/// What the worker knows of a file before its data rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileHead {
    pub file_name: String,
    pub file_size: u64,
    pub format: FileFormat,
    /// The sheets the user can choose from.
    pub sheet_names: Vec<String>,
    /// The sheet being read.
    pub sheet_name: String,
    /// The header row's number (1 = the first row).
    pub header_line: u32,
    pub headers: Vec<String>,
    /// How the header row was found (`None` when the user chose it).
    pub header_found: Option<HeaderRowChoice>,
    /// The first non-blank rows, any of which the user may choose as the
    /// header row instead (empty when the user chose it).
    pub header_candidates: Vec<HeaderCandidate>,
}

/// What the worker knows of a file once every row is read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEnd {
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
    pub blank_rows_skipped: u32,
    /// How many data rows came, in all the chunks.
    pub row_count: u32,
}

/// What the worker read, apart from the rows: its [`FileHead`] and
/// [`FileEnd`] together, as the import page keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRead {
    pub head: FileHead,
    pub end: FileEnd,
}

/// What the user sees when a read's parts could not be handed from the
/// worker to the page whole (the worker could not send one, or the page got
/// parts that do not make a read).
pub const NOT_PASSED_ON: &str = "The file was read but its contents could not be passed on. Please try again.";

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
        let part = ReadPart::Rows(vec![SheetRow {
            line: 2,
            cells: vec![Cell::Text("Zoë 🏠".into()), Cell::Error("#N/A".into()), Cell::Text(String::new())],
        }]);
        let bytes = encode(&part).unwrap();
        assert_eq!(decode::<ReadPart>(&bytes).unwrap(), part);
        assert!(decode::<ReadPart>(&bytes[..bytes.len() - 1]).is_err());
    }

    #[test]
    fn a_header_candidate_shows_the_start_of_its_filled_cells() {
        let row = SheetRow { line: 4, cells: vec![Cell::Text(" First Name ".into()), Cell::Text(String::new()), Cell::Text("Email".into())] };
        assert_eq!(HeaderCandidate::of(&row), HeaderCandidate { line: 4, preview: "First Name, Email".into() });
        let long = SheetRow { line: 1, cells: vec![Cell::Text("Report exported by Harbour Property Management for the quarter ending 30 June 2026 (all tenants)".into())] };
        let preview = HeaderCandidate::of(&long).preview;
        assert_eq!(preview.chars().count(), 80);
        assert!(preview.ends_with('…'));
    }
}
