//! Spreadsheets in and out: a file's bytes read into rows of text, and rows
//! of text written as a workbook. Knows nothing of contacts; the import's
//! rules (the `rules` crate) take these rows and give them meaning.
//!
//! Invariants: whatever the bytes, reading never panics on the server and
//! holds memory within [`Limits`] and the read's text budget (see `read`);
//! every refusal is a `ReadError` whose text is a plain sentence. Whatever
//! is written is text, never a formula. Nothing here knows what a contact
//! is (the refusals' sentences are the product's own wording, though).
//!
//! - [`sheet`]: what reading yields (header + text rows), the formats and the
//!   limits. No parsing code, so the browser's main thread can use them.
//! - [`size`]: sizes and counts as users read them, and the one sentence for
//!   a file over the size limit.
//! - [`read`] (feature `read`): bytes + file name → the chosen sheet's rows,
//!   with calamine for workbooks and the `csv` crate for CSV, each file
//!   checked before calamine sees it.
//! - [`layout`]: a workbook to write, described as data (sheets, columns,
//!   rows of strings), so that deciding a layout needs no writer.
//! - [`write`] (feature `write`): a layout as an xlsx file, a table as CSV;
//!   values are always text, never formulas.

pub mod layout;
#[cfg(feature = "read")]
pub mod read;
pub mod sheet;
pub mod size;
#[cfg(feature = "write")]
pub mod write;

pub use sheet::{Cell, FileFormat, Limits, Sheet, SheetRow};
