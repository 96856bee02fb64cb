//! Whole-column fixes on the import being reviewed: find and replace within
//! a column, and one cell's fix applied to every row with the same old
//! value, each undoable until Confirm.
//!
//! Invariant: [`FixHistory`] holds, newest last, every fix applied to the
//! session's rows since they were built, each with the cells' old values;
//! undoing the newest puts back every cell it changed that still holds the
//! value the fix gave it (a cell typed over since is left as typed), so
//! undoing all fixes in reverse order restores the rows as they were. A fix
//! that cannot be made (nothing matches, or the rule refuses) changes
//! nothing. Applying and undoing re-check only the rows they touch (and
//! those sharing their keys), so the work is linear in the column.

use rules::column_fix::{same_value_edits, CellEdit, EditBatch, FindReplace, FixError};
use rules::validate::clean;
use rules::Field;

use super::session::Session;
use crate::format::thousands;

/// The fixes applied so far, newest last.
#[derive(Clone, Debug, Default)]
pub struct FixHistory {
    applied: Vec<AppliedFix>,
}

/// One fix applied to the rows, kept so that it can be undone.
#[derive(Clone, Debug)]
pub struct AppliedFix {
    /// What the fix did, in one sentence ("Replaced … in 37 Email cells.").
    pub summary: String,
    batch: EditBatch,
    /// Positions in `batch.inverse` of the cells that held a spreadsheet
    /// error before the fix (ascending).
    spreadsheet_errors: Vec<usize>,
}

impl FixHistory {
    /// The newest fix, the one Undo takes back.
    pub fn latest(&self) -> Option<&AppliedFix> {
        self.applied.last()
    }

    /// How many fixes can be undone.
    pub fn len(&self) -> usize {
        self.applied.len()
    }

    /// Whether there is nothing to undo.
    pub fn is_empty(&self) -> bool {
        self.applied.is_empty()
    }

    /// Forgets every fix (the rows were rebuilt from the file).
    pub fn clear(&mut self) {
        self.applied.clear();
    }
}

/// Why a find and replace changes nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FindReplaceRefused {
    /// No cell of the column holds what is to be found.
    NoMatch { header: String, find: String, whole_cell: bool },
    /// The rule refuses the fix as a whole.
    Rule(FixError),
}

impl FindReplaceRefused {
    /// The problem and how to fix it, in plain sentences.
    pub fn sentence(&self) -> String {
        match self {
            FindReplaceRefused::NoMatch { header, find, whole_cell } => {
                let problem = match (whole_cell, clean(find).is_empty()) {
                    (true, true) => format!("No {header} cell is blank."),
                    (true, false) => format!("No {header} cell is \u{201c}{}\u{201d}.", clean(find)),
                    (false, _) => format!("No {header} cell contains \u{201c}{find}\u{201d}."),
                };
                format!("{problem} Nothing was changed. Check the spelling, or choose another column.")
            }
            FindReplaceRefused::Rule(error) => format!("{} {}", error.problem_text(), error.fix_text()),
        }
    }
}

/// One cell the user changed by typing: the row, the column, the value it
/// had when they started and the one it has now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellChange {
    pub row: usize,
    pub field: Field,
    pub from: String,
    pub to: String,
}

/// "3 cells" / "1 cell".
pub fn cells(count: usize) -> String {
    format!("{} {}", thousands(count), if count == 1 { "cell" } else { "cells" })
}

impl Session {
    /// `(row index, text)` of `field`'s cells in the rows still in the import.
    fn column_cells(&self, field: Field) -> impl Iterator<Item = (usize, &str)> {
        self.check
            .verdicts()
            .filter_map(move |(index, _)| self.check.row(index).map(|row| (index, row.values.get(field))))
    }

    /// The text of one cell now (`None` for a removed row or a bad index).
    pub fn cell_text(&self, row: usize, field: Field) -> Option<&str> {
        self.check.verdict(row)?;
        self.check.row(row).map(|values| values.values.get(field))
    }

    /// The cells `fix` would change, or why it changes nothing.
    pub fn plan_find_replace(&self, fix: &FindReplace) -> Result<EditBatch, FindReplaceRefused> {
        let batch = fix.edits(self.column_cells(fix.field)).map_err(FindReplaceRefused::Rule)?;
        if batch.is_empty() {
            return Err(FindReplaceRefused::NoMatch {
                header: self.header(fix.field),
                find: fix.find.clone(),
                whole_cell: fix.whole_cell,
            });
        }
        Ok(batch)
    }

    /// Makes `fix` and re-checks the rows it touched. Returns how many cells
    /// changed, or why none did.
    pub fn find_replace(&mut self, fix: &FindReplace) -> Result<usize, FindReplaceRefused> {
        let batch = self.plan_find_replace(fix)?;
        let count = batch.len();
        let header = self.header(fix.field);
        let summary = match (fix.whole_cell && clean(&fix.find).is_empty(), clean(&fix.replace).is_empty()) {
            (true, _) => format!("Filled {} blank {header} {} with \u{201c}{}\u{201d}.", thousands(count), plural(count), fix.replace),
            (false, true) => format!("Removed \u{201c}{}\u{201d} from {header} in {}.", fix.find, cells(count)),
            (false, false) => {
                format!("Replaced \u{201c}{}\u{201d} with \u{201c}{}\u{201d} in {} {header} {}.", fix.find, fix.replace, thousands(count), plural(count))
            }
        };
        self.apply_fix(summary, batch);
        Ok(count)
    }

    /// The cells (other than the one typed in) that "apply to all rows with
    /// this value" would change for `change`: those of its column holding
    /// the old value.
    pub fn same_value_fix(&self, change: &CellChange) -> EditBatch {
        let mut batch = same_value_edits(change.field, &change.from, &change.to, self.column_cells(change.field));
        // The typed cell already holds the new value, so only a cell typed
        // back to the old value could be listed; it is the user's to keep.
        if let Some(position) = batch.edits.iter().position(|edit| edit.row == change.row) {
            batch.edits.remove(position);
            batch.inverse.remove(position);
        }
        batch
    }

    /// Applies `change` to every other row with the same old value and
    /// re-checks them. Returns how many cells changed.
    pub fn apply_to_same_value(&mut self, change: &CellChange) -> usize {
        let batch = self.same_value_fix(change);
        let count = batch.len();
        if count > 0 {
            let summary = format!(
                "Changed {} more {} {} from \u{201c}{}\u{201d} to \u{201c}{}\u{201d}.",
                thousands(count),
                self.header(change.field),
                plural(count),
                clean(&change.from),
                clean(&change.to)
            );
            self.apply_fix(summary, batch);
        }
        count
    }

    /// Sets the batch's cells, re-checks, and records the fix for undo.
    fn apply_fix(&mut self, summary: String, batch: EditBatch) {
        let spreadsheet_errors = batch
            .inverse
            .iter()
            .enumerate()
            .filter(|(_, old)| self.check.row(old.row).is_some_and(|row| row.error_cells.contains(old.field)))
            .map(|(position, _)| position)
            .collect();
        self.check.set_cells(&batch.edits);
        self.fixes.applied.push(AppliedFix { summary, batch, spreadsheet_errors });
    }

    /// Takes back the newest fix: every cell it changed that still holds
    /// the value it gave is put back and its row re-checked. Returns the
    /// outcome, or `None` when there was nothing to undo.
    pub fn undo_fix(&mut self) -> Option<Undone> {
        let fix = self.fixes.applied.pop()?;
        let mut old: Vec<CellEdit> = Vec::with_capacity(fix.batch.len());
        let mut spreadsheet_errors = Vec::new();
        let mut was_error = fix.spreadsheet_errors.iter().copied().peekable();
        let mut kept = 0;
        for (position, (new, before)) in fix.batch.edits.iter().zip(&fix.batch.inverse).enumerate() {
            let error = was_error.next_if_eq(&position).is_some();
            if self.cell_text(new.row, new.field).is_some_and(|now| clean(now) == clean(&new.value)) {
                if error {
                    spreadsheet_errors.push(old.len());
                }
                old.push(before.clone());
            } else {
                kept += 1;
            }
        }
        self.check.restore_cells(&old, &spreadsheet_errors);
        Some(Undone { summary: fix.summary, restored: old.len(), kept })
    }
}

/// "cell" / "cells" after a header ("37 Email cells").
fn plural(count: usize) -> &'static str {
    if count == 1 {
        "cell"
    } else {
        "cells"
    }
}

/// What an undo did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Undone {
    /// The undone fix's sentence.
    pub summary: String,
    /// Cells put back.
    pub restored: usize,
    /// Cells changed since the fix (or in rows removed since), left as they are.
    pub kept: usize,
}

impl Undone {
    /// What happened, in one sentence.
    pub fn sentence(&self) -> String {
        let mut sentence = format!("Undone: {} {} put back.", self.summary, cells(self.restored));
        if self.kept > 0 {
            sentence.push_str(&format!(
                " {} changed since {} left as {}.",
                cells(self.kept),
                if self.kept == 1 { "was" } else { "were" },
                if self.kept == 1 { "it is" } else { "they are" }
            ));
        }
        sentence
    }
}

#[cfg(test)]
mod tests;
