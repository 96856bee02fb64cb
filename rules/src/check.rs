//! A whole import checked against the account's existing contacts, kept up to
//! date as the user edits cells, removes rows and switches mode.
//!
//! Matching (the spec's "Matching and merging"):
//! - A row with a Contact ID matches the existing contact with that reference,
//!   compared case-insensitively ([`match_key`]); with none it is a new contact
//!   with that reference, even when its email belongs to an existing contact
//!   (that is then an [`EmailBelongsToAnother`](crate::issue::Problem::EmailBelongsToAnother) issue).
//! - A row without a Contact ID matches by email (case-insensitively), else it
//!   is a new contact.
//! - A row whose Contact ID (or, without one, email) cell is itself invalid
//!   matches nothing: it only gets its cell issues until that is fixed.
//!
//! Issues across rows: rows sharing a Contact ID, or an email, each get an
//! issue naming another such row (the first one in the file other than
//! itself); two rows matching the same existing contact by different keys get
//! [`SameContactTwice`](crate::issue::Problem::SameContactTwice) (unless they already have a duplicate issue);
//! a row whose email belongs to an existing contact other than the one it
//! matched gets [`EmailBelongsToAnother`](crate::issue::Problem::EmailBelongsToAnother). This is conservative: an
//! import that swaps two contacts' emails is refused rather than ordered.
//!
//! Phone numbers are read through the server's verdicts the check has heard
//! ([`ImportCheck::add_phone_verdicts`]); a number without one gets the
//! layout check until it comes.
//!
//! Invariant: an [`ImportCheck`] after any sequence of edits equals
//! `ImportCheck::new` on the edited rows (given the same phone verdicts).
//! Each row's verdict depends only on
//! the row, the columns, the mode, the existing contacts, the phone verdicts
//! and the groups of rows sharing its keys, so an edit re-checks only the rows in the groups it
//! touches (and, within a large group, only those whose "other row" changes).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::headers::{ImportColumns, ImportRow};
use crate::issue::Issue;
use crate::merge::{Action, MergeMode, Plan};
use crate::phone::PhoneVerdicts;

mod build;
mod edit;
mod existing;
mod groups;
mod judge;
mod keys;
mod phones;
mod verdict;

pub use build::CheckBuilder;
pub use existing::{match_key, same_key, ExistingContacts};
use groups::Groups;
pub use judge::{fields_read_from_the_result, judge, plan_row, preview_outdated, stage, MatchKey, RowContext, StagedRow};
pub use keys::{lookup_keys, row_lookup_keys, LookupKeys};
pub use phones::{phone_keys, row_phone_keys, PHONE_FIELDS};
use keys::RowKeys;

/// The verdict on one row: its issues (none = green check) and, when valid,
/// what importing it does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowVerdict {
    /// The row number as Excel shows it.
    pub line: u32,
    /// Everything wrong with the row, in column order.
    pub issues: Vec<Issue>,
    /// What importing the row does; `None` while it has issues. The resulting
    /// values are computed on demand by [`ImportCheck::plan`] to keep a
    /// 200,000-row import small in the browser.
    pub action: Option<Action>,
}

impl RowVerdict {
    /// Whether the row has no issue (a green check).
    pub fn is_valid(&self) -> bool {
        self.issues.is_empty()
    }
}

/// The counts the import screen shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    /// Rows in the import (removed rows not counted).
    pub rows: usize,
    /// Rows with a green check.
    pub valid: usize,
    /// Rows with at least one issue.
    pub with_issues: usize,
    /// Valid rows that create a contact.
    pub new: usize,
    /// Valid rows that change an existing contact.
    pub updates: usize,
    /// Valid rows that match a contact and change nothing.
    pub unchanged: usize,
    /// Rows the user removed from the import.
    pub removed: usize,
}

impl ImportCounts {
    fn count(&mut self, verdict: &RowVerdict, add: bool) {
        let step = |n: &mut usize| {
            *n = if add {
                n.saturating_add(1)
            } else {
                n.saturating_sub(1)
            }
        };
        step(&mut self.rows);
        if !verdict.is_valid() {
            step(&mut self.with_issues);
            return;
        }
        step(&mut self.valid);
        match verdict.action {
            Some(Action::New) => step(&mut self.new),
            Some(Action::Update { .. }) => step(&mut self.updates),
            Some(Action::Unchanged { .. }) => step(&mut self.unchanged),
            None => {}
        }
    }
}

/// The group memberships of one row.
#[derive(Default)]
struct Links {
    reference: Option<String>,
    email: Option<String>,
    contact: Option<Uuid>,
}

/// A whole import: the rows, their verdicts and the counts, kept up to date
/// through edits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportCheck {
    columns: ImportColumns,
    mode: MergeMode,
    existing: ExistingContacts,
    /// The server's verdicts on the rows' phone numbers heard so far; a
    /// number without one gets the layout check.
    phones: PhoneVerdicts,
    rows: Vec<ImportRow>,
    removed: Vec<bool>,
    /// One per row; `None` for a removed row.
    verdicts: Vec<Option<RowVerdict>>,
    by_reference: Groups<String>,
    by_email: Groups<String>,
    by_contact: Groups<Uuid>,
    counts: ImportCounts,
}

impl ImportCheck {
    /// Checks every row of an import. Row indexes used by the other methods
    /// are positions in `rows`; they stay the same when rows are removed.
    pub fn new(
        columns: ImportColumns,
        rows: Vec<ImportRow>,
        existing: ExistingContacts,
        mode: MergeMode,
    ) -> ImportCheck {
        ImportCheck::build(columns, rows, existing, mode).finish()
    }

    /// The same check as [`ImportCheck::new`], done a slice at a time by
    /// [`CheckBuilder::step`], so the browser can keep the page responsive
    /// while checking 200,000 rows.
    pub fn build(
        columns: ImportColumns,
        rows: Vec<ImportRow>,
        existing: ExistingContacts,
        mode: MergeMode,
    ) -> CheckBuilder {
        let count = rows.len();
        CheckBuilder::new(ImportCheck {
            columns,
            mode,
            existing,
            phones: PhoneVerdicts::default(),
            rows,
            removed: vec![false; count],
            verdicts: vec![None; count],
            by_reference: Groups::with_capacity(count),
            by_email: Groups::with_capacity(count),
            by_contact: Groups::with_capacity(count),
            counts: ImportCounts::default(),
        })
    }

    /// Puts row `index` into the groups of rows sharing its keys (the first
    /// pass of building).
    fn link_row(&mut self, index: usize) {
        let links = self.links(index);
        if let Some(key) = links.reference {
            self.by_reference.push(key, index);
        }
        if let Some(key) = links.email {
            self.by_email.push(key, index);
        }
        if let Some(id) = links.contact {
            self.by_contact.push(id, index);
        }
    }

    /// Computes and counts row `index`'s verdict (the second pass, once
    /// every row is linked).
    fn judge_row(&mut self, index: usize) {
        let verdict = self.compute(index);
        if let Some(verdict) = &verdict {
            self.counts.count(verdict, true);
        }
        self.verdicts[index] = verdict;
    }

    /// The file's columns.
    pub fn columns(&self) -> &ImportColumns {
        &self.columns
    }

    /// The current mode.
    pub fn mode(&self) -> MergeMode {
        self.mode
    }

    /// The existing contacts rows are matched against.
    pub fn existing(&self) -> &ExistingContacts {
        &self.existing
    }

    /// Every row as currently edited, removed ones included (see
    /// [`ImportCheck::is_removed`]).
    pub fn rows(&self) -> &[ImportRow] {
        &self.rows
    }

    /// The rows still in the import, as edited, in file order: what the
    /// browser sends the server to re-check and import.
    pub fn kept_rows(&self) -> impl Iterator<Item = &ImportRow> {
        self.rows
            .iter()
            .zip(&self.removed)
            .filter(|(_, removed)| !**removed)
            .map(|(row, _)| row)
    }

    /// The row at `index`, removed or not.
    pub fn row(&self, index: usize) -> Option<&ImportRow> {
        self.rows.get(index)
    }

    /// Whether the row at `index` was removed from the import.
    pub fn is_removed(&self, index: usize) -> bool {
        self.removed.get(index).copied().unwrap_or(false)
    }

    /// The verdict on the row at `index`; `None` if it was removed or does
    /// not exist.
    pub fn verdict(&self, index: usize) -> Option<&RowVerdict> {
        self.verdicts.get(index).and_then(Option::as_ref)
    }

    /// `(index, verdict)` for every row still in the import, in file order.
    pub fn verdicts(&self) -> impl Iterator<Item = (usize, &RowVerdict)> {
        self.verdicts
            .iter()
            .enumerate()
            .filter_map(|(index, verdict)| verdict.as_ref().map(|verdict| (index, verdict)))
    }

    /// Every issue of every row still in the import, in row order.
    pub fn issues(&self) -> impl Iterator<Item = &Issue> {
        self.verdicts()
            .flat_map(|(_, verdict)| verdict.issues.iter())
    }

    /// The counts: valid, with issues, new, updates, unchanged, removed.
    pub fn counts(&self) -> ImportCounts {
        self.counts
    }

    /// Whether the import can be confirmed: at least one row, and every row
    /// still in the import has a green check.
    pub fn is_ready(&self) -> bool {
        self.counts.rows > 0 && self.counts.with_issues == 0
    }

    /// The full plan (action and resulting values) of a valid row; `None`
    /// for a row with issues, a removed row or a bad index.
    pub fn plan(&self, index: usize) -> Option<Plan> {
        if !self.verdict(index)?.is_valid() {
            return None;
        }
        let row = self.rows.get(index)?;
        let keys = RowKeys::of(row);
        let context = self.context(index, &keys);
        judge::plan_valid_row(row, &self.columns, self.mode, &context, &self.phones)
    }

    /// `(index, plan)` for every valid row still in the import, in file order:
    /// what the server writes once [`ImportCheck::is_ready`].
    pub fn plans(&self) -> impl Iterator<Item = (usize, Plan)> + '_ {
        self.verdicts()
            .filter_map(|(index, _)| self.plan(index).map(|plan| (index, plan)))
    }

    /// The keys of the rows still in the import (see [`lookup_keys`]), for
    /// asking the server about keys the user typed in after the first check.
    pub fn lookup_keys(&self) -> LookupKeys {
        let sorted = |keys: Vec<&String>| {
            let mut keys: Vec<String> = keys.into_iter().cloned().collect();
            keys.sort_unstable();
            keys
        };
        LookupKeys {
            references: sorted(self.by_reference.keys().collect()),
            emails: sorted(self.by_email.keys().collect()),
        }
    }
}
