//! Reading the file to import: bytes and a file name in, the chosen sheet's
//! header and text rows out ([`read_workbook`]).
//!
//! Formats are recognised by content, not by name: a zip package is xlsx,
//! xlsm, xlsb or ods (by its parts); an OLE2 compound file is xls (or an
//! encrypted xlsx: "password-protected"); text is CSV, whatever it is
//! called. Anything else (a PDF, a picture, a web page saved as .xls, an
//! Excel 95 file) gets a plain error saying what to do.
//!
//! Modules, one job each: `detect` (which container), `zip_guard` (zip
//! checks and counting readers), `xml` (quick-xml helpers), `ooxml`
//! (relationships), `xlsx`, `xlsb`, `cfb` (OLE2 container), `xls`, `ods`,
//! `csv` (the formats), `sheets` (which sheet), `strings` (shared-string
//! tables), `builder` (cells to [`Sheet`], limits), `value`,
//! `number_text`, `dates` (cell text), `error` ([`ReadError`]).
//!
//! # Hostile input
//!
//! Every reader here is our own streaming code; calamine is not used. On
//! hostile files calamine allocates dense row × column ranges (a 5 KB xlsx
//! with cells in A1 and XFD1048576 asks for 549 GB and aborts), parses
//! every sheet of an xls or ods into dense ranges (ods: up to 100 million
//! cells, each repeated value cloned), clones a cell format's font once
//! per format (a 1 MB font name × 100,000 formats), reserves its shared
//! string table from the count the file declares, and indexes short xlsb
//! records out of bounds. None of that can be caught in the browser's
//! worker, which is built with `panic = "abort"`.
//!
//! What bounds memory and time, for every format:
//! - the file: at most `Limits::max_file_bytes`, checked before anything;
//! - the [`Sheet`]: the builder keeps only the header's columns (the header
//!   may be at most `Limits::max_columns` wide), stops with an error past
//!   `Limits::max_rows` data rows, cuts each cell to [`MAX_CELL_CHARS`]
//!   characters, and counts all text held (shared strings included)
//!   against [`MAX_TEXT_BYTES`] (or `Limits::max_inflated_bytes` if less);
//!   a cell far away (XFD1048576) is skipped, never allocated;
//! - nothing is sized from a count, a dimension or a length the file
//!   declares: collections grow with data actually read, and sheet lists,
//!   cell formats and names are capped (10,000 sheets, 65,536 formats,
//!   255-character sheet names);
//! - zip packages (xlsx, xlsm, xlsb, ods): at most 10,000 entries; declared
//!   uncompressed sizes at most `Limits::max_inflated_bytes` in total; no
//!   entry over 16 MB with a compression ratio above 200:1; an entry can
//!   never inflate past its declared size (the zip crate and our counting
//!   reader both stop it), so time is linear in the checked sizes; one XML
//!   event (a tag, a run of text) may span at most 16 MB, and one value's
//!   text is collected up to 256 KB. Each part is read once, except ods's
//!   content.xml, read twice (sheet list, then the chosen table);
//! - shared-string tables (xlsx, xlsb, xls) are packed into chunks of at
//!   most 1 MiB, so each string costs its bytes plus 12, all counted;
//! - xlsx: styles keep one date flag per cell format; relationship and
//!   workbook parts are refused above 8 and 16 MB; only the chosen sheet
//!   is read, streamed cell by cell;
//! - xlsb: every record is length-checked before a field is read, read
//!   incrementally into one reused buffer, and refused above 4 MB;
//! - xls: the compound file's sector chains are followed at most as many
//!   steps as the file has sectors (a loop ends in an error), each stream
//!   copy is at most the file's size, every BIFF record is length-checked,
//!   and only the chosen sheet's records are read;
//! - ods: one row is held at a time, its cells only up to the useful
//!   width; repeated rows and columns are expanded only as far as the
//!   limits allow, so `number-rows-repeated="1048576"` costs nothing;
//! - csv: the text is borrowed from the file (UTF-16 is decoded once).
//!
//! XML: quick-xml never expands entities declared in a DTD (`&lol9;` stays
//! literal text), does not recurse (nesting depth is free), and end names
//! are not checked, so nothing grows with depth. Attributes are looked up
//! without quick-xml's duplicate check, which is quadratic.
//!
//! Bounds that are not tight:
//! - a workbook may inflate to `max_inflated_bytes` (500 MB by default)
//!   and all of it may be parsed: a hostile file can cost a few seconds of
//!   CPU (a 200,000-row xlsx takes about 1.6 s natively), never more
//!   memory than the limits above;
//! - the [`Sheet`] itself holds a `Cell` (24 bytes, 12 in wasm32) for every
//!   column of every data row, outside the text budget: at the default
//!   limits, up to 200,000 × 100 cells, 480 MB (240 MB in wasm32).

mod builder;
mod cells;
mod cfb;
mod csv;
mod dates;
mod detect;
mod error;
mod number_text;
mod ods;
mod ooxml;
mod sheets;
mod value;
mod xls;
mod xlsb;
mod xlsx;
mod xml;
mod zip_guard;

use serde::{Deserialize, Serialize};

pub use builder::MAX_TEXT_BYTES;
pub use error::ReadError;
pub use value::MAX_CELL_CHARS;

use crate::sheet::{FileFormat, Limits, Sheet};
use builder::{SheetBuilder, TextBudget};
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

/// Reads the sheet to import from a file's bytes.
///
/// `sheet`: the sheet the user chose (matched exactly, then ignoring case),
/// or `None` for the default: a visible sheet named `Contacts` (any case),
/// else the first visible worksheet; hidden sheets are chosen only when no
/// sheet is visible, and very hidden ones never. CSV files have one sheet,
/// named after the file, and `sheet` is ignored.
///
/// Never panics, whatever the bytes; memory stays within `limits` (see the
/// module docs).
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
    match detect::container(bytes)? {
        Container::Zip => read_zip(bytes, file_name, sheet, limits, progress),
        Container::Ole => read_ole(bytes, sheet, limits, progress),
        Container::Text => read_csv(bytes, file_name, limits, progress),
    }
}

fn read_csv(
    bytes: &[u8],
    file_name: &str,
    limits: &Limits,
    progress: &mut dyn FnMut(u32),
) -> Result<Workbook, ReadError> {
    let text = csv::decode(bytes)?;
    let name = file_name.to_string();
    let mut builder = SheetBuilder::new(&name, limits, TextBudget::new(limits), progress);
    csv::read(&text, &mut builder)?;
    Ok(Workbook {
        format: FileFormat::Csv,
        sheet_names: vec![name],
        sheet: builder.finish()?,
    })
}

fn read_zip(
    bytes: &[u8],
    file_name: &str,
    sheet: Option<&str>,
    limits: &Limits,
    progress: &mut dyn FnMut(u32),
) -> Result<Workbook, ReadError> {
    let mut package = Package::open(bytes, limits)?;
    if let Some(mimetype) = package.read_all("mimetype", 4096)? {
        let mimetype = String::from_utf8_lossy(&mimetype);
        let mimetype = mimetype.trim();
        if mimetype.starts_with("application/vnd.oasis.opendocument.spreadsheet") {
            return ods::read(bytes, &mut package, sheet, limits, progress);
        }
        if mimetype.starts_with("application/vnd.oasis.opendocument") {
            return Err(ReadError::not_a_spreadsheet(Some(
                "an OpenDocument text or presentation",
            )));
        }
    }
    let Some(main) = ooxml::main_part(&mut package)? else {
        if package.has("content.xml") && package.has("META-INF/manifest.xml") {
            return ods::read(bytes, &mut package, sheet, limits, progress);
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
        let (sheet_names, sheet) = xlsb::read(bytes, &mut package, sheet, limits, progress)?;
        return Ok(Workbook {
            format: FileFormat::Xlsb,
            sheet_names,
            sheet,
        });
    }
    let macro_enabled = FileFormat::from_file_name(file_name) == Some(FileFormat::Xlsm)
        || package.names().any(|name| name.ends_with("vbaproject.bin"));
    let (sheet_names, sheet) = xlsx::read(bytes, &mut package, sheet, limits, progress)?;
    Ok(Workbook {
        format: if macro_enabled {
            FileFormat::Xlsm
        } else {
            FileFormat::Xlsx
        },
        sheet_names,
        sheet,
    })
}

fn read_ole(
    bytes: &[u8],
    sheet: Option<&str>,
    limits: &Limits,
    progress: &mut dyn FnMut(u32),
) -> Result<Workbook, ReadError> {
    let compound = cfb::Compound::open(bytes)?;
    if compound.has_stream("EncryptionInfo") || compound.has_stream("EncryptedPackage") {
        return Err(ReadError::PasswordProtected);
    }
    if compound.has_stream("Workbook") || compound.has_stream("Book") {
        let (sheet_names, sheet) = xls::read(bytes, &compound, sheet, limits, progress)?;
        return Ok(Workbook {
            format: FileFormat::Xls,
            sheet_names,
            sheet,
        });
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
