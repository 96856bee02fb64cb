//! What kind of file the bytes are, by content: a zip package, an OLE2
//! compound file, text, or something we can name but not read. The file
//! name only breaks ties later (`.xlsm`), it never overrides the bytes.

use super::error::ReadError;

/// The container the bytes are in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Container {
    /// A zip archive: xlsx, xlsm, xlsb or ods (or another zip).
    Zip,
    /// An OLE2 compound file: xls, or an encrypted xlsx (or a .doc…).
    Ole,
    /// Text: CSV (whatever the file is called).
    Text,
}

const ZIP_MAGIC: &[&[u8]] = &[b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"];
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Binary formats people pick by mistake, by their first bytes.
const KNOWN_BINARIES: &[(&[u8], &str)] = &[
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG picture"),
    (b"\xFF\xD8\xFF", "a JPEG picture"),
    (b"GIF8", "a GIF picture"),
    (b"II*\x00", "a TIFF picture"),
    (b"MM\x00*", "a TIFF picture"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xBC\xAF", "a 7-Zip archive"),
    (b"\x1F\x8B", "a gzip archive"),
    (b"{\\rtf", "a Rich Text document"),
];

/// The container of `bytes`, or why they are not a spreadsheet.
pub(crate) fn container(bytes: &[u8]) -> Result<Container, ReadError> {
    if ZIP_MAGIC.iter().any(|magic| bytes.starts_with(magic)) {
        return Ok(Container::Zip);
    }
    if bytes.starts_with(OLE_MAGIC) {
        return Ok(Container::Ole);
    }
    if let Some((_, name)) = KNOWN_BINARIES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
    {
        return Err(ReadError::not_a_spreadsheet(Some(name)));
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Ok(Container::Text);
    }
    if looks_binary(bytes) {
        return Err(ReadError::not_a_spreadsheet(None));
    }
    if let Some(markup) = markup_kind(bytes) {
        return Err(ReadError::not_a_spreadsheet(Some(markup)));
    }
    Ok(Container::Text)
}

/// Whether the start of the file has NUL bytes or many control characters,
/// which text never has.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
        .count();
    controls * 10 > head.len()
}

/// HTML and XML that spreadsheet programs save under spreadsheet names.
fn markup_kind(bytes: &[u8]) -> Option<&'static str> {
    let head = &bytes[..bytes.len().min(4096)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let head = String::from_utf8_lossy(&head[start..]).to_ascii_lowercase();
    if head.starts_with("<!doctype html") || head.starts_with("<html") || head.starts_with("<table")
    {
        return Some("a web page (HTML)");
    }
    if head.starts_with("<?xml") || head.starts_with("<!doctype") {
        if head.contains("urn:schemas-microsoft-com:office:spreadsheet") {
            return Some("an Excel 2003 XML spreadsheet");
        }
        if head.contains("<html") {
            return Some("a web page (HTML)");
        }
        return Some("an XML file");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_are_known_by_their_first_bytes() {
        assert_eq!(container(b"PK\x03\x04rest"), Ok(Container::Zip));
        assert_eq!(container(OLE_MAGIC), Ok(Container::Ole));
        assert_eq!(container(b"Name,Email\nAnn,a@b.c\n"), Ok(Container::Text));
        assert_eq!(container(b"\xFF\xFEN\0"), Ok(Container::Text));
        assert_eq!(container(b"caf\xE9,b\n"), Ok(Container::Text));
    }

    #[test]
    fn other_files_are_named() {
        let named = |bytes: &[u8]| match container(bytes) {
            Err(ReadError::NotASpreadsheet { looks_like }) => looks_like,
            other => panic!("{other:?}"),
        };
        assert_eq!(named(b"%PDF-1.7\n").as_deref(), Some("a PDF document"));
        assert_eq!(
            named(b"\x89PNG\r\n\x1a\n").as_deref(),
            Some("a PNG picture")
        );
        assert_eq!(
            named(b"  <!DOCTYPE html><html>").as_deref(),
            Some("a web page (HTML)")
        );
        assert_eq!(named(b"\x00\x01\x02\x03").as_deref(), None);
        assert_eq!(
            named(b"<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">").as_deref(),
            Some("an Excel 2003 XML spreadsheet")
        );
    }
}
