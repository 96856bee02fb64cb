//! Matching the file's columns to contact fields, and turning the sheet's
//! rows into import rows.
//!
//! Invariant: in every row, each field's value comes from one source: the
//! first filled of the field's sources, in a fixed order (and a row's address
//! from one address block). A column's use is decided, in this order of
//! precedence, by the user's override, a recognised app's layout
//! ([`layouts`]: Google Contacts, Outlook, …), its header (case, spaces and
//! punctuation ignored; synonyms), a "Name" column split into its parts, and
//! last its values ([`values`]). When several headers name the same field,
//! the column spelled as the template wins, else the leftmost, and the others
//! are ignored as [`ColumnState::Duplicate`] (not an error: the user sees the
//! note and can remap). The mapping is a pure function of the headers, the
//! sample given to [`HeaderMapping::recognise_values`] and the overrides, so
//! the server can rebuild exactly the browser's mapping.
//!
//! Also here: finding the header row under a title block ([`header_row`]),
//! and counting the data that will not be imported ([`left_out`]).

use serde::{Deserialize, Serialize};

use crate::field::{Field, FieldSet};
use crate::validate::clean;
// The sheet types, in one place: they move to the `sheets` crate.
use crate::{Cell, SheetRow};

pub mod header_row;
mod import_row;
pub mod layouts;
pub mod left_out;
pub mod names;
mod plan;
mod resolve;
mod synonyms;
pub mod values;

pub use header_row::{find_header_row, HeaderRowCandidate, HeaderRowChoice, HeaderRowConfidence};
pub use import_row::{ImportColumns, ImportRow};
pub use layouts::{known_layouts, AddressBlockName, Layout};
pub use left_out::{LeftOut, LeftOutColumn, LeftOutTally};
pub use names::{split_full_name, NameParts};

/// The comparison form of a header: lower case, letters and digits only.
/// `"E-mail Address"` → `"emailaddress"`, `"State / Region"` → `"stateregion"`.
pub fn header_key(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// What makes two files' header rows "the same headers" for a remembered
/// mapping: each header's [`header_key`], in order (`"E-mail"` and
/// `"Email"` are the same; a column more or fewer, or moved, is not).
pub fn header_signature(headers: &[String]) -> String {
    headers.iter().map(|header| header_key(header)).collect::<Vec<_>>().join("|")
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
    /// The header (or the recognised app's layout) names this field.
    Recognised { field: Field },
    /// The user chose this field for the column.
    Chosen { field: Field },
    /// The header names nothing, but the column's values look like this
    /// field (a column of email addresses under "Contact").
    Guessed { field: Field },
    /// Another source of `field`, used in the rows where the columns before
    /// it (the first is `of_column`) are blank: Outlook's "Home Phone" after
    /// "Business Phone", Google's "E-mail 2 - Value".
    Fallback { field: Field, of_column: usize },
    /// A whole name, split into Title, First Name and Last Name (or kept whole
    /// as Company Name when it looks like a company's): `fields` are those it
    /// may give.
    FullName { fields: FieldSet },
    /// A value whose label column decides its field: Google's "Phone 1 -
    /// Value" is a Mobile when "Phone 1 - Type" says "Mobile", else a Phone.
    Labelled {
        fields: FieldSet,
        label_column: Option<usize>,
    },
    /// One part of an address block; each row takes its whole address from
    /// one block (the filled one; for a company its business address, for a
    /// person the home address, when both are filled).
    Address {
        field: Field,
        block: AddressBlockName,
    },
    /// Describes another column's values ("Phone 1 - Type"): not data itself.
    Label { of_column: Option<usize> },
    /// Repeats other columns ("File As", "Address 1 - Formatted"): only words
    /// that are not imported elsewhere count as left out.
    Repeats,
    /// The header names no field: the column is ignored.
    Unrecognised,
    /// The header names a field another column already provides: this column
    /// is ignored.
    Duplicate { field: Field, kept_column: usize },
    /// The user chose to ignore the column (or gave its field to another one).
    Ignored,
}

impl ColumnState {
    /// The field the column's values go to, if it is used; for a column that
    /// may give several, the main one (a split name: First Name; a labelled
    /// phone: Phone).
    pub fn field(self) -> Option<Field> {
        match self {
            ColumnState::Recognised { field }
            | ColumnState::Chosen { field }
            | ColumnState::Guessed { field }
            | ColumnState::Fallback { field, .. }
            | ColumnState::Address { field, .. } => Some(field),
            ColumnState::FullName { fields } if fields.contains(Field::FirstName) => {
                Some(Field::FirstName)
            }
            ColumnState::FullName { fields } | ColumnState::Labelled { fields, .. } => {
                fields.iter().next()
            }
            ColumnState::Label { .. }
            | ColumnState::Repeats
            | ColumnState::Unrecognised
            | ColumnState::Duplicate { .. }
            | ColumnState::Ignored => None,
        }
    }

    /// Every field the column's values may go to.
    pub fn fields(self) -> FieldSet {
        match self {
            ColumnState::FullName { fields } | ColumnState::Labelled { fields, .. } => fields,
            other => other.field().into_iter().collect(),
        }
    }

    /// Whether the column's values are imported (in at least some rows).
    pub fn is_used(self) -> bool {
        !self.fields().is_empty()
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

/// The file's columns mapped to fields.
///
/// Not serialisable on purpose: the server rebuilds it from the file's
/// headers (and sample) and the user's [`MappingOverride`]s, never from a
/// client's copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderMapping {
    columns: Vec<ColumnMapping>,
    /// The headers in key form.
    keys: Vec<String>,
    /// The recognised app's layout, by index in the layout table.
    layout: Option<usize>,
    /// What the header alone names, per column.
    header_fields: Vec<Option<Field>>,
    /// What each column's values look like, per column.
    guesses: Vec<Option<Field>>,
    /// The user's choice per column, if any (`Some(None)` = ignore).
    overrides: Vec<Option<Option<Field>>>,
    /// How rows are read.
    plan: plan::Plan,
}

impl HeaderMapping {
    /// The mapping the headers alone give (a known app's layout included).
    pub fn new(headers: &[String]) -> HeaderMapping {
        let keys: Vec<String> = headers.iter().map(|header| header_key(header)).collect();
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
            layout: layouts::detect(&keys),
            keys,
            header_fields: headers
                .iter()
                .map(|header| field_for_header(header))
                .collect(),
            guesses: vec![None; headers.len()],
            overrides: vec![None; headers.len()],
            plan: plan::Plan::default(),
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
        mapping.apply_overrides(overrides);
        mapping
    }

    /// Applies the user's `overrides` (as [`HeaderMapping::with_overrides`]).
    pub fn apply_overrides(&mut self, overrides: &[MappingOverride]) {
        let mut taken = FieldSet::EMPTY;
        for choice in overrides {
            let Some(slot) = self.overrides.get_mut(choice.column) else {
                continue;
            };
            let field = choice.field.filter(|&field| !taken.contains(field));
            if let Some(field) = field {
                taken.insert(field);
            }
            *slot = Some(field);
        }
        self.resolve();
    }

    /// Offers fields for the columns nothing else names, from their values in
    /// `sample` (the sheet's first data rows; see
    /// [`values::VALUE_SAMPLE_ROWS`]): a column of email addresses, phone
    /// numbers, countries or postcodes. Never overrides a header, a layout or
    /// a user's choice; calling it again with another sample replaces the
    /// guesses.
    pub fn recognise_values(&mut self, sample: &[SheetRow]) {
        self.guesses = self
            .columns
            .iter()
            .map(|column| {
                let values = values::sample_values(sample, column.index);
                values::field_for_values(&column.header, &values)
            })
            .collect();
        self.resolve();
    }

    /// The recognised app whose export this file is, if any.
    pub fn layout(&self) -> Option<&'static Layout> {
        self.layout.and_then(layouts::layout)
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

    /// Uses `column` for `field` (all of the column, for that field alone),
    /// or ignores it (`None`). The columns that gave `field` alone before are
    /// then ignored, and columns that gave it among other fields (a split
    /// name, a labelled phone) keep only the others, so the field comes from
    /// this column only. Returns false (and changes nothing) for a column
    /// that does not exist.
    pub fn set(&mut self, column: usize, field: Option<Field>) -> bool {
        if column >= self.columns.len() || column >= self.overrides.len() {
            return false;
        }
        if let Some(field) = field {
            let holders: Vec<usize> = self
                .columns
                .iter()
                .filter(|other| other.index != column && other.state.field() == Some(field))
                .filter(|other| other.state.fields() == FieldSet::EMPTY.with(field))
                .map(|other| other.index)
                .collect();
            for holder in holders {
                if let Some(slot) = self.overrides.get_mut(holder) {
                    *slot = Some(None);
                }
            }
            for other in self.overrides.iter_mut() {
                if *other == Some(Some(field)) {
                    *other = Some(None);
                }
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

    /// Recomputes every column's state, and the plan, from the inputs.
    fn resolve(&mut self) {
        let headers: Vec<String> = self
            .columns
            .iter()
            .map(|column| column.header.clone())
            .collect();
        let (states, plan) = resolve::resolve(&resolve::Inputs {
            headers: &headers,
            keys: &self.keys,
            layout: self.layout(),
            header_fields: &self.header_fields,
            overrides: &self.overrides,
            guesses: &self.guesses,
        });
        for (column, state) in self.columns.iter_mut().zip(states) {
            column.state = state;
        }
        self.plan = plan;
    }

    /// Every column of the file, in order, with how it is used.
    pub fn columns(&self) -> &[ColumnMapping] {
        &self.columns
    }

    /// The field whose value in every row is exactly `column`'s cell: the
    /// column is the field's only source, read whole. This is what writing
    /// an edited value back into the file's own column needs (the error
    /// report); a column that is one of several sources, part of a split
    /// name or a labelled pair, gives `None`, and its cell is kept as read.
    /// For what a column is used for, see [`ColumnMapping::state`].
    pub fn field_of(&self, column: usize) -> Option<Field> {
        let field = self.columns.get(column)?.state.field()?;
        let whole = plan::Alternative::whole(column);
        (self.plan.alternatives[field.index()] == [whole]).then_some(field)
    }

    /// The column that provides `field` (the first of its sources), if any.
    pub fn column_of(&self, field: Field) -> Option<usize> {
        self.plan
            .columns_of(field)
            .first()
            .map(|&(column, _)| column)
    }

    /// The columns that are used (in at least some rows), in file order.
    pub fn recognised(&self) -> impl Iterator<Item = &ColumnMapping> {
        self.columns.iter().filter(|c| c.state.is_used())
    }

    /// The columns that are not used (unrecognised, duplicate, ignored, or
    /// describing others).
    pub fn ignored(&self) -> impl Iterator<Item = &ColumnMapping> {
        self.columns.iter().filter(|c| !c.state.is_used())
    }

    /// The columns whose header names a field another column provides.
    pub fn duplicates(&self) -> impl Iterator<Item = &ColumnMapping> {
        self.columns
            .iter()
            .filter(|c| matches!(c.state, ColumnState::Duplicate { .. }))
    }

    /// The fields the file provides (Contact Type too when it follows the
    /// names, see [`ColumnState::FullName`] and the layouts).
    pub fn present(&self) -> FieldSet {
        self.plan.present()
    }

    /// The template's columns the file lacks. They are never changed by the
    /// import; this is information, not an error.
    pub fn missing(&self) -> FieldSet {
        let present = self.present();
        Field::ALL
            .into_iter()
            .filter(|&field| !present.contains(field))
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

    /// The present fields and what the file calls them: a column's header;
    /// several sources' headers joined by " / "; a split name's part as
    /// "First Name (from Name)". No columns are listed as left out yet (see
    /// [`LeftOut::headers`]).
    pub fn import_columns(&self) -> ImportColumns {
        let mut columns = ImportColumns::from_present(self.present());
        for field in self.present().iter() {
            if let Some(header) = self.source_header(field) {
                columns.headers[field.index()] = header;
            }
        }
        columns
    }

    /// How the file names `field`'s sources, if it has any with a header.
    fn source_header(&self, field: Field) -> Option<String> {
        /// The most headers named for one field; the rest are "…".
        const MOST_NAMED: usize = 3;
        let sources = self.plan.columns_of(field);
        let header = |column: usize| {
            self.columns
                .get(column)
                .map(|column| clean(&column.header))
                .filter(|header| !header.is_empty())
        };
        if let [(column, plan::Read::Name(_))] = sources.as_slice() {
            return header(*column).map(|name| format!("{} (from {name})", field.header()));
        }
        let mut names: Vec<&str> = sources
            .iter()
            .filter_map(|&(column, _)| header(column))
            .collect();
        if names.is_empty() {
            return None;
        }
        if names.len() > MOST_NAMED {
            names.truncate(MOST_NAMED);
            names.push("…");
        }
        Some(names.join(" / "))
    }
}

#[cfg(test)]
mod tests;
