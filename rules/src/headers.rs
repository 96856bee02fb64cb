//! Matching the file's header row to contact fields, and turning the sheet's
//! rows into import rows.
//!
//! Invariant: a [`HeaderMapping`] never maps two columns to the same field.
//! Each column's field comes from the user's override when there is one, else
//! from its header; when several headers name the same field, the column whose
//! header is exactly the template's wins, else the leftmost, and the others are
//! ignored as [`ColumnState::Duplicate`] (not an error: the user sees the note
//! and can remap). The mapping is a pure function of the headers and the
//! overrides, so the server rebuilds exactly the browser's mapping from
//! [`HeaderMapping::overrides`].

use serde::{Deserialize, Serialize};

use crate::field::{Field, FieldSet};
use crate::validate::clean;

mod import_row;
mod synonyms;

pub use import_row::{ImportColumns, ImportRow};

/// The comparison form of a header: lower case, letters and digits only.
/// `"E-mail Address"` → `"emailaddress"`, `"State / Region"` → `"stateregion"`.
pub fn header_key(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The field a header names, ignoring case, spaces and punctuation and knowing
/// common synonyms (`E-mail`, `Surname`, `Zip Code`, `Mobile Phone`, …).
/// Also tried, in order: the header without bracketed parts
/// (`"Email (optional)"`), and without a leading "Contact" (`"Contact Email"`).
pub fn field_for_header(text: &str) -> Option<Field> {
    let key = header_key(text);
    if let Some(field) = lookup(&key) {
        return Some(field);
    }
    let unbracketed = header_key(&strip_brackets(text));
    if let Some(field) = lookup(&unbracketed) {
        return Some(field);
    }
    unbracketed
        .strip_prefix("contact")
        .filter(|rest| !rest.is_empty())
        .and_then(lookup)
}

fn lookup(key: &str) -> Option<Field> {
    if key.is_empty() {
        return None;
    }
    synonyms::SYNONYMS
        .iter()
        .find(|(synonym, _)| *synonym == key)
        .map(|&(_, field)| field)
}

/// `text` without anything inside (), [] or {}.
fn strip_brackets(text: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Whether `header` is spelled as the template spells `field` (ignoring case,
/// spaces and punctuation). Such a column wins over synonyms for the field.
fn is_template_header(header: &str, field: Field) -> bool {
    header_key(header) == header_key(field.header())
}

/// One choice the user made in the mapping step: use `column` for `field`, or
/// ignore the column (`field: None`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingOverride {
    /// The column's index in the header row (0-based).
    pub column: usize,
    /// The field to use the column for; `None` ignores the column.
    pub field: Option<Field>,
}

/// How one column of the file is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ColumnState {
    /// The header names this field.
    Recognised { field: Field },
    /// The user chose this field for the column.
    Chosen { field: Field },
    /// The header names no field: the column is ignored.
    Unrecognised,
    /// The header names a field another column already provides: this column
    /// is ignored.
    Duplicate { field: Field, kept_column: usize },
    /// The user chose to ignore the column (or gave its field to another one).
    Ignored,
}

impl ColumnState {
    /// The field the column provides, if it is used.
    pub fn field(self) -> Option<Field> {
        match self {
            ColumnState::Recognised { field } | ColumnState::Chosen { field } => Some(field),
            ColumnState::Unrecognised | ColumnState::Duplicate { .. } | ColumnState::Ignored => {
                None
            }
        }
    }
}

/// One column of the file and how it is used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMapping {
    /// The column's index in the header row (0-based).
    pub index: usize,
    /// The header as written in the file.
    pub header: String,
    /// Whether and how the column is used.
    pub state: ColumnState,
}

/// The file's columns mapped to fields: at most one column per field.
///
/// Not serialisable on purpose: the server rebuilds it from the file's
/// headers and the user's [`MappingOverride`]s, never from a client's copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderMapping {
    columns: Vec<ColumnMapping>,
    /// What the header alone names, per column.
    header_fields: Vec<Option<Field>>,
    /// The user's choice per column, if any (`Some(None)` = ignore).
    overrides: Vec<Option<Option<Field>>>,
}

impl HeaderMapping {
    /// The mapping the headers alone give.
    pub fn new(headers: &[String]) -> HeaderMapping {
        let mut mapping = HeaderMapping {
            columns: headers
                .iter()
                .enumerate()
                .map(|(index, header)| ColumnMapping {
                    index,
                    header: header.clone(),
                    state: ColumnState::Unrecognised,
                })
                .collect(),
            header_fields: headers
                .iter()
                .map(|header| field_for_header(header))
                .collect(),
            overrides: vec![None; headers.len()],
        };
        mapping.resolve();
        mapping
    }

    /// The mapping the headers give with the user's `overrides` applied, e.g.
    /// on the server from what the browser sent. Overrides for columns that do
    /// not exist are ignored; when two name the same field, the first wins and
    /// the later column is ignored.
    pub fn with_overrides(headers: &[String], overrides: &[MappingOverride]) -> HeaderMapping {
        let mut mapping = HeaderMapping::new(headers);
        let mut taken = FieldSet::EMPTY;
        for choice in overrides {
            let Some(slot) = mapping.overrides.get_mut(choice.column) else {
                continue;
            };
            let field = choice.field.filter(|&field| !taken.contains(field));
            if let Some(field) = field {
                taken.insert(field);
            }
            *slot = Some(field);
        }
        mapping.resolve();
        mapping
    }

    /// The user's choices, in column order: what [`HeaderMapping::with_overrides`]
    /// needs to rebuild this mapping.
    pub fn overrides(&self) -> Vec<MappingOverride> {
        self.overrides
            .iter()
            .enumerate()
            .filter_map(|(column, choice)| choice.map(|field| MappingOverride { column, field }))
            .collect()
    }

    /// Uses `column` for `field`, or ignores it (`None`). A column that
    /// provided `field` before is then ignored, so each field keeps at most
    /// one column. Returns false (and changes nothing) for a column that does
    /// not exist.
    pub fn set(&mut self, column: usize, field: Option<Field>) -> bool {
        if column >= self.columns.len() || column >= self.overrides.len() {
            return false;
        }
        if let Some(field) = field {
            let holder = self.column_of(field).filter(|&holder| holder != column);
            if let Some(slot) = holder.and_then(|holder| self.overrides.get_mut(holder)) {
                *slot = Some(None);
            }
        }
        if let Some(slot) = self.overrides.get_mut(column) {
            *slot = Some(field);
        }
        self.resolve();
        true
    }

    /// Forgets the user's choice for `column`: its header decides again.
    /// Returns false for a column that does not exist.
    pub fn reset(&mut self, column: usize) -> bool {
        match self.overrides.get_mut(column) {
            Some(choice) => {
                *choice = None;
                self.resolve();
                true
            }
            None => false,
        }
    }

    /// Recomputes every column's state from the headers and overrides.
    fn resolve(&mut self) {
        let mut holder: [Option<usize>; Field::COUNT] = [None; Field::COUNT];
        for (index, choice) in self.overrides.iter().enumerate() {
            if let Some(Some(field)) = choice {
                if holder[field.index()].is_none() {
                    holder[field.index()] = Some(index);
                }
            }
        }
        // Header-named columns, exact template spellings first, then left to right.
        let mut candidates: Vec<(usize, Field)> = self
            .header_fields
            .iter()
            .enumerate()
            .filter(|&(index, _)| self.overrides.get(index).is_some_and(Option::is_none))
            .filter_map(|(index, field)| field.map(|field| (index, field)))
            .collect();
        candidates.sort_by_key(|&(index, field)| {
            let exact = self
                .columns
                .get(index)
                .is_some_and(|c| is_template_header(&c.header, field));
            (!exact, index)
        });
        let mut states: Vec<ColumnState> = self
            .overrides
            .iter()
            .enumerate()
            .map(|(index, choice)| match choice {
                Some(Some(field)) if holder[field.index()] == Some(index) => {
                    ColumnState::Chosen { field: *field }
                }
                Some(_) => ColumnState::Ignored,
                None => ColumnState::Unrecognised,
            })
            .collect();
        for (index, field) in candidates {
            let state = match holder[field.index()] {
                Some(kept_column) => ColumnState::Duplicate { field, kept_column },
                None => {
                    holder[field.index()] = Some(index);
                    ColumnState::Recognised { field }
                }
            };
            if let Some(slot) = states.get_mut(index) {
                *slot = state;
            }
        }
        for (column, state) in self.columns.iter_mut().zip(states) {
            column.state = state;
        }
    }

    /// Every column of the file, in order, with how it is used.
    pub fn columns(&self) -> &[ColumnMapping] {
        &self.columns
    }

    /// The field `column` provides, if it is used.
    pub fn field_of(&self, column: usize) -> Option<Field> {
        self.columns.get(column).and_then(|c| c.state.field())
    }

    /// The column that provides `field`, if any.
    pub fn column_of(&self, field: Field) -> Option<usize> {
        self.columns
            .iter()
            .find(|c| c.state.field() == Some(field))
            .map(|c| c.index)
    }

    /// The columns that are used (recognised or chosen), in file order.
    pub fn recognised(&self) -> impl Iterator<Item = &ColumnMapping> {
        self.columns.iter().filter(|c| c.state.field().is_some())
    }

    /// The columns that are not used (unrecognised, duplicate or ignored).
    pub fn ignored(&self) -> impl Iterator<Item = &ColumnMapping> {
        self.columns.iter().filter(|c| c.state.field().is_none())
    }

    /// The columns whose header names a field another column provides.
    pub fn duplicates(&self) -> impl Iterator<Item = &ColumnMapping> {
        self.columns
            .iter()
            .filter(|c| matches!(c.state, ColumnState::Duplicate { .. }))
    }

    /// The fields the file provides.
    pub fn present(&self) -> FieldSet {
        self.columns
            .iter()
            .filter_map(|c| c.state.field())
            .collect()
    }

    /// The template's columns the file lacks. They are never changed by the
    /// import; this is information, not an error.
    pub fn missing(&self) -> FieldSet {
        Field::ALL
            .into_iter()
            .filter(|&field| !self.present().contains(field))
            .collect()
    }

    /// The name columns that stop the file from creating any contact: empty
    /// when the file has Company Name, or both First Name and Last Name;
    /// otherwise those of the three it lacks. Not blocking by itself (such a
    /// file can still update existing contacts); rows that would create a
    /// contact get a `Required` issue.
    pub fn missing_required(&self) -> FieldSet {
        let present = self.present();
        let can_create_person =
            present.contains(Field::FirstName) && present.contains(Field::LastName);
        if can_create_person || present.contains(Field::CompanyName) {
            return FieldSet::EMPTY;
        }
        [Field::FirstName, Field::LastName, Field::CompanyName]
            .into_iter()
            .filter(|&field| !present.contains(field))
            .collect()
    }

    /// The present fields and their headers as written in the file.
    pub fn import_columns(&self) -> ImportColumns {
        let mut columns = ImportColumns::from_present(FieldSet::EMPTY);
        for column in self.recognised() {
            if let Some(field) = column.state.field() {
                columns.present.insert(field);
                let header = clean(&column.header);
                if !header.is_empty() {
                    columns.headers[field.index()] = header.to_string();
                }
            }
        }
        columns
    }
}

#[cfg(test)]
mod tests;
