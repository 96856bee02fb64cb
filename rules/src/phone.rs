//! Phone numbers as people write them, read into one international form
//! (E.164, `+64215550101`) with Google's libphonenumber rules and metadata
//! (the `rlibphonenumber` port), so `021 555 0101`, `+64 21 555 0101` and
//! `0064-21-5550101` are one number.
//!
//! Invariant: a [`PhoneNumber`] is only made by [`parse_phone`], and only for
//! a number libphonenumber's metadata says can be a real number of its
//! country; its [`PhoneNumber::e164`] is the form to store and compare, its
//! [`PhoneNumber::search_digits`] the form to search. [`parse_phone`] is
//! total: any text gives a number or a typed [`PhoneProblem`]; text longer
//! than [`MAX_PHONE_CHARS`] or with characters no phone number has never
//! reaches the parser.
//!
//! Why this crate and this build (measured on a wasm32 cdylib that parses and
//! formats one number, against the same cdylib without a phone crate;
//! `opt-level = "z"`, `lto = true`, `wasm-opt -Oz`, `brotli -q 11`):
//!
//! | crate (features)                 | adds (brotli) | native / number | V8 / number |
//! |----------------------------------|---------------|-----------------|-------------|
//! | `rlibphonenumber` (`regex`)      | +275 kB       | 2.8 µs          | 10 µs       |
//! | `rlibphonenumber` (`lite`)       | +107 kB       | 40 µs           | 82–134 µs   |
//! | `phonenumber` 0.3 (whisperfish)  | +315 kB       | 3.4 ms          | —           |
//!
//! (parse + validity + E.164 of a mixed set; `phonenumber` thrashes its
//! 100-entry regex cache.) Both ports give the same answers on every case in
//! the tests below. `regex` is chosen: at 200,000 rows `lite` costs seconds
//! per column even natively. Its metadata (all regions, 46 kB of the brotli
//! size) cannot be cut down or loaded later: version 2.2.15 does not build
//! without `global_static`, which embeds it. The first numbers of each
//! country also compile that country's patterns (about 5 ms natively).
//!
//! Extensions are read by [`crate::validate::split_extension`] (`x123`,
//! `ext. 123`, …), as the rest of the rules read them, and kept beside the
//! number.

use rlibphonenumber::{
    ParseError, PhoneNumberFormat, Region, ValidationError, PHONE_NUMBER_UTIL,
};
use serde::{Deserialize, Serialize};

use crate::country::country_by_code;
use crate::validate::{clean, split_extension};

mod book;
pub use book::{
    read_phone, AccountPhones, LayoutOnly, PhoneBook, PhoneKey, PhoneReading, PhoneVerdict, PhoneVerdicts,
    MAX_PHONE_KEYS_PER_CALL,
};

/// The longest text read as a phone number, in characters. Longer text is
/// [`PhoneProblem::NotANumber`] without parsing (the Phone column allows 40).
pub const MAX_PHONE_CHARS: usize = 64;

/// The fewest digits a search must have to be read as a phone number search.
pub const MIN_SEARCH_DIGITS: usize = 3;

/// A phone number that can be a real number of its country.
#[derive(Clone, Debug, PartialEq)]
pub struct PhoneNumber {
    number: rlibphonenumber::PhoneNumber,
    e164: String,
}

/// Why a text cannot be a real phone number (for the country it was read by).
/// Externally tagged (no `tag = …`): it travels to the page in postcard,
/// which cannot read internally tagged enums.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneProblem {
    /// No digits, or not laid out as a phone number at all.
    NotANumber,
    /// Letters or symbols a phone number does not have.
    Characters,
    /// Written without a country code, and no country to read it by.
    NeedsCountry,
    /// `+` (or an international prefix) followed by no country's code.
    UnknownCountryCode,
    /// Fewer digits than any number of that country.
    TooShort { country: Option<String> },
    /// More digits than any number of that country.
    TooLong { country: Option<String> },
    /// Between the shortest and longest, but no number there has this length.
    WrongLength { country: Option<String> },
    /// The right length, but no number of that country starts this way.
    NotInUse { country: Option<String> },
}

impl PhoneNumber {
    /// The international form stored and compared, e.g. `+64215550101`
    /// (extension not included).
    pub fn e164(&self) -> &str {
        &self.e164
    }

    /// The extension's digits, e.g. `123`.
    pub fn extension(&self) -> Option<&str> {
        self.number.extension.as_deref()
    }

    /// What to store: the E.164 form, and ` x` + the extension when there is
    /// one (`+442079460958 x123`); [`parse_phone`] reads it back as itself.
    pub fn stored(&self) -> String {
        match self.extension() {
            Some(extension) => format!("{} x{extension}", self.e164),
            None => self.e164.clone(),
        }
    }

    /// The number as people read it, e.g. `+64 21 555 0101` or
    /// `+44 20 7946 0958 x123`. Formatting costs as much as parsing, so
    /// it is made only when asked for (the rows on screen).
    pub fn display(&self) -> String {
        self.number
            .format_as(PhoneNumberFormat::International)
            .into_owned()
    }

    /// The digits of the E.164 form without the `+`, e.g. `64215550101`:
    /// what a contact's number is searched in (see [`search_digits`]).
    pub fn search_digits(&self) -> &str {
        self.e164.trim_start_matches('+')
    }

    /// The ISO 3166-1 code of the number's country, e.g. `NZ`, when its
    /// calling code belongs to a country (not a global service).
    pub fn country(&self) -> Option<String> {
        self.number
            .get_region_code()
            .map(|region| region.as_region_str().as_str().to_string())
    }
}

/// Reads `text` as a phone number. A number written without a country code
/// (`021 555 0101`) is read as a number of `country`, an ISO 3166-1 alpha-2
/// code in upper case: the row's Country, else the account's default
/// country. A number with one (`+64 …`, or `0064 …` / `011 64 …` as dialled
/// from `country`) is read as that country's, whatever `country` says.
pub fn parse_phone(text: &str, country: Option<&str>) -> Result<PhoneNumber, PhoneProblem> {
    let text = clean(text);
    if text.chars().nth(MAX_PHONE_CHARS).is_some() {
        return Err(PhoneProblem::NotANumber);
    }
    let (number_text, extension) = split_extension(text);
    if !number_text.chars().all(is_phone_char) {
        return Err(PhoneProblem::Characters);
    }
    if !number_text.bytes().any(|b| b.is_ascii_digit()) {
        return Err(PhoneProblem::NotANumber);
    }
    let region = country.and_then(phone_region);
    let mut number = PHONE_NUMBER_UTIL
        .parse(number_text, region)
        .map_err(|error| parse_problem(&error, number_text, region))?;
    // Valid implies possible; the length check only words the problem.
    if !number.is_valid() {
        let country = number_country(&number, region);
        return Err(match number.is_possible_with_reason() {
            Ok(_) => PhoneProblem::NotInUse { country },
            Err(ValidationError::InvalidCountryCode) => PhoneProblem::UnknownCountryCode,
            Err(ValidationError::TooShort) => PhoneProblem::TooShort { country },
            Err(ValidationError::TooLong) => PhoneProblem::TooLong { country },
            Err(_) => PhoneProblem::WrongLength { country },
        });
    }
    number.extension = extension.map(str::to_string);
    let e164 = number.format_as(PhoneNumberFormat::E164).into_owned();
    Ok(PhoneNumber { number, e164 })
}

/// The digits to look for in contacts' [`PhoneNumber::search_digits`] when
/// someone searches for `query`, or `None` when `query` is not a phone number
/// search (it has letters, or fewer than [`MIN_SEARCH_DIGITS`] digits).
///
/// A query that reads as a number of `default_country` (the account's) gives
/// its national significant number (`021 555 0101`, `+64 21 555 0101`,
/// `0064 21 5550101` → `215550101`), which every way of writing the number
/// contains once the country code is added; any other gives its digits
/// without leading zeros (`555 01` → `55501`). Match them as a substring.
pub fn search_digits(query: &str, default_country: Option<&str>) -> Option<String> {
    let query = clean(query);
    if query.chars().nth(MAX_PHONE_CHARS).is_some() || !query.chars().all(is_phone_char) {
        return None;
    }
    let digits: String = query.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < MIN_SEARCH_DIGITS {
        return None;
    }
    let region = default_country.and_then(phone_region);
    let national = PHONE_NUMBER_UTIL
        .parse(query, region)
        .ok()
        .map(|number| number.get_national_significant_number())
        .filter(|national| national.len() >= MIN_SEARCH_DIGITS);
    Some(national.unwrap_or_else(|| digits.trim_start_matches('0').to_string()))
        .filter(|found| found.len() >= MIN_SEARCH_DIGITS)
}

/// The libphonenumber region of an ISO country code, when it has phone
/// numbers of its own (not `AQ`, not a code no country has).
fn phone_region(country: &str) -> Option<Region> {
    let region = Region::from_code(country).ok()?;
    PHONE_NUMBER_UTIL
        .get_country_code_for_region(region)
        .map(|_| region)
}

/// Characters a phone number may be written with (the extension apart):
/// digits, `+`, brackets, dashes, dots, slashes and spaces of any width.
fn is_phone_char(c: char) -> bool {
    c.is_ascii_digit()
        || matches!(
            c,
            '+' | '(' | ')' | '-' | '.' | '/' | ' ' | '\t' | '\u{a0}' | '\u{2007}' | '\u{202f}'
                | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}'
        )
}

/// The problem behind a parse error of `text` read by `region`.
fn parse_problem(error: &ParseError, text: &str, region: Option<Region>) -> PhoneProblem {
    let region_code = || region.map(|region| region.as_region_str().as_str().to_string());
    match error {
        // Without a region, only `+…` can name a country; anything else needs one.
        ParseError::InvalidCountryCode if region.is_none() && !text.trim_start().starts_with('+') => {
            PhoneProblem::NeedsCountry
        }
        ParseError::InvalidCountryCode => PhoneProblem::UnknownCountryCode,
        ParseError::NotANumber(_) => PhoneProblem::NotANumber,
        ParseError::TooShortAfterIdd | ParseError::TooShortNsn => {
            PhoneProblem::TooShort { country: region_code() }
        }
        ParseError::TooLongNsn => PhoneProblem::TooLong { country: region_code() },
    }
}

/// The country a parsed number belongs to, for sentences: `region` when the
/// number has its calling code (so a Canadian row's `+1` number is named
/// Canadian), else the main country of the number's calling code.
fn number_country(number: &rlibphonenumber::PhoneNumber, region: Option<Region>) -> Option<String> {
    let same_code = region.filter(|&region| {
        PHONE_NUMBER_UTIL.get_country_code_for_region(region) == Some(number.country_code)
    });
    same_code
        .or_else(|| PHONE_NUMBER_UTIL.get_region_for_country_code(number.country_code))
        .map(|region| region.as_region_str().as_str().to_string())
        .filter(|code| country_by_code(code).is_some())
}

impl PhoneProblem {
    /// The problem in one plain sentence, naming the cell's `value`.
    pub fn problem_text(&self, value: &str) -> String {
        let value = crate::issue::quoted(value);
        match self {
            PhoneProblem::NotANumber => format!("{value} is not a phone number."),
            PhoneProblem::Characters => {
                format!("{value} has characters a phone number cannot contain.")
            }
            PhoneProblem::NeedsCountry => format!(
                "{value} has no country code, and the row has no country to read it by."
            ),
            PhoneProblem::UnknownCountryCode => {
                format!("{value} does not start with a country's calling code.")
            }
            PhoneProblem::TooShort { country } => format!(
                "{value} has too few digits for a phone number {}.",
                in_country(country)
            ),
            PhoneProblem::TooLong { country } => format!(
                "{value} has too many digits for a phone number {}.",
                in_country(country)
            ),
            PhoneProblem::WrongLength { country } => format!(
                "{value} does not have the right number of digits for a phone number {}.",
                in_country(country)
            ),
            PhoneProblem::NotInUse { country } => format!(
                "{value} cannot be a real phone number {}: no number there has these digits.",
                in_country(country)
            ),
        }
    }

    /// How to fix it, in one plain sentence (naming an example number of
    /// the country, which only the server can make: see [`PhoneProblem::example`]).
    pub fn fix_text(&self) -> String {
        self.fix_text_with(self.example().as_deref())
    }

    /// An ordinary number of the problem's country as written there, for
    /// the fix of a number of the wrong length or digits (libphonenumber's
    /// example: the server makes it, and it travels with the problem so the
    /// page never needs libphonenumber).
    pub fn example(&self) -> Option<String> {
        match self {
            PhoneProblem::TooShort { country }
            | PhoneProblem::TooLong { country }
            | PhoneProblem::WrongLength { country }
            | PhoneProblem::NotInUse { country } => country.as_deref().and_then(example_number),
            PhoneProblem::NotANumber
            | PhoneProblem::Characters
            | PhoneProblem::NeedsCountry
            | PhoneProblem::UnknownCountryCode => None,
        }
    }

    /// [`PhoneProblem::fix_text`] with the example number already made
    /// (`None`: the fix names none). Reads no phone metadata.
    pub fn fix_text_with(&self, example: Option<&str>) -> String {
        match self {
            PhoneProblem::NotANumber | PhoneProblem::Characters => {
                "Enter the number with digits, spaces, +, - and ( ), and an extension such as x123 at the end, or leave it blank."
            }
            PhoneProblem::NeedsCountry => {
                "Start the number with + and its country code, such as +64, or fill in Country."
            }
            PhoneProblem::UnknownCountryCode => {
                "Check the digits after the +: they start with the country code, such as +64 or +44."
            }
            PhoneProblem::TooShort { country }
            | PhoneProblem::TooLong { country }
            | PhoneProblem::WrongLength { country }
            | PhoneProblem::NotInUse { country } => {
                return match example {
                    Some(example) => format!(
                        "Check the digits: a number {} looks like {example}. A number from another country starts with + and its country code.",
                        in_country(country)
                    ),
                    None => "Check the digits; a number from another country starts with + and its country code.".to_string(),
                };
            }
        }
        .to_string()
    }
}

/// An ordinary landline number of `country` as written there, e.g.
/// `03-234 5678` for NZ: libphonenumber's example for the country.
fn example_number(country: &str) -> Option<String> {
    let region = phone_region(country)?;
    let example = PHONE_NUMBER_UTIL.get_example_number(region).ok()?;
    Some(example.format_as(PhoneNumberFormat::National).into_owned())
}

/// `"in New Zealand"`, `"in the United Kingdom"`, or `"in its country"`
/// when the country is not known.
fn in_country(country: &Option<String>) -> String {
    const NAMES_WITH_THE: [&str; 8] = [
        "Bahamas",
        "Comoros",
        "Gambia",
        "Maldives",
        "Netherlands",
        "Philippines",
        "Seychelles",
        "Vatican City",
    ];
    match country.as_deref().and_then(country_by_code) {
        Some(country) => {
            let name = country.name;
            let the = name.starts_with("United ")
                || name.contains("Republic")
                || name.ends_with("Islands")
                || NAMES_WITH_THE.contains(&name);
            format!("in {}{name}", if the { "the " } else { "" })
        }
        None => "in its country".to_string(),
    }
}

#[cfg(test)]
mod tests;
