//! Office Open XML packaging: which part is the package's main document
//! (from `_rels/.rels`), to tell an xlsx from an xlsb, a Word document or
//! a presentation.

use quick_xml::events::Event;

use super::error::ReadError;
use super::xml::{attr_local, XmlPart};
use super::zip_guard::{normalise, Package};

/// Largest relationships part accepted (real ones are a few kilobytes).
const MAX_RELS_BYTES: u64 = 8 * 1024 * 1024;
/// Most relationships kept from one part.
const MAX_RELATIONSHIPS: usize = 100_000;

/// One relationship of a part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Relationship {
    pub(crate) id: String,
    /// The last segment of the relationship type, lower case:
    /// `officedocument`, `worksheet`, `sharedstrings`, `styles`…
    pub(crate) kind: String,
    /// The target part's normalised path in the package (empty for
    /// external targets).
    pub(crate) target: String,
}

/// The workbook part: the package's `officeDocument` relationship, or the
/// usual name when the package relationships are missing.
pub(crate) fn main_part(package: &mut Package<'_>) -> Result<Option<String>, ReadError> {
    let rels = read_rels(package, "_rels/.rels", "")?;
    if let Some(rel) = rels
        .iter()
        .find(|rel| rel.kind == "officedocument" && !rel.target.is_empty())
    {
        return Ok(Some(rel.target.clone()));
    }
    for fallback in ["xl/workbook.xml", "xl/workbook.bin"] {
        if package.has(fallback) {
            return Ok(Some(fallback.to_string()));
        }
    }
    Ok(None)
}

/// Reads a relationships part; targets are resolved against `base_dir`.
fn read_rels(
    package: &mut Package<'_>,
    path: &str,
    base_dir: &str,
) -> Result<Vec<Relationship>, ReadError> {
    let Some(entry) = package.reader(path)? else {
        return Ok(Vec::new());
    };
    if entry.declared() > MAX_RELS_BYTES {
        return Err(ReadError::suspicious(format!(
            "{path} is {} bytes",
            entry.declared()
        )));
    }
    let mut xml = XmlPart::new(entry, path);
    let mut rels = Vec::new();
    loop {
        match xml.next()? {
            Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                if rels.len() >= MAX_RELATIONSHIPS {
                    continue;
                }
                let id = attr_local(&e, "Id").unwrap_or_default().into_owned();
                let kind = attr_local(&e, "Type")
                    .map(|t| {
                        t.rsplit('/')
                            .next()
                            .unwrap_or_default()
                            .to_ascii_lowercase()
                    })
                    .unwrap_or_default();
                let external = attr_local(&e, "TargetMode")
                    .is_some_and(|m| m.eq_ignore_ascii_case("external"));
                let target = match attr_local(&e, "Target") {
                    Some(target) if !external => resolve(base_dir, &target),
                    _ => String::new(),
                };
                rels.push(Relationship { id, kind, target });
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(rels)
}

/// The package path of `target` relative to `base_dir`: a leading `/` is
/// the package root; `.` and `..` segments are resolved.
pub(crate) fn resolve(base_dir: &str, target: &str) -> String {
    let joined = if target.starts_with('/') || target.starts_with('\\') {
        target.to_string()
    } else {
        format!("{base_dir}{target}")
    };
    let mut segments: Vec<&str> = Vec::new();
    for segment in joined.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    normalise(&segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_against_the_part_folder() {
        assert_eq!(
            resolve("xl/", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve("xl/", "/xl/worksheets/Sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve("xl/worksheets/", "../sharedStrings.xml"),
            "xl/sharedstrings.xml"
        );
        assert_eq!(resolve("", "xl/workbook.xml"), "xl/workbook.xml");
        assert_eq!(resolve("xl/", "../../../../etc"), "etc");
    }
}
