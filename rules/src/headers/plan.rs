//! A file's mapping compiled for reading rows: for each field, the ordered
//! alternatives that can give its value, and how one row is read through them.
//!
//! Invariant: a field's value in a row comes from exactly one alternative,
//! the first whose condition holds and whose text is not blank, so values of
//! different columns never mix in one field (the lines of one address block
//! joined into Address Line 2 aside); and a row's address fields all come
//! from one address block. Reading a row allocates only the values it
//! returns, so it costs about what copying the used cells costs.

use std::borrow::Cow;

use super::layouts::{field_for_label, AddressBlockName};
use super::names::{split_full_name, NameParts};
use super::{header_key, Cell};
use crate::contact::{Category, ContactFields, ContactKind};
use crate::field::{Field, FieldSet};
use crate::validate::clean;

/// Google's separator between several values in one cell.
pub(super) const VALUE_SEPARATOR: &str = ":::";

/// How a piece of a value is read from its cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Read {
    Whole,
    /// The first of the values separated by ":::".
    FirstValue,
    /// The first non-blank line.
    FirstLine,
    /// Every non-blank line after the first, joined by ", ".
    OtherLines,
    /// The first label that names a category, in its canonical spelling.
    Categories,
    /// A part of the cell split as a full name.
    Name(NamePart),
}

/// A part of a full name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum NamePart {
    Title,
    First,
    Last,
    Company,
}

impl NamePart {
    pub(super) const ALL: [(NamePart, Field); 4] = [
        (NamePart::Title, Field::Title),
        (NamePart::First, Field::FirstName),
        (NamePart::Last, Field::LastName),
        (NamePart::Company, Field::CompanyName),
    ];
}

/// One column read one way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Piece {
    pub(super) column: usize,
    pub(super) read: Read,
}

/// When an alternative may give its field's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Condition {
    Always,
    /// The label in column `label` (none: no label) sends the value to this
    /// field.
    Label {
        label: Option<usize>,
        by_label: &'static [(&'static str, Option<Field>)],
        otherwise: Option<Field>,
    },
    /// The row's address comes from block `block` of group `group`.
    Block {
        group: usize,
        block: usize,
    },
}

/// One way to get a field's value: pieces joined by ", " under a condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Alternative {
    pub(super) pieces: Vec<Piece>,
    pub(super) condition: Condition,
}

impl Alternative {
    pub(super) fn whole(column: usize) -> Alternative {
        Alternative {
            pieces: vec![Piece {
                column,
                read: Read::Whole,
            }],
            condition: Condition::Always,
        }
    }
}

/// One address block of a file: where its cells are, and its preference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Block {
    pub(super) name: AddressBlockName,
    pub(super) person_rank: u8,
    pub(super) company_rank: u8,
    /// The street's column, if the block has one.
    pub(super) street: Option<usize>,
    /// Every column whose value the block gives.
    pub(super) columns: Vec<usize>,
}

/// The mapping compiled for reading rows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Plan {
    /// Per field (by index), its alternatives in order.
    pub(super) alternatives: [Vec<Alternative>; Field::COUNT],
    /// Groups of address blocks; a row takes one block of each.
    pub(super) groups: Vec<Vec<Block>>,
    /// Whether Contact Type follows the names (a company name and no
    /// person's name make a company).
    pub(super) derive_kind: bool,
}

/// Told which pieces a row's values came from (the left-out tally listens;
/// importing does not).
pub(super) trait Tracker {
    fn used(&mut self, piece: Piece);
}

impl Tracker for () {
    fn used(&mut self, _: Piece) {}
}

/// What one row gives: values per field and which fields came from an error
/// cell.
pub(super) struct RowValues {
    pub(super) values: ContactFields,
    pub(super) error_cells: FieldSet,
}

impl Plan {
    /// The fields some alternative can give (Contact Type too when derived).
    pub(super) fn present(&self) -> FieldSet {
        let mut present: FieldSet = Field::ALL
            .into_iter()
            .filter(|field| !self.alternatives[field.index()].is_empty())
            .collect();
        if self.derive_kind {
            present.insert(Field::Kind);
        }
        present
    }

    /// The columns that give `field`, in order, each once.
    pub(super) fn columns_of(&self, field: Field) -> Vec<(usize, Read)> {
        let mut columns: Vec<(usize, Read)> = Vec::new();
        for piece in self.alternatives[field.index()]
            .iter()
            .flat_map(|alternative| &alternative.pieces)
        {
            if !columns.iter().any(|(column, _)| *column == piece.column) {
                columns.push((piece.column, piece.read));
            }
        }
        columns
    }

    /// Reads one row's cells.
    pub(super) fn read_row(&self, cells: &[Cell], tracker: &mut impl Tracker) -> RowValues {
        let mut row = RowValues {
            values: ContactFields::blank(),
            error_cells: FieldSet::EMPTY,
        };
        let mut names = NameCache::default();
        let mut blocks: Vec<Option<usize>> = Vec::new();
        for field in Field::ALL {
            for alternative in &self.alternatives[field.index()] {
                if !self.holds(
                    &alternative.condition,
                    field,
                    cells,
                    &row.values,
                    &mut blocks,
                ) {
                    continue;
                }
                let (text, error) = alternative_text(alternative, cells, &mut names);
                if text.is_empty() {
                    continue;
                }
                for piece in &alternative.pieces {
                    tracker.used(*piece);
                }
                row.values[field] = text.into_owned();
                if error {
                    row.error_cells.insert(field);
                }
                break;
            }
        }
        if self.derive_kind && row.values.get(Field::Kind).is_empty() && is_company_row(&row.values)
        {
            row.values[Field::Kind] = ContactKind::Company.as_str().to_string();
        }
        row
    }

    fn holds(
        &self,
        condition: &Condition,
        field: Field,
        cells: &[Cell],
        values: &ContactFields,
        blocks: &mut Vec<Option<usize>>,
    ) -> bool {
        match condition {
            Condition::Always => true,
            Condition::Label {
                label,
                by_label,
                otherwise,
            } => {
                let label = label.and_then(|column| cells.get(column)).map(Cell::text);
                let label_key = match label {
                    Some(text) if !text.is_empty() => header_key(text),
                    _ => String::new(),
                };
                field_for_label(&label_key, by_label, *otherwise) == Some(field)
            }
            Condition::Block { group, block } => {
                if blocks.is_empty() {
                    *blocks = self.choose_blocks(cells, values);
                }
                blocks.get(*group).copied().flatten() == Some(*block)
            }
        }
    }

    /// Per group, the block a row takes: among those with a filled cell,
    /// those with a street first, then the one preferred for the row's kind
    /// (a company's business address, a person's home), then the first.
    fn choose_blocks(&self, cells: &[Cell], values: &ContactFields) -> Vec<Option<usize>> {
        let company = is_company_row(values);
        self.groups
            .iter()
            .map(|group| {
                group
                    .iter()
                    .enumerate()
                    .filter(|(_, block)| {
                        block.columns.iter().any(|&column| is_filled(cells, column))
                    })
                    .min_by_key(|(index, block)| {
                        let no_street =
                            !block.street.is_some_and(|column| is_filled(cells, column));
                        let rank = if company {
                            block.company_rank
                        } else {
                            block.person_rank
                        };
                        (no_street, rank, *index)
                    })
                    .map(|(index, _)| index)
            })
            .collect()
    }
}

/// Whether a row's values describe a company: Contact Type says so, or it
/// has a company name and no person's name.
pub(super) fn is_company_row(values: &ContactFields) -> bool {
    match ContactKind::parse(values.get(Field::Kind)) {
        Some(kind) => kind == ContactKind::Company,
        None => {
            !values.get(Field::CompanyName).is_empty()
                && values.get(Field::FirstName).is_empty()
                && values.get(Field::LastName).is_empty()
        }
    }
}

fn is_filled(cells: &[Cell], column: usize) -> bool {
    cells
        .get(column)
        .is_some_and(|cell| !clean(cell.text()).is_empty())
}

/// The split of the one full-name cell a row may need, made once.
#[derive(Default)]
struct NameCache {
    split: Option<(usize, NameParts)>,
}

impl NameCache {
    /// The part, taken out of the split: a row asks for each part of a
    /// column once (a field's alternatives end at the first filled one).
    fn part(&mut self, column: usize, text: &str, part: NamePart) -> String {
        let parts = match &mut self.split {
            Some((cached, parts)) if *cached == column => parts,
            slot => &mut slot.insert((column, split_full_name(text))).1,
        };
        std::mem::take(match part {
            NamePart::Title => &mut parts.title,
            NamePart::First => &mut parts.first,
            NamePart::Last => &mut parts.last,
            NamePart::Company => &mut parts.company,
        })
    }
}

/// An alternative's text (its pieces joined by ", ") and whether it came
/// from an error cell.
fn alternative_text<'a>(
    alternative: &Alternative,
    cells: &'a [Cell],
    names: &mut NameCache,
) -> (Cow<'a, str>, bool) {
    if let [piece] = alternative.pieces.as_slice() {
        return piece_text(*piece, cells, names);
    }
    let mut error = false;
    let mut parts: Vec<Cow<'a, str>> = Vec::new();
    for piece in &alternative.pieces {
        let (text, piece_error) = piece_text(*piece, cells, names);
        if !text.is_empty() {
            error |= piece_error;
            parts.push(text);
        }
    }
    (Cow::Owned(parts.join(", ")), error)
}

/// One piece's text, cleaned, and whether its cell holds an error (whose
/// code is then the text of the piece's main read, and blank for the rest).
fn piece_text<'a>(piece: Piece, cells: &'a [Cell], names: &mut NameCache) -> (Cow<'a, str>, bool) {
    let Some(cell) = cells.get(piece.column) else {
        return (Cow::Borrowed(""), false);
    };
    if let Cell::Error(code) = cell {
        let main = matches!(
            piece.read,
            Read::Whole
                | Read::FirstValue
                | Read::FirstLine
                | Read::Categories
                | Read::Name(NamePart::First)
        );
        return if main {
            (Cow::Borrowed(clean(code)), true)
        } else {
            (Cow::Borrowed(""), false)
        };
    }
    let text = clean(cell.text());
    let read = match piece.read {
        Read::Whole => Cow::Borrowed(text),
        Read::FirstValue => Cow::Borrowed(values_of(text).next().unwrap_or_default()),
        Read::FirstLine => Cow::Borrowed(lines_of(text).next().unwrap_or_default()),
        Read::OtherLines => Cow::Owned(lines_of(text).skip(1).collect::<Vec<_>>().join(", ")),
        Read::Categories => Cow::Borrowed(category_in(text).map_or("", Category::as_str)),
        Read::Name(part) => Cow::Owned(names.part(piece.column, text, part)),
    };
    (read, false)
}

/// The non-blank values of a ":::"-separated cell, cleaned.
pub(super) fn values_of(text: &str) -> impl Iterator<Item = &str> {
    text.split(VALUE_SEPARATOR)
        .map(clean)
        .filter(|value| !value.is_empty())
}

/// The non-blank lines of a cell, cleaned.
pub(super) fn lines_of(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(clean).filter(|line| !line.is_empty())
}

/// The labels of a labels cell the user gave (Google's system labels, such
/// as "* myContacts", left out), split on ":::", ";" and ",".
pub(super) fn user_labels(text: &str) -> impl Iterator<Item = &str> {
    text.split([';', ','])
        .flat_map(|part| part.split(VALUE_SEPARATOR))
        .map(clean)
        .filter(|label| !label.is_empty() && !label.starts_with('*'))
}

/// The first label in `text` that names a category ("Tenants" names
/// Tenant).
pub(super) fn category_in(text: &str) -> Option<Category> {
    user_labels(text).find_map(|label| {
        Category::parse(label).or_else(|| label.strip_suffix(['s', 'S']).and_then(Category::parse))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_read_whole_by_value_by_line_or_for_a_category() {
        let cases: &[(&str, Read, &str)] = &[
            ("  a@x.com ", Read::Whole, "a@x.com"),
            ("a@x.com ::: b@y.com", Read::FirstValue, "a@x.com"),
            (" ::: b@y.com", Read::FirstValue, "b@y.com"),
            (
                "1 Long Lane\nFloor 2\r\nWing B",
                Read::FirstLine,
                "1 Long Lane",
            ),
            (
                "1 Long Lane\nFloor 2\r\nWing B",
                Read::OtherLines,
                "Floor 2, Wing B",
            ),
            ("1 Long Lane", Read::OtherLines, ""),
            ("Tenants ::: * myContacts", Read::Categories, "Tenant"),
            (
                "* myContacts ::: Friends ::: landlord",
                Read::Categories,
                "Landlord",
            ),
            ("Business;Supplier", Read::Categories, "Supplier"),
            ("* myContacts ::: * starred", Read::Categories, ""),
            ("Dr Ana Lima", Read::Name(NamePart::Title), "Dr"),
            ("Dr Ana Lima", Read::Name(NamePart::Last), "Lima"),
        ];
        for (text, read, expected) in cases {
            let cells = [Cell::Text(text.to_string())];
            let (value, error) = piece_text(
                Piece {
                    column: 0,
                    read: *read,
                },
                &cells,
                &mut NameCache::default(),
            );
            assert_eq!(
                (value.as_ref(), error),
                (*expected, false),
                "{text:?} {read:?}"
            );
        }
    }

    #[test]
    fn an_error_cell_gives_its_code_once_and_is_marked() {
        let cells = [Cell::Error("#N/A".into())];
        let read = |read| piece_text(Piece { column: 0, read }, &cells, &mut NameCache::default());
        assert_eq!(read(Read::Whole), (Cow::Borrowed("#N/A"), true));
        assert_eq!(
            read(Read::Name(NamePart::First)),
            (Cow::Borrowed("#N/A"), true)
        );
        assert_eq!(read(Read::Name(NamePart::Last)), (Cow::Borrowed(""), false));
        assert_eq!(read(Read::OtherLines), (Cow::Borrowed(""), false));
    }
}
