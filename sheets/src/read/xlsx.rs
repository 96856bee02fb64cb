//! xlsx and xlsm: read by calamine's streaming cell reader
//! (`Xlsx::worksheet_cells_reader`, never `worksheet_range`), after
//! pre-flight checks of every part calamine reads.
//!
//! `Xlsx::new` reads these parts whole, before we see a cell:
//! - `_rels/.rels`, the workbook's relationships and the workbook part:
//!   refused above 8, 8 and 16 MB (real ones are kilobytes), so what
//!   calamine buffers for them is bounded by those sizes;
//! - the theme (`theme/theme1.xml`): refused above 16 MB;
//! - the shared strings: calamine keeps every string and reserves room
//!   for the count the file declares (`uniqueCount`). The scan refuses a
//!   declared count the part could not possibly hold (every item takes
//!   at least 5 bytes of XML) and charges what calamine will hold (a
//!   `String` per item, twice for the table's growth, and the text) to
//!   the read's budget;
//! - the styles: calamine builds a style per cell format (`<xf>`), each
//!   with its own copy of its font (name included) and number format
//!   code. The scan charges an upper bound (every `<xf>` with the longest
//!   font name and its format code) to the read's budget.
//!
//! A chosen worksheet larger than 16 MB is then scanned once, the way
//! calamine's cell reader will read it, before calamine streams it: no
//! XML event may span 16 MB, no cell's text (which calamine collects in
//! one piece, up to the end of its `<v>` or `<is>` wherever that is) may
//! exceed 16 MB, and every cell reference must lie in Excel's grid. (A
//! smaller sheet cannot hold anything larger than itself.) As the cells
//! come, one outside Excel's grid is a damaged file.
//!
//! calamine stops at an error value it does not know (Excel 365's
//! `#SPILL!` and the like); the sheet is then scanned alongside it for
//! those cells' positions and they read as error cells
//! ([`UnknownErrors`]).

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Reader, Xlsx};
use quick_xml::events::Event;

use super::builder::{RowBuilder, TextBudget};
use super::cells::{catching_panics, value_ref, GROWTH, STRING_BYTES};
use super::dates::DateSystem;
use super::error::ReadError;
use super::rows::{OpenedSheet, RowsRead};
use super::sheets::{choose, from_calamine};
use super::value::Value;
use super::xml::{decode_attr, get_attrs, raw_attr, raw_attrs, XmlPart};
use super::zip_guard::{Package, MAX_EVENT_BYTES};
use super::Request;
use crate::sheet::FileFormat;

/// `calamine::Style` on a 64-bit machine.
pub(crate) const STYLE_BYTES: u64 = 152;
/// `calamine::Font` on a 64-bit machine.
pub(crate) const FONT_BYTES: u64 = 56;
/// A fill or a set of borders, generously.
const FILL_OR_BORDER_BYTES: u64 = 128;
/// A custom number format in calamine's map: two `String`s and the slot.
const NUMBER_FORMAT_BYTES: u64 = 64;
/// The longest built-in number format code calamine copies.
const BUILTIN_FORMAT_CODE_BYTES: u64 = 64;
/// The fewest bytes of XML a shared-string item can take (`<si/>`).
const MIN_SHARED_STRING_XML: u64 = 5;
/// Parts up to this size are not scanned through: what they can cost is
/// bounded by their size.
const SMALL_PART_BYTES: u64 = 4 * 1024 * 1024;

const MAX_RELS_BYTES: u64 = 8 * 1024 * 1024;
const MAX_WORKBOOK_BYTES: u64 = 16 * 1024 * 1024;
const MAX_THEME_BYTES: u64 = 16 * 1024 * 1024;
/// Most bytes of text calamine may collect for one cell.
const MAX_CELL_TEXT_BYTES: u64 = MAX_EVENT_BYTES;
/// Excel's grid: 1,048,576 rows of 16,384 columns.
const GRID_ROWS: u32 = 1_048_576;
const GRID_COLUMNS: u32 = 16_384;

fn damaged(what: impl std::fmt::Display) -> ReadError {
    ReadError::damaged(format!("xlsx: {what}"))
}

/// Reads the chosen sheet of the xlsx (or xlsm: `format`) in `bytes`
/// (already opened as `package`).
pub(crate) fn read(
    bytes: &[u8],
    package: &mut Package<'_>,
    format: FileFormat,
    request: Request<'_>,
) -> Result<RowsRead, ReadError> {
    let mut budget = TextBudget::new(request.limits);
    let layout = Layout::read(package)?;
    check_shared_strings(
        package,
        &format!("{}sharedStrings.xml", layout.dir),
        &mut budget,
    )?;
    package.cap(&format!("{}theme/theme1.xml", layout.dir), MAX_THEME_BYTES)?;
    check_styles(package, &format!("{}styles.xml", layout.dir), &mut budget)?;

    catching_panics("xlsx", move || {
        let mut xlsx: Xlsx<_> = Xlsx::new(Cursor::new(bytes))?;
        let sheets = xlsx.sheets_metadata().to_vec();
        let same = sheets.len() == layout.sheets.len()
            && sheets
                .iter()
                .zip(&layout.sheets)
                .all(|(theirs, (ours, _))| theirs.name == *ours);
        if !same {
            return Err(damaged(
                "the pre-flight check and calamine list different sheets",
            ));
        }
        let infos = from_calamine(&sheets);
        let (names, chosen) = choose(&infos, request.sheet)?;
        let name = sheets[chosen.location].name.clone();
        // calamine reads the first sheet of that name.
        let path = layout
            .sheets
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, path)| path.clone())
            .unwrap_or_default();
        check_worksheet(package, &path)?;
        let system = if xlsx.has_1904_epoch() {
            DateSystem::Excel1904
        } else {
            DateSystem::Excel1900
        };
        let opened = OpenedSheet {
            format,
            sheet_names: names,
            name: chosen.name.clone(),
        };
        let mut builder = RowBuilder::new(opened, budget, request);
        let mut cells = xlsx.worksheet_cells_reader(&name)?;
        // Opened at the first error value calamine does not know.
        let mut unknown_errors: Option<UnknownErrors<'_>> = None;
        let mut package_left = Some(package);
        while !builder.stopped() {
            match cells.next_cell() {
                Ok(Some(cell)) => {
                    let (row, col) = cell.get_position();
                    if row >= GRID_ROWS || col >= GRID_COLUMNS {
                        return Err(damaged(format!("a cell at row {row}, column {col}")));
                    }
                    builder.push(row, col, value_ref(cell.get_value(), system))?;
                }
                Ok(None) => break,
                Err(calamine::XlsxError::CellError(text)) => {
                    if let Some(package) = package_left.take() {
                        unknown_errors = Some(UnknownErrors::open(package, &path)?);
                    }
                    let (row, col) = match unknown_errors.as_mut() {
                        Some(scan) => scan.next(&text)?,
                        None => return Err(damaged("the scan for error values did not open")),
                    };
                    builder.push(row, col, Value::Error(Cow::Owned(text)))?;
                }
                Err(error) => return Err(error.into()),
            }
        }
        drop(cells);
        if let Some(scan) = unknown_errors.filter(|_| !builder.stopped()) {
            scan.finish()?;
        }
        builder.finish()
    })
}

/// The cells whose cached error value calamine does not know: Excel 365's
/// `#SPILL!`, `#CALC!`, `#FIELD!`, `#BLOCKED!`, `#UNKNOWN!`, `#CONNECT!`,
/// `#BUSY!` (and `#GETTING_DATA`, or anything else in a `t="e"` cell).
///
/// calamine 0.38's cell reader knows only the classic seven errors. At
/// any other it returns `XlsxError::CellError` with the value's text,
/// having read the cell up to that text (the `<v>` is left open), and it
/// can be called again: it carries on from there, skips the rest of that
/// cell (its outer loop ignores what is not a row or a cell) and reads the
/// next cell normally. Only the position is lost, and one thing is off:
/// calamine counts columns on for cells without a reference (`r`) only
/// after a cell it read, so a cell without a reference later in the same
/// row would land one column to the left.
///
/// So at the first such error this scan opens the worksheet again and
/// reads it alongside calamine the way `next_cell` does, stopping at each
/// cell calamine refused to give its position. A cell without a
/// reference after one of them in the same row makes the sheet damaged,
/// as it was before (Excel always writes references).
struct UnknownErrors<'z> {
    xml: XmlPart<'z>,
    /// calamine's row and column counters (0-based).
    row: u32,
    col: u32,
    /// A refused cell has been found in the current row.
    in_row: bool,
    name: String,
}

impl<'z> UnknownErrors<'z> {
    /// Opens the worksheet at `path` and reads up to `<sheetData>`, as
    /// calamine's cell reader does.
    fn open(package: &'z mut Package<'_>, path: &str) -> Result<UnknownErrors<'z>, ReadError> {
        let entry = package
            .reader(path)?
            .ok_or_else(|| damaged(format!("{path} is missing")))?;
        let mut xml = XmlPart::new(entry, path);
        xml.skip_past_start("sheetData")?;
        Ok(UnknownErrors {
            xml,
            row: 0,
            col: 0,
            in_row: false,
            name: String::new(),
        })
    }

    /// The position (0-based row and column) of the next cell calamine
    /// refused, whose value's text calamine says is `text`.
    fn next(&mut self, text: &str) -> Result<(u32, u32), ReadError> {
        loop {
            match self.xml.next()? {
                Event::Start(e) if e.local_name().as_ref() == "row" => {
                    if let Ok(Some(r)) = raw_attr(&e, "r") {
                        self.row = row_number(r)?;
                    }
                }
                Event::End(e) if e.local_name().as_ref() == "row" => {
                    self.row = self.row.saturating_add(1);
                    self.col = 0;
                    self.in_row = false;
                }
                Event::Start(e) if e.local_name().as_ref() == "c" => {
                    let [r, _, t] = get_attrs(&e, ["r", "s", "t"])
                        .map_err(|()| damaged("a bad cell attribute"))?;
                    let kind = value_kind(t);
                    let error_type = t == Some("e");
                    let position = match r {
                        Some(r) => {
                            let (row, col) = cell_reference(r)?;
                            self.col = col;
                            (row, col)
                        }
                        None if self.in_row => {
                            return Err(damaged(
                                "a cell without a reference after an unknown error value",
                            ))
                        }
                        None => (self.row, self.col),
                    };
                    if error_type {
                        if let Some(found) = unknown_error(&mut self.xml, &mut self.name)? {
                            if found != text {
                                return Err(damaged(
                                    "calamine and the scan disagree about an error value",
                                ));
                            }
                            // calamine does not count the column on.
                            self.in_row = true;
                            return Ok(position);
                        }
                    } else {
                        cell(&mut self.xml, kind, &mut self.name)?;
                    }
                    self.col = self.col.saturating_add(1);
                }
                Event::End(e) if e.local_name().as_ref() == "sheetData" => {
                    return Err(damaged("calamine refused a cell the scan did not find"))
                }
                Event::Eof => return Err(self.xml.eof()),
                _ => {}
            }
        }
    }

    /// Once calamine has read the whole sheet: refuses it if a cell
    /// without a reference follows the last refused cell in its row.
    fn finish(mut self) -> Result<(), ReadError> {
        if !self.in_row {
            return Ok(());
        }
        loop {
            match self.xml.next()? {
                Event::Start(e)
                    if e.local_name().as_ref() == "c"
                        && !matches!(raw_attr(&e, "r"), Ok(Some(_))) =>
                {
                    return Err(damaged(
                        "a cell without a reference after an unknown error value",
                    ));
                }
                Event::End(e) if matches!(e.local_name().as_ref(), "row" | "sheetData") => {
                    return Ok(())
                }
                Event::Eof => return Ok(()),
                _ => {}
            }
        }
    }
}

/// The children of a `t="e"` cell (its `<c>` just read), read as
/// calamine's `next_cell` reads them, up to a `<v>` whose first event is
/// text calamine does not know as an error: that text (the reader is left
/// just after it, where calamine stops). `None` when the cell ends without
/// one (calamine read it).
fn unknown_error(xml: &mut XmlPart<'_>, name: &mut String) -> Result<Option<String>, ReadError> {
    const KNOWN: [&str; 7] = [
        "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!",
    ];
    loop {
        name.clear();
        match xml.next()? {
            Event::Start(e) => name.push_str(e.name().as_ref()),
            Event::End(e) if e.local_name().as_ref() == "c" => return Ok(None),
            Event::Eof => return Err(xml.eof()),
            _ => continue,
        }
        let local = name.rsplit_once(':').map_or(name.as_str(), |(_, l)| l);
        match local {
            "is" => inline_string(xml, name)?,
            "f" => skip_to_end(xml, name)?,
            "v" => {
                match xml.next()? {
                    Event::Text(t) => {
                        let text: &str = t.as_ref();
                        if !KNOWN.contains(&text) {
                            return Ok(Some(text.to_string()));
                        }
                    }
                    Event::End(e) if e.name().as_ref() == name.as_str() => continue,
                    Event::Eof => return Err(xml.eof()),
                    _ => {}
                }
                skip_to_end(xml, name)?;
            }
            _ => return Err(damaged("an unexpected element in a cell")),
        }
    }
}

/// Where calamine finds the workbook's parts, worked out as calamine does
/// it (`Xlsx::new`): the folder and name of the workbook part, and each
/// `<sheet>` with the part calamine reads for it.
struct Layout {
    /// The workbook part's folder, with its trailing `/` (`xl/`).
    dir: String,
    /// The sheets in workbook order: name, part path.
    sheets: Vec<(String, String)>,
}

impl Layout {
    fn read(package: &mut Package<'_>) -> Result<Layout, ReadError> {
        let (dir, name) = office_document(package)?;
        let rels = workbook_rels(package, &format!("{dir}_rels/{name}.rels"))?;
        let sheets = workbook_sheets(package, &format!("{dir}{name}"), &dir, &rels)?;
        Ok(Layout { dir, sheets })
    }
}

/// The folder and name of the workbook part, from `_rels/.rels`.
fn office_document(package: &mut Package<'_>) -> Result<(String, String), ReadError> {
    const PATH: &str = "_rels/.rels";
    package.cap(PATH, MAX_RELS_BYTES)?;
    let entry = package
        .reader(PATH)?
        .ok_or_else(|| damaged("_rels/.rels is missing"))?;
    let mut xml = XmlPart::new(entry, PATH);
    xml.skip_past_start("Relationships")?;
    let mut target: Option<String> = None;
    loop {
        match xml.next()? {
            Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                let [kind, value] = get_attrs(&e, ["Type", "Target"])
                    .map_err(|()| damaged("a bad attribute in _rels/.rels"))?;
                if kind.is_some_and(|k| k.ends_with("/relationships/officeDocument")) {
                    if let Some(value) = value {
                        let decoded = decode_attr(value)
                            .map_err(|()| damaged("a bad target in _rels/.rels"))?;
                        target = Some(decoded.into_owned());
                    }
                }
            }
            Event::End(e) if e.local_name().as_ref() == "Relationships" => break,
            Event::Eof => return Err(xml.eof()),
            _ => {}
        }
    }
    let target = target.ok_or_else(|| damaged("no officeDocument relationship"))?;
    let (dir, name) = match target.rfind('/') {
        Some(i) => target.split_at(i + 1),
        None => ("", target.as_str()),
    };
    let dir = dir.strip_prefix('/').unwrap_or(dir).to_string();
    let name = if name.is_empty() {
        "workbook.xml".to_string()
    } else {
        name.to_string()
    };
    Ok((dir, name))
}

/// The workbook's relationships: id to (target, type), raw, as calamine
/// keeps them.
fn workbook_rels(
    package: &mut Package<'_>,
    path: &str,
) -> Result<HashMap<String, (String, String)>, ReadError> {
    package.cap(path, MAX_RELS_BYTES)?;
    let entry = package
        .reader(path)?
        .ok_or_else(|| damaged(format!("{path} is missing")))?;
    let mut xml = XmlPart::new(entry, path);
    let mut rels = HashMap::new();
    loop {
        match xml.next()? {
            Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                let [id, kind, target] = get_attrs(&e, ["Id", "Type", "Target"])
                    .map_err(|()| damaged("a bad relationship"))?;
                if let Some(id) = id {
                    rels.insert(
                        id.to_string(),
                        (
                            target.unwrap_or_default().to_string(),
                            kind.unwrap_or_default().to_string(),
                        ),
                    );
                }
            }
            Event::End(e) if e.local_name().as_ref() == "Relationships" => break,
            Event::Eof => return Err(xml.eof()),
            _ => {}
        }
    }
    Ok(rels)
}

/// The `<sheet>`s of the workbook part: name and the part calamine reads.
fn workbook_sheets(
    package: &mut Package<'_>,
    path: &str,
    dir: &str,
    rels: &HashMap<String, (String, String)>,
) -> Result<Vec<(String, String)>, ReadError> {
    package.cap(path, MAX_WORKBOOK_BYTES)?;
    let Some(entry) = package.reader(path)? else {
        return Ok(Vec::new());
    };
    let mut xml = XmlPart::new(entry, path);
    let mut sheets = Vec::new();
    loop {
        match xml.next()? {
            Event::Start(e) if e.local_name().as_ref() == "sheet" => {
                let mut name = String::new();
                let mut rel_id = "";
                for attr in raw_attrs(&e) {
                    let (key, value) = attr.map_err(|()| damaged("a bad sheet attribute"))?;
                    if key == "name" {
                        name = decode_attr(value)
                            .map_err(|()| damaged("a bad sheet name"))?
                            .into_owned();
                    } else if key == "id" || key.ends_with(":id") {
                        rel_id = value;
                    }
                }
                let (target, _) = rels
                    .get(rel_id)
                    .ok_or_else(|| damaged("a sheet without a relationship"))?;
                let part = match target.strip_prefix('/') {
                    Some(absolute) => absolute.to_string(),
                    None => format!("{dir}{target}"),
                };
                sheets.push((name, part));
            }
            Event::Start(e) if e.local_name().as_ref() == "definedName" => {
                let has_name = raw_attr(&e, "name")
                    .map_err(|()| damaged("a bad defined name"))?
                    .is_some();
                if has_name {
                    let end = e.name().as_ref().to_string();
                    loop {
                        match xml.next()? {
                            Event::End(x) if x.name().as_ref() == end => break,
                            Event::Eof => return Err(xml.eof()),
                            _ => {}
                        }
                    }
                }
            }
            Event::End(e) if e.local_name().as_ref() == "workbook" => break,
            Event::Eof => return Err(xml.eof()),
            _ => {}
        }
    }
    Ok(sheets)
}

/// A number as `atoi_simd` (calamine's integer parser) reads it: ASCII
/// digits only. Saturates instead of overflowing.
fn digits(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(text.bytes().fold(0u64, |n, b| {
        n.saturating_mul(10).saturating_add(u64::from(b - b'0'))
    }))
}

/// Scans the shared strings: refuses a declared count the part could not
/// hold, and charges what calamine will hold to `budget`.
fn check_shared_strings(
    package: &mut Package<'_>,
    path: &str,
    budget: &mut TextBudget,
) -> Result<(), ReadError> {
    let Some(entry) = package.reader(path)? else {
        return Ok(());
    };
    let size = entry.declared();
    let most = size / MIN_SHARED_STRING_XML;
    let mut xml = XmlPart::new(entry, path);
    let mut declared: Option<u64> = None;
    let mut seen_sst = false;
    let mut items: u64 = 0;
    let mut text: u64 = 0;
    loop {
        match xml.next()? {
            Event::Start(e) => match e.local_name().as_ref() {
                "sst" if !seen_sst => {
                    seen_sst = true;
                    if let Ok(Some(count)) = raw_attr(&e, "uniqueCount") {
                        declared = digits(count);
                        if declared.is_some_and(|n| n > most) {
                            return Err(ReadError::suspicious(format!(
                                "{path} declares {count} strings but can hold at most {most}"
                            )));
                        }
                    }
                    if size <= SMALL_PART_BYTES {
                        // A small part is charged what it could hold at
                        // most, without reading it all.
                        items = most;
                        text = size;
                        break;
                    }
                }
                "si" => items += 1,
                _ => {}
            },
            Event::Text(t) => text += t.len() as u64,
            Event::CData(t) => text += t.len() as u64,
            Event::GeneralRef(r) => text += r.len() as u64 + 4,
            Event::Eof => break,
            _ => {}
        }
    }
    let slots = declared
        .unwrap_or(0)
        .saturating_mul(STRING_BYTES)
        .max(items.saturating_mul(STRING_BYTES * GROWTH));
    budget.charge_text(slots.saturating_add(text.saturating_mul(GROWTH)))
}

/// Scans the styles and charges an upper bound of what calamine builds
/// from them to `budget`: every `<xf>` (calamine makes a style of each
/// one in `<cellXfs>`) with a copy of the longest font name seen and of
/// its number format code; every font, fill, border and number format.
fn check_styles(
    package: &mut Package<'_>,
    path: &str,
    budget: &mut TextBudget,
) -> Result<(), ReadError> {
    let Some(entry) = package.reader(path)? else {
        return Ok(());
    };
    let mut xml = XmlPart::new(entry, path);
    // Custom number format id (raw, as calamine keys them) to code bytes.
    let mut codes: HashMap<String, u64> = HashMap::new();
    let mut longest_name: u64 = 0;
    let mut xfs: u64 = 0;
    // How many `<xf>`s name each number format id.
    let mut uses: HashMap<String, u64> = HashMap::new();
    loop {
        match xml.next()? {
            Event::Start(e) => match e.local_name().as_ref() {
                "numFmt" => {
                    if let Ok([Some(id), Some(code)]) = get_attrs(&e, ["numFmtId", "formatCode"]) {
                        budget.charge_parsed(
                            NUMBER_FORMAT_BYTES + id.len() as u64 + code.len() as u64,
                        )?;
                        let entry = codes.entry(id.to_string()).or_insert(0);
                        *entry = (*entry).max(code.len() as u64);
                    }
                }
                "font" => budget.charge_parsed(FONT_BYTES * GROWTH)?,
                "name" => {
                    let len = raw_attr(&e, "val").ok().flatten().map_or(0, str::len) as u64;
                    budget.charge_parsed(len)?;
                    longest_name = longest_name.max(len);
                }
                "fill" | "border" => budget.charge_parsed(FILL_OR_BORDER_BYTES * GROWTH)?,
                "xf" => {
                    budget.charge_parsed(STYLE_BYTES * GROWTH + 1)?;
                    xfs += 1;
                    // The number format ids calamine may look up for it:
                    // its first `numFmtId`, and the one `get_attrs!`
                    // settles on.
                    let first = raw_attr(&e, "numFmtId").ok().flatten();
                    let settled = get_attrs(&e, ["numFmtId", "fontId", "fillId", "borderId"])
                        .ok()
                        .and_then(|[id, _, _, _]| id);
                    for id in [first, settled.filter(|s| Some(*s) != first)]
                        .into_iter()
                        .flatten()
                    {
                        match uses.get_mut(id) {
                            Some(count) => *count += 1,
                            None => {
                                budget.charge_parsed(NUMBER_FORMAT_BYTES + id.len() as u64)?;
                                uses.insert(id.to_string(), 1);
                            }
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    // Each style's copies of its font's name and of its format code.
    budget.charge_parsed(xfs.saturating_mul(longest_name + BUILTIN_FORMAT_CODE_BYTES))?;
    for (id, count) in &uses {
        let code = codes.get(id).copied().unwrap_or(0);
        budget.charge_parsed(count.saturating_mul(code))?;
    }
    Ok(())
}

/// Scans the worksheet at `path` (when it is larger than 16 MB) as
/// calamine's cell reader will read it: no event may span more than
/// 16 MB, no cell value calamine collects
/// (the text of a `<v>`, the runs of an inline string, which it gathers
/// up to the element's end wherever that is) may exceed 16 MB, and every
/// row number and cell reference must be inside Excel's grid (calamine's
/// arithmetic on them wraps around, so `A99999999999` would land on some
/// row in the middle of the sheet).
fn check_worksheet(package: &mut Package<'_>, path: &str) -> Result<(), ReadError> {
    let entry = package
        .reader(path)?
        .ok_or_else(|| damaged(format!("{path} is missing")))?;
    if entry.declared() <= MAX_CELL_TEXT_BYTES {
        // No event and no cell's text can be larger than the whole part;
        // a cell reference outside the grid is caught as the cells come.
        return Ok(());
    }
    let mut xml = XmlPart::new(entry, path);
    // `XlsxCellReader::new` reads up to `<sheetData>`.
    xml.skip_past_start("sheetData")?;
    // `next_cell`, up to `</sheetData>`.
    let mut name = String::new();
    loop {
        match xml.next()? {
            Event::Start(e) if e.local_name().as_ref() == "row" => {
                if let Ok(Some(r)) = raw_attr(&e, "r") {
                    row_number(r)?;
                }
            }
            Event::Start(e) if e.local_name().as_ref() == "c" => {
                let [r, _, t] =
                    get_attrs(&e, ["r", "s", "t"]).map_err(|()| damaged("a bad cell attribute"))?;
                if let Some(r) = r {
                    cell_reference(r)?;
                }
                let kind = value_kind(t);
                cell(&mut xml, kind, &mut name)?;
            }
            Event::End(e) if e.local_name().as_ref() == "sheetData" => return Ok(()),
            Event::Eof => return Err(xml.eof()),
            _ => {}
        }
    }
}

/// How calamine reads a cell's `<v>`, by the cell's type (`t`).
#[derive(Clone, Copy)]
enum ValueKind {
    /// An inline string: the `<v>` is skipped.
    Inline,
    /// Numbers, shared-string indexes, booleans, errors: one event.
    Plain,
    /// Formula strings, dates and anything else: all its text.
    Text,
}

/// How calamine reads the `<v>` of a cell whose type (`t`) is `t`.
fn value_kind(t: Option<&str>) -> ValueKind {
    match t {
        Some("inlineStr" | "is") => ValueKind::Inline,
        Some("n" | "s" | "b" | "e") | None => ValueKind::Plain,
        Some(_) => ValueKind::Text,
    }
}

/// A cell (its `<c>` just read), read as calamine's `next_cell` and
/// `read_value` read it. `name` is scratch space.
fn cell(xml: &mut XmlPart<'_>, kind: ValueKind, name: &mut String) -> Result<(), ReadError> {
    loop {
        name.clear();
        match xml.next()? {
            Event::Start(e) => name.push_str(e.name().as_ref()),
            Event::End(e) if e.local_name().as_ref() == "c" => return Ok(()),
            Event::Eof => return Err(xml.eof()),
            _ => continue,
        }
        let local = name.rsplit_once(':').map_or(name.as_str(), |(_, l)| l);
        match (local, kind) {
            ("is", _) => inline_string(xml, name)?,
            ("v", ValueKind::Inline) | ("f", _) => skip_to_end(xml, name)?,
            ("v", ValueKind::Plain) => {
                // One event is the value; the rest is skipped.
                match xml.next()? {
                    Event::End(e) if e.name().as_ref() == name.as_str() => continue,
                    Event::Eof => return Err(xml.eof()),
                    _ => {}
                }
                skip_to_end(xml, name)?;
            }
            ("v", ValueKind::Text) => {
                let mut text: u64 = 0;
                loop {
                    match xml.next()? {
                        Event::Text(t) => text += t.len() as u64,
                        Event::GeneralRef(_) => text += 4,
                        Event::End(e) if e.name().as_ref() == name.as_str() => break,
                        Event::Eof => return Err(xml.eof()),
                        _ => {}
                    }
                    too_long(text)?;
                }
            }
            _ => return Err(damaged("an unexpected element in a cell")),
        }
    }
}

/// An inline string (`<is>` just read, called `closing`), read as
/// calamine's `read_string_with_bufs` reads it: the text of its `<t>`s
/// (phonetic runs left out) up to the first `</is>` outside a `<t>`.
fn inline_string(xml: &mut XmlPart<'_>, closing: &str) -> Result<(), ReadError> {
    let mut phonetic = false;
    let mut text: u64 = 0;
    let mut t_name = String::new();
    loop {
        t_name.clear();
        match xml.next()? {
            Event::Start(e) if e.local_name().as_ref() == "rPh" => {
                phonetic = true;
                continue;
            }
            Event::End(e) if e.name().as_ref() == closing => return Ok(()),
            Event::End(e) if e.local_name().as_ref() == "rPh" => {
                phonetic = false;
                continue;
            }
            Event::Start(e) if e.local_name().as_ref() == "t" && !phonetic => {
                t_name.push_str(e.name().as_ref());
            }
            Event::Eof => return Err(xml.eof()),
            _ => continue,
        }
        loop {
            match xml.next()? {
                Event::Text(t) => text += t.len() as u64,
                Event::CData(t) => text += t.len() as u64,
                Event::GeneralRef(_) => text += 4,
                Event::End(e) if e.name().as_ref() == t_name => break,
                Event::Eof => return Err(xml.eof()),
                _ => {}
            }
            too_long(text)?;
        }
    }
}

/// Refuses a cell value whose text calamine would collect past 16 MB.
fn too_long(text: u64) -> Result<(), ReadError> {
    if text > MAX_CELL_TEXT_BYTES {
        Err(ReadError::suspicious(
            "xlsx: a cell's text is larger than 16 MB",
        ))
    } else {
        Ok(())
    }
}

/// Skips to the end of the element named `name` as quick-xml's
/// `read_to_end_into` does (counting nested elements of the same name).
fn skip_to_end(xml: &mut XmlPart<'_>, name: &str) -> Result<(), ReadError> {
    let mut depth = 0usize;
    loop {
        match xml.next()? {
            Event::Start(e) if e.name().as_ref() == name => depth += 1,
            Event::End(e) if e.name().as_ref() == name => {
                if depth == 0 {
                    return Ok(());
                }
                depth -= 1;
            }
            Event::Eof => return Err(xml.eof()),
            _ => {}
        }
    }
}

/// A row number (`r` of `<row>`, 1-based) as a 0-based index inside
/// Excel's grid. Like calamine, any letters before the digits are ignored.
fn row_number(text: &str) -> Result<u32, ReadError> {
    let digits_at = text
        .bytes()
        .position(|b| b.is_ascii_digit())
        .unwrap_or(text.len());
    digits(&text[digits_at..])
        .and_then(|r| u32::try_from(r).ok())
        .filter(|r| (1..=GRID_ROWS).contains(r))
        .map(|r| r - 1)
        .ok_or_else(|| damaged(format!("bad row number {:?}", clip(text))))
}

/// A cell reference such as `B12` (letters in any case, then digits) as
/// 0-based (row, column) inside Excel's grid.
fn cell_reference(text: &str) -> Result<(u32, u32), ReadError> {
    let bad = || damaged(format!("bad cell reference {:?}", clip(text)));
    let letters = text.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 {
        return Err(bad());
    }
    let col = text[..letters].bytes().fold(0u32, |n, b| {
        n * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1
    });
    if col > GRID_COLUMNS {
        return Err(bad());
    }
    let row = digits(&text[letters..])
        .and_then(|r| u32::try_from(r).ok())
        .filter(|r| (1..=GRID_ROWS).contains(r))
        .ok_or_else(bad)?;
    Ok((row - 1, col - 1))
}

/// The first characters of `text`, for an error detail.
fn clip(text: &str) -> String {
    text.chars().take(20).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_are_checked_against_the_grid() {
        assert_eq!(cell_reference("A1").unwrap(), (0, 0));
        assert_eq!(cell_reference("b12").unwrap(), (11, 1));
        assert_eq!(cell_reference("XFD1048576").unwrap(), (1_048_575, 16_383));
        assert!(cell_reference("XFE1").is_err());
        assert!(cell_reference("A0").is_err());
        assert!(cell_reference("A1048577").is_err());
        assert!(cell_reference("12").is_err());
        assert!(cell_reference("A99999999999").is_err());
        assert!(cell_reference("ZZZZZZZZZZ1").is_err());
        assert!(cell_reference("").is_err());
        assert_eq!(row_number("7").unwrap(), 6);
        assert!(row_number("0").is_err());
        assert!(row_number("4294967296").is_err());
    }

    #[test]
    fn counts_are_read_like_calamine_reads_them() {
        assert_eq!(digits("0042"), Some(42));
        assert_eq!(digits("+42"), None);
        assert_eq!(digits(""), None);
        assert_eq!(digits("99999999999999999999999"), Some(u64::MAX));
    }
}
