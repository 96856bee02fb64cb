//! CSV, read with the `csv` crate: UTF-8 (BOM tolerated) or UTF-16 with a
//! BOM; `,`, `;` or tab, sniffed from the header line (or an Excel `sep=`
//! first line); quotes and embedded line breaks per RFC 4180, read
//! leniently the way Excel does (the `csv` crate's defaults).
//!
//! Row numbers are the ones Excel shows when it opens the file: a line
//! break inside quotes stays in its cell, and a blank line is a row (the
//! `csv` crate skips blank lines, so they are counted here).
//!
//! One leading apostrophe is dropped from a value that continues with `=`,
//! `+`, `-`, `@`, a tab or a carriage return: that is how our CSV export
//! keeps spreadsheets from running values as formulas, so an export reads
//! back as it was.
//!
//! Memory: the bytes are read from the file in place (UTF-16 is decoded
//! once, at most twice the file size); the `csv` crate holds one record at
//! a time.

use std::borrow::Cow;

use ::csv::{ByteRecord, ReaderBuilder};

use super::builder::RowBuilder;
use super::error::ReadError;
use super::value::Value;

/// The file's bytes as UTF-8 text bytes: BOM removed, UTF-16 decoded. UTF-8
/// is checked record by record while reading.
pub(crate) fn decode(bytes: &[u8]) -> Result<Cow<'_, [u8]>, ReadError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return Ok(Cow::Borrowed(rest));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, u16::from_be_bytes);
    }
    Ok(Cow::Borrowed(bytes))
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<Cow<'_, [u8]>, ReadError> {
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut line = 1u32;
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => {
                if c == '\n' {
                    line = line.saturating_add(1);
                }
                text.push(c);
            }
            Err(_) => return Err(ReadError::NotUtf8 { line }),
        }
    }
    Ok(Cow::Owned(text.into_bytes()))
}

/// Reads CSV `text` into `builder`.
pub(crate) fn read(text: &[u8], builder: &mut RowBuilder<'_>) -> Result<(), ReadError> {
    let (text, delimiter, lines_before) = match sep_line(text) {
        Some((rest, delimiter, lines)) => (rest, delimiter, lines),
        None => (text, sniff_delimiter(text), 0),
    };
    let mut reader = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text);
    let mut record = ByteRecord::new();
    let mut rows = RowCounter::default();
    while !builder.stopped() {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return Ok(()),
            Err(error) => return Err(ReadError::damaged(format!("csv: {error}"))),
        }
        let Some(position) = record.position() else {
            return Err(ReadError::damaged("csv: a record without a position"));
        };
        let row = rows.row_at(text, usize::try_from(position.byte()).unwrap_or(usize::MAX));
        // The line the record starts on, for errors. Not the `csv` crate's
        // `position.line()`: after a `\r\n` it points at the `\n`, a line
        // too early.
        let first_line = row.saturating_add(1).saturating_add(lines_before);
        let mut newlines = 0u32;
        for (col, field) in record.iter().enumerate() {
            let field = match std::str::from_utf8(field) {
                Ok(field) => field,
                Err(error) => {
                    let good = field.get(..error.valid_up_to()).unwrap_or_default();
                    let line = first_line
                        .saturating_add(newlines)
                        .saturating_add(count_newlines(good));
                    return Err(ReadError::NotUtf8 { line });
                }
            };
            rows.inside(field.as_bytes());
            newlines = newlines.saturating_add(count_newlines(field.as_bytes()));
            let col = u32::try_from(col).unwrap_or(u32::MAX);
            if !field.is_empty() && builder.wants(col) {
                builder.push(row, col, Value::Text(Cow::Borrowed(unneutralise(field))))?;
            }
        }
    }
    Ok(())
}

/// Numbers records the way Excel numbers rows: every line break outside
/// quotes ends a row, blank lines included (`\r\n`, `\r` and `\n` each end
/// one). The `csv` crate skips blank lines, so the breaks are counted in
/// the text up to each record, less those inside earlier records' fields.
#[derive(Default)]
struct RowCounter {
    /// The text is counted up to here.
    scanned: usize,
    /// Line breaks before `scanned`.
    breaks: u32,
    /// Whether the byte before `scanned` is a `\r` (so a `\n` after it
    /// ends no new row).
    after_cr: bool,
    /// Line breaks inside the fields of the records read so far.
    inside: u32,
}

impl RowCounter {
    /// The row (0-based) of the record the `csv` crate found from `from`
    /// on: it starts after any blank lines there.
    fn row_at(&mut self, text: &[u8], from: usize) -> u32 {
        let tail = text.get(from..).unwrap_or_default();
        let blank = tail
            .iter()
            .position(|&b| b != b'\r' && b != b'\n')
            .unwrap_or(tail.len());
        let start = from.saturating_add(blank).min(text.len());
        if start > self.scanned {
            for &b in &text[self.scanned..start] {
                match b {
                    b'\r' => {
                        self.breaks = self.breaks.saturating_add(1);
                        self.after_cr = true;
                    }
                    b'\n' => {
                        if !self.after_cr {
                            self.breaks = self.breaks.saturating_add(1);
                        }
                        self.after_cr = false;
                    }
                    _ => self.after_cr = false,
                }
            }
            self.scanned = start;
        }
        self.breaks.saturating_sub(self.inside)
    }

    /// Counts the line breaks inside one field of the current record.
    fn inside(&mut self, field: &[u8]) {
        let mut after_cr = false;
        for &b in field {
            match b {
                b'\r' => {
                    self.inside = self.inside.saturating_add(1);
                    after_cr = true;
                }
                b'\n' => {
                    if !after_cr {
                        self.inside = self.inside.saturating_add(1);
                    }
                    after_cr = false;
                }
                _ => after_cr = false,
            }
        }
    }
}

/// `field` without the apostrophe our CSV export puts before a value that
/// a spreadsheet would run as a formula.
fn unneutralise(field: &str) -> &str {
    match field.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => field,
    }
}

/// `\n` bytes in `bytes` (how text editors number lines).
fn count_newlines(bytes: &[u8]) -> u32 {
    let n = bytes.iter().filter(|&&b| b == b'\n').count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Excel's `sep=;` first line: the rest of the text, the delimiter, and
/// the `\n`s the line held (for line numbers in errors).
fn sep_line(text: &[u8]) -> Option<(&[u8], u8, u32)> {
    let head = text.get(..4)?;
    if !head.eq_ignore_ascii_case(b"sep=") {
        return None;
    }
    let delimiter = *text.get(4)?;
    if !delimiter.is_ascii() || delimiter == b'"' || delimiter == b'\r' || delimiter == b'\n' {
        return None;
    }
    let rest = &text[5..];
    if let Some(rest) = rest.strip_prefix(b"\r\n") {
        return Some((rest, delimiter, 1));
    }
    if let Some(rest) = rest.strip_prefix(b"\n") {
        return Some((rest, delimiter, 1));
    }
    rest.strip_prefix(b"\r").map(|rest| (rest, delimiter, 0))
}

/// The delimiter the header line uses most, outside quotes: `,`, `;` or
/// tab (ties go to the comma, then the semicolon). Leading lines with
/// nothing but spaces and delimiters (blank rows, as `,,,` or a lone tab)
/// are skipped; a line with none of them is one column (comma).
fn sniff_delimiter(text: &[u8]) -> u8 {
    const CANDIDATES: [u8; 3] = [b',', b';', b'\t'];
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    let mut seen_content = false;
    for &b in text.iter().take(1 << 20) {
        match b {
            b'"' => {
                in_quotes = !in_quotes;
                seen_content = true;
            }
            b'\n' | b'\r' if !in_quotes => {
                if seen_content {
                    break;
                }
                counts = [0; 3];
            }
            _ if in_quotes => {}
            _ => {
                if let Some(i) = CANDIDATES.iter().position(|&c| c == b) {
                    counts[i] += 1;
                } else if !b.is_ascii_whitespace() {
                    seen_content = true;
                }
            }
        }
    }
    let mut best = 0;
    for i in 1..CANDIDATES.len() {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    CANDIDATES[best]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::builder::collect_sheet;
    use crate::read::HeaderRow;
    use crate::sheet::{Limits, Sheet};

    fn sheet(text: &[u8]) -> Result<Sheet, ReadError> {
        collect_sheet("t.csv", &Limits::DEFAULT, HeaderRow::FIRST, |builder| {
            read(text, builder)
        })
    }

    fn rows(text: &str) -> Vec<(u32, Vec<String>)> {
        let sheet = sheet(text.as_bytes()).unwrap();
        let mut out = vec![(sheet.header_line, sheet.headers.clone())];
        out.extend(sheet.rows.iter().map(|row| {
            (
                row.line,
                row.cells.iter().map(|c| c.text().to_string()).collect(),
            )
        }));
        out
    }

    #[test]
    fn the_delimiter_is_sniffed_from_the_header_line() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(sniff_delimiter(b"a;b;c\n"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter(b"\n\n  \na;b"), b';');
        assert_eq!(sniff_delimiter(b"\"x,y\";b"), b';');
        assert_eq!(sniff_delimiter(b"Email"), b',');
        // Blank rows saved as delimiters, or a stray tab, do not decide.
        assert_eq!(sniff_delimiter(b"\t\n,,,\r\na;b"), b';');
        assert_eq!(sniff_delimiter(b";;;\na,b"), b',');
    }

    #[test]
    fn an_excel_sep_line_sets_the_delimiter() {
        assert_eq!(sep_line(b"sep=;\r\na;b"), Some((&b"a;b"[..], b';', 1)));
        assert_eq!(sep_line(b"SEP=|\nx"), Some((&b"x"[..], b'|', 1)));
        assert_eq!(sep_line(b"separate,b"), None);
    }

    #[test]
    fn quoted_fields_follow_rfc_4180_leniently() {
        assert_eq!(
            rows("A,B\n\"a\"\"b\",c\n\"a\nb\",c\n\"ab\"cd,e\n\"open"),
            [
                (1, vec!["A".to_string(), "B".to_string()]),
                (2, vec!["a\"b".to_string(), "c".to_string()]),
                (3, vec!["a\nb".to_string(), "c".to_string()]),
                (4, vec!["abcd".to_string(), "e".to_string()]),
                (5, vec!["open".to_string(), String::new()]),
            ]
        );
    }

    #[test]
    fn rows_are_numbered_as_excel_numbers_them() {
        // Blank lines are rows; breaks inside quotes are not; a bare CR
        // ends a row like a line feed does.
        assert_eq!(
            rows("\r\nName\r\n\r\n\"x\r\ny\"\r\n\n\nz\rw\r"),
            [
                (2, vec!["Name".to_string()]),
                (4, vec!["x\r\ny".to_string()]),
                (7, vec!["z".to_string()]),
                (8, vec!["w".to_string()]),
            ]
        );
    }

    #[test]
    fn exported_formula_guards_are_removed() {
        assert_eq!(unneutralise("'=1+1"), "=1+1");
        assert_eq!(unneutralise("'+61 412"), "+61 412");
        assert_eq!(unneutralise("'-5"), "-5");
        assert_eq!(unneutralise("'@x"), "@x");
        assert_eq!(unneutralise("'\tx"), "\tx");
        assert_eq!(unneutralise("'hello"), "'hello");
        assert_eq!(unneutralise("''=1"), "''=1");
        assert_eq!(unneutralise("'"), "'");
    }

    #[test]
    fn text_encodings_are_decoded() {
        assert_eq!(decode(b"\xEF\xBB\xBFa,b").unwrap().as_ref(), b"a,b");
        assert_eq!(decode(b"\xFF\xFEa\0,\0b\0").unwrap().as_ref(), b"a,b");
        assert_eq!(decode(b"\xFE\xFF\0a\0,\0b").unwrap().as_ref(), b"a,b");
        assert_eq!(
            sheet(b"a\nb\n\"x\ny\xE9\"").unwrap_err(),
            ReadError::NotUtf8 { line: 4 }
        );
        // Windows line ends, and blank lines, count once each.
        assert_eq!(
            sheet(b"a\r\nb\r\n\r\nc\xE9\r\n").unwrap_err(),
            ReadError::NotUtf8 { line: 4 }
        );
        assert_eq!(
            sheet(b"a\r\nb\r\n\"x\r\ny\xE9\"\r\n").unwrap_err(),
            ReadError::NotUtf8 { line: 4 }
        );
    }
}
