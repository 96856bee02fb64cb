//! Building an [`ImportCheck`] a slice at a time.
//!
//! Invariant: however the work is cut into steps, the finished check equals
//! `ImportCheck::new` on the same input (both run the same two passes: link
//! every row into its key groups, then judge every row).

use super::ImportCheck;
use crate::phone::PhoneVerdicts;

/// An [`ImportCheck`] under construction (see [`ImportCheck::build`]).
#[derive(Debug)]
pub struct CheckBuilder {
    check: ImportCheck,
    linked: usize,
    judged: usize,
}

impl CheckBuilder {
    pub(super) fn new(check: ImportCheck) -> CheckBuilder {
        CheckBuilder { check, linked: 0, judged: 0 }
    }

    /// Reads the rows' phone numbers with the server's `verdicts` (the rest
    /// get the layout check). Given before the first step, it costs
    /// nothing more; rows already judged are judged again. A book gathered
    /// beforehand (as the page does while the calls answer) is taken as it
    /// is, not copied entry by entry.
    pub fn with_phone_verdicts(mut self, verdicts: impl Into<PhoneVerdicts>) -> CheckBuilder {
        let verdicts = verdicts.into();
        if self.check.phones.is_empty() {
            self.check.phones = verdicts;
        } else {
            self.check.phones.extend(verdicts);
        }
        let judged: Vec<usize> = (0..self.judged).collect();
        self.check.refresh(&judged);
        self
    }

    /// Units of work in all: two per row.
    pub fn total_steps(&self) -> usize {
        self.check.rows.len() * 2
    }

    /// Units of work done so far.
    pub fn done_steps(&self) -> usize {
        self.linked + self.judged
    }

    /// Whether all the work is done.
    pub fn is_finished(&self) -> bool {
        self.done_steps() == self.total_steps()
    }

    /// Does up to `budget` units of work; returns whether all is done.
    pub fn step(&mut self, budget: usize) -> bool {
        let count = self.check.rows.len();
        let mut budget = budget;
        while budget > 0 && self.linked < count {
            self.check.link_row(self.linked);
            self.linked += 1;
            budget -= 1;
        }
        while budget > 0 && self.linked == count && self.judged < count {
            self.check.judge_row(self.judged);
            self.judged += 1;
            budget -= 1;
        }
        self.is_finished()
    }

    /// Does whatever work is left and returns the check.
    pub fn finish(mut self) -> ImportCheck {
        self.step(usize::MAX);
        self.check
    }
}
