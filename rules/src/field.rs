//! The contact fields, in template column order, and sets of them.

use serde::{Deserialize, Serialize};

/// One contact field, which is also one column of the import template.
///
/// The declaration order is the template's column order; `Field::ALL` and
/// `Field::index` rely on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Reference,
    Kind,
    Title,
    FirstName,
    LastName,
    CompanyName,
    Email,
    Phone,
    Mobile,
    AddressLine1,
    AddressLine2,
    City,
    Region,
    Postcode,
    Country,
    Category,
    Notes,
}

impl Field {
    /// How many fields (template columns) there are.
    pub const COUNT: usize = 17;

    /// Every field, in template column order.
    pub const ALL: [Field; Field::COUNT] = [
        Field::Reference,
        Field::Kind,
        Field::Title,
        Field::FirstName,
        Field::LastName,
        Field::CompanyName,
        Field::Email,
        Field::Phone,
        Field::Mobile,
        Field::AddressLine1,
        Field::AddressLine2,
        Field::City,
        Field::Region,
        Field::Postcode,
        Field::Country,
        Field::Category,
        Field::Notes,
    ];

    /// Position of the field in `Field::ALL` and in the template.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The field at `index` in template order, if there is one.
    pub fn from_index(index: usize) -> Option<Field> {
        Field::ALL.get(index).copied()
    }

    /// The column header used in the template, the export and messages.
    pub const fn header(self) -> &'static str {
        match self {
            Field::Reference => "Contact ID",
            Field::Kind => "Contact Type",
            Field::Title => "Title",
            Field::FirstName => "First Name",
            Field::LastName => "Last Name",
            Field::CompanyName => "Company Name",
            Field::Email => "Email",
            Field::Phone => "Phone",
            Field::Mobile => "Mobile",
            Field::AddressLine1 => "Address Line 1",
            Field::AddressLine2 => "Address Line 2",
            Field::City => "City",
            Field::Region => "State / Region",
            Field::Postcode => "Postcode",
            Field::Country => "Country",
            Field::Category => "Category",
            Field::Notes => "Notes",
        }
    }

    /// The snake_case name: the database column and the serde name.
    pub const fn key(self) -> &'static str {
        match self {
            Field::Reference => "reference",
            Field::Kind => "kind",
            Field::Title => "title",
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::CompanyName => "company_name",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::Mobile => "mobile",
            Field::AddressLine1 => "address_line1",
            Field::AddressLine2 => "address_line2",
            Field::City => "city",
            Field::Region => "region",
            Field::Postcode => "postcode",
            Field::Country => "country",
            Field::Category => "category",
            Field::Notes => "notes",
        }
    }

    /// The field whose `key()` is `key`.
    pub fn from_key(key: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|field| field.key() == key)
    }

    /// The field's rules in one or two plain sentences: the template's note on
    /// the header, the Instructions sheet, and hints in the app.
    pub const fn rules_text(self) -> &'static str {
        match self {
            Field::Reference => "Optional: your own ID for the contact, up to 50 characters. When filled in, it finds the contact to update, so it must be unique in the file.",
            Field::Kind => "Person or Company (any case). Blank means Person.",
            Field::Title => "Optional, up to 20 characters, such as Mr, Ms or Dr.",
            Field::FirstName => "Required for a person. Up to 100 characters.",
            Field::LastName => "Required for a person. Up to 100 characters.",
            Field::CompanyName => "Required for a company. Up to 200 characters.",
            Field::Email => "Optional: an address like name@example.com, up to 254 characters, unique in the file and in your account. When Contact ID is blank, it finds the contact to update.",
            Field::Phone => "Optional: digits with spaces, +, -, ( ) and an optional extension such as x123; 6 to 15 digits.",
            Field::Mobile => "Optional: digits with spaces, +, -, ( ) and an optional extension such as x123; 6 to 15 digits.",
            Field::AddressLine1 | Field::AddressLine2 => "Optional, up to 200 characters.",
            Field::City => "Optional, up to 100 characters.",
            Field::Region => "Optional: state, county or region, up to 100 characters.",
            Field::Postcode => "Optional, up to 20 characters. Kept as text, so leading zeros stay.",
            Field::Country => "Optional: a two-letter code such as AU, GB or US, or the country's English name.",
            Field::Category => "Optional: Tenant, Landlord, Supplier, Agent or Other (any case).",
            Field::Notes => "Optional, up to 2,000 characters.",
        }
    }

    /// The longest value the field accepts, in characters (not bytes).
    pub const fn max_chars(self) -> usize {
        match self {
            Field::Reference => 50,
            Field::Kind => 20,
            Field::Title => 20,
            Field::FirstName | Field::LastName => 100,
            Field::CompanyName => 200,
            Field::Email => 254,
            // Phones are checked by digit count; this only bounds the text.
            Field::Phone | Field::Mobile => 40,
            Field::AddressLine1 | Field::AddressLine2 => 200,
            Field::City | Field::Region => 100,
            Field::Postcode => 20,
            // Long enough for any spelling of a country name the rules know.
            Field::Country => 60,
            Field::Category => 20,
            Field::Notes => 2000,
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.header())
    }
}

/// A set of fields, e.g. the columns present in an imported file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FieldSet(u32);

impl FieldSet {
    /// No fields.
    pub const EMPTY: FieldSet = FieldSet(0);

    /// Every field (a file with every template column).
    pub const fn all() -> FieldSet {
        FieldSet((1 << Field::COUNT) - 1)
    }

    /// The set holding exactly `fields`.
    pub fn of(fields: &[Field]) -> FieldSet {
        fields.iter().fold(FieldSet::EMPTY, |set, &field| set.with(field))
    }

    /// This set plus `field`.
    pub const fn with(self, field: Field) -> FieldSet {
        FieldSet(self.0 | (1 << field.index()))
    }

    /// This set without `field`.
    pub const fn without(self, field: Field) -> FieldSet {
        FieldSet(self.0 & !(1 << field.index()))
    }

    /// Adds `field` to the set.
    pub fn insert(&mut self, field: Field) {
        *self = self.with(field);
    }

    /// Whether `field` is in the set.
    pub const fn contains(self, field: Field) -> bool {
        self.0 & (1 << field.index()) != 0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The fields in the set, in template order.
    pub fn iter(self) -> impl Iterator<Item = Field> {
        Field::ALL.into_iter().filter(move |&field| self.contains(field))
    }
}

impl FromIterator<Field> for FieldSet {
    fn from_iter<I: IntoIterator<Item = Field>>(iter: I) -> Self {
        iter.into_iter().fold(FieldSet::EMPTY, FieldSet::with)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_every_field_at_its_own_index() {
        for (position, field) in Field::ALL.into_iter().enumerate() {
            assert_eq!(field.index(), position);
            assert_eq!(Field::from_index(position), Some(field));
            assert_eq!(Field::from_key(field.key()), Some(field));
        }
        assert_eq!(Field::from_index(Field::COUNT), None);
    }

    #[test]
    fn field_serialises_as_its_key() {
        for field in Field::ALL {
            let json = serde_json::to_string(&field).unwrap();
            assert_eq!(json, format!("\"{}\"", field.key()));
        }
    }

    #[test]
    fn field_set_holds_what_was_put_in() {
        let set = FieldSet::of(&[Field::Email, Field::Notes]);
        assert!(set.contains(Field::Email));
        assert!(set.contains(Field::Notes));
        assert!(!set.contains(Field::Reference));
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![Field::Email, Field::Notes]);
        assert_eq!(set.without(Field::Email).iter().count(), 1);
        assert_eq!(FieldSet::all().iter().count(), Field::COUNT);
        assert!(FieldSet::EMPTY.is_empty());
    }
}
