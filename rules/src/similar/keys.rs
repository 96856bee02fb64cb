//! The keys possible duplicates are blocked and looked up by, computed the
//! same way in the browser and on the server.
//!
//! Invariant: every key here is a function of a contact's stored text alone,
//! with no phone-number metadata: the browser's wasm budget has no room for
//! libphonenumber's tables (about 275 kB brotli), and a key both sides
//! compute identically needs no round trip to agree. The server's lookup
//! (`store::imports::similar`) computes the same forms in SQL for ASCII
//! text; for other scripts it may find fewer candidates, never other ones.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::SimilarityRules;
use crate::contact::ContactFields;
use crate::field::Field;
use crate::validate::split_extension;

/// The fields whose numbers are phone blocking keys.
pub const PHONE_FIELDS: [Field; 2] = [Field::Phone, Field::Mobile];

/// The blocking key of a phone number as written: the last
/// [`SimilarityRules::phone_key_digits`] digits of the number (an extension,
/// "x12", left out), everything but the ASCII digits dropped; `None` with
/// fewer digits than that.
///
/// Why the tail: the ways one number is written differ at its start (a
/// trunk `0`, `+64`, `0064`) and in punctuation, not in its last digits, so
/// "021 555 0101", "+64 21 555 0101" and "0064-21-5550101" meet without
/// knowing any country's numbering plan. Two numbers that share only their
/// last 8 digits meet too; the name must still match for a flag, and
/// [`SimilarityRules::max_block`] bounds a crowded key.
pub fn phone_key(text: &str, rules: &SimilarityRules) -> Option<String> {
    // Phone cells are at most a few dozen characters once valid; reading a
    // bounded prefix keeps hostile input cheap.
    const MOST_READ: usize = 64;
    let (number, _extension) = split_extension(text);
    // The digits on the stack: a key is made for every phone of every row
    // of a file, twice in the page (to look up, then to compare).
    let mut digits = [0u8; MOST_READ];
    let mut count = 0;
    for digit in number.chars().take(MOST_READ).filter(char::is_ascii_digit) {
        digits[count] = digit as u8;
        count += 1;
    }
    let start = count.checked_sub(rules.phone_key_digits)?;
    Some(digits[start..count].iter().map(|&digit| char::from(digit)).collect())
}

/// The phone keys of a contact's Phone and Mobile.
pub fn phone_keys(fields: &ContactFields, rules: &SimilarityRules) -> Vec<String> {
    PHONE_FIELDS.iter().filter_map(|&field| phone_key(fields.get(field), rules)).collect()
}

/// What the browser asks the server about to find the existing contacts
/// its rows may duplicate: phone keys, and postcodes paired with the first
/// letters of a name word (`postcodes[i]` with `name_starts[i]`), both in
/// [`lookup_word`] form. Sorted, without repeats.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimilarKeys {
    /// [`phone_key`]s.
    pub phones: Vec<String>,
    /// Postcodes ([`lookup_postcode`]).
    pub postcodes: Vec<String>,
    /// Name-word starts, one per postcode.
    pub name_starts: Vec<String>,
}

impl SimilarKeys {
    /// How many keys of the larger kind there are (what one call is capped by).
    pub fn len(&self) -> usize {
        self.phones.len().max(self.postcodes.len())
    }

    /// Whether there is nothing to ask.
    pub fn is_empty(&self) -> bool {
        self.phones.is_empty() && self.postcodes.is_empty()
    }

    /// The keys in chunks of at most `size` of each kind.
    pub fn chunks(&self, size: usize) -> Vec<SimilarKeys> {
        let size = size.max(1);
        let count = self.len().div_ceil(size);
        (0..count)
            .map(|chunk| {
                let slice = |keys: &[String]| keys.iter().skip(chunk * size).take(size).cloned().collect::<Vec<_>>();
                SimilarKeys {
                    phones: slice(&self.phones),
                    postcodes: slice(&self.postcodes),
                    name_starts: slice(&self.name_starts),
                }
            })
            .collect()
    }
}

/// The lookup keys of `contacts` (the rows that may be duplicates).
pub fn similar_keys<'a>(contacts: impl IntoIterator<Item = &'a ContactFields>, rules: &SimilarityRules) -> SimilarKeys {
    let mut gathered = SimilarKeysGathered::default();
    gathered.add(contacts, rules);
    gathered.finish()
}

/// [`similar_keys`] gathered a few contacts at a time (the page gives the
/// browser a turn between slices of a big file): the same keys, however
/// the contacts are cut.
#[derive(Debug, Default)]
pub struct SimilarKeysGathered {
    phones: BTreeSet<String>,
    pairs: BTreeSet<(String, String)>,
}

impl SimilarKeysGathered {
    /// Adds the keys of `contacts`.
    pub fn add<'a>(&mut self, contacts: impl IntoIterator<Item = &'a ContactFields>, rules: &SimilarityRules) {
        for fields in contacts {
            let keys = contact_similar_keys(fields, rules);
            self.phones.extend(keys.phones);
            self.pairs.extend(keys.places);
        }
    }

    /// The keys of every contact added, sorted, each once.
    pub fn finish(self) -> SimilarKeys {
        let (postcodes, name_starts) = self.pairs.into_iter().unzip();
        SimilarKeys { phones: self.phones.into_iter().collect(), postcodes, name_starts }
    }
}

/// One contact's part of [`similar_keys`], unsorted and possibly repeated
/// (for a caller that gathers the keys of many contacts its own way).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContactSimilarKeys {
    /// [`phone_key`]s of its Phone and Mobile.
    pub phones: Vec<String>,
    /// Its postcode ([`lookup_postcode`]) with the first letters of each
    /// name word of two letters or more; none without a postcode.
    pub places: Vec<(String, String)>,
}

/// The keys of one contact (see [`ContactSimilarKeys`]).
pub fn contact_similar_keys(fields: &ContactFields, rules: &SimilarityRules) -> ContactSimilarKeys {
    let phones = phone_keys(fields, rules);
    let postcode = lookup_postcode(fields.get(Field::Postcode));
    let mut places = Vec::new();
    if !postcode.is_empty() {
        for field in [Field::FirstName, Field::LastName, Field::CompanyName] {
            for word in lookup_words(fields.get(field)) {
                if word.chars().nth(1).is_some() {
                    places.push((postcode.clone(), word.chars().take(rules.block_letters).collect::<String>()));
                }
            }
        }
    }
    ContactSimilarKeys { phones, places }
}

/// A postcode as the lookup compares it: its letters and digits, lower case
/// (what SQL's `lower(regexp_replace(postcode, '[^[:alnum:]]', '', 'g'))`
/// gives for ASCII).
pub fn lookup_postcode(text: &str) -> String {
    text.chars().take(40).filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The words of a name as the lookup compares them: lower case, apostrophes
/// dropped, split at everything but letters and digits (what SQL's
/// `regexp_split_to_table` over the lower-cased name gives for ASCII).
/// Unlike the rules' own name words, accents are kept: SQL keeps them.
fn lookup_words(text: &str) -> Vec<String> {
    let unquoted: String = text.chars().take(300).filter(|c| !matches!(c, '\'' | '\u{2019}')).collect();
    unquoted
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::similar::SIMILARITY_RULES;

    #[test]
    fn one_number_written_three_ways_has_one_phone_key_and_a_short_one_none() {
        let key = |text: &str| phone_key(text, &SIMILARITY_RULES);
        assert_eq!(key("021 555 0101").as_deref(), Some("15550101"));
        assert_eq!(key("+64 21 555 0101"), key("021 555 0101"));
        assert_eq!(key("0064-21-5550101"), key("021 555 0101"));
        assert_eq!(key("(021) 555-0101"), key("021 555 0101"));
        assert_ne!(key("021 555 0102"), key("021 555 0101"));
        // An extension is not part of the number.
        assert_eq!(key("021 555 0101 x12"), key("021 555 0101"));
        assert_eq!(key("021 555 0101 ext. 12"), key("021 555 0101"));
        // Too few digits to say anything.
        assert_eq!(key("555 010"), None);
        assert_eq!(key(""), None);
        assert_eq!(key("ext."), None);
        // Exactly enough digits.
        assert_eq!(key("5550 1010").as_deref(), Some("55501010"));
        // The count is data: a rule of 6 digits keys shorter numbers.
        let six = SimilarityRules { phone_key_digits: 6, ..SIMILARITY_RULES };
        assert_eq!(phone_key("555 010", &six).as_deref(), Some("555010"));
    }

    #[test]
    fn keys_gathered_a_few_contacts_at_a_time_are_the_keys_of_all_at_once() {
        let contact = |first: &str, last: &str, phone: &str, postcode: &str| {
            ContactFields::from_pairs([
                (Field::FirstName, first),
                (Field::LastName, last),
                (Field::Phone, phone),
                (Field::Postcode, postcode),
            ])
        };
        let contacts = [
            contact("Ana", "Silva", "021 555 0101", "1010"),
            contact("Bo", "Jones", "09 555 0202", "1010"),
            contact("Ana", "Silva", "+64 21 555 0101", "1010"),
            contact("Cy", "Zhang", "", "SW1A 1AA"),
            contact("Bo", "Jones", "09 555 0202", ""),
        ];
        let whole = similar_keys(&contacts, &SIMILARITY_RULES);
        for size in 1..=contacts.len() {
            let mut gathered = SimilarKeysGathered::default();
            for part in contacts.chunks(size) {
                gathered.add(part, &SIMILARITY_RULES);
            }
            assert_eq!(gathered.finish(), whole, "parts of {size}");
        }
    }

    #[test]
    fn a_hostile_phone_cell_costs_a_bounded_read() {
        let long = "1".repeat(1_000_000);
        assert_eq!(phone_key(&long, &SIMILARITY_RULES).as_deref(), Some("11111111"));
    }

    #[test]
    fn the_lookup_asks_for_each_phone_and_each_postcode_with_each_name_start_once() {
        let ana = ContactFields::from_pairs([
            (Field::FirstName, "Ana"),
            (Field::LastName, "O'Brien-Silva"),
            (Field::Phone, "021 555 0101"),
            (Field::Mobile, "+64 21 555 0101"),
            (Field::Postcode, "SW1A 1AA"),
        ]);
        let bo = ContactFields::from_pairs([(Field::FirstName, "Bo"), (Field::LastName, "J"), (Field::Phone, "12")]);
        let keys = similar_keys([&ana, &bo, &ana], &SIMILARITY_RULES);
        assert_eq!(keys.phones, vec!["15550101"]);
        assert_eq!(keys.postcodes, vec!["sw1a1aa"; 3]);
        assert_eq!(keys.name_starts, vec!["ana", "obr", "sil"]);
        assert_eq!(keys.len(), 3);
        let chunks = keys.chunks(2);
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[0].postcodes.len(), 2);
        assert_eq!(chunks[1].name_starts, vec!["sil"]);
        assert_eq!(chunks[1].phones, Vec::<String>::new());
        assert!(SimilarKeys::default().chunks(10).is_empty());
    }
}
