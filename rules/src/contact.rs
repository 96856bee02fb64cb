//! A contact's values, and the closed vocabularies some fields use.

use std::ops::{Index, IndexMut};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::field::Field;

/// One text value per field, indexed by `Field`; `""` means blank.
///
/// The same type carries raw cells of an import row (trimmed, not yet
/// normalised) and a contact's stored values (normalised: kind, category and
/// country in their canonical spelling).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ContactFields(pub [String; Field::COUNT]);

impl ContactFields {
    /// Every field blank.
    pub fn blank() -> ContactFields {
        ContactFields::default()
    }

    /// Builds values from `(field, value)` pairs; unnamed fields are blank.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (Field, &'a str)>) -> ContactFields {
        let mut fields = ContactFields::blank();
        for (field, value) in pairs {
            fields[field] = value.to_string();
        }
        fields
    }

    /// Builds values from one string per field, in template order.
    pub fn from_row(row: &[&str; Field::COUNT]) -> ContactFields {
        ContactFields(row.map(str::to_string))
    }

    /// The value of `field`.
    pub fn get(&self, field: Field) -> &str {
        &self.0[field.index()]
    }

    /// Replaces the value of `field`.
    pub fn set(&mut self, field: Field, value: impl Into<String>) {
        self.0[field.index()] = value.into();
    }

    /// `(field, value)` for every field, in template order.
    pub fn iter(&self) -> impl Iterator<Item = (Field, &str)> {
        Field::ALL.into_iter().map(move |field| (field, self.get(field)))
    }

    /// Whether every field is blank.
    pub fn is_blank(&self) -> bool {
        self.0.iter().all(|value| value.is_empty())
    }

    /// The contact kind these values describe; blank or unknown means Person.
    pub fn kind(&self) -> ContactKind {
        ContactKind::parse(self.get(Field::Kind)).unwrap_or(ContactKind::Person)
    }

    /// How the contact is named in lists and messages: a company by its
    /// company name; a person as "First Last"; failing those, the email, else
    /// the Contact ID.
    pub fn display_name(&self) -> String {
        let company = self.get(Field::CompanyName);
        if self.kind() == ContactKind::Company && !company.is_empty() {
            return company.to_string();
        }
        let person = [self.get(Field::FirstName), self.get(Field::LastName)]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if !person.is_empty() {
            return person;
        }
        [
            self.get(Field::CompanyName),
            self.get(Field::Email),
            self.get(Field::Reference),
        ]
        .into_iter()
        .find(|name| !name.is_empty())
        .unwrap_or("(no name)")
        .to_string()
    }
}

impl Index<Field> for ContactFields {
    type Output = String;
    fn index(&self, field: Field) -> &String {
        &self.0[field.index()]
    }
}

impl IndexMut<Field> for ContactFields {
    fn index_mut(&mut self, field: Field) -> &mut String {
        &mut self.0[field.index()]
    }
}

/// A contact's values as the rules allow them to be stored: normalised, and
/// checked (by merge planning for an import row, or by the contact form).
/// Only this crate builds one, so a store that accepts only `ValidContact`
/// writes only what the rules validated.
///
/// Serialisable for answers, never deserialisable: a client cannot send one.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct ValidContact(ContactFields);

impl ValidContact {
    /// Wraps values the rules have just validated.
    pub(crate) fn validated(fields: ContactFields) -> ValidContact {
        ValidContact(fields)
    }

    /// The values.
    pub fn fields(&self) -> &ContactFields {
        &self.0
    }

    /// The values, taken out.
    pub fn into_fields(self) -> ContactFields {
        self.0
    }

    /// The value of `field`.
    pub fn get(&self, field: Field) -> &str {
        self.0.get(field)
    }

    /// The Contact ID's match key (`""` without one): what the store's
    /// unique index and lookups compare.
    pub fn reference_key(&self) -> String {
        crate::check::match_key(self.0.get(Field::Reference))
    }

    /// The email's match key (`""` without one).
    pub fn email_key(&self) -> String {
        crate::check::match_key(self.0.get(Field::Email))
    }

    /// How the contacts list sorts and searches this contact.
    pub fn listing_keys(&self) -> crate::search::ListingKeys {
        crate::search::ListingKeys::of(&self.0)
    }
}

/// Whether a contact is a person or a company.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ContactKind {
    #[default]
    Person,
    Company,
}

impl ContactKind {
    /// Both kinds, in the order the template's drop-down lists them.
    pub const ALL: [ContactKind; 2] = [ContactKind::Person, ContactKind::Company];

    /// The stored and displayed spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            ContactKind::Person => "Person",
            ContactKind::Company => "Company",
        }
    }

    /// Reads `Person` or `Company` in any case, ignoring surrounding spaces.
    /// Blank is not accepted here: what blank means depends on the context.
    pub fn parse(text: &str) -> Option<ContactKind> {
        let text = text.trim();
        ContactKind::ALL
            .into_iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(text))
    }
}

/// The category a contact is filed under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Category {
    Tenant,
    Landlord,
    Supplier,
    Agent,
    Other,
}

impl Category {
    /// Every category, in the order the template's drop-down lists them.
    pub const ALL: [Category; 5] = [
        Category::Tenant,
        Category::Landlord,
        Category::Supplier,
        Category::Agent,
        Category::Other,
    ];

    /// The stored and displayed spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Category::Tenant => "Tenant",
            Category::Landlord => "Landlord",
            Category::Supplier => "Supplier",
            Category::Agent => "Agent",
            Category::Other => "Other",
        }
    }

    /// Reads a category in any case, ignoring surrounding spaces.
    pub fn parse(text: &str) -> Option<Category> {
        let text = text.trim();
        Category::ALL
            .into_iter()
            .find(|category| category.as_str().eq_ignore_ascii_case(text))
    }
}

/// A contact already in the account, as the rules need to see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExistingContact {
    /// The contact's database id.
    pub id: Uuid,
    /// Bumped by every write; lets a later write detect an edit in between.
    pub version: i32,
    /// The stored (normalised) values.
    pub fields: ContactFields,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_and_category_parse_in_any_case() {
        assert_eq!(ContactKind::parse(" company "), Some(ContactKind::Company));
        assert_eq!(ContactKind::parse("PERSON"), Some(ContactKind::Person));
        assert_eq!(ContactKind::parse(""), None);
        assert_eq!(ContactKind::parse("Persons"), None);
        assert_eq!(Category::parse("landlord"), Some(Category::Landlord));
        assert_eq!(Category::parse("Tenants"), None);
    }

    #[test]
    fn display_name_prefers_the_person_then_company_then_email() {
        let person = ContactFields::from_pairs([
            (Field::FirstName, "Ana"),
            (Field::LastName, "Silva"),
            (Field::CompanyName, "Acme"),
        ]);
        assert_eq!(person.display_name(), "Ana Silva");
        let company = ContactFields::from_pairs([(Field::CompanyName, "Acme")]);
        assert_eq!(company.display_name(), "Acme");
        let company_with_contact_person = ContactFields::from_pairs([
            (Field::Kind, "Company"),
            (Field::FirstName, "Ana"),
            (Field::LastName, "Silva"),
            (Field::CompanyName, "Acme"),
        ]);
        assert_eq!(company_with_contact_person.display_name(), "Acme");
        let email_only = ContactFields::from_pairs([(Field::Email, "a@b.co")]);
        assert_eq!(email_only.display_name(), "a@b.co");
        assert_eq!(ContactFields::blank().display_name(), "(no name)");
    }
}
