//! What a workbook to write looks like: sheets of columns (header, width,
//! note, drop-down list, how the cells look) over rows of strings, and a
//! plain instructions sheet. Data only, so code that decides a layout (the
//! import's template, its error report) needs no writer;
//! `write::xlsx` (feature `write`) turns a layout into a file.
//!
//! Invariant: every value is a string and is written as one (never a
//! number, date or formula).

/// A workbook to write: its sheets, in tab order.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkbookLayout {
    pub sheets: Vec<SheetLayout>,
    /// Who the header notes are from (Excel shows it above each note).
    pub note_author: String,
}

/// One sheet of a [`WorkbookLayout`].
#[derive(Clone, Debug, PartialEq)]
pub enum SheetLayout {
    Table(TableSheet),
    Instructions(InstructionsSheet),
}

/// A sheet of columns under one header row. The header is bold on a tinted
/// background and stays in view when scrolling down.
#[derive(Clone, Debug, PartialEq)]
pub struct TableSheet {
    pub name: String,
    pub columns: Vec<Column>,
    /// The rows below the header, one string per column (`""` leaves the
    /// cell blank; strings past the last column are not written).
    pub rows: Vec<Vec<String>>,
    /// How many columns from the left also stay in view when scrolling
    /// sideways (0: none).
    pub frozen_columns: u16,
}

/// One column of a [`TableSheet`].
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub header: String,
    /// Width in characters.
    pub width: f64,
    /// A note on the header cell (Excel shows it on hover).
    pub note: Option<String>,
    /// Whether the whole column is formatted as text, so that Excel keeps
    /// what a user types there (leading zeros, long digit strings) instead
    /// of turning it into a number.
    pub text_format: bool,
    /// A list to choose the column's values from.
    pub drop_down: Option<DropDown>,
    pub style: CellStyle,
}

impl Column {
    /// A plain column: no note, no drop-down, general format.
    pub fn new(header: impl Into<String>, width: f64) -> Column {
        Column {
            header: header.into(),
            width,
            note: None,
            text_format: false,
            drop_down: None,
            style: CellStyle::Plain,
        }
    }
}

/// How the cells below a header look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellStyle {
    Plain,
    /// Sentences about a problem: wrapped, top-aligned, in red.
    Warning,
}

/// A drop-down list on a column's cells (every row below the header).
///
/// The values are written beside the workbook's instructions sheet's table
/// (so the workbook needs an [`InstructionsSheet`]), under `heading`, in a
/// column `list_width` characters wide. Typing a value that is not in the
/// list is allowed (the message only informs): the importer checks values.
#[derive(Clone, Debug, PartialEq)]
pub struct DropDown {
    pub heading: String,
    pub values: Vec<String>,
    pub list_width: f64,
    /// Shown when a cell of the column is selected.
    pub prompt: String,
    /// Shown when a typed value is not in the list.
    pub error_title: String,
    pub error_message: String,
}

/// A sheet that explains the others: a title, numbered steps ("Step 1",
/// "Step 2"…) and a two-column table under them; the drop-down lists of
/// the workbook's columns go to its right.
#[derive(Clone, Debug, PartialEq)]
pub struct InstructionsSheet {
    pub name: String,
    pub title: String,
    pub steps: Vec<String>,
    /// The table's two headings.
    pub table_headings: [String; 2],
    pub table: Vec<[String; 2]>,
}
