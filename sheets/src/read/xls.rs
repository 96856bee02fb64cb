//! xls: Excel 97–2003 (BIFF8) workbooks, read by calamine's `Xls` after a
//! pre-flight walk of the whole `Workbook` stream.
//!
//! calamine parses every sheet of an xls when it opens it: each cell into
//! a list, each formula into text, then each sheet into a dense grid that
//! spans its cells (one far-away cell makes a grid of millions), and
//! reserves room for the cells each sheet's DIMENSIONS record declares.
//! A shared string is copied into every cell that uses it. It also indexes
//! records without checking their length, and builds formula text with
//! inserts whose cost grows with the square of the formula.
//!
//! The pre-flight walk reads the stream the way calamine will, record by
//! record and sheet by sheet, and refuses the file when calamine would
//! panic (a record too short for what calamine reads from it, a sheet
//! offset past the stream, a shared string index past the table), or
//! would take too long building formula text; it refuses an encrypted
//! file (FILEPASS) and Excel 95 and older (a BIFF version other than 8).
//! It adds up what calamine will hold — the stream, the shared strings,
//! every sheet's cell list, formula texts, dense grids and the reservation
//! its DIMENSIONS record asks for, and the copy of the chosen sheet's grid
//! that `worksheet_range` returns — and charges it to the read's budget,
//! so a file whose grids would not fit is refused before calamine runs.

use std::io::Cursor;

use calamine::{Reader, Xls};
use encoding_rs::UTF_16LE;

use super::builder::{RowBuilder, TextBudget};
use super::cells::{
    catching_panics, feed_range, value, CELL_DATA_BYTES, CELL_STRING_BYTES, DATA_BYTES, GROWTH,
    STRING_BYTES,
};
use super::cfb::Compound;
use super::dates::DateSystem;
use super::error::ReadError;
use super::rows::{OpenedSheet, RowsRead};
use super::sheets::{choose, from_calamine};
use super::Request;
use crate::sheet::FileFormat;

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const CONTINUE: u16 = 0x003C;
const BIFF8: u16 = 0x0600;
/// Most CONTINUE records one record may have: calamine takes them off
/// the front of a list one by one (a cost that grows with the square of
/// their number). A 25 MB file holds about 3,200 full ones.
const MAX_CONTINUES: usize = 8_192;
/// Most character moves calamine may make building formula text.
const MAX_FORMULA_WORK: u64 = 256 * 1024 * 1024;
/// calamine's table of built-in functions: the longest name.
const LONGEST_FUNCTION_NAME: u64 = 18;
/// The text calamine puts in place of a formula it cannot read.
const FORMULA_ERROR_TEXT: u64 = 256;
/// `calamine::Sheet` and the (offset, name) pair calamine keeps per sheet.
const SHEET_BYTES: u64 = 32 + 8 + STRING_BYTES;

fn damaged(what: impl std::fmt::Display) -> ReadError {
    ReadError::damaged(format!("xls: {what}"))
}

/// Reads the chosen sheet of the xls in `bytes`.
pub(crate) fn read(
    bytes: &[u8],
    compound: &Compound,
    request: Request<'_>,
) -> Result<RowsRead, ReadError> {
    let stream = compound.workbook()?;
    let mut budget = TextBudget::new(request.limits);
    budget.charge_parsed(compound.held())?;
    let walk = Walk::new(stream, &mut budget);
    let checked = walk.run()?;

    catching_panics("xls", move || {
        let mut xls: Xls<_> = Xls::new(Cursor::new(bytes))?;
        let listed = xls.sheets_metadata().to_vec();
        let same = listed.len() == checked.sheets.len()
            && listed
                .iter()
                .zip(&checked.sheets)
                .all(|(theirs, ours)| theirs.name == ours.name);
        if !same {
            return Err(damaged(
                "the pre-flight check and calamine list different sheets",
            ));
        }
        let infos = from_calamine(&listed);
        let (names, chosen) = choose(&infos, request.sheet)?;
        let name = listed[chosen.location].name.clone();
        // `worksheet_range` copies the sheet's grid.
        budget.charge_parsed(checked.sheets[chosen.location].grid)?;
        let system = if xls.has_1904_epoch() {
            DateSystem::Excel1904
        } else {
            DateSystem::Excel1900
        };
        let range = xls.worksheet_range(&name)?;
        drop(xls);
        let opened = OpenedSheet {
            format: FileFormat::Xls,
            sheet_names: names,
            name: chosen.name.clone(),
        };
        let mut builder = RowBuilder::new(opened, budget, request);
        feed_range(&range, &mut builder, |_, _, data| value(data, system))?;
        builder.finish()
    })
}

/// A BIFF record as calamine's `RecordIter` yields it: its type, its data
/// and the data of the CONTINUE records after it.
struct Record<'s> {
    kind: u16,
    data: &'s [u8],
    more: Vec<&'s [u8]>,
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// The records of `stream` as calamine's `RecordIter` reads them. `None`
/// at the end; `Err` where calamine returns an error.
fn next_record<'s>(stream: &mut &'s [u8]) -> Option<Result<Record<'s>, ReadError>> {
    if stream.len() < 4 {
        return if stream.is_empty() {
            None
        } else {
            Some(Err(damaged("a record header is cut short")))
        };
    }
    let kind = u16_at(stream, 0).unwrap_or(0);
    let len = usize::from(u16_at(stream, 2).unwrap_or(0));
    if stream.len() < len + 4 {
        return Some(Err(damaged("a record is cut short")));
    }
    let data = &stream[4..4 + len];
    *stream = &stream[4 + len..];
    let mut more = Vec::new();
    if stream.len() > 4 && u16_at(stream, 0) == Some(CONTINUE) {
        while stream.len() > 4 && u16_at(stream, 0) == Some(CONTINUE) {
            let len = usize::from(u16_at(stream, 2).unwrap_or(0));
            if stream.len() < len + 4 {
                return Some(Err(damaged("a CONTINUE record is cut short")));
            }
            if more.len() >= MAX_CONTINUES {
                return Some(Err(ReadError::suspicious(
                    "xls: a record has too many CONTINUE records",
                )));
            }
            more.push(&stream[4..4 + len]);
            *stream = &stream[4 + len..];
        }
    }
    Some(Ok(Record { kind, data, more }))
}

/// What the walk learned about one sheet.
struct SheetCheck {
    name: String,
    /// The bytes of its dense grid and the strings in it (what a copy of
    /// it costs).
    grid: u64,
}

/// What the walk found.
struct Checked {
    sheets: Vec<SheetCheck>,
}

/// The pre-flight walk of a `Workbook` stream.
struct Walk<'s, 'b> {
    stream: &'s [u8],
    budget: &'b mut TextBudget,
    /// Bytes of UTF-8 one decoded character may take: 3 for UTF-16 (the
    /// code page of every BIFF8 file), 6 for other code pages (calamine
    /// decodes their text with a zero byte after each character).
    char_bytes: u64,
    /// The shared strings' UTF-8 sizes (upper bounds).
    strings: Vec<u64>,
    /// Sheet names' UTF-8 sizes, by BoundSheet8 order.
    sheet_names: Vec<u64>,
    /// Defined names' UTF-8 sizes.
    defined_names: Vec<u64>,
    /// Each ExternSheet entry's first sheet.
    xtis: Vec<i16>,
    work: u64,
}

impl<'s, 'b> Walk<'s, 'b> {
    fn new(stream: &'s [u8], budget: &'b mut TextBudget) -> Walk<'s, 'b> {
        Walk {
            stream,
            budget,
            char_bytes: 3,
            strings: Vec::new(),
            sheet_names: Vec::new(),
            defined_names: Vec::new(),
            xtis: Vec::new(),
            work: 0,
        }
    }

    fn run(mut self) -> Result<Checked, ReadError> {
        let mut records = self.stream;
        let first = match next_record(&mut records) {
            Some(record) => record?,
            None => return Err(damaged("the Workbook stream is empty")),
        };
        if first.kind != BOF {
            // BIFF2–4 files start with other BOF record numbers.
            return Err(if matches!(first.kind, 0x0009 | 0x0209 | 0x0409) {
                ReadError::OldExcelFormat
            } else {
                damaged("no BOF record")
            });
        }
        if u16_at(first.data, 0) != Some(BIFF8) {
            return Err(ReadError::OldExcelFormat);
        }
        let mut bound: Vec<(usize, String)> = Vec::new();
        let mut names: u64 = 0;
        while let Some(record) = next_record(&mut records) {
            let record = record?;
            let data = record.data;
            let short = || damaged(format!("a short record {:#06x}", record.kind));
            match record.kind {
                0x002F => return Err(ReadError::PasswordProtected),
                0x0042 => {
                    let page = u16_at(data, 0).ok_or_else(short)?;
                    self.char_bytes = if page == 1200 { 3 } else { 6 };
                }
                0x013D => self.charge(2 * (data.len() as u64 / 2) * SHEET_BYTES)?,
                0x0022 => {
                    u16_at(data, 0).ok_or_else(short)?;
                }
                0x041E => {
                    // calamine only logs a bad format record.
                    if let Some(text) = data.get(2..) {
                        if let Some(chars) = string_chars(text) {
                            self.charge(STRING_BYTES + chars * self.char_bytes)?;
                        }
                    }
                }
                0x00E0 => {
                    if data.len() < 4 {
                        return Err(short());
                    }
                    self.charge(4 * GROWTH)?;
                }
                0x0085 => {
                    let offset = u32_at(data, 0).ok_or_else(short)? as usize;
                    let (Some(&state), Some(&kind)) = (data.get(4), data.get(5)) else {
                        return Err(short());
                    };
                    if state & 0x3F > 2 || !matches!(kind, 0 | 1 | 2 | 6) {
                        return Err(damaged("a sheet of an unknown state or kind"));
                    }
                    let text = &data[6..];
                    if text.len() < 2 {
                        return Err(short());
                    }
                    if offset > self.stream.len() {
                        return Err(damaged("a sheet starts past the end of the stream"));
                    }
                    let chars = u64::from(text[0]);
                    let name = sheet_name(text);
                    let size = name.len() as u64;
                    self.charge(2 * (SHEET_BYTES + 2 * size) + chars * self.char_bytes)?;
                    self.sheet_names.push(size);
                    bound.push((offset, name));
                }
                BOF if u16_at(data, 0).ok_or_else(short)? != BIFF8 => {
                    return Err(ReadError::OldExcelFormat);
                }
                0x0018 => names += self.defined_name(data)?,
                0x0017 => {
                    u16_at(data, 0).ok_or_else(short)?;
                    let count = usize::from(u16_at(data, 0).unwrap_or(0));
                    for xti in data[2..].chunks_exact(6).take(count) {
                        self.xtis.push(i16::from_le_bytes([xti[2], xti[3]]));
                    }
                    self.charge(6 * GROWTH * (data.len() as u64 / 6))?;
                }
                0x00FC => self.shared_strings(&record)?,
                EOF => break,
                _ => {}
            }
        }
        // Defined names pointing at a sheet get its name in front.
        let longest_sheet = self.sheet_names.iter().copied().max().unwrap_or(4);
        self.charge(names * (longest_sheet + 1))?;

        let mut sheets = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for (offset, name) in &bound {
            if seen.contains(&name.as_str()) {
                // calamine keeps sheets by name: the second would replace
                // the first behind the choice the user made.
                return Err(damaged("two sheets have the same name"));
            }
            seen.push(name);
            let grid = self.sheet(*offset)?;
            sheets.push(SheetCheck {
                name: name.clone(),
                grid,
            });
        }
        Ok(Checked { sheets })
    }

    fn charge(&mut self, bytes: u64) -> Result<(), ReadError> {
        self.budget.charge_parsed(bytes)
    }

    /// A Lbl record: checked as calamine's `parse_lbl` reads it; charges
    /// its name and formula text. Returns 1 (for the sheet name calamine
    /// may put in front of it later).
    fn defined_name(&mut self, data: &[u8]) -> Result<u64, ReadError> {
        let short = || damaged("a short defined name");
        if data.len() < 14 {
            return Err(short());
        }
        let chars = u64::from(data[3]);
        let cce = usize::from(u16_at(data, 4).ok_or_else(short)?);
        let flags = *data.get(14).ok_or_else(short)?;
        let width = if flags & 1 != 0 { 2 } else { 1 };
        if data.len() < 15 + width * chars as usize {
            return Err(short());
        }
        if cce > data.len() {
            return Err(short());
        }
        let rgce = &data[data.len() - cce..];
        let needed = match rgce.first() {
            Some(0x3A | 0x5A | 0x7A) => 7,
            Some(0x3B | 0x5B | 0x7B) => 11,
            Some(0x3C | 0x5C | 0x7C | 0x3D | 0x5D | 0x7D) => 3,
            _ => 0,
        };
        if rgce.len() < needed {
            return Err(short());
        }
        let size = chars * self.char_bytes;
        self.defined_names.push(size);
        self.charge(2 * STRING_BYTES * GROWTH + size + 64)?;
        Ok(1)
    }

    /// The SST record, walked as calamine's `parse_sst` walks it; keeps
    /// each string's size and charges them.
    fn shared_strings(&mut self, record: &Record<'_>) -> Result<(), ReadError> {
        let mut cursor = Continued {
            data: record.data,
            more: &record.more,
        };
        if cursor.data.len() < 8 {
            return Err(damaged("a short shared string table"));
        }
        // A later SST replaces an earlier one (what it held is still
        // charged: calamine holds both for a moment).
        self.strings.clear();
        cursor.data = &cursor.data[8..];
        loop {
            if cursor.data.is_empty() && !cursor.next_piece() {
                break;
            }
            let chars = cursor.rich_string()?;
            let size = chars * self.char_bytes;
            self.charge((STRING_BYTES + size) * GROWTH)?;
            self.strings.push(size);
        }
        Ok(())
    }

    /// One sheet's substream from `offset`, walked as calamine's
    /// `parse_workbook` walks it; charges what calamine will hold for it
    /// and returns what a copy of its grid costs.
    fn sheet(&mut self, offset: usize) -> Result<u64, ReadError> {
        let mut records = &self.stream[offset..];
        let mut cells = Extent::default();
        let mut formulas = Extent::default();
        let mut cell_count: u64 = 0;
        let mut cell_text: u64 = 0;
        let mut formula_count: u64 = 0;
        let mut formula_text: u64 = 0;
        let mut reserved: u64 = 0;
        let mut merged: u64 = 0;
        let mut formula_at = (0u32, 0u32);
        let mut seen_bof = false;
        let mut depth = 0usize;
        while let Some(record) = next_record(&mut records) {
            let record = record?;
            let data = record.data;
            let len = data.len();
            if depth > 0 {
                match record.kind {
                    BOF => depth += 1,
                    EOF => depth -= 1,
                    _ => {}
                }
                continue;
            }
            let short = || damaged(format!("a short record {:#06x}", record.kind));
            let at = |data: &[u8]| -> (u32, u32) {
                (
                    u32::from(u16_at(data, 0).unwrap_or(0)),
                    u32::from(u16_at(data, 2).unwrap_or(0)),
                )
            };
            match record.kind {
                BOF => {
                    if seen_bof {
                        depth += 1;
                    } else {
                        seen_bof = true;
                    }
                }
                0x0200 => reserved = reserved.saturating_add(dimensions(data)?),
                0x0203 => {
                    if len < 14 {
                        return Err(short());
                    }
                    cells.add(at(data));
                    cell_count += 1;
                }
                0x0204 | 0x00D6 => {
                    if len < 6 {
                        return Err(short());
                    }
                    cells.add(at(data));
                    cell_count += 1;
                    cell_text += self.string_size(&data[6..])?;
                }
                0x0205 => {
                    if len < 8 {
                        return Err(short());
                    }
                    cells.add(at(data));
                    cell_count += 1;
                }
                0x0207 => {
                    cells.add(formula_at);
                    cell_count += 1;
                    cell_text += self.string_size(data)?;
                }
                0x027E => {
                    if len < 10 {
                        return Err(short());
                    }
                    cells.add(at(data));
                    cell_count += 1;
                }
                0x00FD => {
                    if len < 10 {
                        return Err(short());
                    }
                    let index = u32_at(data, 6).unwrap_or(u32::MAX) as usize;
                    let size = *self
                        .strings
                        .get(index)
                        .ok_or_else(|| damaged("a shared string index is out of range"))?;
                    cells.add(at(data));
                    cell_count += 1;
                    cell_text += size;
                }
                0x00BD => {
                    if len < 6 {
                        return Err(short());
                    }
                    let (row, first) = at(data);
                    let last = u16_at(data, len - 2).unwrap_or(0);
                    let span = last.wrapping_sub(first as u16).wrapping_add(1);
                    if len == 6 + 6 * usize::from(span) {
                        let count = (len - 6) as u32 / 6;
                        if count > 0 {
                            cells.add((row, first));
                            cells.add((row, first + count - 1));
                            cell_count += u64::from(count);
                        }
                    }
                }
                0x00E5 => {
                    let count = usize::from(u16_at(data, 0).ok_or_else(short)?);
                    if 2 + 8 * count > len {
                        return Err(short());
                    }
                    merged += count as u64;
                }
                EOF => break,
                0x0006 => {
                    if len < 20 {
                        return Err(short());
                    }
                    let position = at(data);
                    formula_at = position;
                    let value = &data[6..14];
                    if !(value[6] == 0xFF && value[7] == 0xFF && value[0] == 0) {
                        cells.add(position);
                        cell_count += 1;
                    }
                    if len < 22 {
                        return Err(short());
                    }
                    let cce = usize::from(u16_at(data, 20).unwrap_or(0));
                    if 22 + cce > len {
                        return Err(damaged("a formula is longer than its record"));
                    }
                    let text = self.formula_text(&data[22..22 + cce])?;
                    formulas.add(position);
                    formula_count += 1;
                    formula_text += text.max(FORMULA_ERROR_TEXT);
                }
                _ => {}
            }
        }
        let grid = cells
            .area()
            .saturating_mul(DATA_BYTES)
            .saturating_add(cell_text);
        let held = reserved
            .saturating_mul(CELL_DATA_BYTES)
            .saturating_add(cell_count.saturating_mul(CELL_DATA_BYTES * GROWTH))
            .saturating_add(formula_count.saturating_mul(CELL_STRING_BYTES * GROWTH))
            .saturating_add(formula_text)
            .saturating_add(formulas.area().saturating_mul(STRING_BYTES))
            .saturating_add(merged.saturating_mul(16 * GROWTH))
            .saturating_add(grid);
        self.charge(held)?;
        Ok(grid)
    }

    /// The bytes (upper bound) calamine holds for an XLUnicodeString read
    /// by its `parse_string`.
    fn string_size(&self, data: &[u8]) -> Result<u64, ReadError> {
        if data.len() < 3 {
            if data.len() == 2 && u16_at(data, 0) == Some(0) {
                return Ok(0);
            }
            return Err(damaged("a short string"));
        }
        // calamine reserves room for every character the string claims,
        // whether or not the record holds them.
        let chars = u64::from(u16_at(data, 0).unwrap_or(0));
        Ok(chars * self.char_bytes)
    }

    /// An upper bound of the formula text calamine's `parse_formula` builds
    /// from `rgce`, refusing what would make it panic; `work` counts the
    /// characters its inserts and splits may move.
    fn formula_text(&mut self, mut rgce: &[u8]) -> Result<u64, ReadError> {
        let cut = || damaged("a formula part is cut short");
        let need = |rgce: &[u8], n: usize| {
            if rgce.len() < n {
                Err(cut())
            } else {
                Ok(())
            }
        };
        // A `$`, a column name, a `$`, a row number.
        const REFERENCE: u64 = 1 + 4 + 1 + 5;
        let longest_sheet = self.sheet_names.iter().copied().max().unwrap_or(0).max(5);
        let mut len: u64 = 0;
        while let Some((&ptg, rest)) = rgce.split_first() {
            rgce = rest;
            let mut moved = 0u64;
            match ptg {
                0x3A | 0x5A | 0x7A => {
                    need(rgce, 6)?;
                    let ixti = usize::from(u16_at(rgce, 0).unwrap_or(0));
                    let sheet = self
                        .xtis
                        .get(ixti)
                        .and_then(|&first| usize::try_from(first).ok())
                        .and_then(|i| self.sheet_names.get(i))
                        .copied()
                        .unwrap_or(4);
                    len += sheet + 1 + REFERENCE;
                    rgce = &rgce[6..];
                }
                0x3B | 0x5B | 0x7B => {
                    need(rgce, 10)?;
                    len += longest_sheet + 2 + 2 * REFERENCE;
                    rgce = &rgce[10..];
                }
                0x3C | 0x5C | 0x7C => {
                    need(rgce, 6)?;
                    len += longest_sheet + 6;
                    rgce = &rgce[6..];
                }
                0x3D | 0x5D | 0x7D => {
                    need(rgce, 10)?;
                    len += longest_sheet + 6;
                    rgce = &rgce[10..];
                }
                0x01 => {
                    if rgce.len() < 4 {
                        break;
                    }
                    rgce = &rgce[4..];
                }
                0x03..=0x11 => {
                    moved = 2 * len;
                    len += 2;
                }
                0x12 | 0x13 => {
                    moved = len;
                    len += 1;
                }
                0x14 => len += 1,
                0x15 => {
                    moved = len;
                    len += 2;
                }
                0x16 => {}
                0x17 => {
                    let Some(&chars) = rgce.first() else { break };
                    let Some(&flags) = rgce.get(1) else { break };
                    let width = if flags & 1 != 0 { 2 } else { 1 };
                    let consumed = 1 + width * usize::from(chars);
                    if rgce.len() < 1 + consumed {
                        break;
                    }
                    len += 2 + u64::from(chars) * 6;
                    rgce = &rgce[1 + consumed..];
                }
                0x18 => {
                    need(rgce, 5)?;
                    rgce = &rgce[5..];
                }
                0x19 => {
                    need(rgce, 1)?;
                    let kind = rgce[0];
                    rgce = &rgce[1..];
                    match kind {
                        0x01 | 0x02 | 0x08 | 0x20 | 0x21 => {
                            need(rgce, 2)?;
                            rgce = &rgce[2..];
                        }
                        0x04 => {
                            let count = usize::from(u16_at(rgce, 0).ok_or_else(cut)?) + 1;
                            need(rgce, 2 + 2 * count)?;
                            rgce = &rgce[2 + 2 * count..];
                        }
                        0x10 => {
                            need(rgce, 2)?;
                            rgce = &rgce[2..];
                            moved = len;
                            len += 5;
                        }
                        0x40 | 0x41 => {
                            need(rgce, 2)?;
                            let spaces = u64::from(rgce[1]);
                            moved = spaces.saturating_mul(len + spaces);
                            len += spaces;
                            rgce = &rgce[2..];
                        }
                        _ => break,
                    }
                }
                0x1C => {
                    need(rgce, 1)?;
                    len += 13;
                    rgce = &rgce[1..];
                }
                0x1D => {
                    need(rgce, 1)?;
                    len += 5;
                    rgce = &rgce[1..];
                }
                0x1E => {
                    need(rgce, 2)?;
                    len += 5;
                    rgce = &rgce[2..];
                }
                0x1F => {
                    need(rgce, 8)?;
                    let number = f64::from_le_bytes([
                        rgce[0], rgce[1], rgce[2], rgce[3], rgce[4], rgce[5], rgce[6], rgce[7],
                    ]);
                    len += format!("{number}").len() as u64;
                    rgce = &rgce[8..];
                }
                0x20 | 0x40 | 0x60 => {
                    need(rgce, 7)?;
                    len += 10;
                    rgce = &rgce[7..];
                }
                0x22 | 0x42 | 0x62 => {
                    need(rgce, 3)?;
                    moved = 2 * len;
                    len += LONGEST_FUNCTION_NAME + 2 + u64::from(rgce[0]);
                    rgce = &rgce[3..];
                }
                0x21 | 0x41 | 0x61 => {
                    need(rgce, 2)?;
                    moved = 2 * len;
                    len += LONGEST_FUNCTION_NAME + 2 + 255;
                    rgce = &rgce[2..];
                }
                0x23 | 0x43 | 0x63 => {
                    let index = u32_at(rgce, 0).ok_or_else(cut)?;
                    let name = (index as usize)
                        .checked_sub(1)
                        .and_then(|i| self.defined_names.get(i))
                        .copied()
                        .unwrap_or(5);
                    len += name.max(5);
                    rgce = &rgce[4..];
                }
                0x24 | 0x44 | 0x64 => {
                    need(rgce, 4)?;
                    len += REFERENCE;
                    rgce = &rgce[4..];
                }
                0x25 | 0x45 | 0x65 => {
                    need(rgce, 8)?;
                    len += 1 + 2 * REFERENCE;
                    rgce = &rgce[8..];
                }
                0x2A | 0x4A | 0x6A => {
                    need(rgce, 4)?;
                    len += 5;
                    rgce = &rgce[4..];
                }
                0x2B | 0x4B | 0x6B => {
                    need(rgce, 8)?;
                    len += 5;
                    rgce = &rgce[8..];
                }
                0x39 | 0x59 => {
                    need(rgce, 6)?;
                    len += 10;
                    rgce = &rgce[6..];
                }
                // calamine stops at a part it does not know.
                _ => break,
            }
            self.work = self.work.saturating_add(moved);
            if self.work > MAX_FORMULA_WORK {
                return Err(ReadError::suspicious("xls: formulas take too long to read"));
            }
        }
        Ok(len)
    }
}

/// The rows and columns a sheet's cells span.
#[derive(Default)]
struct Extent {
    any: bool,
    rows: (u32, u32),
    cols: (u32, u32),
}

impl Extent {
    fn add(&mut self, (row, col): (u32, u32)) {
        if self.any {
            self.rows = (self.rows.0.min(row), self.rows.1.max(row));
            self.cols = (self.cols.0.min(col), self.cols.1.max(col));
        } else {
            self.any = true;
            self.rows = (row, row);
            self.cols = (col, col);
        }
    }

    /// The cells of the dense grid calamine builds over them.
    fn area(&self) -> u64 {
        if !self.any {
            return 0;
        }
        u64::from(self.rows.1 - self.rows.0 + 1) * u64::from(self.cols.1 - self.cols.0 + 1)
    }
}

/// The cells calamine reserves room for from a DIMENSIONS record (with its
/// arithmetic, which wraps where the record is inconsistent).
fn dimensions(data: &[u8]) -> Result<u64, ReadError> {
    let (first_row, last_row, mut first_col, last_col) = match data.len() {
        10 => (
            u32::from(u16_at(data, 0).unwrap_or(0)),
            u32::from(u16_at(data, 2).unwrap_or(0)),
            u32::from(u16_at(data, 4).unwrap_or(0)),
            u32::from(u16_at(data, 6).unwrap_or(0)),
        ),
        14 | 16 => (
            u32_at(data, 0).unwrap_or(0),
            u32_at(data, 4).unwrap_or(0),
            u32::from(u16_at(data, 8).unwrap_or(0)),
            u32::from(u16_at(data, 10).unwrap_or(0)),
        ),
        _ => return Err(damaged("a DIMENSIONS record of an odd size")),
    };
    if 0xFF < first_col || last_col < first_col {
        first_col = 0;
    }
    let (start, end) = if last_row >= 1 && last_col >= 1 {
        ((first_row, first_col), (last_row - 1, last_col - 1))
    } else {
        ((first_row, first_col), (first_row, first_col))
    };
    let rows = u64::from(end.0.wrapping_sub(start.0).wrapping_add(1));
    let cols = u64::from(end.1.wrapping_sub(start.1).wrapping_add(1));
    Ok(rows.saturating_mul(cols))
}

/// A sheet name (ShortXLUnicodeString after BoundSheet8's first 6 bytes)
/// decoded as calamine decodes it in a UTF-16 workbook (every BIFF8
/// file), NULs removed. In another code page the names may differ from
/// calamine's, and the read stops at the comparison of the two lists.
fn sheet_name(text: &[u8]) -> String {
    let chars = usize::from(text[0]);
    let wide = text[1] & 1 != 0;
    let body = &text[2..];
    let bytes: Vec<u8> = if wide {
        body[..body.len().min(2 * chars) & !1].to_vec()
    } else {
        body.iter().take(chars).flat_map(|&b| [b, 0]).collect()
    };
    let mut name = UTF_16LE.decode(&bytes).0.into_owned();
    name.retain(|c| c != '\0');
    name
}

/// The characters an XLUnicodeString claims (for a FORMAT record's code),
/// if it is long enough to be read at all.
fn string_chars(data: &[u8]) -> Option<u64> {
    if data.len() < 3 {
        return None;
    }
    Some(u64::from(u16_at(data, 0)?))
}

/// A record's data with its CONTINUE pieces, read as calamine's
/// `parse_sst` reads them.
struct Continued<'r, 's> {
    data: &'s [u8],
    more: &'r [&'s [u8]],
}

impl Continued<'_, '_> {
    /// calamine's `continue_record`: the next piece, if any.
    fn next_piece(&mut self) -> bool {
        match self.more.split_first() {
            Some((first, rest)) => {
                self.data = first;
                self.more = rest;
                true
            }
            None => false,
        }
    }

    /// calamine's `skip`.
    fn skip(&mut self, mut count: u64) -> Result<(), ReadError> {
        while count > 0 {
            if self.data.is_empty() && !self.next_piece() {
                return Err(damaged("a shared string is cut short"));
            }
            let step = count.min(self.data.len() as u64) as usize;
            self.data = &self.data[step..];
            count -= step as u64;
        }
        Ok(())
    }

    /// calamine's `read_rich_extended_string`: the characters of the
    /// string read (refusing what would make calamine panic).
    fn rich_string(&mut self) -> Result<u64, ReadError> {
        let short = || damaged("a shared string is cut short");
        if self.data.is_empty() {
            return Ok(0);
        }
        if self.data.len() < 3 {
            return Err(short());
        }
        let chars = usize::from(u16_at(self.data, 0).unwrap_or(0));
        let flags = self.data[2];
        self.data = &self.data[3..];
        let mut runs = 0u64;
        if flags & 0x8 != 0 {
            runs = u64::from(u16_at(self.data, 0).ok_or_else(short)?);
            self.data = &self.data[2..];
        }
        let mut extra = 0u64;
        if flags & 0x4 != 0 {
            let size = i32::from_le_bytes(
                self.data
                    .get(..4)
                    .ok_or_else(short)?
                    .try_into()
                    .map_err(|_| short())?,
            );
            // calamine turns a negative size into a huge one.
            extra = u64::from(size as u32) | if size < 0 { 1 << 40 } else { 0 };
            self.data = &self.data[4..];
        }
        let mut wide = flags & 0x1 != 0;
        let mut left = chars;
        while left > 0 {
            let width = if wide { 2 } else { 1 };
            let take = (self.data.len() / width).min(left);
            self.data = &self.data[take * width..];
            left -= take;
            if left > 0 {
                if !self.next_piece() {
                    return Err(short());
                }
                let option = *self.data.first().ok_or_else(short)?;
                wide = option & 0x1 != 0;
                self.data = &self.data[1..];
            }
        }
        self.skip(runs * 4)?;
        self.skip(extra)?;
        Ok(chars as u64)
    }
}
