//! ods: OpenDocument spreadsheets, read by calamine's `Ods`.
//!
//! Before calamine runs, only the package's directory (by the caller:
//! `zip_guard`) and its manifest are read: an encrypted package is
//! "password-protected", one without its mimetype or manifest damaged.
//!
//! calamine parses every table when it opens the file, into dense grids
//! that span each table's cells (repeated rows and columns are copied out),
//! and loops on a `content.xml` that ends inside a table. What a hostile
//! file makes it do is held by the sandbox it runs in (a child process on
//! the server, the worker in the browser).

use std::io::Cursor;

use calamine::{Ods, Reader};

use super::builder::{RowBuilder, TextBudget};
use super::cells::{catching_panics, feed_range, value};
use super::dates::DateSystem;
use super::error::ReadError;
use super::rows::{OpenedSheet, RowsRead};
use super::sheets::{choose, from_calamine};
use super::value::Value;
use super::zip_guard::Package;
use super::Request;
use crate::sheet::FileFormat;

const MANIFEST: &str = "META-INF/manifest.xml";
const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;

fn damaged(what: impl std::fmt::Display) -> ReadError {
    ReadError::damaged(format!("ods: {what}"))
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
    let budget = TextBudget::new(request.limits);

    catching_panics("ods", move || {
        let mut ods: Ods<_> = Ods::new(Cursor::new(bytes))?;
        let listed = ods.sheets_metadata().to_vec();
        let infos = from_calamine(&listed);
        let (sheet_names, chosen) = choose(&infos, request.sheet)?;
        let name = listed[chosen.location].name.clone();
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
