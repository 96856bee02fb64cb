//! The phone verdicts of a whole import: which numbers to ask the server
//! about, and taking its answers in.
//!
//! Invariant: adding verdicts re-checks exactly the rows with a phone cell
//! whose verdict changed, so the check still equals `ImportCheck::new` on
//! the same rows given the same verdicts (a verdict never touches a row's
//! keys or groups, so no other row is affected).

use std::collections::BTreeSet;

use super::ImportCheck;
use crate::field::Field;
use crate::headers::ImportRow;
use crate::phone::{PhoneKey, PhoneVerdict, PhoneVerdicts};
use crate::validate::{clean, row_country};

/// The fields read as phone numbers.
pub const PHONE_FIELDS: [Field; 2] = [Field::Phone, Field::Mobile];

/// The phone keys (cleaned text, row country) of the filled Phone and
/// Mobile cells of `row` that hold no spreadsheet error.
pub fn row_phone_keys(row: &ImportRow) -> impl Iterator<Item = PhoneKey> + '_ {
    let country = row_country(row);
    PHONE_FIELDS.into_iter().filter_map(move |field| {
        let text = clean(row.values.get(field));
        (!text.is_empty() && !row.error_cells.contains(field)).then(|| PhoneKey::new(text, country))
    })
}

/// The distinct phone keys of `rows`, sorted: what the page asks the server
/// about once a file is read.
pub fn phone_keys<'r>(rows: impl IntoIterator<Item = &'r ImportRow>) -> Vec<PhoneKey> {
    let keys: BTreeSet<PhoneKey> = rows.into_iter().flat_map(row_phone_keys).collect();
    keys.into_iter().collect()
}

impl ImportCheck {
    /// The distinct phone keys of the rows still in the import that have no
    /// verdict yet (after an edit, the ones to ask the server about).
    pub fn phone_keys_to_ask(&self) -> Vec<PhoneKey> {
        let keys: BTreeSet<PhoneKey> = self
            .kept_rows()
            .flat_map(row_phone_keys)
            .filter(|key| !self.phones.contains(key))
            .collect();
        keys.into_iter().collect()
    }

    /// The phone keys of row `index` without a verdict yet.
    pub fn row_phone_keys_to_ask(&self, index: usize) -> Vec<PhoneKey> {
        self.rows
            .get(index)
            .map(|row| row_phone_keys(row).filter(|key| !self.phones.contains(key)).collect())
            .unwrap_or_default()
    }

    /// Every phone verdict heard so far (to carry into a fresh check of the
    /// same rows).
    pub fn phone_verdicts(&self) -> &PhoneVerdicts {
        &self.phones
    }

    /// The server's verdict on the `field` cell of row `index`, if heard.
    pub fn phone_verdict(&self, index: usize, field: Field) -> Option<&PhoneVerdict> {
        let row = self.rows.get(index)?;
        self.phones.get(row.values.get(field), row_country(row))
    }

    /// Takes in the server's verdicts on phone keys and re-checks the rows
    /// whose phone cells they answer (anew or differently). Returns those
    /// rows: their verdict may be the same, but the number shown changed.
    pub fn add_phone_verdicts(&mut self, verdicts: Vec<(PhoneKey, PhoneVerdict)>) -> Vec<usize> {
        let answered: BTreeSet<PhoneKey> = verdicts
            .iter()
            .filter(|(key, verdict)| self.phones.get(&key.text, key.country.as_deref()) != Some(verdict))
            .map(|(key, _)| key.clone())
            .collect();
        self.phones.extend(verdicts);
        if answered.is_empty() {
            return Vec::new();
        }
        let targets: Vec<usize> = (0..self.rows.len())
            .filter(|&index| !self.is_removed(index))
            .filter(|&index| row_phone_keys(&self.rows[index]).any(|key| answered.contains(&key)))
            .collect();
        self.refresh(&targets);
        targets
    }
}
