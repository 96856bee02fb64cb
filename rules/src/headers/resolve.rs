//! How each column of a file is used, and the [`Plan`] that reads rows
//! through it: the user's choices first, then the recognised layout's rules,
//! then header synonyms, then a full-name split, then guesses from values.
//!
//! Invariant: each step only takes columns no earlier step took, so a user's
//! choice is never overridden and a guess never overrides a header; a field
//! the user gave to a column comes from that column alone. Every column's
//! [`ColumnState`] names exactly the fields the plan reads from it.

use super::layouts::{number_in, AddressBlock, AddressBlockName, Layout, Rule};
use super::plan::{Alternative, Block, Condition, NamePart, Piece, Plan, Read};
use super::synonyms::FULL_NAME_HEADERS;
use super::{is_template_header, ColumnState};
use crate::field::{Field, FieldSet};

/// What the mapping is made from.
pub(super) struct Inputs<'a> {
    pub(super) headers: &'a [String],
    /// The headers in key form.
    pub(super) keys: &'a [String],
    pub(super) layout: Option<&'static Layout>,
    /// What each header names by the synonyms.
    pub(super) header_fields: &'a [Option<Field>],
    /// The user's choice per column (`Some(None)`: leave out).
    pub(super) overrides: &'a [Option<Option<Field>>],
    /// What each column's values look like.
    pub(super) guesses: &'a [Option<Field>],
}

/// Every column's state and the plan.
pub(super) fn resolve(inputs: &Inputs) -> (Vec<ColumnState>, Plan) {
    let count = inputs.headers.len();
    let mut builder = Builder {
        inputs,
        states: vec![ColumnState::Unrecognised; count],
        taken: vec![false; count],
        not_a_field: vec![false; count],
        held: [None; Field::COUNT],
        plan: Plan::default(),
        full_name: None,
        kind_from_names: false,
    };
    builder.user_choices();
    if let Some(layout) = inputs.layout {
        for rule in layout.rules {
            builder.rule(rule);
        }
    }
    builder.synonyms();
    builder.full_name();
    builder.guesses();
    (builder.states, builder.plan)
}

struct Builder<'a> {
    inputs: &'a Inputs<'a>,
    states: Vec<ColumnState>,
    /// Whether a step has taken the column.
    taken: Vec<bool>,
    /// Columns the layout says hold no contact field.
    not_a_field: Vec<bool>,
    /// The column the user gave each field to.
    held: [Option<usize>; Field::COUNT],
    plan: Plan,
    /// The layout's full-name column, split after everything else is known.
    full_name: Option<usize>,
    kind_from_names: bool,
}

/// What adding a source to a field did.
#[derive(Clone, Copy)]
enum Added {
    /// The field's first source.
    First,
    /// A later source, used when `primary`'s alternatives are blank.
    After { primary: usize },
    /// The user gave the field to `kept`.
    Held { kept: usize },
}

impl Builder<'_> {
    fn set_state(&mut self, column: usize, state: ColumnState) {
        if let Some(slot) = self.states.get_mut(column) {
            *slot = state;
        }
    }

    fn take(&mut self, column: usize) {
        if let Some(slot) = self.taken.get_mut(column) {
            *slot = true;
        }
    }

    fn is_free(&self, column: usize) -> bool {
        self.taken.get(column).is_some_and(|taken| !taken)
    }

    fn user_choices(&mut self) {
        for (column, choice) in self.inputs.overrides.iter().enumerate() {
            let Some(choice) = choice else { continue };
            self.take(column);
            let state = match choice {
                Some(field) if self.held[field.index()].is_none() => {
                    self.held[field.index()] = Some(column);
                    self.plan.alternatives[field.index()] = vec![Alternative::whole(column)];
                    ColumnState::Chosen { field: *field }
                }
                _ => ColumnState::Ignored,
            };
            self.set_state(column, state);
        }
    }

    /// Adds `alternative` as `field`'s next source.
    fn add(&mut self, field: Field, alternative: Alternative) -> Added {
        if let Some(kept) = self.held[field.index()] {
            return Added::Held { kept };
        }
        let alternatives = &mut self.plan.alternatives[field.index()];
        let primary = alternatives
            .first()
            .and_then(|first| first.pieces.first())
            .map(|piece| piece.column);
        alternatives.push(alternative);
        match primary {
            Some(primary) => Added::After { primary },
            None => Added::First,
        }
    }

    /// The state of a column that is one source of `field`.
    fn source_state(field: Field, added: Added, state: ColumnState) -> ColumnState {
        match added {
            Added::First => state,
            Added::After { primary } => match state {
                ColumnState::Recognised { field } => ColumnState::Fallback {
                    field,
                    of_column: primary,
                },
                other => other,
            },
            Added::Held { kept } => ColumnState::Duplicate {
                field,
                kept_column: kept,
            },
        }
    }

    /// The free columns matching `patterns`: pattern by pattern, numbered
    /// ones in number order.
    fn matching(&self, patterns: &[&str]) -> Vec<usize> {
        self.matching_number(patterns, None)
    }

    /// As [`Builder::matching`], only numbered columns with number `number`
    /// when it is given.
    fn matching_number(&self, patterns: &[&str], number: Option<u32>) -> Vec<usize> {
        let mut columns = Vec::new();
        for pattern in patterns {
            let mut found: Vec<(u32, usize)> = self
                .inputs
                .keys
                .iter()
                .enumerate()
                .filter(|(column, _)| self.is_free(*column) && !columns.contains(column))
                .filter_map(|(column, key)| number_in(pattern, key).map(|n| (n, column)))
                .filter(|(n, _)| number.is_none_or(|wanted| wanted == *n))
                .collect();
            found.sort_unstable();
            columns.extend(found.into_iter().map(|(_, column)| column));
        }
        columns
    }

    fn rule(&mut self, rule: &Rule) {
        match rule {
            Rule::Field {
                field,
                headers,
                read,
            } => {
                for column in self.matching(headers) {
                    self.take(column);
                    let alternative = Alternative {
                        pieces: vec![Piece {
                            column,
                            read: *read,
                        }],
                        condition: Condition::Always,
                    };
                    let added = self.add(*field, alternative);
                    let state = Self::source_state(
                        *field,
                        added,
                        ColumnState::Recognised { field: *field },
                    );
                    self.set_state(column, state);
                }
            }
            Rule::Labelled {
                values,
                labels,
                by_label,
                otherwise,
                read,
            } => self.labelled(values, labels, by_label, *otherwise, *read),
            Rule::FullName(headers) => {
                if let Some(&column) = self.matching(headers).first() {
                    self.take(column);
                    self.full_name = Some(column);
                }
            }
            Rule::Addresses(blocks) => self.addresses(blocks),
            Rule::NotAField(headers) => {
                for column in self.matching(headers) {
                    self.take(column);
                    if let Some(slot) = self.not_a_field.get_mut(column) {
                        *slot = true;
                    }
                }
            }
            Rule::Label(headers) => {
                for column in self.matching(headers) {
                    self.take(column);
                    self.set_state(column, ColumnState::Label { of_column: None });
                }
            }
            Rule::Repeats(headers) => {
                for column in self.matching(headers) {
                    self.take(column);
                    self.set_state(column, ColumnState::Repeats);
                }
            }
            Rule::KindFromNames => self.kind_from_names = true,
            // Only the left-out tally reads these.
            Rule::Unset(_) => {}
        }
    }

    fn labelled(
        &mut self,
        values: &str,
        labels: &[&str],
        by_label: &'static [(&'static str, Option<Field>)],
        otherwise: Option<Field>,
        read: Read,
    ) {
        let targets: FieldSet = by_label
            .iter()
            .filter_map(|(_, field)| *field)
            .chain(otherwise)
            .collect();
        for column in self.matching(&[values]) {
            self.take(column);
            let number = self
                .inputs
                .keys
                .get(column)
                .and_then(|key| number_in(values, key));
            let label = self.matching_number(labels, number).first().copied();
            if let Some(label) = label {
                self.take(label);
                self.set_state(
                    label,
                    ColumnState::Label {
                        of_column: Some(column),
                    },
                );
            }
            let mut fields = FieldSet::EMPTY;
            let mut kept = None;
            for field in targets.iter() {
                let alternative = Alternative {
                    pieces: vec![Piece { column, read }],
                    condition: Condition::Label {
                        label,
                        by_label,
                        otherwise,
                    },
                };
                match self.add(field, alternative) {
                    Added::Held { kept: holder } => kept = kept.or(Some((field, holder))),
                    Added::First | Added::After { .. } => fields.insert(field),
                }
            }
            let state = match kept {
                Some((field, kept_column)) if fields.is_empty() => {
                    ColumnState::Duplicate { field, kept_column }
                }
                _ => ColumnState::Labelled {
                    fields,
                    label_column: label,
                },
            };
            self.set_state(column, state);
        }
    }

    fn addresses(&mut self, templates: &[AddressBlock]) {
        let group = self.plan.groups.len();
        let mut blocks = Vec::new();
        for template in templates {
            let numbers: Vec<Option<u32>> = match template.name {
                AddressBlockName::Numbered(_) => {
                    let mut numbers: Vec<u32> = self
                        .inputs
                        .keys
                        .iter()
                        .enumerate()
                        .filter(|(column, _)| self.is_free(*column))
                        .flat_map(|(_, key)| {
                            template
                                .headers()
                                .into_iter()
                                .filter_map(move |pattern| number_in(pattern, key))
                        })
                        .collect();
                    numbers.sort_unstable();
                    numbers.dedup();
                    numbers.into_iter().map(Some).collect()
                }
                _ => vec![None],
            };
            for number in numbers {
                let name = match (template.name, number) {
                    (AddressBlockName::Numbered(_), Some(n)) => {
                        AddressBlockName::Numbered(u8::try_from(n).unwrap_or(u8::MAX))
                    }
                    (name, _) => name,
                };
                let index = blocks.len();
                let (street, columns) = self.address_block(template, number, name, group, index);
                if !columns.is_empty() {
                    blocks.push(Block {
                        name,
                        person_rank: template.person_rank,
                        company_rank: template.company_rank,
                        street,
                        columns,
                    });
                }
            }
        }
        if !blocks.is_empty() {
            self.plan.groups.push(blocks);
        }
    }

    /// Adds one block's alternatives; returns its street column and all its
    /// source columns.
    fn address_block(
        &mut self,
        template: &AddressBlock,
        number: Option<u32>,
        name: AddressBlockName,
        group: usize,
        block: usize,
    ) -> (Option<usize>, Vec<usize>) {
        let condition = Condition::Block { group, block };
        let mut columns = Vec::new();
        let street = self
            .matching_number(template.street, number)
            .first()
            .copied();
        let more = self.matching_number(template.more_lines, number);
        let mut line2 = Vec::new();
        if let Some(street) = street {
            self.take(street);
            columns.push(street);
            let alternative = Alternative {
                pieces: vec![Piece {
                    column: street,
                    read: Read::FirstLine,
                }],
                condition: condition.clone(),
            };
            let added = self.add(Field::AddressLine1, alternative);
            let state = Self::source_state(
                Field::AddressLine1,
                added,
                ColumnState::Address {
                    field: Field::AddressLine1,
                    block: name,
                },
            );
            self.set_state(street, state);
            line2.push(Piece {
                column: street,
                read: Read::OtherLines,
            });
        }
        for &column in &more {
            self.take(column);
            columns.push(column);
            line2.push(Piece {
                column,
                read: Read::Whole,
            });
        }
        if !line2.is_empty() {
            let added = self.add(
                Field::AddressLine2,
                Alternative {
                    pieces: line2,
                    condition: condition.clone(),
                },
            );
            for &column in &more {
                let state = Self::source_state(
                    Field::AddressLine2,
                    added,
                    ColumnState::Address {
                        field: Field::AddressLine2,
                        block: name,
                    },
                );
                self.set_state(column, state);
            }
        }
        let parts = [
            (Field::City, template.city),
            (Field::Region, template.region),
            (Field::Postcode, template.postcode),
            (Field::Country, template.country),
        ];
        for (field, patterns) in parts {
            for column in self.matching_number(patterns, number) {
                self.take(column);
                columns.push(column);
                let alternative = Alternative {
                    pieces: vec![Piece {
                        column,
                        read: Read::Whole,
                    }],
                    condition: condition.clone(),
                };
                let added = self.add(field, alternative);
                let state =
                    Self::source_state(field, added, ColumnState::Address { field, block: name });
                self.set_state(column, state);
            }
        }
        for column in self.matching_number(template.repeats, number) {
            self.take(column);
            self.set_state(column, ColumnState::Repeats);
        }
        (street, columns)
    }

    /// Header synonyms for the columns left: the column spelled as the
    /// template wins, else the leftmost; a field already given is a
    /// duplicate.
    fn synonyms(&mut self) {
        let mut candidates: Vec<(usize, Field)> = self
            .inputs
            .header_fields
            .iter()
            .enumerate()
            .filter(|(column, _)| {
                self.is_free(*column) && !self.not_a_field.get(*column).copied().unwrap_or(true)
            })
            .filter_map(|(column, field)| field.map(|field| (column, field)))
            .collect();
        candidates.sort_by_key(|&(column, field)| {
            let exact = self
                .inputs
                .headers
                .get(column)
                .is_some_and(|header| is_template_header(header, field));
            (!exact, column)
        });
        for (column, field) in candidates {
            self.take(column);
            let kept = self.held[field.index()].or_else(|| {
                self.plan.alternatives[field.index()]
                    .first()
                    .and_then(|first| first.pieces.first())
                    .map(|piece| piece.column)
            });
            let state = match kept {
                Some(kept_column) => ColumnState::Duplicate { field, kept_column },
                None => {
                    self.plan.alternatives[field.index()].push(Alternative::whole(column));
                    ColumnState::Recognised { field }
                }
            };
            self.set_state(column, state);
        }
    }

    /// The layout's full-name column, or a "Name" / "Full Name" column when
    /// no column gives both first and last name: split, as the last source
    /// of each name field.
    fn full_name(&mut self) {
        let has =
            |builder: &Self, field: Field| !builder.plan.alternatives[field.index()].is_empty();
        let generic = self
            .inputs
            .keys
            .iter()
            .enumerate()
            .find_map(|(column, key)| {
                let usable =
                    self.is_free(column) && !self.not_a_field.get(column).copied().unwrap_or(true);
                (usable && FULL_NAME_HEADERS.contains(&key.as_str())).then_some(column)
            });
        let both_named = has(self, Field::FirstName) && has(self, Field::LastName);
        let column = match (self.full_name, generic) {
            (Some(column), _) => Some(column),
            (None, Some(column)) if both_named => {
                // "Full Name" beside First and Last Name repeats them.
                self.take(column);
                self.set_state(column, ColumnState::Repeats);
                None
            }
            (None, generic) => generic,
        };
        let Some(column) = column else {
            self.finish_kind();
            return;
        };
        self.take(column);
        let mut fields = FieldSet::EMPTY;
        for (part, field) in NamePart::ALL {
            let alternative = Alternative {
                pieces: vec![Piece {
                    column,
                    read: Read::Name(part),
                }],
                condition: Condition::Always,
            };
            if !matches!(self.add(field, alternative), Added::Held { .. }) {
                fields.insert(field);
            }
        }
        self.set_state(column, ColumnState::FullName { fields });
        self.kind_from_names = true;
        self.finish_kind();
    }

    fn finish_kind(&mut self) {
        self.plan.derive_kind = self.kind_from_names
            && self.plan.alternatives[Field::Kind.index()].is_empty()
            && self.held[Field::Kind.index()].is_none();
    }

    /// A column nothing claimed whose values look like a field nothing
    /// gives.
    fn guesses(&mut self) {
        for (column, guess) in self.inputs.guesses.iter().enumerate() {
            let Some(field) = guess else { continue };
            let usable =
                self.is_free(column) && !self.not_a_field.get(column).copied().unwrap_or(true);
            if usable
                && self.plan.alternatives[field.index()].is_empty()
                && self.held[field.index()].is_none()
            {
                self.take(column);
                self.plan.alternatives[field.index()].push(Alternative::whole(column));
                self.set_state(column, ColumnState::Guessed { field: *field });
            }
        }
    }
}
