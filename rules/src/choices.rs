//! Dropdown values the rules do not know, in Contact Type, Category and
//! Country: listed once each with a guess of what they mean ("Mieter" →
//! Tenant, "Deutschland" → DE), and the user's answers kept as a
//! [`ValueMapping`] that applies to every row with that value and can be
//! remembered per account.
//!
//! Invariant: a [`Choice`] is always a value the rules accept for its column
//! (the stored spelling, or blank), so a [`ValueMapping`] — built or
//! deserialised — never maps a value to something the check would refuse.
//! Values are compared by [`choice_key`] (case, accents, spaces and
//! punctuation ignored). A guess comes from the synonym tables in
//! `choices/synonyms.rs` or, failing those, from the closest known spelling
//! when it is at least as similar as [`GUESS_RULES`] asks.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::column_fix::EditBatch;
use crate::contact::{Category, ContactKind};
use crate::country::{country_key, parse_country, spellings, COUNTRIES};
use crate::field::Field;
use crate::validate::clean;

mod synonyms;

/// A column whose values come from a closed list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChoiceField {
    Kind,
    Country,
    Category,
}

impl ChoiceField {
    /// Every choice column, in template order.
    pub const ALL: [ChoiceField; 3] = [ChoiceField::Kind, ChoiceField::Country, ChoiceField::Category];

    /// The contact field of this column.
    pub const fn field(self) -> Field {
        match self {
            ChoiceField::Kind => Field::Kind,
            ChoiceField::Category => Field::Category,
            ChoiceField::Country => Field::Country,
        }
    }

    /// The choice column of `field`, if it is one.
    pub fn of(field: Field) -> Option<ChoiceField> {
        ChoiceField::ALL.into_iter().find(|choice| choice.field() == field)
    }
}

/// A value the rules accept in a choice column, in its stored spelling
/// (`Person`, `Tenant`, `DE`), or blank.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Choice {
    field: ChoiceField,
    value: &'static str,
}

impl Choice {
    /// The value `text` names in `field` as the rules read it (any case,
    /// country names and codes), or blank for blank text.
    pub fn parse(field: ChoiceField, text: &str) -> Option<Choice> {
        let text = clean(text);
        let value = if text.is_empty() {
            ""
        } else {
            match field {
                ChoiceField::Kind => ContactKind::parse(text)?.as_str(),
                ChoiceField::Category => Category::parse(text)?.as_str(),
                ChoiceField::Country => parse_country(text)?.code,
            }
        };
        Some(Choice { field, value })
    }

    /// Everything a user can choose in `field`, blank first.
    pub fn options(field: ChoiceField) -> Vec<Choice> {
        let values: Vec<&'static str> = match field {
            ChoiceField::Kind => ContactKind::ALL.iter().map(|kind| kind.as_str()).collect(),
            ChoiceField::Category => Category::ALL.iter().map(|category| category.as_str()).collect(),
            ChoiceField::Country => COUNTRIES.iter().map(|country| country.code).collect(),
        };
        std::iter::once("")
            .chain(values)
            .map(|value| Choice { field, value })
            .collect()
    }

    /// The column.
    pub fn field(self) -> ChoiceField {
        self.field
    }

    /// The stored spelling; `""` for blank.
    pub fn value(self) -> &'static str {
        self.value
    }
}

/// A guess at what an unknown value means.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Guess {
    pub choice: Choice,
    pub reason: GuessReason,
}

/// Where a guess came from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum GuessReason {
    /// The rules read the value as it is: no guess needed.
    Known,
    /// A word for it in the synonym tables (`Mieter`, `Deutschland`).
    Synonym,
    /// Close to a known spelling (`Tennant` ~ `Tenant`): the spelling and
    /// the similarity, 0 to 1.
    Similar { spelling: &'static str, similarity: f64 },
}

/// How close an unknown value must be to a known spelling to be guessed as
/// meaning it: the thresholds, as data.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GuessRules {
    /// The similarity from which the closest known spelling is guessed:
    /// 1 − (letters added, removed, changed or swapped) ÷ the longer length
    /// (normalised Damerau–Levenshtein; `Tennant` ~ `Tenant` is 0.86).
    pub min_similarity: f64,
    /// Values shorter than this (in key characters) are never guessed by
    /// similarity: `co` is as close to Colombia's code as to anything.
    pub min_chars: usize,
    /// The closest spelling must beat the closest one meaning something else
    /// by this much, or there is no guess (`Austrai`: Austria or Australia?).
    pub min_lead: f64,
}

/// The thresholds in use.
pub const GUESS_RULES: GuessRules = GuessRules {
    min_similarity: 0.85,
    min_chars: 4,
    min_lead: 0.05,
};

/// The most different unknown values listed for one column; the rest are
/// counted (a column of free text should not make thousands of guesses).
pub const MAX_UNKNOWN_LISTED: usize = 200;

/// The form choice values are compared in: the country spelling key
/// (accents folded, lower case, letters and digits only), so `"Mieter "`,
/// `"MIETER"` and `"Mieter."` are one value.
pub fn choice_key(text: &str) -> String {
    country_key(text)
}

/// What `text` probably means in `field`: itself when the rules know it,
/// else a synonym, else the closest known spelling (see [`GUESS_RULES`]).
/// `None` for blank text or when nothing is close enough.
pub fn guess(field: ChoiceField, text: &str) -> Option<Guess> {
    guess_with(field, text, &GUESS_RULES)
}

/// [`guess`] with other thresholds.
pub fn guess_with(field: ChoiceField, text: &str, rules: &GuessRules) -> Option<Guess> {
    let text = clean(text);
    if text.is_empty() {
        return None;
    }
    if let Some(choice) = Choice::parse(field, text) {
        return Some(Guess { choice, reason: GuessReason::Known });
    }
    let key = choice_key(text);
    if key.is_empty() {
        return None;
    }
    if let Some(&value) = lookup().synonyms.get(&(field, key.clone())) {
        return Some(Guess { choice: Choice { field, value }, reason: GuessReason::Synonym });
    }
    closest(field, &key, rules)
}

/// The closest known spelling to `key`, if close enough and clearly closest.
fn closest(field: ChoiceField, key: &str, rules: &GuessRules) -> Option<Guess> {
    if key.chars().count() < rules.min_chars {
        return None;
    }
    let key_chars = key.chars().count();
    // Spellings whose length alone keeps them below what could matter are
    // skipped: each length difference is at least one edit.
    let floor = rules.min_similarity - rules.min_lead;
    let could_matter = |spelling: &&Spelling| {
        let longer = key_chars.max(spelling.chars).max(1) as f64;
        1.0 - key_chars.abs_diff(spelling.chars) as f64 / longer >= floor
    };
    let mut best: Option<(&Spelling, f64)> = None;
    let mut runner_up = 0.0f64;
    let candidates = lookup().spellings.iter().filter(|spelling| spelling.field == field);
    for spelling in candidates.filter(could_matter) {
        let similarity = strsim::normalized_damerau_levenshtein(key, &spelling.key);
        match best {
            Some((leader, score)) if similarity > score => {
                if leader.value != spelling.value {
                    runner_up = runner_up.max(score);
                }
                best = Some((spelling, similarity));
            }
            Some((leader, _)) => {
                if leader.value != spelling.value {
                    runner_up = runner_up.max(similarity);
                }
            }
            None => best = Some((spelling, similarity)),
        }
    }
    let (spelling, similarity) = best?;
    (similarity >= rules.min_similarity && similarity - runner_up >= rules.min_lead).then_some(Guess {
        choice: Choice { field, value: spelling.value },
        reason: GuessReason::Similar { spelling: spelling.text, similarity },
    })
}

/// One known spelling of a choice value, in key form.
struct Spelling {
    field: ChoiceField,
    key: String,
    /// `key`'s length in characters.
    chars: usize,
    text: &'static str,
    value: &'static str,
}

/// The synonym tables by key, and every spelling guesses compare with.
struct Lookup {
    synonyms: HashMap<(ChoiceField, String), &'static str>,
    spellings: Vec<Spelling>,
}

fn lookup() -> &'static Lookup {
    static LOOKUP: OnceLock<Lookup> = OnceLock::new();
    LOOKUP.get_or_init(|| {
        let tables = [
            (ChoiceField::Kind, synonyms::KINDS),
            (ChoiceField::Category, synonyms::CATEGORIES),
            (ChoiceField::Country, synonyms::COUNTRIES),
        ];
        let synonym_spellings = tables.iter().flat_map(|(field, table)| {
            table.iter().flat_map(move |(value, texts)| {
                texts.iter().map(move |text| (*field, *text, *value))
            })
        });
        let kinds = ContactKind::ALL.iter().map(|kind| (ChoiceField::Kind, kind.as_str(), kind.as_str()));
        let categories = Category::ALL
            .iter()
            .map(|category| (ChoiceField::Category, category.as_str(), category.as_str()));
        // Two-letter codes are left out: every short typo is close to one.
        let countries = spellings()
            .filter(|(_, text)| text.chars().count() > 3)
            .map(|(code, text)| (ChoiceField::Country, text, code));
        let mut synonyms = HashMap::new();
        let mut all = Vec::new();
        for (field, text, value) in synonym_spellings.clone() {
            synonyms.entry((field, choice_key(text))).or_insert(value);
        }
        for (field, text, value) in synonym_spellings.chain(kinds).chain(categories).chain(countries) {
            // Blank is chosen deliberately, never guessed from a typo.
            if !value.is_empty() {
                let key = choice_key(text);
                all.push(Spelling { field, chars: key.chars().count(), key, text, value });
            }
        }
        Lookup { synonyms, spellings: all }
    })
}

/// One value of a choice column that the rules do not know, listed once.
#[derive(Clone, Debug, PartialEq)]
pub struct UnknownValue {
    /// The value as first written in the file.
    pub text: String,
    /// How many rows have it (in any case or spacing).
    pub rows: usize,
    /// What the account's mapping already says it means.
    pub mapped: Option<Choice>,
    /// What it probably means.
    pub guess: Option<Guess>,
}

/// The unknown values of one column, most frequent first.
#[derive(Clone, Debug, PartialEq)]
pub struct UnknownValues {
    pub field: ChoiceField,
    pub values: Vec<UnknownValue>,
    /// Different unknown values beyond [`MAX_UNKNOWN_LISTED`], not listed.
    pub more: usize,
}

/// What was found for each distinct text of a column, while going through
/// its cells.
type Memo<'a, T> = HashMap<&'a str, T, foldhash::fast::RandomState>;

/// The values of `cells` (one column) that the rules do not know, each once
/// with its row count, what `mapping` says and a guess.
pub fn unknown_values<'a>(
    field: ChoiceField,
    cells: impl IntoIterator<Item = &'a str>,
    mapping: &ValueMapping,
) -> UnknownValues {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut found: Vec<(&'a str, usize)> = Vec::new();
    // Each distinct text is parsed once: a column repeats a few values over
    // every row, and parsing a country is the dear part (200,000 rows took
    // a tenth of a second in the browser, parsed cell by cell). `None`:
    // a value the rules know.
    let mut read: Memo<'a, Option<usize>> = Memo::default();
    for cell in cells {
        let at = *read.entry(cell).or_insert_with(|| {
            if Choice::parse(field, cell).is_some() {
                return None;
            }
            let key = choice_key(cell);
            Some(*index.entry(key).or_insert_with(|| {
                found.push((clean(cell), 0));
                found.len() - 1
            }))
        });
        if let Some(at) = at {
            found[at].1 += 1;
        }
    }
    // Most rows first; ties keep the file's order (the sort is stable).
    found.sort_by(|a, b| b.1.cmp(&a.1));
    let more = found.len().saturating_sub(MAX_UNKNOWN_LISTED);
    found.truncate(MAX_UNKNOWN_LISTED);
    let values = found
        .into_iter()
        .map(|(text, rows)| UnknownValue {
            text: text.to_string(),
            rows,
            mapped: mapping.get(field, text),
            guess: guess(field, text),
        })
        .collect();
    UnknownValues { field, values, more }
}

/// What the user chose for unknown values: each (column, value) → a choice,
/// applied to every row with that value. Serialises as a list of
/// [`MappedValue`]s; reading one back checks every choice again.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<MappedValue>", into = "Vec<MappedValue>")]
pub struct ValueMapping {
    entries: BTreeMap<(ChoiceField, String), (String, Choice)>,
}

/// One mapping entry as stored: `from` as the user's file wrote it, `to` in
/// its stored spelling (`""` for blank).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedValue {
    pub field: ChoiceField,
    pub from: String,
    pub to: String,
}

/// Why a mapping entry cannot be made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MappingError {
    /// Blank needs no mapping.
    BlankValue { field: ChoiceField },
    /// The rules already read this value; it means itself.
    AlreadyKnown { field: ChoiceField, from: String },
    /// The chosen value is not one the column accepts.
    NotAChoice { field: ChoiceField, to: String },
}

impl ValueMapping {
    /// No entries.
    pub fn new() -> ValueMapping {
        ValueMapping::default()
    }

    /// Maps `from` (a value the rules do not know) in `field` to `to`, which
    /// must be a value the column accepts (or blank). Replaces an earlier
    /// choice for the same value.
    pub fn set(&mut self, field: ChoiceField, from: &str, to: &str) -> Result<Choice, MappingError> {
        let from = clean(from);
        let key = choice_key(from);
        if key.is_empty() {
            return Err(MappingError::BlankValue { field });
        }
        if Choice::parse(field, from).is_some() {
            return Err(MappingError::AlreadyKnown { field, from: from.to_string() });
        }
        let choice = Choice::parse(field, to)
            .ok_or_else(|| MappingError::NotAChoice { field, to: clean(to).to_string() })?;
        self.entries.insert((field, key), (from.to_string(), choice));
        Ok(choice)
    }

    /// Forgets the choice for `from`; whether there was one.
    pub fn remove(&mut self, field: ChoiceField, from: &str) -> bool {
        self.entries.remove(&(field, choice_key(from))).is_some()
    }

    /// The choice for `text` in `field`, if one was made.
    pub fn get(&self, field: ChoiceField, text: &str) -> Option<Choice> {
        self.entries.get(&(field, choice_key(text))).map(|(_, choice)| *choice)
    }

    /// Every entry, by column then value.
    pub fn entries(&self) -> impl Iterator<Item = MappedValue> + '_ {
        self.entries.iter().map(|((field, _), (from, choice))| MappedValue {
            field: *field,
            from: from.clone(),
            to: choice.value.to_string(),
        })
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The edits that apply the mapping to one column: every cell of `cells`
    /// (`(row index, text)`) whose value is mapped gets its choice.
    pub fn edits<'a>(&self, field: ChoiceField, cells: impl IntoIterator<Item = (usize, &'a str)>) -> EditBatch {
        let mut batch = EditBatch::default();
        if !self.entries.keys().any(|(mapped, _)| *mapped == field) {
            return batch;
        }
        // Each distinct text is looked up once (building its key is the
        // dear part, and a column repeats a few values over every row).
        let mut read: Memo<'a, Option<Choice>> = Memo::default();
        for (row, text) in cells {
            if let Some(choice) = *read.entry(text).or_insert_with(|| self.get(field, text)) {
                batch.change(row, field.field(), text, choice.value.to_string());
            }
        }
        batch
    }
}

impl TryFrom<Vec<MappedValue>> for ValueMapping {
    type Error = MappingError;

    fn try_from(entries: Vec<MappedValue>) -> Result<ValueMapping, MappingError> {
        let mut mapping = ValueMapping::new();
        for entry in entries {
            mapping.set(entry.field, &entry.from, &entry.to)?;
        }
        Ok(mapping)
    }
}

impl From<ValueMapping> for Vec<MappedValue> {
    fn from(mapping: ValueMapping) -> Vec<MappedValue> {
        mapping.entries().collect()
    }
}

impl MappingError {
    /// The problem in one plain sentence.
    pub fn problem_text(&self) -> String {
        match self {
            MappingError::BlankValue { field } => {
                format!("A blank {} needs no choice.", field.field().header())
            }
            MappingError::AlreadyKnown { field, from } => format!(
                "{} is already a {} the import understands.",
                crate::issue::quoted(from),
                field.field().header()
            ),
            MappingError::NotAChoice { field, to } => format!(
                "{} is not a {}.",
                crate::issue::quoted(to),
                field.field().header()
            ),
        }
    }

    /// How to fix it, in one plain sentence.
    pub fn fix_text(&self) -> String {
        match self {
            MappingError::BlankValue { .. } | MappingError::AlreadyKnown { .. } => {
                "Choose a value for one of the values listed as not understood.".to_string()
            }
            MappingError::NotAChoice { .. } => "Choose one of the values offered.".to_string(),
        }
    }
}

impl std::fmt::Display for MappingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.problem_text(), self.fix_text())
    }
}

#[cfg(test)]
mod tests;
