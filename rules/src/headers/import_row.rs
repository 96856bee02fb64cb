//! The sheet's rows as import rows: each used column's cell under its field.
//!
//! Invariant: an [`ImportRow`] made from a sheet holds trimmed text only for
//! the fields the mapping uses (every other field is `""`), and `error_cells`
//! names exactly the used cells that held a spreadsheet error.

use serde::{Deserialize, Serialize};

use super::HeaderMapping;
use crate::contact::ContactFields;
use crate::field::{Field, FieldSet};
use crate::{Cell, SheetRow};
use crate::validate::clean;

impl HeaderMapping {
    /// The import rows of `rows`: each used column's cell, trimmed, under its
    /// field. Rows whose used cells are all blank are left out (there is
    /// nothing to import from them, like an all-blank row).
    pub fn import_rows(&self, rows: &[SheetRow]) -> Vec<ImportRow> {
        rows.iter()
            .filter_map(|row| self.import_row(row.line, |index| row.cells.get(index).cloned()))
            .collect()
    }

    /// As [`HeaderMapping::import_rows`], taking the rows to avoid copying
    /// every cell (a 200,000-row sheet is large in the browser).
    pub fn into_import_rows(&self, rows: Vec<SheetRow>) -> Vec<ImportRow> {
        rows.into_iter()
            .filter_map(|mut row| {
                let line = row.line;
                self.import_row(line, |index| {
                    row.cells
                        .get_mut(index)
                        .map(|cell| std::mem::replace(cell, Cell::Text(String::new())))
                })
            })
            .collect()
    }

    /// One row from its cells (`cell(index)` gives the cell of a column),
    /// or `None` when every used cell is blank.
    fn import_row(
        &self,
        line: u32,
        mut cell: impl FnMut(usize) -> Option<Cell>,
    ) -> Option<ImportRow> {
        let mut row = ImportRow {
            line,
            values: ContactFields::blank(),
            error_cells: FieldSet::EMPTY,
        };
        for column in self.recognised() {
            let Some(field) = column.state.field() else {
                continue;
            };
            match cell(column.index) {
                Some(Cell::Text(text)) => row.values[field] = into_clean(text),
                Some(Cell::Error(text)) => {
                    row.values[field] = into_clean(text);
                    row.error_cells.insert(field);
                }
                None => {}
            }
        }
        (!row.is_blank()).then_some(row)
    }
}

/// `text` trimmed, reusing its allocation when nothing is trimmed.
fn into_clean(text: String) -> String {
    let cleaned = clean(&text);
    if cleaned.len() == text.len() {
        text
    } else {
        cleaned.to_string()
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
}

impl ImportColumns {
    /// `present` with the template's headers, as a file made from the
    /// template would have.
    pub fn from_present(present: FieldSet) -> ImportColumns {
        ImportColumns {
            present,
            headers: Field::ALL.map(|field| field.header().to_string()),
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
