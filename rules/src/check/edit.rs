//! Live edits: each edit unlinks the rows it touches from their key groups,
//! changes them, links them again and re-checks only the rows whose verdict
//! may depend on what changed.
//!
//! Invariant: after every method here the check equals `ImportCheck::new` on
//! the edited rows (the property tests in `tests/rules_check.rs` hold it to
//! that), and the returned indexes are exactly the rows whose verdict changed.

use super::existing::match_key;
use super::{ImportCheck, Links};
use crate::column_fix::CellEdit;
use crate::contact::{ContactFields, ExistingContact};
use crate::field::Field;
use crate::merge::MergeMode;
use crate::validate::clean;

impl ImportCheck {
    /// Sets the cell of `field` in row `index` to `text` (trimmed) and
    /// re-checks. Clears a spreadsheet error in that cell. A cell of a column
    /// the file lacks can be filled in too; once filled, the import sets that
    /// field for this row. Returns the indexes of the rows whose verdict
    /// changed (this row, and e.g. the row it no longer duplicates). Does
    /// nothing for a removed row or a bad index.
    pub fn set_cell(&mut self, index: usize, field: Field, text: &str) -> Vec<usize> {
        if index >= self.rows.len() || self.is_removed(index) {
            return Vec::new();
        }
        self.update(&[index], |check| {
            if let Some(row) = check.rows.get_mut(index) {
                row.values[field] = clean(text).to_string();
                row.error_cells = row.error_cells.without(field);
            }
        })
    }

    /// Sets every cell `edits` names, as [`ImportCheck::set_cell`] does one
    /// (a whole-column fix), re-checking each affected row once: the work is
    /// linear in the edits and the rows they affect. Edits of removed rows or
    /// bad indexes are skipped. Returns the rows whose verdict changed.
    pub fn set_cells<'e>(&mut self, edits: impl IntoIterator<Item = &'e CellEdit> + Clone) -> Vec<usize> {
        self.write_cells(edits, &[])
    }

    /// Puts back cells a [`ImportCheck::set_cells`] changed: `old` their
    /// values before, and `spreadsheet_errors` the positions in `old`
    /// (ascending) of those that held a spreadsheet error (which setting them cleared), so
    /// the rows are again as they were read. Returns the rows whose verdict
    /// changed.
    pub fn restore_cells<'e>(
        &mut self,
        old: impl IntoIterator<Item = &'e CellEdit> + Clone,
        spreadsheet_errors: &[usize],
    ) -> Vec<usize> {
        self.write_cells(old, spreadsheet_errors)
    }

    fn write_cells<'e>(
        &mut self,
        edits: impl IntoIterator<Item = &'e CellEdit> + Clone,
        spreadsheet_errors: &[usize],
    ) -> Vec<usize> {
        let mut targets: Vec<usize> = edits
            .clone()
            .into_iter()
            .map(|edit| edit.row)
            .filter(|&index| index < self.rows.len() && !self.is_removed(index))
            .collect();
        targets.sort_unstable();
        targets.dedup();
        self.update(&targets, |check| {
            for (position, edit) in edits.into_iter().enumerate() {
                if check.is_removed(edit.row) {
                    continue;
                }
                let Some(row) = check.rows.get_mut(edit.row) else { continue };
                row.values[edit.field] = clean(&edit.value).to_string();
                row.error_cells = if spreadsheet_errors.binary_search(&position).is_ok() {
                    row.error_cells.with(edit.field)
                } else {
                    row.error_cells.without(edit.field)
                };
            }
        })
    }

    /// Takes row `index` out of the import. Returns the indexes of the rows
    /// whose verdict changed (this one, whose verdict is now `None`, and any
    /// row it duplicated).
    pub fn remove_row(&mut self, index: usize) -> Vec<usize> {
        if index >= self.rows.len() || self.is_removed(index) {
            return Vec::new();
        }
        let changed = self.update(&[index], |check| check.removed[index] = true);
        self.counts.removed += 1;
        changed
    }

    /// Puts a removed row back. Returns the indexes of the rows whose verdict
    /// changed.
    pub fn restore_row(&mut self, index: usize) -> Vec<usize> {
        if !self.is_removed(index) {
            return Vec::new();
        }
        let changed = self.update(&[index], |check| check.removed[index] = false);
        self.counts.removed = self.counts.removed.saturating_sub(1);
        changed
    }

    /// Switches the merge mode and re-checks every row (required fields and
    /// the planned changes depend on it). Returns the rows whose verdict changed.
    pub fn set_mode(&mut self, mode: MergeMode) -> Vec<usize> {
        if mode == self.mode {
            return Vec::new();
        }
        self.mode = mode;
        let all: Vec<usize> = (0..self.rows.len()).collect();
        self.refresh(&all)
    }

    /// Adds existing contacts the server returned later (e.g. for a key the
    /// user typed in), replacing those with the same id, and re-checks the
    /// rows they concern. Returns the rows whose verdict changed.
    pub fn add_existing(&mut self, contacts: Vec<ExistingContact>) -> Vec<usize> {
        let mut targets: Vec<usize> = Vec::new();
        for contact in &contacts {
            let mut concerned = |fields: &ContactFields| {
                for (groups, field) in [
                    (&self.by_reference, Field::Reference),
                    (&self.by_email, Field::Email),
                ] {
                    let key = match_key(fields.get(field));
                    if !key.is_empty() {
                        targets.extend_from_slice(groups.rows(&key));
                    }
                }
            };
            concerned(&contact.fields);
            if let Some(old) = self.existing.by_id(contact.id) {
                concerned(&old.fields);
            }
            targets.extend_from_slice(self.by_contact.rows(&contact.id));
        }
        targets.sort_unstable();
        targets.dedup();
        self.update(&targets, |check| {
            for contact in contacts {
                check.existing.upsert(contact);
            }
        })
    }

    /// Unlinks `targets` (sorted) from their groups, applies `change`, links
    /// them again, and re-checks every row that may be affected.
    fn update(&mut self, targets: &[usize], change: impl FnOnce(&mut ImportCheck)) -> Vec<usize> {
        let mut affected: Vec<usize> = targets.to_vec();
        let old: Vec<Links> = targets.iter().map(|&index| self.links(index)).collect();
        // Last row first: a row leaving a group from its end affects no
        // other row (only one of the first two does, see `Groups::remove`),
        // so a fix moving a whole large group out stays linear.
        for (&index, links) in targets.iter().zip(&old).rev() {
            if let Some(key) = &links.reference {
                self.by_reference.remove(key, index, &mut affected);
            }
            if let Some(key) = &links.email {
                self.by_email.remove(key, index, &mut affected);
            }
            if let Some(id) = &links.contact {
                self.by_contact.remove(id, index, &mut affected);
            }
        }
        change(self);
        for &index in targets {
            let links = self.links(index);
            if let Some(key) = links.reference {
                self.by_reference.insert(key, index, &mut affected);
            }
            if let Some(key) = links.email {
                self.by_email.insert(key, index, &mut affected);
            }
            if let Some(id) = links.contact {
                self.by_contact.insert(id, index, &mut affected);
            }
        }
        affected.sort_unstable();
        affected.dedup();
        self.refresh(&affected)
    }

    /// Recomputes the verdicts of `indexes` (sorted), returning those that changed.
    pub(super) fn refresh(&mut self, indexes: &[usize]) -> Vec<usize> {
        let mut changed = Vec::new();
        for &index in indexes {
            let verdict = self.compute(index);
            let Some(slot) = self.verdicts.get(index) else {
                continue;
            };
            if *slot == verdict {
                continue;
            }
            if let Some(old) = slot {
                self.counts.count(old, false);
            }
            if let Some(new) = &verdict {
                self.counts.count(new, true);
            }
            self.verdicts[index] = verdict;
            changed.push(index);
        }
        changed
    }
}
