//! One contact typed into the contact form (new or edited): the same cell
//! rules as the import, the fields its kind requires, and a Contact ID and
//! email that no other contact of the account has.

use uuid::Uuid;

use crate::check::ExistingContacts;
use crate::contact::{ContactFields, ValidContact};
use crate::field::Field;
use crate::headers::{ImportColumns, ImportRow};
use crate::issue::{Issue, Problem};
use crate::merge::required_fields;
use crate::phone::PhoneBook;
use crate::validate::validate_row;

/// The form's values checked: normalised values and the issues, one per
/// field at most, in template order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormCheck {
    /// The values as they would be stored (kind, category and country in
    /// their canonical spelling, text trimmed).
    pub values: ContactFields,
    pub issues: Vec<Issue>,
}

impl FormCheck {
    /// Whether the contact can be saved.
    pub fn is_valid(&self) -> bool {
        self.issues.is_empty()
    }

    /// The issue on `field`, if any.
    pub fn issue(&self, field: Field) -> Option<&Issue> {
        self.issues.iter().find(|issue| issue.field == Some(field))
    }

    /// The contact to save, when it is valid; else its issues.
    pub fn into_valid(self) -> Result<ValidContact, Vec<Issue>> {
        if self.issues.is_empty() {
            Ok(ValidContact::validated(self.values))
        } else {
            Err(self.issues)
        }
    }
}

/// Checks `values` for saving as the contact `this_contact` (`None` for a
/// new one), its phone numbers read by `phones`. `others` holds the
/// account's contacts that share its Contact ID or email (more are fine;
/// `this_contact` itself is ignored).
pub fn check_contact(
    values: &ContactFields,
    this_contact: Option<Uuid>,
    others: &ExistingContacts,
    phones: &dyn PhoneBook,
) -> FormCheck {
    let validated = validate_row(&ImportRow::new(0, values.clone()), &ImportColumns::template(), phones);
    let mut issues = validated.issues;
    let normalised = validated.values;
    let kind = normalised.kind();
    for &field in required_fields(kind) {
        if normalised.get(field).is_empty() {
            issues.push(Issue::cell(0, field, field.header(), "", Problem::Required { contact_kind: kind }));
        }
    }
    let owners = [
        (Field::Reference, others.by_reference(normalised.get(Field::Reference))),
        (Field::Email, others.by_email(normalised.get(Field::Email))),
    ];
    for (field, owner) in owners {
        let value = normalised.get(field);
        if value.is_empty() || validated.invalid.contains(field) {
            continue;
        }
        if let Some(owner) = owner.filter(|owner| Some(owner.id) != this_contact) {
            let problem = Problem::AlreadyUsed { contact_name: owner.fields.display_name() };
            issues.push(Issue::cell(0, field, field.header(), value, problem));
        }
    }
    issues.sort_by_key(|issue| issue.field.map(Field::index));
    FormCheck { values: normalised, issues }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phone::LayoutOnly;
    use crate::contact::ExistingContact;

    fn ana() -> ExistingContact {
        ExistingContact {
            id: Uuid::from_u128(1),
            version: 1,
            fields: ContactFields::from_pairs([
                (Field::Reference, "C-1"),
                (Field::FirstName, "Ana"),
                (Field::LastName, "Silva"),
                (Field::Email, "ana@example.com"),
            ]),
        }
    }

    fn problems(check: &FormCheck) -> Vec<(Field, Problem)> {
        check.issues.iter().map(|issue| (issue.field.unwrap_or(Field::Notes), issue.problem.clone())).collect()
    }

    #[test]
    fn a_valid_person_is_normalised() {
        let values = ContactFields::from_pairs([
            (Field::Kind, " person "),
            (Field::FirstName, " Ben "),
            (Field::LastName, "Jones"),
            (Field::Country, "new zealand"),
            (Field::Category, "TENANT"),
        ]);
        let check = check_contact(&values, None, &ExistingContacts::new(vec![ana()]), &LayoutOnly);
        assert!(check.is_valid(), "{:?}", check.issues);
        assert_eq!(check.values.get(Field::Kind), "Person");
        assert_eq!(check.values.get(Field::FirstName), "Ben");
        assert_eq!(check.values.get(Field::Country), "NZ");
        assert_eq!(check.values.get(Field::Category), "Tenant");
    }

    #[test]
    fn only_a_valid_contact_can_be_saved() {
        let valid = check_contact(&ContactFields::from_pairs([(Field::FirstName, "Bo"), (Field::LastName, "Li")]), None, &ExistingContacts::new(vec![]), &LayoutOnly);
        assert_eq!(valid.clone().into_valid().map(|contact| contact.into_fields()), Ok(valid.values));
        let invalid = check_contact(&ContactFields::from_pairs([(Field::FirstName, "Bo")]), None, &ExistingContacts::new(vec![]), &LayoutOnly);
        assert_eq!(invalid.clone().into_valid(), Err(invalid.issues));
    }

    #[test]
    fn required_fields_follow_the_kind() {
        let person = check_contact(&ContactFields::from_pairs([(Field::FirstName, "Ben")]), None, &ExistingContacts::new(vec![]), &LayoutOnly);
        assert_eq!(problems(&person), vec![(Field::LastName, Problem::Required { contact_kind: crate::ContactKind::Person })]);
        let company = check_contact(&ContactFields::from_pairs([(Field::Kind, "Company")]), None, &ExistingContacts::new(vec![]), &LayoutOnly);
        assert_eq!(problems(&company), vec![(Field::CompanyName, Problem::Required { contact_kind: crate::ContactKind::Company })]);
    }

    #[test]
    fn another_contacts_id_or_email_is_refused_but_its_own_are_fine() {
        let values = ContactFields::from_pairs([
            (Field::Reference, "c-1"),
            (Field::FirstName, "Ana"),
            (Field::LastName, "Souza"),
            (Field::Email, "ANA@example.com"),
        ]);
        let others = ExistingContacts::new(vec![ana()]);
        let as_new = check_contact(&values, None, &others, &LayoutOnly);
        let taken = Problem::AlreadyUsed { contact_name: "Ana Silva".into() };
        assert_eq!(problems(&as_new), vec![(Field::Reference, taken.clone()), (Field::Email, taken)]);
        assert!(as_new.issues[1].problem_text().starts_with("Email \u{201c}ANA@example.com\u{201d} already belongs"));
        assert!(check_contact(&values, Some(Uuid::from_u128(1)), &others, &LayoutOnly).is_valid());
    }

    #[test]
    fn a_bad_cell_is_reported_once() {
        let values = ContactFields::from_pairs([(Field::FirstName, "Ana"), (Field::LastName, "Silva"), (Field::Phone, "12")]);
        let check = check_contact(&values, None, &ExistingContacts::new(vec![]), &LayoutOnly);
        assert_eq!(problems(&check), vec![(Field::Phone, Problem::InvalidPhoneDigits { digits: 2 })]);
    }
}
