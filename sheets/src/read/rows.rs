//! The streaming side of reading: the caller's [`RowSink`] gets the sheet's
//! rows one by one as they are read, so that it can check and send them in
//! chunks while the file is still being read, and can choose the header
//! row among the first non-blank rows ([`HeaderRow::Choose`]).
//!
//! A sink rather than an iterator: calamine's cell readers borrow the
//! workbook, and the whole read runs inside the net that turns a panic in
//! calamine into an error, so the rows cannot outlive one call.
//!
//! Invariant: rows reach the sink in sheet order, each exactly as wide as
//! the header, never blank, every limit checked before a row is handed on;
//! what the reader holds meanwhile does not grow with the sheet (the
//! candidate rows of [`HeaderRow::Choose`] at most, charged to the read's
//! text budget).

use std::ops::ControlFlow;

use serde::{Deserialize, Serialize};

use crate::sheet::{FileFormat, SheetRow};

/// Most candidate rows a sink can be shown before it chooses the header.
pub const MAX_HEADER_CANDIDATES: u32 = 1_000;

/// Which row is the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HeaderRow {
    /// The first non-blank row at or below this line (as Excel numbers
    /// rows: 1 is the first). Rows above the line are skipped unread.
    /// `From(1)`, the first non-blank row, is the default, and what
    /// `read_workbook` reads.
    From(u32),
    /// The sink chooses it ([`RowSink::choose_header`]) among the first
    /// `candidates` non-blank rows (at least 1, at most
    /// [`MAX_HEADER_CANDIDATES`]), or all of them if the sheet has fewer.
    /// To read again with a header the user picked, use `From` its line.
    Choose { candidates: u32 },
}

impl HeaderRow {
    /// The first non-blank row.
    pub const FIRST: HeaderRow = HeaderRow::From(1);
}

impl Default for HeaderRow {
    fn default() -> Self {
        HeaderRow::FIRST
    }
}

/// The workbook as opened, before any row: told to the sink first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenedSheet {
    /// The format the bytes are in (by content, not by name).
    pub format: FileFormat,
    /// The sheets the user can choose from, in workbook order: every
    /// worksheet except very hidden ones (chart sheets are left out). For
    /// CSV, the file name.
    pub sheet_names: Vec<String>,
    /// The sheet being read.
    pub name: String,
}

/// Where the rows of a read go, as they are read.
///
/// The calls come in this order: [`opened`](RowSink::opened) once;
/// [`choose_header`](RowSink::choose_header) once with
/// [`HeaderRow::Choose`] (never with `From`, nor when every row is blank);
/// [`header`](RowSink::header) once; then [`row`](RowSink::row) for each
/// data row. After an error, no call follows; the rows already handed on
/// stay the sink's.
pub trait RowSink {
    /// The workbook is open and the sheet chosen; no row is read yet.
    fn opened(&mut self, sheet: &OpenedSheet) {
        let _ = sheet;
    }

    /// With [`HeaderRow::Choose`]: the first non-blank rows, in order, each
    /// as wide as its right-most non-blank cell (at most
    /// `Limits::max_columns` cells). Returns the index of the header among
    /// them (an index past the end means the last). The rows below the
    /// chosen one then come to [`row`](RowSink::row) as data rows; those
    /// above are dropped.
    fn choose_header(&mut self, candidates: &[SheetRow]) -> usize {
        let _ = candidates;
        0
    }

    /// The header row, once fixed: its line and its cells' text, trimmed,
    /// as wide as its right-most non-blank cell. `Break` ends the read
    /// there.
    fn header(&mut self, line: u32, headers: &[String]) -> ControlFlow<()> {
        let _ = (line, headers);
        ControlFlow::Continue(())
    }

    /// One data row below the header: not blank, one cell per header
    /// column. `Break` ends the read there (not an error).
    fn row(&mut self, row: SheetRow) -> ControlFlow<()>;
}

/// What a read did, once it ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowsRead {
    /// As told to [`RowSink::opened`].
    pub sheet: OpenedSheet,
    /// The header row's number (1 = the sheet's first row).
    pub header_line: u32,
    /// The header cells' text, trimmed, in column order.
    pub headers: Vec<String>,
    /// How many data rows went to [`RowSink::row`].
    pub rows: u32,
    /// How many all-blank rows between the header and the last data row
    /// were skipped (they are not errors).
    pub blank_rows_skipped: u32,
    /// `false` when the sink ended the read early (`ControlFlow::Break`).
    pub complete: bool,
}
