//! A row's match keys (Contact ID and email), and the keys an import needs
//! the server to look up.
//!
//! Invariant: a key is the [`match_key`](super::match_key) form of a
//! non-blank cell that passed its own validation; blank and invalid cells
//! give no key, so they never match or duplicate anything.

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::existing;
use crate::field::Field;
use crate::headers::ImportRow;
use crate::validate::{clean, normalise, NormalisedRow};

/// The keys the browser asks the server about: the file's valid Contact IDs
/// and emails in [`match_key`](super::match_key) form, sorted, without
/// repeats.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LookupKeys {
    /// Contact IDs.
    pub references: Vec<String>,
    /// Emails.
    pub emails: Vec<String>,
}

/// The lookup keys of `rows`: the existing contacts an import of them needs
/// are those whose Contact ID or email has one of these keys.
pub fn lookup_keys(rows: &[ImportRow]) -> LookupKeys {
    let mut references = BTreeSet::new();
    let mut emails = BTreeSet::new();
    for row in rows {
        let (reference, email) = row_lookup_keys(row);
        references.extend(reference);
        emails.extend(email);
    }
    LookupKeys {
        references: references.into_iter().collect(),
        emails: emails.into_iter().collect(),
    }
}

/// One row's part of [`lookup_keys`]: its valid Contact ID's key and its
/// valid email's key (for a caller that gathers the keys of many rows its
/// own way, without sorting each batch).
pub fn row_lookup_keys(row: &ImportRow) -> (Option<String>, Option<String>) {
    let keys = RowKeys::of(row);
    (keys.reference.into_key(), keys.email.into_key())
}

/// One key cell of a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Key<'a> {
    Blank,
    Invalid,
    Valid(Cow<'a, str>),
}

impl<'a> Key<'a> {
    /// The key of a cleaned cell `text`; `invalid` when the cell failed its
    /// own validation (or holds a spreadsheet error).
    pub(super) fn new(text: &'a str, invalid: bool) -> Key<'a> {
        if text.is_empty() {
            Key::Blank
        } else if invalid {
            Key::Invalid
        } else {
            Key::Valid(existing::key(text))
        }
    }

    /// The key as an owned string, if valid.
    pub(super) fn into_key(self) -> Option<String> {
        match self {
            Key::Valid(key) => Some(key.into_owned()),
            Key::Blank | Key::Invalid => None,
        }
    }

    /// The key, if valid.
    pub(super) fn valid(&self) -> Option<&str> {
        match self {
            Key::Valid(key) => Some(key),
            Key::Blank | Key::Invalid => None,
        }
    }
}

/// A row's Contact ID and email keys.
pub(super) struct RowKeys<'a> {
    pub(super) reference: Key<'a>,
    pub(super) email: Key<'a>,
}

impl<'a> RowKeys<'a> {
    pub(super) fn of(row: &'a ImportRow) -> RowKeys<'a> {
        let key = |field: Field| {
            let text = clean(row.values.get(field));
            let invalid = row.error_cells.contains(field) || normalise(field, text).is_err();
            Key::new(text, invalid)
        };
        RowKeys {
            reference: key(Field::Reference),
            email: key(Field::Email),
        }
    }

    /// The same keys as [`RowKeys::of`], from the already normalised row.
    pub(super) fn of_normalised(row: &'a NormalisedRow<'a>) -> RowKeys<'a> {
        let key = |field: Field| Key::new(row.get(field), row.invalid.contains(field));
        RowKeys {
            reference: key(Field::Reference),
            email: key(Field::Email),
        }
    }
}
