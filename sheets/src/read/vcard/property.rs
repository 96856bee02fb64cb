//! One vCard property line read into its parts, and its value decoded to
//! text: `[group.]NAME *(;param) : value`.
//!
//! Parameters as the three versions write them: `TYPE=work,cell` (3.0 and
//! 4.0), `type=CELL;type=pref` (iPhone), 2.1's bare `;CELL;WORK` and
//! `;QUOTED-PRINTABLE`, `PREF=1` (4.0), `CHARSET=` and `ENCODING=`.
//! Values: quoted-printable octets resolved, the text decoded in its
//! `CHARSET` (UTF-8 when none is given; bytes that are not UTF-8 and name
//! no charset are read as Windows-1252, which is what old Outlook writes),
//! `\n` `\,` `\;` `\\` unescaped, and structured values (`N`, `ADR`, `ORG`)
//! split at the `;`s that are not escaped.
//!
//! Invariant: parsing never fails and never panics: a line without a colon
//! is no property (`None`), and a value that cannot be decoded is read as
//! best it can be (unknown charsets as UTF-8 with replacement characters).

use std::borrow::Cow;

use encoding_rs::{Encoding, WINDOWS_1252};

use super::lines::{head_end, trim_quotes};

/// How a value is transfer-encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TransferEncoding {
    Plain,
    QuotedPrintable,
    /// Base64 (a photo, a key): never text we import.
    Base64,
}

/// One property line, read.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Property {
    /// The group (`item1` in `item1.EMAIL`), lower case.
    pub(super) group: Option<String>,
    /// The name without its group, upper case: `EMAIL`.
    pub(super) name: String,
    /// The `TYPE` values as written (bare 2.1 types too), `pref` left out.
    pub(super) types: Vec<String>,
    /// How preferred it is: `PREF=n` (4.0), 1 for `TYPE=pref`, else none.
    pub(super) pref: Option<u32>,
    pub(super) encoding: TransferEncoding,
    /// The `CHARSET` parameter, if any.
    pub(super) charset: Option<String>,
    /// The raw value: everything after the colon.
    pub(super) value: Vec<u8>,
}

impl Property {
    /// Reads one logical line; `None` when it has no colon.
    pub(super) fn parse(line: &[u8]) -> Option<Property> {
        let colon = head_end(line)?;
        let head = &line[..colon];
        let mut parts = split_outside_quotes(head, b';').into_iter();
        let full_name = String::from_utf8_lossy(parts.next().unwrap_or_default());
        let full_name = full_name.trim();
        let (group, name) = match full_name.rsplit_once('.') {
            Some((group, name)) => (Some(group.to_ascii_lowercase()), name),
            None => (None, full_name),
        };
        let mut property = Property {
            group,
            name: name.to_ascii_uppercase(),
            types: Vec::new(),
            pref: None,
            encoding: TransferEncoding::Plain,
            charset: None,
            value: line[colon + 1..].to_vec(),
        };
        for param in parts {
            property.add_param(param);
        }
        Some(property)
    }

    fn add_param(&mut self, param: &[u8]) {
        let (name, values) = match param.iter().position(|&b| b == b'=') {
            Some(at) => (Some(param[..at].trim_ascii()), &param[at + 1..]),
            None => (None, param),
        };
        let name = name.map(|name| String::from_utf8_lossy(name).to_ascii_uppercase());
        // `TYPE="work,voice"` (4.0) is a list too.
        let values = split_outside_quotes(values, b',')
            .into_iter()
            .flat_map(|value| trim_quotes(value).split(|&b| b == b','));
        for value in values {
            let value = String::from_utf8_lossy(value.trim_ascii()).into_owned();
            if value.is_empty() {
                continue;
            }
            match name.as_deref() {
                Some("ENCODING") | None if is_encoding(&value) => {
                    self.encoding = encoding_named(&value);
                }
                Some("CHARSET") => self.charset = Some(value),
                Some("PREF") => {
                    if let Ok(rank) = value.parse::<u32>() {
                        self.pref = Some(self.pref.map_or(rank, |pref| pref.min(rank)));
                    }
                }
                Some("TYPE") | None => {
                    if value.eq_ignore_ascii_case("pref") {
                        self.pref = Some(self.pref.map_or(1, |pref| pref.min(1)));
                    } else if !self.types.iter().any(|known| known.eq_ignore_ascii_case(&value)) {
                        self.types.push(value);
                    }
                }
                Some(_) => {}
            }
        }
    }

    /// Whether one of its types is `wanted` (any case).
    pub(super) fn has_type(&self, wanted: &str) -> bool {
        self.types.iter().any(|kind| kind.eq_ignore_ascii_case(wanted))
    }

    /// The value as text, unescaped (for unstructured values: `FN`, `TEL`,
    /// `EMAIL`, `NOTE`…). Empty for base64 values.
    pub(super) fn text(&self) -> String {
        unescape(&self.decoded())
    }

    /// The value's `;`-separated components, each unescaped (for `N`,
    /// `ADR`, `ORG`).
    pub(super) fn components(&self) -> Vec<String> {
        let decoded = self.decoded();
        let mut components = Vec::new();
        let mut start = 0;
        let mut escaped = false;
        for (at, c) in decoded.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                ';' => {
                    components.push(unescape(&decoded[start..at]));
                    start = at + 1;
                }
                _ => {}
            }
        }
        components.push(unescape(&decoded[start..]));
        components
    }

    /// The value's text before unescaping: transfer encoding resolved, then
    /// decoded in its charset, line ends as `\n`.
    fn decoded(&self) -> String {
        let bytes = match self.encoding {
            TransferEncoding::Plain => Cow::Borrowed(self.value.as_slice()),
            TransferEncoding::QuotedPrintable => {
                Cow::Owned(quoted_printable(&self.value))
            }
            TransferEncoding::Base64 => return String::new(),
        };
        let text = match self
            .charset
            .as_deref()
            .and_then(|label| Encoding::for_label(label.trim().as_bytes()))
        {
            Some(encoding) => encoding.decode_without_bom_handling(&bytes).0,
            None => match std::str::from_utf8(&bytes) {
                Ok(text) => Cow::Borrowed(text),
                Err(_) => WINDOWS_1252.decode_without_bom_handling(&bytes).0,
            },
        };
        text.replace("\r\n", "\n").replace('\r', "\n")
    }
}

fn is_encoding(value: &str) -> bool {
    ["QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"]
        .iter()
        .any(|name| name.eq_ignore_ascii_case(value))
}

fn encoding_named(value: &str) -> TransferEncoding {
    if value.eq_ignore_ascii_case("QUOTED-PRINTABLE") {
        TransferEncoding::QuotedPrintable
    } else if value.eq_ignore_ascii_case("BASE64") || value.eq_ignore_ascii_case("B") {
        TransferEncoding::Base64
    } else {
        TransferEncoding::Plain
    }
}

/// `bytes` split at `separator` where it is outside double quotes.
fn split_outside_quotes(bytes: &[u8], separator: u8) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (at, &b) in bytes.iter().enumerate() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == separator && !quoted {
            parts.push(&bytes[start..at]);
            start = at + 1;
        }
    }
    parts.push(&bytes[start..]);
    parts
}

/// Quoted-printable decoded: `=XX` is the octet XX, a soft line break
/// (`=` before a line end, left by a writer that also folded) is nothing,
/// and any other `=` stays as it is.
fn quoted_printable(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        if b == b'=' {
            let hex = |i: usize| bytes.get(i).and_then(|&d| (d as char).to_digit(16));
            if let (Some(high), Some(low)) = (hex(at + 1), hex(at + 2)) {
                out.push((high * 16 + low) as u8);
                at += 3;
                continue;
            }
            if bytes.get(at + 1) == Some(&b'\r') || bytes.get(at + 1) == Some(&b'\n') {
                at += 1;
                while matches!(bytes.get(at), Some(b'\r' | b'\n')) {
                    at += 1;
                }
                continue;
            }
        }
        out.push(b);
        at += 1;
    }
    out
}

/// vCard text unescaped: `\n` and `\N` are line breaks; `\,` `\;` `\:`
/// and `\\` the character itself; any other backslash stays.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(c @ (',' | ';' | ':' | '\\')) => out.push(c),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Property {
        Property::parse(line.as_bytes()).expect("a property")
    }

    #[test]
    fn groups_names_and_types_are_read_from_every_versions_parameters() {
        let iphone = parse("item1.EMAIL;type=INTERNET;type=WORK;type=pref:ann@x.io");
        assert_eq!(iphone.group.as_deref(), Some("item1"));
        assert_eq!(iphone.name, "EMAIL");
        assert_eq!(iphone.types, ["INTERNET", "WORK"]);
        assert_eq!(iphone.pref, Some(1));
        let v21 = parse("TEL;CELL;WORK:+61 412 345 678");
        assert_eq!(v21.types, ["CELL", "WORK"]);
        assert!(v21.has_type("cell"));
        let v4 = parse("tel;VALUE=uri;TYPE=\"voice,home\";PREF=2:tel:+1-555-0100");
        assert_eq!(v4.name, "TEL");
        assert_eq!(v4.types, ["voice", "home"]);
        assert_eq!(v4.pref, Some(2));
        assert_eq!(v4.text(), "tel:+1-555-0100");
        assert_eq!(Property::parse(b"no colon here"), None);
    }

    #[test]
    fn quoted_printable_values_are_decoded_in_their_charset() {
        let android = parse(
            "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=98deg=C3=A5rd;Zo=C3=AB;;;",
        );
        assert_eq!(android.components(), ["Ødegård", "Zoë", "", "", ""]);
        let latin1 = parse("NOTE;CHARSET=ISO-8859-1;QUOTED-PRINTABLE:caf=E9=0D=0Asecond line");
        assert_eq!(latin1.text(), "café\nsecond line");
        // No charset and not UTF-8: Windows-1252, as old Outlook writes it.
        let outlook = Property::parse(b"FN:Jos\xe9 M\x80").expect("a property");
        assert_eq!(outlook.text(), "José M€");
        // A stray "=" that is no octet stays.
        assert_eq!(parse("NOTE;QUOTED-PRINTABLE:a=b =3D c=").text(), "a=b = c=");
    }

    #[test]
    fn escaped_separators_stay_in_their_component() {
        let adr = parse("ADR;TYPE=work:;Suite 5;200 George St\\, Level 2;Sydney;NSW;2000;Australia");
        assert_eq!(
            adr.components(),
            ["", "Suite 5", "200 George St, Level 2", "Sydney", "NSW", "2000", "Australia"]
        );
        assert_eq!(parse("NOTE:one\\ntwo\\; three\\\\").text(), "one\ntwo; three\\");
        assert_eq!(parse("ORG:Acme\\; Co;Sales").components(), ["Acme; Co", "Sales"]);
    }

    #[test]
    fn base64_values_are_not_text() {
        assert_eq!(parse("PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ").text(), "");
        assert_eq!(parse("PHOTO;BASE64:/9j/4AAQ").text(), "");
    }
}
