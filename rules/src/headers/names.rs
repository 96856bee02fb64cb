//! One "Name" / "Full Name" cell split into title, first and last name, or
//! kept whole as a company name.
//!
//! Invariant: no word is lost. Every word of the cleaned input is in exactly
//! one of the parts (a comma form's comma and a title's trailing full stop
//! aside), in its original order within the part; a name that looks like a
//! company's is kept whole in `company`. The word lists are data, below.

use crate::validate::clean;

/// Titles that may open a name ("Dr Ana Lima"), compared without case and
/// without a trailing full stop.
static TITLES: &[&str] = &[
    "capt",
    "captain",
    "col",
    "dame",
    "dott",
    "dr",
    "father",
    "fr",
    "frau",
    "herr",
    "hon",
    "ing",
    "lady",
    "lord",
    "major",
    "master",
    "miss",
    "mlle",
    "mme",
    "mr",
    "mrs",
    "ms",
    "mx",
    "prof",
    "professor",
    "rev",
    "revd",
    "reverend",
    "sir",
    "sr",
    "sra",
    "srta",
];

/// Words that belong to the family name that follows them ("van der Berg",
/// "de la Cruz", "bin Salleh"), compared without case.
static PARTICLES: &[&str] = &[
    "af", "al", "bin", "binti", "da", "das", "de", "dei", "del", "della", "den", "der", "di", "do",
    "dos", "du", "el", "ibn", "la", "le", "lo", "te", "ten", "ter", "van", "von", "y", "zu",
];

/// Words that may close a name ("John Smith Jr"); kept with the last name so
/// nothing is lost. Compared without case and trailing full stop.
static SUFFIXES: &[&str] = &[
    "cbe", "cpa", "esq", "ii", "iii", "iv", "jnr", "jr", "kc", "mbe", "md", "obe", "phd", "qc",
    "snr", "sr",
];

/// Whole words that make a name a company's ("Harbour Plumbing Pty Ltd"),
/// compared without case and full stops.
static COMPANY_WORDS: &[&str] = &[
    "ab",
    "agency",
    "agents",
    "as",
    "associates",
    "bank",
    "builders",
    "building",
    "bv",
    "church",
    "cleaning",
    "club",
    "co",
    "company",
    "construction",
    "consulting",
    "corp",
    "corporation",
    "council",
    "electrical",
    "enterprises",
    "estates",
    "foundation",
    "gmbh",
    "group",
    "holdings",
    "hotel",
    "inc",
    "incorporated",
    "industries",
    "international",
    "kk",
    "lettings",
    "limited",
    "llc",
    "llp",
    "lp",
    "ltd",
    "maintenance",
    "management",
    "nv",
    "oy",
    "partners",
    "partnership",
    "plc",
    "plumbing",
    "properties",
    "property",
    "pty",
    "realty",
    "rentals",
    "sarl",
    "school",
    "services",
    "society",
    "solutions",
    "spa",
    "srl",
    "strata",
    "trust",
    "trustees",
    "university",
];

/// The parts of one full name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameParts {
    /// "Mr", "Dr" … as written (without a trailing full stop).
    pub title: String,
    /// Given names, including middle names.
    pub first: String,
    /// The family name with its particles ("van der Berg") and any suffix.
    pub last: String,
    /// The whole text, when it names a company rather than a person.
    pub company: String,
}

/// `text` split into a person's title, first and last name, or kept whole as
/// a company. Handles "Last, First", a leading title, family-name particles
/// and closing suffixes; one word alone is a first name (a last name after a
/// title: "Mr Smith").
pub fn split_full_name(text: &str) -> NameParts {
    let text = clean(text);
    if text.is_empty() {
        return NameParts::default();
    }
    if looks_like_company(text) {
        return NameParts {
            company: collapse_spaces(text),
            ..NameParts::default()
        };
    }
    match text.split_once(',') {
        Some((last, rest)) if !clean(last).is_empty() && !clean(rest).is_empty() => {
            comma_form(clean(last), clean(rest))
        }
        _ => natural_order(text),
    }
}

/// Whether `text` reads as a company's name: it holds a company word.
pub fn looks_like_company(text: &str) -> bool {
    text.split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .map(|word| word.trim_matches('.'))
        .any(|word| is_in(COMPANY_WORDS, word))
}

/// "Lima, Ana" and "Lima, Mrs Ana", "Smith, John, Jr".
fn comma_form(last: &str, rest: &str) -> NameParts {
    let (given, suffix) = match rest.split_once(',') {
        Some((given, suffix)) if words(suffix).all(|word| is_in(SUFFIXES, word)) => {
            (clean(given), clean(suffix))
        }
        _ => (rest, ""),
    };
    let mut tokens: Vec<&str> = words(given).collect();
    let title = take_titles(&mut tokens, 1);
    let mut last = collapse_spaces(last);
    if !suffix.is_empty() {
        last = format!("{last} {}", collapse_spaces(suffix));
    }
    NameParts {
        title,
        first: tokens.join(" "),
        last,
        company: String::new(),
    }
}

/// "Dr Ana van der Berg Jr".
fn natural_order(text: &str) -> NameParts {
    let mut tokens: Vec<&str> = words(text).collect();
    let title = take_titles(&mut tokens, 1);
    let mut suffixes = Vec::new();
    while tokens.len() > 1 && tokens.last().is_some_and(|word| is_in(SUFFIXES, word)) {
        suffixes.extend(tokens.pop());
    }
    suffixes.reverse();
    if tokens.len() == 1 {
        // One word: a last name after a title ("Mr Smith"), else a first name.
        let word = tokens.join(" ");
        let (first, last) = if title.is_empty() {
            (word, String::new())
        } else {
            (String::new(), word)
        };
        return NameParts {
            title,
            first,
            last: join_words(&[last.as_str()], &suffixes),
            company: String::new(),
        };
    }
    let mut split = tokens.len().saturating_sub(1);
    while split > 1
        && tokens
            .get(split - 1)
            .is_some_and(|word| is_in(PARTICLES, word))
    {
        split -= 1;
    }
    let (first, last) = tokens.split_at(split);
    NameParts {
        title,
        first: first.join(" "),
        last: join_words(last, &suffixes),
        company: String::new(),
    }
}

/// Removes leading titles from `tokens`, keeping at least `keep` words, and
/// returns them as written (a title's trailing full stop dropped).
fn take_titles(tokens: &mut Vec<&str>, keep: usize) -> String {
    let mut count = 0;
    while tokens.len() > count + keep && tokens.get(count).is_some_and(|word| is_in(TITLES, word)) {
        count += 1;
    }
    let title: Vec<&str> = tokens
        .drain(..count)
        .map(|word| word.strip_suffix('.').unwrap_or(word))
        .collect();
    title.join(" ")
}

fn join_words(words: &[&str], suffixes: &[&str]) -> String {
    words
        .iter()
        .chain(suffixes)
        .filter(|word| !word.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split_whitespace()
}

fn collapse_spaces(text: &str) -> String {
    words(text).collect::<Vec<_>>().join(" ")
}

/// Whether `word`, without case and a trailing full stop, is in `list`. The
/// lists are lower-case ASCII (tested), so ASCII case is all there is to
/// ignore, and nothing is allocated: this runs on every word of every name.
fn is_in(list: &[&str], word: &str) -> bool {
    let word = word.strip_suffix('.').unwrap_or(word);
    list.iter().any(|entry| entry.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(title: &str, first: &str, last: &str) -> NameParts {
        NameParts {
            title: title.into(),
            first: first.into(),
            last: last.into(),
            company: String::new(),
        }
    }

    #[test]
    fn full_names_split_into_title_first_and_last_name() {
        let cases: &[(&str, NameParts)] = &[
            ("Ana Lima", parts("", "Ana", "Lima")),
            ("  Ana   Lima ", parts("", "Ana", "Lima")),
            ("Mary Anne Smith", parts("", "Mary Anne", "Smith")),
            ("Lima, Ana", parts("", "Ana", "Lima")),
            ("Lima, Mrs Ana", parts("Mrs", "Ana", "Lima")),
            ("van der Berg, Anna", parts("", "Anna", "van der Berg")),
            ("Smith, John, Jr.", parts("", "John", "Smith Jr.")),
            ("Mr John Smith", parts("Mr", "John", "Smith")),
            ("Dr. Zoë Ødegård", parts("Dr", "Zoë", "Ødegård")),
            ("Prof Dr Hans Müller", parts("Prof Dr", "Hans", "Müller")),
            ("Anna van der Berg", parts("", "Anna", "van der Berg")),
            ("Ludwig Van Beethoven", parts("", "Ludwig", "Van Beethoven")),
            ("Juan de la Cruz", parts("", "Juan", "de la Cruz")),
            ("Ahmad bin Salleh", parts("", "Ahmad", "bin Salleh")),
            ("John Smith Jr", parts("", "John", "Smith Jr")),
            ("Madonna", parts("", "Madonna", "")),
            ("Mr Smith", parts("Mr", "", "Smith")),
            ("Van Morrison", parts("", "Van", "Morrison")),
            ("Dr", parts("", "Dr", "")),
            ("", parts("", "", "")),
            ("   ", parts("", "", "")),
        ];
        for (text, expected) in cases {
            assert_eq!(&split_full_name(text), expected, "{text:?}");
        }
    }

    #[test]
    fn a_name_that_looks_like_a_company_is_kept_whole() {
        let cases = [
            ("Harbour Plumbing Pty Ltd", true),
            ("Smith & Co.", true),
            ("Acme, Inc.", true),
            ("Northside Property Management", true),
            ("Jones Family Trust", true),
            ("John & Mary Smith", false),
            ("Coco Chanel", false),
            ("Ana Lima", false),
        ];
        for (text, company) in cases {
            let split = split_full_name(text);
            assert_eq!(split.company == text, company, "{text:?}: {split:?}");
            if company {
                assert!(split.first.is_empty() && split.last.is_empty(), "{text:?}");
            }
        }
    }

    #[test]
    fn the_word_lists_are_lower_case_ascii_each_word_once() {
        for list in [TITLES, PARTICLES, SUFFIXES, COMPANY_WORDS] {
            assert!(
                list.windows(2).all(|pair| pair[0] < pair[1]),
                "sorted, no repeats: {list:?}"
            );
            for word in list {
                assert!(word.is_ascii());
                assert_eq!(word.to_ascii_lowercase(), *word);
            }
        }
    }

    #[test]
    fn no_word_of_a_name_is_lost() {
        let samples = [
            "Dr. Ana María de la Cruz Jr.",
            "Lima, Ana",
            "Smith, John, III",
            "van der Berg",
            "Sir Mr Ms",
            "a b c d e f",
        ];
        for text in samples {
            let split = split_full_name(text);
            let joined = [&split.title, &split.first, &split.last, &split.company]
                .iter()
                .map(|part| part.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let mut kept: Vec<String> = joined
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|word| !word.is_empty())
                .map(|word| word.trim_end_matches('.').to_string())
                .collect();
            let mut given: Vec<String> = text
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|word| !word.is_empty())
                .map(|word| word.trim_end_matches('.').to_string())
                .collect();
            kept.sort();
            given.sort();
            assert_eq!(kept, given, "{text:?}: {split:?}");
        }
    }
}
