//! Turns a stream of cells, in row order, into a [`Sheet`]: finds the header
//! row, keeps only the header's columns, skips blank rows, and enforces the
//! row, column and text limits as the cells arrive, so memory never depends
//! on where a stray cell sits (a cell in XFD1048576 costs nothing).

use super::error::ReadError;
use super::value::Value;
use crate::sheet::{Cell, Limits, Sheet, SheetRow};

/// Report progress every this many data rows.
const PROGRESS_EVERY: usize = 2_000;

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

/// The header row, once found.
struct Header {
    line: u32,
    texts: Vec<String>,
}

/// Collects cells into a [`Sheet`]. Cells must come row by row (rows in
/// ascending order; cells within a row in any order).
pub(crate) struct SheetBuilder<'p> {
    name: String,
    limits: Limits,
    budget: TextBudget,
    progress: &'p mut dyn FnMut(u32),
    /// The row (0-based) whose cells are being collected.
    row: Option<u32>,
    header: Option<Header>,
    /// Header search: the current row's non-blank cells left of the column
    /// limit (by column), and one past its right-most non-blank column.
    candidate: Vec<Option<String>>,
    candidate_width: u32,
    /// Data: the current row's cells (allocated at its first value).
    current: Vec<Cell>,
    rows: Vec<SheetRow>,
    last_line: u32,
    blank_rows_skipped: u32,
}

impl<'p> SheetBuilder<'p> {
    /// A builder for the sheet called `name`.
    pub(crate) fn new(
        name: &str,
        limits: &Limits,
        budget: TextBudget,
        progress: &'p mut dyn FnMut(u32),
    ) -> SheetBuilder<'p> {
        SheetBuilder {
            name: name.to_string(),
            limits: *limits,
            budget,
            progress,
            row: None,
            header: None,
            candidate: Vec::new(),
            candidate_width: 0,
            current: Vec::new(),
            rows: Vec::new(),
            last_line: 0,
            blank_rows_skipped: 0,
        }
    }

    /// Whether a value in column `col` (0-based) can matter: once the header
    /// is known, only its columns do. Readers use this to skip decoding.
    pub(crate) fn wants(&self, col: u32) -> bool {
        match &self.header {
            Some(header) => (col as usize) < header.texts.len(),
            None => true,
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
        self.row = Some(row);
        if matches!(value, Value::Empty) || !self.wants(col) {
            return Ok(());
        }
        match &self.header {
            None => {
                if col >= self.limits.max_columns {
                    // Only its position matters: the row is too wide if it
                    // turns out to be the header.
                    if !value.is_blank() {
                        self.candidate_width = self.candidate_width.max(col.saturating_add(1));
                    }
                    return Ok(());
                }
                let cell = value.into_cell();
                if cell.is_blank() {
                    return Ok(());
                }
                self.budget.charge(cell.text().len())?;
                self.candidate_width = self.candidate_width.max(col + 1);
                let slot = col as usize;
                if self.candidate.len() <= slot {
                    self.candidate.resize(slot + 1, None);
                }
                self.candidate[slot] = Some(cell.text().to_string());
            }
            Some(header) => {
                let width = header.texts.len();
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
            }
        }
        Ok(())
    }

    /// Ends the current row: it becomes the header, a data row, or nothing.
    fn end_row(&mut self) -> Result<(), ReadError> {
        let Some(row) = self.row.take() else {
            return Ok(());
        };
        let line = row
            .checked_add(1)
            .ok_or_else(|| ReadError::damaged("row number out of range"))?;
        if self.header.is_none() {
            if self.candidate_width == 0 {
                return Ok(());
            }
            if self.candidate_width > self.limits.max_columns {
                return Err(ReadError::TooManyColumns {
                    sheet: self.name.clone(),
                    columns: self.candidate_width,
                    max: self.limits.max_columns,
                });
            }
            let mut texts: Vec<String> = std::mem::take(&mut self.candidate)
                .into_iter()
                .map(Option::unwrap_or_default)
                .collect();
            texts.resize(self.candidate_width as usize, String::new());
            self.header = Some(Header { line, texts });
            self.last_line = line;
            return Ok(());
        }
        if self.current.is_empty() {
            return Ok(());
        }
        if self.rows.len() >= self.limits.max_rows as usize {
            return Err(ReadError::TooManyRows {
                sheet: self.name.clone(),
                max: self.limits.max_rows,
            });
        }
        self.blank_rows_skipped = self
            .blank_rows_skipped
            .saturating_add(line.saturating_sub(self.last_line).saturating_sub(1));
        self.last_line = line;
        let cells = std::mem::take(&mut self.current);
        self.rows.push(SheetRow { line, cells });
        if self.rows.len().is_multiple_of(PROGRESS_EVERY) {
            (self.progress)(self.rows.len() as u32);
        }
        Ok(())
    }

    /// The sheet, or [`ReadError::NoHeader`] when every row was blank.
    pub(crate) fn finish(mut self) -> Result<Sheet, ReadError> {
        self.end_row()?;
        let Some(header) = self.header else {
            return Err(ReadError::NoHeader { sheet: self.name });
        };
        (self.progress)(self.rows.len() as u32);
        Ok(Sheet {
            name: self.name,
            header_line: header.line,
            headers: header.texts,
            rows: self.rows,
            blank_rows_skipped: self.blank_rows_skipped,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn text(s: &str) -> Value<'_> {
        Value::Text(Cow::Borrowed(s))
    }

    fn build(cells: &[(u32, u32, &str)], limits: &Limits) -> Result<Sheet, ReadError> {
        let mut progress = |_| {};
        let mut builder =
            SheetBuilder::new("Contacts", limits, TextBudget::new(limits), &mut progress);
        for (row, col, value) in cells {
            builder.push(*row, *col, text(value))?;
        }
        builder.finish()
    }

    #[test]
    fn the_first_non_blank_row_is_the_header() {
        let sheet = build(
            &[
                (0, 0, "  "),
                (2, 0, " Name "),
                (2, 1, "Email"),
                (3, 0, "Ann"),
                (6, 1, "bo@x.io"),
            ],
            &Limits::DEFAULT,
        )
        .unwrap();
        assert_eq!(sheet.header_line, 3);
        assert_eq!(sheet.headers, vec!["Name", "Email"]);
        assert_eq!(sheet.rows.len(), 2);
        assert_eq!(sheet.rows[0].line, 4);
        assert_eq!(sheet.rows[1].line, 7);
        assert_eq!(
            sheet.rows[1].cells,
            vec![Cell::Text(String::new()), Cell::Text("bo@x.io".into())]
        );
        assert_eq!(sheet.blank_rows_skipped, 2);
    }

    #[test]
    fn cells_right_of_the_last_header_are_ignored() {
        let sheet = build(
            &[
                (0, 0, "Name"),
                (1, 5, "stray"),
                (2, 0, "Ann"),
                (2, 16_383, "far"),
            ],
            &Limits::DEFAULT,
        )
        .unwrap();
        assert_eq!(sheet.headers, vec!["Name"]);
        assert_eq!(sheet.rows.len(), 1);
        assert_eq!(sheet.rows[0].line, 3);
        assert_eq!(sheet.blank_rows_skipped, 1);
    }

    #[test]
    fn limits_are_enforced_as_cells_arrive() {
        let limits = Limits {
            max_rows: 2,
            max_columns: 3,
            ..Limits::DEFAULT
        };
        let too_wide = build(&[(0, 0, "A"), (0, 3, "D")], &limits).unwrap_err();
        assert_eq!(
            too_wide,
            ReadError::TooManyColumns {
                sheet: "Contacts".into(),
                columns: 4,
                max: 3
            }
        );
        let too_long = build(
            &[(0, 0, "A"), (1, 0, "1"), (2, 0, "2"), (3, 0, "3")],
            &limits,
        )
        .unwrap_err();
        assert_eq!(
            too_long,
            ReadError::TooManyRows {
                sheet: "Contacts".into(),
                max: 2
            }
        );
        let ok = build(&[(0, 0, "A"), (1, 0, "1"), (2, 0, "2")], &limits).unwrap();
        assert_eq!(ok.rows.len(), 2);
    }

    #[test]
    fn no_header_and_out_of_order_rows_are_errors() {
        assert_eq!(
            build(&[], &Limits::DEFAULT).unwrap_err(),
            ReadError::NoHeader {
                sheet: "Contacts".into()
            }
        );
        assert!(matches!(
            build(&[(3, 0, "A"), (1, 0, "B")], &Limits::DEFAULT),
            Err(ReadError::Damaged { .. })
        ));
    }

    #[test]
    fn header_only_gives_no_rows() {
        let sheet = build(&[(0, 0, "Name")], &Limits::DEFAULT).unwrap();
        assert!(sheet.rows.is_empty());
    }

    #[test]
    fn the_text_budget_is_enforced() {
        let limits = Limits {
            max_inflated_bytes: 10,
            ..Limits::DEFAULT
        };
        let err = build(&[(0, 0, "Name"), (1, 0, "a long enough value")], &limits).unwrap_err();
        assert_eq!(err, ReadError::TooMuchText { max: 10 });
    }
}
