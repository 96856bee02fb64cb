//! Rows written in `COPY … FROM STDIN` text format: how the staging upload
//! and the merge plan reach Postgres, at its bulk-load speed.
//!
//! Invariant: every value written with [`CopyRow::text`] reads back as
//! exactly the same text (backslash, tab, newline and carriage return are
//! escaped; nothing else is special in text format), and [`CopyRow::null`]
//! reads back as NULL, never as text.

use std::fmt::Display;

use uuid::Uuid;

/// One `COPY` text-format data stream under construction.
#[derive(Debug, Default)]
pub(crate) struct CopyData {
    bytes: Vec<u8>,
    rows: usize,
}

impl CopyData {
    /// An empty stream with room for about `bytes` bytes.
    pub(crate) fn with_capacity(bytes: usize) -> CopyData {
        CopyData { bytes: Vec::with_capacity(bytes), rows: 0 }
    }

    /// Starts a row; write its columns in the `COPY` statement's order.
    pub(crate) fn row(&mut self) -> CopyRow<'_> {
        self.rows += 1;
        CopyRow { data: &mut self.bytes, first: true }
    }

    /// The bytes to send.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// How many rows have been written.
    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// Forgets what was written, keeping the buffer.
    pub(crate) fn clear(&mut self) {
        self.bytes.clear();
        self.rows = 0;
    }
}

/// One row being written; the line ends when it is dropped.
pub(crate) struct CopyRow<'a> {
    data: &'a mut Vec<u8>,
    first: bool,
}

impl CopyRow<'_> {
    fn separate(&mut self) {
        if !self.first {
            self.data.push(b'\t');
        }
        self.first = false;
    }

    /// A text value, escaped.
    pub(crate) fn text(&mut self, text: &str) -> &mut Self {
        self.separate();
        // Runs of ordinary bytes are copied whole; only the four special
        // ones are written one at a time.
        let mut rest = text.as_bytes();
        while let Some(special) = rest.iter().position(|&byte| matches!(byte, b'\\' | b'\t' | b'\n' | b'\r')) {
            self.data.extend_from_slice(&rest[..special]);
            self.data.extend_from_slice(match rest[special] {
                b'\\' => b"\\\\",
                b'\t' => b"\\t",
                b'\n' => b"\\n",
                _ => b"\\r",
            });
            rest = &rest[special + 1..];
        }
        self.data.extend_from_slice(rest);
        self
    }

    /// A value whose text form needs no escaping (numbers, uuids).
    pub(crate) fn plain(&mut self, value: impl Display) -> &mut Self {
        use std::io::Write;
        self.separate();
        // Writing into a Vec cannot fail.
        let _ = write!(self.data, "{value}");
        self
    }

    /// A uuid in its usual text form (hyphenated, lower case), written
    /// without the formatting machinery.
    pub(crate) fn uuid(&mut self, value: Uuid) -> &mut Self {
        self.separate();
        self.data.extend_from_slice(value.hyphenated().encode_lower(&mut Uuid::encode_buffer()).as_bytes());
        self
    }

    /// NULL.
    pub(crate) fn null(&mut self) -> &mut Self {
        self.separate();
        self.data.extend_from_slice(b"\\N");
        self
    }

}

impl Drop for CopyRow<'_> {
    fn drop(&mut self) {
        self.data.push(b'\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_characters_are_escaped_and_nulls_marked() {
        let mut data = CopyData::default();
        data.row().text("a\tb\\c\nd\re").plain(7).null().text("");
        data.row().plain(1).null();
        assert_eq!(data.bytes(), b"a\\tb\\\\c\\nd\\re\t7\t\\N\t\n1\t\\N\n");
        assert_eq!(data.rows(), 2);
    }

    #[test]
    fn text_is_escaped_wherever_the_special_characters_fall() {
        let cases: [(&str, &[u8]); 7] = [
            ("", b""),
            ("plain text", b"plain text"),
            ("\\", b"\\\\"),
            ("\tstart", b"\\tstart"),
            ("end\r\n", b"end\\r\\n"),
            ("a\t\tb\\\\c", b"a\\t\\tb\\\\\\\\c"),
            ("Zoë\nMüller", "Zoë\\nMüller".as_bytes()),
        ];
        for (text, escaped) in cases {
            let mut data = CopyData::default();
            data.row().text(text);
            assert_eq!(data.bytes(), [escaped, b"\n"].concat(), "{text:?}");
        }
    }

    #[test]
    fn uuids_are_written_as_postgres_reads_them() {
        let id = Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
        let mut data = CopyData::default();
        data.row().uuid(id).plain(id);
        assert_eq!(data.bytes(), b"01234567-89ab-cdef-0123-456789abcdef\t01234567-89ab-cdef-0123-456789abcdef\n");
    }
}
