//! xlsx and xlsm: SpreadsheetML read as a stream with quick-xml.
//!
//! Memory: the shared-string table is held (each string trimmed and cut to
//! 32,767 characters, all of it counted against the text budget); styles
//! keep one date flag per cell format (at most 65,536); the sheet is
//! streamed cell by cell into the [`SheetBuilder`], which keeps only the
//! header's columns and stops at the row limit. Nothing is sized from a
//! count or a dimension the file declares.

use std::borrow::Cow;
use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};

use super::builder::{SheetBuilder, TextBudget};
use super::dates::{is_builtin_date_format, is_date_format_code, DateSystem};
use super::error::ReadError;
use super::ooxml::{dir_of, part_rels, Relationship};
use super::sheets::{choose, sheet_name, SheetInfo, Visibility, MAX_SHEETS};
use super::strings::StringTable;
use super::value::{clean_text, Value};
use super::xml::{attr_local, push_bounded, unescape_ooxml, XmlPart};
use super::zip_guard::Package;
use crate::sheet::{Limits, Sheet};

/// Largest workbook part accepted (it lists sheets and names: kilobytes).
const MAX_WORKBOOK_BYTES: u64 = 16 * 1024 * 1024;
/// Most cell formats (Excel allows 64,000) and custom number formats kept.
pub(crate) const MAX_FORMATS: usize = 65_536;
/// Longest number format code looked at.
const MAX_FORMAT_CODE: usize = 1_024;

/// Reads the chosen sheet of the workbook whose main part is `main`.
pub(crate) fn read(
    package: &mut Package<'_>,
    main: &str,
    requested: Option<&str>,
    limits: &Limits,
    progress: &mut dyn FnMut(u32),
) -> Result<(Vec<String>, Sheet), ReadError> {
    let rels = part_rels(package, main)?;
    let (sheets, system) = read_workbook(package, main, &rels)?;
    let (names, chosen) = choose(&sheets, requested)?;
    let dir = dir_of(main);
    let styles = target_of(&rels, "styles").unwrap_or_else(|| format!("{dir}styles.xml"));
    let date_styles = read_styles(package, &styles)?;
    let mut budget = TextBudget::new(limits);
    let strings_path =
        target_of(&rels, "sharedstrings").unwrap_or_else(|| format!("{dir}sharedStrings.xml"));
    let strings = read_shared_strings(package, &strings_path, &mut budget)?;
    let mut builder = SheetBuilder::new(&chosen.name, limits, budget, progress);
    let context = Context {
        strings: &strings,
        date_styles: &date_styles,
        system,
    };
    read_sheet(package, &chosen.location, &context, &mut builder)?;
    Ok((names, builder.finish()?))
}

/// The target of the first relationship of `kind`.
fn target_of(rels: &[Relationship], kind: &str) -> Option<String> {
    rels.iter()
        .find(|rel| rel.kind == kind && !rel.target.is_empty())
        .map(|rel| rel.target.clone())
}

/// The worksheets listed in the workbook part, and its date system.
fn read_workbook(
    package: &mut Package<'_>,
    main: &str,
    rels: &[Relationship],
) -> Result<(Vec<SheetInfo<String>>, DateSystem), ReadError> {
    let entry = package
        .reader(main)?
        .ok_or_else(|| ReadError::damaged(format!("{main} is missing")))?;
    if entry.declared() > MAX_WORKBOOK_BYTES {
        return Err(ReadError::suspicious(format!(
            "{main} is {} bytes",
            entry.declared()
        )));
    }
    let by_id: HashMap<&str, &Relationship> =
        rels.iter().map(|rel| (rel.id.as_str(), rel)).collect();
    let mut xml = XmlPart::new(entry, main);
    let mut sheets = Vec::new();
    let mut system = DateSystem::Excel1900;
    let mut in_sheets = false;
    loop {
        match xml.next()? {
            Event::Start(e) => match e.local_name().as_ref() {
                "sheets" => in_sheets = true,
                "workbookPr" => {
                    if let Some(value) = attr_local(&e, "date1904") {
                        if value == "1" || value.eq_ignore_ascii_case("true") {
                            system = DateSystem::Excel1904;
                        }
                    }
                }
                "sheet" if in_sheets && sheets.len() < MAX_SHEETS => {
                    let name = sheet_name(&attr_local(&e, "name").unwrap_or_default());
                    let visibility = match attr_local(&e, "state").as_deref() {
                        Some("hidden") => Visibility::Hidden,
                        Some("veryHidden") => Visibility::VeryHidden,
                        _ => Visibility::Visible,
                    };
                    let rel = attr_local(&e, "id").and_then(|id| by_id.get(id.as_ref()).copied());
                    if let Some(rel) =
                        rel.filter(|rel| rel.kind == "worksheet" && !rel.target.is_empty())
                    {
                        sheets.push(SheetInfo {
                            name,
                            visibility,
                            location: rel.target.clone(),
                        });
                    }
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "sheets" => in_sheets = false,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok((sheets, system))
}

/// For each cell format (`s` index), whether it shows dates or times.
fn read_styles(package: &mut Package<'_>, path: &str) -> Result<Vec<bool>, ReadError> {
    let Some(entry) = package.reader(path)? else {
        return Ok(Vec::new());
    };
    let mut xml = XmlPart::new(entry, path);
    let mut custom: HashMap<u32, bool> = HashMap::new();
    let mut formats: Vec<Option<u32>> = Vec::new();
    // Depth inside <cellXfs>; its <xf> children are the cell formats.
    let mut cell_xfs_depth: Option<usize> = None;
    let mut depth = 0usize;
    loop {
        match xml.next()? {
            Event::Start(e) => {
                depth += 1;
                match e.local_name().as_ref() {
                    "numFmt" if custom.len() < MAX_FORMATS => {
                        let id =
                            attr_local(&e, "numFmtId").and_then(|id| id.trim().parse::<u32>().ok());
                        let code = attr_local(&e, "formatCode").unwrap_or_default();
                        if let Some(id) = id {
                            let code: String = code.chars().take(MAX_FORMAT_CODE).collect();
                            custom.insert(id, is_date_format_code(&code));
                        }
                    }
                    "cellXfs" => cell_xfs_depth = Some(depth),
                    "xf" if cell_xfs_depth.is_some_and(|d| depth == d + 1)
                        && formats.len() < MAX_FORMATS =>
                    {
                        let id =
                            attr_local(&e, "numFmtId").and_then(|id| id.trim().parse::<u32>().ok());
                        formats.push(id);
                    }
                    _ => {}
                }
            }
            Event::End(e) => {
                if e.local_name().as_ref() == "cellXfs" {
                    cell_xfs_depth = None;
                }
                depth = depth.saturating_sub(1);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(formats
        .into_iter()
        .map(|id| match id {
            Some(id) => custom
                .get(&id)
                .copied()
                .unwrap_or_else(|| is_builtin_date_format(id)),
            None => false,
        })
        .collect())
}

/// The shared strings, each trimmed and cut to 32,767 characters.
fn read_shared_strings(
    package: &mut Package<'_>,
    path: &str,
    budget: &mut TextBudget,
) -> Result<StringTable, ReadError> {
    let Some(entry) = package.reader(path)? else {
        return Ok(StringTable::default());
    };
    let mut xml = XmlPart::new(entry, path);
    let mut strings = StringTable::default();
    loop {
        match xml.next()? {
            Event::Start(e) if e.local_name().as_ref() == "si" => {
                let text = rich_text(&mut xml, "si")?;
                strings.push(&clean_text(&unescape_ooxml(&text)), budget)?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(strings)
}

/// The text of a string item (`<si>` or `<is>`): its `<t>` elements, runs
/// included, phonetic guides (`<rPh>`) left out.
fn rich_text(xml: &mut XmlPart<'_>, end: &str) -> Result<String, ReadError> {
    let mut text = String::new();
    let mut in_t = 0usize;
    let mut in_phonetic = 0usize;
    loop {
        match xml.next()? {
            Event::Start(e) => match e.local_name().as_ref() {
                "t" => in_t += 1,
                "rPh" => in_phonetic += 1,
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_t = in_t.saturating_sub(1),
                "rPh" => in_phonetic = in_phonetic.saturating_sub(1),
                name if name == end => return Ok(text),
                _ => {}
            },
            Event::Text(t) if in_t > 0 && in_phonetic == 0 => {
                push_bounded(&mut text, &t.xml10_content())
            }
            Event::CData(t) if in_t > 0 && in_phonetic == 0 => {
                push_bounded(&mut text, &t.xml10_content())
            }
            Event::GeneralRef(r) if in_t > 0 && in_phonetic == 0 => {
                push_bounded(&mut text, &super::xml::entity(&r))
            }
            Event::Eof => return Err(xml.eof()),
            _ => {}
        }
    }
}

/// What cell values need from the rest of the workbook.
struct Context<'c> {
    strings: &'c StringTable,
    date_styles: &'c [bool],
    system: DateSystem,
}

/// A cell's `t` attribute.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CellType {
    Number,
    Shared,
    Inline,
    Formula,
    Bool,
    Error,
    Date,
    Other,
}

impl CellType {
    fn from(t: &str) -> CellType {
        match t {
            "n" => CellType::Number,
            "s" => CellType::Shared,
            "inlineStr" => CellType::Inline,
            "str" => CellType::Formula,
            "b" => CellType::Bool,
            "e" => CellType::Error,
            "d" => CellType::Date,
            _ => CellType::Other,
        }
    }
}

/// A cell's position (0-based row and column), if given; its type; its
/// style index, if given.
type CellAttributes = (Option<(u32, u32)>, CellType, Option<usize>);

/// What a `<c>` element's attributes say. One pass over the attributes,
/// nothing allocated.
fn cell_attributes(e: &BytesStart<'_>) -> Result<CellAttributes, ReadError> {
    let mut position = None;
    let mut kind = CellType::Number;
    let mut style = None;
    let mut attributes = e.attributes();
    attributes.with_checks(false);
    for attribute in attributes.flatten() {
        match attribute.key.local_name().as_ref() {
            "r" => position = Some(parse_cell_ref(&attribute.value)?),
            "t" => kind = CellType::from(&attribute.value),
            "s" => style = attribute.value.trim().parse::<usize>().ok(),
            _ => {}
        }
    }
    Ok((position, kind, style))
}

/// Streams the worksheet at `path` into `builder`.
fn read_sheet(
    package: &mut Package<'_>,
    path: &str,
    context: &Context<'_>,
    builder: &mut SheetBuilder<'_>,
) -> Result<(), ReadError> {
    let entry = package
        .reader(path)?
        .ok_or_else(|| ReadError::damaged(format!("{path} is missing")))?;
    let mut xml = XmlPart::new(entry, path);
    let mut row: u32 = 0;
    let mut next_row: u32 = 0;
    let mut next_col: u32 = 0;
    let mut scratch = String::new();
    loop {
        let (position, kind, style) = match xml.next()? {
            Event::Start(e) => match e.local_name().as_ref() {
                "row" => {
                    row = match attr_local(&e, "r") {
                        Some(r) => parse_row_number(&r)?,
                        None => next_row,
                    };
                    next_row = row.saturating_add(1);
                    next_col = 0;
                    continue;
                }
                "c" => cell_attributes(&e)?,
                _ => continue,
            },
            Event::End(e) if e.local_name().as_ref() == "sheetData" => return Ok(()),
            // A worksheet always has <sheetData>; ending before its end
            // tag means the part is cut short or is not a worksheet.
            Event::Eof => return Err(xml.eof()),
            _ => continue,
        };
        let (cell_row, col) = position.unwrap_or((row, next_col));
        next_col = col.saturating_add(1);
        if !builder.wants(col) {
            xml.skip_element()?;
            continue;
        }
        let value = read_cell(&mut xml, kind, style, context, &mut scratch)?;
        builder.push(cell_row, col, value)?;
    }
}

/// The value of the `<c>` element just started; `scratch` is a reusable
/// buffer for the `<v>` text.
fn read_cell<'c>(
    xml: &mut XmlPart<'_>,
    kind: CellType,
    style: Option<usize>,
    context: &Context<'c>,
    scratch: &mut String,
) -> Result<Value<'c>, ReadError> {
    scratch.clear();
    let mut has_value = false;
    let mut inline: Option<String> = None;
    loop {
        match xml.next()? {
            Event::Start(e) => match e.local_name().as_ref() {
                "v" => {
                    has_value = true;
                    xml.text_into(scratch, "v")?;
                }
                "is" => inline = Some(rich_text(xml, "is")?),
                _ => xml.skip_element()?,
            },
            Event::End(e) if e.local_name().as_ref() == "c" => break,
            Event::Eof => return Err(xml.eof()),
            _ => {}
        }
    }
    if kind == CellType::Inline || !has_value {
        return Ok(match inline {
            Some(text) => Value::Text(Cow::Owned(unescape_ooxml(&text).into_owned())),
            None => Value::Empty,
        });
    }
    let raw = scratch.trim();
    if raw.is_empty() {
        return Ok(Value::Empty);
    }
    let owned = || Cow::Owned(scratch.clone());
    Ok(match kind {
        CellType::Shared => {
            let index: usize = raw
                .parse()
                .map_err(|_| ReadError::damaged("a shared string index is not a number"))?;
            let text = context
                .strings
                .get(index)
                .ok_or_else(|| ReadError::damaged("a shared string index is out of range"))?;
            Value::Text(Cow::Borrowed(text))
        }
        CellType::Formula => Value::Text(Cow::Owned(unescape_ooxml(scratch).into_owned())),
        CellType::Bool => match raw {
            "1" | "true" => Value::Bool(true),
            "0" | "false" => Value::Bool(false),
            _ => Value::Text(owned()),
        },
        CellType::Error => Value::Error(owned()),
        CellType::Date => Value::IsoDate(owned()),
        CellType::Number => match raw.parse::<f64>() {
            Ok(number) => {
                let is_date = style
                    .and_then(|s| context.date_styles.get(s))
                    .copied()
                    .unwrap_or(false);
                if is_date {
                    Value::Date(number, context.system)
                } else {
                    Value::Number(number)
                }
            }
            Err(_) => Value::Text(owned()),
        },
        CellType::Inline | CellType::Other => Value::Text(owned()),
    })
}

/// A row number (`r` of `<row>`, 1-based) as a 0-based index.
fn parse_row_number(text: &str) -> Result<u32, ReadError> {
    text.trim()
        .parse::<u32>()
        .ok()
        .and_then(|r| r.checked_sub(1))
        .ok_or_else(|| ReadError::damaged(format!("bad row number {text:?}")))
}

/// A cell reference such as `B12` (case-insensitive, `$` ignored) as
/// 0-based (row, column).
pub(crate) fn parse_cell_ref(text: &str) -> Result<(u32, u32), ReadError> {
    let bad = || {
        ReadError::damaged(format!(
            "bad cell reference {:?}",
            text.chars().take(20).collect::<String>()
        ))
    };
    let text = text.trim();
    let mut col: u32 = 0;
    let mut letters = 0;
    let mut rest = text;
    for (i, c) in text.char_indices() {
        match c {
            'A'..='Z' | 'a'..='z' => {
                let digit = (c.to_ascii_uppercase() as u32) - ('A' as u32) + 1;
                col = col
                    .checked_mul(26)
                    .and_then(|v| v.checked_add(digit))
                    .ok_or_else(bad)?;
                letters += 1;
            }
            '$' => {}
            _ => {
                rest = &text[i..];
                break;
            }
        }
    }
    if letters == 0 {
        return Err(bad());
    }
    let row = parse_row_number(rest.trim_start_matches('$')).map_err(|_| bad())?;
    Ok((row, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_are_parsed() {
        assert_eq!(parse_cell_ref("A1").unwrap(), (0, 0));
        assert_eq!(parse_cell_ref("b12").unwrap(), (11, 1));
        assert_eq!(parse_cell_ref("XFD1048576").unwrap(), (1_048_575, 16_383));
        assert_eq!(parse_cell_ref("$C$3").unwrap(), (2, 2));
        assert!(parse_cell_ref("A0").is_err());
        assert!(parse_cell_ref("12").is_err());
        assert!(parse_cell_ref("A99999999999").is_err());
        assert!(parse_cell_ref("ZZZZZZZZZZ1").is_err());
        assert!(parse_cell_ref("").is_err());
    }
}
