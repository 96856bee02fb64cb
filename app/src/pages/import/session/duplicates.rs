//! Possible duplicates in the import being reviewed: which rows the rules
//! call possibly the same as an existing contact or an earlier row, and
//! what the user chose for each (create anyway, update that contact, skip).
//! Plain data and logic, tested natively; `duplicates.rs` beside the
//! session only renders it.
//!
//! Invariants: only a row the check calls new is flagged (a row matched by
//! its Contact ID or email is the check's business); the choice kept for a
//! row always fits its flag ([`DuplicateChoice::fits`]): a choice that no
//! longer fits, after the flags are found again, falls back to create
//! anyway. Nothing here is an issue or holds Confirm back; the server
//! re-checks every choice.
//!
//! Flags are found when the rows are checked as a whole (reading the file,
//! remapping, switching mode, checking again after a refusal), not on each
//! keystroke: finding them costs a pass over every row. A
//! [`DuplicateFinder`] does that pass a slice of rows at a time, so the page
//! can give the browser a turn between slices of a big file.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use rules::check::ImportCheck;
use rules::merge::Action;
use rules::similar::{
    DuplicateChoice, DuplicateIndex, DuplicateOf, DuplicateSearch, PossibleDuplicate, Subject, SIMILARITY_RULES,
};
use rules::ExistingContact;
use uuid::Uuid;

/// Numbers every search of every import, so that a search is the latest
/// only of the import that started it: another file chosen meanwhile
/// starts its own searches with numbers of their own, and a search of the
/// file before cannot pass for one of them.
static SEARCHES: AtomicU64 = AtomicU64::new(0);

/// The flags of one import and the user's choices.
#[derive(Clone, Debug, Default)]
pub struct Duplicates {
    /// The existing contacts the rows may duplicate (what the server found
    /// for the rows' phone and postcode keys).
    candidates: Vec<ExistingContact>,
    /// The flagged rows by index, each with its closest match (row indexes
    /// are the check's).
    flags: Vec<PossibleDuplicate>,
    /// The user's choices by row index; a row not here is created anyway.
    choices: HashMap<usize, DuplicateChoice>,
    /// The number of the search started last ([`SEARCHES`]): only its
    /// finds are kept (a search still stepping when the check is replaced
    /// would otherwise put back flags for rows that changed since).
    latest_search: u64,
}

/// One flagged row as the review shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateView {
    /// The row's index in the check.
    pub index: usize,
    /// Its row number in the file.
    pub line: u32,
    /// Its name.
    pub name: String,
    /// "Possibly the same as Ana Silva — same phone" (or "as row 4").
    pub sentence: String,
    /// The contact "update that contact" would update; `None` when the row
    /// is like an earlier row (then only create or skip).
    pub contact: Option<Uuid>,
    /// The current choice.
    pub choice: DuplicateChoice,
}

impl Duplicates {
    /// No flags yet, against `candidates`.
    pub fn new(candidates: Vec<ExistingContact>) -> Duplicates {
        Duplicates { candidates, ..Duplicates::default() }
    }

    /// Checks against `candidates` from now on (the contacts as the server
    /// has them now), keeping the choices until the flags are found again.
    pub fn set_candidates(&mut self, candidates: Vec<ExistingContact>) {
        self.candidates = candidates;
    }

    /// Finds the flags again for the rows of `check` at once, keeping each
    /// choice that still fits its row's flag (for the tests: the page steps a
    /// [`Duplicates::finder`]).
    #[cfg(test)]
    pub fn find(&mut self, check: &ImportCheck) {
        let mut finder = self.finder(check);
        while !finder.step(check, usize::MAX) {}
        self.install(finder);
    }

    /// A search for the flags of `check`'s new rows against the candidates,
    /// to run with [`DuplicateFinder::step`] over the same check and keep with
    /// [`Duplicates::install`].
    pub fn finder(&mut self, check: &ImportCheck) -> DuplicateFinder {
        self.latest_search = SEARCHES.fetch_add(1, Ordering::Relaxed) + 1;
        let rules = &SIMILARITY_RULES;
        let new_rows: Vec<usize> = check
            .verdicts()
            .filter(|(index, verdict)| matches!(verdict.action, Some(Action::New)) && check.row(*index).is_some())
            .map(|(index, _)| index)
            .collect();
        let existing: Vec<(Uuid, Subject)> =
            self.candidates.iter().map(|contact| (contact.id, Subject::of(&contact.fields, rules))).collect();
        DuplicateFinder {
            search: self.latest_search,
            new_rows,
            stage: FinderStage::Indexing { index: DuplicateIndex::new(&existing, rules), added: 0 },
        }
    }

    /// Whether `finder` is the search started last (an older one's finds
    /// are not kept, and it need not go on).
    pub fn is_latest(&self, finder: &DuplicateFinder) -> bool {
        finder.search == self.latest_search
    }

    /// Keeps what `finder` found as the flags, and each choice that still
    /// fits its row's flag.
    pub fn install(&mut self, finder: DuplicateFinder) {
        if !self.is_latest(&finder) {
            return;
        }
        self.flags = finder.found();
        let flags = &self.flags;
        self.choices.retain(|index, choice| {
            flags.binary_search_by_key(index, |flag| flag.row).ok().is_some_and(|at| choice.fits(&flags[at]))
        });
    }

    /// Records `choice` for the flagged row `index`; a choice that does not
    /// fit its flag (or a row not flagged) is refused with a sentence.
    pub fn choose(&mut self, index: usize, choice: DuplicateChoice) -> Result<(), String> {
        let flag = self.flag(index).ok_or("This row is no longer flagged as a possible duplicate.")?;
        if !choice.fits(flag) {
            return Err("That contact is not the one this row is possibly the same as.".into());
        }
        if choice == DuplicateChoice::CreateAnyway {
            self.choices.remove(&index);
        } else {
            self.choices.insert(index, choice);
        }
        Ok(())
    }

    /// The choice for row `index` (create anyway unless the user said).
    pub fn choice(&self, index: usize) -> DuplicateChoice {
        self.choices.get(&index).copied().unwrap_or_default()
    }

    /// The existing contact row `index` is to update (with the version the
    /// preview saw), when the user chose so.
    pub fn update_target(&self, index: usize) -> Option<&ExistingContact> {
        match self.choice(index) {
            DuplicateChoice::Update { contact } => self.candidates.iter().find(|candidate| candidate.id == contact),
            DuplicateChoice::CreateAnyway | DuplicateChoice::Skip => None,
        }
    }

    /// How many rows are flagged.
    pub fn count(&self) -> usize {
        self.flags.len()
    }

    /// The first `limit` flagged rows of `check` still in the import, as
    /// shown, and how many more there are.
    pub fn views(&self, check: &ImportCheck, limit: usize) -> (Vec<DuplicateView>, usize) {
        let live: Vec<&PossibleDuplicate> = self.flags.iter().filter(|flag| !check.is_removed(flag.row)).collect();
        let shown = live.iter().take(limit).filter_map(|flag| self.view(check, flag)).collect();
        (shown, live.len().saturating_sub(limit))
    }

    /// "Possibly the same as …" for row `index` of `check`, when it is
    /// flagged (what the rows table shows beside the row).
    pub fn sentence(&self, check: &ImportCheck, index: usize) -> Option<String> {
        self.view(check, self.flag(index)?).map(|view| view.sentence)
    }

    fn flag(&self, index: usize) -> Option<&PossibleDuplicate> {
        self.flags.binary_search_by_key(&index, |flag| flag.row).ok().map(|at| &self.flags[at])
    }

    fn view(&self, check: &ImportCheck, flag: &PossibleDuplicate) -> Option<DuplicateView> {
        let row = check.row(flag.row)?;
        let (other, contact) = match flag.of {
            DuplicateOf::Contact(id) => {
                let candidate = self.candidates.iter().find(|candidate| candidate.id == id)?;
                (candidate.fields.display_name(), Some(id))
            }
            DuplicateOf::Row(earlier) => (format!("row {}", check.row(earlier)?.line), None),
        };
        let evidence = match (flag.likeness.same_phone, flag.likeness.same_postcode) {
            (true, true) => "same phone and postcode",
            (true, false) => "same phone",
            (false, _) => "same postcode",
        };
        Some(DuplicateView {
            index: flag.row,
            line: row.line,
            name: row.values.display_name(),
            sentence: format!("Possibly the same as {other} \u{2014} {evidence}"),
            contact,
            choice: self.choice(flag.row),
        })
    }
}

/// The search for the flags of one check, a slice of rows at a time: each
/// new row's subject is added to the index (and dropped), then the rows are
/// searched.
pub struct DuplicateFinder {
    /// Which search this is ([`Duplicates::is_latest`]).
    search: u64,
    /// The check's indexes of the rows searched, in order.
    new_rows: Vec<usize>,
    stage: FinderStage,
}

enum FinderStage {
    Indexing { index: DuplicateIndex, added: usize },
    Searching(DuplicateSearch),
    Found(Vec<PossibleDuplicate>),
}

impl DuplicateFinder {
    /// Does the work of up to `rows` rows (adding them to the index, or
    /// searching them) on `check`, the check the finder was made for;
    /// whether the search is done.
    pub fn step(&mut self, check: &ImportCheck, rows: usize) -> bool {
        let stage = std::mem::replace(&mut self.stage, FinderStage::Found(Vec::new()));
        self.stage = match stage {
            FinderStage::Indexing { mut index, added } => {
                let end = added.saturating_add(rows).min(self.new_rows.len());
                for row in self.new_rows[added..end].iter().filter_map(|&at| check.row(at)) {
                    index.add_row(&Subject::of_row(&row.values, &SIMILARITY_RULES));
                }
                if end == self.new_rows.len() {
                    FinderStage::Searching(index.search())
                } else {
                    FinderStage::Indexing { index, added: end }
                }
            }
            FinderStage::Searching(mut search) => {
                if search.step(rows) {
                    FinderStage::Found(search.finish())
                } else {
                    FinderStage::Searching(search)
                }
            }
            found @ FinderStage::Found(_) => found,
        };
        matches!(self.stage, FinderStage::Found(_))
    }

    /// How much of the work is done, of how much (each row is indexed, then
    /// searched).
    pub fn progress(&self) -> (usize, usize) {
        let rows = self.new_rows.len();
        let done = match &self.stage {
            FinderStage::Indexing { added, .. } => *added,
            FinderStage::Searching(search) => rows + search.progress().0,
            FinderStage::Found(_) => 2 * rows,
        };
        (done, 2 * rows)
    }

    /// The flags found, by the check's row indexes (none before the search
    /// is done).
    fn found(self) -> Vec<PossibleDuplicate> {
        let FinderStage::Found(found) = self.stage else { return Vec::new() };
        let new_rows = self.new_rows;
        found
            .into_iter()
            .filter_map(|found| {
                let row = *new_rows.get(found.row)?;
                let of = match found.of {
                    DuplicateOf::Row(earlier) => DuplicateOf::Row(*new_rows.get(earlier)?),
                    contact => contact,
                };
                Some(PossibleDuplicate { row, of, ..found })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
