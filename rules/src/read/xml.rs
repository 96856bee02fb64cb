//! A small layer over quick-xml for the XML parts of xlsx and ods: one
//! event at a time through an [`EntryReader`], errors mapped to
//! [`ReadError`], attribute look-ups without quick-xml's quadratic
//! duplicate check, and text collected with a bound.
//!
//! quick-xml never expands entities declared in a DTD: `&name;` events that
//! are not XML's five predefined entities or character references are kept
//! as literal text, so "billion laughs" documents cost nothing. Nesting
//! depth costs nothing either (end names are not checked, so no stack).

use std::borrow::Cow;

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;

use super::error::ReadError;
use super::zip_guard::EntryReader;

/// Most bytes of text collected for one value; longer text is cut (cells
/// keep at most 32,767 characters anyway).
pub(crate) const MAX_TEXT_BYTES: usize = 256 * 1024;

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

    /// Appends to `text` the text up to the end of the element just started
    /// (whose local name is `local`), child elements' text included, until
    /// `text` holds [`MAX_TEXT_BYTES`].
    pub(crate) fn text_into(&mut self, text: &mut String, local: &str) -> Result<(), ReadError> {
        let mut depth = 0usize;
        loop {
            match self.next()? {
                Event::Start(_) => depth += 1,
                Event::End(end) => {
                    if depth == 0 {
                        if end.local_name().as_ref() == local {
                            return Ok(());
                        }
                        continue;
                    }
                    depth -= 1;
                }
                Event::Text(t) => push_bounded(text, &t.xml10_content()),
                Event::CData(t) => push_bounded(text, &t.xml10_content()),
                Event::GeneralRef(r) => push_bounded(text, &entity(&r)),
                Event::Eof => return Err(self.eof()),
                _ => {}
            }
        }
    }

    /// Skips to the end of the element just started, whatever it holds.
    pub(crate) fn skip_element(&mut self) -> Result<(), ReadError> {
        let mut depth = 0usize;
        loop {
            match self.next()? {
                Event::Start(_) => depth += 1,
                Event::End(_) => {
                    if depth == 0 {
                        return Ok(());
                    }
                    depth -= 1;
                }
                Event::Eof => return Err(self.eof()),
                _ => {}
            }
        }
    }

    /// The error for a part that ends too early.
    pub(crate) fn eof(&self) -> ReadError {
        ReadError::damaged(format!("{} ends too early", self.path))
    }
}

/// Appends `piece` to `text` unless that would pass [`MAX_TEXT_BYTES`].
pub(crate) fn push_bounded(text: &mut String, piece: &str) {
    let room = MAX_TEXT_BYTES.saturating_sub(text.len());
    if piece.len() <= room {
        text.push_str(piece);
    } else {
        let mut cut = room;
        while !piece.is_char_boundary(cut) {
            cut -= 1;
        }
        text.push_str(&piece[..cut]);
    }
}

/// The text an entity reference stands for: a character reference, one of
/// XML's five entities, or else the reference itself, unexpanded.
pub(crate) fn entity<'r>(reference: &'r BytesRef<'_>) -> Cow<'r, str> {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        return Cow::Owned(c.to_string());
    }
    match &**reference {
        "amp" => Cow::Borrowed("&"),
        "lt" => Cow::Borrowed("<"),
        "gt" => Cow::Borrowed(">"),
        "quot" => Cow::Borrowed("\""),
        "apos" => Cow::Borrowed("'"),
        name => Cow::Owned(format!("&{name};")),
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

/// The value of the first attribute named exactly `name` (with its
/// prefix, such as `office:value-type`), entities resolved.
pub(crate) fn attr_named<'e>(element: &'e BytesStart<'_>, name: &str) -> Option<Cow<'e, str>> {
    find_attr(element, |key| key == name)
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

/// OOXML's `_xHHHH_` escapes (for characters XML cannot hold, such as
/// `_x000D_` for a carriage return) decoded; `_x005F_` is an underscore.
pub(crate) fn unescape_ooxml(text: &str) -> Cow<'_, str> {
    if !text.contains("_x") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("_x") {
        out.push_str(&rest[..at]);
        let candidate = &rest[at..];
        let decoded = candidate
            .get(2..6)
            .filter(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .filter(|_| candidate.as_bytes().get(6) == Some(&b'_'))
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .and_then(char::from_u32);
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &candidate[7..];
            }
            None => {
                out.push_str("_x");
                rest = &candidate[2..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ooxml_escapes_are_decoded() {
        assert_eq!(unescape_ooxml("a_x000D_b"), "a\rb");
        assert_eq!(unescape_ooxml("snake_x005F_case"), "snake_case");
        assert_eq!(unescape_ooxml("_xZZZZ_ and _x12"), "_xZZZZ_ and _x12");
        assert_eq!(unescape_ooxml("plain"), "plain");
    }

    #[test]
    fn unknown_entities_stay_unexpanded() {
        assert_eq!(entity(&BytesRef::new("amp")), "&");
        assert_eq!(entity(&BytesRef::new("#x41")), "A");
        assert_eq!(entity(&BytesRef::new("lol9")), "&lol9;");
    }

    #[test]
    fn bounded_text_stops_at_a_character_boundary() {
        let mut text = "x".repeat(MAX_TEXT_BYTES - 1);
        push_bounded(&mut text, "éé");
        assert_eq!(text.len(), MAX_TEXT_BYTES - 1);
        assert!(text.is_char_boundary(text.len()));
    }
}
