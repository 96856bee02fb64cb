//! What a row does to the contact it matches (or creates), in each mode.
//!
//! Invariants, for a row whose values are normalised
//! ([`crate::validate::normalise_cell`]):
//! - A field the row does not speak for (its column is absent from the file
//!   and the cell is blank) is never touched, in either mode.
//! - Keep mode never clears a field: a blank cell leaves the existing value.
//! - Overwrite mode gives exactly the row's values for the fields it speaks
//!   for, except that a blank Contact Type means Person, and a Contact ID or
//!   email that differs from the stored one only in case keeps the stored
//!   spelling (keys compare case-insensitively, so that is no change).
//! - A required field (First and Last Name for a person, Company Name for a
//!   company, judged on the resulting kind) never ends up blank: that is a
//!   problem, not a plan.
//! - Planning the resulting contact again gives [`Action::Unchanged`].

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::check::same_key;
use crate::contact::{ContactFields, ContactKind, ExistingContact, ValidContact};
use crate::field::{Field, FieldSet};
use crate::issue::Problem;

/// How an import treats the existing contacts it matches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MergeMode {
    /// "Keep existing information when import fields are blank" (the default).
    #[default]
    KeepExisting,
    /// "Overwrite all existing information" (blank cells clear the field).
    OverwriteAll,
}

/// One field an update changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The field.
    pub field: Field,
    /// The stored value before the import (`""` = blank).
    pub before: String,
    /// The value after the import (`""` = blank).
    pub after: String,
}

/// What importing a row does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Creates a new contact.
    New,
    /// Changes an existing contact.
    Update {
        /// The contact's database id.
        contact_id: Uuid,
        /// The version the contact had when checked; writing must fail if it
        /// has moved on (someone edited the contact in between).
        expected_version: i32,
        /// The fields that change, in template order (never empty).
        changes: Vec<FieldChange>,
    },
    /// Matches an existing contact and would change nothing: not written.
    Unchanged {
        /// The contact's database id.
        contact_id: Uuid,
    },
}

impl Action {
    /// The changed fields of an update; empty for the other actions.
    pub fn changes(&self) -> &[FieldChange] {
        match self {
            Action::Update { changes, .. } => changes,
            Action::New | Action::Unchanged { .. } => &[],
        }
    }

    /// The existing contact's id, unless the row creates a new contact.
    pub fn contact_id(&self) -> Option<Uuid> {
        match self {
            Action::New => None,
            Action::Update { contact_id, .. } | Action::Unchanged { contact_id } => {
                Some(*contact_id)
            }
        }
    }
}

/// A valid row's effect: the action and the contact's values afterwards.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// What happens.
    pub action: Action,
    /// The contact's values after the import (normalised; Contact Type is
    /// always filled in for a new contact).
    pub contact: ValidContact,
}

/// Where a field's value comes from when a row updates an existing contact,
/// in terms of the row's own result as a new contact (what [`plan`] gives
/// with no existing contact). This is the one statement of the update rules
/// of [`plan`] (which applies it), field by field, so that a store can
/// apply it in bulk to rows the rules staged ([`update_sources`]) without
/// asking the rules again per row; what the store does with it is held to
/// [`plan`] by the store's tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateSource {
    /// The stored value stays (the row does not speak for the field, or
    /// leaves it blank in keep mode).
    Stored,
    /// The row's value as a new contact would hold it.
    Row,
    /// The row's value, unless the stored value is the same key (Contact ID
    /// or email, compared as [`same_key`]) in another spelling, which stays.
    RowUnlessSameKey,
}

impl UpdateSource {
    /// The value after the update: `as_new` is the row's value as a new
    /// contact, `stored` the contact's.
    pub fn apply<'v>(self, as_new: &'v str, stored: &'v str) -> &'v str {
        match self {
            UpdateSource::Stored => stored,
            UpdateSource::Row => as_new,
            UpdateSource::RowUnlessSameKey if same_key(as_new, stored) => stored,
            UpdateSource::RowUnlessSameKey => as_new,
        }
    }
}

/// [`UpdateSource`] of every field for a row, as two sets: the fields whose
/// stored value stays, and those that keep a stored key of the same
/// spelling ([`UpdateSource::RowUnlessSameKey`]); every other field takes
/// the row's value as a new contact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UpdateSources {
    /// [`UpdateSource::Stored`].
    pub stored: FieldSet,
    /// [`UpdateSource::RowUnlessSameKey`].
    pub unless_same_key: FieldSet,
}

/// The [`UpdateSources`] of a row with normalised `values` speaking for
/// `given` ([`given_fields`]) in `mode`.
pub fn update_sources(values: &ContactFields, given: FieldSet, mode: MergeMode) -> UpdateSources {
    sources_of(values, given, mode)
}

pub(crate) fn sources_of(values: &impl Values, given: FieldSet, mode: MergeMode) -> UpdateSources {
    let mut sources = UpdateSources::default();
    for field in Field::ALL {
        match update_source(values, given, mode, field) {
            UpdateSource::Stored => sources.stored.insert(field),
            UpdateSource::RowUnlessSameKey => sources.unless_same_key.insert(field),
            UpdateSource::Row => {}
        }
    }
    sources
}

/// Where `field` comes from when the row updates a contact:
/// - a field the row does not speak for keeps the stored value;
/// - a filled-in value replaces it, except that a Contact ID or email equal
///   to the stored one ignoring case keeps the stored spelling;
/// - a blank value keeps the stored value in keep mode and clears it in
///   overwrite mode (a blank Contact Type then means Person).
fn update_source(values: &impl Values, given: FieldSet, mode: MergeMode, field: Field) -> UpdateSource {
    if !given.contains(field) {
        UpdateSource::Stored
    } else if !values.value(field).is_empty() {
        if matches!(field, Field::Reference | Field::Email) {
            UpdateSource::RowUnlessSameKey
        } else {
            UpdateSource::Row
        }
    } else {
        match mode {
            MergeMode::KeepExisting => UpdateSource::Stored,
            MergeMode::OverwriteAll => UpdateSource::Row,
        }
    }
}

/// Read access to a row's values, so the whole-import check can plan rows
/// without copying them into a [`ContactFields`].
pub(crate) trait Values {
    /// The value of `field` (`""` = blank).
    fn value(&self, field: Field) -> &str;
}

impl Values for ContactFields {
    fn value(&self, field: Field) -> &str {
        self.get(field)
    }
}

impl Values for crate::validate::NormalisedRow<'_> {
    fn value(&self, field: Field) -> &str {
        self.get(field)
    }
}

/// The fields a row speaks for: the file's columns, plus any field the row
/// has a value for (a cell the user typed into although the file has no such
/// column). A blank cell of an absent column says nothing.
pub fn given_fields(values: &ContactFields, present: FieldSet) -> FieldSet {
    given(values, present)
}

pub(crate) fn given(values: &impl Values, present: FieldSet) -> FieldSet {
    Field::ALL
        .into_iter()
        .filter(|&field| !values.value(field).is_empty())
        .fold(present, FieldSet::with)
}

/// The fields a contact of `kind` must have.
pub const fn required_fields(kind: ContactKind) -> &'static [Field] {
    match kind {
        ContactKind::Person => &[Field::FirstName, Field::LastName],
        ContactKind::Company => &[Field::CompanyName],
    }
}

/// Plans one row: `values` are the row's normalised values, `given` the fields
/// it speaks for ([`given_fields`]), `existing` the contact it matched (none
/// for a new contact).
///
/// - A field not in `given` keeps the existing value (blank for a new contact).
/// - A filled-in value replaces the existing one, except that a Contact ID or
///   email equal to the stored one ignoring case keeps the stored spelling.
/// - A blank value keeps the existing value in keep mode and clears it in
///   overwrite mode. A Contact ID is cleared like any other field: a row that
///   matched by email with a blank Contact ID in overwrite mode removes the
///   contact's reference.
/// - Contact Type left blank means Person for a new contact, and for an
///   existing contact in overwrite mode; in keep mode the kind stays.
///
/// Fails with the problems of the required fields the result would lack:
/// [`Problem::WouldClearRequired`] when overwriting blanks a value the contact
/// had, [`Problem::Required`] otherwise. When Contact Type is not a kind the
/// rules know (the caller passed an invalid cell), required fields are not
/// judged.
pub fn plan(
    values: &ContactFields,
    given: FieldSet,
    existing: Option<&ExistingContact>,
    mode: MergeMode,
) -> Result<Plan, Vec<(Field, Problem)>> {
    plan_of(values, given, existing, mode)
}

/// [`plan`] of values read in place (a row already normalised), without
/// copying them into a [`ContactFields`] first.
pub(crate) fn plan_of(
    values: &impl Values,
    given: FieldSet,
    existing: Option<&ExistingContact>,
    mode: MergeMode,
) -> Result<Plan, Vec<(Field, Problem)>> {
    let merge = Merge {
        values,
        given,
        existing,
        mode,
    };
    let action = merge.action()?;
    let fields = ContactFields(Field::ALL.map(|field| merge.after(field).to_string()));
    Ok(Plan { action, contact: ValidContact::validated(fields) })
}

/// [`plan`]'s action alone, without building the resulting values.
pub(crate) fn plan_action(
    values: &impl Values,
    given: FieldSet,
    existing: Option<&ExistingContact>,
    mode: MergeMode,
) -> Result<Action, Vec<(Field, Problem)>> {
    Merge {
        values,
        given,
        existing,
        mode,
    }
    .action()
}

/// One row against one contact; every rule of [`plan`] is here.
struct Merge<'a, V: Values> {
    values: &'a V,
    given: FieldSet,
    existing: Option<&'a ExistingContact>,
    mode: MergeMode,
}

impl<'a, V: Values> Merge<'a, V> {
    /// The stored value of `field` before the import (`""` for a new contact).
    fn before(&self, field: Field) -> &'a str {
        self.existing
            .map_or("", |contact| contact.fields.get(field))
    }

    /// The value of `field` after the import: the row's value as a new
    /// contact, or for an existing contact what [`update_source`] says.
    fn after(&self, field: Field) -> &'a str {
        let as_new = self.as_new(field);
        match self.existing {
            None => as_new,
            Some(contact) => update_source(self.values, self.given, self.mode, field)
                .apply(as_new, contact.fields.get(field)),
        }
    }

    /// The value of `field` for a new contact: the row's value where it
    /// speaks for the field, else blank; a blank Contact Type means Person.
    fn as_new(&self, field: Field) -> &'a str {
        let new = self.values.value(field);
        if self.given.contains(field) && !new.is_empty() {
            new
        } else if field == Field::Kind {
            ContactKind::Person.as_str()
        } else {
            ""
        }
    }

    /// The action, or the required fields the result would lack.
    fn action(&self) -> Result<Action, Vec<(Field, Problem)>> {
        let kind_text = self.after(Field::Kind);
        let kind = if kind_text.is_empty() {
            Some(ContactKind::Person)
        } else {
            ContactKind::parse(kind_text)
        };
        if let Some(kind) = kind {
            let problems: Vec<(Field, Problem)> = required_fields(kind)
                .iter()
                .filter(|&&field| self.after(field).is_empty())
                .map(|&field| {
                    let cleared = !self.before(field).is_empty() && self.given.contains(field);
                    let problem = if cleared {
                        Problem::WouldClearRequired { contact_kind: kind }
                    } else {
                        Problem::Required { contact_kind: kind }
                    };
                    (field, problem)
                })
                .collect();
            if !problems.is_empty() {
                return Err(problems);
            }
        }
        let Some(contact) = self.existing else {
            return Ok(Action::New);
        };
        let changes: Vec<FieldChange> = Field::ALL
            .into_iter()
            .filter(|&field| self.after(field) != contact.fields.get(field))
            .map(|field| FieldChange {
                field,
                before: contact.fields.get(field).to_string(),
                after: self.after(field).to_string(),
            })
            .collect();
        Ok(if changes.is_empty() {
            Action::Unchanged {
                contact_id: contact.id,
            }
        } else {
            Action::Update {
                contact_id: contact.id,
                expected_version: contact.version,
                changes,
            }
        })
    }
}

#[cfg(test)]
mod tests;
