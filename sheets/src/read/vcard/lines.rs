//! A vCard file's logical lines: physical lines (ended by `\r\n`, `\n` or
//! `\r`) joined where the format continues them, blank lines skipped.
//!
//! Two kinds of continuation: a fold (the next physical line starts with a
//! space or tab: RFC 6350 3.2, RFC 2426 2.6, vCard 2.1 2.1.3), joined
//! without that one whitespace character; and vCard 2.1's quoted-printable
//! soft line break (a line whose parameters say `QUOTED-PRINTABLE` ends
//! with `=`: the value goes on at the start of the next physical line, as
//! Android and old Outlook write long values), joined without the `=`.
//!
//! Invariant: every byte of the file is in exactly one logical line or in
//! a skipped blank line, so memory is at most one more copy of the file
//! (only joined lines are copied), and `line` is the physical line (1 = the
//! first) where the logical line starts, for messages.

use std::borrow::Cow;

/// One logical line.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct LogicalLine<'a> {
    /// The physical line it starts on (1 = the file's first).
    pub(super) line: u32,
    /// Its bytes, continuations joined, without the line ending.
    pub(super) text: Cow<'a, [u8]>,
}

/// The logical lines of a vCard file's text, in order.
pub(super) struct Lines<'a> {
    rest: &'a [u8],
    /// The physical line number of `rest`'s first line.
    next_line: u32,
}

impl<'a> Lines<'a> {
    pub(super) fn new(text: &'a [u8]) -> Lines<'a> {
        Lines {
            rest: text,
            next_line: 1,
        }
    }

    /// Takes the next physical line off `rest`.
    fn take_physical(&mut self) -> Option<&'a [u8]> {
        if self.rest.is_empty() {
            return None;
        }
        let end = self
            .rest
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
            .unwrap_or(self.rest.len());
        let content = &self.rest[..end];
        let tail = &self.rest[end..];
        let tail = tail
            .strip_prefix(b"\r\n")
            .or_else(|| tail.strip_prefix(b"\n"))
            .or_else(|| tail.strip_prefix(b"\r"))
            .unwrap_or(tail);
        self.rest = tail;
        self.next_line = self.next_line.saturating_add(1);
        Some(content)
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = LogicalLine<'a>;

    fn next(&mut self) -> Option<LogicalLine<'a>> {
        let (line, first) = loop {
            let line = self.next_line;
            let content = self.take_physical()?;
            if !content.iter().all(u8::is_ascii_whitespace) {
                break (line, content);
            }
        };
        let mut text = Cow::Borrowed(first);
        loop {
            if text.ends_with(b"=") && is_quoted_printable(&text) {
                let joined = text.to_mut();
                joined.pop();
                match self.take_physical() {
                    Some(next) => joined.extend_from_slice(next),
                    None => break,
                }
            } else if self.rest.starts_with(b" ") || self.rest.starts_with(b"\t") {
                let next = self.take_physical().unwrap_or_default();
                text.to_mut().extend_from_slice(&next[1..]);
            } else {
                break;
            }
        }
        Some(LogicalLine { line, text })
    }
}

/// Whether a line's name and parameters (the part before the first colon
/// outside quotes) declare the quoted-printable encoding, as
/// `ENCODING=QUOTED-PRINTABLE` or 2.1's bare `;QUOTED-PRINTABLE`.
pub(super) fn is_quoted_printable(line: &[u8]) -> bool {
    let head = &line[..head_end(line).unwrap_or(line.len())];
    head.split(|&b| b == b';').skip(1).any(|param| {
        let value = match param.iter().position(|&b| b == b'=') {
            Some(at) => &param[at + 1..],
            None => param,
        };
        value
            .split(|&b| b == b',')
            .any(|value| trim_quotes(value).eq_ignore_ascii_case(b"QUOTED-PRINTABLE"))
    })
}

/// Where the name and parameters end: the first `:` outside double quotes.
pub(super) fn head_end(line: &[u8]) -> Option<usize> {
    let mut quoted = false;
    for (at, &b) in line.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b':' if !quoted => return Some(at),
            _ => {}
        }
    }
    None
}

/// `value` without surrounding spaces and double quotes.
pub(super) fn trim_quotes(value: &[u8]) -> &[u8] {
    let value = value.trim_ascii();
    value
        .strip_prefix(b"\"")
        .and_then(|inner| inner.strip_suffix(b"\""))
        .unwrap_or(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(u32, String)> {
        Lines::new(text.as_bytes())
            .map(|line| (line.line, String::from_utf8(line.text.into_owned()).unwrap()))
            .collect()
    }

    #[test]
    fn folded_lines_are_joined_without_the_folding_whitespace() {
        assert_eq!(
            lines("NOTE:one \r\n two\r\n\tthree\r\nFN:Ann\r\n"),
            [(1, "NOTE:one twothree".to_string()), (4, "FN:Ann".to_string())]
        );
    }

    #[test]
    fn blank_lines_and_any_line_ending_are_skipped_and_counted() {
        assert_eq!(
            lines("\r\nA:1\n\n  \rB:2\r\n"),
            [(2, "A:1".to_string()), (5, "B:2".to_string())]
        );
    }

    #[test]
    fn quoted_printable_soft_line_breaks_continue_on_the_next_line() {
        assert_eq!(
            lines("NOTE;ENCODING=QUOTED-PRINTABLE:caf=C3=\r\n=A9 and=\r\n more\r\nFN:x\r\n"),
            [
                (1, "NOTE;ENCODING=QUOTED-PRINTABLE:caf=C3=A9 and more".to_string()),
                (4, "FN:x".to_string())
            ]
        );
        // 2.1's bare parameter; a value that merely ends in "=" elsewhere
        // is not continued.
        assert_eq!(
            lines("ADR;HOME;QUOTED-PRINTABLE:;;1 Main=\r\nSt\r\nNOTE:a=\r\nFN:x\r\n"),
            [
                (1, "ADR;HOME;QUOTED-PRINTABLE:;;1 MainSt".to_string()),
                (3, "NOTE:a=".to_string()),
                (4, "FN:x".to_string())
            ]
        );
        // A soft break at the end of the file ends the line.
        assert_eq!(
            lines("NOTE;QUOTED-PRINTABLE:end="),
            [(1, "NOTE;QUOTED-PRINTABLE:end".to_string())]
        );
    }

    #[test]
    fn the_head_ends_at_the_first_colon_outside_quotes() {
        assert_eq!(head_end(b"TEL;X=\"a:b\":123"), Some(11));
        assert_eq!(head_end(b"no colon"), None);
        assert!(is_quoted_printable(b"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:x="));
        assert!(!is_quoted_printable(b"NOTE:QUOTED-PRINTABLE="));
    }
}
