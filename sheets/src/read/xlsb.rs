//! xlsb: Excel binary workbooks (BIFF12 records in a zip package), read by
//! calamine's streaming cell reader after a pre-flight walk of every part
//! calamine reads.
//!
//! calamine's xlsb code trusts the file: it sizes its record buffer from a
//! record's declared length (up to 256 MB) before reading it, indexes
//! fields without checking the record is long enough (a short record
//! panics, or is read from the previous record's bytes), looks sheets'
//! relationships up with an index that panics when one is missing, and
//! turns defined names into formula text with no bound on time or size.
//! The pre-flight walk reads each part the way calamine will, byte for
//! byte (including the way it skips records in the styles part), and
//! refuses the file when calamine would:
//! - read a record longer than 4 MB (real records are kilobytes);
//! - index past the end of a record, or past the shared-string table;
//! - look up a relationship that is not there;
//! - spend more than a bounded number of steps (or nest more than 64
//!   deep) building a defined name's formula text.
//!
//! What calamine will hold (shared strings, cell formats, sheet and
//! defined names with their formula text) is charged to the read's
//! budget. Only the chosen sheet is then read, cell by cell.
//!
//! Known gaps in calamine's reader, not worked around: the "short" cell
//! records (`BrtShort*`, which some writers such as SheetJS use for every
//! cell after the first of a row) and formula cells whose cached value is
//! an error (`BrtFmlaError`) are skipped, so those cells read as blank.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use calamine::{Reader, Xlsb};
use encoding_rs::UTF_16LE;
use quick_xml::events::Event;

use super::builder::{RowBuilder, TextBudget};
use super::cells::{catching_panics, value_ref, GROWTH, STRING_BYTES};
use super::dates::DateSystem;
use super::error::ReadError;
use super::rows::{OpenedSheet, RowsRead};
use super::sheets::{choose, from_calamine};
use super::xml::{decode_attr, get_attrs, XmlPart};
use super::zip_guard::{EntryReader, Package};
use super::Request;
use crate::sheet::FileFormat;

/// Largest record accepted (real ones are at most tens of kilobytes).
const MAX_RECORD_BYTES: usize = 4 * 1024 * 1024;
const MAX_RELS_BYTES: u64 = 8 * 1024 * 1024;
/// Most character moves calamine may make building defined names'
/// formula text (its formula builder inserts and splits strings).
const MAX_FORMULA_WORK: u64 = 256 * 1024 * 1024;
/// Deepest nesting of formula parts (`PtgMemFunc`) accepted.
const MAX_FORMULA_DEPTH: u32 = 64;
/// calamine's table of built-in functions: how many, and the longest name.
const FUNCTIONS: usize = 485;
const LONGEST_FUNCTION_NAME: u64 = 18;
/// Excel's grid: 1,048,576 rows of 16,384 columns.
const GRID_ROWS: u32 = 1_048_576;
const GRID_COLUMNS: u32 = 16_384;

const WORKBOOK: &str = "xl/workbook.bin";
const WORKBOOK_RELS: &str = "xl/_rels/workbook.bin.rels";
const SHARED_STRINGS: &str = "xl/sharedStrings.bin";
const STYLES: &str = "xl/styles.bin";

fn damaged(what: impl std::fmt::Display) -> ReadError {
    ReadError::damaged(format!("xlsb: {what}"))
}

/// Reads the chosen sheet of the xlsb in `bytes` (already opened as
/// `package`).
pub(crate) fn read(
    bytes: &[u8],
    package: &mut Package<'_>,
    request: Request<'_>,
) -> Result<RowsRead, ReadError> {
    let mut budget = TextBudget::new(request.limits);
    let strings = check_shared_strings(package, &mut budget)?;
    check_styles(package, &mut budget)?;
    let rels = workbook_rels(package)?;
    let sheets = check_workbook(package, &rels, &mut budget)?;

    catching_panics("xlsb", move || {
        let mut xlsb: Xlsb<_> = Xlsb::new(Cursor::new(bytes))?;
        let listed = xlsb.sheets_metadata().to_vec();
        let same = listed.len() == sheets.len()
            && listed
                .iter()
                .zip(&sheets)
                .all(|(theirs, (ours, _))| theirs.name == *ours);
        if !same {
            return Err(damaged(
                "the pre-flight check and calamine list different sheets",
            ));
        }
        let infos = from_calamine(&listed);
        let (names, chosen) = choose(&infos, request.sheet)?;
        let name = listed[chosen.location].name.clone();
        let path = sheets
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, path)| path.clone())
            .unwrap_or_default();
        check_sheet(package, &path, strings)?;
        let system = if xlsb.has_1904_epoch() {
            DateSystem::Excel1904
        } else {
            DateSystem::Excel1900
        };
        let opened = OpenedSheet {
            format: FileFormat::Xlsb,
            sheet_names: names,
            name: chosen.name.clone(),
        };
        let mut builder = RowBuilder::new(opened, budget, request);
        let mut cells = xlsb.worksheet_cells_reader(&name)?;
        while let Some(cell) = cells.next_cell()? {
            let (row, col) = cell.get_position();
            if row >= GRID_ROWS || col >= GRID_COLUMNS {
                return Err(damaged(format!("a cell at row {row}, column {col}")));
            }
            builder.push(row, col, value_ref(cell.get_value(), system))?;
            if builder.stopped() {
                break;
            }
        }
        drop(cells);
        builder.finish()
    })
}

/// One part's records, read exactly as calamine's `RecordIter` reads them,
/// into a buffer that behaves like calamine's (it only ever grows, so a
/// short record leaves the previous record's bytes after it).
struct Records<'z> {
    reader: EntryReader<'z>,
    buf: Vec<u8>,
}

/// The part ended where calamine would fail to read on: calamine returns
/// an error, and so do we.
fn cut_short() -> ReadError {
    damaged("a part ends in the middle of a record")
}

impl<'z> Records<'z> {
    fn open(package: &'z mut Package<'_>, path: &str) -> Result<Option<Records<'z>>, ReadError> {
        Ok(package.reader(path)?.map(|reader| Records {
            reader,
            buf: Vec::new(),
        }))
    }

    fn byte(&mut self) -> Result<u8, ReadError> {
        let mut one = [0u8; 1];
        match self.reader.read(&mut one) {
            Ok(1) => Ok(one[0]),
            Ok(_) => Err(cut_short()),
            Err(_) => Err(self.reader.failure().unwrap_or_else(cut_short)),
        }
    }

    /// `read_type`: one byte, or two when the first has its high bit set.
    fn kind(&mut self) -> Result<u16, ReadError> {
        self.reader.start_event();
        let first = self.byte()?;
        if first & 0x80 != 0 {
            let second = self.byte()?;
            Ok(u16::from(first & 0x7F) + (u16::from(second & 0x7F) << 7))
        } else {
            Ok(u16::from(first))
        }
    }

    /// `fill_buffer`: a length of up to four 7-bit bytes, then that many
    /// bytes into the buffer. Returns the length.
    fn fill(&mut self) -> Result<usize, ReadError> {
        let mut b = self.byte()?;
        let mut len = usize::from(b & 0x7F);
        for i in 1..4 {
            if b & 0x80 == 0 {
                break;
            }
            b = self.byte()?;
            len += usize::from(b & 0x7F) << (7 * i);
        }
        if len > MAX_RECORD_BYTES {
            return Err(ReadError::suspicious(format!(
                "xlsb: a record of {len} bytes"
            )));
        }
        if self.buf.len() < len {
            self.buf.resize(len, 0);
        }
        match self.reader.read_exact(&mut self.buf[..len]) {
            Ok(()) => Ok(len),
            Err(_) => Err(self.reader.failure().unwrap_or_else(cut_short)),
        }
    }

    /// `next_skip_blocks`: records up to the first of `kind` (returning its
    /// length), skipping from each `begin` in `blocks` to its `end`.
    fn skip_to(&mut self, kind: u16, blocks: &[(u16, Option<u16>)]) -> Result<usize, ReadError> {
        loop {
            let found = self.kind()?;
            let len = self.fill()?;
            if found == kind {
                return Ok(len);
            }
            if let Some(end) = blocks
                .iter()
                .find(|(begin, _)| *begin == found)
                .and_then(|(_, end)| *end)
            {
                while self.kind()? != end {
                    self.fill()?;
                }
                self.fill()?;
            }
        }
    }
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

/// The UTF-8 length of UTF-16 bytes decoded as calamine decodes them
/// (`encoding_rs`, which also honours a byte-order mark).
fn utf16_len(bytes: &[u8]) -> u64 {
    UTF_16LE.decode(bytes).0.len() as u64
}

/// An `XLWideString` at `at`, checked to lie inside the record's `len`
/// bytes: its bytes.
fn wide_string(data: &[u8], at: usize, len: usize) -> Option<&[u8]> {
    let count = u64::from(u32_at(data, at)?);
    let end = (at as u64)
        .checked_add(4)?
        .checked_add(count.checked_mul(2)?)?;
    if end > len as u64 {
        return None;
    }
    data.get(at + 4..usize::try_from(end).ok()?)
}

/// Walks the shared strings as calamine reads them; charges what calamine
/// will hold and returns how many strings it will have.
fn check_shared_strings(
    package: &mut Package<'_>,
    budget: &mut TextBudget,
) -> Result<u64, ReadError> {
    let Some(mut records) = Records::open(package, SHARED_STRINGS)? else {
        return Ok(0);
    };
    let len = records.skip_to(0x009F, &[])?;
    if len < 8 {
        return Err(damaged("a short shared-string table header"));
    }
    let count = u32_at(&records.buf, 4).unwrap_or(0);
    for _ in 0..count {
        let len = records.skip_to(0x0013, &[(0x0023, Some(0x0024))])?;
        let text = wide_string(&records.buf, 1, len)
            .ok_or_else(|| damaged("a shared string longer than its record"))?;
        let bytes = utf16_len(text);
        budget.charge_text(STRING_BYTES * GROWTH + bytes * GROWTH)?;
    }
    Ok(u64::from(count))
}

/// Walks the styles as calamine reads them (it reads only the record
/// types of the lists it wants and takes everything else byte by byte);
/// charges what calamine will hold.
fn check_styles(package: &mut Package<'_>, budget: &mut TextBudget) -> Result<(), ReadError> {
    let Some(mut records) = Records::open(package, STYLES)? else {
        return Ok(());
    };
    loop {
        records.buf.clear();
        match records.kind()? {
            0x0267 => {
                let len = records.fill()?;
                if len < 4 {
                    return Err(damaged("a short number format list"));
                }
                let count = u32_at(&records.buf, 0).unwrap_or(0);
                for _ in 0..count {
                    let len = records.skip_to(0x002C, &[])?;
                    if wide_string(&records.buf, 2, len).is_none() {
                        return Err(damaged("a number format longer than its record"));
                    }
                    budget.charge_parsed(32)?;
                }
            }
            0x0269 => {
                let len = records.fill()?;
                if len < 4 {
                    return Err(damaged("a short cell format list"));
                }
                let count = u32_at(&records.buf, 0).unwrap_or(0);
                for _ in 0..count {
                    if records.skip_to(0x002F, &[])? < 4 {
                        return Err(damaged("a short cell format"));
                    }
                    budget.charge_parsed(GROWTH)?;
                }
                return Ok(());
            }
            _ => {}
        }
    }
}

/// The workbook's relationships as calamine reads them (the part named
/// exactly `xl/_rels/workbook.bin.rels`): raw id to decoded target.
fn workbook_rels(package: &mut Package<'_>) -> Result<HashMap<String, String>, ReadError> {
    let mut rels = HashMap::new();
    if !package.has_exact(WORKBOOK_RELS) {
        return Ok(rels);
    }
    package.cap(WORKBOOK_RELS, MAX_RELS_BYTES)?;
    let Some(entry) = package.reader_exact(WORKBOOK_RELS)? else {
        return Ok(rels);
    };
    let mut xml = XmlPart::new(entry, WORKBOOK_RELS);
    loop {
        match xml.next()? {
            Event::Start(e) if e.name().as_ref() == "Relationship" => {
                let [id, target] =
                    get_attrs(&e, ["Id", "Target"]).map_err(|()| damaged("a bad relationship"))?;
                if let (Some(id), Some(target)) = (id, target) {
                    let target =
                        decode_attr(target).map_err(|()| damaged("a bad relationship target"))?;
                    rels.insert(id.to_string(), target.into_owned());
                }
            }
            Event::Eof => return Ok(rels),
            _ => {}
        }
    }
}

/// Walks the workbook part as calamine reads it: the sheet list (name and
/// part path, returned), then the defined names, whose formula text is
/// built within bounds and charged.
fn check_workbook(
    package: &mut Package<'_>,
    rels: &HashMap<String, String>,
    budget: &mut TextBudget,
) -> Result<Vec<(String, String)>, ReadError> {
    let mut records =
        Records::open(package, WORKBOOK)?.ok_or_else(|| damaged("xl/workbook.bin is missing"))?;
    let mut sheets: Vec<(String, String)> = Vec::new();
    loop {
        records.buf.clear();
        match records.kind()? {
            0x0099 => {
                if records.fill()? < 1 {
                    return Err(damaged("a short workbook properties record"));
                }
            }
            0x009C => {
                let len = records.fill()?;
                let data = &records.buf[..len];
                let rel_len = u32_at(data, 8).ok_or_else(|| damaged("a short sheet record"))?;
                if rel_len == u32::MAX {
                    continue;
                }
                let rel_end = 12 + 2 * u64::from(rel_len);
                if rel_end > len as u64 {
                    return Err(damaged("a sheet record shorter than its relationship id"));
                }
                let rel_end = rel_end as usize;
                let id = UTF_16LE.decode(&data[12..rel_end]).0;
                let target = rels
                    .get(id.as_ref())
                    .ok_or_else(|| damaged("a sheet without a relationship"))?;
                let path = format!("xl/{target}");
                let state = u32_at(data, 0).unwrap_or(u32::MAX);
                let kind = path.split('/').nth(1);
                if state > 2 || !matches!(kind, Some("worksheets" | "chartsheets" | "dialogsheets"))
                {
                    return Err(damaged("a sheet of an unknown state or kind"));
                }
                let name = wide_string(data, rel_end, len)
                    .ok_or_else(|| damaged("a sheet name longer than its record"))?;
                let name = UTF_16LE.decode(name).0.into_owned();
                budget.charge_parsed(
                    2 * (32 + STRING_BYTES) + 2 * name.len() as u64 + path.len() as u64,
                )?;
                sheets.push((name, path));
            }
            0x0090 => {
                records.fill()?;
                break;
            }
            _ => {
                records.fill()?;
            }
        }
    }
    let mut externs: Vec<u64> = Vec::new();
    let mut names: Vec<u64> = Vec::new();
    let mut work: u64 = 0;
    loop {
        match records.kind()? {
            0x016A => {
                let len = records.fill()?;
                if len < 4 {
                    return Err(damaged("a short external sheet list"));
                }
                let count = u32_at(&records.buf, 0).unwrap_or(0) as usize;
                if count < 1_000_000 {
                    budget.charge_parsed(count as u64 * STRING_BYTES)?;
                }
                // calamine reads the whole buffer, not just this record.
                let tail = records.buf.len() - 4;
                let whole = tail / 12;
                let rest = tail % 12;
                if count > whole && rest > 0 && rest < 8 {
                    return Err(damaged("an external sheet list ends mid-entry"));
                }
                externs.clear();
                for chunk in records.buf[4..].chunks(12).take(count) {
                    let index = chunk
                        .get(4..8)
                        .map_or(-1, |b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]));
                    let name = match index {
                        -2 => "#ThisWorkbook".len() as u64,
                        -1 => "#InvalidWorkSheet".len() as u64,
                        p if p >= 0 && (p as usize) < sheets.len() => {
                            sheets[p as usize].0.len() as u64
                        }
                        _ => "#Unknown".len() as u64,
                    };
                    budget.charge_parsed(STRING_BYTES + name)?;
                    externs.push(name);
                }
            }
            0x0027 => {
                let len = records.fill()?;
                let record = &records.buf[..len];
                let Some(name) = wide_string(record, 9, len) else {
                    return Err(damaged("a defined name longer than its record"));
                };
                let name_len = utf16_len(name);
                let str_len = 4 + name.len();
                let rgce_start = 13 + str_len;
                let cce =
                    u32_at(record, 9 + str_len).ok_or_else(|| damaged("a short defined name"))?;
                let rgce = (rgce_start as u64)
                    .checked_add(u64::from(cce))
                    .and_then(|end| usize::try_from(end).ok())
                    .and_then(|end| record.get(rgce_start..end))
                    .ok_or_else(|| damaged("a defined name's formula is cut short"))?;
                let text = formula_text(rgce, &externs, &names, 0, &mut work)?;
                budget.charge_parsed(2 * STRING_BYTES * GROWTH + name_len + text)?;
                names.push(name_len);
            }
            0x009D | 0x0225 | 0x018D | 0x0180 | 0x009A | 0x0252 | 0x0229 | 0x009B | 0x0084 => {
                return Ok(sheets);
            }
            _ => {
                records.fill()?;
            }
        }
    }
}

/// An upper bound of the length of the formula text calamine builds from
/// `rgce` (its xlsb `parse_formula`), refusing what would make it panic or
/// take too long: `work` counts the characters its string inserts and
/// splits may move (each at most the text so far).
fn formula_text(
    mut rgce: &[u8],
    externs: &[u64],
    names: &[u64],
    depth: u32,
    work: &mut u64,
) -> Result<u64, ReadError> {
    let cut = || damaged("a formula part is cut short");
    let need = |rgce: &[u8], n: usize| {
        if rgce.len() < n {
            Err(cut())
        } else {
            Ok(())
        }
    };
    let sheet = |rgce: &[u8]| -> Result<u64, ReadError> {
        let ixti = usize::from(u16_at(rgce, 0).ok_or_else(cut)?);
        externs
            .get(ixti)
            .copied()
            .ok_or_else(|| damaged("a formula refers to a sheet that is not listed"))
    };
    if depth > MAX_FORMULA_DEPTH {
        return Err(damaged("formula parts nest too deep"));
    }
    let mut len: u64 = 0;
    let moved = |len: u64, work: &mut u64| -> Result<(), ReadError> {
        *work = work.saturating_add(len);
        if *work > MAX_FORMULA_WORK {
            Err(ReadError::suspicious(
                "xlsb: defined names take too long to read",
            ))
        } else {
            Ok(())
        }
    };
    // A column name, `$`s, a row number: at most this many characters.
    const REFERENCE: u64 = 1 + 4 + 1 + 10;
    while let Some((&ptg, rest)) = rgce.split_first() {
        rgce = rest;
        match ptg {
            0x3A | 0x5A | 0x7A => {
                need(rgce, 8)?;
                len += sheet(rgce)? + 1 + REFERENCE;
                rgce = &rgce[8..];
            }
            0x3B | 0x5B | 0x7B => {
                need(rgce, 14)?;
                len += sheet(rgce)? + 2 + 2 * REFERENCE;
                rgce = &rgce[14..];
            }
            0x3C | 0x5C | 0x7C => {
                need(rgce, 8)?;
                len += sheet(rgce)? + 6;
                rgce = &rgce[8..];
            }
            0x3D | 0x5D | 0x7D => {
                need(rgce, 14)?;
                len += sheet(rgce)? + 6;
                rgce = &rgce[14..];
            }
            0x01 => {
                need(rgce, 4)?;
                rgce = &rgce[4..];
            }
            0x03..=0x11 => {
                moved(2 * len, work)?;
                len += 2;
            }
            0x12 | 0x13 => {
                moved(len, work)?;
                len += 1;
            }
            0x14 => len += 1,
            0x15 => {
                moved(len, work)?;
                len += 2;
            }
            0x16 => {}
            0x17 => {
                let count = usize::from(u16_at(rgce, 0).ok_or_else(cut)?);
                need(rgce, 2 + 2 * count)?;
                len += 2 + utf16_len(&rgce[2..2 + 2 * count]);
                rgce = &rgce[2 + 2 * count..];
            }
            0x18 => {
                need(rgce, 1)?;
                match rgce[0] {
                    0x19 => need(rgce, 13)?,
                    0x1D => need(rgce, 5)?,
                    _ => return Err(damaged("an unknown formula part")),
                }
                rgce = &rgce[if rgce[0] == 0x19 { 13 } else { 5 }..];
            }
            0x19 => {
                need(rgce, 1)?;
                let skip = match rgce[0] {
                    0x01 | 0x02 | 0x08 | 0x20 | 0x21 | 0x40 | 0x41 | 0x80 => 3,
                    0x04 => 11,
                    0x10 => {
                        moved(len, work)?;
                        len += 5;
                        3
                    }
                    _ => return Err(damaged("an unknown formula part")),
                };
                need(rgce, skip)?;
                rgce = &rgce[skip..];
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
                need(rgce, 14)?;
                rgce = &rgce[14..];
            }
            0x21 | 0x41 | 0x61 => {
                let index = usize::from(u16_at(rgce, 0).ok_or_else(cut)?);
                if index >= FUNCTIONS {
                    return Err(damaged("an unknown function"));
                }
                moved(2 * len, work)?;
                len += LONGEST_FUNCTION_NAME + 2 + 255;
                rgce = &rgce[2..];
            }
            0x22 | 0x42 | 0x62 => {
                need(rgce, 3)?;
                let index = usize::from(u16_at(rgce, 1).ok_or_else(cut)?);
                if index >= FUNCTIONS {
                    return Err(damaged("an unknown function"));
                }
                moved(2 * len, work)?;
                len += LONGEST_FUNCTION_NAME + 2 + u64::from(rgce[0]);
                rgce = &rgce[3..];
            }
            0x23 | 0x43 | 0x63 => {
                let index = u32_at(rgce, 0).ok_or_else(cut)?;
                let name = (index as usize)
                    .checked_sub(1)
                    .and_then(|i| names.get(i))
                    .copied()
                    .unwrap_or(0);
                len += name;
                rgce = &rgce[4..];
            }
            0x24 | 0x44 | 0x64 => {
                need(rgce, 6)?;
                len += REFERENCE;
                rgce = &rgce[6..];
            }
            0x25 | 0x45 | 0x65 => {
                need(rgce, 12)?;
                len += 1 + 2 * REFERENCE;
                rgce = &rgce[12..];
            }
            0x2A | 0x4A | 0x6A => {
                need(rgce, 6)?;
                len += 5;
                rgce = &rgce[6..];
            }
            0x2B | 0x4B | 0x6B => {
                need(rgce, 12)?;
                len += 5;
                rgce = &rgce[12..];
            }
            0x29 | 0x49 | 0x69 => {
                let size = usize::from(u16_at(rgce, 0).ok_or_else(cut)?);
                need(rgce, 2 + size)?;
                let inner = formula_text(&rgce[2..2 + size], externs, names, depth + 1, work)?;
                len += inner;
                rgce = &rgce[2 + size..];
            }
            0x39 | 0x59 | 0x79 => {
                need(rgce, 6)?;
                len += 16;
                rgce = &rgce[6..];
            }
            _ => return Err(damaged("an unknown formula part")),
        }
    }
    Ok(len)
}

/// Walks the chosen sheet as calamine's cell reader will: every cell
/// record long enough for what calamine reads from it, every shared string
/// index inside the table.
fn check_sheet(package: &mut Package<'_>, path: &str, strings: u64) -> Result<(), ReadError> {
    let mut records =
        Records::open(package, path)?.ok_or_else(|| damaged(format!("{path} is missing")))?;
    let len = records.skip_to(0x0094, &[(0x0081, None), (0x0093, None)])?;
    if len < 16 {
        return Err(damaged("a short sheet dimension record"));
    }
    records.skip_to(
        0x0091,
        &[
            (0x0085, Some(0x0086)),
            (0x0025, Some(0x0026)),
            (0x01E5, None),
            (0x0186, Some(0x0187)),
        ],
    )?;
    loop {
        let kind = records.kind()?;
        let len = records.fill()?;
        let data = &records.buf[..len];
        let short = || damaged("a cell record is cut short");
        match kind {
            0x0000 => {
                let row = u32_at(data, 0).ok_or_else(short)?;
                if row > 0x0010_0000 {
                    return Ok(());
                }
            }
            0x0092 => return Ok(()),
            0x0002 | 0x0007 if len < 12 => return Err(short()),
            0x0003 | 0x0004 | 0x000A if len < 9 => return Err(short()),
            0x0005 | 0x0009 if len < 16 => return Err(short()),
            0x0006 | 0x0008 if wide_string(data, 8, len).is_none() => return Err(short()),
            0x0007 => {
                let index = u32_at(data, 8).ok_or_else(short)?;
                if u64::from(index) >= strings {
                    return Err(damaged("a shared string index is out of range"));
                }
            }
            _ => {}
        }
    }
}
