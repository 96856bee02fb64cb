//! Whole-column fixes on the import being reviewed: find and replace within
//! a column, and one cell's fix applied to every row with the same old
//! value, each undoable until Confirm.
//!
//! Invariant: [`FixHistory`] holds, newest last, the most recent fixes
//! applied to the session's rows since they were built (the newest always,
//! older ones within [`MAX_UNDO_STEPS`] and [`MAX_UNDO_CELLS`]; how many
//! were let go is counted and said), each with the cells' old values;
//! undoing the newest puts back every cell it changed that still holds the
//! value the fix gave it (a cell typed over since is left as typed), so
//! undoing the kept fixes in reverse order restores the rows as they were
//! before the oldest kept one. A fix that cannot be made (nothing matches,
//! or the rule refuses) changes nothing. Every batch of edits (a fix, or a
//! value choice of `session::value_choices`) is set and put back through
//! [`AppliedEdits`], which re-checks each touched row once (and those
//! sharing their keys), so the work is linear in the column.

use std::collections::VecDeque;

use rules::column_fix::{same_value_edits, EditBatch, FindReplace, FixError};
use rules::validate::clean;
use rules::Field;

use super::session::Session;
use crate::format::thousands;

/// The most fixes Undo keeps.
///
/// Why a bound at all: each fix keeps the old and new text of every cell it
/// changed (about 100 bytes a cell), and the page lives until Confirm; a
/// few whole-column fixes on a 100,000-row file would otherwise hold tens
/// of megabytes in the tab for nothing. Spreadsheet apps keep a bounded
/// undo too (Excel, 100 steps); fixes here are coarse (a whole column at a
/// time), so a few dozen steps is more than a review ever walks back.
pub const MAX_UNDO_STEPS: usize = 30;

/// The most changed cells Undo keeps across the fixes before the newest.
/// The newest fix is always kept whatever its size, so what was just done
/// can always be taken back; history beyond it is bounded by about one
/// more column of a 100,000-row file, so its memory does not grow with the
/// number of fixes.
pub const MAX_UNDO_CELLS: usize = 100_000;

/// The fixes that can still be undone, newest last.
#[derive(Clone, Debug, Default)]
pub struct FixHistory {
    applied: VecDeque<AppliedFix>,
    /// Cells kept in `applied`.
    cells: usize,
    /// Older fixes let go to keep within the bounds: no longer undoable.
    forgotten: usize,
}

/// One fix applied to the rows, kept so that it can be undone.
#[derive(Clone, Debug)]
pub struct AppliedFix {
    /// What the fix did, in one sentence ("Replaced … in 37 Email cells.").
    pub summary: String,
    edits: AppliedEdits,
}

impl FixHistory {
    /// The newest fix, the one Undo takes back.
    pub fn latest(&self) -> Option<&AppliedFix> {
        self.applied.back()
    }

    /// How many fixes can be undone.
    pub fn len(&self) -> usize {
        self.applied.len()
    }

    /// Whether there is nothing to undo.
    pub fn is_empty(&self) -> bool {
        self.applied.is_empty()
    }

    /// How many older fixes can no longer be undone.
    pub fn forgotten(&self) -> usize {
        self.forgotten
    }

    /// Forgets every fix (the rows were rebuilt from the file).
    pub fn clear(&mut self) {
        *self = FixHistory::default();
    }

    /// "2 earlier fixes can no longer be undone: …", once any was let go.
    pub fn forgotten_sentence(&self) -> Option<String> {
        (self.forgotten > 0).then(|| {
            format!(
                "{} earlier {} can no longer be undone: Undo keeps the last {MAX_UNDO_STEPS} fixes, and no more than {} changed cells before the newest.",
                thousands(self.forgotten),
                if self.forgotten == 1 { "fix" } else { "fixes" },
                thousands(MAX_UNDO_CELLS)
            )
        })
    }

    /// Adds the newest fix and lets the oldest go while the fixes before
    /// the newest are more than the bounds allow.
    fn push(&mut self, fix: AppliedFix) {
        self.cells += fix.edits.len();
        self.applied.push_back(fix);
        while self.applied.len() > MAX_UNDO_STEPS
            || (self.applied.len() > 1 && self.cells - self.latest().map_or(0, |fix| fix.edits.len()) > MAX_UNDO_CELLS)
        {
            let Some(oldest) = self.applied.pop_front() else { break };
            self.cells -= oldest.edits.len();
            self.forgotten += 1;
        }
    }

    /// Takes the newest fix off, to undo it.
    fn pop(&mut self) -> Option<AppliedFix> {
        let fix = self.applied.pop_back()?;
        self.cells -= fix.edits.len();
        Some(fix)
    }
}

/// Cells set by one batch of edits (a fix, or a value choice), with what
/// they held, so that those still as written can be put back.
#[derive(Clone, Debug, Default)]
pub struct AppliedEdits {
    batch: EditBatch,
    /// Positions in `batch.inverse` of the cells that held a spreadsheet
    /// error before (ascending): putting them back restores the error.
    spreadsheet_errors: Vec<usize>,
}

impl AppliedEdits {
    /// How many cells were set.
    pub fn len(&self) -> usize {
        self.batch.len()
    }

    /// Whether no cell was set.
    pub fn is_empty(&self) -> bool {
        self.batch.is_empty()
    }
}

/// What putting back an [`AppliedEdits`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PutBack {
    /// The rows whose cell was put back, ascending, once each.
    pub rows: Vec<usize>,
    /// Cells put back.
    pub restored: usize,
    /// Cells changed since (or in rows removed since), left as they are.
    pub kept: usize,
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
        let edits = self.apply_edits(vec![batch]).pop().unwrap_or_default();
        self.fixes.push(AppliedFix { summary, edits });
    }

    /// Takes back the newest fix: every cell it changed that still holds
    /// the value it gave is put back and its row re-checked. Returns the
    /// outcome, or `None` when there was nothing to undo.
    pub fn undo_fix(&mut self) -> Option<Undone> {
        let fix = self.fixes.pop()?;
        let put_back = self.put_back(&fix.edits);
        Some(Undone { summary: fix.summary, restored: put_back.restored, kept: put_back.kept })
    }

    /// Sets the cells of every batch in one pass of the check (each touched
    /// row re-checked once), and returns each batch with what undoing it
    /// needs, in the same order.
    pub(in crate::pages::import) fn apply_edits(&mut self, batches: Vec<EditBatch>) -> Vec<AppliedEdits> {
        let applied: Vec<AppliedEdits> = batches
            .into_iter()
            .map(|batch| {
                let spreadsheet_errors = batch
                    .inverse
                    .iter()
                    .enumerate()
                    .filter(|(_, old)| self.check.row(old.row).is_some_and(|row| row.error_cells.contains(old.field)))
                    .map(|(position, _)| position)
                    .collect();
                AppliedEdits { batch, spreadsheet_errors }
            })
            .collect();
        self.check.set_cells(applied.iter().flat_map(|applied| &applied.batch.edits));
        applied
    }

    /// Puts back the cells of `applied` that still hold what it wrote (see
    /// [`EditBatch::still_as_written`]), re-checking each touched row once.
    pub(in crate::pages::import) fn put_back(&mut self, applied: &AppliedEdits) -> PutBack {
        let still = applied.batch.still_as_written(|row, field| self.cell_text(row, field));
        let mut was_error = applied.spreadsheet_errors.iter().copied().peekable();
        let spreadsheet_errors: Vec<usize> = still
            .iter()
            .enumerate()
            .filter(|(_, &position)| {
                while was_error.next_if(|&error| error < position).is_some() {}
                was_error.next_if_eq(&position).is_some()
            })
            .map(|(at, _)| at)
            .collect();
        let inverse = &applied.batch.inverse;
        self.check.restore_cells(still.iter().filter_map(|&position| inverse.get(position)), &spreadsheet_errors);
        let mut rows: Vec<usize> = still.iter().filter_map(|&position| inverse.get(position)).map(|old| old.row).collect();
        rows.sort_unstable();
        rows.dedup();
        PutBack { rows, restored: still.len(), kept: applied.len() - still.len() }
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
