//! Turns a stream of cells, in row order, into rows for the caller's
//! [`RowSink`]: finds the header row (or lets the sink choose it), keeps
//! only the header's columns, skips blank rows, and enforces the row,
//! column and text limits as the cells arrive, so memory never depends on
//! where a stray cell sits (a cell in XFD1048576 costs nothing) nor on how
//! many rows the sheet has.

use std::ops::ControlFlow;

use super::error::ReadError;
use super::rows::{HeaderRow, OpenedSheet, RowSink, RowsRead, MAX_HEADER_CANDIDATES};
use super::value::Value;
use super::Request;
use crate::sheet::{Cell, Limits, SheetRow};

/// The most memory (in bytes) a read may hold for the workbook: what the
/// pre-flight checks estimate calamine will hold (shared strings, cell
/// formats, dense cell grids) and the text of the sheet's cells, together.
/// A small file whose cells all repeat one long shared string, or whose
/// few cells span a huge grid, cannot multiply memory past this.
pub const MAX_TEXT_BYTES: u64 = 256 * 1024 * 1024;

/// Counts the memory a read holds against its budget.
#[derive(Debug)]
pub(crate) struct TextBudget {
    used: u64,
    max: u64,
}

impl TextBudget {
    /// The budget for `limits`: [`MAX_TEXT_BYTES`], or the inflated-size
    /// limit when that is smaller.
    pub(crate) fn new(limits: &Limits) -> TextBudget {
        TextBudget {
            used: 0,
            max: MAX_TEXT_BYTES.min(limits.max_inflated_bytes),
        }
    }

    /// Counts `bytes` of text more, failing once the budget is spent.
    pub(crate) fn charge(&mut self, bytes: usize) -> Result<(), ReadError> {
        self.used = self.used.saturating_add(bytes as u64);
        if self.used > self.max {
            Err(ReadError::TooMuchText { max: self.max })
        } else {
            Ok(())
        }
    }

    /// Counts `bytes` that calamine will hold for the workbook (as the
    /// pre-flight checks estimate them), failing once the budget is spent:
    /// the file unpacks to more than can be read.
    pub(crate) fn charge_parsed(&mut self, bytes: u64) -> Result<(), ReadError> {
        self.used = self.used.saturating_add(bytes);
        if self.used > self.max {
            Err(ReadError::UnpacksTooLarge { max: self.max })
        } else {
            Ok(())
        }
    }

    /// Counts shared strings that calamine will hold (as the pre-flight
    /// checks estimate them), failing like the sheet's text does.
    pub(crate) fn charge_text(&mut self, bytes: u64) -> Result<(), ReadError> {
        self.used = self.used.saturating_add(bytes);
        if self.used > self.max {
            Err(ReadError::TooMuchText { max: self.max })
        } else {
            Ok(())
        }
    }
}

/// Where the builder is in the sheet.
enum Stage {
    /// Looking for the first non-blank row at or after `from` (0-based).
    Finding { from: u32 },
    /// Collecting the first non-blank rows for the sink to choose from,
    /// and each one's full width (cells past the column limit are not
    /// kept, but count for the width).
    Choosing {
        wanted: usize,
        candidates: Vec<SheetRow>,
        widths: Vec<u32>,
    },
    /// The header is fixed: rows are data, `width` cells each.
    Data { width: usize },
}

/// Collects cells into rows and hands them to the sink. Cells must come
/// row by row (rows in ascending order; cells within a row in any order).
pub(crate) struct RowBuilder<'s> {
    opened: OpenedSheet,
    limits: Limits,
    budget: TextBudget,
    sink: &'s mut dyn RowSink,
    stage: Stage,
    /// The row (0-based) whose cells are being collected.
    row: Option<u32>,
    /// The current row's cells: before the header, its non-blank cells
    /// left of the column limit; after, one per header column (allocated
    /// at its first value).
    current: Vec<Cell>,
    /// Before the header: one past the current row's right-most non-blank
    /// column, wherever it is.
    current_width: u32,
    header_line: u32,
    headers: Vec<String>,
    rows: u32,
    last_line: u32,
    blank_rows_skipped: u32,
    /// The sink said `Break`: nothing more is read.
    stopped: bool,
}

impl<'s> RowBuilder<'s> {
    /// A builder for the sheet `opened`, which it tells the sink about.
    pub(crate) fn new(
        opened: OpenedSheet,
        budget: TextBudget,
        request: Request<'s>,
    ) -> RowBuilder<'s> {
        let stage = match request.header {
            HeaderRow::From(line) => Stage::Finding {
                from: line.saturating_sub(1),
            },
            HeaderRow::Choose { candidates } => Stage::Choosing {
                wanted: candidates.clamp(1, MAX_HEADER_CANDIDATES) as usize,
                candidates: Vec::new(),
                widths: Vec::new(),
            },
        };
        request.sink.opened(&opened);
        RowBuilder {
            opened,
            limits: *request.limits,
            budget,
            sink: request.sink,
            stage,
            row: None,
            current: Vec::new(),
            current_width: 0,
            header_line: 0,
            headers: Vec::new(),
            rows: 0,
            last_line: 0,
            blank_rows_skipped: 0,
            stopped: false,
        }
    }

    /// Whether the sink has ended the read: readers stop feeding cells.
    pub(crate) fn stopped(&self) -> bool {
        self.stopped
    }

    /// Whether a value in column `col` (0-based) can matter: once the header
    /// is known, only its columns do. Readers use this to skip decoding.
    pub(crate) fn wants(&self, col: u32) -> bool {
        match self.stage {
            _ if self.stopped => false,
            Stage::Data { width } => (col as usize) < width,
            Stage::Finding { .. } | Stage::Choosing { .. } => true,
        }
    }

    /// Adds the cell at (`row`, `col`), both 0-based.
    pub(crate) fn push(&mut self, row: u32, col: u32, value: Value<'_>) -> Result<(), ReadError> {
        match self.row {
            Some(current) if row < current => {
                return Err(ReadError::damaged(format!(
                    "row {} comes after row {}",
                    u64::from(row) + 1,
                    u64::from(current) + 1
                )))
            }
            Some(current) if row > current => self.end_row()?,
            _ => {}
        }
        if self.stopped {
            return Ok(());
        }
        self.row = Some(row);
        if matches!(value, Value::Empty) || !self.wants(col) {
            return Ok(());
        }
        match self.stage {
            Stage::Finding { from } if row < from => Ok(()),
            Stage::Finding { .. } | Stage::Choosing { .. } => {
                if col >= self.limits.max_columns {
                    // Only its position matters: the row is too wide if it
                    // turns out to be the header.
                    if !value.is_blank() {
                        self.current_width = self.current_width.max(col.saturating_add(1));
                    }
                    return Ok(());
                }
                let cell = value.into_cell();
                if cell.is_blank() {
                    return Ok(());
                }
                self.budget.charge(cell.text().len())?;
                self.current_width = self.current_width.max(col + 1);
                let slot = col as usize;
                if self.current.len() <= slot {
                    self.current.resize(slot + 1, Cell::Text(String::new()));
                }
                self.current[slot] = cell;
                Ok(())
            }
            Stage::Data { width } => {
                let cell = value.into_cell();
                if cell.is_blank() {
                    return Ok(());
                }
                self.budget.charge(cell.text().len())?;
                if self.current.is_empty() {
                    self.current = vec![Cell::Text(String::new()); width];
                }
                if let Some(slot) = self.current.get_mut(col as usize) {
                    *slot = cell;
                }
                Ok(())
            }
        }
    }

    /// Ends the current row: it becomes the header, a candidate, a data
    /// row, or nothing.
    fn end_row(&mut self) -> Result<(), ReadError> {
        let Some(row) = self.row.take() else {
            return Ok(());
        };
        let line = row
            .checked_add(1)
            .ok_or_else(|| ReadError::damaged("row number out of range"))?;
        let cells = std::mem::take(&mut self.current);
        let width = std::mem::replace(&mut self.current_width, 0);
        match &mut self.stage {
            Stage::Finding { .. } => {
                if width > 0 {
                    self.fix_header(SheetRow { line, cells }, width)?;
                }
                Ok(())
            }
            Stage::Choosing {
                wanted,
                candidates,
                widths,
            } => {
                if width > 0 {
                    candidates.push(SheetRow { line, cells });
                    widths.push(width);
                    if candidates.len() >= *wanted {
                        self.choose()?;
                    }
                }
                Ok(())
            }
            Stage::Data { .. } => {
                if cells.is_empty() {
                    return Ok(());
                }
                self.data_row(SheetRow { line, cells })
            }
        }
    }

    /// Lets the sink choose the header among the candidates, then hands on
    /// the candidates below it as data rows.
    fn choose(&mut self) -> Result<(), ReadError> {
        let Stage::Choosing {
            candidates, widths, ..
        } = std::mem::replace(&mut self.stage, Stage::Data { width: 0 })
        else {
            return Ok(());
        };
        if candidates.is_empty() {
            return Err(ReadError::NoHeader {
                sheet: self.opened.name.clone(),
            });
        }
        let chosen = self
            .sink
            .choose_header(&candidates)
            .min(candidates.len() - 1);
        let mut below = candidates.into_iter().skip(chosen);
        let Some(header) = below.next() else {
            return Ok(());
        };
        self.fix_header(header, widths[chosen])?;
        for mut row in below {
            if self.stopped {
                break;
            }
            let Stage::Data { width } = self.stage else {
                break;
            };
            row.cells.truncate(width);
            if row.cells.iter().all(Cell::is_blank) {
                continue;
            }
            row.cells.resize(width, Cell::Text(String::new()));
            self.data_row(row)?;
        }
        Ok(())
    }

    /// Makes `row` (`width` columns wide, counting cells past the limit)
    /// the header.
    fn fix_header(&mut self, row: SheetRow, width: u32) -> Result<(), ReadError> {
        if width > self.limits.max_columns {
            return Err(ReadError::TooManyColumns {
                sheet: self.opened.name.clone(),
                columns: width,
                max: self.limits.max_columns,
            });
        }
        let mut texts: Vec<String> = row
            .cells
            .into_iter()
            .map(|cell| match cell {
                Cell::Text(text) | Cell::Error(text) => text,
            })
            .collect();
        texts.resize(width as usize, String::new());
        self.stage = Stage::Data { width: texts.len() };
        self.header_line = row.line;
        self.last_line = row.line;
        if self.sink.header(row.line, &texts).is_break() {
            self.stopped = true;
        }
        self.headers = texts;
        Ok(())
    }

    /// Hands on one non-blank data row.
    fn data_row(&mut self, row: SheetRow) -> Result<(), ReadError> {
        if self.rows >= self.limits.max_rows {
            return Err(ReadError::TooManyRows {
                sheet: self.opened.name.clone(),
                max: self.limits.max_rows,
            });
        }
        self.blank_rows_skipped = self
            .blank_rows_skipped
            .saturating_add(row.line.saturating_sub(self.last_line).saturating_sub(1));
        self.last_line = row.line;
        self.rows += 1;
        if let ControlFlow::Break(()) = self.sink.row(row) {
            self.stopped = true;
        }
        Ok(())
    }

    /// What the read did, or [`ReadError::NoHeader`] when every row was
    /// blank.
    pub(crate) fn finish(mut self) -> Result<RowsRead, ReadError> {
        if !self.stopped {
            self.end_row()?;
        }
        match self.stage {
            Stage::Finding { .. } => {
                return Err(ReadError::NoHeader {
                    sheet: self.opened.name,
                })
            }
            Stage::Choosing { .. } => self.choose()?,
            Stage::Data { .. } => {}
        }
        Ok(RowsRead {
            sheet: self.opened,
            header_line: self.header_line,
            headers: self.headers,
            rows: self.rows,
            blank_rows_skipped: self.blank_rows_skipped,
            complete: !self.stopped,
        })
    }
}

/// The sheet opened as `name`, for tests.
#[cfg(test)]
pub(crate) fn opened(name: &str) -> OpenedSheet {
    OpenedSheet {
        format: crate::sheet::FileFormat::Csv,
        sheet_names: vec![name.to_string()],
        name: name.to_string(),
    }
}

/// What `feed` gives a builder for the sheet `name`, collected as
/// `read_workbook` collects it, for tests.
#[cfg(test)]
pub(crate) fn collect_sheet(
    name: &str,
    limits: &Limits,
    header: HeaderRow,
    feed: impl FnOnce(&mut RowBuilder<'_>) -> Result<(), ReadError>,
) -> Result<crate::sheet::Sheet, ReadError> {
    let mut progress = |_| {};
    let mut collector = super::collect::Collector::new(&mut progress);
    let request = Request {
        sheet: None,
        header,
        limits,
        sink: &mut collector,
    };
    let mut builder = RowBuilder::new(opened(name), TextBudget::new(limits), request);
    feed(&mut builder)?;
    let read = builder.finish()?;
    Ok(collector.into_workbook(read).sheet)
}

#[cfg(test)]
mod tests;
