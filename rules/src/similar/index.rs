//! Finding the possible duplicates of many rows at once, through the
//! blocks of [`super`]'s invariant, cheaply enough for the page to run over
//! a file of 100,000 rows.
//!
//! Invariant: [`possible_duplicates`] returns exactly what scoring every
//! pair of a row and an earlier member of a block it shares (no larger than
//! [`SimilarityRules::max_block`]) with [`super::likeness`] and keeping each
//! row's [`closer`] match returns: the same flags, the same matches, the same
//! name scores to the bit. What makes it cheap changes no verdict:
//!
//! - each pair is scored once, however many blocks it shares;
//! - texts are interned, so comparing keys, phones and postcodes compares
//!   numbers, and no key or pair allocates;
//! - a pair with neither a phone nor a postcode in common, or with more name
//!   words on one side than the threshold allows ([`reachable`]), is
//!   dropped before its names are scored;
//! - each pair of name words is scored once ([`WordScores`]): a file
//!   repeats its surnames and first names, and Jaro–Winkler is most of the
//!   cost of a pair.
//!
//! The tests keep the plain block-by-block search as the reference and
//! compare the two on generated inputs.

use std::hash::BuildHasher;

use hashbrown::hash_table::{Entry, HashTable};
use rustc_hash::{FxBuildHasher, FxHashMap};
use uuid::Uuid;

use super::{score_names, MAX_NAME_WORDS, word_score, DuplicateOf, Likeness, PossibleDuplicate, SimilarityRules, Subject};

/// Every row of `rows` that is possibly the same as one of `existing` (by
/// contact id) or an earlier row, with its closest match, in row order.
pub fn possible_duplicates(
    rows: &[Subject],
    existing: &[(Uuid, Subject)],
    rules: &SimilarityRules,
) -> Vec<PossibleDuplicate> {
    let mut index = DuplicateIndex::new(existing, rules);
    for row in rows {
        index.add_row(row);
    }
    let mut search = index.search();
    while !search.step(usize::MAX) {}
    search.finish()
}

/// The index of [`possible_duplicates`], built a row at a time (so the page
/// can build it in slices, dropping each row's [`Subject`] once added).
pub struct DuplicateIndex {
    index: Index,
    /// Keys, phones, postcodes and blocks, numbered: needed only while the
    /// index is built.
    keys: Texts,
    words: Texts,
    block_ids: FxHashMap<BlockKey, u32>,
    key_buffer: Vec<BlockKey>,
}

impl DuplicateIndex {
    /// An index of `existing`, to which the rows are added in order.
    pub fn new(existing: &[(Uuid, Subject)], rules: &SimilarityRules) -> DuplicateIndex {
        let mut building = DuplicateIndex {
            index: Index {
                rules: *rules,
                existing: existing.iter().map(|(id, _)| *id).collect(),
                words: TextArena::default(),
                members: Vec::new(),
                phones: Vec::new(),
                member_blocks: Vec::new(),
                block_starts: vec![0],
                block_members: Vec::new(),
                member_starts: Vec::new(),
            },
            keys: Texts::new(),
            words: Texts::new(),
            block_ids: FxHashMap::default(),
            key_buffer: Vec::new(),
        };
        for (_, subject) in existing {
            building.add(subject);
        }
        building
    }

    /// Adds the next row.
    pub fn add_row(&mut self, row: &Subject) {
        self.add(row);
    }

    fn add(&mut self, subject: &Subject) {
        let index = &mut self.index;
        let phones_start = index.phones.len();
        for phone in &subject.phones {
            index.phones.push(self.keys.id(phone));
        }
        let phones = &index.phones[phones_start..];
        let mut name = [0; MAX_NAME_WORDS];
        let name_len = subject.name.len().min(MAX_NAME_WORDS);
        for (id, word) in name.iter_mut().zip(&subject.name) {
            *id = self.words.id(word);
        }
        let member = Member {
            reference: self.keys.id(&subject.reference),
            email: self.keys.id(&subject.email),
            postcode: self.keys.id(&subject.postcode),
            country: self.keys.id(&subject.country),
            name,
            name_len: name_len as u8,
            phone_bits: phones.iter().fold(0, |bits, &phone| bits | phone_bit(phone)),
            phones: (phones_start as u32, index.phones.len() as u32),
        };
        let keys = &mut self.key_buffer;
        keys.clear();
        keys.extend(phones.iter().map(|&phone| BlockKey::Phone(phone)));
        if member.postcode != 0 {
            for word in subject.name.iter().filter(|word| word.chars().nth(1).is_some()) {
                let end = word.char_indices().nth(index.rules.block_letters).map_or(word.len(), |(at, _)| at);
                keys.push(BlockKey::Place(member.postcode, self.keys.id(&word[..end])));
            }
        }
        keys.sort_unstable();
        keys.dedup();
        for key in keys.iter() {
            let next = self.block_ids.len() as u32;
            index.member_blocks.push(*self.block_ids.entry(*key).or_insert(next));
        }
        index.block_starts.push(index.member_blocks.len());
        index.members.push(member);
    }

    /// The search over the rows added, from the first.
    pub fn search(self) -> DuplicateSearch {
        let mut index = self.index;
        index.words = self.words.arena;
        // The members of each block, counted then placed; placing them in
        // member order keeps each block ascending.
        let blocks = self.block_ids.len();
        let mut member_starts = vec![0; blocks + 1];
        for &block in &index.member_blocks {
            member_starts[block as usize + 1] += 1;
        }
        for block in 0..blocks {
            member_starts[block + 1] += member_starts[block];
        }
        let mut next = member_starts.clone();
        let mut block_members = vec![0; index.member_blocks.len()];
        for member in 0..index.members.len() {
            for &block in &index.member_blocks[index.block_starts[member]..index.block_starts[member + 1]] {
                block_members[next[block as usize]] = member as u32;
                next[block as usize] += 1;
            }
        }
        index.block_members = block_members;
        index.member_starts = member_starts;
        DuplicateSearch {
            next_row: 0,
            rows: index.members.len() - index.existing.len(),
            index,
            scores: WordScores::default(),
            candidates: Vec::new(),
            found: Vec::new(),
        }
    }
}

/// [`possible_duplicates`] under way: the rows searched so far, in order.
pub struct DuplicateSearch {
    index: Index,
    next_row: usize,
    rows: usize,
    scores: WordScores,
    candidates: Vec<usize>,
    found: Vec<PossibleDuplicate>,
}

impl DuplicateSearch {
    /// Searches up to `rows` more rows; whether every row is searched.
    pub fn step(&mut self, rows: usize) -> bool {
        let end = self.next_row.saturating_add(rows).min(self.rows);
        for row in self.next_row..end {
            let member = self.index.existing.len() + row;
            self.index.earlier_in_blocks(member, &mut self.candidates);
            let mut best: Option<PossibleDuplicate> = None;
            for &other in &self.candidates {
                let Some(likeness) = self.index.likeness(member, other, &mut self.scores) else { continue };
                let of = match self.index.existing.get(other) {
                    Some(id) => DuplicateOf::Contact(*id),
                    None => DuplicateOf::Row(other - self.index.existing.len()),
                };
                let candidate = PossibleDuplicate { row, of, likeness };
                if best.as_ref().is_none_or(|kept| closer(&candidate, kept)) {
                    best = Some(candidate);
                }
            }
            self.found.extend(best);
        }
        self.next_row = end;
        self.next_row == self.rows
    }

    /// How many rows are searched, of how many.
    pub fn progress(&self) -> (usize, usize) {
        (self.next_row, self.rows)
    }

    /// The possible duplicates among the rows searched, in row order.
    pub fn finish(self) -> Vec<PossibleDuplicate> {
        self.found
    }
}

/// Whether `a` is a closer match than `b`: a higher name score, then more
/// evidence, then an existing contact before a row, then the earlier one.
fn closer(a: &PossibleDuplicate, b: &PossibleDuplicate) -> bool {
    let evidence = |d: &PossibleDuplicate| u8::from(d.likeness.same_phone) + u8::from(d.likeness.same_postcode);
    let rank = |d: &PossibleDuplicate| match d.of {
        DuplicateOf::Contact(id) => (0, id.as_u128(), 0),
        DuplicateOf::Row(row) => (1, 0, row),
    };
    a.likeness
        .name
        .total_cmp(&b.likeness.name)
        .then(evidence(a).cmp(&evidence(b)))
        .then(rank(b).cmp(&rank(a)))
        .is_gt()
}

/// A text's number: equal texts, equal numbers; the empty text is 0.
type TextId = u32;

/// Distinct texts numbered in the order first seen. The texts are kept end
/// to end in one buffer ([`TextArena`]) and the table holds only numbers:
/// with two allocations per text, freeing the index's texts after a
/// 200,000-row file was a task of tens of milliseconds in the browser.
struct Texts {
    /// Each text's number, found by the text's hash and compared in `arena`.
    ids: HashTable<TextId>,
    arena: TextArena,
}

impl Texts {
    fn new() -> Texts {
        let mut texts = Texts { ids: HashTable::new(), arena: TextArena::default() };
        texts.id("");
        texts
    }

    fn id(&mut self, text: &str) -> TextId {
        let arena = &mut self.arena;
        let entry = self.ids.entry(
            FxBuildHasher.hash_one(text),
            |&id| arena.get(id) == text,
            |&id| FxBuildHasher.hash_one(arena.get(id)),
        );
        match entry {
            Entry::Occupied(found) => *found.get(),
            Entry::Vacant(vacant) => *vacant.insert(arena.push(text)).get(),
        }
    }
}

/// Texts end to end in one buffer, by [`TextId`].
#[derive(Debug, Default)]
struct TextArena {
    buffer: String,
    /// Where each text ends in `buffer`.
    ends: Vec<usize>,
}

impl TextArena {
    fn push(&mut self, text: &str) -> TextId {
        self.buffer.push_str(text);
        self.ends.push(self.buffer.len());
        (self.ends.len() - 1) as TextId
    }

    fn get(&self, id: TextId) -> &str {
        let id = id as usize;
        let start = if id == 0 { 0 } else { self.ends[id - 1] };
        &self.buffer[start..self.ends[id]]
    }
}

/// A subject as numbers: its texts by [`TextId`], its phones as a range of
/// [`Index::phones`]. What comparing a pair reads of the earlier member is
/// here, in one cache line (a block's members are far apart in a big
/// file, so each read elsewhere is a cache miss).
#[derive(Clone, Copy)]
struct Member {
    reference: TextId,
    email: TextId,
    postcode: TextId,
    country: TextId,
    /// The first `name_len` are its name's words.
    name: [TextId; MAX_NAME_WORDS],
    name_len: u8,
    /// A bit per phone ([`phone_bit`]): two members with no bit in common
    /// have no phone in common, without reading their phones.
    phone_bits: u64,
    phones: (u32, u32),
}

impl Member {
    fn name(&self) -> &[TextId] {
        &self.name[..usize::from(self.name_len)]
    }
}

fn phone_bit(phone: TextId) -> u64 {
    1 << (phone % u64::BITS)
}

/// A blocking key, by numbers: a phone key, or a postcode with the first
/// [`SimilarityRules::block_letters`] letters of a name word of two letters
/// or more.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum BlockKey {
    Phone(TextId),
    /// A postcode and the first letters of a name word.
    Place(TextId, TextId),
}

/// Every subject as a [`Member`] (existing contacts first, then the rows, in
/// order), and the blocks each is in (both ways once
/// [`DuplicateIndex::search`] has laid the blocks out).
struct Index {
    rules: SimilarityRules,
    existing: Vec<Uuid>,
    /// The name words by [`TextId`].
    words: TextArena,
    members: Vec<Member>,
    /// The phones of every member.
    phones: Vec<TextId>,
    /// The blocks of member `m` are `member_blocks[block_starts[m]..block_starts[m + 1]]`.
    member_blocks: Vec<u32>,
    block_starts: Vec<usize>,
    /// The members of block `b`, in ascending order, are
    /// `block_members[member_starts[b]..member_starts[b + 1]]`.
    block_members: Vec<u32>,
    member_starts: Vec<usize>,
}

impl Index {
    /// Into `found`: the members before `member` in any of its blocks of at
    /// most [`SimilarityRules::max_block`] members, each once, ascending.
    fn earlier_in_blocks(&self, member: usize, found: &mut Vec<usize>) {
        found.clear();
        for &block in &self.member_blocks[self.block_starts[member]..self.block_starts[member + 1]] {
            let block = &self.block_members[self.member_starts[block as usize]..self.member_starts[block as usize + 1]];
            if block.len() > self.rules.max_block {
                continue;
            }
            found.extend(block.iter().map(|&other| other as usize).take_while(|&other| other < member));
        }
        found.sort_unstable();
        found.dedup();
    }

    /// What [`super::likeness`] says of members `a` and `b` when it makes
    /// them possible duplicates, else `None`.
    fn likeness(&self, a: usize, b: usize, scores: &mut WordScores) -> Option<Likeness> {
        let rules = &self.rules;
        let (x, y) = (&self.members[a], &self.members[b]);
        let shared = |x: TextId, y: TextId| x != 0 && x == y;
        if shared(x.reference, y.reference) || shared(x.email, y.email) {
            return None;
        }
        let phones = |member: &Member| &self.phones[member.phones.0 as usize..member.phones.1 as usize];
        let countries_differ = x.country != 0 && y.country != 0 && x.country != y.country;
        let same_phone = x.phone_bits & y.phone_bits != 0 && phones(x).iter().any(|phone| phones(y).contains(phone));
        let same_postcode = shared(x.postcode, y.postcode) && !countries_differ;
        let (x_name, y_name) = (x.name(), y.name());
        if !reachable(x_name.len(), y_name.len(), same_phone, same_postcode, rules) {
            return None;
        }
        let name = score_names(x_name, y_name, rules, |&x, &y| scores.score(x, y, &self.words, rules));
        Some(Likeness { name, same_phone, same_postcode }).filter(|likeness| likeness.is_possible_duplicate(rules))
    }
}

/// Whether names of `x_words` and `y_words` words could score enough for
/// the evidence. Without evidence, never. Otherwise a name scores at most
/// [`SimilarityRules::extra_word`] to the power of the words one side has
/// more, when no word scores above 1 (Jaro–Winkler never does, so with
/// [`SimilarityRules::initial`] at most 1) and a left-over word does not
/// raise the score; the margin covers rounding, so no pair that could be
/// flagged is dropped.
fn reachable(x_words: usize, y_words: usize, same_phone: bool, same_postcode: bool, rules: &SimilarityRules) -> bool {
    const ROUNDING: f64 = 1e-9;
    if !same_phone && !same_postcode {
        return false;
    }
    if rules.initial > 1.0 || !(0.0..=1.0).contains(&rules.extra_word) || x_words == 0 || y_words == 0 {
        return true;
    }
    let bound = rules.extra_word.powi(x_words.abs_diff(y_words) as i32) + ROUNDING;
    (same_phone && bound >= rules.name_with_phone) || (same_postcode && bound >= rules.name_with_postcode)
}

/// The scores of pairs of name words already compared, by their
/// [`TextId`]s. Bounded: past [`WordScores::MOST`] pairs it starts again,
/// so a file of only distinct names costs memory that does not grow with it.
#[derive(Default)]
struct WordScores {
    scores: FxHashMap<u64, f64>,
}

impl WordScores {
    const MOST: usize = 1 << 18;

    fn score(&mut self, x: TextId, y: TextId, words: &TextArena, rules: &SimilarityRules) -> f64 {
        if x == y {
            return 1.0;
        }
        let key = u64::from(x) << 32 | u64::from(y);
        if let Some(&score) = self.scores.get(&key) {
            return score;
        }
        if self.scores.len() >= Self::MOST {
            self.scores.clear();
        }
        let score = word_score(words.get(x), words.get(y), rules);
        self.scores.insert(key, score);
        score
    }
}
