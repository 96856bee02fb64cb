//! Issues: what is wrong with a row, said so that a non-technical user can fix it.

use serde::{Deserialize, Serialize};

use crate::contact::ContactKind;
use crate::field::Field;
use crate::phone::PhoneProblem;

/// One problem with one row (and usually one cell) of an import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// The row number as the user sees it in Excel: the header row is row 1.
    pub line: u32,
    /// The field concerned, when the problem is about one cell.
    pub field: Option<Field>,
    /// The column's header as written in the user's file (the template header
    /// when the column is not in the file).
    pub column: String,
    /// The cell's text as the user typed it (may be blank).
    pub value: String,
    /// What is wrong.
    pub problem: Problem,
}

/// What is wrong with a cell or a row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    /// A field the contact's kind requires is blank.
    Required { contact_kind: ContactKind },
    /// Longer than the field allows.
    TooLong { max: usize, actual: usize },
    /// Not an email address.
    InvalidEmail,
    /// Characters a phone number cannot contain.
    InvalidPhoneCharacters,
    /// Too few or too many digits for a phone number.
    InvalidPhoneDigits { digits: usize },
    /// A `+` that is not first, or brackets that do not pair up.
    InvalidPhoneLayout,
    /// Cannot be a real phone number (read by libphonenumber's rules, on
    /// the server); `example` is a number of its country for the fix.
    Phone {
        problem: PhoneProblem,
        #[serde(default)]
        example: Option<String>,
    },
    /// Contact Type is neither Person nor Company.
    UnknownKind,
    /// Category is not one of the known categories.
    UnknownCategory,
    /// Country is neither an ISO code nor a country name the rules know.
    UnknownCountry,
    /// The spreadsheet cell holds an error such as `#N/A`.
    CellError,
    /// Another row of the file has the same Contact ID.
    DuplicateReference { other_line: u32 },
    /// Another row of the file has the same email.
    DuplicateEmail { other_line: u32 },
    /// Another row of the file matches the same existing contact.
    SameContactTwice { other_line: u32 },
    /// The email belongs to a different contact already in the account.
    EmailBelongsToAnother { contact_name: String },
    /// Overwrite mode would blank a field the contact must keep.
    WouldClearRequired { contact_kind: ContactKind },
    /// The matched contact was changed by someone after the preview.
    ChangedSincePreview,
    /// In the contact form: the Contact ID or email is another contact's.
    AlreadyUsed { contact_name: String },
    /// The row was to update a contact it was possibly the same as, but that
    /// contact is gone, or the two are no longer alike by the rules.
    NotADuplicateAnyMore,
}

impl Issue {
    /// An issue about the cell of `field` in row `line`.
    pub fn cell(line: u32, field: Field, column: &str, value: &str, problem: Problem) -> Issue {
        Issue {
            line,
            field: Some(field),
            column: column.to_string(),
            value: value.to_string(),
            problem,
        }
    }

    /// The problem in one plain sentence, e.g. `"bob@" is not a valid email address.`
    pub fn problem_text(&self) -> String {
        let value = quoted(&self.value);
        let column = &self.column;
        match &self.problem {
            Problem::Required { contact_kind } => {
                format!("{column} is required for a {}.", kind_word(*contact_kind))
            }
            Problem::TooLong { max, actual } => {
                format!("{column} is {actual} characters long; the most allowed is {max}.")
            }
            Problem::InvalidEmail => format!("{value} is not a valid email address."),
            Problem::InvalidPhoneCharacters => {
                format!("{value} has characters a phone number cannot contain.")
            }
            Problem::InvalidPhoneDigits { digits } => {
                format!("{value} has {digits} digits; a phone number has 6 to 15.")
            }
            Problem::InvalidPhoneLayout => format!(
                "{value} is not laid out like a phone number: a + can only come first, and brackets must pair up around digits."
            ),
            Problem::Phone { problem, .. } => problem.problem_text(&self.value),
            Problem::UnknownKind => format!("{value} is not a contact type."),
            Problem::UnknownCategory => format!("{value} is not a category."),
            Problem::UnknownCountry => format!("{value} is not a country we recognise."),
            Problem::CellError => format!("The cell holds the spreadsheet error {value}."),
            Problem::DuplicateReference { other_line } => {
                format!("Contact ID {value} is also used in row {other_line}.")
            }
            Problem::DuplicateEmail { other_line } => {
                format!("Email {value} is also used in row {other_line}.")
            }
            Problem::SameContactTwice { other_line } => {
                format!("This row and row {other_line} both update the same existing contact.")
            }
            Problem::EmailBelongsToAnother { contact_name } => {
                format!("Email {value} already belongs to another contact, {contact_name}.")
            }
            Problem::WouldClearRequired { contact_kind } => format!(
                "{column} is blank, and overwriting would remove this {}'s {}.",
                kind_word(*contact_kind),
                column.to_lowercase()
            ),
            Problem::ChangedSincePreview => {
                "Someone changed this contact after you checked the file.".to_string()
            }
            Problem::NotADuplicateAnyMore => {
                "The contact this row was to update is no longer possibly the same person (it was changed or deleted).".to_string()
            }
            Problem::AlreadyUsed { contact_name } => {
                format!("{column} {value} already belongs to another contact, {contact_name}.")
            }
        }
    }

    /// How to fix it, in one plain sentence.
    pub fn fix_text(&self) -> String {
        let column = &self.column;
        match &self.problem {
            Problem::Required { contact_kind: ContactKind::Person } => {
                format!("Enter the {}, or set Contact Type to Company.", column.to_lowercase())
            }
            Problem::Required { contact_kind: ContactKind::Company } => {
                format!("Enter the {}, or set Contact Type to Person.", column.to_lowercase())
            }
            Problem::TooLong { max, .. } => format!("Shorten it to {max} characters or fewer."),
            Problem::InvalidEmail => {
                "Enter an address like name@example.com, or leave the cell blank.".to_string()
            }
            Problem::InvalidPhoneCharacters
            | Problem::InvalidPhoneDigits { .. }
            | Problem::InvalidPhoneLayout => {
                "Use digits with spaces, +, -, ( ) and an optional extension such as x123."
                    .to_string()
            }
            Problem::Phone { problem, example } => problem.fix_text_with(example.as_deref()),
            Problem::UnknownKind => "Enter Person or Company, or leave it blank for Person.".to_string(),
            Problem::UnknownCategory => {
                "Enter Tenant, Landlord, Supplier, Agent or Other, or leave it blank.".to_string()
            }
            Problem::UnknownCountry => {
                "Enter a two-letter country code such as AU or GB, or the country's English name."
                    .to_string()
            }
            Problem::CellError => "Replace it with the value, or clear the cell.".to_string(),
            Problem::DuplicateReference { .. } | Problem::DuplicateEmail { .. } => {
                "Keep one row per contact: change or remove one of them.".to_string()
            }
            Problem::SameContactTwice { .. } => {
                "Merge the two rows into one, or remove one of them.".to_string()
            }
            Problem::EmailBelongsToAnother { .. } => {
                "Use a different email; or, to update that contact, enter its Contact ID in this row or leave Contact ID blank."
                    .to_string()
            }
            Problem::WouldClearRequired { .. } => format!(
                "Fill in {column}, or choose \"Keep existing information when import fields are blank\"."
            ),
            Problem::ChangedSincePreview => {
                "Check the file again to see the latest values, then confirm.".to_string()
            }
            Problem::NotADuplicateAnyMore => {
                "Check the file again, then choose again what to do with this row.".to_string()
            }
            Problem::AlreadyUsed { .. } => format!("Use a different {}, or edit that contact instead.", column.to_lowercase()),
        }
    }
}

impl std::fmt::Display for Issue {
    /// `Row 7, Email: "bob@" is not a valid email address. Enter an address like …`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Row {}, {}: {} {}",
            self.line,
            self.column,
            self.problem_text(),
            self.fix_text()
        )
    }
}

fn kind_word(kind: ContactKind) -> &'static str {
    match kind {
        ContactKind::Person => "person",
        ContactKind::Company => "company",
    }
}

/// The value in quotes, shortened so that a 2,000-character note does not
/// swamp the message.
pub fn quoted(value: &str) -> String {
    const MAX_SHOWN: usize = 60;
    if value.chars().count() > MAX_SHOWN {
        let head: String = value.chars().take(MAX_SHOWN).collect();
        format!("\u{201c}{head}\u{2026}\u{201d}")
    } else {
        format!("\u{201c}{value}\u{201d}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issue_names_row_column_problem_and_fix() {
        let issue = Issue::cell(7, Field::Email, "E-mail", "bob@", Problem::InvalidEmail);
        assert_eq!(
            issue.to_string(),
            "Row 7, E-mail: \u{201c}bob@\u{201d} is not a valid email address. \
             Enter an address like name@example.com, or leave the cell blank."
        );
    }

    #[test]
    fn long_values_are_shortened_in_messages() {
        let long = "x".repeat(3000);
        let issue = Issue::cell(2, Field::Email, "Email", &long, Problem::InvalidEmail);
        assert!(issue.problem_text().chars().count() < 120);
    }

    #[test]
    fn every_problem_has_a_sentence_and_a_fix() {
        let problems = [
            Problem::Required { contact_kind: ContactKind::Person },
            Problem::Required { contact_kind: ContactKind::Company },
            Problem::TooLong { max: 20, actual: 21 },
            Problem::InvalidEmail,
            Problem::InvalidPhoneCharacters,
            Problem::InvalidPhoneDigits { digits: 3 },
            Problem::InvalidPhoneLayout,
            Problem::Phone { problem: PhoneProblem::NotInUse { country: Some("NZ".into()) }, example: Some("03-234 5678".into()) },
            Problem::Phone { problem: PhoneProblem::NeedsCountry, example: None },
            Problem::UnknownKind,
            Problem::UnknownCategory,
            Problem::UnknownCountry,
            Problem::CellError,
            Problem::DuplicateReference { other_line: 3 },
            Problem::DuplicateEmail { other_line: 3 },
            Problem::SameContactTwice { other_line: 3 },
            Problem::EmailBelongsToAnother { contact_name: "Ana Silva".into() },
            Problem::WouldClearRequired { contact_kind: ContactKind::Person },
            Problem::ChangedSincePreview,
            Problem::NotADuplicateAnyMore,
            Problem::AlreadyUsed { contact_name: "Ana Silva".into() },
        ];
        for problem in problems {
            let issue = Issue::cell(2, Field::FirstName, "First Name", "x", problem);
            assert!(issue.problem_text().ends_with('.'), "{issue}");
            assert!(issue.fix_text().ends_with('.'), "{issue}");
        }
    }
}
