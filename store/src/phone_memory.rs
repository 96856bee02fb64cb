//! The server process's memory of libphonenumber's verdicts, so that a
//! file's numbers are read once, not twice: the preview asks for a verdict
//! on every distinct number of the file (`phone_verdicts`), and the upload
//! that follows stages the same rows with the same numbers. The upload and
//! the recheck remember what they read too, so a number that recurs in a
//! file (a company's switchboard on many rows) is parsed once even when
//! another server answered the preview.
//!
//! Invariant: a remembered answer is exactly what [`AccountPhones`] would
//! answer now. A verdict depends only on the account's default country, the
//! row's country and the cell's cleaned text (see `rules::phone::book`),
//! which together are the key, and on libphonenumber's metadata, which is
//! built into the binary; so nothing a write does can make one stale, and
//! the memory is a plain bounded cache (about [`MEMORY_BYTES`]), shared by
//! every account. A number not remembered (another server answered the
//! preview, or it was evicted) is read again: only the time differs.

use std::sync::LazyLock;

use quick_cache::sync::{Cache, DefaultLifecycle};
use quick_cache::{DefaultHashBuilder, Equivalent, OptionsBuilder, Weighter};
use rules::phone::{AccountPhones, PhoneBook, PhoneKey, PhoneReading, PhoneVerdict, MAX_PHONE_CHARS};

/// Roughly how much memory the remembered readings may take: about 300,000
/// numbers, a 150,000-row file's Phone and Mobile.
pub const MEMORY_BYTES: u64 = 48 << 20;

/// An account's phone book that answers from the process's memory when it
/// can: [`PhoneBook::read`] for the upload's and the recheck's rules,
/// [`Self::verdict`] for the page's verdict calls. Both remember what they
/// read.
#[derive(Clone, Debug)]
pub struct RememberingPhones {
    book: AccountPhones,
}

impl RememberingPhones {
    /// The book of an account whose default country is `country`.
    pub fn new(country: Option<String>) -> RememberingPhones {
        RememberingPhones { book: AccountPhones::new(country) }
    }

    /// The full verdict on `key` (read anew: it carries the number's
    /// display form, which the memory does not keep), remembered for the
    /// upload that follows.
    pub fn verdict(&self, key: &PhoneKey) -> PhoneVerdict {
        let verdict = self.book.verdict(key);
        if let Some(cell) = self.cell(&key.text, key.country.as_deref()) {
            cell.remember(verdict.reading());
        }
        verdict
    }

    /// Where the memory keeps phone cell `text` of a row whose Country is
    /// `row_country` in this account, or `None` for a cell it does not keep
    /// (see [`CellRef::of`]).
    fn cell<'t>(&self, text: &'t str, row_country: Option<&str>) -> Option<CellRef<'t>> {
        CellRef::of(self.book.country.as_deref(), row_country, text)
    }
}

impl PhoneBook for RememberingPhones {
    fn read(&self, text: &str, row_country: Option<&str>) -> Option<PhoneReading> {
        let cell = self.cell(text, row_country);
        if let Some(remembered) = cell.and_then(|cell| READINGS.get(&cell)) {
            return Some(remembered);
        }
        #[cfg(test)]
        tests::BOOK_READS.with_borrow_mut(|reads| reads.push((text.to_string(), row_country.map(str::to_string))));
        let reading = self.book.read(text, row_country);
        if let (Some(cell), Some(reading)) = (cell, &reading) {
            cell.remember(reading.clone());
        }
        reading
    }
}

/// The remembered readings. Most of the memory is a first-in, first-out
/// queue (`hot_allocation`): what a preview remembered must outlive the
/// numbers other accounts' previews and uploads remember meanwhile, until
/// its upload reads it, rather than give way to numbers read often long ago.
static READINGS: LazyLock<Cache<CellKey, PhoneReading, CellWeight>> = LazyLock::new(|| {
    let options = OptionsBuilder::new()
        .estimated_items_capacity(300_000)
        .weight_capacity(MEMORY_BYTES)
        .hot_allocation(0.1)
        .build()
        .unwrap_or_else(|_| unreachable!("both capacities are set"));
    Cache::with_options(options, CellWeight, DefaultHashBuilder::default(), DefaultLifecycle::default())
});

/// The longest country code remembered (ISO codes are two letters).
const COUNTRY_BYTES: usize = 3;

/// What decides a reading: the account's and the row's countries (their
/// codes, zero-padded) and the cell's cleaned text. Hashed field by field
/// as [`CellRef`] is, so a look-up borrows the cell's text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct CellKey {
    countries: [u8; 2 * COUNTRY_BYTES],
    text: Box<str>,
}

#[derive(Clone, Copy, Debug, Hash)]
struct CellRef<'a> {
    countries: [u8; 2 * COUNTRY_BYTES],
    text: &'a str,
}

impl<'a> CellRef<'a> {
    /// The key of a cell, or `None` for one not worth remembering: a text
    /// too long to be a number (read at once: it is not one) or a country
    /// that is not a code.
    fn of(account_country: Option<&str>, row_country: Option<&str>, text: &'a str) -> Option<CellRef<'a>> {
        if text.len() > 4 * MAX_PHONE_CHARS {
            return None;
        }
        let mut countries = [0; 2 * COUNTRY_BYTES];
        for (slot, country) in countries.chunks_mut(COUNTRY_BYTES).zip([account_country, row_country]) {
            let code = country.unwrap_or_default().as_bytes();
            if code.len() > COUNTRY_BYTES || code.contains(&0) {
                return None;
            }
            slot[..code.len()].copy_from_slice(code);
        }
        Some(CellRef { countries, text })
    }

    fn to_key(self) -> CellKey {
        CellKey { countries: self.countries, text: self.text.into() }
    }

    /// Keeps `reading` as this cell's.
    fn remember(self, reading: PhoneReading) {
        READINGS.insert(self.to_key(), reading);
    }
}

impl Equivalent<CellKey> for CellRef<'_> {
    fn equivalent(&self, key: &CellKey) -> bool {
        self.countries == key.countries && self.text == &*key.text
    }
}

/// An entry's bytes, roughly: its texts plus the allocations' and the
/// table's own overhead.
#[derive(Clone, Copy, Debug)]
struct CellWeight;

impl Weighter<CellKey, PhoneReading> for CellWeight {
    fn weight(&self, key: &CellKey, reading: &PhoneReading) -> u64 {
        let reading_texts = match reading {
            PhoneReading::Stored(stored) => stored.len(),
            PhoneReading::Problem { example, .. } => example.as_ref().map_or(0, String::len),
            PhoneReading::AsWritten => 0,
        };
        (key.text.len() + reading_texts + 128) as u64
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::collections::HashSet;
    use std::hash::{Hash, Hasher};

    use rules::check::stage;
    use rules::headers::{ImportColumns, ImportRow};
    use rules::merge::MergeMode;
    use rules::{ContactFields, Field};

    use super::*;

    thread_local! {
        /// The cells [`RememberingPhones::read`] on this thread handed to
        /// libphonenumber, having not found them in the memory.
        pub(super) static BOOK_READS: RefCell<Vec<(String, Option<String>)>> = const { RefCell::new(Vec::new()) };
    }

    /// Counts what it is asked, answering as `book` does.
    struct Asking<'b> {
        book: &'b dyn PhoneBook,
        asked: RefCell<Vec<(String, Option<String>)>>,
    }

    impl PhoneBook for Asking<'_> {
        fn read(&self, text: &str, row_country: Option<&str>) -> Option<PhoneReading> {
            self.asked.borrow_mut().push((text.to_string(), row_country.map(str::to_string)));
            self.book.read(text, row_country)
        }
    }

    /// Numbers of every kind of verdict, under each pair of countries.
    fn cells() -> Vec<(Option<&'static str>, PhoneKey)> {
        let texts = ["0412 345 678", "+44 20 7946 0000", "021 555 0101 ext 12", "12", "call me", "020 7946 0000", "+999 1234"];
        let mut cells = Vec::new();
        for account in [None, Some("AU"), Some("NZ")] {
            for row in [None, Some("GB"), Some("AU")] {
                for text in texts {
                    cells.push((account, PhoneKey::new(text, row)));
                }
            }
        }
        cells
    }

    #[test]
    fn remembered_readings_are_the_books_own() {
        for (account, key) in cells() {
            let book = AccountPhones::new(account.map(str::to_string));
            let remembering = RememberingPhones::new(account.map(str::to_string));
            let read = |phones: &dyn PhoneBook| phones.read(&key.text, key.country.as_deref());
            assert_eq!(read(&remembering), read(&book), "{account:?} {key:?}");
            // Once the verdict call has remembered it, the upload reads the same.
            assert_eq!(remembering.verdict(&key), book.verdict(&key), "{account:?} {key:?}");
            let cell = CellRef::of(account, key.country.as_deref(), &key.text).expect("a short cell");
            assert_eq!(READINGS.get(&cell), read(&book), "{account:?} {key:?}");
            assert_eq!(read(&remembering), read(&book), "{account:?} {key:?}");
        }
    }

    #[test]
    fn the_upload_stages_rows_through_the_memory_as_through_the_book_and_parses_each_distinct_cell_once() {
        // `(row's Country, Phone as written)`: texts no other test here
        // reads, so the memory starts without them.
        let written = [
            ("", "021 555 0101"),
            ("", "0064-21-5550101"),
            ("", "(09) 379 4567 ext. 12"),
            ("", "(02) 9876 5432"),
            ("", "0412 555 678"),
            ("Australia", "0412 555 678"),
            ("gb", "020 7946 0958"),
            ("DE", "0151 23456789"),
            ("AU", "+44 20 7946 0958"),
            ("", "+1 415 555 2671"),
            ("", "  (02) 9876-5432 x9 "),
            ("Atlantis", "021 555 0101"),
            ("NZ", "021 555"),
        ];
        // Every number four times over: as Phone and as Mobile, on two rows.
        let rows: Vec<ImportRow> = written
            .iter()
            .chain(&written)
            .enumerate()
            .map(|(index, &(country, phone))| {
                let line = u32::try_from(index).expect("few rows") + 2;
                let fields = [
                    (Field::FirstName, "Ana"),
                    (Field::LastName, "Silva"),
                    (Field::Country, country),
                    (Field::Phone, phone),
                    (Field::Mobile, phone),
                ];
                ImportRow::new(line, ContactFields::from_pairs(fields))
            })
            .collect();
        let columns = ImportColumns::template();
        for account in [Some("NZ"), Some("AU"), None] {
            let book = AccountPhones::new(account.map(str::to_string));
            let remembering = RememberingPhones::new(account.map(str::to_string));
            let asking = Asking { book: &remembering, asked: RefCell::default() };
            BOOK_READS.take();
            for mode in [MergeMode::KeepExisting, MergeMode::OverwriteAll] {
                for row in &rows {
                    assert_eq!(
                        stage(row, &columns, mode, &asking),
                        stage(row, &columns, mode, &book),
                        "line {}, account {account:?}",
                        row.line
                    );
                }
            }
            let asked = asking.asked.into_inner();
            let parsed = BOOK_READS.take();
            let distinct: HashSet<_> = asked.iter().collect();
            assert!(distinct.contains(&("021 555".to_string(), Some("NZ".to_string()))), "{asked:?}");
            assert!(asked.len() >= 4 * distinct.len(), "each cell asked for at least four times: {asked:?}");
            assert_eq!(parsed.iter().collect::<HashSet<_>>(), distinct, "account {account:?}");
            assert_eq!(parsed.len(), distinct.len(), "each cell parsed once: {parsed:?}");
        }
    }

    #[test]
    fn the_same_text_under_another_country_is_another_entry() {
        let key = PhoneKey::new("0412 345 678", None);
        let australian = RememberingPhones::new(Some("AU".into()));
        let unset = RememberingPhones::new(None);
        assert!(matches!(australian.verdict(&key), PhoneVerdict::Number { .. }));
        assert_eq!(unset.verdict(&key), PhoneVerdict::AsWritten);
        assert_eq!(unset.read(&key.text, None), Some(PhoneReading::AsWritten));
        assert!(matches!(australian.read(&key.text, None), Some(PhoneReading::Stored(_))));
        let british_row = PhoneKey::new("0412 345 678", Some("GB"));
        assert_eq!(australian.verdict(&british_row), AccountPhones::new(Some("AU".into())).verdict(&british_row));
    }

    #[test]
    fn borrowed_and_owned_keys_hash_alike_and_odd_cells_are_not_kept() {
        let hash = |value: &dyn Fn(&mut std::collections::hash_map::DefaultHasher)| {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            value(&mut hasher);
            hasher.finish()
        };
        let cell = CellRef::of(Some("NZ"), None, "021 555 0101").expect("a short cell");
        let key = cell.to_key();
        assert_eq!(hash(&|hasher| cell.hash(hasher)), hash(&|hasher| key.hash(hasher)));
        assert!(cell.equivalent(&key));
        assert!(!CellRef::of(None, Some("NZ"), "021 555 0101").expect("a short cell").equivalent(&key));
        assert!(CellRef::of(Some("New Zealand"), None, "021").is_none());
        assert!(CellRef::of(None, None, &"1".repeat(1_000)).is_none());
    }
}
