//! One cell and one row on their own: trimming, normalising and the per-field
//! rules of the template (lengths, email, phone, country, kind, category).
//! A row's Phone and Mobile are read through a [`PhoneBook`] (by the row's
//! Country, else the account's) into the form stored; without an answer from
//! it, only their layout is checked ([`check_phone`]).
//!
//! Invariant: every function here is total. Any input string gives either a
//! normalised value or a [`Problem`]; nothing panics, and the work is linear
//! in the input's length. Lengths count characters, not bytes. Whether a
//! field is *required* depends on the contact the row ends up as, so that is
//! checked by [`crate::merge`], not here.

use std::borrow::Cow;

use crate::contact::{Category, ContactFields, ContactKind};
use crate::country::parse_country;
use crate::field::{Field, FieldSet};
use crate::headers::{ImportColumns, ImportRow};
use crate::issue::{Issue, Problem};
use crate::phone::{PhoneBook, PhoneReading};

/// The fewest digits a phone number may have (extension not counted).
pub const PHONE_MIN_DIGITS: usize = 6;
/// The most digits a phone number may have (extension not counted).
pub const PHONE_MAX_DIGITS: usize = 15;
/// The most digits a phone extension may have.
pub const PHONE_EXTENSION_MAX_DIGITS: usize = 6;

/// `text` without surrounding white space (including no-break spaces) and
/// without the invisible zero-width characters and byte-order marks that
/// copy-and-paste leaves behind.
pub fn clean(text: &str) -> &str {
    // Fast path: most cells start and end with a visible ASCII character.
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (None, _) => return text,
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => {
            return text
        }
        _ => {}
    }
    text.trim_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}'
            )
    })
}

/// The value to store for `field` given the cell `text`: trimmed, with Contact
/// Type, Category and Country in their canonical spelling (`"person"` →
/// `"Person"`, `"U.K."` → `"GB"`). Blank gives `""` for every field (what a
/// blank means is for the merge to decide). Otherwise the problem with it.
/// Phone and Mobile get their layout check only: a row reads its numbers by
/// its country ([`validate_row`]).
pub fn normalise_cell(field: Field, text: &str) -> Result<String, Problem> {
    normalise(field, text).map(Cow::into_owned)
}

/// [`normalise_cell`] without copying: the cleaned input, or a canonical
/// spelling.
pub(crate) fn normalise(field: Field, text: &str) -> Result<Cow<'_, str>, Problem> {
    let text = clean(text);
    if text.is_empty() {
        return Ok(Cow::Borrowed(""));
    }
    match field {
        Field::Kind => ContactKind::parse(text)
            .map(|kind| Cow::Borrowed(kind.as_str()))
            .ok_or(Problem::UnknownKind),
        Field::Category => Category::parse(text)
            .map(|category| Cow::Borrowed(category.as_str()))
            .ok_or(Problem::UnknownCategory),
        Field::Country => parse_country(text)
            .map(|country| Cow::Borrowed(country.code))
            .ok_or(Problem::UnknownCountry),
        Field::Email => {
            check_length(field, text)?;
            if is_valid_email(text) {
                Ok(Cow::Borrowed(text))
            } else {
                Err(Problem::InvalidEmail)
            }
        }
        Field::Phone | Field::Mobile => {
            check_phone(text)?;
            check_length(field, text)?;
            Ok(Cow::Borrowed(text))
        }
        Field::Reference
        | Field::Title
        | Field::FirstName
        | Field::LastName
        | Field::CompanyName
        | Field::AddressLine1
        | Field::AddressLine2
        | Field::City
        | Field::Region
        | Field::Postcode
        | Field::Notes => {
            check_length(field, text)?;
            Ok(Cow::Borrowed(text))
        }
    }
}

/// The ISO code of `row`'s Country, when it holds a valid one.
pub fn row_country(row: &ImportRow) -> Option<&'static str> {
    if row.error_cells.contains(Field::Country) {
        return None;
    }
    parse_country(clean(row.values.get(Field::Country))).map(|country| country.code)
}

/// A Phone or Mobile cell (cleaned) of a row whose Country is `country`:
/// the form `phones` says to store, its problem, or, when `phones` has no
/// answer or the number has no country to be read by, the text as written
/// once its layout and length pass.
fn normalise_phone<'t>(
    field: Field,
    text: &'t str,
    country: Option<&str>,
    phones: &dyn PhoneBook,
) -> Result<Cow<'t, str>, Problem> {
    if text.is_empty() {
        return Ok(Cow::Borrowed(""));
    }
    match phones.read(text, country) {
        Some(PhoneReading::Stored(stored)) => Ok(Cow::Owned(stored)),
        Some(PhoneReading::Problem { problem, example }) => Err(Problem::Phone { problem, example }),
        Some(PhoneReading::AsWritten) | None => normalise(field, text),
    }
}

/// `TooLong` when `text` has more characters than `field` allows.
fn check_length(field: Field, text: &str) -> Result<(), Problem> {
    let max = field.max_chars();
    // Counting stops early so a huge cell costs no more than a long one.
    let actual = text.chars().take(max + 1).count();
    if actual > max {
        Err(Problem::TooLong {
            max,
            actual: text.chars().count(),
        })
    } else {
        Ok(())
    }
}

/// Whether `text` is a usable email address, by a practical check rather than
/// the full RFC grammar: no spaces; one `@`; a local part of 1–64 characters
/// made of letters, digits and ``!#$%&'*+/=?^_`{|}~.-`` with no leading,
/// trailing or doubled dot; a domain of at most 253 characters with at least
/// two dot-separated labels of 1–63 letters, digits or hyphens (not starting
/// or ending with a hyphen), ending in a top-level domain of at least two
/// letters (or an `xn--` internationalised one). Letters may be any script.
/// The 254-character limit on the whole address is checked separately.
pub fn is_valid_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    valid_local_part(local) && valid_domain(domain)
}

fn valid_local_part(local: &str) -> bool {
    let length = local.chars().count();
    (1..=64).contains(&length)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| {
            c.is_alphanumeric()
                || matches!(
                    c,
                    '!' | '#'
                        | '$'
                        | '%'
                        | '&'
                        | '\''
                        | '*'
                        | '+'
                        | '/'
                        | '='
                        | '?'
                        | '^'
                        | '_'
                        | '`'
                        | '{'
                        | '|'
                        | '}'
                        | '~'
                        | '.'
                        | '-'
                )
        })
}

fn valid_domain(domain: &str) -> bool {
    if domain.chars().count() > 253 {
        return false;
    }
    let Some((_, tld)) = domain.rsplit_once('.') else {
        return false;
    };
    let tld_ok = (tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic))
        || (tld.len() > 4 && tld.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("xn--")));
    tld_ok
        && domain.split('.').all(|label| {
            (1..=63).contains(&label.chars().count())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

/// Checks a phone number: digits with spaces, `+` (first only), `-` and
/// paired, unnested `( )`, then optionally an extension — `x`, `ext`, `ext.`,
/// `extn` or `extension` (any case) followed by 1–6 digits — at the end. The
/// number itself (extension not counted) has 6–15 digits.
pub fn check_phone(text: &str) -> Result<(), Problem> {
    let text = clean(text);
    let number = split_extension(text).0;
    let mut digits = 0usize;
    let mut open = false;
    let mut digits_in_brackets = 0usize;
    for (position, c) in number.chars().enumerate() {
        match c {
            '0'..='9' => {
                digits += 1;
                if open {
                    digits_in_brackets += 1;
                }
            }
            ' ' | '\u{a0}' | '\u{2007}' | '\u{202f}' | '-' => {}
            '+' if position == 0 => {}
            '(' if !open => {
                open = true;
                digits_in_brackets = 0;
            }
            ')' if open && digits_in_brackets > 0 => open = false,
            '+' | '(' | ')' => return Err(Problem::InvalidPhoneLayout),
            _ => return Err(Problem::InvalidPhoneCharacters),
        }
    }
    if open {
        return Err(Problem::InvalidPhoneLayout);
    }
    if !(PHONE_MIN_DIGITS..=PHONE_MAX_DIGITS).contains(&digits) {
        return Err(Problem::InvalidPhoneDigits { digits });
    }
    Ok(())
}

/// Splits a trailing extension off a phone number: `("(02) 9876 5432", Some("123"))`
/// for `"(02) 9876 5432 x123"`. Without a well-formed extension the whole text
/// is the number.
pub fn split_extension(text: &str) -> (&str, Option<&str>) {
    let bytes = text.as_bytes();
    let mut end_of_marker = bytes.len();
    while end_of_marker > 0 && bytes[end_of_marker - 1].is_ascii_digit() {
        end_of_marker -= 1;
    }
    let extension_digits = bytes.len() - end_of_marker;
    if !(1..=PHONE_EXTENSION_MAX_DIGITS).contains(&extension_digits) {
        return (text, None);
    }
    while end_of_marker > 0 && matches!(bytes[end_of_marker - 1], b' ' | b'.' | b':') {
        end_of_marker -= 1;
    }
    let mut start_of_marker = end_of_marker;
    while start_of_marker > 0 && bytes[start_of_marker - 1].is_ascii_alphabetic() {
        start_of_marker -= 1;
    }
    // Only ASCII bytes were stepped over, so these are char boundaries.
    let (Some(marker), Some(number), Some(extension)) = (
        text.get(start_of_marker..end_of_marker),
        text.get(..start_of_marker),
        text.get(bytes.len() - extension_digits..),
    ) else {
        return (text, None);
    };
    let known = ["x", "ext", "extn", "extension"]
        .iter()
        .any(|word| word.eq_ignore_ascii_case(marker));
    if known && !number.trim().is_empty() {
        (number.trim_end(), Some(extension))
    } else {
        (text, None)
    }
}

/// A row after [`validate_row`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidatedRow {
    /// The normalised values. A cell with a problem keeps its trimmed text, so
    /// that it still counts as filled in (no extra "required" issue).
    pub values: ContactFields,
    /// The fields whose cell has a problem.
    pub invalid: FieldSet,
    /// One issue per cell with a problem, in column order.
    pub issues: Vec<Issue>,
}

/// Checks every cell of `row` on its own (spreadsheet errors, lengths,
/// formats, vocabularies, phone numbers as `phones` reads them), naming
/// columns as `columns` says the file does.
pub fn validate_row(row: &ImportRow, columns: &ImportColumns, phones: &dyn PhoneBook) -> ValidatedRow {
    let normalised = NormalisedRow::of(row, phones);
    ValidatedRow {
        issues: normalised.issues(row, columns),
        values: ContactFields(normalised.values.map(Cow::into_owned)),
        invalid: normalised.invalid,
    }
}

/// [`validate_row`] without copying the values: what the whole-import check
/// uses on every row.
pub(crate) struct NormalisedRow<'a> {
    /// As [`ValidatedRow::values`], borrowed from the row where possible.
    pub(crate) values: [Cow<'a, str>; Field::COUNT],
    /// As [`ValidatedRow::invalid`].
    pub(crate) invalid: FieldSet,
    /// The problem of each invalid cell, in column order.
    pub(crate) problems: Vec<(Field, Problem)>,
}

impl<'a> NormalisedRow<'a> {
    /// Normalises every cell of `row`, reading its phone numbers with `phones`.
    pub(crate) fn of(row: &'a ImportRow, phones: &dyn PhoneBook) -> NormalisedRow<'a> {
        let mut invalid = FieldSet::EMPTY;
        let mut problems = Vec::new();
        let country = row_country(row);
        let values = Field::ALL.map(|field| {
            let text = clean(row.values.get(field));
            let problem = if row.error_cells.contains(field) {
                Problem::CellError
            } else {
                let normalised = match field {
                    Field::Phone | Field::Mobile => normalise_phone(field, text, country, phones),
                    _ => normalise(field, text),
                };
                match normalised {
                    Ok(value) => return value,
                    Err(problem) => problem,
                }
            };
            invalid.insert(field);
            problems.push((field, problem));
            Cow::Borrowed(text)
        });
        NormalisedRow {
            values,
            invalid,
            problems,
        }
    }

    /// The value of `field`.
    pub(crate) fn get(&self, field: Field) -> &str {
        &self.values[field.index()]
    }

    /// One issue per invalid cell.
    pub(crate) fn issues(&self, row: &ImportRow, columns: &ImportColumns) -> Vec<Issue> {
        self.problems
            .iter()
            .map(|(field, problem)| {
                Issue::cell(
                    row.line,
                    *field,
                    columns.header(*field),
                    self.get(*field),
                    problem.clone(),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
