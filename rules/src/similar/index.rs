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

use std::ops::Range;

use rustc_hash::FxHashMap;
use uuid::Uuid;

use super::{score_names, word_score, DuplicateOf, Likeness, PossibleDuplicate, SimilarityRules, Subject};

/// Every row of `rows` that is possibly the same as one of `existing` (by
/// contact id) or an earlier row, with its closest match, in row order.
pub fn possible_duplicates(
    rows: &[Subject],
    existing: &[(Uuid, Subject)],
    rules: &SimilarityRules,
) -> Vec<PossibleDuplicate> {
    let subjects = existing.iter().map(|(_, subject)| subject).chain(rows);
    let index = Index::new(subjects, rules);
    let mut scores = WordScores::default();
    let mut candidates = Vec::new();
    let mut found = Vec::new();
    for row in 0..rows.len() {
        let member = existing.len() + row;
        index.earlier_in_blocks(member, rules.max_block, &mut candidates);
        let mut best: Option<PossibleDuplicate> = None;
        for &other in &candidates {
            let Some(likeness) = index.likeness(member, other, &mut scores, rules) else { continue };
            let of = match existing.get(other) {
                Some((id, _)) => DuplicateOf::Contact(*id),
                None => DuplicateOf::Row(other - existing.len()),
            };
            let candidate = PossibleDuplicate { row, of, likeness };
            if best.as_ref().is_none_or(|kept| closer(&candidate, kept)) {
                best = Some(candidate);
            }
        }
        found.extend(best);
    }
    found
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

/// The texts of every subject, numbered.
struct Texts<'a> {
    ids: FxHashMap<&'a str, TextId>,
    texts: Vec<&'a str>,
}

impl<'a> Texts<'a> {
    fn new() -> Texts<'a> {
        let mut texts = Texts { ids: FxHashMap::default(), texts: Vec::new() };
        texts.id("");
        texts
    }

    fn id(&mut self, text: &'a str) -> TextId {
        let next = self.texts.len() as TextId;
        let id = *self.ids.entry(text).or_insert(next);
        if id == next {
            self.texts.push(text);
        }
        id
    }
}

/// A subject as numbers: its texts by [`TextId`], its phones and name words
/// as ranges of [`Index::lists`].
struct Member {
    reference: TextId,
    email: TextId,
    postcode: TextId,
    country: TextId,
    phones: Range<usize>,
    name: Range<usize>,
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
/// order), and the blocks each is in.
struct Index<'a> {
    texts: Texts<'a>,
    members: Vec<Member>,
    /// The phones and name words of every member.
    lists: Vec<TextId>,
    /// The blocks of member `m` are `member_blocks[block_starts[m]..block_starts[m + 1]]`.
    member_blocks: Vec<u32>,
    block_starts: Vec<usize>,
    /// The members of block `b`, in ascending order, are
    /// `block_members[member_starts[b]..member_starts[b + 1]]`.
    block_members: Vec<u32>,
    member_starts: Vec<usize>,
}

impl<'a> Index<'a> {
    fn new(subjects: impl Iterator<Item = &'a Subject>, rules: &SimilarityRules) -> Index<'a> {
        let mut texts = Texts::new();
        let mut members = Vec::new();
        let mut lists = Vec::new();
        let mut block_ids: FxHashMap<BlockKey, u32> = FxHashMap::default();
        let mut member_blocks = Vec::new();
        let mut block_starts = vec![0];
        let mut keys = Vec::new();
        for subject in subjects {
            let phones_start = lists.len();
            lists.extend(subject.phones.iter().map(|phone| texts.id(phone)));
            let name_start = lists.len();
            lists.extend(subject.name.iter().map(|word| texts.id(word)));
            let member = Member {
                reference: texts.id(&subject.reference),
                email: texts.id(&subject.email),
                postcode: texts.id(&subject.postcode),
                country: texts.id(&subject.country),
                phones: phones_start..name_start,
                name: name_start..lists.len(),
            };
            keys.clear();
            keys.extend(lists[member.phones.clone()].iter().map(|&phone| BlockKey::Phone(phone)));
            if member.postcode != 0 {
                for word in subject.name.iter().filter(|word| word.chars().nth(1).is_some()) {
                    let end = word.char_indices().nth(rules.block_letters).map_or(word.len(), |(at, _)| at);
                    keys.push(BlockKey::Place(member.postcode, texts.id(&word[..end])));
                }
            }
            keys.sort_unstable();
            keys.dedup();
            for key in &keys {
                let next = block_ids.len() as u32;
                member_blocks.push(*block_ids.entry(*key).or_insert(next));
            }
            block_starts.push(member_blocks.len());
            members.push(member);
        }
        // The members of each block, counted then placed; placing them in
        // member order keeps each block ascending.
        let mut member_starts = vec![0; block_ids.len() + 1];
        for &block in &member_blocks {
            member_starts[block as usize + 1] += 1;
        }
        for block in 0..block_ids.len() {
            member_starts[block + 1] += member_starts[block];
        }
        let mut next = member_starts.clone();
        let mut block_members = vec![0; member_blocks.len()];
        for member in 0..members.len() {
            for &block in &member_blocks[block_starts[member]..block_starts[member + 1]] {
                block_members[next[block as usize]] = member as u32;
                next[block as usize] += 1;
            }
        }
        Index { texts, members, lists, member_blocks, block_starts, block_members, member_starts }
    }

    /// Into `found`: the members before `member` in any of its blocks of at
    /// most `max_block` members, each once, ascending.
    fn earlier_in_blocks(&self, member: usize, max_block: usize, found: &mut Vec<usize>) {
        found.clear();
        for &block in &self.member_blocks[self.block_starts[member]..self.block_starts[member + 1]] {
            let block = &self.block_members[self.member_starts[block as usize]..self.member_starts[block as usize + 1]];
            if block.len() > max_block {
                continue;
            }
            found.extend(block.iter().map(|&other| other as usize).take_while(|&other| other < member));
        }
        found.sort_unstable();
        found.dedup();
    }

    /// What [`super::likeness`] says of members `a` and `b` when it makes
    /// them possible duplicates, else `None`.
    fn likeness(&self, a: usize, b: usize, scores: &mut WordScores, rules: &SimilarityRules) -> Option<Likeness> {
        let (x, y) = (&self.members[a], &self.members[b]);
        let shared = |x: TextId, y: TextId| x != 0 && x == y;
        if shared(x.reference, y.reference) || shared(x.email, y.email) {
            return None;
        }
        let (x_phones, y_phones) = (&self.lists[x.phones.clone()], &self.lists[y.phones.clone()]);
        let countries_differ = x.country != 0 && y.country != 0 && x.country != y.country;
        let same_phone = x_phones.iter().any(|phone| y_phones.contains(phone));
        let same_postcode = shared(x.postcode, y.postcode) && !countries_differ;
        let (x_name, y_name) = (&self.lists[x.name.clone()], &self.lists[y.name.clone()]);
        if !reachable(x_name.len(), y_name.len(), same_phone, same_postcode, rules) {
            return None;
        }
        let name = score_names(x_name, y_name, rules, |&x, &y| scores.score(x, y, &self.texts, rules));
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

    fn score(&mut self, x: TextId, y: TextId, texts: &Texts, rules: &SimilarityRules) -> f64 {
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
        let score = word_score(texts.texts[x as usize], texts.texts[y as usize], rules);
        self.scores.insert(key, score);
        score
    }
}
