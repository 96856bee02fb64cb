//! Rows written in `COPY … FROM STDIN` text format: how the staging upload
//! and the merge plan reach Postgres, at its bulk-load speed.
//!
//! Invariant: every value written with [`CopyRow::text`] reads back as
//! exactly the same text (backslash, tab, newline and carriage return are
//! escaped; nothing else is special in text format), and [`CopyRow::null`]
//! reads back as NULL, never as text.

use std::fmt::Display;

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
        for byte in text.bytes() {
            match byte {
                b'\\' => self.data.extend_from_slice(b"\\\\"),
                b'\t' => self.data.extend_from_slice(b"\\t"),
                b'\n' => self.data.extend_from_slice(b"\\n"),
                b'\r' => self.data.extend_from_slice(b"\\r"),
                other => self.data.push(other),
            }
        }
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

    /// NULL.
    pub(crate) fn null(&mut self) -> &mut Self {
        self.separate();
        self.data.extend_from_slice(b"\\N");
        self
    }

    /// `value`, or NULL.
    pub(crate) fn optional(&mut self, value: Option<impl Display>) -> &mut Self {
        match value {
            Some(value) => self.plain(value),
            None => self.null(),
        }
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
        data.row().optional(Some(1)).optional(None::<i32>);
        assert_eq!(data.bytes(), b"a\\tb\\\\c\\nd\\re\t7\t\\N\t\n1\t\\N\n");
        assert_eq!(data.rows(), 2);
    }
}
