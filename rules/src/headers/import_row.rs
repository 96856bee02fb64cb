//! The sheet's rows as import rows: each field's value read through the
//! mapping.
//!
//! Invariant: an [`ImportRow`] made from a sheet holds trimmed text only for
//! the fields the mapping provides (every other field is `""`), and
//! `error_cells` names exactly the fields whose value came from a cell that
//! held a spreadsheet error.

use serde::{Deserialize, Serialize};

use super::plan::RowValues;
use super::{HeaderMapping, SheetRow};
use crate::contact::ContactFields;
use crate::field::{Field, FieldSet};

impl HeaderMapping {
    /// The import rows of `rows`: each field's value read through the
    /// mapping (trimmed). Rows whose used cells are all blank are left out
    /// (there is nothing to import from them, like an all-blank row).
    pub fn import_rows(&self, rows: &[SheetRow]) -> Vec<ImportRow> {
        rows.iter().filter_map(|row| self.import_row(row)).collect()
    }

    /// As [`HeaderMapping::import_rows`], taking the rows (each is dropped
    /// once read, so the sheet and the import rows are not both held whole).
    pub fn into_import_rows(&self, rows: Vec<SheetRow>) -> Vec<ImportRow> {
        rows.into_iter()
            .filter_map(|row| self.import_row(&row))
            .collect()
    }

    /// One row, or `None` when every used cell is blank.
    pub fn import_row(&self, row: &SheetRow) -> Option<ImportRow> {
        ImportRow::read(row.line, self.plan.read_row(&row.cells, &mut ()))
    }
}

impl ImportRow {
    /// The import row of sheet line `line` read as `read`, or `None` when
    /// every used cell is blank.
    pub(super) fn read(line: u32, read: RowValues) -> Option<ImportRow> {
        let row = ImportRow {
            line,
            values: read.values,
            error_cells: read.error_cells,
        };
        (!row.is_blank()).then_some(row)
    }
}

/// Which fields an import's file provides, and what its headers call them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportColumns {
    /// The fields the file has a column for. Only these are changed by the
    /// import (plus any cell the user typed into by hand).
    pub present: FieldSet,
    /// Per field (indexed by `Field::index`), the header as written in the
    /// file; the template header when the file has no such column.
    pub headers: [String; Field::COUNT],
    /// The headers of the file's columns whose data (some or all of it) was
    /// not imported, for the import's history. Empty in imports stored before
    /// it was recorded.
    #[serde(default)]
    pub left_out: Vec<String>,
}

impl ImportColumns {
    /// `present` with the template's headers, as a file made from the
    /// template would have.
    pub fn from_present(present: FieldSet) -> ImportColumns {
        ImportColumns {
            present,
            headers: Field::ALL.map(|field| field.header().to_string()),
            left_out: Vec::new(),
        }
    }

    /// Every template column, with the template's headers.
    pub fn template() -> ImportColumns {
        ImportColumns::from_present(FieldSet::all())
    }

    /// The header the user's file uses for `field` (the template's if absent).
    pub fn header(&self, field: Field) -> &str {
        &self.headers[field.index()]
    }
}

/// One data row of the file, mapped to fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    /// The row number as Excel shows it.
    pub line: u32,
    /// The cell text per field, trimmed; `""` when blank or when the file has
    /// no such column. For an error cell, the error text (e.g. `#N/A`).
    pub values: ContactFields,
    /// The fields whose cell holds a spreadsheet error.
    pub error_cells: FieldSet,
}

impl ImportRow {
    /// A row with the given values and no error cells.
    pub fn new(line: u32, values: ContactFields) -> ImportRow {
        ImportRow {
            line,
            values,
            error_cells: FieldSet::EMPTY,
        }
    }

    /// Whether every value is blank.
    pub fn is_blank(&self) -> bool {
        self.values.is_blank()
    }
}
