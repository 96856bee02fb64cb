//! xlsb: Excel binary workbooks (BIFF12 records in a zip package).
//!
//! Memory: each record is read into one reused buffer, incrementally, so a
//! record claiming 256 MB costs only the bytes really there (and records
//! above 4 MB are refused); every field is length-checked before use; the
//! shared strings are held like xlsx's; the sheet is streamed into the
//! [`SheetBuilder`]. Sheet names and relationships come from the same
//! packaging as xlsx.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read;

use super::builder::{SheetBuilder, TextBudget};
use super::dates::{is_builtin_date_format, is_date_format_code, DateSystem};
use super::error::ReadError;
use super::ooxml::{part_rels, Relationship};
use super::sheets::{choose, sheet_name, SheetInfo, Visibility, MAX_SHEETS};
use super::strings::StringTable;
use super::value::{clean_text, error_code, Value};
use super::xls::rk_number;
use super::xlsx::MAX_FORMATS;
use super::zip_guard::{EntryReader, Package};
use crate::sheet::{Limits, Sheet};

/// Largest record accepted (real ones are at most tens of kilobytes).
const MAX_RECORD_BYTES: u64 = 4 * 1024 * 1024;

const ROW_HEADER: u16 = 0x0000;
const WORKBOOK_PROPERTIES: u16 = 0x0099;
const BUNDLE_SHEET: u16 = 0x009C;
const END_BUNDLE_SHEETS: u16 = 0x0090;
const SST_ITEM: u16 = 0x0013;
const FORMAT: u16 = 0x002C;
const XF: u16 = 0x002F;
const BEGIN_CELL_XFS: u16 = 0x0269;
const END_CELL_XFS: u16 = 0x026A;
const END_SHEET_DATA: u16 = 0x0092;
const CELL_RICH_STRING: u16 = 0x003E;

fn damaged(what: &str) -> ReadError {
    ReadError::damaged(format!("xlsb: {what}"))
}

/// BIFF12 records of one part.
struct Records<'z> {
    reader: EntryReader<'z>,
    buf: Vec<u8>,
}

impl<'z> Records<'z> {
    fn new(reader: EntryReader<'z>) -> Records<'z> {
        Records {
            reader,
            buf: Vec::new(),
        }
    }

    fn byte(&mut self) -> Result<Option<u8>, ReadError> {
        let mut one = [0u8; 1];
        match self.reader.read(&mut one) {
            Ok(0) => Ok(None),
            Ok(_) => Ok(Some(one[0])),
            Err(_) => Err(self
                .reader
                .failure()
                .unwrap_or_else(|| damaged("cannot inflate"))),
        }
    }

    /// The next record's type and data, or `None` at the end of the part.
    fn next(&mut self) -> Result<Option<(u16, &[u8])>, ReadError> {
        self.reader.start_event();
        let Some(first) = self.byte()? else {
            return Ok(None);
        };
        let mut kind = u16::from(first & 0x7F);
        if first & 0x80 != 0 {
            let second = self
                .byte()?
                .ok_or_else(|| damaged("record type cut short"))?;
            kind |= u16::from(second & 0x7F) << 7;
        }
        let mut size: u64 = 0;
        for i in 0..4 {
            let b = self
                .byte()?
                .ok_or_else(|| damaged("record size cut short"))?;
            size |= u64::from(b & 0x7F) << (7 * i);
            if b & 0x80 == 0 {
                break;
            }
        }
        if size > MAX_RECORD_BYTES {
            return Err(damaged("record too large"));
        }
        self.buf.clear();
        let read = (&mut self.reader).take(size).read_to_end(&mut self.buf);
        if read.is_err() {
            return Err(self
                .reader
                .failure()
                .unwrap_or_else(|| damaged("cannot inflate")));
        }
        if (self.buf.len() as u64) < size {
            return Err(damaged("record cut short"));
        }
        Ok(Some((kind, &self.buf)))
    }
}

fn u8_at(data: &[u8], at: usize) -> Option<u8> {
    data.get(at).copied()
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

fn f64_at(data: &[u8], at: usize) -> Option<f64> {
    Some(f64::from_le_bytes(data.get(at..at + 8)?.try_into().ok()?))
}

/// An `XLWideString` at `at`: its text and the offset after it. A count of
/// 0xFFFFFFFF (a null `XLNullableWideString`) is an empty string.
fn wide_string(data: &[u8], at: usize) -> Option<(String, usize)> {
    let count = u32_at(data, at)?;
    if count == u32::MAX {
        return Some((String::new(), at + 4));
    }
    let start = at + 4;
    let end = start.checked_add((count as usize).checked_mul(2)?)?;
    let bytes = data.get(start..end)?;
    let units = bytes
        .chunks_exact(2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]));
    let text = char::decode_utf16(units)
        .map(|c| c.unwrap_or('\u{FFFD}'))
        .collect();
    Some((text, end))
}

/// Reads the chosen sheet of the xlsb whose main part is `main`.
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
    let date_styles = match target_of(&rels, "styles") {
        Some(path) => read_styles(package, &path)?,
        None => Vec::new(),
    };
    let mut budget = TextBudget::new(limits);
    let strings = match target_of(&rels, "sharedstrings") {
        Some(path) => read_shared_strings(package, &path, &mut budget)?,
        None => StringTable::default(),
    };
    let mut builder = SheetBuilder::new(&chosen.name, limits, budget, progress);
    let context = Context {
        strings: &strings,
        date_styles: &date_styles,
        system,
    };
    read_sheet(package, &chosen.location, &context, &mut builder)?;
    Ok((names, builder.finish()?))
}

fn target_of(rels: &[Relationship], kind: &str) -> Option<String> {
    rels.iter()
        .find(|rel| rel.kind == kind && !rel.target.is_empty())
        .map(|rel| rel.target.clone())
}

fn open<'p>(package: &'p mut Package<'_>, path: &str) -> Result<Records<'p>, ReadError> {
    let entry = package
        .reader(path)?
        .ok_or_else(|| damaged(&format!("{path} is missing")))?;
    Ok(Records::new(entry))
}

fn read_workbook(
    package: &mut Package<'_>,
    main: &str,
    rels: &[Relationship],
) -> Result<(Vec<SheetInfo<String>>, DateSystem), ReadError> {
    let by_id: HashMap<&str, &Relationship> =
        rels.iter().map(|rel| (rel.id.as_str(), rel)).collect();
    let mut records = open(package, main)?;
    let mut sheets = Vec::new();
    let mut system = DateSystem::Excel1900;
    while let Some((kind, data)) = records.next()? {
        match kind {
            WORKBOOK_PROPERTIES if u8_at(data, 0).is_some_and(|flags| flags & 1 == 1) => {
                system = DateSystem::Excel1904;
            }
            BUNDLE_SHEET => {
                let state = u32_at(data, 0).ok_or_else(|| damaged("short sheet record"))?;
                let (rel_id, next) =
                    wide_string(data, 8).ok_or_else(|| damaged("short sheet record"))?;
                let (name, _) =
                    wide_string(data, next).ok_or_else(|| damaged("short sheet name"))?;
                let rel = by_id
                    .get(rel_id.as_str())
                    .filter(|rel| rel.kind == "worksheet" && !rel.target.is_empty());
                if let Some(rel) = rel {
                    if sheets.len() < MAX_SHEETS {
                        sheets.push(SheetInfo {
                            name: sheet_name(&name),
                            visibility: match state {
                                0 => Visibility::Visible,
                                1 => Visibility::Hidden,
                                _ => Visibility::VeryHidden,
                            },
                            location: rel.target.clone(),
                        });
                    }
                }
            }
            END_BUNDLE_SHEETS => break,
            _ => {}
        }
    }
    Ok((sheets, system))
}

fn read_styles(package: &mut Package<'_>, path: &str) -> Result<Vec<bool>, ReadError> {
    let mut records = open(package, path)?;
    let mut custom: HashMap<u16, bool> = HashMap::new();
    let mut formats: Vec<u16> = Vec::new();
    let mut in_cell_xfs = false;
    while let Some((kind, data)) = records.next()? {
        match kind {
            FORMAT if custom.len() < MAX_FORMATS => {
                let id = data.get(0..2).map(|b| u16::from_le_bytes([b[0], b[1]]));
                if let (Some(id), Some((code, _))) = (id, wide_string(data, 2)) {
                    custom.insert(id, is_date_format_code(&code));
                }
            }
            BEGIN_CELL_XFS => in_cell_xfs = true,
            END_CELL_XFS => in_cell_xfs = false,
            XF if in_cell_xfs && formats.len() < MAX_FORMATS => {
                if let Some(b) = data.get(2..4) {
                    formats.push(u16::from_le_bytes([b[0], b[1]]));
                }
            }
            _ => {}
        }
    }
    Ok(formats
        .into_iter()
        .map(|id| {
            custom
                .get(&id)
                .copied()
                .unwrap_or_else(|| is_builtin_date_format(u32::from(id)))
        })
        .collect())
}

fn read_shared_strings(
    package: &mut Package<'_>,
    path: &str,
    budget: &mut TextBudget,
) -> Result<StringTable, ReadError> {
    let mut records = open(package, path)?;
    let mut strings = StringTable::default();
    while let Some((kind, data)) = records.next()? {
        if kind == SST_ITEM {
            let (text, _) = wide_string(data, 1).ok_or_else(|| damaged("short shared string"))?;
            strings.push(&clean_text(&text), budget)?;
        }
    }
    Ok(strings)
}

struct Context<'c> {
    strings: &'c StringTable,
    date_styles: &'c [bool],
    system: DateSystem,
}

fn read_sheet(
    package: &mut Package<'_>,
    path: &str,
    context: &Context<'_>,
    builder: &mut SheetBuilder<'_>,
) -> Result<(), ReadError> {
    let mut records = open(package, path)?;
    let mut row: u32 = 0;
    let mut last_col: Option<u32> = None;
    while let Some((kind, data)) = records.next()? {
        let short = || damaged("cell record cut short");
        // Full cell records start with the column; short ones (12–18) do
        // not and follow the previous cell.
        let (col, body) = match kind {
            ROW_HEADER => {
                row = u32_at(data, 0).ok_or_else(short)?;
                last_col = None;
                continue;
            }
            END_SHEET_DATA => break,
            0x0001..=0x000B | CELL_RICH_STRING => (u32_at(data, 0).ok_or_else(short)?, 4),
            0x000C..=0x0012 => (last_col.map_or(0, |c| c.saturating_add(1)), 0),
            _ => continue,
        };
        last_col = Some(col);
        if !builder.wants(col) {
            continue;
        }
        let style = data
            .get(body..body + 3)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], 0]) as usize)
            .ok_or_else(short)?;
        let at = body + 4;
        let number = |x: f64| {
            if context.date_styles.get(style).copied().unwrap_or(false) {
                Value::Date(x, context.system)
            } else {
                Value::Number(x)
            }
        };
        let value = match kind {
            0x0001 | 0x000C => Value::Empty,
            0x0002 | 0x000D => number(rk_number(u32_at(data, at).ok_or_else(short)?)),
            0x0003 | 0x000B | 0x000E => Value::Error(Cow::Borrowed(error_code(
                u8_at(data, at).ok_or_else(short)?,
            ))),
            0x0004 | 0x000A | 0x000F => Value::Bool(u8_at(data, at).ok_or_else(short)? != 0),
            0x0005 | 0x0009 | 0x0010 => number(f64_at(data, at).ok_or_else(short)?),
            0x0006 | 0x0008 | 0x0011 => {
                Value::Text(Cow::Owned(wide_string(data, at).ok_or_else(short)?.0))
            }
            CELL_RICH_STRING => {
                Value::Text(Cow::Owned(wide_string(data, at + 1).ok_or_else(short)?.0))
            }
            _ => {
                let index = u32_at(data, at).ok_or_else(short)? as usize;
                let text = context
                    .strings
                    .get(index)
                    .ok_or_else(|| damaged("shared string index out of range"))?;
                Value::Text(Cow::Borrowed(text))
            }
        };
        builder.push(row, col, value)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_strings_are_length_checked() {
        let data = [2, 0, 0, 0, b'h', 0, b'i', 0, 9];
        assert_eq!(wide_string(&data, 0), Some(("hi".to_string(), 8)));
        assert_eq!(wide_string(&[9, 0, 0, 0, b'h', 0], 0), None);
        assert_eq!(
            wide_string(&[0xFF, 0xFF, 0xFF, 0xFF], 0),
            Some((String::new(), 4))
        );
        assert_eq!(wide_string(&[0xFF, 0xFF, 0xFF, 0x7F], 0), None);
    }
}
