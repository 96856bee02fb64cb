//! xlsb: Excel binary workbooks (BIFF12 records in a zip package), read by
//! calamine's streaming cell reader, the chosen sheet only.
//!
//! Only the zip directory is checked before calamine runs (by the caller:
//! `zip_guard`). calamine trusts the records (it sizes a buffer from a
//! record's declared length, indexes short records); what a hostile file
//! makes it do is held by the sandbox it runs in (a child process on the
//! server, the worker in the browser), and a panic becomes a damaged file
//! where panics unwind.
//!
//! Known gaps in calamine's reader, not worked around: the "short" cell
//! records (`BrtShort*`, which some writers such as SheetJS use for every
//! cell after the first of a row) and formula cells whose cached value is
//! an error (`BrtFmlaError`) are skipped, so those cells read as blank.

use std::io::Cursor;

use calamine::{Reader, Xlsb};

use super::builder::{RowBuilder, TextBudget};
use super::cells::{catching_panics, value_ref};
use super::dates::DateSystem;
use super::error::ReadError;
use super::rows::{OpenedSheet, RowsRead};
use super::sheets::{choose, from_calamine};
use super::{Request, GRID_COLUMNS, GRID_ROWS};
use crate::sheet::FileFormat;

/// Reads the chosen sheet of the xlsb in `bytes`.
pub(crate) fn read(bytes: &[u8], request: Request<'_>) -> Result<RowsRead, ReadError> {
    let budget = TextBudget::new(request.limits);
    catching_panics("xlsb", move || {
        let mut xlsb: Xlsb<_> = Xlsb::new(Cursor::new(bytes))?;
        let listed = xlsb.sheets_metadata().to_vec();
        let infos = from_calamine(&listed);
        let (names, chosen) = choose(&infos, request.sheet)?;
        let name = listed[chosen.location].name.clone();
        let system = if xlsb.has_1904_epoch() {
            DateSystem::Excel1904
        } else {
            DateSystem::Excel1900
        };
        let opened = OpenedSheet {
            format: FileFormat::Xlsb,
            sheet_names: names,
            name: chosen.name.clone(),
        };
        let mut builder = RowBuilder::new(opened, budget, request);
        let mut cells = xlsb.worksheet_cells_reader(&name)?;
        while let Some(cell) = cells.next_cell()? {
            let (row, col) = cell.get_position();
            if row >= GRID_ROWS || col >= GRID_COLUMNS {
                return Err(ReadError::damaged(format!(
                    "xlsb: a cell at row {row}, column {col}"
                )));
            }
            builder.push(row, col, value_ref(cell.get_value(), system))?;
            if builder.stopped() {
                break;
            }
        }
        drop(cells);
        builder.finish()
    })
}
