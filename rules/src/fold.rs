//! Folding text for comparison: lower case, accents off, punctuation gone.
//!
//! Invariant: [`fold_char`] is the one table of accent folding in the rules
//! (country spellings, dropdown synonyms and people's names all use it), and
//! it maps every letter it knows to lower-case ASCII, so two spellings that
//! differ only in case or accents fold to the same words. Folding is linear in
//! the input and never panics.

/// ASCII letters and digits, lower-cased, and the accented Latin letters of
/// the languages our users write (western, central and northern European),
/// without their accents: `'É'` → `"e"`, `'ß'` → `"ss"`, `'ł'` → `"l"`.
/// `None` for anything else (spaces, punctuation, other scripts).
pub(crate) fn fold_char(c: char) -> Option<&'static str> {
    const LOWER: [&str; 26] = [
        "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r",
        "s", "t", "u", "v", "w", "x", "y", "z",
    ];
    const DIGITS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    if c.is_ascii_alphabetic() {
        return LOWER
            .get(usize::from(c.to_ascii_lowercase() as u8 - b'a'))
            .copied();
    }
    if c.is_ascii_digit() {
        return DIGITS.get(usize::from(c as u8 - b'0')).copied();
    }
    if c.is_ascii() {
        return None;
    }
    // Every letter below lower-cases to one character (the Turkish dotted
    // capital I lower-cases to `i` plus a combining dot; the `i` is enough).
    let lower = c.to_lowercase().next().unwrap_or(c);
    Some(match lower {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'č' | 'ć' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ğ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' | 'i' => "i",
        'ł' | 'ľ' | 'ĺ' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ř' | 'ŕ' => "r",
        'š' | 'ş' | 'ś' | 'ș' => "s",
        'ß' => "ss",
        'ť' | 'ț' | 'ţ' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'ý' | 'ÿ' => "y",
        'ž' | 'ź' | 'ż' => "z",
        _ => return None,
    })
}

/// The words of `text`, folded by [`fold_char`] (other letters and digits,
/// e.g. Greek or Chinese, kept in lower case), split at everything else.
/// Apostrophes join: `"O'Brien"` is one word, `obrien`. At most `max_chars`
/// characters of `text` are read, so hostile input costs no more than a
/// long name.
pub(crate) fn folded_words(text: &str, max_chars: usize) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    for c in text.chars().take(max_chars) {
        match fold_char(c) {
            Some(folded) => word.push_str(folded),
            None if c.is_alphanumeric() => word.extend(c.to_lowercase()),
            None if matches!(c, '\'' | '\u{2019}') => {}
            None => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_fold_to_lower_case_ascii_in_either_case() {
        let table: &[(char, Option<&str>)] = &[
            ('A', Some("a")),
            ('z', Some("z")),
            ('7', Some("7")),
            ('É', Some("e")),
            ('é', Some("e")),
            ('Ä', Some("a")),
            ('ß', Some("ss")),
            ('Ł', Some("l")),
            ('ő', Some("o")),
            ('Ř', Some("r")),
            ('İ', Some("i")),
            ('Æ', Some("ae")),
            ('þ', Some("th")),
            (' ', None),
            ('-', None),
            ('α', None),
        ];
        for (c, expected) in table {
            assert_eq!(fold_char(*c), *expected, "{c:?}");
        }
    }

    #[test]
    fn words_split_at_punctuation_and_keep_other_scripts() {
        let table: &[(&str, &[&str])] = &[
            ("  Zoë  O'Brien-Smith ", &["zoe", "obrien", "smith"]),
            ("MÜLLER, Jürgen", &["muller", "jurgen"]),
            ("Łukasz Wałęsa", &["lukasz", "walesa"]),
            ("Ἀθῆναι", &["ἀθῆναι"]),
            ("...", &[]),
            ("", &[]),
        ];
        for (text, expected) in table {
            assert_eq!(folded_words(text, 200), *expected, "{text:?}");
        }
    }

    #[test]
    fn words_read_no_more_than_the_bound() {
        let long = "a ".repeat(10_000);
        assert_eq!(folded_words(&long, 10).len(), 5);
    }
}
