//! One row's verdict, from the row, the columns, the mode, the existing
//! contacts and the groups of rows sharing its keys.
//!
//! Invariant: `compute` reads nothing but those, so recomputing a row whose
//! inputs did not change gives the same verdict.

use super::{ImportCheck, Key, Links, Match, RowKeys, RowVerdict};
use crate::field::Field;
use crate::issue::{Issue, Problem};
use crate::merge::{given, plan_action};
use crate::validate::{clean, NormalisedRow};

impl ImportCheck {
    /// The groups row `index` belongs to (none when removed).
    pub(super) fn links(&self, index: usize) -> Links {
        let Some(row) = self.rows.get(index).filter(|_| !self.is_removed(index)) else {
            return Links::default();
        };
        let keys = RowKeys::of(row);
        let contact = match self.matching(&keys) {
            Match::Existing(contact) => Some(contact.id),
            Match::New | Match::Unresolved => None,
        };
        Links {
            reference: keys.reference.into_key(),
            email: keys.email.into_key(),
            contact,
        }
    }

    /// The verdict on row `index` (`None` when removed).
    pub(super) fn compute(&self, index: usize) -> Option<RowVerdict> {
        let row = self.rows.get(index).filter(|_| !self.is_removed(index))?;
        let line_of = |other: usize| self.rows.get(other).map_or(0, |row| row.line);
        let cell_issue = |field: Field, problem: Problem| {
            Issue::cell(
                row.line,
                field,
                self.columns.header(field),
                clean(row.values.get(field)),
                problem,
            )
        };

        let normalised = NormalisedRow::of(row);
        let mut issues = normalised.issues(row, &self.columns);
        let keys = RowKeys::of_normalised(&normalised);
        let matched = self.matching(&keys);

        let mut duplicate = false;
        if let Some(other) = keys
            .reference
            .valid()
            .and_then(|key| self.by_reference.other(key, index))
        {
            let other_line = line_of(other);
            issues.push(cell_issue(
                Field::Reference,
                Problem::DuplicateReference { other_line },
            ));
            duplicate = true;
        }
        if let Some(other) = keys
            .email
            .valid()
            .and_then(|key| self.by_email.other(key, index))
        {
            let other_line = line_of(other);
            issues.push(cell_issue(
                Field::Email,
                Problem::DuplicateEmail { other_line },
            ));
            duplicate = true;
        }
        if let Match::Existing(contact) = matched {
            if let Some(other) = self
                .by_contact
                .other(&contact.id, index)
                .filter(|_| !duplicate)
            {
                let field = match keys.reference {
                    Key::Valid(_) => Field::Reference,
                    Key::Blank | Key::Invalid => Field::Email,
                };
                let other_line = line_of(other);
                issues.push(cell_issue(field, Problem::SameContactTwice { other_line }));
            }
        }
        if let Some(owner) = keys
            .email
            .valid()
            .and_then(|key| self.existing.by_email_key(key))
        {
            let matched_id = match matched {
                Match::Existing(contact) => Some(contact.id),
                Match::New | Match::Unresolved => None,
            };
            if matched_id != Some(owner.id) {
                let contact_name = owner.fields.display_name();
                issues.push(cell_issue(
                    Field::Email,
                    Problem::EmailBelongsToAnother { contact_name },
                ));
            }
        }

        let existing = match matched {
            Match::New => Some(None),
            Match::Existing(contact) => Some(Some(contact)),
            Match::Unresolved => None,
        };
        let mut action = None;
        if let Some(existing) = existing {
            let given = given(&normalised, self.columns.present);
            match plan_action(&normalised, given, existing, self.mode) {
                Ok(planned) => action = Some(planned),
                Err(problems) => {
                    issues.extend(
                        problems
                            .into_iter()
                            .map(|(field, problem)| cell_issue(field, problem)),
                    );
                }
            }
        }

        if !issues.is_empty() {
            issues.sort_by_key(|issue| issue.field.map_or(usize::MAX, Field::index));
            action = None;
        }
        Some(RowVerdict {
            line: row.line,
            issues,
            action,
        })
    }
}
