//! Finding the header row, not assuming it: reports from property systems
//! often open with a title block ("Report exported by …", a date, a blank
//! row) above the table.
//!
//! Invariant: the choice is a pure function of the rows given (the first
//! [`HEADER_SEARCH_ROWS`] non-blank rows of the sheet): the row naming the
//! most known headers wins, the earliest on a tie; with no known header at
//! all, the first row as wide as the table. The runner-up is reported so the
//! page can offer it.

use serde::{Deserialize, Serialize};

use super::layouts::is_layout_header;
use super::synonyms::FULL_NAME_HEADERS;
use super::{field_for_header, header_key, SheetRow};
use crate::validate::clean;

/// How many non-blank rows from the top are searched for the header row.
pub const HEADER_SEARCH_ROWS: usize = 50;

/// A row that could be the header row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderRowCandidate {
    /// Its position in the rows given (0-based).
    pub index: usize,
    /// Its row number as Excel shows it.
    pub line: u32,
    /// How many of its cells are headers the import knows.
    pub known: usize,
    /// How many of its cells are filled.
    pub filled: usize,
}

/// How sure the choice is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HeaderRowConfidence {
    /// It names at least two known headers, at least twice as many as any
    /// other row.
    Sure,
    /// It names known headers, but another row comes close.
    Likely,
    /// No row names a known header: the first row as wide as the table.
    Guess,
}

/// The header row found, and the next best (serialisable, for the worker to
/// send).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderRowChoice {
    pub chosen: HeaderRowCandidate,
    pub runner_up: Option<HeaderRowCandidate>,
    pub confidence: HeaderRowConfidence,
}

impl HeaderRowChoice {
    /// What the page says about the choice.
    pub fn sentence(&self) -> String {
        let line = self.chosen.line;
        match self.confidence {
            HeaderRowConfidence::Sure | HeaderRowConfidence::Likely => {
                let known = self.chosen.known;
                let noun = if known == 1 { "column name" } else { "column names" };
                let mut sentence = format!(
                    "Row {line} is used as the header row: it has {known} {noun} we know."
                );
                if line > 1 {
                    sentence.push_str(" The rows above it are skipped.");
                }
                if let Some(other) = self.runner_up.filter(|_| self.confidence == HeaderRowConfidence::Likely) {
                    sentence.push_str(&format!(" If the column names are in row {}, choose that row.", other.line));
                }
                sentence
            }
            HeaderRowConfidence::Guess => format!(
                "No row has column names we know, so row {line} is used as the header row. If the column names are in another row, choose it."
            ),
        }
    }
}

/// The header row among `rows` (searching the first [`HEADER_SEARCH_ROWS`]),
/// or `None` when there are no rows.
pub fn find_header_row(rows: &[SheetRow]) -> Option<HeaderRowChoice> {
    let candidates: Vec<HeaderRowCandidate> = rows
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .enumerate()
        .map(|(index, row)| candidate(index, row))
        .collect();
    let mut ranked: Vec<&HeaderRowCandidate> = candidates.iter().filter(|c| c.known > 0).collect();
    ranked.sort_by_key(|c| (std::cmp::Reverse(c.known), c.index));
    if let Some(&&chosen) = ranked.first() {
        let runner_up = ranked.get(1).map(|&&other| other);
        let clearly_ahead = runner_up.is_none_or(|other| other.known * 2 <= chosen.known);
        let confidence = if chosen.known >= 2 && clearly_ahead {
            HeaderRowConfidence::Sure
        } else {
            HeaderRowConfidence::Likely
        };
        return Some(HeaderRowChoice {
            chosen,
            runner_up,
            confidence,
        });
    }
    let widest = candidates.iter().map(|c| c.filled).max()?;
    let wide_enough = widest.div_ceil(2).max(1);
    let chosen = *candidates.iter().find(|c| c.filled >= wide_enough)?;
    let runner_up = candidates
        .first()
        .filter(|first| first.index != chosen.index)
        .copied();
    Some(HeaderRowChoice {
        chosen,
        runner_up,
        confidence: HeaderRowConfidence::Guess,
    })
}

fn candidate(index: usize, row: &SheetRow) -> HeaderRowCandidate {
    let texts = row
        .cells
        .iter()
        .map(|cell| clean(cell.text()))
        .filter(|text| !text.is_empty());
    let mut filled = 0;
    let mut known = 0;
    for text in texts {
        filled += 1;
        if is_known_header(text) {
            known += 1;
        }
    }
    HeaderRowCandidate {
        index,
        line: row.line,
        known,
        filled,
    }
}

/// Whether `text` is a header the import knows: a field's, a full name's, or
/// one a known app writes.
fn is_known_header(text: &str) -> bool {
    let key = header_key(text);
    field_for_header(text).is_some()
        || FULL_NAME_HEADERS.contains(&key.as_str())
        || is_layout_header(&key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Cell;

    fn rows(lines: &[(u32, &[&str])]) -> Vec<SheetRow> {
        lines
            .iter()
            .map(|(line, cells)| SheetRow {
                line: *line,
                cells: cells
                    .iter()
                    .map(|cell| Cell::Text(cell.to_string()))
                    .collect(),
            })
            .collect()
    }

    #[test]
    fn the_header_row_is_the_one_naming_the_most_known_headers() {
        type Case<'a> = (
            &'a str,
            &'a [(u32, &'a [&'a str])],
            u32,
            HeaderRowConfidence,
            Option<u32>,
        );
        let cases: &[Case] = &[
            (
                "a table from its first row",
                &[
                    (1, &["First Name", "Last Name", "Email"]),
                    (2, &["Ana", "Lima", "ana@example.com"]),
                ],
                1,
                HeaderRowConfidence::Sure,
                None,
            ),
            (
                "a title block, a date and a blank row above the table",
                &[
                    (1, &["Report exported by Harbour PM", "", ""]),
                    (2, &["03/04/2025", "", ""]),
                    (4, &["Tenant Name", "Email", "Mobile"]),
                    (5, &["Ana Lima", "ana@example.com", "0412 345 678"]),
                ],
                4,
                HeaderRowConfidence::Sure,
                None,
            ),
            (
                "a known app's headers count",
                &[
                    (1, &["Contacts", ""]),
                    (2, &["E-mail 1 - Value", "Phone 1 - Value"]),
                    (3, &["a@x.example", "555 0100"]),
                ],
                2,
                HeaderRowConfidence::Sure,
                None,
            ),
            (
                "a close runner-up makes the choice likely, not sure",
                &[
                    (1, &["Name", "Company", "Notes"]),
                    (2, &["Email", "Phone", "Owner"]),
                    (3, &["Ana", "Acme", "x"]),
                ],
                1,
                HeaderRowConfidence::Likely,
                Some(2),
            ),
            (
                "one known header is only likely",
                &[
                    (1, &["Summary"]),
                    (2, &["Email", "Favourite Colour"]),
                    (3, &["a@x.example", "blue"]),
                ],
                2,
                HeaderRowConfidence::Likely,
                None,
            ),
            (
                "no known headers: the first row as wide as the table",
                &[
                    (1, &["Bewohner Liste"]),
                    (2, &["Vorname", "Nachname", "Wohnung"]),
                    (3, &["Anna", "Berg", "3A"]),
                ],
                2,
                HeaderRowConfidence::Guess,
                Some(1),
            ),
        ];
        for (case, lines, line, confidence, runner_up) in cases {
            let choice = find_header_row(&rows(lines)).expect("a choice");
            assert_eq!(choice.chosen.line, *line, "{case}");
            assert_eq!(choice.confidence, *confidence, "{case}");
            assert_eq!(
                choice.runner_up.map(|other| other.line),
                *runner_up,
                "{case}"
            );
        }
        assert_eq!(find_header_row(&[]), None);
    }

    #[test]
    fn only_the_first_rows_are_searched() {
        let mut lines: Vec<SheetRow> = (1..=60)
            .map(|line| SheetRow {
                line,
                cells: vec![Cell::Text(format!("note {line}")), Cell::Text("x".into())],
            })
            .collect();
        if let Some(row) = lines.get_mut(55) {
            row.cells = vec![Cell::Text("First Name".into()), Cell::Text("Email".into())];
        }
        let choice = find_header_row(&lines).expect("a choice");
        assert_eq!(choice.confidence, HeaderRowConfidence::Guess);
        assert_eq!(choice.chosen.line, 1);
    }

    #[test]
    fn the_choice_is_told_in_a_sentence() {
        let candidate = |line, known| HeaderRowCandidate {
            index: 0,
            line,
            known,
            filled: 5,
        };
        let cases = [
            (
                HeaderRowChoice { chosen: candidate(1, 5), runner_up: None, confidence: HeaderRowConfidence::Sure },
                "Row 1 is used as the header row: it has 5 column names we know.",
            ),
            (
                HeaderRowChoice { chosen: candidate(4, 1), runner_up: None, confidence: HeaderRowConfidence::Likely },
                "Row 4 is used as the header row: it has 1 column name we know. The rows above it are skipped.",
            ),
            (
                HeaderRowChoice {
                    chosen: candidate(4, 3),
                    runner_up: Some(candidate(1, 2)),
                    confidence: HeaderRowConfidence::Likely,
                },
                "Row 4 is used as the header row: it has 3 column names we know. The rows above it are skipped. If the column names are in row 1, choose that row.",
            ),
            (
                HeaderRowChoice { chosen: candidate(2, 0), runner_up: Some(candidate(1, 0)), confidence: HeaderRowConfidence::Guess },
                "No row has column names we know, so row 2 is used as the header row. If the column names are in another row, choose it.",
            ),
        ];
        for (choice, sentence) in cases {
            assert_eq!(choice.sentence(), sentence);
        }
    }
}
