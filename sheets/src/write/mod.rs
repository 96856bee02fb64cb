//! Writing spreadsheets (feature `write`): a [`WorkbookLayout`] as an xlsx
//! file (rust_xlsxwriter), and a [`TableSheet`] as CSV.
//!
//! Invariant: every value is written as a typed string (never a number,
//! date or formula), so what a user typed comes back exactly, leading zeros
//! and all, and a value such as `=HYPERLINK(…)` stays inert text; the CSV
//! neutralises values a spreadsheet would run as formulas ([`neutralise`]),
//! and the reader undoes that.
//!
//! [`WorkbookLayout`]: crate::layout::WorkbookLayout
//! [`TableSheet`]: crate::layout::TableSheet

mod csv;
mod xlsx;

pub use csv::{csv, neutralise};
pub use xlsx::xlsx;

/// Writing a workbook failed (a bug or a layout the writer cannot write,
/// never the user's data).
#[derive(Debug, thiserror::Error)]
#[error("could not write the workbook: {0}")]
pub struct WriteError(String);

impl From<rust_xlsxwriter::XlsxError> for WriteError {
    fn from(error: rust_xlsxwriter::XlsxError) -> Self {
        WriteError(error.to_string())
    }
}
