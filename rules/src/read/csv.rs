//! CSV: UTF-8 (BOM tolerated) or UTF-16 with a BOM; `,`, `;` or tab,
//! sniffed from the header line (or an Excel `sep=` first line); quotes and
//! embedded line breaks per RFC 4180, read leniently the way Excel does.
//!
//! Memory: the text is borrowed from the file (UTF-16 is decoded once, at
//! most twice the file size); fields are borrowed until the builder keeps
//! them, except quoted fields with doubled quotes, built one at a time.

use std::borrow::Cow;

use super::builder::SheetBuilder;
use super::error::ReadError;
use super::value::Value;

/// The file's bytes as text: BOM removed, UTF-16 decoded, or
/// [`ReadError::NotUtf8`] naming the line of the first bad byte.
pub(crate) fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, ReadError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, u16::from_be_bytes);
    }
    utf8(bytes)
}

fn utf8(bytes: &[u8]) -> Result<Cow<'_, str>, ReadError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Cow::Borrowed(text)),
        Err(error) => {
            let good = bytes.get(..error.valid_up_to()).unwrap_or_default();
            Err(ReadError::NotUtf8 {
                line: line_of(good),
            })
        }
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<Cow<'_, str>, ReadError> {
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
    Ok(Cow::Owned(text))
}

/// The 1-based line a position is on, given the bytes before it.
fn line_of(before: &[u8]) -> u32 {
    let breaks = before.iter().filter(|&&b| b == b'\n').count();
    u32::try_from(breaks).unwrap_or(u32::MAX).saturating_add(1)
}

/// Reads CSV `text` into `builder`. Row numbers are the ones Excel shows
/// when it opens the file (a line break inside quotes stays in its cell).
pub(crate) fn read(text: &str, builder: &mut SheetBuilder<'_>) -> Result<(), ReadError> {
    let (text, delimiter) = match sep_line(text) {
        Some((rest, delimiter)) => (rest, delimiter),
        None => (text, sniff_delimiter(text)),
    };
    let bytes = text.as_bytes();
    let mut pos = 0;
    let mut row = 0u32;
    let mut col = 0u32;
    while pos < bytes.len() {
        let (field, next) = if bytes[pos] == b'"' {
            quoted_field(text, pos + 1, delimiter)
        } else {
            let end = find_field_end(bytes, pos, delimiter);
            (Cow::Borrowed(&text[pos..end]), end)
        };
        if !field.is_empty() && builder.wants(col) {
            builder.push(row, col, Value::Text(field))?;
        }
        pos = next;
        match bytes.get(pos) {
            Some(&b) if b == delimiter => {
                col = col.saturating_add(1);
                pos += 1;
                if pos == bytes.len() {
                    break;
                }
            }
            Some(b'\r') => {
                pos += if bytes.get(pos + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                row = row.saturating_add(1);
                col = 0;
            }
            Some(b'\n') => {
                pos += 1;
                row = row.saturating_add(1);
                col = 0;
            }
            _ => break,
        }
    }
    Ok(())
}

/// Where an unquoted field that starts at `pos` ends.
fn find_field_end(bytes: &[u8], pos: usize, delimiter: u8) -> usize {
    bytes[pos..]
        .iter()
        .position(|&b| b == delimiter || b == b'\n' || b == b'\r')
        .map_or(bytes.len(), |i| pos + i)
}

/// A quoted field whose content starts at `start` (just after the opening
/// quote): `""` is a quote, line breaks are kept, and anything after the
/// closing quote up to the delimiter is appended (as Excel does). A missing
/// closing quote runs to the end of the file.
fn quoted_field(text: &str, start: usize, delimiter: u8) -> (Cow<'_, str>, usize) {
    let bytes = text.as_bytes();
    let mut owned: Option<String> = None;
    let mut from = start;
    let mut pos = start;
    loop {
        match bytes[pos.min(bytes.len())..]
            .iter()
            .position(|&b| b == b'"')
        {
            None => {
                let piece = &text[from..];
                return (append(owned, start, from, piece), bytes.len());
            }
            Some(i) => {
                let quote = pos + i;
                if bytes.get(quote + 1) == Some(&b'"') {
                    // A doubled quote: keep one.
                    let buffer = owned.get_or_insert_with(String::new);
                    buffer.push_str(&text[from..=quote]);
                    from = quote + 2;
                    pos = quote + 2;
                    continue;
                }
                let inside = append(owned, start, from, &text[from..quote]);
                let after = quote + 1;
                let end = find_field_end(bytes, after, delimiter);
                if end == after {
                    return (inside, end);
                }
                let mut joined = inside.into_owned();
                joined.push_str(&text[after..end]);
                return (Cow::Owned(joined), end);
            }
        }
    }
}

/// The field so far: borrowed when no doubled quote was seen.
fn append<'t>(owned: Option<String>, start: usize, from: usize, piece: &'t str) -> Cow<'t, str> {
    match owned {
        None => {
            debug_assert_eq!(start, from);
            Cow::Borrowed(piece)
        }
        Some(mut buffer) => {
            buffer.push_str(piece);
            Cow::Owned(buffer)
        }
    }
}

/// Excel's `sep=;` first line: the rest of the text and the delimiter.
fn sep_line(text: &str) -> Option<(&str, u8)> {
    let head = text.get(..4)?;
    if !head.eq_ignore_ascii_case("sep=") {
        return None;
    }
    let bytes = text.as_bytes();
    let delimiter = *bytes.get(4)?;
    if !delimiter.is_ascii() || delimiter == b'"' || delimiter == b'\r' || delimiter == b'\n' {
        return None;
    }
    let mut rest = &text[5..];
    rest = rest
        .strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix(['\n', '\r']))?;
    Some((rest, delimiter))
}

/// The delimiter the header line uses most, outside quotes: `,`, `;` or
/// tab (ties go to the comma, then the semicolon). Blank leading lines are
/// skipped; a line with none of them is one column (comma).
fn sniff_delimiter(text: &str) -> u8 {
    const CANDIDATES: [u8; 3] = [b',', b';', b'\t'];
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    let mut seen_content = false;
    for &b in text.as_bytes().iter().take(1 << 20) {
        match b {
            b'"' => {
                in_quotes = !in_quotes;
                seen_content = true;
            }
            b'\n' | b'\r' if !in_quotes => {
                if seen_content {
                    break;
                }
            }
            _ if in_quotes => {}
            _ => {
                if let Some(i) = CANDIDATES.iter().position(|&c| c == b) {
                    counts[i] += 1;
                    seen_content = true;
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

    #[test]
    fn the_delimiter_is_sniffed_from_the_header_line() {
        assert_eq!(sniff_delimiter("a,b,c\n1;2;3;4;5"), b',');
        assert_eq!(sniff_delimiter("a;b;c\n"), b';');
        assert_eq!(sniff_delimiter("a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter("\n\n  \na;b"), b';');
        assert_eq!(sniff_delimiter("\"x,y\";b"), b';');
        assert_eq!(sniff_delimiter("Email"), b',');
    }

    #[test]
    fn an_excel_sep_line_sets_the_delimiter() {
        assert_eq!(sep_line("sep=;\r\na;b"), Some(("a;b", b';')));
        assert_eq!(sep_line("SEP=|\nx"), Some(("x", b'|')));
        assert_eq!(sep_line("separate,b"), None);
    }

    #[test]
    fn quoted_fields_follow_rfc_4180_leniently() {
        assert_eq!(
            quoted_field("\"a\"\"b\",c", 1, b','),
            (Cow::Owned("a\"b".into()), 6)
        );
        assert_eq!(
            quoted_field("\"a\nb\",c", 1, b','),
            (Cow::Borrowed("a\nb"), 5)
        );
        assert_eq!(
            quoted_field("\"ab\"cd,e", 1, b','),
            (Cow::Owned("abcd".into()), 6)
        );
        assert_eq!(quoted_field("\"open", 1, b','), (Cow::Borrowed("open"), 5));
        assert_eq!(quoted_field("\"\"", 1, b','), (Cow::Borrowed(""), 2));
    }

    #[test]
    fn text_encodings_are_decoded() {
        assert_eq!(decode(b"\xEF\xBB\xBFa,b").unwrap(), "a,b");
        assert_eq!(decode(b"\xFF\xFEa\0,\0b\0").unwrap(), "a,b");
        assert_eq!(decode(b"\xFE\xFF\0a\0,\0b").unwrap(), "a,b");
        assert_eq!(
            decode(b"a\nb\n\xE9t\xE9").unwrap_err(),
            ReadError::NotUtf8 { line: 3 }
        );
    }
}
