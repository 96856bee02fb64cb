//! Rows that share a key (a Contact ID, an email, a matched contact).
//!
//! Invariant: each group is sorted by row index, holds no row twice, and is
//! never empty (an emptied group is removed), so two `Groups` built from the
//! same rows in any order of edits are equal. Most keys belong to one row, so
//! a one-row group is stored without a separate allocation.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;

use foldhash::fast::RandomState;

/// The rows of one key: usually one, sometimes several.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Rows {
    One(usize),
    /// Sorted, at least two.
    Many(Vec<usize>),
}

impl Rows {
    fn as_slice(&self) -> &[usize] {
        match self {
            Rows::One(row) => std::slice::from_ref(row),
            Rows::Many(rows) => rows,
        }
    }
}

/// Row indexes per key. Hashed with foldhash, seeded per process: a key is
/// a cell's text from a file, hashed for every row the check links or
/// judges, and SipHash made that a fifth of checking a file in the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Groups<K: Hash + Eq> {
    map: HashMap<K, Rows, RandomState>,
}

impl<K: Hash + Eq> Default for Groups<K> {
    fn default() -> Self {
        Groups {
            map: HashMap::default(),
        }
    }
}

impl<K: Hash + Eq> Groups<K> {
    /// Room for `keys` keys without rehashing.
    pub(super) fn with_capacity(keys: usize) -> Self {
        Groups {
            map: HashMap::with_capacity_and_hasher(keys, RandomState::default()),
        }
    }

    /// Adds `row` to `key`'s group. Pushes onto `affected` the rows whose
    /// "other row" ([`Groups::other`]) or duplicate status may have changed:
    /// the whole group when it has at most two rows or `row` is one of its
    /// first two (every other row names one of those), else none.
    pub(super) fn insert(&mut self, key: K, row: usize, affected: &mut Vec<usize>) {
        let Some(position) = self.add(key, row) else {
            return;
        };
        if position.1 <= 2 || position.0 < 2 {
            affected.extend_from_slice(position.2);
        }
    }

    /// Adds `row` without reporting affected rows (building from scratch).
    pub(super) fn push(&mut self, key: K, row: usize) {
        self.add(key, row);
    }

    /// Adds `row`; returns its position, the new group size and the group,
    /// or `None` when it was already there.
    fn add(&mut self, key: K, row: usize) -> Option<(usize, usize, &[usize])> {
        use std::collections::hash_map::Entry;
        match self.map.entry(key) {
            Entry::Vacant(entry) => Some((0, 1, entry.insert(Rows::One(row)).as_slice())),
            Entry::Occupied(entry) => {
                let rows = entry.into_mut();
                let position = match rows {
                    Rows::One(only) if *only == row => return None,
                    Rows::One(only) => {
                        let only = *only;
                        let (pair, position) = if only < row {
                            ([only, row], 1)
                        } else {
                            ([row, only], 0)
                        };
                        *rows = Rows::Many(pair.to_vec());
                        position
                    }
                    Rows::Many(many) => {
                        let Err(position) = many.binary_search(&row) else {
                            return None;
                        };
                        many.insert(position, row);
                        position
                    }
                };
                let slice = rows.as_slice();
                Some((position, slice.len(), slice))
            }
        }
    }

    /// Takes `row` out of `key`'s group, pushing the rows that may be
    /// affected onto `affected` (as for [`Groups::insert`]).
    pub(super) fn remove<Q: Hash + Eq + ?Sized>(
        &mut self,
        key: &Q,
        row: usize,
        affected: &mut Vec<usize>,
    ) where
        K: Borrow<Q>,
    {
        let Some(rows) = self.map.get_mut(key) else {
            return;
        };
        match rows {
            Rows::One(only) if *only == row => {
                self.map.remove(key);
            }
            Rows::One(_) => {}
            Rows::Many(many) => {
                let Ok(position) = many.binary_search(&row) else {
                    return;
                };
                let before = many.len();
                many.remove(position);
                if before <= 2 || position < 2 {
                    affected.extend_from_slice(many);
                }
                if let [only] = many.as_slice() {
                    *rows = Rows::One(*only);
                }
            }
        }
    }

    /// Another row in `key`'s group than `row`: the first one, or the second
    /// when `row` is the first.
    pub(super) fn other<Q: Hash + Eq + ?Sized>(&self, key: &Q, row: usize) -> Option<usize>
    where
        K: Borrow<Q>,
    {
        match self.map.get(key)? {
            Rows::One(only) => Some(*only).filter(|&only| only != row),
            Rows::Many(many) => many.iter().copied().find(|&other| other != row),
        }
    }

    /// Every row in `key`'s group.
    pub(super) fn rows<Q: Hash + Eq + ?Sized>(&self, key: &Q) -> &[usize]
    where
        K: Borrow<Q>,
    {
        self.map.get(key).map_or(&[], Rows::as_slice)
    }

    /// Every key with at least one row.
    pub(super) fn keys(&self) -> impl Iterator<Item = &K> {
        self.map.keys()
    }
}
