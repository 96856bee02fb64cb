//! One row's verdict in the whole-import check: the facts about it found in
//! the check's groups of rows and its existing contacts, judged by
//! [`super::judge`].
//!
//! Invariant: `compute` reads nothing but the row, the columns, the mode,
//! the existing contacts, the phone verdicts and the groups of rows sharing its keys, so
//! recomputing a row whose inputs did not change gives the same verdict.

use super::judge::{judge_normalised, MatchOn, RowContext};
use super::{ImportCheck, Links, RowKeys, RowVerdict};
use crate::contact::ExistingContact;
use crate::validate::NormalisedRow;

impl ImportCheck {
    /// The groups row `index` belongs to (none when removed).
    pub(super) fn links(&self, index: usize) -> Links {
        let Some(row) = self.rows.get(index).filter(|_| !self.is_removed(index)) else {
            return Links::default();
        };
        let keys = RowKeys::of(row);
        let contact = self.matched(&keys).map(|contact| contact.id);
        Links {
            reference: keys.reference.into_key(),
            email: keys.email.into_key(),
            contact,
        }
    }

    /// The existing contact `keys` match, if any.
    pub(super) fn matched(&self, keys: &RowKeys<'_>) -> Option<&ExistingContact> {
        match MatchOn::of(keys) {
            MatchOn::Reference(key) => self.existing.by_reference_key(key),
            MatchOn::Email(key) => self.existing.by_email_key(key),
            MatchOn::New | MatchOn::Unresolved => None,
        }
    }

    /// What the check knows about row `index`: its match, and the other
    /// rows sharing its keys.
    pub(super) fn context(&self, index: usize, keys: &RowKeys<'_>) -> RowContext<'_> {
        let line_of = |other: usize| self.rows.get(other).map_or(0, |row| row.line);
        let matched = self.matched(keys);
        RowContext {
            matched,
            other_row_with_reference: keys.reference.valid().and_then(|key| self.by_reference.other(key, index)).map(line_of),
            other_row_with_email: keys.email.valid().and_then(|key| self.by_email.other(key, index)).map(line_of),
            other_row_with_contact: matched.and_then(|contact| self.by_contact.other(&contact.id, index)).map(line_of),
            email_owner: keys.email.valid().and_then(|key| self.existing.by_email_key(key)),
        }
    }

    /// The verdict on row `index` (`None` when removed).
    pub(super) fn compute(&self, index: usize) -> Option<RowVerdict> {
        let row = self.rows.get(index).filter(|_| !self.is_removed(index))?;
        let normalised = NormalisedRow::of(row, &self.phones);
        let keys = RowKeys::of_normalised(&normalised);
        let context = self.context(index, &keys);
        Some(judge_normalised(row, &normalised, &self.columns, self.mode, &context))
    }
}
