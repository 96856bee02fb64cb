//! One cell's value as a format reader found it, before it becomes text.

use std::borrow::Cow;

use super::dates::{self, DateSystem};
use super::number_text::number_text;
use crate::sheet::Cell;

/// The most characters a cell keeps: Excel's own limit. Longer text is cut
/// to its first 32,767 characters, so validation still reports it too long.
pub const MAX_CELL_CHARS: usize = 32_767;

/// A cell value as read, borrowed where the reader can.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value<'a> {
    /// No value.
    Empty,
    /// Text as typed (not yet trimmed).
    Text(Cow<'a, str>),
    /// A number (not a date).
    Number(f64),
    /// A number shown with a date or time format.
    Date(f64, DateSystem),
    /// An ISO 8601 date or date-time written as text by the file format.
    IsoDate(Cow<'a, str>),
    /// A true/false value.
    Bool(bool),
    /// A spreadsheet error such as `#N/A`.
    Error(Cow<'a, str>),
}

impl Value<'_> {
    /// Whether the value would become a blank cell (without building it).
    pub(crate) fn is_blank(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(text) => is_blank_text(text),
            _ => false,
        }
    }

    /// The cell's text as the import sees it: trimmed, numbers as Excel
    /// shows them, dates as ISO, at most [`MAX_CELL_CHARS`] characters.
    pub(crate) fn into_cell(self) -> Cell {
        match self {
            Value::Empty => Cell::Text(String::new()),
            Value::Text(text) => Cell::Text(clean_text(&text)),
            Value::Number(x) => match number_text(x) {
                Some(text) => Cell::Text(text),
                None => Cell::Error("#NUM!".to_string()),
            },
            Value::Date(serial, system) => match dates::serial_text(serial, system) {
                Some(text) => Cell::Text(text),
                None => Value::Number(serial).into_cell(),
            },
            Value::IsoDate(iso) => match dates::iso_text(&iso) {
                Some(text) => Cell::Text(text),
                None => Cell::Text(clean_text(&iso)),
            },
            Value::Bool(true) => Cell::Text("TRUE".to_string()),
            Value::Bool(false) => Cell::Text("FALSE".to_string()),
            Value::Error(code) => {
                let code = clean_text(&code);
                if code.is_empty() {
                    Cell::Error("#VALUE!".to_string())
                } else {
                    Cell::Error(code)
                }
            }
        }
    }
}

/// Whether `c` is blank padding to trim: Unicode white space (which
/// includes the no-break space) and the invisible zero-width space and BOM.
fn is_padding(c: char) -> bool {
    c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}'
}

/// `text` trimmed and cut to [`MAX_CELL_CHARS`] characters.
pub(crate) fn clean_text(text: &str) -> String {
    let trimmed = text.trim_matches(is_padding);
    // No more bytes than the cap means no more characters: the common
    // case skips walking every character.
    if trimmed.len() <= MAX_CELL_CHARS {
        return trimmed.to_string();
    }
    match trimmed.char_indices().nth(MAX_CELL_CHARS) {
        Some((cut, _)) => trimmed[..cut].trim_end_matches(is_padding).to_string(),
        None => trimmed.to_string(),
    }
}

/// Whether `text` trims to nothing.
pub(crate) fn is_blank_text(text: &str) -> bool {
    text.chars().all(is_padding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_capped() {
        assert_eq!(clean_text("  Jane \u{a0}"), "Jane");
        assert_eq!(clean_text("\u{feff}Email\u{200b}"), "Email");
        let long = "x".repeat(40_000);
        assert_eq!(clean_text(&long).chars().count(), MAX_CELL_CHARS);
        let emoji = "😀".repeat(40_000);
        assert_eq!(clean_text(&emoji).chars().count(), MAX_CELL_CHARS);
    }

    #[test]
    fn values_become_cells() {
        assert_eq!(Value::Number(2134.0).into_cell(), Cell::Text("2134".into()));
        assert_eq!(Value::Bool(true).into_cell(), Cell::Text("TRUE".into()));
        assert_eq!(
            Value::Error("#N/A".into()).into_cell(),
            Cell::Error("#N/A".into())
        );
        assert_eq!(
            Value::Date(45_306.0, DateSystem::Excel1900).into_cell(),
            Cell::Text("2024-01-15".into())
        );
        assert_eq!(
            Value::Date(-5.0, DateSystem::Excel1900).into_cell(),
            Cell::Text("-5".into())
        );
        assert_eq!(
            Value::Number(f64::NAN).into_cell(),
            Cell::Error("#NUM!".into())
        );
        assert!(is_blank_text(" \u{a0}\t"));
        assert!(!is_blank_text(" a "));
    }
}
