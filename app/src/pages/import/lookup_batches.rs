//! The keys a file's rows are looked up by on the server (their existing
//! contacts, possible duplicates and phone numbers), gathered as the rows
//! come and handed out a server call's worth at a time, so the calls go out
//! while the worker is still reading the rest of the file.
//!
//! Invariant: however the rows are cut, every key of every row is asked
//! exactly once, and no call carries more keys of a kind than the server's
//! cap for it ([`Caps`]).

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use xxhash_rust::xxh3::xxh3_128;

use rules::check::{row_lookup_keys, row_phone_keys, LookupKeys};
use rules::headers::ImportRow;
use rules::phone::PhoneKey;
use rules::similar::{contact_similar_keys, SimilarKeys, SIMILARITY_RULES};

/// One server call's worth of keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ask {
    /// The account's contacts with these Contact IDs or emails.
    Contacts(LookupKeys),
    /// The account's contacts these rows may duplicate.
    Similar(SimilarKeys),
    /// The server's verdicts on these phone numbers.
    Phones(Vec<PhoneKey>),
}

/// The most keys of each kind one call may carry (the server's caps).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caps {
    /// Contact IDs, and as many emails, per [`Ask::Contacts`].
    pub contacts: usize,
    /// Phone keys, and as many postcode pairs, per [`Ask::Similar`].
    pub similar: usize,
    /// Phone keys per [`Ask::Phones`].
    pub phones: usize,
}

impl Caps {
    /// The server's.
    pub const SERVER: Caps = Caps {
        contacts: crate::import_api::MAX_LOOKUP_KEYS,
        similar: crate::import_api::MAX_SIMILAR_KEYS,
        phones: crate::import_api::MAX_PHONE_KEYS,
    };
}

/// Keys seen so far and those not yet handed out, in the order first seen.
///
/// A key seen is remembered by its 128-bit fingerprint, not a copy: at
/// 200,000 rows the copies (five kinds of key, a million strings) made
/// gathering most of the page's work during a read, and freeing them at
/// the end a task of 130 ms. Two distinct keys share a fingerprint with a
/// chance of about n² / 2¹²⁹ (10⁻²⁷ for a million keys).
#[derive(Debug)]
struct PendingKeys<K> {
    seen: HashSet<u128, foldhash::fast::RandomState>,
    pending: Vec<K>,
    /// The bytes of the key being fingerprinted, kept between keys.
    scratch: KeyBytes,
}

impl<K> Default for PendingKeys<K> {
    fn default() -> Self {
        PendingKeys { seen: HashSet::default(), pending: Vec::new(), scratch: KeyBytes::default() }
    }
}

/// A key's bytes as `Hash` writes them (a string's bytes and a terminator,
/// so `("ab", "c")` and `("a", "bc")` differ), to be fingerprinted in one
/// call: xxh3 fed piece by piece through its streaming state cost about as
/// much as working out the keys.
#[derive(Debug, Default)]
struct KeyBytes(Vec<u8>);

impl Hasher for KeyBytes {
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn finish(&self) -> u64 {
        // Only the bytes are used (see `fingerprint`).
        0
    }
}

impl KeyBytes {
    /// The 128-bit xxh3 fingerprint of `key`.
    fn fingerprint<K: Hash>(&mut self, key: &K) -> u128 {
        self.0.clear();
        key.hash(self);
        xxh3_128(&self.0)
    }
}

impl<K: Hash> PendingKeys<K> {
    fn extend(&mut self, keys: impl IntoIterator<Item = K>) {
        for key in keys {
            if self.seen.insert(self.scratch.fingerprint(&key)) {
                self.pending.push(key);
            }
        }
    }

    fn len(&self) -> usize {
        self.pending.len()
    }

    /// Hands out the first `count` pending keys (fewer if there are not as
    /// many).
    fn take(&mut self, count: usize) -> Vec<K> {
        self.pending.drain(..count.min(self.pending.len())).collect()
    }
}

/// The keys gathered so far; see the module docs.
#[derive(Debug)]
pub struct LookupBatches {
    caps: Caps,
    references: PendingKeys<String>,
    emails: PendingKeys<String>,
    similar_phones: PendingKeys<String>,
    /// Postcodes paired with name starts ([`SimilarKeys`]).
    similar_pairs: PendingKeys<(String, String)>,
    phones: PendingKeys<PhoneKey>,
}

impl LookupBatches {
    pub fn new(caps: Caps) -> LookupBatches {
        LookupBatches {
            caps: Caps { contacts: caps.contacts.max(1), similar: caps.similar.max(1), phones: caps.phones.max(1) },
            references: PendingKeys::default(),
            emails: PendingKeys::default(),
            similar_phones: PendingKeys::default(),
            similar_pairs: PendingKeys::default(),
            phones: PendingKeys::default(),
        }
    }

    /// Gathers the keys of `rows` (what the rules' `lookup_keys`,
    /// `similar_keys` and `phone_keys` give, row by row: sorting each
    /// slice's keys first, as those do, was a third of the work); returns
    /// the calls that are full now.
    pub fn add(&mut self, rows: &[ImportRow]) -> Vec<Ask> {
        for row in rows {
            let (reference, email) = row_lookup_keys(row);
            self.references.extend(reference);
            self.emails.extend(email);
            let similar = contact_similar_keys(&row.values, &SIMILARITY_RULES);
            self.similar_phones.extend(similar.phones);
            self.similar_pairs.extend(similar.places);
            self.phones.extend(row_phone_keys(row));
        }
        self.calls(false)
    }

    /// The calls for the keys not handed out yet (after the last rows).
    pub fn finish(mut self) -> Vec<Ask> {
        self.calls(true)
    }

    /// The full calls, and with `all` the last partial ones too.
    fn calls(&mut self, all: bool) -> Vec<Ask> {
        let Caps { contacts, similar, phones } = self.caps;
        let due = |pending: usize, cap: usize| pending >= cap || (all && pending > 0);
        let mut calls = Vec::new();
        while due(self.references.len().max(self.emails.len()), contacts) {
            calls.push(Ask::Contacts(LookupKeys { references: self.references.take(contacts), emails: self.emails.take(contacts) }));
        }
        while due(self.similar_phones.len().max(self.similar_pairs.len()), similar) {
            let (postcodes, name_starts) = self.similar_pairs.take(similar).into_iter().unzip();
            calls.push(Ask::Similar(SimilarKeys { phones: self.similar_phones.take(similar), postcodes, name_starts }));
        }
        while due(self.phones.len(), phones) {
            calls.push(Ask::Phones(self.phones.take(phones)));
        }
        calls
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rules::headers::HeaderMapping;
    use rules::{Cell, SheetRow};

    const HEADERS: [&str; 7] = ["Contact ID", "First Name", "Last Name", "Email", "Phone", "Postcode", "Country"];

    /// Rows whose keys repeat across rows (the same email, phone and
    /// postcode + name start twice or more).
    fn rows() -> Vec<ImportRow> {
        let table = [
            ["C-1", "Aroha", "Ngata", "aroha@example.com", "021 555 0101", "6011", "NZ"],
            ["C-2", "Aroha", "Ngata", "aroha.n@example.com", "+64 21 555 0101", "6011", "NZ"],
            ["", "Ben", "Cole", "ben@example.com", "0412 345 678", "2000", "AU"],
            ["C-4", "Ben", "Cole", "ben@example.com", "", "2000", "AU"],
            ["C-5", "Chloé", "Dupont", "", "020 7946 0018", "SW1A 1AA", "GB"],
            ["", "Dev", "Patel", "dev@example.com", "07700 900123", "", "GB"],
            ["C-7", "Ema", "Lee", "ema@example.com", "021 555 0199", "6011", "NZ"],
        ];
        let headers: Vec<String> = HEADERS.iter().map(|header| header.to_string()).collect();
        let sheet_rows: Vec<SheetRow> = table
            .iter()
            .enumerate()
            .map(|(index, cells)| SheetRow { line: index as u32 + 2, cells: cells.iter().map(|cell| Cell::Text(cell.to_string())).collect() })
            .collect();
        HeaderMapping::new(&headers).import_rows(&sheet_rows)
    }

    fn gather(rows: &[ImportRow], cut: usize, caps: Caps) -> (Vec<Ask>, Vec<usize>) {
        let mut batches = LookupBatches::new(caps);
        let mut asks = Vec::new();
        let mut ready_after = Vec::new();
        for slice in rows.chunks(cut) {
            let ready = batches.add(slice);
            ready_after.push(ready.len());
            asks.extend(ready);
        }
        asks.extend(batches.finish());
        (asks, ready_after)
    }

    fn sorted<K: Ord>(mut keys: Vec<K>) -> Vec<K> {
        keys.sort();
        keys
    }

    #[test]
    fn every_key_is_asked_exactly_once_however_the_rows_are_cut_and_no_call_passes_a_cap() {
        let rows = rows();
        let whole_contacts = rules::check::lookup_keys(&rows);
        let whole_similar = rules::similar::similar_keys(rows.iter().map(|row| &row.values), &SIMILARITY_RULES);
        let whole_phones = rules::check::phone_keys(&rows);
        assert!(whole_contacts.emails.len() < rows.len(), "the rows repeat an email");
        assert!(whole_phones.len() > 2 && !whole_similar.postcodes.is_empty());
        for caps in [Caps::SERVER, Caps { contacts: 2, similar: 2, phones: 2 }, Caps { contacts: 1, similar: 3, phones: 1 }] {
            for cut in 1..=rows.len() {
                let (asks, _) = gather(&rows, cut, caps);
                let (mut references, mut emails, mut similar_phones, mut pairs, mut phones) =
                    (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
                for ask in asks {
                    match ask {
                        Ask::Contacts(keys) => {
                            assert!(keys.references.len() <= caps.contacts && keys.emails.len() <= caps.contacts);
                            assert!(!keys.references.is_empty() || !keys.emails.is_empty(), "no empty call");
                            references.extend(keys.references);
                            emails.extend(keys.emails);
                        }
                        Ask::Similar(keys) => {
                            assert!(keys.phones.len() <= caps.similar && keys.postcodes.len() <= caps.similar);
                            assert_eq!(keys.postcodes.len(), keys.name_starts.len());
                            assert!(!keys.is_empty(), "no empty call");
                            similar_phones.extend(keys.phones);
                            pairs.extend(keys.postcodes.into_iter().zip(keys.name_starts));
                        }
                        Ask::Phones(keys) => {
                            assert!(!keys.is_empty() && keys.len() <= caps.phones);
                            phones.extend(keys);
                        }
                    }
                }
                // Sorted, the keys asked are the whole file's, each once.
                assert_eq!(sorted(references), whole_contacts.references, "cut {cut}, {caps:?}");
                assert_eq!(sorted(emails), whole_contacts.emails, "cut {cut}, {caps:?}");
                assert_eq!(sorted(similar_phones), whole_similar.phones, "cut {cut}, {caps:?}");
                let whole_pairs: Vec<(String, String)> =
                    whole_similar.postcodes.iter().cloned().zip(whole_similar.name_starts.iter().cloned()).collect();
                assert_eq!(sorted(pairs), whole_pairs, "cut {cut}, {caps:?}");
                assert_eq!(sorted(phones), whole_phones, "cut {cut}, {caps:?}");
            }
        }
    }

    #[test]
    fn a_full_calls_worth_of_keys_goes_out_before_the_last_rows_come() {
        let rows = rows();
        let (asks, ready_after) = gather(&rows, 2, Caps { contacts: 2, similar: 1_000, phones: 1_000 });
        assert!(ready_after[0] >= 1, "two rows with two Contact IDs fill a call of two: {ready_after:?}");
        assert!(matches!(asks[0], Ask::Contacts(_)));
        // Under the server's caps, a small file's keys all wait for the end.
        let (_, ready_after) = gather(&rows, 2, Caps::SERVER);
        assert!(ready_after.iter().all(|&ready| ready == 0));
    }

    #[test]
    fn rows_without_keys_ask_nothing() {
        assert!(LookupBatches::new(Caps::SERVER).finish().is_empty());
        let (asks, _) = gather(&[], 1, Caps::SERVER);
        assert!(asks.is_empty());
    }
}
