//! Dropdown values mapped: the values of Contact Type, Category and Country
//! that the rules do not know, listed once each with what the user chose
//! they mean, and the edits that choice made to every row with the value.
//!
//! Invariant: every cell a choice changed is recorded with the text it had
//! (the choice's `AppliedEdits`), so choosing another value or "leave as is"
//! first puts back exactly the cells that still hold what the choice wrote
//! (a cell typed over by hand or by a column fix since is left alone), and
//! the rows end up as if only the latest choice had been made. Choices are
//! set and put back through the same path as column fixes
//! (`Session::apply_edits` / `Session::put_back`), so each changed row is
//! re-checked once and its verdict is current the moment a choice returns;
//! when the rows are built, each choice column is read once and every
//! filled-in choice applied in one batch. The list itself is taken once,
//! when the rows are built, so a value stays listed (and its choice
//! changeable) after its cells were rewritten.

use std::collections::{BTreeMap, HashMap};

use rules::choices::{
    choice_key, unknown_values, Choice, ChoiceField, GuessReason, MappingError, UnknownValues, ValueMapping,
};
use rules::column_fix::EditBatch;
use rules::country::{country_by_code, COUNTRIES};
use store::model::RememberedMapping;

use super::super::session_fixes::AppliedEdits;
use super::Session;

/// Where a value's choice came from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ChoiceOrigin {
    /// The rules' guess, not yet looked at by the user.
    Guess(GuessReason),
    /// The user chose it.
    Chosen,
    /// The account chose it in an earlier import of a file like this one.
    Remembered,
}

/// The unknown values of the import and what was chosen for each.
#[derive(Clone, Debug, Default)]
pub struct ValueChoices {
    /// The unknown values as the rows had them when built, per column.
    found: Vec<UnknownValues>,
    /// The choice in force for each value.
    mapping: ValueMapping,
    /// Where each choice in `mapping` came from, by column and value key.
    origins: BTreeMap<(ChoiceField, String), ChoiceOrigin>,
    /// The edits each choice made (with the texts they replaced), by
    /// column and value key.
    applied: BTreeMap<(ChoiceField, String), AppliedEdits>,
}

impl ValueChoices {
    /// Choices remembered from an earlier import, to apply to a new one.
    pub fn remembered(mapping: ValueMapping) -> ValueChoices {
        let origins = mapping
            .entries()
            .map(|entry| ((entry.field, choice_key(&entry.from)), ChoiceOrigin::Remembered))
            .collect();
        ValueChoices { mapping, origins, ..ValueChoices::default() }
    }

    /// The choices in force (guesses the user left included), as the
    /// account would remember them.
    pub fn mapping(&self) -> &ValueMapping {
        &self.mapping
    }
}

/// [`Session::find_value_choices`] a column at a time: each column goes
/// over every row, so the page gives the browser a turn between them.
pub struct ValueChoicesFinder {
    earlier: ValueChoices,
    values: ValueChoices,
    batches: Vec<((ChoiceField, String), EditBatch)>,
    /// The columns not listed yet.
    columns: std::slice::Iter<'static, ChoiceField>,
}

impl ValueChoicesFinder {
    /// A listing that keeps what `earlier` chose.
    pub fn new(earlier: ValueChoices) -> ValueChoicesFinder {
        ValueChoicesFinder { earlier, values: ValueChoices::default(), batches: Vec::new(), columns: ChoiceField::ALL.iter() }
    }

    /// The next column to list, if any is left.
    pub fn next_column(&mut self) -> Option<ChoiceField> {
        self.columns.next().copied()
    }
}

/// One column's unknown values as the panel lists them.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueColumnView {
    pub field: ChoiceField,
    /// The column's header in the file.
    pub header: String,
    pub values: Vec<ValueView>,
    /// Different unknown values not listed (beyond the most a column lists).
    pub more: usize,
}

/// One unknown value and its choice.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueView {
    pub field: ChoiceField,
    /// The value as the file first wrote it.
    pub text: String,
    /// How many rows have it.
    pub rows: usize,
    /// The value it is imported as (`""` for blank), or `None`: left as is.
    pub chosen: Option<&'static str>,
    pub origin: Option<ChoiceOrigin>,
}

impl ValueView {
    /// Why the choice was filled in, when the user has not made it:
    /// "Our guess: a word for Tenant" (for a country, its name: "a word for
    /// United Kingdom").
    pub fn note(&self) -> Option<String> {
        let chosen = self.chosen?;
        let shown = match (chosen, self.field) {
            ("", _) => "blank",
            (code, ChoiceField::Country) => country_by_code(code).map_or(code, |country| country.name),
            (value, ChoiceField::Kind | ChoiceField::Category) => value,
        };
        match self.origin? {
            ChoiceOrigin::Guess(GuessReason::Synonym) => Some(format!("Our guess: a word for {shown}")),
            ChoiceOrigin::Guess(GuessReason::Similar { spelling, .. }) => {
                Some(format!("Our guess: close to {spelling}"))
            }
            ChoiceOrigin::Guess(GuessReason::Known) | ChoiceOrigin::Chosen => None,
            ChoiceOrigin::Remembered => Some("Remembered from your last import".to_string()),
        }
    }
}

/// How a choice reads in the list: `Tenant`, `GB — United Kingdom`, or
/// `(blank)`.
pub fn choice_label(choice: Choice) -> String {
    let value = choice.value();
    if value.is_empty() {
        return "(blank)".to_string();
    }
    match choice.field() {
        ChoiceField::Country => COUNTRIES
            .iter()
            .find(|country| country.code == value)
            .map_or_else(|| value.to_string(), |country| format!("{value} — {}", country.name)),
        ChoiceField::Kind | ChoiceField::Category => value.to_string(),
    }
}

impl Session {
    /// Lists the unknown values of the rows as they are now and fills in a
    /// choice for each: the one `earlier` made for the same value (kept with
    /// its origin: the user's, or remembered), else the rules' guess. Call it
    /// whenever the rows are built from the file. Each column is read once
    /// and every choice filled in is applied in one batch. The page does the
    /// same a column at a time ([`ValueChoicesFinder`]).
    pub fn find_value_choices(&mut self, earlier: ValueChoices) {
        let mut finder = ValueChoicesFinder::new(earlier);
        while let Some(field) = finder.next_column() {
            self.list_values(&mut finder, field);
        }
        self.install_value_choices(finder);
    }

    /// Lists the unknown values of column `field` into `finder`, with the
    /// choice for each and the edits those choices make (not yet applied).
    pub fn list_values(&self, finder: &mut ValueChoicesFinder, field: ChoiceField) {
        let ValueChoicesFinder { earlier, values, batches, .. } = finder;
        let cells = self.choice_cells(field);
        let column = unknown_values(field, cells.iter().map(|&(_, text)| text), &earlier.mapping);
        for value in &column.values {
            let key = (field, choice_key(&value.text));
            let (choice, origin) = match (value.mapped, value.guess) {
                (Some(choice), _) => (choice, earlier.origins.get(&key).copied().unwrap_or(ChoiceOrigin::Chosen)),
                (None, Some(guess)) => (guess.choice, ChoiceOrigin::Guess(guess.reason)),
                (None, None) => continue,
            };
            // A known choice for an unknown value: the mapping takes it.
            if values.mapping.set(field, &value.text, choice.value()).is_ok() {
                values.origins.insert(key, origin);
            }
        }
        // One pass over the column for all its choices, split by value
        // so that each choice can be changed on its own later.
        let column_batch = values.mapping.edits(field, cells.iter().copied());
        let mut by_value: HashMap<String, usize> = HashMap::new();
        for (edit, old) in column_batch.edits.into_iter().zip(column_batch.inverse) {
            let value_key = choice_key(&old.value);
            let at = match by_value.get(&value_key) {
                Some(&at) => at,
                None => {
                    batches.push(((field, value_key.clone()), EditBatch::default()));
                    by_value.insert(value_key, batches.len() - 1);
                    batches.len() - 1
                }
            };
            if let Some((_, batch)) = batches.get_mut(at) {
                batch.push(edit, old);
            }
        }
        values.found.push(column);
    }

    /// Applies the choices `finder` filled in, every column's in one batch,
    /// and keeps the list.
    pub fn install_value_choices(&mut self, finder: ValueChoicesFinder) {
        let ValueChoicesFinder { mut values, batches, .. } = finder;
        let (keys, edits): (Vec<_>, Vec<_>) = batches.into_iter().unzip();
        values.applied = keys.into_iter().zip(self.apply_edits(edits)).collect();
        self.values = values;
    }

    /// Whether a Country choice (a guess, or one remembered) changed some
    /// rows' Country: their numbers are then read by a country the server
    /// was not asked about.
    pub fn country_choices_applied(&self) -> bool {
        self.values.applied.keys().any(|(field, _)| *field == ChoiceField::Country)
    }

    /// The user's choice for unknown value `text` of `field`: `Some(value)`
    /// imports every row with it as `value` (a stored spelling, `""` for
    /// blank), `None` leaves those rows as the file has them. Returns the
    /// rows whose cell changed. A value the column does not accept is
    /// refused with a typed error and changes nothing.
    pub fn choose_value(&mut self, field: ChoiceField, text: &str, to: Option<&str>) -> Result<Vec<usize>, MappingError> {
        // Check the new choice before anything changes.
        let mut single = ValueMapping::new();
        match to {
            Some(to) => single.set(field, text, to).map(|_| ())?,
            None if choice_key(text).is_empty() => return Err(MappingError::BlankValue { field }),
            None => {}
        }
        let key = (field, choice_key(text));
        let mut changed = Vec::new();
        if let Some(earlier) = self.values.applied.remove(&key) {
            changed.extend(self.put_back(&earlier).rows);
        }
        self.values.mapping.remove(field, text);
        self.values.origins.remove(&key);
        let Some(to) = to else {
            return Ok(sorted(changed));
        };
        self.values.mapping.set(field, text, to)?;
        self.values.origins.insert(key.clone(), ChoiceOrigin::Chosen);
        let batch = single.edits(field, self.choice_cells(field));
        changed.extend(batch.edits.iter().map(|edit| edit.row));
        let applied = self.apply_edits(vec![batch]).pop().unwrap_or_default();
        self.values.applied.insert(key, applied);
        Ok(sorted(changed))
    }

    /// `(row index, text)` of `field` in every row still in the import,
    /// but for cells holding a spreadsheet error (`#N/A`): those are an
    /// issue of their own, not a value to map. Borrowed, not copied: at
    /// 200,000 rows the copies of three columns were a third of listing
    /// the values.
    fn choice_cells(&self, field: ChoiceField) -> Vec<(usize, &str)> {
        let field = field.field();
        self.check
            .verdicts()
            .filter_map(|(index, _)| {
                let row = self.check.row(index)?;
                (!row.error_cells.contains(field)).then(|| (index, row.values.get(field)))
            })
            .collect()
    }

    /// What the account remembers of this import's mapping once it is
    /// confirmed: the file's headers, the columns chosen by hand and the
    /// value choices in force. `None` when there is nothing of either.
    pub fn mapping_to_remember(&self) -> Option<(Vec<String>, RememberedMapping)> {
        let columns = self.mapping.overrides();
        let values = self.values.mapping.clone();
        (!columns.is_empty() || !values.is_empty())
            .then(|| (self.file.head.headers.clone(), RememberedMapping { columns, values }))
    }

    /// How many unknown values are listed, over every column.
    pub fn listed_value_count(&self) -> usize {
        self.values.found.iter().map(|column| column.values.len()).sum()
    }

    /// The unknown values, per column that has any, with their choices.
    pub fn value_choices_view(&self) -> Vec<ValueColumnView> {
        self.values
            .found
            .iter()
            .filter(|column| !column.values.is_empty())
            .map(|column| ValueColumnView {
                field: column.field,
                header: self.header(column.field.field()),
                values: column
                    .values
                    .iter()
                    .map(|value| {
                        let key = (column.field, choice_key(&value.text));
                        ValueView {
                            field: column.field,
                            text: value.text.clone(),
                            rows: value.rows,
                            chosen: self.values.mapping.get(column.field, &value.text).map(Choice::value),
                            origin: self.values.origins.get(&key).copied(),
                        }
                    })
                    .collect(),
                more: column.more,
            })
            .collect()
    }
}

fn sorted(mut rows: Vec<usize>) -> Vec<usize> {
    rows.sort_unstable();
    rows.dedup();
    rows
}

#[cfg(test)]
mod tests;
