//! Nothing dropped silently: the file's columns whose data will not be
//! imported, counted row by row as the rows stream in, and the one sentence
//! the review shows about them.
//!
//! Invariant: a cell counts as left out in a row exactly when it holds data
//! (not blank; in a labels column, a label the user gave rather than one of
//! Google's "* myContacts" kind; not a value its app writes for "not set";
//! never a column that only labels another) and the row's import takes none
//! or only part of it, unless the column is one of the mapping's sources (or
//! repeats them) and every word of it is imported anyway in that row: a
//! "Name" whose first and last name come from their own columns, a second
//! email equal to the first. Rows the import skips (no used cell filled)
//! count too. Counting a row costs one read of it through the mapping.

use std::cell::OnceCell;

use serde::{Deserialize, Serialize};

use super::layouts::unset_values;
use super::plan::{lines_of, user_labels, values_of, Piece, Read, Tracker};
use super::{ColumnState, HeaderMapping, ImportRow, SheetRow};
use crate::contact::ContactFields;
use sheets::size::thousands;
use crate::validate::clean;

/// At most this many columns are named in the sentence; the rest are
/// counted ("and 4 more").
const MOST_NAMED: usize = 6;

/// How a column takes part in the count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Role {
    /// Only describes another column: never counted.
    label: bool,
    /// Holds labels: only user-given ones are data.
    labels: bool,
    /// A source of some field (or repeating, or duplicating, one): its words
    /// may be imported through other columns.
    may_repeat: bool,
    /// Values meaning "not set" in this column (by its app's layout).
    unset: &'static [&'static str],
}

/// Counts, as rows stream in, the data of each column that will not be
/// imported with `mapping`.
#[derive(Clone, Debug)]
pub struct LeftOutTally {
    mapping: HeaderMapping,
    roles: Vec<Role>,
    rows: u32,
    with_data: Vec<u32>,
    left_out: Vec<u32>,
    /// How the current row's import read each column (bits of [`read_bit`]).
    reads: Vec<u8>,
}

impl HeaderMapping {
    /// A tally of the data this mapping leaves out; feed it every row.
    pub fn left_out_tally(&self) -> LeftOutTally {
        LeftOutTally::new(self)
    }
}

impl LeftOutTally {
    /// An empty tally for `mapping` (which it copies: remapping needs a new
    /// tally).
    pub fn new(mapping: &HeaderMapping) -> LeftOutTally {
        let count = mapping.columns.len();
        let layout = mapping.layout();
        let mut roles: Vec<Role> = mapping
            .columns
            .iter()
            .map(|column| Role {
                label: matches!(column.state, ColumnState::Label { .. }),
                labels: false,
                may_repeat: column.state.is_used()
                    || matches!(
                        column.state,
                        ColumnState::Repeats | ColumnState::Duplicate { .. }
                    ),
                unset: match (layout, mapping.keys.get(column.index)) {
                    (Some(layout), Some(key)) => unset_values(layout, key),
                    _ => &[],
                },
            })
            .collect();
        for alternative in mapping.plan.alternatives.iter().flatten() {
            for piece in &alternative.pieces {
                if let Some(role) = roles.get_mut(piece.column) {
                    role.labels |= piece.read == Read::Categories;
                }
            }
        }
        LeftOutTally {
            mapping: mapping.clone(),
            roles,
            rows: 0,
            with_data: vec![0; count],
            left_out: vec![0; count],
            reads: vec![0; count],
        }
    }

    /// Counts one row.
    pub fn add(&mut self, row: &SheetRow) {
        self.import_row(row);
    }

    /// Counts one row and gives its import row: what
    /// [`HeaderMapping::import_row`] gives, from the same read (a page
    /// reading a file would otherwise read every row through the mapping
    /// twice).
    pub fn import_row(&mut self, row: &SheetRow) -> Option<ImportRow> {
        self.rows = self.rows.saturating_add(1);
        self.reads.iter_mut().for_each(|bits| *bits = 0);
        let read = self
            .mapping
            .plan
            .read_row(&row.cells, &mut Reads(&mut self.reads));
        // The row's imported words, made once and only when needed.
        let imported_text: OnceCell<String> = OnceCell::new();
        let imported_words: OnceCell<Vec<&str>> = OnceCell::new();
        for (column, cell) in row.cells.iter().enumerate() {
            let Some(role) = self.roles.get(column) else {
                break;
            };
            let text = clean(cell.text());
            let no_data = role.label
                || text.is_empty()
                || (role.labels && user_labels(text).next().is_none())
                || role
                    .unset
                    .iter()
                    .any(|unset| unset.eq_ignore_ascii_case(text));
            if no_data {
                continue;
            }
            if let Some(count) = self.with_data.get_mut(column) {
                *count = count.saturating_add(1);
            }
            let bits = self.reads.get(column).copied().unwrap_or(0);
            if wholly_read(bits, text) {
                continue;
            }
            if role.may_repeat {
                let words = imported_words.get_or_init(|| {
                    words_of(imported_text.get_or_init(|| lower_case_values(&read.values)))
                        .collect()
                });
                if words_of(&text.to_lowercase()).all(|word| words.contains(&word)) {
                    continue;
                }
            }
            if let Some(count) = self.left_out.get_mut(column) {
                *count = count.saturating_add(1);
            }
        }
        ImportRow::read(row.line, read)
    }

    /// Counts several rows.
    pub fn add_rows(&mut self, rows: &[SheetRow]) {
        for row in rows {
            self.add(row);
        }
    }

    /// What was counted so far.
    pub fn report(&self) -> LeftOut {
        let columns = self
            .mapping
            .columns
            .iter()
            .filter_map(|column| {
                let rows_left_out = self.left_out.get(column.index).copied().unwrap_or(0);
                (rows_left_out > 0).then(|| LeftOutColumn {
                    index: column.index,
                    header: column.header.clone(),
                    rows_with_data: self.with_data.get(column.index).copied().unwrap_or(0),
                    rows_left_out,
                })
            })
            .collect();
        LeftOut {
            rows: self.rows,
            columns,
        }
    }
}

/// Marks how each column was read.
struct Reads<'a>(&'a mut [u8]);

impl Tracker for Reads<'_> {
    fn used(&mut self, piece: Piece) {
        if let Some(bits) = self.0.get_mut(piece.column) {
            *bits |= read_bit(piece.read);
        }
    }
}

const WHOLE: u8 = 1;
const FIRST_VALUE: u8 = 2;
const FIRST_LINE: u8 = 4;
const OTHER_LINES: u8 = 8;
const CATEGORIES: u8 = 16;
const NAME: u8 = 32;

fn read_bit(read: Read) -> u8 {
    match read {
        Read::Whole => WHOLE,
        Read::FirstValue => FIRST_VALUE,
        Read::FirstLine => FIRST_LINE,
        Read::OtherLines => OTHER_LINES,
        Read::Categories => CATEGORIES,
        Read::Name(_) => NAME,
    }
}

/// Whether reads `bits` took all of `text`.
fn wholly_read(bits: u8, text: &str) -> bool {
    bits & WHOLE != 0
        || bits & (FIRST_LINE | OTHER_LINES) == FIRST_LINE | OTHER_LINES
        || (bits & FIRST_LINE != 0 && lines_of(text).count() <= 1)
        || (bits & FIRST_VALUE != 0 && values_of(text).count() <= 1)
        || (bits & CATEGORIES != 0 && user_labels(text).count() <= 1)
}

/// The words of a text as compared for "imported anyway": split at spaces,
/// commas, semicolons and ":::", without surrounding punctuation.
fn words_of(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':'))
        .map(|word| word.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|word| !word.is_empty())
}

/// Every imported value, in lower case, one per line.
fn lower_case_values(values: &ContactFields) -> String {
    let length = values.iter().map(|(_, value)| value.len() + 1).sum();
    let mut text = String::with_capacity(length);
    for (_, value) in values.iter().filter(|(_, value)| !value.is_empty()) {
        if value.is_ascii() {
            let start = text.len();
            text.push_str(value);
            if let Some(added) = text.get_mut(start..) {
                added.make_ascii_lowercase();
            }
        } else {
            text.push_str(&value.to_lowercase());
        }
        text.push('\n');
    }
    text
}

/// The columns with data that will not (all) be imported (serialisable, so
/// the worker that counts it can send it to the page).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOut {
    /// The rows counted.
    pub rows: u32,
    /// The columns with data left out, in file order.
    pub columns: Vec<LeftOutColumn>,
}

/// One column with data left out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOutColumn {
    /// The column's index in the header row (0-based).
    pub index: usize,
    /// The header as written in the file.
    pub header: String,
    /// The rows where the column holds data.
    pub rows_with_data: u32,
    /// The rows where some or all of that data is not imported.
    pub rows_left_out: u32,
}

impl LeftOutColumn {
    /// How users know the column: its header, or "Column 5" when it has none.
    pub fn name(&self) -> String {
        let header = clean(&self.header);
        if header.is_empty() {
            format!("Column {}", self.index + 1)
        } else {
            header.to_string()
        }
    }

    /// Whether none of the column's data is imported.
    pub fn wholly(&self) -> bool {
        self.rows_left_out >= self.rows_with_data
    }

    /// "Birthday (3 rows)".
    fn named_with_count(&self) -> String {
        let rows = self.rows_left_out;
        let noun = if rows == 1 { "row" } else { "rows" };
        format!("{} ({} {noun})", self.name(), thousands(u64::from(rows)))
    }
}

impl LeftOut {
    /// Whether every column's data is imported.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// The left-out columns' names, for [`super::ImportColumns::left_out`].
    pub fn headers(&self) -> Vec<String> {
        self.columns.iter().map(LeftOutColumn::name).collect()
    }

    /// The notice beside Confirm, or `None` when nothing is left out: "3
    /// columns with data will not be imported: E-mail 2 Address (1 row), …".
    /// Columns of which only some data is left out are named in a second
    /// sentence.
    pub fn sentence(&self) -> Option<String> {
        let wholly: Vec<&LeftOutColumn> = self
            .columns
            .iter()
            .filter(|column| column.wholly())
            .collect();
        let partly: Vec<&LeftOutColumn> = self
            .columns
            .iter()
            .filter(|column| !column.wholly())
            .collect();
        let mut sentences = Vec::new();
        if !wholly.is_empty() {
            sentences.push(format!(
                "{} with data will not be imported: {}.",
                columns_noun(wholly.len(), ""),
                listed(&wholly)
            ));
        }
        if !partly.is_empty() {
            let more = if wholly.is_empty() { "" } else { "more " };
            sentences.push(format!(
                "Some of the data in {} will not be imported: {}.",
                columns_noun(partly.len(), more),
                listed(&partly)
            ));
        }
        (!sentences.is_empty()).then(|| sentences.join(" "))
    }
}

/// "1 column", "3 more columns".
fn columns_noun(count: usize, more: &str) -> String {
    let noun = if count == 1 { "column" } else { "columns" };
    format!("{} {more}{noun}", thousands(count as u64))
}

/// "A (1 row), B (2 rows) and C (3 rows)", at most [`MOST_NAMED`] named.
fn listed(columns: &[&LeftOutColumn]) -> String {
    let mut names: Vec<String> = columns
        .iter()
        .take(MOST_NAMED)
        .map(|column| column.named_with_count())
        .collect();
    let rest = columns.len().saturating_sub(MOST_NAMED);
    if rest > 0 {
        names.push(format!("{} more", thousands(rest as u64)));
    }
    match names.split_last() {
        Some((last, before)) if !before.is_empty() => format!("{} and {last}", before.join(", ")),
        _ => names.join(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(
        index: usize,
        header: &str,
        rows_with_data: u32,
        rows_left_out: u32,
    ) -> LeftOutColumn {
        LeftOutColumn {
            index,
            header: header.to_string(),
            rows_with_data,
            rows_left_out,
        }
    }

    #[test]
    fn the_notice_names_the_columns_with_data_left_out() {
        let many: Vec<LeftOutColumn> = (0..8)
            .map(|index| column(index, &format!("C{index}"), 2, 2))
            .collect();
        let cases: Vec<(Vec<LeftOutColumn>, Option<&str>)> = vec![
            (vec![], None),
            (
                vec![column(3, "Birthday", 4, 4)],
                Some("1 column with data will not be imported: Birthday (4 rows)."),
            ),
            (
                vec![column(1, "E-mail 2 Address", 1, 1), column(2, "Birthday", 3, 3), column(5, "Labels", 2, 2)],
                Some("3 columns with data will not be imported: E-mail 2 Address (1 row), Birthday (3 rows) and Labels (2 rows)."),
            ),
            (
                vec![column(0, "Home Street", 10, 2)],
                Some("Some of the data in 1 column will not be imported: Home Street (2 rows)."),
            ),
            (
                vec![column(0, "Nickname", 1, 1), column(1, "Home Street", 10, 2), column(4, "", 1_500, 1_234)],
                Some("1 column with data will not be imported: Nickname (1 row). Some of the data in 2 more columns will not be imported: Home Street (2 rows) and Column 5 (1,234 rows)."),
            ),
            (
                many,
                Some("8 columns with data will not be imported: C0 (2 rows), C1 (2 rows), C2 (2 rows), C3 (2 rows), C4 (2 rows), C5 (2 rows) and 2 more."),
            ),
        ];
        for (columns, sentence) in cases {
            let left_out = LeftOut { rows: 10, columns };
            assert_eq!(left_out.sentence().as_deref(), sentence);
            assert_eq!(left_out.is_empty(), sentence.is_none());
        }
    }
}
