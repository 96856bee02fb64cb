//! What the contacts list sorts and searches by: each contact's sort keys and
//! search text, and what a search box's text asks for. The server stores the
//! first beside each contact and matches the second against it, so both
//! sides come from this one module.
//!
//! Invariants:
//! - [`ListingKeys::of`] reads nothing but the contact's values: the same
//!   values always give the same keys, whoever writes the contact.
//! - The search text holds phones as digits only, however they were written
//!   (`021 555 0101` → `0215550101`, `+64 21 555 0101` → `64215550101`):
//!   both contain the number's national significant number (`215550101`).
//!   [`SearchText::parse`] turns a search that looks like a phone number into
//!   what [`crate::phone::search_digits`] reads it as, read by the account's
//!   default country: its national significant number when it reads as a
//!   number, else its digits without leading zeros. So "0412 345", "0412-345"
//!   and "(0412) 345" all find "0412 345 678", and "+64 21 555 0101",
//!   "0064 21 5550101" and "21 555 0101" (in a New Zealand account) all
//!   find "021 555 0101". A phone search of one or two digits stays digits.
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
    /// The fields [`ListingKeys::of`] reads; the others never change the
    /// keys (a store relies on it to keep keys computed from these alone).
    pub const FIELDS: [Field; 8] = [
        Field::Kind,
        Field::FirstName,
        Field::LastName,
        Field::CompanyName,
        Field::Email,
        Field::Reference,
        Field::Phone,
        Field::Mobile,
    ];

    /// The keys of a contact with these (stored) values.
    pub fn of(fields: &ContactFields) -> ListingKeys {
        let company_key = lower(fields.get(Field::CompanyName));
        let sort_name = if fields.kind() == ContactKind::Company {
            company_key.clone()
        } else {
            lower(&[fields.get(Field::LastName), fields.get(Field::FirstName)].join(" "))
        };
        let text_fields = [
            Field::FirstName,
            Field::LastName,
            Field::CompanyName,
            Field::Email,
            Field::Reference,
        ];
        let mut search_text = String::with_capacity(
            text_fields.iter().chain(&[Field::Phone, Field::Mobile]).map(|&field| fields.get(field).len() + 1).sum(),
        );
        for field in text_fields {
            push_lower(&mut search_text, fields.get(field));
            search_text.push(' ');
        }
        search_text.extend(ascii_digits(fields.get(Field::Phone)));
        search_text.push(' ');
        search_text.extend(ascii_digits(fields.get(Field::Mobile)));
        ListingKeys {
            sort_name,
            company_key,
            search_text,
        }
    }
}

/// The one lower-casing every key here uses (Unicode lower case).
fn lower(text: &str) -> String {
    text.to_lowercase()
}

/// Appends [`lower`] of `text` to `out`; ASCII text (most of it) without
/// an intermediate string (its Unicode lower case is its ASCII lower case).
fn push_lower(out: &mut String, text: &str) {
    if text.is_ascii() {
        out.extend(text.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        out.push_str(&lower(text));
    }
}

/// The ASCII digits of `text`, in order.
fn ascii_digits(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().filter(char::is_ascii_digit)
}

/// [`ascii_digits`] as a string.
fn digits(text: &str) -> String {
    ascii_digits(text).collect()
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
    /// phone number's characters (digits, spaces, `+ - ( ) .`) becomes the
    /// digits every way of writing that number contains, reading a number
    /// without a country code as one of `default_country` (the account's,
    /// an ISO 3166-1 alpha-2 code; see [`crate::phone::search_digits`]).
    ///
    /// Server side only: reading a number needs libphonenumber's metadata,
    /// which the page's wasm does not carry (the page uses only
    /// [`MAX_SEARCH_CHARS`]).
    pub fn parse(text: &str, default_country: Option<&str>) -> Result<Option<SearchText>, SearchTooLong> {
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
        let wanted = if looks_like_phone {
            crate::phone::search_digits(text, default_country).unwrap_or_else(|| digits(text))
        } else {
            lower(text)
        };
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

    #[test]
    fn the_keys_read_only_the_fields_they_name() {
        let mut fields = ContactFields::blank();
        for field in Field::ALL {
            fields.set(field, format!("{} {}", field.key(), field.index()));
        }
        fields.set(Field::Kind, "Company");
        let mut named_only = ContactFields::blank();
        for field in ListingKeys::FIELDS {
            named_only.set(field, fields.get(field));
        }
        assert_eq!(ListingKeys::of(&named_only), ListingKeys::of(&fields));
        for field in ListingKeys::FIELDS.into_iter().filter(|&field| field != Field::Kind) {
            let mut changed = fields.clone();
            changed.set(field, "changed 42");
            assert_ne!(ListingKeys::of(&changed), ListingKeys::of(&fields), "{field:?}");
        }
    }

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
    fn the_keys_are_the_unicode_lower_case_of_the_fields_in_any_script() {
        // (first, last, company, email, Contact ID): ASCII, accents, Greek
        // with a final sigma, German sharp s, Turkish dotted capital I.
        let cases = [
            ("Olivia", "Bennett", "ACME Ltd", "Olivia@Example.COM", "C-1"),
            ("Zoë", "Müller", "Café Crème", "zoë@exämple.de", "É-7"),
            ("ΟΔΥΣΣΕΥΣ", "ΣΑΣ", "ΣΟΦΙΑΣ ΑΕ", "Σ@example.gr", "ΑΣ"),
            ("STRAẞE", "İSTANBUL", "", "", ""),
        ];
        for (first, last, company, email, reference) in cases {
            for kind in ["Person", "Company"] {
                let fields = ContactFields::from_pairs([
                    (Field::Kind, kind),
                    (Field::FirstName, first),
                    (Field::LastName, last),
                    (Field::CompanyName, company),
                    (Field::Email, email),
                    (Field::Reference, reference),
                    (Field::Phone, "+64 21 555 0101"),
                ]);
                let keys = ListingKeys::of(&fields);
                let sort_name = if kind == "Company" { company.to_lowercase() } else { format!("{last} {first}").to_lowercase() };
                assert_eq!(keys.sort_name, sort_name);
                assert_eq!(keys.company_key, company.to_lowercase());
                let text = [first, last, company, email, reference].map(str::to_lowercase).join(" ");
                assert_eq!(keys.search_text, format!("{text} 64215550101 "), "{first} {last}");
            }
        }
    }

    #[test]
    fn the_search_text_holds_lower_case_names_and_phone_digits() {
        let keys = ListingKeys::of(&person("Olivia", "Bennett", "(02) 9555 0101"));
        assert_eq!(keys.search_text, "olivia bennett  olivia@example.com  0295550101 ");
    }

    #[test]
    fn a_phone_like_search_becomes_digits_and_others_lower_case() {
        let parse = |text: &str| SearchText::parse(text, None).unwrap();
        assert_eq!(parse("9555 0101"), Some(SearchText::Anywhere("95550101".into())));
        // Without a country, leading zeros (a trunk prefix) are dropped.
        assert_eq!(parse("(02) 9555"), Some(SearchText::Anywhere("29555".into())));
        assert_eq!(parse("555-01"), Some(SearchText::Anywhere("55501".into())));
        assert_eq!(parse("BENNETT"), Some(SearchText::Anywhere("bennett".into())));
        assert_eq!(parse(" an "), Some(SearchText::WordStart("an".into())));
        assert_eq!(parse("04"), Some(SearchText::WordStart("04".into())));
        assert_eq!(parse("   "), None);
        assert_eq!(parse("+ -"), Some(SearchText::Anywhere("+ -".into())));
    }

    /// Whether a contact with this phone, as the list stores it, is found
    /// by searching `query` in an account whose default country is `country`.
    fn phone_found(stored: &str, query: &str, country: Option<&str>) -> bool {
        let text = ListingKeys::of(&person("Sam", "Lee", stored)).search_text;
        SearchText::parse(query, country).unwrap().is_some_and(|search| search.matches(&text))
    }

    #[test]
    fn a_number_is_found_however_either_side_wrote_it() {
        // (stored, searched for, the account's country)
        let cases = [
            ("021 555 0101", "+64 21 555 0101", Some("NZ")),
            ("021 555 0101", "+64 21 555 0101", None),
            ("021 555 0101", "0064 21 5550101", Some("NZ")),
            ("021 555 0101", "21 555 0101", Some("NZ")),
            ("021 555 0101", "(021) 555-0101", None),
            ("+64 21 555 0101", "021 555 0101", Some("NZ")),
            ("+64 21 555 0101", "021 555 0101", None),
            ("0064-21-5550101", "+64215550101", None),
            ("+44 20 7946 0958", "020 7946 0958", Some("GB")),
            ("020 7946 0958", "+44 (0)20 7946 0958", Some("GB")),
            ("020 7946 0958", "00 44 20 7946 0958", Some("GB")),
            ("(02) 9555 0101", "+61 2 9555 0101", Some("AU")),
            ("+61 2 9555 0101", "02 9555 0101", Some("AU")),
            ("0412 345 678", "+61 412 345 678", Some("AU")),
            ("(212) 555-0134", "+1 212 555 0134", Some("US")),
            ("+1 212 555 0134", "011 1 212 555 0134", Some("US")),
            ("+1 212 555 0134", "212-555-0134", Some("US")),
            ("030 1234567", "+49 30 1234567", Some("DE")),
            // Italy keeps the leading 0 inside the number.
            ("06 1234 5678", "+39 06 1234 5678", Some("IT")),
            // Parts of a number still find it.
            ("021 555 0101", "555 01", Some("NZ")),
            ("+64 21 555 0101", "555 0101", Some("NZ")),
        ];
        for (stored, query, country) in cases {
            assert!(phone_found(stored, query, country), "{query:?} in {country:?} should find {stored:?}");
        }
    }

    #[test]
    fn a_number_does_not_find_a_different_one() {
        let cases = [
            ("021 555 0101", "+64 21 555 0102", Some("NZ")),
            ("021 555 0101", "+61 21 555 0199", Some("NZ")),
            ("+44 20 7946 0958", "020 7946 0959", Some("GB")),
            ("(02) 9555 0101", "9555 0188", Some("AU")),
        ];
        for (stored, query, country) in cases {
            assert!(!phone_found(stored, query, country), "{query:?} in {country:?} should not find {stored:?}");
        }
    }

    #[test]
    fn an_international_prefix_needs_the_account_country_to_be_read() {
        // "00" is how New Zealand dials out; without a country it is just digits.
        assert!(phone_found("021 555 0101", "0064 21 5550101", Some("NZ")));
        assert!(!phone_found("021 555 0101", "0064 21 5550101", None));
    }

    #[test]
    fn a_search_over_the_limit_is_refused_with_a_sentence() {
        let long = "a".repeat(MAX_SEARCH_CHARS + 1);
        let error = SearchText::parse(&long, None).unwrap_err();
        assert_eq!(error.actual, MAX_SEARCH_CHARS + 1);
        assert!(error.to_string().ends_with('.'));
        assert!(SearchText::parse(&"a".repeat(MAX_SEARCH_CHARS), Some("NZ")).is_ok());
    }

    #[test]
    fn searches_match_what_the_list_finds() {
        let text = ListingKeys::of(&person("Joanne", "van Andel", "0412 345 678")).search_text;
        let matches = |search: &str| SearchText::parse(search, Some("AU")).unwrap().unwrap().matches(&text);
        assert!(matches("0412 345"));
        assert!(matches("an"));
        assert!(!matches("nn"));
        assert!(matches("ann"));
        assert!(matches("04"));
        assert!(!matches("12"));
    }
}
