//! Columns recognised by their values: a column of email addresses, phone
//! numbers, postcodes or countries under a header nobody knows.
//!
//! Invariant: a guess is a pure function of the column's header and the
//! sample of its values (the first [`VALUE_SAMPLE_ROWS`] data rows), so the
//! same file always gets the same guesses. What counts as "a column of" each
//! field is data ([`VALUE_RULES`]); the mapping only ever offers a guess for a
//! column nothing else claims and a field nothing else provides.

use super::SheetRow;
use crate::country::parse_country;
use crate::field::Field;
use crate::validate::{check_phone, clean, is_valid_email, split_extension};

/// How many data rows (from the top) the guesses look at.
pub const VALUE_SAMPLE_ROWS: usize = 100;

/// When a column's values make it a field.
struct ValueRule {
    field: Field,
    /// The share of the column's non-blank sample values that must look like
    /// the field, in percent.
    min_percent: usize,
    /// The fewest non-blank sample values worth judging.
    min_values: usize,
    /// Whether one value looks like the field.
    looks_like: fn(&str) -> bool,
    /// A last word on the whole column (e.g. a column of years is not of
    /// postcodes, however postcode-like 4-digit numbers are).
    column_ok: fn(&[&str]) -> bool,
}

/// The rules, tried in order; the first a column meets is its guess.
static VALUE_RULES: &[ValueRule] = &[
    ValueRule {
        field: Field::Email,
        min_percent: 80,
        min_values: 2,
        looks_like: looks_like_email,
        column_ok: any_column,
    },
    ValueRule {
        field: Field::Phone,
        min_percent: 80,
        min_values: 2,
        looks_like: looks_like_phone,
        column_ok: any_column,
    },
    ValueRule {
        field: Field::Country,
        min_percent: 80,
        min_values: 2,
        looks_like: looks_like_country,
        column_ok: not_one_short_code,
    },
    ValueRule {
        field: Field::Postcode,
        min_percent: 80,
        min_values: 3,
        looks_like: looks_like_postcode,
        column_ok: not_years,
    },
];

/// Header words (or word beginnings) that rule a column out whatever its
/// values: a fax or pager number looks like a phone number but is not one to
/// call; an ID or a date of 4 to 6 digits looks like a postcode.
static NEVER_BY_VALUES: &[&str] = &["fax", "pager", "telex", "id", "date", "year", "dob"];

/// The fewest digits a value needs to be taken for a phone number by its
/// looks alone (6-digit numbers are too often codes or amounts).
const PHONE_MIN_DIGITS_TO_GUESS: usize = 8;

/// The field `values` (a column's non-blank sample, cleaned) look like, if
/// any; `header` is the column's header as written.
pub(super) fn field_for_values(header: &str, values: &[&str]) -> Option<Field> {
    let ruled_out = header
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .any(|word| NEVER_BY_VALUES.iter().any(|never| word.starts_with(never)));
    if ruled_out {
        return None;
    }
    VALUE_RULES
        .iter()
        .find(|rule| {
            let matching = values
                .iter()
                .filter(|value| (rule.looks_like)(value))
                .count();
            values.len() >= rule.min_values
                && matching * 100 >= values.len() * rule.min_percent
                && (rule.column_ok)(values)
        })
        .map(|rule| rule.field)
}

/// The non-blank values of `column` in `rows`, cleaned.
pub(super) fn sample_values(rows: &[SheetRow], column: usize) -> Vec<&str> {
    rows.iter()
        .take(VALUE_SAMPLE_ROWS)
        .filter_map(|row| row.cells.get(column))
        .map(|cell| clean(cell.text()))
        .filter(|text| !text.is_empty())
        .collect()
}

fn looks_like_email(value: &str) -> bool {
    is_valid_email(value)
}

fn looks_like_phone(value: &str) -> bool {
    let (number, _) = split_extension(value);
    check_phone(value).is_ok()
        && number.chars().filter(char::is_ascii_digit).count() >= PHONE_MIN_DIGITS_TO_GUESS
}

fn looks_like_country(value: &str) -> bool {
    parse_country(value).is_some()
}

/// UK, Canadian, Dutch or Irish shapes (letters and digits, at most one
/// space), US ZIP or ZIP+4, or 4 digits (Australia, New Zealand). Six-digit
/// codes are left out: such columns are more often IDs or amounts.
fn looks_like_postcode(value: &str) -> bool {
    let compact: String = value.chars().filter(|c| *c != ' ' && *c != '-').collect();
    let separators = value.chars().count() - compact.chars().count();
    if separators > 1 || !compact.chars().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    let digits = compact.chars().filter(char::is_ascii_digit).count();
    let letters = compact.len() - digits;
    match (letters, digits) {
        (0, 4..=5) => true,
        (0, 9) => value.contains('-'),
        (1..=5, 1..=5) => (5..=8).contains(&compact.len()),
        _ => false,
    }
}

fn any_column(_: &[&str]) -> bool {
    true
}

/// A column whose every value is the same two- or three-letter word is more
/// likely a yes/no or code column ("NO", "CAN") than a column of countries.
fn not_one_short_code(values: &[&str]) -> bool {
    let first = values.first().copied().unwrap_or_default();
    let all_same = values.iter().all(|value| value.eq_ignore_ascii_case(first));
    !(all_same && first.chars().count() <= 3)
}

/// A column of 4-digit numbers between 1900 and 2100 holds years.
fn not_years(values: &[&str]) -> bool {
    !values.iter().all(|value| {
        value.len() == 4
            && value
                .parse::<u32>()
                .is_ok_and(|year| (1900..=2100).contains(&year))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_recognised_by_their_values() {
        let cases: &[(&str, &[&str], Option<Field>)] = &[
            (
                "contact",
                &["ana@example.com", "bo@example.org", "cy@example.net"],
                Some(Field::Email),
            ),
            (
                "x",
                &[
                    "ana@example.com",
                    "not an email",
                    "cy@example.net",
                    "d@e.fr",
                    "f@g.de",
                ],
                Some(Field::Email),
            ),
            (
                "x",
                &["ana@example.com", "not an email", "cy@example.net"],
                None,
            ),
            (
                "tel",
                &["+44 20 7946 0018", "(02) 9876 5432", "0412 345 678"],
                Some(Field::Phone),
            ),
            (
                "x",
                &["+1 555 0100 x12", "555-010-0199"],
                Some(Field::Phone),
            ),
            ("x", &["123456", "654321", "111111"], None),
            ("Fax Number", &["+44 20 7946 0018", "(02) 9876 5432"], None),
            ("Customer ID", &["+44 20 7946 0018", "(02) 9876 5432"], None),
            (
                "land",
                &["Australia", "New Zealand", "U.K."],
                Some(Field::Country),
            ),
            ("land", &["Australia", "Australia"], Some(Field::Country)),
            ("cc", &["AU", "NZ", "GB"], Some(Field::Country)),
            ("answer", &["No", "No", "No"], None),
            (
                "zone",
                &["SW1A 1AA", "EC1A 9PN", "M1 1AE"],
                Some(Field::Postcode),
            ),
            ("zone", &["2000", "3141", "0800"], Some(Field::Postcode)),
            (
                "zone",
                &["90210", "10001-1234", "K1A 0B1", "1012 AB"],
                Some(Field::Postcode),
            ),
            ("Year Built", &["1985", "2001", "1999"], None),
            ("Built", &["1985", "2001", "1999"], None),
            (
                "Resident",
                &["ana@example.com", "bo@example.org"],
                Some(Field::Email),
            ),
            ("zone", &["2000", "3141"], None),
            ("misc", &["red", "green", "blue"], None),
            ("misc", &[], None),
        ];
        for (header, values, expected) in cases {
            assert_eq!(
                field_for_values(header, values),
                *expected,
                "{header}: {values:?}"
            );
        }
    }
}
