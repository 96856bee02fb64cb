//! xls: Excel 97–2003 (BIFF8) workbooks, read record by record from the
//! `Workbook` stream of the compound file.
//!
//! Memory: the stream is one copy (at most the file size); the shared
//! string table holds each string cut to 32,767 characters and counted
//! against the text budget; only the chosen sheet's cell records are read,
//! straight into the [`SheetBuilder`]. Every record is length-checked
//! before its fields are read; no count or dimension the file declares
//! sizes anything. Excel 95 and older (BIFF5 and before) are refused with
//! [`ReadError::OldExcelFormat`].

use std::borrow::Cow;
use std::collections::HashMap;

use super::builder::{SheetBuilder, TextBudget};
use super::cfb::Compound;
use super::dates::{is_builtin_date_format, is_date_format_code, DateSystem};
use super::error::ReadError;
use super::sheets::{choose, sheet_name, SheetInfo, Visibility, MAX_SHEETS};
use super::strings::StringTable;
use super::value::{clean_text, error_code, Value};
use super::xlsx::MAX_FORMATS;
use crate::sheet::{Limits, Sheet};

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const CONTINUE: u16 = 0x003C;
const FILE_PASS: u16 = 0x002F;
const DATE_MODE: u16 = 0x0022;
const FORMAT: u16 = 0x041E;
const XF: u16 = 0x00E0;
const BOUND_SHEET: u16 = 0x0085;
const SST: u16 = 0x00FC;
const LABEL_SST: u16 = 0x00FD;
const LABEL: u16 = 0x0204;
const RSTRING: u16 = 0x00D6;
const NUMBER: u16 = 0x0203;
const RK: u16 = 0x027E;
const MUL_RK: u16 = 0x00BD;
const BOOL_ERR: u16 = 0x0205;
const FORMULA: u16 = 0x0006;
const STRING: u16 = 0x0207;
const BIFF8: u16 = 0x0600;

fn damaged(what: &str) -> ReadError {
    ReadError::damaged(format!("xls: {what}"))
}

/// One BIFF record: its type, its data and the data of the `CONTINUE`
/// records right after it.
struct Record<'s> {
    kind: u16,
    pieces: Vec<&'s [u8]>,
}

impl<'s> Record<'s> {
    fn data(&self) -> &'s [u8] {
        self.pieces.first().copied().unwrap_or_default()
    }
}

/// The records of a stream from an offset, each with its continuations.
struct Records<'s> {
    stream: &'s [u8],
    at: usize,
}

impl<'s> Records<'s> {
    fn new(stream: &'s [u8], at: usize) -> Records<'s> {
        Records { stream, at }
    }

    fn raw(&mut self) -> Result<Option<(u16, &'s [u8])>, ReadError> {
        if self.at >= self.stream.len() {
            return Ok(None);
        }
        let header = self
            .stream
            .get(self.at..self.at + 4)
            .ok_or_else(|| damaged("record header cut short"))?;
        let kind = u16::from_le_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_le_bytes([header[2], header[3]]));
        let start = self.at + 4;
        let data = self
            .stream
            .get(start..start + len)
            .ok_or_else(|| damaged("record cut short"))?;
        self.at = start + len;
        Ok(Some((kind, data)))
    }

    fn peek_kind(&self) -> Option<u16> {
        let header = self.stream.get(self.at..self.at + 2)?;
        Some(u16::from_le_bytes([header[0], header[1]]))
    }

    fn next(&mut self) -> Result<Option<Record<'s>>, ReadError> {
        let Some((kind, data)) = self.raw()? else {
            return Ok(None);
        };
        let mut pieces = vec![data];
        while self.peek_kind() == Some(CONTINUE) {
            if let Some((_, more)) = self.raw()? {
                pieces.push(more);
            }
        }
        Ok(Some(Record { kind, pieces }))
    }
}

/// A cursor over a record's pieces. Plain reads run across piece
/// boundaries; character data restarts each piece with an option byte.
struct Cursor<'s> {
    pieces: Vec<&'s [u8]>,
    piece: usize,
    at: usize,
}

impl<'s> Cursor<'s> {
    fn new(record: &Record<'s>, at: usize) -> Cursor<'s> {
        Cursor {
            pieces: record.pieces.clone(),
            piece: 0,
            at,
        }
    }

    fn current(&mut self) -> Option<&'s [u8]> {
        while let Some(piece) = self.pieces.get(self.piece) {
            if self.at < piece.len() {
                return Some(&piece[self.at..]);
            }
            self.piece += 1;
            self.at = 0;
        }
        None
    }

    fn u8(&mut self) -> Option<u8> {
        let byte = *self.current()?.first()?;
        self.at += 1;
        Some(byte)
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes([self.u8()?, self.u8()?]))
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes([
            self.u8()?,
            self.u8()?,
            self.u8()?,
            self.u8()?,
        ]))
    }

    fn skip(&mut self, mut count: usize) -> Option<()> {
        while count > 0 {
            let available = self.current()?.len();
            let step = available.min(count);
            self.at += step;
            count -= step;
        }
        Some(())
    }

    /// `count` characters, one byte each (Latin-1) or two (UTF-16) as
    /// `high_byte` says; a new piece starts with a fresh option byte.
    fn chars(&mut self, count: usize, mut high_byte: bool) -> Option<String> {
        let mut text = String::new();
        let mut units: Vec<u16> = Vec::new();
        let mut left = count;
        let mut piece = self.piece;
        while left > 0 {
            self.current()?;
            if self.piece != piece {
                // Character data continued in a new record: option byte.
                high_byte = self.u8()? & 1 == 1;
                piece = self.piece;
                continue;
            }
            let available = self.current()?;
            if high_byte {
                let n = (available.len() / 2).min(left);
                if n == 0 {
                    self.at += available.len();
                    continue;
                }
                units.extend(
                    available[..2 * n]
                        .chunks_exact(2)
                        .map(|b| u16::from_le_bytes([b[0], b[1]])),
                );
                self.at += 2 * n;
                left -= n;
            } else {
                let n = available.len().min(left);
                flush_units(&mut units, &mut text);
                text.extend(available[..n].iter().map(|&b| char::from(b)));
                self.at += n;
                left -= n;
            }
            if text.len() + 2 * units.len() > 4 * super::value::MAX_CELL_CHARS + 8 {
                // Enough for any cell; skip the rest of the characters.
                flush_units(&mut units, &mut text);
                return self.skip_chars(left, high_byte).map(|()| text);
            }
        }
        flush_units(&mut units, &mut text);
        Some(text)
    }

    fn skip_chars(&mut self, mut left: usize, mut high_byte: bool) -> Option<()> {
        let mut piece = self.piece;
        while left > 0 {
            self.current()?;
            if self.piece != piece {
                high_byte = self.u8()? & 1 == 1;
                piece = self.piece;
                continue;
            }
            let available = self.current()?.len();
            let width = if high_byte { 2 } else { 1 };
            let n = (available / width).min(left);
            if n == 0 {
                self.at += available;
                continue;
            }
            self.at += n * width;
            left -= n;
        }
        Some(())
    }

    /// An `XLUnicodeString` (16-bit length) or, with `short`, a
    /// `ShortXLUnicodeString` (8-bit length).
    fn unicode_string(&mut self, short: bool) -> Option<String> {
        let count = if short {
            usize::from(self.u8()?)
        } else {
            usize::from(self.u16()?)
        };
        let flags = self.u8()?;
        self.chars(count, flags & 1 == 1)
    }

    /// An `XLUnicodeRichExtendedString` (shared string table entries).
    fn rich_extended_string(&mut self) -> Option<String> {
        let count = usize::from(self.u16()?);
        let flags = self.u8()?;
        let runs = if flags & 0x08 != 0 {
            usize::from(self.u16()?)
        } else {
            0
        };
        let ext = if flags & 0x04 != 0 {
            self.u32()? as usize
        } else {
            0
        };
        let text = self.chars(count, flags & 1 == 1)?;
        self.skip(runs * 4)?;
        self.skip(ext)?;
        Some(text)
    }
}

fn flush_units(units: &mut Vec<u16>, text: &mut String) {
    if !units.is_empty() {
        text.extend(char::decode_utf16(units.drain(..)).map(|c| c.unwrap_or('\u{FFFD}')));
    }
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

fn f64_at(data: &[u8], at: usize) -> Option<f64> {
    Some(f64::from_le_bytes(data.get(at..at + 8)?.try_into().ok()?))
}

/// An RK number: a 30-bit integer or the top of a double, maybe / 100.
pub(crate) fn rk_number(rk: u32) -> f64 {
    let value = if rk & 2 != 0 {
        f64::from((rk as i32) >> 2)
    } else {
        f64::from_bits(u64::from(rk & 0xFFFF_FFFC) << 32)
    };
    if rk & 1 != 0 {
        value / 100.0
    } else {
        value
    }
}

/// What the workbook globals say.
struct Globals {
    system: DateSystem,
    /// Per XF record, whether it shows dates.
    date_xfs: Vec<bool>,
    strings: StringTable,
    sheets: Vec<SheetInfo<usize>>,
}

/// Reads the chosen sheet of the xls in `compound`.
pub(crate) fn read(
    compound: &Compound<'_>,
    requested: Option<&str>,
    limits: &Limits,
    progress: &mut dyn FnMut(u32),
) -> Result<(Vec<String>, Sheet), ReadError> {
    let stream = match compound.read_stream("Workbook")? {
        Some(stream) => stream,
        None => compound
            .read_stream("Book")?
            .ok_or_else(|| damaged("no Workbook stream"))?,
    };
    let mut budget = TextBudget::new(limits);
    let globals = read_globals(&stream, &mut budget)?;
    let (names, chosen) = choose(&globals.sheets, requested)?;
    let mut builder = SheetBuilder::new(&chosen.name, limits, budget, progress);
    read_sheet(&stream, chosen.location, &globals, &mut builder)?;
    Ok((names, builder.finish()?))
}

fn read_globals(stream: &[u8], budget: &mut TextBudget) -> Result<Globals, ReadError> {
    let mut records = Records::new(stream, 0);
    let first = records
        .next()?
        .ok_or_else(|| damaged("empty Workbook stream"))?;
    if first.kind != BOF {
        // BIFF2–4 files start with other BOF record numbers.
        return Err(if matches!(first.kind, 0x0009 | 0x0209 | 0x0409) {
            ReadError::OldExcelFormat
        } else {
            damaged("no BOF record")
        });
    }
    if u16_at(first.data(), 0) != Some(BIFF8) {
        return Err(ReadError::OldExcelFormat);
    }
    let mut system = DateSystem::Excel1900;
    let mut formats: HashMap<u16, bool> = HashMap::new();
    let mut xf_formats: Vec<u16> = Vec::new();
    let mut strings = StringTable::default();
    let mut sheets = Vec::new();
    while let Some(record) = records.next()? {
        let data = record.data();
        match record.kind {
            EOF => break,
            FILE_PASS => return Err(ReadError::PasswordProtected),
            DATE_MODE if u16_at(data, 0) == Some(1) => system = DateSystem::Excel1904,
            FORMAT if formats.len() < MAX_FORMATS => {
                let mut cursor = Cursor::new(&record, 0);
                if let (Some(id), Some(code)) = (cursor.u16(), cursor.unicode_string(false)) {
                    formats.insert(id, is_date_format_code(&code));
                }
            }
            XF if xf_formats.len() < MAX_FORMATS => {
                if let Some(format) = u16_at(data, 2) {
                    xf_formats.push(format);
                }
            }
            BOUND_SHEET => {
                let mut cursor = Cursor::new(&record, 0);
                let (Some(position), Some(state), Some(kind)) =
                    (cursor.u32(), cursor.u8(), cursor.u8())
                else {
                    return Err(damaged("short BoundSheet8 record"));
                };
                let name = cursor
                    .unicode_string(true)
                    .ok_or_else(|| damaged("short sheet name"))?;
                if kind == 0 && sheets.len() < MAX_SHEETS {
                    sheets.push(SheetInfo {
                        name: sheet_name(&name),
                        visibility: match state & 3 {
                            0 => Visibility::Visible,
                            1 => Visibility::Hidden,
                            _ => Visibility::VeryHidden,
                        },
                        location: position as usize,
                    });
                }
            }
            SST => strings = read_sst(&record, budget)?,
            _ => {}
        }
    }
    let date_xfs = xf_formats
        .into_iter()
        .map(|format| {
            formats
                .get(&format)
                .copied()
                .unwrap_or_else(|| is_builtin_date_format(u32::from(format)))
        })
        .collect();
    Ok(Globals {
        system,
        date_xfs,
        strings,
        sheets,
    })
}

fn read_sst(record: &Record<'_>, budget: &mut TextBudget) -> Result<StringTable, ReadError> {
    let mut cursor = Cursor::new(record, 0);
    let (Some(_total), Some(unique)) = (cursor.u32(), cursor.u32()) else {
        return Err(damaged("short SST record"));
    };
    let mut strings = StringTable::default();
    for _ in 0..unique {
        if cursor.current().is_none() {
            break;
        }
        let text = cursor
            .rich_extended_string()
            .ok_or_else(|| damaged("shared string cut short"))?;
        strings.push(&clean_text(&text), budget)?;
    }
    Ok(strings)
}

fn read_sheet(
    stream: &[u8],
    position: usize,
    globals: &Globals,
    builder: &mut SheetBuilder<'_>,
) -> Result<(), ReadError> {
    let mut records = Records::new(stream, position);
    let first = records
        .next()?
        .ok_or_else(|| damaged("sheet offset out of range"))?;
    if first.kind != BOF {
        return Err(damaged("sheet does not start with BOF"));
    }
    let date = |xf: u16| {
        globals
            .date_xfs
            .get(usize::from(xf))
            .copied()
            .unwrap_or(false)
    };
    let number = |x: f64, xf: u16| {
        if date(xf) {
            Value::Date(x, globals.system)
        } else {
            Value::Number(x)
        }
    };
    let mut depth = 0usize;
    // The cell of the last formula whose string result follows.
    let mut pending_string: Option<(u32, u32)> = None;
    while let Some(record) = records.next()? {
        let data = record.data();
        let short = || damaged("cell record cut short");
        match record.kind {
            BOF => depth += 1,
            EOF if depth == 0 => break,
            EOF => depth -= 1,
            _ if depth > 0 => {}
            LABEL_SST | LABEL | RSTRING | NUMBER | RK | BOOL_ERR | FORMULA => {
                let row = u32::from(u16_at(data, 0).ok_or_else(short)?);
                let col = u32::from(u16_at(data, 2).ok_or_else(short)?);
                let xf = u16_at(data, 4).ok_or_else(short)?;
                // A String record belongs to the formula just before it.
                pending_string = None;
                if !builder.wants(col) {
                    continue;
                }
                let value = match record.kind {
                    LABEL_SST => {
                        let index = u32_at(data, 6).ok_or_else(short)? as usize;
                        let text = globals
                            .strings
                            .get(index)
                            .ok_or_else(|| damaged("shared string index out of range"))?;
                        Value::Text(Cow::Borrowed(text))
                    }
                    LABEL | RSTRING => {
                        let mut cursor = Cursor::new(&record, 6);
                        Value::Text(Cow::Owned(cursor.unicode_string(false).ok_or_else(short)?))
                    }
                    NUMBER => number(f64_at(data, 6).ok_or_else(short)?, xf),
                    RK => number(rk_number(u32_at(data, 6).ok_or_else(short)?), xf),
                    BOOL_ERR => {
                        let value = *data.get(6).ok_or_else(short)?;
                        if data.get(7).copied().unwrap_or(0) != 0 {
                            Value::Error(Cow::Borrowed(error_code(value)))
                        } else {
                            Value::Bool(value != 0)
                        }
                    }
                    _ => {
                        let result = data.get(6..14).ok_or_else(short)?;
                        if result[6] == 0xFF && result[7] == 0xFF {
                            match result[0] {
                                0 => {
                                    pending_string = Some((row, col));
                                    Value::Empty
                                }
                                1 => Value::Bool(result[2] != 0),
                                2 => Value::Error(Cow::Borrowed(error_code(result[2]))),
                                _ => Value::Empty,
                            }
                        } else {
                            number(f64_at(data, 6).ok_or_else(short)?, xf)
                        }
                    }
                };
                builder.push(row, col, value)?;
            }
            STRING => {
                if let Some((row, col)) = pending_string.take() {
                    let mut cursor = Cursor::new(&record, 0);
                    let text = cursor
                        .unicode_string(false)
                        .ok_or_else(|| damaged("formula string cut short"))?;
                    builder.push(row, col, Value::Text(Cow::Owned(text)))?;
                }
            }
            MUL_RK => {
                let row = u32::from(u16_at(data, 0).ok_or_else(|| damaged("MulRk cut short"))?);
                let first_col =
                    u32::from(u16_at(data, 2).ok_or_else(|| damaged("MulRk cut short"))?);
                let cells = data
                    .get(4..data.len().saturating_sub(2))
                    .unwrap_or_default();
                for (i, cell) in cells.chunks_exact(6).enumerate() {
                    let col = first_col.saturating_add(i as u32);
                    if !builder.wants(col) {
                        continue;
                    }
                    let xf = u16::from_le_bytes([cell[0], cell[1]]);
                    let rk = u32::from_le_bytes([cell[2], cell[3], cell[4], cell[5]]);
                    builder.push(row, col, number(rk_number(rk), xf))?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rk_numbers_decode() {
        assert_eq!(rk_number((2134 << 2) | 2), 2134.0);
        assert_eq!(rk_number((12345 << 2) | 3), 123.45);
        assert_eq!(rk_number(((-7i32) << 2) as u32 | 2), -7.0);
        let one_and_half = (1.5f64.to_bits() >> 32) as u32;
        assert_eq!(rk_number(one_and_half), 1.5);
    }

    #[test]
    fn strings_continue_across_records() {
        let first: &[u8] = &[5, 0, 0, b'a', b'b'];
        let second: &[u8] = &[1, b'c', 0, b'd', 0, b'e', 0];
        let record = Record {
            kind: SST,
            pieces: vec![first, second],
        };
        let mut cursor = Cursor::new(&record, 0);
        assert_eq!(cursor.unicode_string(false).as_deref(), Some("abcde"));
    }
}
