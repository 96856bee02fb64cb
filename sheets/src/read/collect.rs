//! The sink behind [`read_workbook`](super::read_workbook): every row kept,
//! in a [`Sheet`], with progress reported as rows arrive.

use std::ops::ControlFlow;

use super::rows::{RowSink, RowsRead};
use super::Workbook;
use crate::sheet::{Sheet, SheetRow};

/// Report progress every this many data rows.
const PROGRESS_EVERY: usize = 2_000;

/// Keeps every data row, calling `progress(rows so far)` every
/// [`PROGRESS_EVERY`] rows.
pub(crate) struct Collector<'p> {
    rows: Vec<SheetRow>,
    progress: &'p mut dyn FnMut(u32),
}

impl<'p> Collector<'p> {
    pub(crate) fn new(progress: &'p mut dyn FnMut(u32)) -> Collector<'p> {
        Collector {
            rows: Vec::new(),
            progress,
        }
    }

    /// The workbook read, with the rows kept; progress is reported once
    /// more, with the total.
    pub(crate) fn into_workbook(self, read: RowsRead) -> Workbook {
        (self.progress)(self.rows.len() as u32);
        Workbook {
            format: read.sheet.format,
            sheet_names: read.sheet.sheet_names,
            sheet: Sheet {
                name: read.sheet.name,
                header_line: read.header_line,
                headers: read.headers,
                rows: self.rows,
                blank_rows_skipped: read.blank_rows_skipped,
            },
        }
    }
}

impl RowSink for Collector<'_> {
    fn row(&mut self, row: SheetRow) -> ControlFlow<()> {
        self.rows.push(row);
        if self.rows.len().is_multiple_of(PROGRESS_EVERY) {
            (self.progress)(self.rows.len() as u32);
        }
        ControlFlow::Continue(())
    }
}
