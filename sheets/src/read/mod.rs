//! Reading the file to import: bytes and a file name in, the chosen sheet's
//! header and text rows out, either all at once ([`read_workbook`]) or row
//! by row to the caller's [`RowSink`] as they are read ([`read_rows`]),
//! which can also choose the header row among the first rows.
//!
//! Formats are recognised by content, not by name: a zip package is xlsx,
//! xlsm, xlsb or ods (by its parts); an OLE2 compound file is xls (or an
//! encrypted xlsx: "password-protected"); text is a vCard when it starts
//! with `BEGIN:VCARD` or is named `.vcf` (the one place a name decides: a
//! `.vcf` is never read as CSV), else CSV, whatever it is called. Anything
//! else (a PDF, a picture, a web page saved as .xls, an Excel 95 file)
//! gets a plain error saying what to do.
//!
//! calamine reads the workbooks (xlsx, xlsm, xlsb, xls, ods) and the `csv`
//! crate reads CSV; the code here decides the format, checks each file
//! before calamine sees it, and turns cells into text.
//!
//! Modules, one job each: `detect` (which container), `zip_guard` (zip
//! checks and counting readers), `xml` (quick-xml, configured and reading
//! attributes as calamine does), `ooxml` (the package's main part),
//! `cfb` (the compound file, walked as calamine walks it), `xlsx`,
//! `xlsb`, `xls`, `ods` (each format's pre-flight checks, then calamine),
//! `csv`, `vcard` (contact cards as rows), `cells` (calamine's values and errors as ours, and its panics
//! caught), `sheets` (which sheet), `builder` (cells to rows, the
//! header, limits), `rows` (the streaming API: [`RowSink`],
//! [`HeaderRow`]), `collect` (the sink behind [`read_workbook`]),
//! `value`, `number_text`, `dates` (cell text), `error` ([`ReadError`]).
//!
//! # Hostile input
//!
//! calamine trusts the file. Unchecked, it allocates what a file declares
//! (a shared-string count, a sheet's DIMENSIONS, an xlsb record length),
//! builds a dense grid over every sheet of an xls or ods (one far-away
//! cell makes millions; repeated ods rows and columns are copied out,
//! text and all), copies a cell format's font into each of thousands of
//! formats, loops forever on an ods cut off inside a table or a comment,
//! follows compound-file sector chains that loop, builds formula text with
//! inserts whose cost grows with the square of the formula, and indexes
//! short xlsb and xls records out of bounds (a panic). An allocation
//! failure aborts the process; in the browser's worker (built with
//! `panic = "abort"`) so does a panic.
//!
//! So every file is checked first, by code that reads the parts calamine
//! will read the way calamine will read them (mirroring calamine 0.38.0,
//! which is why the workspace pins that version; quick-xml is the same
//! crate for both), and refuses the file where calamine would panic, loop
//! or run past the budget below. Only then does calamine run.
//!
//! What bounds memory and time:
//! - the file: at most `Limits::max_file_bytes`, checked before anything;
//! - one budget, [`MAX_TEXT_BYTES`] (or `Limits::max_inflated_bytes` if
//!   less), for what calamine will hold for the workbook as the checks
//!   estimate it before it runs (shared strings, cell formats, sheet and
//!   defined names with their formula text, and for xls and ods every
//!   sheet's cell lists and dense grids, with the copy of the chosen
//!   sheet's grid that calamine returns) together with the text of the
//!   cells read (with [`HeaderRow::Choose`], every cell of the candidate
//!   rows, beyond the header's columns too). Past it a file "unpacks to more than can be read"
//!   (or, for text, "holds more text than can be read"). The estimates
//!   use calamine's sizes on a 64-bit machine, so the browser (wasm32,
//!   where they are about half) and the server refuse the same files;
//! - the rows: the builder keeps only the header's columns (the header
//!   may be at most `Limits::max_columns` wide), stops with an error past
//!   `Limits::max_rows` data rows, and cuts each cell to
//!   [`MAX_CELL_CHARS`] characters; a cell far away (XFD1048576) in an
//!   xlsx or xlsb is skipped as it streams past, never allocated. It holds
//!   one row at a time (and, with [`HeaderRow::Choose`], the candidate
//!   rows until the sink chooses);
//! - zip packages (xlsx, xlsm, xlsb, ods): at most 10,000 entries; declared
//!   uncompressed sizes at most `Limits::max_inflated_bytes` in total; no
//!   entry over 16 MB with a compression ratio above 200:1; no two entries
//!   whose names differ only in case or slashes; an entry can never
//!   inflate past its declared size (the zip crate stops it, for calamine
//!   and for the checks), so time is linear in the checked sizes. No XML
//!   event calamine reads may span more than 16 MB: the parts the checks
//!   scan are scanned with that bound, and the others calamine reads are
//!   refused above a size (relationships 8 MB, xlsx workbook and theme
//!   16 MB, ods manifest 4 MB);
//! - xlsx: the shared strings' declared count must fit the part; styles are
//!   charged an upper bound of calamine's per-format copies; the chosen
//!   sheet is streamed with calamine's cell reader (never
//!   `worksheet_range`), after a scan (for sheets over 16 MB) bounding
//!   each cell's text to 16 MB; cells outside Excel's grid are refused;
//! - xlsb: every record calamine reads (shared strings, styles, workbook,
//!   the chosen sheet) is at most 4 MB and long enough for the fields
//!   calamine takes from it; relationships and shared-string indexes must
//!   exist; defined names' formula text is bounded (256 million character
//!   moves, 64 levels); the chosen sheet is streamed;
//! - xls: the compound file is walked with calamine's rules (chains may not
//!   loop or leave their tables, sectors must lie in the file, the tables
//!   may not list more sectors than the file has), giving the Workbook
//!   stream calamine will read; its records are walked for every sheet,
//!   refusing encryption, Excel 95, short records, sheet offsets past the
//!   stream, shared-string indexes past the table, records with more than
//!   8,192 CONTINUE records, and formula text costing more than 256
//!   million character moves;
//! - ods: content.xml is scanned event by event as calamine parses it,
//!   working out each row's cell list and each table's grid and copies
//!   without holding them; a table or comment left open (calamine would
//!   loop), a cell spanning more than 16 MB of XML or asking for more than
//!   16 MB of text, counts past 4,294,967,295 and two tables of one name
//!   are refused;
//! - csv: the bytes are read in place (UTF-16 is decoded once); the `csv`
//!   crate holds one record at a time.
//!
//! Panics: on the server (where panics unwind) calamine runs under
//! `catch_unwind`, so a panic the checks missed is a damaged file, not a
//! crash. In the browser's worker (`panic = "abort"`) a panic ends the
//! worker; the page then shows a plain "could not read this file" message
//! and starts a fresh worker. The garbage tests fail on any panic, caught
//! or not.
//!
//! XML: quick-xml never expands entities declared in a DTD (calamine
//! refuses a reference to one), does not recurse (nesting depth is free),
//! and end names are not checked, so nothing grows with depth.
//!
//! Bounds that are not tight, and holes:
//! - calamine's working memory for a small hostile file can approach the
//!   budget (256 MB): a 1 KB ods whose row repeats 1,048,576 times costs
//!   calamine about 70 MB, where the old streaming reader used 4 MB. The
//!   estimates are upper bounds; transient buffers (an XML event of up to
//!   16 MB, a record of up to 4 MB, the zip crate's buffers) come on top;
//! - time: a workbook may inflate to `max_inflated_bytes` (500 MB by
//!   default) and all of it may be parsed; the checks inflate and tokenize
//!   the largest parts a second time (a 200,000-row xlsx takes about
//!   1.8 s natively, against 0.85 s for calamine alone);
//! - xls and ods: calamine parses every sheet, so a large sheet the user
//!   does not import can make a workbook too large to read;
//! - the checks mirror calamine 0.38.0's code: upgrading calamine means
//!   reading its code again and re-running the garbage tests with many
//!   cases; until then a new calamine panic would only be caught on the
//!   server;
//! - the [`Sheet`] that [`read_workbook`] collects holds a `Cell` (24
//!   bytes, 12 in wasm32) for every column of every data row, outside the
//!   budget: at the default limits, up to 200,000 × 100 cells, 480 MB
//!   (240 MB in wasm32). A [`RowSink`] that does not keep the rows holds
//!   none of that.
//!
//! Excel 365's newer errors in an xlsx (`#SPILL!`, `#CALC!`, `#FIELD!`,
//! `#BLOCKED!`, `#UNKNOWN!`, `#CONNECT!`, `#BUSY!`), which calamine 0.38
//! stops at, are found by a scan of the sheet alongside calamine and read
//! as error cells (see `xlsx`).
//!
//! What calamine 0.38 does not read (each kept visible by a test): in an
//! xlsb, formula cells whose cached value is an error and the "short"
//! cell records some writers use read as blank; an ods error cell reads
//! as its text only when it has the empty `office:string-value`
//! LibreOffice writes.

mod builder;
mod cells;
mod cfb;
mod collect;
mod csv;
mod dates;
mod detect;
mod error;
mod number_text;
mod ods;
mod ooxml;
mod rows;
mod sheets;
mod value;
mod vcard;
mod xls;
mod xlsb;
mod xlsx;
mod xml;
mod zip_guard;

use serde::{Deserialize, Serialize};

pub use builder::MAX_TEXT_BYTES;
pub use error::ReadError;
pub use rows::{HeaderRow, OpenedSheet, RowSink, RowsRead, MAX_HEADER_CANDIDATES};
pub use value::MAX_CELL_CHARS;

use crate::sheet::{FileFormat, Limits, Sheet};
use builder::{RowBuilder, TextBudget};
use collect::Collector;
use detect::Container;
use zip_guard::Package;

/// A workbook as read for import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workbook {
    /// The format the bytes are in (by content, not by name).
    pub format: FileFormat,
    /// The sheets the user can choose from, in workbook order: every
    /// worksheet except very hidden ones (chart sheets are left out). For
    /// CSV, the file name.
    pub sheet_names: Vec<String>,
    /// The sheet that was read.
    pub sheet: Sheet,
}

/// Reads the sheet to import from a file's bytes, every row kept: the
/// header is the first non-blank row.
///
/// `sheet`: the sheet the user chose (matched exactly, then ignoring case),
/// or `None` for the default: a visible sheet named `Contacts` (any case),
/// else the first visible worksheet; hidden sheets are chosen only when no
/// sheet is visible, and very hidden ones never. CSV files have one sheet,
/// named after the file, and `sheet` is ignored.
///
/// Never panics, whatever the bytes (on the server; see the module docs
/// for the browser's worker); memory stays within `limits` and the read's
/// budget (see the module docs).
pub fn read_workbook(
    bytes: &[u8],
    file_name: &str,
    sheet: Option<&str>,
    limits: &Limits,
) -> Result<Workbook, ReadError> {
    read_workbook_with_progress(bytes, file_name, sheet, limits, &mut |_| {})
}

/// [`read_workbook`], calling `progress(rows_read_so_far)` every 2,000 data
/// rows and once at the end, so a worker can report progress.
pub fn read_workbook_with_progress(
    bytes: &[u8],
    file_name: &str,
    sheet: Option<&str>,
    limits: &Limits,
    progress: &mut dyn FnMut(u32),
) -> Result<Workbook, ReadError> {
    let mut collector = Collector::new(progress);
    let read = read_rows(
        bytes,
        file_name,
        sheet,
        HeaderRow::FIRST,
        limits,
        &mut collector,
    )?;
    Ok(collector.into_workbook(read))
}

/// Reads a sheet as [`read_workbook`] does, handing each row to `sink` as
/// it is read instead of keeping it (see [`RowSink`] for the calls and
/// their order). `header` says which row is the header; the rows above it
/// are skipped.
///
/// Every limit holds as for [`read_workbook`], checked before a row is
/// handed on: past `Limits::max_rows` data rows, or the text budget, the
/// read ends with the error, the sink keeping the rows it already has.
/// What the reader holds does not grow with the rows handed on; how much
/// calamine holds depends on the format (see the module docs: xlsx, xlsb
/// and CSV stream, xls and ods are parsed whole first).
pub fn read_rows(
    bytes: &[u8],
    file_name: &str,
    sheet: Option<&str>,
    header: HeaderRow,
    limits: &Limits,
    sink: &mut dyn RowSink,
) -> Result<RowsRead, ReadError> {
    let size = bytes.len() as u64;
    if size > limits.max_file_bytes {
        return Err(ReadError::FileTooLarge {
            size,
            max: limits.max_file_bytes,
        });
    }
    if bytes.is_empty() {
        return Err(ReadError::EmptyFile);
    }
    let request = Request {
        sheet,
        header,
        limits,
        sink,
    };
    match detect::container(bytes)? {
        Container::Zip => read_zip(bytes, file_name, request),
        Container::Ole => read_ole(bytes, request),
        Container::Text => read_csv(bytes, file_name, request),
    }
}

/// What the caller asked for: which sheet, which header row, within which
/// limits, and where the rows go.
pub(crate) struct Request<'a> {
    pub(crate) sheet: Option<&'a str>,
    pub(crate) header: HeaderRow,
    pub(crate) limits: &'a Limits,
    pub(crate) sink: &'a mut dyn RowSink,
}

fn read_csv(bytes: &[u8], file_name: &str, request: Request<'_>) -> Result<RowsRead, ReadError> {
    let text = csv::decode(bytes)?;
    if vcard::is_vcard(&text, file_name) {
        return read_vcard(&text, file_name, request);
    }
    let opened = OpenedSheet {
        format: FileFormat::Csv,
        sheet_names: vec![file_name.to_string()],
        name: file_name.to_string(),
    };
    let budget = TextBudget::new(request.limits);
    let mut builder = RowBuilder::new(opened, budget, request);
    csv::read(&text, &mut builder)?;
    builder.finish()
}

/// A vCard file (by its first line or its name), as one sheet named
/// after the file.
fn read_vcard(text: &[u8], file_name: &str, request: Request<'_>) -> Result<RowsRead, ReadError> {
    let opened = OpenedSheet {
        format: FileFormat::Vcf,
        sheet_names: vec![file_name.to_string()],
        name: file_name.to_string(),
    };
    let budget = TextBudget::new(request.limits);
    let max_columns = request.limits.max_columns;
    let mut builder = RowBuilder::new(opened, budget, request);
    vcard::read(text, file_name, max_columns, &mut builder)?;
    builder.finish()
}

fn read_zip(bytes: &[u8], file_name: &str, request: Request<'_>) -> Result<RowsRead, ReadError> {
    let mut package = Package::open(bytes, request.limits)?;
    if let Some(mimetype) = package.read_all("mimetype", 4096)? {
        let mimetype = String::from_utf8_lossy(&mimetype);
        let mimetype = mimetype.trim();
        if mimetype.starts_with("application/vnd.oasis.opendocument.spreadsheet") {
            return ods::read(bytes, &mut package, request);
        }
        if mimetype.starts_with("application/vnd.oasis.opendocument") {
            return Err(ReadError::not_a_spreadsheet(Some(
                "an OpenDocument text or presentation",
            )));
        }
    }
    let Some(main) = ooxml::main_part(&mut package)? else {
        if package.has("content.xml") && package.has("META-INF/manifest.xml") {
            return ods::read(bytes, &mut package, request);
        }
        return Err(ReadError::not_a_spreadsheet(Some("a zip archive")));
    };
    if main.starts_with("word/") {
        return Err(ReadError::not_a_spreadsheet(Some("a Word document")));
    }
    if main.starts_with("ppt/") {
        return Err(ReadError::not_a_spreadsheet(Some(
            "a PowerPoint presentation",
        )));
    }
    if main.ends_with(".bin") {
        return xlsb::read(bytes, &mut package, request);
    }
    let macro_enabled = FileFormat::from_file_name(file_name) == Some(FileFormat::Xlsm)
        || package.names().any(|name| name.ends_with("vbaproject.bin"));
    let format = if macro_enabled {
        FileFormat::Xlsm
    } else {
        FileFormat::Xlsx
    };
    xlsx::read(bytes, &mut package, format, request)
}

fn read_ole(bytes: &[u8], request: Request<'_>) -> Result<RowsRead, ReadError> {
    let compound = cfb::Compound::open(bytes)?;
    if compound.has_stream("EncryptionInfo") || compound.has_stream("EncryptedPackage") {
        return Err(ReadError::PasswordProtected);
    }
    if compound.has_stream("Workbook") || compound.has_stream("Book") {
        return xls::read(bytes, &compound, request);
    }
    if compound.has_stream("WordDocument") {
        return Err(ReadError::not_a_spreadsheet(Some("a Word document")));
    }
    if compound.has_stream("PowerPoint Document") {
        return Err(ReadError::not_a_spreadsheet(Some(
            "a PowerPoint presentation",
        )));
    }
    Err(ReadError::not_a_spreadsheet(None))
}
