//! ods: OpenDocument spreadsheets, read by calamine's `Ods` after a
//! pre-flight scan of `content.xml`.
//!
//! calamine parses every table of an ods when it opens it: each row's
//! cells into a list (a cell repeated across the row, with
//! `table:number-columns-repeated`, is copied up to 16,384 times, its
//! text and formula with it), then each table into a dense grid that
//! spans its cells, copying each repeated row (`number-rows-repeated`)
//! up to its limit of 100 million cells; `worksheet_range` returns a copy
//! of the grid. It also loops forever on a `content.xml` that ends inside
//! a table or inside a comment, and writes out `<text:s text:c="…"/>`
//! space by space, however many the file asks for.
//!
//! The scan reads `content.xml` event by event exactly as calamine will
//! (which events it takes as cells, rows and tables, and which it skips)
//! and works out, row by row and without holding the rows, the size of
//! every list and grid calamine will build and every copy of a cell's
//! text and formula it will make; the total, with the copies of the
//! chosen table's grids, is charged to the read's budget, so a file whose
//! grids would not fit is refused before calamine runs. It refuses a
//! file that would make calamine loop, a cell whose XML spans more than
//! 16 MB, and a cell asking for more than 16 MB of text.

use std::io::Cursor;

use calamine::{Ods, Reader};
use quick_xml::events::{BytesStart, Event};

use super::builder::{RowBuilder, TextBudget};
use super::cells::{catching_panics, feed_range, value, DATA_BYTES, GROWTH, STRING_BYTES};
use super::dates::DateSystem;
use super::error::ReadError;
use super::rows::{OpenedSheet, RowsRead};
use super::sheets::{choose, from_calamine};
use super::value::Value;
use super::xml::{decode_attr, raw_attr, raw_attrs, XmlPart};
use super::zip_guard::{Package, MAX_EVENT_BYTES};
use super::Request;
use crate::sheet::FileFormat;

const CONTENT: &str = "content.xml";
const MANIFEST: &str = "META-INF/manifest.xml";
const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;
/// calamine's own limits for an ods table.
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;
const MAX_CELLS: u64 = 100_000_000;
/// Most bytes of XML, and most characters of text, one cell may take.
const MAX_CELL_BYTES: u64 = MAX_EVENT_BYTES;

fn damaged(what: impl std::fmt::Display) -> ReadError {
    ReadError::damaged(format!("ods: {what}"))
}

/// What calamine would fail on (with an error): the scan stops there.
fn calamine_fails() -> ReadError {
    damaged("calamine cannot read content.xml")
}

/// Reads the chosen table of the ods in `bytes` (already opened as
/// `package`).
pub(crate) fn read(
    bytes: &[u8],
    package: &mut Package<'_>,
    request: Request<'_>,
) -> Result<RowsRead, ReadError> {
    package.cap(MANIFEST, MAX_MANIFEST_BYTES)?;
    if let Some(manifest) = package.read_all(MANIFEST, MAX_MANIFEST_BYTES)? {
        if String::from_utf8_lossy(&manifest).contains("encryption-data") {
            return Err(ReadError::PasswordProtected);
        }
    }
    if !package.has_exact("mimetype") || !package.has_exact(MANIFEST) {
        return Err(damaged("the mimetype or manifest part is missing"));
    }
    let mut budget = TextBudget::new(request.limits);
    let tables = check_content(package, &mut budget)?;

    catching_panics("ods", move || {
        let mut ods: Ods<_> = Ods::new(Cursor::new(bytes))?;
        let listed = ods.sheets_metadata().to_vec();
        let same = listed.len() == tables.len()
            && listed
                .iter()
                .zip(&tables)
                .all(|(theirs, ours)| theirs.name == ours.name);
        if !same {
            return Err(damaged(
                "the pre-flight check and calamine list different tables",
            ));
        }
        let infos = from_calamine(&listed);
        let (sheet_names, chosen) = choose(&infos, request.sheet)?;
        let name = listed[chosen.location].name.clone();
        // `worksheet_range` and `worksheet_formula` copy the grids.
        budget.charge_parsed(tables[chosen.location].grids)?;
        let range = ods.worksheet_range(&name)?;
        let formulas = ods.worksheet_formula(&name)?;
        drop(ods);
        let opened = OpenedSheet {
            format: FileFormat::Ods,
            sheet_names,
            name: chosen.name.clone(),
        };
        let mut builder = RowBuilder::new(opened, budget, request);
        feed_range(&range, &mut builder, |row, col, data| {
            let has_formula = formulas
                .get_value((row, col))
                .is_some_and(|formula| !formula.is_empty());
            match value(data, DateSystem::Excel1900) {
                // A formula whose result is an error, as LibreOffice
                // writes it: the error's text.
                Value::Text(text) if has_formula && is_error_text(&text) => Value::Error(text),
                other => other,
            }
        })?;
        builder.finish()
    })
}

/// Whether a formula's text result is a spreadsheet error (`#N/A`, or
/// LibreOffice's `Err:502`).
fn is_error_text(text: &str) -> bool {
    let text = text.trim();
    matches!(
        text,
        "#N/A" | "#DIV/0!" | "#VALUE!" | "#REF!" | "#NAME?" | "#NUM!" | "#NULL!"
    ) || text
        .strip_prefix("Err:")
        .is_some_and(|code| !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()))
}

/// A table as the scan found it.
struct TableCheck {
    name: String,
    /// What copies of its grids (values and formulas) cost.
    grids: u64,
}

/// Where calamine's `get_range` will put a table's non-empty cells, and
/// what it will copy, worked out row by row.
#[derive(Default)]
struct Grid {
    /// Row elements so far, and the rows they repeat to so far.
    rows: u64,
    repeated: u64,
    /// Index of the first and last row element with a non-empty cell, the
    /// repeated rows before the first and up to the last.
    first: Option<u64>,
    last: u64,
    repeated_before_first: u64,
    repeated_through_last: u64,
    /// Left-most and right-most non-empty column.
    left: u64,
    right: u64,
    /// Text and formula bytes copied into the grid (each row's bytes
    /// times its repeats).
    copied: u64,
}

impl Grid {
    /// Adds a row element repeated `repeats` times whose non-empty cells
    /// span `span` (columns) and hold `bytes`.
    fn add(&mut self, repeats: u64, span: Option<(u64, u64)>, bytes: u64) {
        if let Some((left, right)) = span {
            if self.first.is_none() {
                self.first = Some(self.rows);
                self.repeated_before_first = self.repeated;
                self.left = left;
                self.right = right;
            }
            self.last = self.rows;
            self.repeated_through_last = self.repeated + repeats;
            self.left = self.left.min(left);
            self.right = self.right.max(right);
            self.copied = self.copied.saturating_add(bytes.saturating_mul(repeats));
        }
        self.rows += 1;
        self.repeated += repeats;
    }

    /// The bytes of the grid calamine builds, with `element` bytes a cell
    /// (the reservation it makes first, the growth beyond it, the copies).
    fn bytes(&self, element: u64) -> u64 {
        let Some(first) = self.first else {
            return 0;
        };
        let width = self.right + 1 - self.left;
        let reserved = (self.last + 1 - first).saturating_mul(width).min(MAX_CELLS);
        let cells = self
            .repeated_through_last
            .saturating_sub(self.repeated_before_first)
            .saturating_mul(width)
            .min(MAX_CELLS);
        reserved
            .max(cells)
            .saturating_mul(element * GROWTH)
            .saturating_add(self.copied)
    }

    /// The bytes of a copy of the grid.
    fn copy_bytes(&self, element: u64) -> u64 {
        if self.first.is_none() {
            return 0;
        }
        let width = self.right + 1 - self.left;
        self.repeated_through_last
            .saturating_sub(self.repeated_before_first)
            .saturating_mul(width)
            .min(MAX_CELLS)
            .saturating_mul(element)
            .saturating_add(self.copied)
    }
}

/// Scans `content.xml` as calamine's `parse_content` reads it and charges
/// what calamine will build; returns the named tables in order.
fn check_content(
    package: &mut Package<'_>,
    budget: &mut TextBudget,
) -> Result<Vec<TableCheck>, ReadError> {
    let entry = package
        .reader_exact(CONTENT)?
        .ok_or_else(|| damaged("content.xml is missing"))?;
    let mut xml = XmlPart::new(entry, CONTENT);
    let mut tables: Vec<TableCheck> = Vec::new();
    let mut in_style = false;
    loop {
        match xml.next()? {
            Event::Start(e) => match e.name().as_ref() {
                "style:style" => {
                    in_style = match raw_attr(&e, "style:name").map_err(|()| calamine_fails())? {
                        Some(name) => {
                            decode_attr(name).map_err(|()| calamine_fails())?;
                            true
                        }
                        None => false,
                    };
                }
                "style:table-properties" if in_style => {
                    if let Some(display) =
                        raw_attr(&e, "table:display").map_err(|()| calamine_fails())?
                    {
                        let display = decode_attr(display).map_err(|()| calamine_fails())?;
                        if display != "true" && display != "false" {
                            return Err(calamine_fails());
                        }
                    }
                }
                "table:table" => {
                    if let Some(style) =
                        raw_attr(&e, "table:style-name").map_err(|()| calamine_fails())?
                    {
                        decode_attr(style).map_err(|()| calamine_fails())?;
                    }
                    let name = match raw_attr(&e, "table:name").map_err(|()| calamine_fails())? {
                        Some(name) => decode_attr(name)
                            .map_err(|()| calamine_fails())?
                            .into_owned(),
                        None => continue,
                    };
                    if tables.iter().any(|table| table.name == name) {
                        // calamine keeps tables by name: the second would
                        // replace the first behind the user's choice.
                        return Err(damaged("two tables have the same name"));
                    }
                    let grids = table(&mut xml, budget)?;
                    budget.charge_parsed(2 * (32 + STRING_BYTES) + 2 * name.len() as u64)?;
                    tables.push(TableCheck { name, grids });
                }
                "table:named-expressions" => named_expressions(&mut xml, budget)?,
                _ => {}
            },
            Event::Eof => return Ok(tables),
            _ => {}
        }
    }
}

/// One table, read as calamine's `read_table` reads it (the table's start
/// just read); charges its lists and grids, returns what copies of its
/// grids cost.
fn table(xml: &mut XmlPart<'_>, budget: &mut TextBudget) -> Result<u64, ReadError> {
    let mut total_rows: u64 = 0;
    let mut values = Grid::default();
    let mut formulas = Grid::default();
    let mut cells: u64 = 0;
    let mut copied: u64 = 0;
    loop {
        match xml.next()? {
            Event::Start(e) if e.name().as_ref() == "table:table-row" => {
                let repeats = match raw_attr(&e, "table:number-rows-repeated")
                    .map_err(|()| calamine_fails())?
                {
                    Some(text) => parse_count(&decode_attr(text).map_err(|()| calamine_fails())?)?,
                    None => 1,
                };
                let repeats = repeats.min(MAX_ROWS - total_rows);
                total_rows += repeats;
                let row = row(xml)?;
                cells = cells.saturating_add(row.cells);
                copied = copied.saturating_add(row.copied);
                values.add(repeats, row.values, row.value_bytes);
                formulas.add(repeats, row.formulas, row.formula_bytes);
                budget.charge_parsed(
                    (DATA_BYTES + STRING_BYTES) * GROWTH * row.cells + row.copied + 16 * GROWTH,
                )?;
            }
            Event::End(e) if e.name().as_ref() == "table:table" => break,
            Event::Eof => {
                return Err(damaged(
                    "content.xml ends inside a table (calamine would never stop reading)",
                ))
            }
            _ => {}
        }
    }
    budget.charge_parsed(values.bytes(DATA_BYTES))?;
    budget.charge_parsed(formulas.bytes(STRING_BYTES))?;
    Ok(values
        .copy_bytes(DATA_BYTES)
        .saturating_add(formulas.copy_bytes(STRING_BYTES)))
}

/// A count attribute as calamine parses it (a `usize`: digits, maybe a
/// leading `+`). Counts past 4,294,967,295 are refused: calamine reads
/// them on 64-bit machines and fails on 32-bit ones (the browser), and
/// both must give the same answer.
fn parse_count(text: &str) -> Result<u64, ReadError> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(calamine_fails());
    }
    let value = digits.bytes().fold(0u64, |n, b| {
        n.saturating_mul(10).saturating_add(u64::from(b - b'0'))
    });
    if value > u64::from(u32::MAX) {
        return Err(calamine_fails());
    }
    Ok(value)
}

/// One row as the scan found it.
struct RowCheck {
    /// Cells calamine pushes for it (before the grid).
    cells: u64,
    /// The text and formula bytes of those cells.
    copied: u64,
    /// The columns of its non-empty values, and their text bytes.
    values: Option<(u64, u64)>,
    value_bytes: u64,
    /// The columns of its formulas, and their bytes.
    formulas: Option<(u64, u64)>,
    formula_bytes: u64,
}

fn widen(span: &mut Option<(u64, u64)>, from: u64, to: u64) {
    *span = Some(match *span {
        Some((left, right)) => (left.min(from), right.max(to)),
        None => (from, to),
    });
}

/// One row, read as calamine's `read_row` reads it (the row's start just
/// read).
fn row(xml: &mut XmlPart<'_>) -> Result<RowCheck, ReadError> {
    let mut check = RowCheck {
        cells: 0,
        copied: 0,
        values: None,
        value_bytes: 0,
        formulas: None,
        formula_bytes: 0,
    };
    let mut empty: u64 = 0;
    loop {
        let start = xml.position();
        match xml.next()? {
            Event::Start(e)
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                let repeats = match raw_attr(&e, "table:number-columns-repeated")
                    .map_err(|()| calamine_fails())?
                {
                    Some(text) => parse_count(text)?,
                    None => 1,
                };
                let end_name = e.name().as_ref().to_string();
                let attrs = CellAttrs::of(&e)?;
                let cell = cell(xml, attrs, start)?;
                let fill = empty.min(MAX_COLUMNS - check.cells);
                check.cells += fill;
                empty = 0;
                let repeats = repeats.min(MAX_COLUMNS - check.cells);
                if !cell.value && cell.formula == 0 {
                    empty = repeats;
                } else if repeats > 0 {
                    let (from, to) = (check.cells, check.cells + repeats - 1);
                    if cell.value {
                        widen(&mut check.values, from, to);
                        check.value_bytes += cell.text * repeats;
                    }
                    if cell.formula > 0 {
                        widen(&mut check.formulas, from, to);
                        check.formula_bytes += cell.formula * repeats;
                    }
                    check.copied = check
                        .copied
                        .saturating_add((cell.text + cell.formula).saturating_mul(repeats));
                    check.cells += repeats;
                }
                if !cell.closed {
                    skip_to_end(xml, &end_name, start)?;
                }
            }
            Event::End(e) if e.name().as_ref() == "table:table-row" => return Ok(check),
            _ => return Err(calamine_fails()),
        }
    }
}

/// One cell as the scan found it.
struct CellCheck {
    /// Whether calamine gives it a value (anything but `Data::Empty`).
    value: bool,
    /// The bytes of its text value (twice, for the growth of a string
    /// built piece by piece).
    text: u64,
    /// The bytes of its formula.
    formula: u64,
    /// Whether calamine read up to the cell's end.
    closed: bool,
}

/// What a cell's attributes say, read as calamine's `get_datatype` reads
/// them.
struct CellAttrs {
    value: bool,
    text: u64,
    formula: u64,
    /// Whether calamine reads the cell's content for its text.
    reads_content: bool,
}

impl CellAttrs {
    fn of(e: &BytesStart<'_>) -> Result<CellAttrs, ReadError> {
        let mut set = false;
        let mut value = false;
        let mut text: u64 = 0;
        let mut string_empty = false;
        let mut is_string = false;
        let mut is_error = false;
        let mut formula: u64 = 0;
        for attr in raw_attrs(e) {
            let (key, raw) = attr.map_err(|()| calamine_fails())?;
            match key {
                "office:value" if !set => {
                    value = true;
                    set = true;
                }
                "office:string-value" | "office:date-value" | "office:time-value" if !set => {
                    let decoded = decode_attr(raw).map_err(|()| calamine_fails())?;
                    value = true;
                    text = 2 * decoded.len() as u64;
                    string_empty = key == "office:string-value" && decoded.is_empty();
                    set = true;
                }
                "office:boolean-value" if !set => {
                    value = true;
                    set = true;
                }
                "office:value-type" if !set => is_string = raw == "string",
                "calcext:value-type" => is_error = raw == "error",
                "table:formula" => {
                    formula = 2 * decode_attr(raw).map_err(|()| calamine_fails())?.len() as u64;
                }
                _ => {}
            }
        }
        Ok(CellAttrs {
            value,
            text,
            formula,
            reads_content: (!set && is_string) || (is_error && string_empty),
        })
    }
}

/// A cell (its start just read at `start`, its attributes `attrs`), read
/// as calamine's `get_datatype` reads it.
fn cell(xml: &mut XmlPart<'_>, attrs: CellAttrs, start: u64) -> Result<CellCheck, ReadError> {
    let formula = attrs.formula;
    if !attrs.reads_content {
        return Ok(CellCheck {
            value: attrs.value,
            text: attrs.text,
            formula,
            closed: false,
        });
    }
    // calamine reads the cell's text up to its end.
    let mut length: u64 = 0;
    let mut first_paragraph = true;
    loop {
        let event = xml.next()?;
        match event {
            Event::Text(t) => length += t.len() as u64,
            Event::GeneralRef(_) => length += 4,
            Event::End(x)
                if matches!(
                    x.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                return Ok(CellCheck {
                    value: true,
                    text: 2 * length,
                    formula,
                    closed: true,
                });
            }
            Event::Start(x) => match x.name().as_ref() {
                "office:annotation" => loop {
                    match xml.next()? {
                        Event::End(y) if y.name().as_ref() == "office:annotation" => break,
                        Event::Eof => return Err(damaged(
                            "content.xml ends inside a comment (calamine would never stop reading)",
                        )),
                        _ => {}
                    }
                    span(xml, start)?;
                },
                "text:p" => {
                    if !first_paragraph {
                        length += 1;
                    }
                    first_paragraph = false;
                }
                "text:s" => {
                    let count = match raw_attr(&x, "text:c").map_err(|()| calamine_fails())? {
                        Some(c) => parse_count(&decode_attr(c).map_err(|()| calamine_fails())?)?,
                        None => 1,
                    };
                    length = length.saturating_add(count);
                }
                "text:tab" | "text:line-break" => length += 1,
                _ => {}
            },
            Event::Eof => return Err(calamine_fails()),
            _ => {}
        }
        if length > MAX_CELL_BYTES {
            return Err(ReadError::suspicious(
                "ods: a cell asks for more than 16 MB of text",
            ));
        }
        span(xml, start)?;
    }
}

/// Refuses a cell whose XML, from `start`, spans more than 16 MB.
fn span(xml: &XmlPart<'_>, start: u64) -> Result<(), ReadError> {
    if xml.position().saturating_sub(start) > MAX_CELL_BYTES {
        Err(ReadError::suspicious("ods: a cell spans more than 16 MB"))
    } else {
        Ok(())
    }
}

/// Skips to the end of the element named `name` as quick-xml's
/// `read_to_end_into` does (counting nested elements of the same name).
fn skip_to_end(xml: &mut XmlPart<'_>, name: &str, start: u64) -> Result<(), ReadError> {
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
            Event::Eof => return Err(calamine_fails()),
            _ => {}
        }
        span(xml, start)?;
    }
}

/// The named expressions, read as calamine's `read_named_expressions`
/// reads them; charges them.
fn named_expressions(xml: &mut XmlPart<'_>, budget: &mut TextBudget) -> Result<(), ReadError> {
    loop {
        match xml.next()? {
            Event::Start(e)
                if matches!(
                    e.name().as_ref(),
                    "table:named-range" | "table:named-expression"
                ) =>
            {
                let mut bytes = 2 * STRING_BYTES * GROWTH;
                for attr in raw_attrs(&e) {
                    let (key, raw) = attr.map_err(|()| calamine_fails())?;
                    if matches!(
                        key,
                        "table:name" | "table:cell-range-address" | "table:expression"
                    ) {
                        bytes += decode_attr(raw).map_err(|()| calamine_fails())?.len() as u64;
                    }
                }
                budget.charge_parsed(bytes)?;
            }
            Event::End(e)
                if matches!(
                    e.name().as_ref(),
                    "table:named-range" | "table:named-expression"
                ) => {}
            Event::End(e) if e.name().as_ref() == "table:named-expressions" => return Ok(()),
            _ => return Err(calamine_fails()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grid_spans_its_rows_and_columns_with_their_repeats() {
        let mut grid = Grid::default();
        grid.add(5, None, 0);
        grid.add(2, Some((3, 4)), 10);
        grid.add(1_000, None, 0);
        grid.add(1, Some((1, 1)), 0);
        grid.add(7, None, 0);
        // Rows 5..1008 (1,003 rows) of columns 1..=4.
        assert_eq!(grid.copy_bytes(1), 1_003 * 4 + 20);
        assert_eq!(Grid::default().bytes(32), 0);
    }

    #[test]
    fn counts_are_parsed_as_calamine_parses_them() {
        assert_eq!(parse_count("12").unwrap(), 12);
        assert_eq!(parse_count("+12").unwrap(), 12);
        assert!(parse_count(" 12").is_err());
        assert!(parse_count("-1").is_err());
        assert!(parse_count("").is_err());
    }
}
