//! A small layer over quick-xml for the pre-flight scans of the XML parts
//! of xlsx and ods: one event at a time through an [`EntryReader`] (so no
//! event spans more than 16 MB), errors mapped to [`ReadError`], and
//! attributes read the way calamine reads them (so a scan sees the same
//! values calamine will).
//!
//! quick-xml never expands entities declared in a DTD (calamine refuses a
//! reference to one), so "billion laughs" documents cost nothing. Nesting
//! depth costs nothing either (end names are not checked, so no stack);
//! quick-xml is configured here as calamine configures it, so both see
//! the same events.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::error::ReadError;
use super::zip_guard::EntryReader;

/// An XML part being read event by event.
pub(crate) struct XmlPart<'z> {
    reader: Reader<EntryReader<'z>>,
    buf: Vec<u8>,
    path: String,
}

impl<'z> XmlPart<'z> {
    /// Reads the XML of `entry`, called `path` in errors.
    pub(crate) fn new(entry: EntryReader<'z>, path: &str) -> XmlPart<'z> {
        let mut reader = Reader::from_reader(entry);
        let config = reader.config_mut();
        config.check_end_names = false;
        config.check_comments = false;
        config.expand_empty_elements = true;
        config.trim_text(false);
        XmlPart {
            reader,
            buf: Vec::with_capacity(1024),
            path: path.to_string(),
        }
    }

    /// The next event.
    pub(crate) fn next(&mut self) -> Result<Event<'_>, ReadError> {
        self.buf.clear();
        self.reader.get_mut().start_event();
        match self.reader.read_event_into(&mut self.buf) {
            Ok(event) => Ok(event),
            Err(error) => Err(match self.reader.get_ref().failure() {
                Some(failure) => failure,
                None => ReadError::damaged(format!("{}: {error}", self.path)),
            }),
        }
    }

    /// Reads up to and including the first start tag named `local` (prefix
    /// ignored); a part without one is damaged.
    pub(crate) fn skip_past_start(&mut self, local: &str) -> Result<(), ReadError> {
        loop {
            match self.next()? {
                Event::Start(e) if e.local_name().as_ref() == local => return Ok(()),
                Event::Eof => return Err(self.eof()),
                _ => {}
            }
        }
    }

    /// How many bytes of the part have been consumed.
    pub(crate) fn position(&self) -> u64 {
        self.reader.buffer_position()
    }

    /// The error for a part that ends too early.
    pub(crate) fn eof(&self) -> ReadError {
        ReadError::damaged(format!("{} ends too early", self.path))
    }
}

/// The value of the first attribute whose local name (prefix ignored) is
/// `local`, entities resolved.
pub(crate) fn attr_local<'e>(element: &'e BytesStart<'_>, local: &str) -> Option<Cow<'e, str>> {
    find_attr(element, |key| {
        let key_local = key.rsplit_once(':').map_or(key, |(_, l)| l);
        key_local == local
    })
}

fn find_attr<'e>(
    element: &'e BytesStart<'_>,
    matches: impl Fn(&str) -> bool,
) -> Option<Cow<'e, str>> {
    let mut attributes = element.attributes();
    attributes.with_checks(false);
    for attribute in attributes.flatten() {
        if matches(attribute.key.as_ref()) {
            return Some(match quick_xml::escape::unescape(&attribute.value) {
                Ok(Cow::Owned(value)) => Cow::Owned(value),
                _ => attribute.value,
            });
        }
    }
    None
}

/// An element's attributes as calamine's `iter_raw_attrs` yields them:
/// `(key, raw value)` pairs, in order, without unescaping; `Err` for a
/// malformed attribute (calamine stops there with an error).
pub(crate) fn raw_attrs<'e>(
    element: &'e BytesStart<'_>,
) -> impl Iterator<Item = Result<(&'e str, &'e str), ()>> + 'e {
    let raw = element.attributes_raw();
    let bytes = raw.as_bytes();
    let len = bytes.len();
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        while pos < len && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if pos >= len {
            return None;
        }
        let key_start = pos;
        while pos < len && bytes[pos] != b'=' {
            pos += 1;
        }
        if pos >= len {
            pos = len;
            return Some(Err(()));
        }
        let key = raw[key_start..pos].trim_ascii_end();
        pos += 1;
        while pos < len && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let quote = match bytes.get(pos) {
            Some(&q) if q == b'"' || q == b'\'' => q,
            _ => {
                pos = len;
                return Some(Err(()));
            }
        };
        pos += 1;
        let value_start = pos;
        while pos < len && bytes[pos] != quote {
            pos += 1;
        }
        let value = &raw[value_start..pos];
        if pos < len {
            pos += 1;
        }
        Some(Ok((key, value)))
    })
}

/// The first attribute named exactly `name`, raw, as calamine's
/// `raw_attr` finds it (`Err` when a malformed attribute comes first).
pub(crate) fn raw_attr<'e>(element: &'e BytesStart<'_>, name: &str) -> Result<Option<&'e str>, ()> {
    for item in raw_attrs(element) {
        let (key, value) = item?;
        if key == name {
            return Ok(Some(value));
        }
    }
    Ok(None)
}

/// The attributes named `names`, raw, as calamine's `get_attrs!` finds
/// them: later duplicates win, and the scan stops as soon as it has seen
/// as many matching attributes as there are names.
pub(crate) fn get_attrs<'e, const N: usize>(
    element: &'e BytesStart<'_>,
    names: [&str; N],
) -> Result<[Option<&'e str>; N], ()> {
    let mut values = [None; N];
    let mut found = 0usize;
    for item in raw_attrs(element) {
        let (key, value) = item?;
        if let Some(i) = names.iter().position(|name| *name == key) {
            values[i] = Some(value);
            found += 1;
        }
        if found == N {
            break;
        }
    }
    Ok(values)
}

/// An attribute value unescaped as calamine's `decode_attr` does it
/// (XML's entities and character references; `Err` on anything else).
pub(crate) fn decode_attr(value: &str) -> Result<Cow<'_, str>, ()> {
    quick_xml::escape::unescape(value).map_err(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_read_as_calamine_reads_them() {
        let e = BytesStart::from_content(r#"c r="A1" s='2' r="B2" t="s""#, 1);
        let all: Vec<_> = raw_attrs(&e).collect();
        assert_eq!(all.len(), 4);
        assert_eq!(raw_attr(&e, "r"), Ok(Some("A1")));
        // get_attrs! stops once it has seen as many matches as names.
        assert_eq!(get_attrs(&e, ["r", "s"]), Ok([Some("A1"), Some("2")]));
        assert_eq!(get_attrs(&e, ["r", "t"]), Ok([Some("B2"), None]));
        let bad = BytesStart::from_content("c r=A1", 1);
        assert_eq!(raw_attr(&bad, "s"), Err(()));
        assert_eq!(decode_attr("a&amp;b").unwrap(), "a&b");
        assert!(decode_attr("&lol;").is_err());
    }
}
