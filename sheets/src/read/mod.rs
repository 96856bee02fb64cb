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
//! else (a PDF, a picture, a web page saved as .xls, an Excel 2–4 file)
//! gets a plain error saying what to do.
//!
//! calamine reads the workbooks (xlsx, xlsm, xlsb, xls, ods) and the `csv`
//! crate reads CSV; the code here decides the format, makes the cheap
//! checks below, and turns cells into text.
//!
//! Modules, one job each: `detect` (which container, from the first
//! bytes), `zip_guard` (the zip directory's checks, and counting readers),
//! `xml` (quick-xml, configured as calamine configures it), `ooxml` (the
//! package's main part), `cfb` (the compound file's directory), `xlsx`,
//! `xlsb`, `xls`, `ods` (each format through calamine), `csv`, `cells`
//! (calamine's values and errors as ours, and its panics caught),
//! `sheets` (which sheet), `builder` (cells to rows, the header,
//! limits), `rows` (the streaming API: [`RowSink`], [`HeaderRow`]),
//! `collect` (the sink behind [`read_workbook`]), `value`,
//! `vcard` (contact cards as rows), `number_text`, `dates` (cell text), `error` ([`ReadError`]).
//!
//! # Hostile input
//!
//! calamine trusts the file: it allocates what a file declares (a
//! shared-string count, a sheet's DIMENSIONS, an xlsb record length),
//! builds a dense grid over every sheet of an xls or ods (one far-away
//! cell makes millions), loops on an ods cut off inside a table, and can
//! panic on short records. This crate does not re-parse the file to guess
//! what calamine will do; the reader runs inside a sandbox that holds
//! whatever it does: on the server, a child process with address-space,
//! CPU and wall-clock limits ([`crate::sandbox`]); in the browser, the
//! import worker (one file per fresh worker, with a memory ceiling and
//! the page's watchdog). Either way the user gets a plain sentence
//! ([`ReadError::ReaderStopped`]) and the asking process is untouched.
//!
//! What is still checked here, cheaply, before calamine runs (each with
//! its plain sentence):
//! - the file: at most `Limits::max_file_bytes`; not empty; by its first
//!   bytes, not a PDF, picture, web page, Excel 2003 XML, Excel 2–4
//!   (`OldExcelFormat`) or other binary ("not a spreadsheet");
//! - zip packages (xlsx, xlsm, xlsb, ods), from the central directory
//!   alone: at most 10,000 entries; declared uncompressed sizes at most
//!   `Limits::max_inflated_bytes` in total; no entry over 16 MB with a
//!   compression ratio above 200:1 ("looks unsafe"); no encrypted entry
//!   ("password-protected"); no two entries whose names differ only in
//!   case or slashes; and an entry can never inflate past its declared
//!   size (the zip crate stops it). The package's main part (from
//!   `_rels/.rels`, at most 8 MB) tells an xlsx from an xlsb, a Word
//!   document or a presentation; an ods manifest with encryption data is
//!   "password-protected";
//! - compound files (xls), from the directory alone: an encrypted xlsx,
//!   a Word or PowerPoint file. calamine refuses an encrypted xls itself.
//!
//! And while reading, whatever calamine yields:
//! - the rows: the builder keeps only the header's columns (the header
//!   may be at most `Limits::max_columns` wide), stops with an error past
//!   `Limits::max_rows` data rows, cuts each cell to [`MAX_CELL_CHARS`]
//!   characters and stops past the text budget ([`MAX_TEXT_BYTES`], or
//!   `Limits::max_inflated_bytes` if less) for the cells read; a cell
//!   outside Excel's grid in an xlsx or xlsb is a damaged file, a far-away
//!   one inside it is skipped as it streams past, never allocated. It
//!   holds one row at a time (and, with [`HeaderRow::Choose`], the
//!   candidate rows until the sink chooses);
//! - csv: the bytes are read in place (UTF-16 is decoded once); the `csv`
//!   crate holds one record at a time.
//!
//! Panics: where panics unwind (the server's child, native tests)
//! calamine runs under `catch_unwind`, so a panic is a damaged file. In
//! the browser's worker (`panic = "abort"`) a panic ends the worker; the
//! page then shows a plain "could not read this file" message and starts
//! a fresh worker.
//!
//! XML: quick-xml never expands entities declared in a DTD (calamine
//! refuses a reference to one) and does not recurse.
//!
//! The [`Sheet`] that [`read_workbook`] collects holds a `Cell` (24 bytes,
//! 12 in wasm32) for every column of every data row, outside the budget:
//! at the default limits, up to 200,000 × 100 cells, 480 MB (240 MB in
//! wasm32). A [`RowSink`] that does not keep the rows holds none of that.
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
pub use error::{ReadError, ReaderStop};
pub use rows::{HeaderRow, OpenedSheet, RowSink, RowsRead, MAX_HEADER_CANDIDATES};
pub use value::MAX_CELL_CHARS;

use crate::sheet::{FileFormat, Limits, Sheet};
use builder::{RowBuilder, TextBudget};
use collect::Collector;
use detect::Container;
use zip_guard::Package;

/// Excel's grid: 1,048,576 rows of 16,384 columns.
pub(crate) const GRID_ROWS: u32 = 1_048_576;
pub(crate) const GRID_COLUMNS: u32 = 16_384;

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
        return xlsb::read(bytes, request);
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
        return xls::read(bytes, request);
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
