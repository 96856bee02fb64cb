//! Possible duplicates: a row whose name and phone, or name and postcode,
//! closely match an existing contact (or an earlier row) while its keys
//! (Contact ID, email) differ. A hint for the user, never an error.
//!
//! Invariant: candidates are found only through shared blocking keys — a
//! phone number's key ([`phone_key`]: its last digits, so the ways one
//! number is written meet without phone metadata), or a postcode with the
//! first letters of a name word
//! — so finding them costs about O(rows + contacts) plus the pairs within
//! each block, never all pairs; a block larger than
//! [`SimilarityRules::max_block`] is skipped (an office switchboard shared by
//! 500 contacts says nothing about any two of them). A pair is reported only
//! when no key is shared and its name score reaches the threshold for its
//! evidence in [`SIMILARITY_RULES`]. Each row is reported once, with its
//! closest match; two rows, on the later one. The search over many rows
//! is `index`'s (each pair scored once, word scores memoised).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::check::match_key;
use crate::contact::{ContactFields, ContactKind};
use crate::field::Field;
use crate::fold::folded_words;
use crate::validate::normalise;

mod index;
mod keys;
pub use index::{possible_duplicates, DuplicateIndex, DuplicateSearch};
pub use keys::{contact_similar_keys, lookup_postcode, phone_key, phone_keys, similar_keys, ContactSimilarKeys, SimilarKeys, SimilarKeysGathered, PHONE_FIELDS};

/// The thresholds of duplicate scoring, as data.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SimilarityRules {
    /// The name score (0 to 1) from which two contacts with a phone number in
    /// common are possibly the same.
    pub name_with_phone: f64,
    /// The name score from which two contacts with the same postcode are
    /// possibly the same (closer: a postcode is shared by many people).
    pub name_with_postcode: f64,
    /// The score of an initial against a name it starts (`J` ~ `John`).
    pub initial: f64,
    /// The score is multiplied by this for each name word only one side has
    /// (a middle name, a second surname).
    pub extra_word: f64,
    /// How many first letters of a name word go into a postcode block.
    pub block_letters: usize,
    /// Blocks with more members than this are skipped.
    pub max_block: usize,
    /// How many last digits of a phone number make its key ([`phone_key`]):
    /// 8 tell numbers apart within an area and leave out every prefix.
    pub phone_key_digits: usize,
}

/// The thresholds in use.
pub const SIMILARITY_RULES: SimilarityRules = SimilarityRules {
    name_with_phone: 0.80,
    name_with_postcode: 0.90,
    initial: 0.90,
    extra_word: 0.90,
    block_letters: 3,
    max_block: 50,
    phone_key_digits: 8,
};

/// Words dropped from names before comparing: titles, and the legal forms
/// and filler words of company names.
const IGNORED_NAME_WORDS: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "herr", "frau", "mme", "mlle", "dhr",
    "mevr", "sr", "sra", "the", "and", "ltd", "limited", "pty", "inc", "llc", "llp", "plc", "co",
    "corp", "company", "gmbh", "ag", "kg", "bv", "nv", "sa", "sarl", "sas", "sl", "srl",
];

/// The longest text of a name read, in characters.
const MAX_NAME_CHARS: usize = 300;

/// The most words of a name compared (more say nothing new, and this bounds
/// the cost of a comparison).
const MAX_NAME_WORDS: usize = 6;

/// One contact or row as duplicates are judged.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Subject {
    name: Vec<String>,
    phones: Vec<String>,
    postcode: String,
    country: String,
    reference: String,
    email: String,
}

impl Subject {
    /// The subject for `fields` (normalised values: Country as its code),
    /// its phones keyed by [`phone_key`]: what the browser and the server
    /// both use.
    pub fn of(fields: &ContactFields, rules: &SimilarityRules) -> Subject {
        Subject::new(fields, phone_keys(fields, rules))
    }

    /// The subject of an import row's values as typed: its Country as the
    /// code when the rules know it (contacts store the code); names, phones
    /// and postcodes are folded here anyway. What the page compares new rows
    /// by, without copying them.
    pub fn of_row(values: &ContactFields, rules: &SimilarityRules) -> Subject {
        let mut subject = Subject::of(values, rules);
        if let Ok(code) = normalise(Field::Country, values.get(Field::Country)) {
            subject.country = code.into_owned();
        }
        subject
    }

    /// The subject for `fields` (normalised values: Country as its code),
    /// with its phone numbers given as keys that are equal exactly when the
    /// numbers are the same ([`phone_key`]s, or E.164 forms from
    /// [`crate::phone::parse_phone`]); a company by its company name, a
    /// person by first and last name.
    pub fn new(fields: &ContactFields, phones_e164: impl IntoIterator<Item = String>) -> Subject {
        let words = |text: &str| -> Vec<String> {
            folded_words(text, MAX_NAME_CHARS)
                .into_iter()
                .filter(|word| !IGNORED_NAME_WORDS.contains(&word.as_str()))
                .collect()
        };
        let person = || {
            let mut name = words(fields.get(Field::FirstName));
            name.extend(words(fields.get(Field::LastName)));
            name
        };
        let name = match fields.kind() {
            ContactKind::Company => words(fields.get(Field::CompanyName)),
            ContactKind::Person => {
                let name = person();
                if name.is_empty() { words(fields.get(Field::CompanyName)) } else { name }
            }
        };
        let mut name = name;
        name.truncate(MAX_NAME_WORDS);
        let mut phones: Vec<String> = phones_e164.into_iter().filter(|phone| !phone.is_empty()).collect();
        phones.sort_unstable();
        phones.dedup();
        Subject {
            name,
            phones,
            postcode: folded_words(fields.get(Field::Postcode), 40).concat(),
            country: fields.get(Field::Country).to_string(),
            reference: match_key(fields.get(Field::Reference)),
            email: match_key(fields.get(Field::Email)),
        }
    }
}

/// What two subjects have in common.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Likeness {
    /// How alike the names are, 0 to 1.
    pub name: f64,
    /// They have a phone number in common.
    pub same_phone: bool,
    /// They have the same postcode (and no different countries).
    pub same_postcode: bool,
}

impl Likeness {
    /// Whether this is enough to call them possibly the same.
    pub fn is_possible_duplicate(&self, rules: &SimilarityRules) -> bool {
        (self.same_phone && self.name >= rules.name_with_phone)
            || (self.same_postcode && self.name >= rules.name_with_postcode)
    }
}

/// How alike `a` and `b` are, or `None` when they share a Contact ID or an
/// email (then they are the same contact by key, which the check handles).
pub fn likeness(a: &Subject, b: &Subject, rules: &SimilarityRules) -> Option<Likeness> {
    let shared = |x: &str, y: &str| !x.is_empty() && x == y;
    if shared(&a.reference, &b.reference) || shared(&a.email, &b.email) {
        return None;
    }
    let countries_differ = !a.country.is_empty() && !b.country.is_empty() && a.country != b.country;
    Some(Likeness {
        name: name_score(&a.name, &b.name, rules),
        same_phone: a.phones.iter().any(|phone| b.phones.contains(phone)),
        same_postcode: shared(&a.postcode, &b.postcode) && !countries_differ,
    })
}

/// How alike two names (folded words) are: each word of the shorter name
/// paired with its closest unpaired word of the other (so order does not
/// matter), scored by Jaro–Winkler, an initial against the name it starts as
/// [`SimilarityRules::initial`]; the mean, times
/// [`SimilarityRules::extra_word`] for each word left over.
pub fn name_score(a: &[String], b: &[String], rules: &SimilarityRules) -> f64 {
    score_names(a, b, rules, |x, y| word_score(x, y, rules))
}

/// [`name_score`] over any kind of word (the index compares interned
/// word ids, with each pair of words scored once): the one place the
/// pairing, its order and the sum are computed, so both give the same score
/// to the bit.
fn score_names<W>(a: &[W], b: &[W], rules: &SimilarityRules, mut word_score: impl FnMut(&W, &W) -> f64) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (a, b) = (&a[..a.len().min(MAX_NAME_WORDS)], &b[..b.len().min(MAX_NAME_WORDS)]);
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    // On the stack: this runs for every candidate pair.
    let mut pairs = [(0.0f64, 0usize, 0usize); MAX_NAME_WORDS * MAX_NAME_WORDS];
    let mut count = 0;
    for (i, x) in short.iter().enumerate() {
        for (j, y) in long.iter().enumerate() {
            pairs[count] = (word_score(x, y), i, j);
            count += 1;
        }
    }
    let pairs = &mut pairs[..count];
    pairs.sort_unstable_by(|p, q| q.0.total_cmp(&p.0));
    let (mut used_short, mut used_long) = ([false; MAX_NAME_WORDS], [false; MAX_NAME_WORDS]);
    let mut total = 0.0;
    for &mut (score, i, j) in pairs {
        if !used_short[i] && !used_long[j] {
            used_short[i] = true;
            used_long[j] = true;
            total += score;
        }
    }
    let extra = (long.len() - short.len()) as i32;
    total / short.len() as f64 * rules.extra_word.powi(extra)
}

fn word_score(x: &str, y: &str, rules: &SimilarityRules) -> f64 {
    if x == y {
        return 1.0;
    }
    let initial_of = |initial: &str, word: &str| initial.chars().count() == 1 && word.starts_with(initial);
    if initial_of(x, y) || initial_of(y, x) {
        return rules.initial;
    }
    strsim::jaro_winkler(x, y)
}

/// Who a row is possibly the same as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum DuplicateOf {
    /// An existing contact of the account.
    Contact(Uuid),
    /// An earlier row of the file (its index).
    Row(usize),
}

/// A row that is possibly the same as a contact or an earlier row.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PossibleDuplicate {
    /// The row's index.
    pub row: usize,
    /// Its closest match.
    pub of: DuplicateOf,
    /// What they have in common.
    pub likeness: Likeness,
}

/// Whether `row` is still possibly the same as `contact` by the rules (no
/// key shared, enough evidence): what the server re-checks an "update that
/// contact" choice with.
pub fn still_possible_duplicate(row: &Subject, contact: &Subject, rules: &SimilarityRules) -> Option<Likeness> {
    likeness(row, contact, rules).filter(|likeness| likeness.is_possible_duplicate(rules))
}

/// What the user chose for a row flagged as a possible duplicate.
///
/// Externally tagged (`"skip"`, `{"update":{"contact":…}}`): it travels in
/// postcard with each uploaded row, and postcard cannot read an internally
/// tagged enum.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateChoice {
    /// Import the row as a new contact (what happens unless the user says).
    #[default]
    CreateAnyway,
    /// Update the existing contact instead.
    Update { contact: Uuid },
    /// Leave the row out.
    Skip,
}

impl DuplicateChoice {
    /// Whether the choice fits what was found: updating is only possible for
    /// the existing contact the row was matched with (the server re-checks
    /// every choice with this).
    pub fn fits(&self, found: &PossibleDuplicate) -> bool {
        match self {
            DuplicateChoice::CreateAnyway | DuplicateChoice::Skip => true,
            DuplicateChoice::Update { contact } => found.of == DuplicateOf::Contact(*contact),
        }
    }
}

#[cfg(test)]
mod tests;
