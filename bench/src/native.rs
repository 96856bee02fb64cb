//! The shared rules run natively on each generated workbook: reading
//! (calamine + the rules' reader) and checking every row, as the browser
//! does in wasm. Gives the wasm/native ratio, and checks the generator: the
//! `-valid` files must have no row with issues.

use std::path::Path;
use std::time::Instant;

use rules::check::{ExistingContacts, ImportCheck};
use rules::headers::HeaderMapping;
use rules::merge::MergeMode;
use rules::read::read_workbook;
use rules::Limits;
use serde_json::{json, Value};

use crate::workbook::{self, FILES};

/// Reads and checks every file (each 3 times for the small ones, once for
/// the big ones; the best time is kept).
pub fn measure(dir: &Path) -> Result<Value, String> {
    let mut files = Vec::new();
    for file in FILES {
        let path = workbook::path(dir, file);
        let bytes = std::fs::read(&path).map_err(|error| format!("{}: {error}", path.display()))?;
        let repeats = if file.spec.rows <= 10_000 { 3 } else { 1 };
        let mut best_read = f64::MAX;
        let mut best_check = f64::MAX;
        let mut counts = None;
        let mut sample = Vec::new();
        for _ in 0..repeats {
            let started = Instant::now();
            let workbook = read_workbook(&bytes, &format!("{}.xlsx", file.name), None, &Limits::DEFAULT)
                .map_err(|error| format!("{}: {error}", file.name))?;
            let read = started.elapsed().as_secs_f64();
            let started = Instant::now();
            let mapping = HeaderMapping::new(&workbook.sheet.headers);
            let rows = mapping.into_import_rows(workbook.sheet.rows);
            let check = ImportCheck::new(mapping.import_columns(), rows, ExistingContacts::default(), MergeMode::KeepExisting);
            let checked = started.elapsed().as_secs_f64();
            best_read = best_read.min(read);
            best_check = best_check.min(checked);
            counts = Some(check.counts());
            sample = check.issues().take(5).map(|issue| issue.to_string()).collect();
        }
        let counts = counts.unwrap_or_default();
        if file.spec.invalid_per_mille == 0 && counts.with_issues > 0 {
            return Err(format!(
                "{}: the generator made {} rows with issues in a file meant to be valid: {sample:?}",
                file.name, counts.with_issues
            ));
        }
        files.push(json!({
            "name": file.name,
            "rows": counts.rows,
            "bytes": bytes.len(),
            "valid": counts.valid,
            "with_issues": counts.with_issues,
            "native_read_ms": best_read * 1000.0,
            "native_check_ms": best_check * 1000.0,
            "path": path.display().to_string(),
        }));
    }
    Ok(json!({ "files": files }))
}
