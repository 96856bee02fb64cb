//! Whole-column fixes as plain edits: find and replace within one column,
//! and "apply to all N rows with this value" when fixing one cell.
//!
//! Invariant: a fix only computes; it changes no row. Each returns exactly
//! the cells whose value it changes (never one that would stay the same),
//! each paired in `inverse` with the value it had, so applying `edits` and
//! then `inverse` puts every cell back. A fix that cannot be done whole
//! (nothing to find, a cell that would grow past its field's limit) is an
//! error and returns no edits at all. Work is linear in the column's text.

use serde::{Deserialize, Serialize};

use crate::field::Field;
use crate::validate::clean;

/// One cell set to a new value: row `row` (an index into the import's rows),
/// column `field`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellEdit {
    pub row: usize,
    pub field: Field,
    pub value: String,
}

/// The edits a fix makes and, cell for cell, the edits that undo them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditBatch {
    /// The new values, in row order.
    pub edits: Vec<CellEdit>,
    /// The old values of the same cells, in the same order.
    pub inverse: Vec<CellEdit>,
}

impl EditBatch {
    /// How many cells the fix changes.
    pub fn len(&self) -> usize {
        self.edits.len()
    }

    /// Whether the fix changes nothing.
    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    /// The positions of the edits whose cell still holds what they wrote,
    /// `now` giving a cell's text at present (`None` for a row no longer in
    /// the import): the cells an undo may put back. Any other cell was
    /// changed since (by hand, or by a later fix) and is left as it is.
    pub fn still_as_written<'t>(&self, mut now: impl FnMut(usize, Field) -> Option<&'t str>) -> Vec<usize> {
        self.edits
            .iter()
            .enumerate()
            .filter(|(_, edit)| now(edit.row, edit.field).is_some_and(|text| clean(text) == clean(&edit.value)))
            .map(|(position, _)| position)
            .collect()
    }

    /// Adds one cell's edit and the edit undoing it (to split or join
    /// batches; the caller keeps them a real change).
    pub fn push(&mut self, edit: CellEdit, undo: CellEdit) {
        self.edits.push(edit);
        self.inverse.push(undo);
    }

    /// Records that cell (`row`, `field`) goes from `old` to `new`, unless
    /// that changes nothing once trimmed.
    pub(crate) fn change(&mut self, row: usize, field: Field, old: &str, new: String) {
        if clean(old) == clean(&new) {
            return;
        }
        self.inverse.push(CellEdit { row, field, value: old.to_string() });
        self.edits.push(CellEdit { row, field, value: new });
    }
}

/// Find and replace within one column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindReplace {
    /// The column searched.
    pub field: Field,
    /// The text to find. With `whole_cell`, blank finds the blank cells.
    pub find: String,
    /// What replaces it.
    pub replace: String,
    /// Match the whole cell (trimmed) rather than text within it.
    pub whole_cell: bool,
    /// Let `"mieter"` find `"Mieter"`.
    pub ignore_case: bool,
}

/// Why a fix cannot be made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FixError {
    /// Replace within cells with nothing to find.
    NothingToFind,
    /// The fix would make a cell longer than its field allows.
    TooLong { row: usize, field: Field, max: usize },
}

impl FindReplace {
    /// The edits replacing `find` in every cell of `cells`: `(row index,
    /// cell text)` of this column, for the rows still in the import.
    pub fn edits<'a>(
        &self,
        cells: impl IntoIterator<Item = (usize, &'a str)>,
    ) -> Result<EditBatch, FixError> {
        if !self.whole_cell && self.find.is_empty() {
            return Err(FixError::NothingToFind);
        }
        let max = self.field.max_chars();
        let mut batch = EditBatch::default();
        for (row, text) in cells {
            let new = if self.whole_cell {
                self.matches_whole(text).then(|| self.replace.clone())
            } else {
                replace_within(text, &self.find, &self.replace, self.ignore_case, max + 1)
            };
            let Some(new) = new else { continue };
            if new.chars().nth(max).is_some() {
                return Err(FixError::TooLong { row, field: self.field, max });
            }
            batch.change(row, self.field, text, new);
        }
        Ok(batch)
    }

    /// Whether the whole (trimmed) cell is `find`.
    fn matches_whole(&self, text: &str) -> bool {
        let (text, find) = (clean(text), clean(&self.find));
        if self.ignore_case {
            text.chars().count() == find.chars().count()
                && text.chars().zip(find.chars()).all(|(a, b)| same_letter(a, b))
        } else {
            text == find
        }
    }
}

/// "Apply to all rows with this value": the edits setting every cell of
/// `cells` whose trimmed text is `from`'s to `to`. The cell the user fixed
/// may be among them (then it is simply included).
pub fn same_value_edits<'a>(
    field: Field,
    from: &str,
    to: &str,
    cells: impl IntoIterator<Item = (usize, &'a str)>,
) -> EditBatch {
    let from = clean(from);
    let mut batch = EditBatch::default();
    for (row, text) in cells {
        if clean(text) == from {
            batch.change(row, field, text, to.to_string());
        }
    }
    batch
}

/// `text` with every occurrence of `find` replaced, or `None` when there is
/// none. Stops once the result has `limit` characters (the caller refuses
/// it), so a short find and a long replacement cannot blow up memory.
fn replace_within(text: &str, find: &str, replace: &str, ignore_case: bool, limit: usize) -> Option<String> {
    let mut out = String::new();
    let mut found = false;
    let mut rest = text;
    let mut out_chars = 0usize;
    while !rest.is_empty() {
        if let Some(matched) = match_at(rest, find, ignore_case) {
            found = true;
            out.push_str(replace);
            out_chars += replace.chars().count();
            rest = &rest[matched..];
        } else {
            let mut chars = rest.chars();
            if let Some(c) = chars.next() {
                out.push(c);
                out_chars += 1;
            }
            rest = chars.as_str();
        }
        if out_chars >= limit {
            out.push_str(rest);
            break;
        }
    }
    found.then_some(out)
}

/// The length in bytes of `find` at the start of `text`, if it is there.
fn match_at(text: &str, find: &str, ignore_case: bool) -> Option<usize> {
    if !ignore_case {
        return text.starts_with(find).then_some(find.len());
    }
    let mut text_chars = text.char_indices();
    for wanted in find.chars() {
        let (_, c) = text_chars.next()?;
        if !same_letter(c, wanted) {
            return None;
        }
    }
    Some(text_chars.next().map_or(text.len(), |(at, _)| at))
}

/// Whether two characters are the same letter in any case (`'É'`, `'é'`).
fn same_letter(a: char, b: char) -> bool {
    a == b || a.to_lowercase().eq(b.to_lowercase())
}

impl FixError {
    /// The problem in one plain sentence.
    pub fn problem_text(&self) -> String {
        match self {
            FixError::NothingToFind => "There is nothing to find.".to_string(),
            FixError::TooLong { field, max, .. } => format!(
                "This would make a {} cell longer than {} characters, the most it allows.",
                field.header(),
                sheets::size::thousands(*max as u64)
            ),
        }
    }

    /// How to fix it, in one plain sentence.
    pub fn fix_text(&self) -> String {
        match self {
            FixError::NothingToFind => {
                "Type the text to find, or choose \"Whole cell\" to fill in blank cells.".to_string()
            }
            FixError::TooLong { .. } => "Use a shorter replacement.".to_string(),
        }
    }
}

#[cfg(test)]
mod tests;
