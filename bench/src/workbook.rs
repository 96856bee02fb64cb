//! The generated workbooks: written once into `bench-data/` and reused.
//!
//! Each is an .xlsx with one `Contacts` sheet in the template's column order,
//! a bold frozen header row and shared strings (as Excel writes them); a few
//! postcodes and mobiles are numbers, as Excel types them.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rules::Field;
use rust_xlsxwriter::{Format, Workbook};

use crate::data::{self, Row, Spec, Value};

/// Bump when the generator's output changes: files are cached by this.
pub const GENERATOR_VERSION: u32 = 2;

/// One workbook the bench uses.
#[derive(Clone, Copy, Debug)]
pub struct FileSpec {
    /// e.g. `contacts-100k` (the file is `<name>.xlsx`).
    pub name: &'static str,
    pub spec: Spec,
}

const SEED: u64 = 0x00C0_FFEE_2026;

/// The files: 1k, 10k, 100k and 200k rows with about 3 % invalid, and 1k
/// and 100k with every row valid (Confirm is only possible then).
pub const FILES: &[FileSpec] = &[
    FileSpec { name: "contacts-1k", spec: Spec { rows: 1_000, invalid_per_mille: 30, all_ids: false, seed: SEED } },
    FileSpec { name: "contacts-10k", spec: Spec { rows: 10_000, invalid_per_mille: 30, all_ids: false, seed: SEED } },
    FileSpec { name: "contacts-100k", spec: Spec { rows: 100_000, invalid_per_mille: 30, all_ids: false, seed: SEED } },
    FileSpec { name: "contacts-200k", spec: Spec { rows: 200_000, invalid_per_mille: 30, all_ids: false, seed: SEED } },
    FileSpec { name: "contacts-1k-valid", spec: Spec { rows: 1_000, invalid_per_mille: 0, all_ids: false, seed: SEED + 1 } },
    FileSpec { name: "contacts-100k-valid", spec: Spec { rows: 100_000, invalid_per_mille: 0, all_ids: false, seed: SEED + 1 } },
];

/// Where `file` is cached under `dir`.
pub fn path(dir: &Path, file: &FileSpec) -> PathBuf {
    dir.join(format!("v{GENERATOR_VERSION}")).join(format!("{}.xlsx", file.name))
}

/// Writes every file that is not cached yet. Returns (name, seconds) for
/// the ones written.
pub fn generate_missing(dir: &Path) -> Result<Vec<(String, f64)>, String> {
    let mut written = Vec::new();
    for file in FILES {
        let path = path(dir, file);
        if path.exists() {
            continue;
        }
        let started = Instant::now();
        std::fs::create_dir_all(path.parent().unwrap_or(dir)).map_err(|error| error.to_string())?;
        let rows = data::rows(file.spec);
        // Written under a temporary name, then renamed: an interrupted run
        // never leaves a half-written file that looks cached.
        let partial = path.with_extension("partial");
        write(&rows, &partial)?;
        std::fs::rename(&partial, &path).map_err(|error| error.to_string())?;
        written.push((file.name.to_string(), started.elapsed().as_secs_f64()));
    }
    Ok(written)
}

/// Writes `rows` as a contacts workbook at `path`.
pub fn write(rows: &[Row], path: &Path) -> Result<(), String> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    let fail = |error: rust_xlsxwriter::XlsxError| error.to_string();
    sheet.set_name("Contacts").map_err(fail)?;
    for (column, field) in Field::ALL.iter().enumerate() {
        let column = column as u16;
        sheet.write_string_with_format(0, column, field.header(), &bold).map_err(fail)?;
        let width = match field {
            Field::Email | Field::CompanyName | Field::AddressLine1 | Field::Notes => 32.0,
            Field::Title | Field::Kind | Field::Country | Field::Postcode => 12.0,
            _ => 18.0,
        };
        sheet.set_column_width(column, width).map_err(fail)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    for (index, row) in rows.iter().enumerate() {
        let line = index as u32 + 1;
        for (column, value) in row.iter().enumerate() {
            let column = column as u16;
            match value {
                Value::Text(text) if text.is_empty() => {}
                Value::Text(text) => {
                    sheet.write_string(line, column, text).map_err(fail)?;
                }
                Value::Number(number) => {
                    sheet.write_number(line, column, *number).map_err(fail)?;
                }
            }
        }
    }
    workbook.save(path).map_err(fail)
}
