//! ods: OpenDocument spreadsheets, `content.xml` streamed with quick-xml.
//!
//! The first pass lists the tables (and which table styles hide them); the
//! second streams the chosen table into the [`SheetBuilder`]. Repeated
//! rows and columns (`table:number-rows-repeated="1048576"`) are expanded
//! only as far as the builder can use them: a blank repeat just moves the
//! row counter, a non-blank one stops at the row limit, and a repeated cell
//! is copied at most up to the header's width (or the column limit while
//! the header is being looked for). Memory is one row of cells at a time.

use std::borrow::Cow;
use std::collections::HashSet;

use quick_xml::events::{BytesStart, Event};

use super::builder::{SheetBuilder, TextBudget};
use super::error::ReadError;
use super::sheets::{choose, sheet_name, SheetInfo, Visibility, MAX_SHEETS};
use super::value::Value;
use super::xml::{attr_named, entity, push_bounded, XmlPart};
use super::zip_guard::Package;
use super::Workbook;
use crate::sheet::{FileFormat, Limits};

const CONTENT: &str = "content.xml";
const MANIFEST: &str = "META-INF/manifest.xml";
/// Most spaces one `<text:s text:c="…"/>` may stand for.
const MAX_SPACES: usize = 1_024;

/// Reads the chosen table of the ods `package`.
pub(crate) fn read(
    package: &mut Package<'_>,
    requested: Option<&str>,
    limits: &Limits,
    progress: &mut dyn FnMut(u32),
) -> Result<Workbook, ReadError> {
    if let Some(manifest) = package.read_all(MANIFEST, 4 * 1024 * 1024)? {
        if String::from_utf8_lossy(&manifest).contains("encryption-data") {
            return Err(ReadError::PasswordProtected);
        }
    }
    let tables = list_tables(package)?;
    let (sheet_names, chosen) = choose(&tables, requested)?;
    let mut builder = SheetBuilder::new(&chosen.name, limits, TextBudget::new(limits), progress);
    read_table(package, chosen.location, limits, &mut builder)?;
    Ok(Workbook {
        format: FileFormat::Ods,
        sheet_names,
        sheet: builder.finish()?,
    })
}

fn open_content<'p>(package: &'p mut Package<'_>) -> Result<XmlPart<'p>, ReadError> {
    let entry = package
        .reader(CONTENT)?
        .ok_or_else(|| ReadError::damaged("ods: content.xml is missing"))?;
    Ok(XmlPart::new(entry, CONTENT))
}

/// The tables in document order, with their visibility.
fn list_tables(package: &mut Package<'_>) -> Result<Vec<SheetInfo<usize>>, ReadError> {
    let mut xml = open_content(package)?;
    let mut hidden_styles: HashSet<String> = HashSet::new();
    let mut style: Option<String> = None;
    let mut tables = Vec::new();
    let mut index = 0usize;
    loop {
        match xml.next()? {
            Event::Start(e) => match e.name().as_ref() {
                "style:style" => {
                    let family = attr_named(&e, "style:family");
                    style = match family.as_deref() {
                        Some("table") => attr_named(&e, "style:name")
                            .filter(|name| name.len() <= 256)
                            .map(Cow::into_owned),
                        _ => None,
                    };
                }
                "style:table-properties"
                    if attr_named(&e, "table:display").as_deref() == Some("false")
                        && hidden_styles.len() < MAX_SHEETS =>
                {
                    if let Some(name) = &style {
                        hidden_styles.insert(name.clone());
                    }
                }
                "table:table" => {
                    let name = sheet_name(&attr_named(&e, "table:name").unwrap_or_default());
                    let hidden = attr_named(&e, "table:style-name")
                        .is_some_and(|s| hidden_styles.contains(s.as_ref()));
                    if tables.len() < MAX_SHEETS {
                        tables.push(SheetInfo {
                            name,
                            visibility: if hidden {
                                Visibility::Hidden
                            } else {
                                Visibility::Visible
                            },
                            location: index,
                        });
                    }
                    index += 1;
                    xml.skip_element()?;
                }
                _ => {}
            },
            Event::End(e) if e.name().as_ref() == "style:style" => style = None,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(tables)
}

/// One cell of a row, kept until the row is complete.
struct RowCell {
    col: u32,
    repeat: u32,
    value: Value<'static>,
}

/// Streams table number `wanted` into `builder`.
fn read_table(
    package: &mut Package<'_>,
    wanted: usize,
    limits: &Limits,
    builder: &mut SheetBuilder<'_>,
) -> Result<(), ReadError> {
    let mut xml = open_content(package)?;
    let mut index = 0usize;
    loop {
        match xml.next()? {
            Event::Start(e) if e.name().as_ref() == "table:table" => {
                if index == wanted {
                    break;
                }
                index += 1;
                xml.skip_element()?;
            }
            Event::Eof => return Err(ReadError::damaged("ods: table not found")),
            _ => {}
        }
    }
    let mut row: u32 = 0;
    let mut depth = 0usize;
    loop {
        let repeat = match xml.next()? {
            Event::Start(e) => match e.name().as_ref() {
                "table:table-row" => repeat_of(&e, "table:number-rows-repeated"),
                // Wrappers: header rows, row groups.
                "table:table-header-rows" | "table:table-row-group" | "table:table-rows" => {
                    depth += 1;
                    continue;
                }
                _ => {
                    xml.skip_element()?;
                    continue;
                }
            },
            Event::End(_) => {
                if depth == 0 {
                    return Ok(());
                }
                depth -= 1;
                continue;
            }
            Event::Eof => return Err(xml.eof()),
            _ => continue,
        };
        let cells = read_row(&mut xml, builder.useful_columns())?;
        row = emit_row(builder, row, repeat, &cells, limits)?;
    }
}

/// The non-blank cells of the row just started that start left of column
/// `useful`; of those further right, only the right-most is kept (as a
/// marker, so the builder can tell a header is too wide).
fn read_row(xml: &mut XmlPart<'_>, useful: u32) -> Result<Vec<RowCell>, ReadError> {
    let mut cells = Vec::new();
    let mut far: Option<u32> = None;
    let mut col: u32 = 0;
    loop {
        let (repeat, value) = match xml.next()? {
            Event::Start(e) => match e.name().as_ref() {
                "table:table-cell" | "table:covered-table-cell" => {
                    let repeat = repeat_of(&e, "table:number-columns-repeated");
                    let attrs = CellAttrs::from(&e);
                    (repeat, cell_value(xml, attrs)?)
                }
                _ => {
                    xml.skip_element()?;
                    continue;
                }
            },
            Event::End(_) => {
                if let Some(far) = far {
                    cells.push(RowCell {
                        col: far,
                        repeat: 1,
                        value: Value::Text(Cow::Borrowed("far")),
                    });
                }
                return Ok(cells);
            }
            Event::Eof => return Err(xml.eof()),
            _ => continue,
        };
        if !value.is_blank() {
            if col < useful {
                cells.push(RowCell { col, repeat, value });
            } else {
                let last = col.saturating_add(repeat - 1);
                far = Some(far.map_or(last, |f| f.max(last)));
            }
        }
        col = col.saturating_add(repeat);
    }
}

/// Feeds a row (repeated `repeat` times, from `row`) to the builder; the
/// next row's index.
fn emit_row(
    builder: &mut SheetBuilder<'_>,
    row: u32,
    repeat: u32,
    cells: &[RowCell],
    limits: &Limits,
) -> Result<u32, ReadError> {
    // More copies than this would have failed the row limit already.
    let useful = limits.max_rows.saturating_add(2);
    for copy in 0..repeat.min(useful) {
        let wanted: Vec<&RowCell> = cells
            .iter()
            .filter(|cell| builder.wants(cell.col))
            .collect();
        if wanted.is_empty() {
            break;
        }
        let this_row = row
            .checked_add(copy)
            .ok_or_else(|| ReadError::damaged("ods: too many rows"))?;
        for cell in wanted {
            emit_cell(builder, this_row, cell, limits)?;
        }
    }
    Ok(row.saturating_add(repeat))
}

/// Feeds one (possibly column-repeated) cell to the builder, copying it no
/// further than the builder can use.
fn emit_cell(
    builder: &mut SheetBuilder<'_>,
    row: u32,
    cell: &RowCell,
    limits: &Limits,
) -> Result<(), ReadError> {
    let last = cell.col.saturating_add(cell.repeat.saturating_sub(1));
    let bound = cell.col.saturating_add(limits.max_columns);
    for col in cell.col..=last.min(bound) {
        if !builder.wants(col) {
            return Ok(());
        }
        builder.push(row, col, cell.value.clone())?;
    }
    if last > bound && builder.wants(last) {
        // Let the builder see how far the row really reaches.
        builder.push(row, last, cell.value.clone())?;
    }
    Ok(())
}

/// A repeat count attribute (at least 1).
fn repeat_of(e: &BytesStart<'_>, name: &str) -> u32 {
    attr_named(e, name)
        .and_then(|v| v.trim().parse::<u32>().ok())
        .unwrap_or(1)
        .max(1)
}

/// The attributes that decide a cell's value.
struct CellAttrs {
    formula: bool,
    value_type: Option<String>,
    calc_type: Option<String>,
    value: Option<String>,
    date: Option<String>,
    time: Option<String>,
    boolean: Option<String>,
    string: Option<String>,
}

impl CellAttrs {
    fn from(e: &BytesStart<'_>) -> CellAttrs {
        let get = |name| attr_named(e, name).map(Cow::into_owned);
        CellAttrs {
            formula: attr_named(e, "table:formula").is_some(),
            value_type: get("office:value-type"),
            calc_type: get("calcext:value-type"),
            value: get("office:value"),
            date: get("office:date-value"),
            time: get("office:time-value"),
            boolean: get("office:boolean-value"),
            string: get("office:string-value"),
        }
    }
}

/// The value of the cell just started (its content is consumed).
fn cell_value(xml: &mut XmlPart<'_>, attrs: CellAttrs) -> Result<Value<'static>, ReadError> {
    if attrs.calc_type.as_deref() == Some("error") {
        let text = cell_text(xml)?;
        return Ok(Value::Error(Cow::Owned(text)));
    }
    let typed = match attrs.value_type.as_deref() {
        Some("float" | "percentage" | "currency") => attrs
            .value
            .as_deref()
            .and_then(|v| v.trim().parse::<f64>().ok())
            .map(Value::Number),
        Some("date") => attrs.date.map(|d| Value::IsoDate(Cow::Owned(d))),
        Some("time") => attrs
            .time
            .as_deref()
            .and_then(super::dates::duration_text)
            .map(|t| Value::Text(Cow::Owned(t))),
        Some("boolean") => attrs
            .boolean
            .as_deref()
            .map(|b| Value::Bool(b.trim() == "true")),
        Some("string") => attrs.string.map(|s| Value::Text(Cow::Owned(s))),
        _ => None,
    };
    match typed {
        // A formula whose result is an error, as other programs write it.
        Some(Value::Text(text)) if attrs.formula && is_error_text(&text) => {
            xml.skip_element()?;
            Ok(Value::Error(text))
        }
        Some(value) => {
            xml.skip_element()?;
            Ok(value)
        }
        None => {
            let text = cell_text(xml)?;
            Ok(if text.is_empty() {
                Value::Empty
            } else if attrs.formula && is_error_text(&text) {
                Value::Error(Cow::Owned(text))
            } else {
                Value::Text(Cow::Owned(text))
            })
        }
    }
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

/// The text of the cell just started: its paragraphs joined by line
/// breaks, comments and drawings left out.
fn cell_text(xml: &mut XmlPart<'_>) -> Result<String, ReadError> {
    let mut text = String::new();
    let mut paragraphs = 0usize;
    loop {
        match xml.next()? {
            Event::Start(e) => {
                let name = e.name();
                match name.as_ref() {
                    "text:p" | "text:h" => {
                        if paragraphs > 0 {
                            push_bounded(&mut text, "\n");
                        }
                        paragraphs += 1;
                    }
                    "text:s" => {
                        let count = attr_named(&e, "text:c")
                            .and_then(|c| c.trim().parse::<usize>().ok())
                            .unwrap_or(1)
                            .min(MAX_SPACES);
                        push_bounded(&mut text, &" ".repeat(count));
                    }
                    "text:tab" => push_bounded(&mut text, "\t"),
                    "text:line-break" => push_bounded(&mut text, "\n"),
                    other if other == "office:annotation" || other.starts_with("draw:") => {
                        xml.skip_element()?
                    }
                    _ => {}
                }
            }
            Event::End(e)
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                return Ok(text)
            }
            Event::Text(t) => push_bounded(&mut text, &t.xml10_content()),
            Event::CData(t) => push_bounded(&mut text, &t.xml10_content()),
            Event::GeneralRef(r) => push_bounded(&mut text, &entity(&r)),
            Event::Eof => return Err(xml.eof()),
            _ => {}
        }
    }
}
