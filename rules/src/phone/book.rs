//! How the cell rules read a row's Phone and Mobile: through one interface,
//! [`PhoneBook`], answered on the server by libphonenumber
//! ([`AccountPhones`]) and in the page by the server's answers
//! ([`PhoneVerdicts`]), which cannot carry libphonenumber (+275 kB brotli).
//! The same rules code ([`crate::validate`]) turns the answer into a stored
//! value or an issue on both sides.
//!
//! Invariant: a verdict depends only on the cell's cleaned text, the row's
//! Country (its ISO code, when valid) and the account's default country, and
//! [`read_phone`] is the one statement of how: the row's country, else the
//! account's; a number with its country code (`+…`) whatever they say; with
//! neither country, a number without a code is kept as written (the account
//! never chose a country) and only its layout is checked. A stored number
//! reads back as itself, so judging a staged row gives the verdict its
//! original got. No answer ([`PhoneBook::read`] gives `None`: the page has
//! not heard from the server) means the layout check; the server always
//! answers, and its verdict is final.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{parse_phone, PhoneNumber, PhoneProblem};
use crate::validate::clean;

/// The most phone keys one call for verdicts may carry (the page sends a
/// file's distinct numbers in calls of this many).
pub const MAX_PHONE_KEYS_PER_CALL: usize = 5_000;

/// What the cell rules need to know about one phone cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhoneReading {
    /// A real number: store this ([`PhoneNumber::stored`]: E.164, extension kept).
    Stored(String),
    /// Cannot be a real number; `example` is a number of its country, for
    /// the fix (see [`PhoneProblem::example`]).
    Problem { problem: PhoneProblem, example: Option<String> },
    /// No country to read it by: kept as written, its layout checked.
    AsWritten,
}

/// Reads phone cells for the cell rules.
pub trait PhoneBook {
    /// The reading of phone cell `text` (cleaned, not blank) in a row whose
    /// Country is `row_country` (a valid ISO code, or `None`); `None` when
    /// this book has no answer for it (the layout check applies).
    fn read(&self, text: &str, row_country: Option<&str>) -> Option<PhoneReading>;
}

/// No answers: every phone cell gets the layout check only. For callers
/// that have no account (the example workbooks, tests of other rules).
#[derive(Clone, Copy, Debug, Default)]
pub struct LayoutOnly;

impl PhoneBook for LayoutOnly {
    fn read(&self, _text: &str, _row_country: Option<&str>) -> Option<PhoneReading> {
        None
    }
}

/// The number `text` is, read by the row's country, else the account's
/// (see the module's invariant): `Ok(None)` when it has no country code and
/// neither country is known, so it is kept as written.
pub fn read_phone(
    text: &str,
    row_country: Option<&str>,
    account_country: Option<&str>,
) -> Result<Option<PhoneNumber>, PhoneProblem> {
    let country = row_country.or(account_country);
    match parse_phone(text, country) {
        Ok(number) => Ok(Some(number)),
        Err(PhoneProblem::NeedsCountry) if country.is_none() => Ok(None),
        Err(problem) => Err(problem),
    }
}

/// The server's book: libphonenumber, with the account's default country.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountPhones {
    /// The account's default country (ISO code), `None` for an account made
    /// before the setting.
    pub country: Option<String>,
}

impl AccountPhones {
    /// The book of an account whose default country is `country`.
    pub fn new(country: Option<String>) -> AccountPhones {
        AccountPhones { country }
    }

    /// The full verdict on `text` (with the form shown): what the page asks
    /// for.
    pub fn verdict(&self, key: &PhoneKey) -> PhoneVerdict {
        match read_phone(&key.text, key.country.as_deref(), self.country.as_deref()) {
            Ok(Some(number)) => PhoneVerdict::Number { stored: number.stored(), display: number.display() },
            Ok(None) => PhoneVerdict::AsWritten,
            Err(problem) => PhoneVerdict::Problem { example: problem.example(), problem },
        }
    }
}

impl PhoneBook for AccountPhones {
    fn read(&self, text: &str, row_country: Option<&str>) -> Option<PhoneReading> {
        Some(match read_phone(text, row_country, self.country.as_deref()) {
            Ok(Some(number)) => PhoneReading::Stored(number.stored()),
            Ok(None) => PhoneReading::AsWritten,
            Err(problem) => PhoneReading::Problem { example: problem.example(), problem },
        })
    }
}

/// One phone cell as the page asks about it: its cleaned text and the row's
/// Country (ISO code), the two things besides the account that decide it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PhoneKey {
    pub text: String,
    pub country: Option<String>,
}

impl PhoneKey {
    /// The key of phone cell `text` in a row whose Country is `row_country`.
    pub fn new(text: &str, row_country: Option<&str>) -> PhoneKey {
        PhoneKey { text: clean(text).to_string(), country: row_country.map(str::to_string) }
    }
}

/// The server's verdict on one [`PhoneKey`], as the page keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PhoneVerdict {
    /// A real number: what is stored, and how it reads (`+64 21 555 0101`).
    Number { stored: String, display: String },
    /// Cannot be a real number; `example` as in [`PhoneReading::Problem`].
    Problem { problem: PhoneProblem, example: Option<String> },
    /// No country to read it by: kept as written.
    AsWritten,
}

impl PhoneVerdict {
    /// What the cell rules read from this verdict.
    pub fn reading(&self) -> PhoneReading {
        match self {
            PhoneVerdict::Number { stored, .. } => PhoneReading::Stored(stored.clone()),
            PhoneVerdict::Problem { problem, example } => {
                PhoneReading::Problem { problem: problem.clone(), example: example.clone() }
            }
            PhoneVerdict::AsWritten => PhoneReading::AsWritten,
        }
    }
}

/// A map by text, hashed with a per-process seed.
type Answers<V> = HashMap<String, V, foldhash::fast::RandomState>;

/// The page's book: the verdicts the server gave, by row country and text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PhoneVerdicts {
    /// Row country (`""` for none) → cleaned text → verdict; nested so a
    /// look-up borrows the cell's text instead of building a key. Hashed
    /// with foldhash: the page adds a verdict per distinct number of the
    /// file (200,000 took 90 ms in one task with the default SipHash).
    by_country: Answers<Answers<PhoneVerdict>>,
}

impl PhoneVerdicts {
    /// Adds (or replaces) verdicts.
    pub fn extend(&mut self, verdicts: impl IntoIterator<Item = (PhoneKey, PhoneVerdict)>) {
        for (key, verdict) in verdicts {
            self.by_country.entry(key.country.unwrap_or_default()).or_default().insert(key.text, verdict);
        }
    }

    /// The verdict on phone cell `text` of a row whose Country is `row_country`.
    pub fn get(&self, text: &str, row_country: Option<&str>) -> Option<&PhoneVerdict> {
        self.by_country.get(row_country.unwrap_or_default())?.get(clean(text))
    }

    /// Whether there is a verdict for `key`.
    pub fn contains(&self, key: &PhoneKey) -> bool {
        self.get(&key.text, key.country.as_deref()).is_some()
    }

    /// How many verdicts are kept.
    pub fn len(&self) -> usize {
        self.by_country.values().map(HashMap::len).sum()
    }

    /// Whether no verdict is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl From<Vec<(PhoneKey, PhoneVerdict)>> for PhoneVerdicts {
    fn from(verdicts: Vec<(PhoneKey, PhoneVerdict)>) -> PhoneVerdicts {
        let mut book = PhoneVerdicts::default();
        book.extend(verdicts);
        book
    }
}

impl IntoIterator for PhoneVerdicts {
    type Item = (PhoneKey, PhoneVerdict);
    type IntoIter = Box<dyn Iterator<Item = (PhoneKey, PhoneVerdict)>>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.by_country.into_iter().flat_map(|(country, verdicts)| {
            let country = (!country.is_empty()).then_some(country);
            verdicts.into_iter().map(move |(text, verdict)| (PhoneKey { text, country: country.clone() }, verdict))
        }))
    }
}

impl PhoneBook for PhoneVerdicts {
    fn read(&self, text: &str, row_country: Option<&str>) -> Option<PhoneReading> {
        self.get(text, row_country).map(PhoneVerdict::reading)
    }
}
