//! ISO 3166-1 alpha-2 countries with their English names and common aliases.
//!
//! Invariant: [`parse_country`] accepts exactly the spellings listed in
//! [`COUNTRIES`] and the alias table (codes, alpha-3 codes, ISO names, common
//! English names), compared by [`country_key`]; every spelling names one
//! country only, and the value stored is always the upper-case alpha-2 code.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use rustc_hash::FxBuildHasher;

use crate::fold::fold_char;

mod data;

pub use data::COUNTRIES;

/// One country: its ISO 3166-1 alpha-2 code and English short name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Country {
    /// The two-letter code, upper case, e.g. `GB`. This is what is stored.
    pub code: &'static str,
    /// The English short name, e.g. `United Kingdom`.
    pub name: &'static str,
}

/// The country `text` names, in any case, ignoring surrounding spaces,
/// punctuation and accents: an alpha-2 code (`gb`), an alpha-3 code (`GBR`),
/// the English name (`United Kingdom`), the ISO name (`Korea, Republic of`) or
/// a common alias (`U.K.`, `England`, `Holland`, `Ivory Coast`, `St Lucia`).
pub fn parse_country(text: &str) -> Option<&'static Country> {
    let trimmed = text.trim();
    // Fast path for the common case, a two-letter code: no allocation.
    if let [a, b] = *trimmed.as_bytes() {
        if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() {
            let code = [a.to_ascii_uppercase(), b.to_ascii_uppercase()];
            if let Some(country) = COUNTRIES
                .iter()
                .find(|country| country.code.as_bytes() == code)
            {
                return Some(country);
            }
        }
    }
    if trimmed.len() > MOST_REMEMBERED_BYTES {
        return read_spelling(trimmed);
    }
    READ_LATELY.with(|read| {
        if let Some(&country) = read.borrow().get(trimmed) {
            return country;
        }
        let country = read_spelling(trimmed);
        let mut read = read.borrow_mut();
        if read.len() >= MOST_REMEMBERED {
            read.clear();
        }
        read.insert(trimmed.into(), country);
        country
    })
}

/// Spellings remembered at most, and the longest remembered: a file's
/// Country column repeats a few spellings row after row, and folding one
/// ("New Zealand") cost more than the rest of reading a row's phone keys.
/// Bounded, so a column of distinct texts costs memory that does not grow
/// with the file.
const MOST_REMEMBERED: usize = 256;
const MOST_REMEMBERED_BYTES: usize = 64;

thread_local! {
    /// The country of each spelling [`parse_country`] read lately (a pure
    /// function's answers: remembering one changes no verdict).
    static READ_LATELY: RefCell<HashMap<Box<str>, Option<&'static Country>, FxBuildHasher>> =
        RefCell::new(HashMap::default());
}

/// [`parse_country`] of a trimmed text that is not a two-letter code.
fn read_spelling(trimmed: &str) -> Option<&'static Country> {
    let key = country_key(trimmed);
    if key.is_empty() {
        return None;
    }
    lookup().get(&key).and_then(|&index| COUNTRIES.get(index))
}

/// The country with alpha-2 code `code` (exact, upper case).
pub fn country_by_code(code: &str) -> Option<&'static Country> {
    COUNTRIES.iter().find(|country| country.code == code)
}

/// The country a browser's `Accept-Language` header suggests: the region of
/// its most preferred language tag that names one (`en-NZ,en;q=0.9` → NZ,
/// `zh-Hant-TW` → TW), or `None` when no tag names a country (`en`, `*`).
/// A guess to preselect, never a verdict: the user chooses.
pub fn country_from_languages(accept_language: &str) -> Option<&'static Country> {
    // Bound the work for a hostile header: no browser sends this many tags.
    const MAX_TAGS: usize = 32;
    let mut best: Option<(f32, &'static Country)> = None;
    for item in accept_language.split(',').take(MAX_TAGS) {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let quality = parts
            .filter_map(|param| param.trim().strip_prefix("q="))
            .map(|q| q.trim().parse::<f32>().unwrap_or(0.0))
            .next()
            .unwrap_or(1.0);
        if quality <= 0.0 || best.is_some_and(|(best_quality, _)| best_quality >= quality) {
            continue;
        }
        // The region is the first two-letter subtag after the language.
        let region = tag
            .split(['-', '_'])
            .skip(1)
            .find(|subtag| subtag.len() == 2 && subtag.bytes().all(|b| b.is_ascii_alphabetic()));
        if let Some(country) = region.and_then(|region| country_by_code(&region.to_ascii_uppercase())) {
            best = Some((quality, country));
        }
    }
    best.map(|(_, country)| country)
}

/// Every spelling [`parse_country`] accepts (beyond alpha-2 codes) with the
/// code it names: English names, ISO names, alpha-3 codes and aliases.
pub(crate) fn spellings() -> impl Iterator<Item = (&'static str, &'static str)> {
    COUNTRIES
        .iter()
        .map(|country| (country.code, country.name))
        .chain(
            data::ALIASES
                .iter()
                .flat_map(|(code, aliases)| aliases.iter().map(move |alias| (*code, *alias))),
        )
}

/// The comparison key for a country spelling: accents folded, lower case,
/// `&` read as "and", a leading "the" dropped, "St" read as "Saint", and
/// everything but letters and digits removed. `"The U.K."` → `"uk"`,
/// `"Côte d'Ivoire"` → `"cotedivoire"`, `"St. Lucia"` → `"saintlucia"`.
pub fn country_key(text: &str) -> String {
    key_words(text, "")
}

/// The words of a country spelling, folded as [`country_key`] describes and
/// joined with `separator`.
fn key_words(text: &str, separator: &str) -> String {
    // Bound the work for hostile input: no country spelling is this long.
    const MAX_INPUT_CHARS: usize = 120;
    let mut words = Words {
        out: String::new(),
        separator,
        count: 0,
        leading_the: false,
    };
    let mut word = String::new();
    for c in text.chars().take(MAX_INPUT_CHARS) {
        if c == '&' {
            words.push(&mut word);
            word.push_str("and");
            words.push(&mut word);
            continue;
        }
        match fold_char(c) {
            Some(folded) => word.push_str(folded),
            None if c.is_alphanumeric() => word.extend(c.to_lowercase()),
            // Apostrophes join ("d'Ivoire" is one word for our purposes).
            None if matches!(c, '\'' | '\u{2019}') => {}
            None => words.push(&mut word),
        }
    }
    words.push(&mut word);
    if words.count == 1 && words.leading_the {
        words.out.push_str("the");
    }
    words.out
}

/// The folded words of a country spelling, joined as they come.
struct Words<'a> {
    out: String,
    separator: &'a str,
    count: usize,
    leading_the: bool,
}

impl Words<'_> {
    /// Appends `word` (and empties it): a leading "the" is held back, "st"
    /// becomes "saint".
    fn push(&mut self, word: &mut String) {
        if word.is_empty() {
            return;
        }
        if self.count == 0 && word == "the" {
            self.leading_the = true;
        } else {
            let first = self.count == 0 || (self.count == 1 && self.leading_the);
            if !first {
                self.out.push_str(self.separator);
            }
            self.out.push_str(if word == "st" { "saint" } else { word });
        }
        self.count += 1;
        word.clear();
    }
}

/// Every accepted spelling's key → index in `COUNTRIES`, built on first use.
fn lookup() -> &'static HashMap<String, usize> {
    static LOOKUP: OnceLock<HashMap<String, usize>> = OnceLock::new();
    LOOKUP.get_or_init(|| {
        let mut map = HashMap::new();
        for (index, country) in COUNTRIES.iter().enumerate() {
            map.entry(country_key(country.code)).or_insert(index);
            map.entry(country_key(country.name)).or_insert(index);
        }
        for (code, aliases) in data::ALIASES {
            if let Some(index) = COUNTRIES.iter().position(|country| country.code == *code) {
                for alias in *aliases {
                    map.entry(country_key(alias)).or_insert(index);
                }
            }
        }
        map
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_languages_a_browser_prefers_suggest_a_country() {
        let guess = |header: &str| country_from_languages(header).map(|country| country.code);
        assert_eq!(guess("en-NZ,en;q=0.9"), Some("NZ"));
        assert_eq!(guess("en-GB"), Some("GB"));
        assert_eq!(guess("de_at"), Some("AT"));
        assert_eq!(guess("zh-Hant-TW,zh;q=0.8"), Some("TW"));
        // The most preferred tag that names a country wins, whatever the order.
        assert_eq!(guess("en;q=0.9,fr-CA;q=0.5,en-AU;q=0.8"), Some("AU"));
        assert_eq!(guess("en,en-US;q=0.7"), Some("US"));
        // No region, a refused one, a region that is not a country, or junk.
        assert_eq!(guess("en"), None);
        assert_eq!(guess("*"), None);
        assert_eq!(guess(""), None);
        assert_eq!(guess("en-NZ;q=0"), None);
        assert_eq!(guess("es-419"), None);
        assert_eq!(guess("en-ZZ"), None);
        assert_eq!(guess(&"x-yy,".repeat(10_000)), None);
    }

    fn code(text: &str) -> Option<&'static str> {
        parse_country(text).map(|country| country.code)
    }

    #[test]
    fn a_spelling_read_again_reads_the_same_past_the_remembered_bound() {
        let spellings = ["New Zealand", "  new zealand ", "U.K.", "Narnia", "Côte d'Ivoire", "ivory coast"];
        let first: Vec<_> = spellings.iter().map(|text| code(text)).collect();
        assert_eq!(first, [Some("NZ"), Some("NZ"), Some("GB"), None, Some("CI"), Some("CI")]);
        // More distinct spellings than are remembered, then the same again.
        for round in 0..3 {
            for n in 0..MOST_REMEMBERED + 10 {
                assert_eq!(code(&format!("Nowhere {n}")), None, "round {round}");
            }
            let again: Vec<_> = spellings.iter().map(|text| code(text)).collect();
            assert_eq!(again, first, "round {round}");
        }
        let long = format!("{}New Zealand", ".".repeat(MOST_REMEMBERED_BYTES));
        assert_eq!(code(&long), Some("NZ"), "a text longer than those remembered is read all the same");
        assert!(READ_LATELY.with(|read| read.borrow().len()) <= MOST_REMEMBERED);
    }

    #[test]
    fn the_table_has_every_iso_country_once_sorted_by_name() {
        assert_eq!(COUNTRIES.len(), 249);
        // Sorted as people read names: word by word, accents folded.
        let keys: Vec<String> = COUNTRIES.iter().map(|c| key_words(c.name, " ")).collect();
        for pair in keys.windows(2) {
            assert!(
                pair[0] < pair[1],
                "{} should come before {}",
                pair[0],
                pair[1]
            );
        }
        let mut codes: Vec<&str> = COUNTRIES.iter().map(|c| c.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 249);
        assert!(codes
            .iter()
            .all(|code| code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())));
    }

    #[test]
    fn no_spelling_names_two_countries() {
        let mut seen: HashMap<String, &str> = HashMap::new();
        let spellings = COUNTRIES
            .iter()
            .flat_map(|c| [(c.code, c.code), (c.code, c.name)])
            .chain(
                data::ALIASES
                    .iter()
                    .flat_map(|(code, aliases)| aliases.iter().map(move |a| (*code, *a))),
            );
        for (code, spelling) in spellings {
            let key = country_key(spelling);
            assert!(!key.is_empty(), "{spelling}");
            if let Some(other) = seen.insert(key.clone(), code) {
                assert_eq!(other, code, "{spelling:?} ({key}) names {other} and {code}");
            }
        }
        for (code, _) in data::ALIASES {
            assert!(
                country_by_code(code).is_some(),
                "alias table names unknown code {code}"
            );
        }
    }

    #[test]
    fn countries_are_read_from_codes_names_and_aliases() {
        let table: &[(&str, Option<&str>)] = &[
            ("AU", Some("AU")),
            ("au", Some("AU")),
            (" gb ", Some("GB")),
            ("GBR", Some("GB")),
            ("Australia", Some("AU")),
            ("AUSTRALIA", Some("AU")),
            ("United Kingdom", Some("GB")),
            ("UK", Some("GB")),
            ("U.K.", Some("GB")),
            ("Great Britain", Some("GB")),
            ("England", Some("GB")),
            ("Scotland", Some("GB")),
            ("Wales", Some("GB")),
            ("Northern Ireland", Some("GB")),
            ("USA", Some("US")),
            ("U.S.A.", Some("US")),
            ("US", Some("US")),
            ("United States of America", Some("US")),
            ("America", Some("US")),
            ("Holland", Some("NL")),
            ("the Netherlands", Some("NL")),
            ("South Korea", Some("KR")),
            ("Korea, Republic of", Some("KR")),
            ("North Korea", Some("KP")),
            ("Russia", Some("RU")),
            ("Russian Federation", Some("RU")),
            ("Vietnam", Some("VN")),
            ("Viet Nam", Some("VN")),
            ("Czech Republic", Some("CZ")),
            ("Czechia", Some("CZ")),
            ("Ivory Coast", Some("CI")),
            ("Côte d'Ivoire", Some("CI")),
            ("Cote d’Ivoire", Some("CI")),
            ("cote divoire", Some("CI")),
            ("Curacao", Some("CW")),
            ("Réunion", Some("RE")),
            ("St. Lucia", Some("LC")),
            ("Saint Kitts & Nevis", Some("KN")),
            ("Trinidad & Tobago", Some("TT")),
            ("Turkey", Some("TR")),
            ("New Zealand", Some("NZ")),
            ("Ireland", Some("IE")),
            ("Niger", Some("NE")),
            ("Nigeria", Some("NG")),
            ("Dominica", Some("DM")),
            ("Dominican Republic", Some("DO")),
            ("Congo", Some("CG")),
            ("DR Congo", Some("CD")),
            ("", None),
            ("   ", None),
            ("Narnia", None),
            ("U", None),
            ("EU", None),
            ("Virgin Islands", None),
            ("...", None),
        ];
        for (input, expected) in table {
            assert_eq!(code(input), *expected, "{input:?}");
        }
    }

    #[test]
    fn keys_ignore_case_punctuation_and_accents() {
        assert_eq!(country_key("The U.K."), "uk");
        assert_eq!(country_key("Côte d'Ivoire"), "cotedivoire");
        assert_eq!(country_key("St. Lucia"), "saintlucia");
        assert_eq!(country_key("Åland"), "aland");
        assert_eq!(country_key("The"), "the");
    }
}
