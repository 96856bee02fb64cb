//! What reading a spreadsheet yields: a header row and data rows of text cells.
//!
//! These types carry no parsing code, so the browser's main thread can use
//! them without the spreadsheet readers (which live behind the `read` feature).

use serde::{Deserialize, Serialize};

/// One cell as read from the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cell {
    /// The cell's text, trimmed; `""` for an empty cell. Numbers are already
    /// turned into the text Excel shows (no `.0`, no exponent).
    Text(String),
    /// The cell holds a spreadsheet error; the text is the error as Excel
    /// shows it, e.g. `#N/A`.
    Error(String),
}

impl Cell {
    /// The text to show and to validate: the error code for an error cell.
    pub fn text(&self) -> &str {
        match self {
            Cell::Text(text) | Cell::Error(text) => text,
        }
    }

    /// Whether the cell is empty (an error cell never is).
    pub fn is_blank(&self) -> bool {
        matches!(self, Cell::Text(text) if text.is_empty())
    }
}

/// One non-blank data row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetRow {
    /// The row number as Excel shows it (the first row of the sheet is 1).
    pub line: u32,
    /// The cells, one per header column (missing trailing cells are blank).
    pub cells: Vec<Cell>,
}

/// The sheet chosen for import, read into text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sheet {
    /// The sheet's name as the workbook shows it (the file name for CSV).
    pub name: String,
    /// The row number of the header row (the first non-blank row).
    pub header_line: u32,
    /// The header cells' text, trimmed, in column order.
    pub headers: Vec<String>,
    /// The data rows below the header, all-blank rows left out.
    pub rows: Vec<SheetRow>,
    /// How many all-blank rows between the header and the last data row were
    /// skipped (they are not errors).
    pub blank_rows_skipped: u32,
}

/// The readable file formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileFormat {
    Xlsx,
    Xlsm,
    Xlsb,
    Xls,
    Ods,
    Csv,
    /// vCard (`.vcf`): contact cards, read as one row per card.
    Vcf,
}

impl FileFormat {
    /// Every readable format.
    pub const ALL: [FileFormat; 7] = [
        FileFormat::Xlsx,
        FileFormat::Xlsm,
        FileFormat::Xlsb,
        FileFormat::Xls,
        FileFormat::Ods,
        FileFormat::Csv,
        FileFormat::Vcf,
    ];

    /// The usual file extension, without the dot.
    pub const fn extension(self) -> &'static str {
        match self {
            FileFormat::Xlsx => "xlsx",
            FileFormat::Xlsm => "xlsm",
            FileFormat::Xlsb => "xlsb",
            FileFormat::Xls => "xls",
            FileFormat::Ods => "ods",
            FileFormat::Csv => "csv",
            FileFormat::Vcf => "vcf",
        }
    }

    /// The format a file name's extension names, in any case.
    pub fn from_file_name(file_name: &str) -> Option<FileFormat> {
        let (_, extension) = file_name.rsplit_once('.')?;
        FileFormat::ALL
            .into_iter()
            .find(|format| format.extension().eq_ignore_ascii_case(extension))
    }
}

/// Size limits applied while reading, so a hostile file cannot exhaust memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Most data rows (the header row not counted).
    pub max_rows: u32,
    /// Most columns in the header row.
    pub max_columns: u32,
    /// Most bytes a workbook may inflate to (all of its zip entries together).
    pub max_inflated_bytes: u64,
}

impl Limits {
    /// The spec's defaults: 25 MB, 200,000 rows, 100 columns, 500 MB inflated.
    pub const DEFAULT: Limits = Limits {
        max_file_bytes: 25 * 1024 * 1024,
        max_rows: 200_000,
        max_columns: 100,
        max_inflated_bytes: 500 * 1024 * 1024,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_known_by_extension_in_any_case() {
        assert_eq!(FileFormat::from_file_name("a.XLSX"), Some(FileFormat::Xlsx));
        assert_eq!(FileFormat::from_file_name("contacts.2024.csv"), Some(FileFormat::Csv));
        assert_eq!(FileFormat::from_file_name("report.pdf"), None);
        assert_eq!(FileFormat::from_file_name("noextension"), None);
    }
}
