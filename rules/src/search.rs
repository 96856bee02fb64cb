//! What the contacts list sorts and searches by: each contact's sort keys and
//! search text, and what a search box's text asks for. The server stores the
//! first beside each contact and matches the second against it, so both
//! sides come from this one module.
//!
//! Invariants:
//! - [`ListingKeys::of`] reads nothing but the contact's values: the same
//!   values always give the same keys, whoever writes the contact.
//! - The search text holds phones as digits only, and [`SearchText::parse`]
//!   turns a search that looks like a phone number into its digits, so
//!   "0412 345", "0412-345" and "(0412) 345" all find "0412 345 678".
//! - Both are lower-cased with the same function, so case never matters.
//! - A search is at most [`MAX_SEARCH_CHARS`] characters; a longer one is a
//!   [`SearchTooLong`] with a sentence for the user, never a query.

use crate::contact::{ContactFields, ContactKind};
use crate::field::Field;

/// The longest search accepted, in characters: longer than any name, email
/// or phone a contact can hold, and short enough that the database plans it
/// quickly. The list's page and the export refuse a longer one before
/// asking the store (`app::pages::contacts::check_query`).
pub const MAX_SEARCH_CHARS: usize = 200;

/// Searches shorter than this match the start of a word rather than
/// anywhere: "an" finds Anna and van Andel, not Joanne.
pub const SUBSTRING_SEARCH_MIN_CHARS: usize = 3;

/// A contact's keys for the list: how it sorts by name and by company, and
/// the text its search box matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListingKeys {
    /// People by last then first name, companies by company name; lower case.
    pub sort_name: String,
    /// The company name in lower case.
    pub company_key: String,
    /// First and last name, company, email, Contact ID, then the phone and
    /// mobile as digits only; lower case, separated by spaces.
    pub search_text: String,
}

impl ListingKeys {
    /// The keys of a contact with these (stored) values.
    pub fn of(fields: &ContactFields) -> ListingKeys {
        let sort_name = if fields.kind() == ContactKind::Company {
            lower(fields.get(Field::CompanyName))
        } else {
            lower(&format!("{} {}", fields.get(Field::LastName), fields.get(Field::FirstName)))
        };
        let text_fields = [
            Field::FirstName,
            Field::LastName,
            Field::CompanyName,
            Field::Email,
            Field::Reference,
        ];
        let mut search_text = String::new();
        for field in text_fields {
            search_text.push_str(&lower(fields.get(field)));
            search_text.push(' ');
        }
        search_text.push_str(&digits(fields.get(Field::Phone)));
        search_text.push(' ');
        search_text.push_str(&digits(fields.get(Field::Mobile)));
        ListingKeys {
            sort_name,
            company_key: lower(fields.get(Field::CompanyName)),
            search_text,
        }
    }
}

/// The one lower-casing every key here uses (Unicode lower case).
fn lower(text: &str) -> String {
    text.to_lowercase()
}

/// The ASCII digits of `text`, in order.
fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// What a search box's text asks of a contact's search text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SearchText {
    /// The text anywhere: "bennett", "ample.org", "0412345".
    Anywhere(String),
    /// A word starting with the text: for searches under
    /// [`SUBSTRING_SEARCH_MIN_CHARS`] characters.
    WordStart(String),
}

/// A search longer than [`MAX_SEARCH_CHARS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("A search can be at most {max} characters long; this one has {actual}. Search for part of a name, email or phone number.")]
pub struct SearchTooLong {
    pub max: usize,
    pub actual: usize,
}

impl SearchText {
    /// What `text` searches for: `None` for a blank search (everything).
    /// Lower-cased like the contacts' search text; a search made only of a
    /// phone number's characters (digits, spaces, `+ - ( ) .`) becomes its
    /// digits, as phones are stored.
    pub fn parse(text: &str) -> Result<Option<SearchText>, SearchTooLong> {
        let text = text.trim();
        let actual = text.chars().count();
        if actual > MAX_SEARCH_CHARS {
            return Err(SearchTooLong {
                max: MAX_SEARCH_CHARS,
                actual,
            });
        }
        let looks_like_phone = text.chars().any(|c| c.is_ascii_digit())
            && text
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')' | '.'));
        let wanted = if looks_like_phone { digits(text) } else { lower(text) };
        if wanted.is_empty() {
            return Ok(None);
        }
        Ok(Some(if wanted.chars().count() < SUBSTRING_SEARCH_MIN_CHARS {
            SearchText::WordStart(wanted)
        } else {
            SearchText::Anywhere(wanted)
        }))
    }

    /// Whether a contact with this search text matches (what the database's
    /// `LIKE` patterns compute, said in Rust for tests and the browser).
    pub fn matches(&self, search_text: &str) -> bool {
        match self {
            SearchText::Anywhere(wanted) => search_text.contains(wanted.as_str()),
            SearchText::WordStart(wanted) => search_text
                .split(' ')
                .any(|word| word.starts_with(wanted.as_str())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(first: &str, last: &str, phone: &str) -> ContactFields {
        ContactFields::from_pairs([
            (Field::FirstName, first),
            (Field::LastName, last),
            (Field::Phone, phone),
            (Field::Email, "Olivia@Example.com"),
        ])
    }

    #[test]
    fn people_sort_by_last_then_first_name_and_companies_by_company() {
        let keys = ListingKeys::of(&person("Olivia", "Bennett", ""));
        assert_eq!(keys.sort_name, "bennett olivia");
        let company = ContactFields::from_pairs([
            (Field::Kind, "Company"),
            (Field::CompanyName, "Acme Ltd"),
            (Field::LastName, "Zed"),
        ]);
        assert_eq!(ListingKeys::of(&company).sort_name, "acme ltd");
        assert_eq!(ListingKeys::of(&company).company_key, "acme ltd");
    }

    #[test]
    fn the_search_text_holds_lower_case_names_and_phone_digits() {
        let keys = ListingKeys::of(&person("Olivia", "Bennett", "(02) 9555 0101"));
        assert_eq!(keys.search_text, "olivia bennett  olivia@example.com  0295550101 ");
    }

    #[test]
    fn a_phone_like_search_becomes_digits_and_others_lower_case() {
        let parse = |text: &str| SearchText::parse(text).unwrap();
        assert_eq!(parse("9555 0101"), Some(SearchText::Anywhere("95550101".into())));
        assert_eq!(parse("(02) 9555"), Some(SearchText::Anywhere("029555".into())));
        assert_eq!(parse("555-01"), Some(SearchText::Anywhere("55501".into())));
        assert_eq!(parse("BENNETT"), Some(SearchText::Anywhere("bennett".into())));
        assert_eq!(parse(" an "), Some(SearchText::WordStart("an".into())));
        assert_eq!(parse("04"), Some(SearchText::WordStart("04".into())));
        assert_eq!(parse("   "), None);
        assert_eq!(parse("+ -"), Some(SearchText::Anywhere("+ -".into())));
    }

    #[test]
    fn a_search_over_the_limit_is_refused_with_a_sentence() {
        let long = "a".repeat(MAX_SEARCH_CHARS + 1);
        let error = SearchText::parse(&long).unwrap_err();
        assert_eq!(error.actual, MAX_SEARCH_CHARS + 1);
        assert!(error.to_string().ends_with('.'));
        assert!(SearchText::parse(&"a".repeat(MAX_SEARCH_CHARS)).is_ok());
    }

    #[test]
    fn searches_match_what_the_list_finds() {
        let text = ListingKeys::of(&person("Joanne", "van Andel", "0412 345 678")).search_text;
        let matches = |search: &str| SearchText::parse(search).unwrap().unwrap().matches(&text);
        assert!(matches("0412 345"));
        assert!(matches("an"));
        assert!(!matches("nn"));
        assert!(matches("ann"));
        assert!(matches("04"));
        assert!(!matches("12"));
    }
}
