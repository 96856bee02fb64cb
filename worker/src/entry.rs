//! The functions `public/import-worker.js` calls, compiled to wasm32.

use js_sys::{Array, Function, Uint8Array};
use sheets::read::read_workbook_with_progress;
use sha2::{Digest, Sha256};
use wasm_bindgen::prelude::*;

use crate::protocol::{decode, encode, FileRead, ReadRequest, ReportRequest, ROWS_PER_CHUNK};

/// Reads a spreadsheet. `request` is a postcard [`ReadRequest`]; `progress`
/// is called with the number of rows read so far. Returns an array whose
/// first element is the postcard [`FileRead`] and the rest the row chunks;
/// throws a plain sentence when the file cannot be read.
#[wasm_bindgen]
pub fn read_file(bytes: &[u8], request: &[u8], progress: &Function) -> Result<Array, JsValue> {
    let request: ReadRequest = decode(request).map_err(|error| JsValue::from_str(&error))?;
    let mut report = |rows: u32| {
        // A failing progress callback must not stop the reading.
        let _ = progress.call1(&JsValue::NULL, &JsValue::from(rows));
    };
    let workbook = read_workbook_with_progress(bytes, &request.file_name, request.sheet.as_deref(), &request.limits, &mut report)
        .map_err(|error| JsValue::from_str(&error.to_string()))?;
    let sheet = workbook.sheet;
    let meta = FileRead {
        file_name: request.file_name,
        file_size: bytes.len() as u64,
        sha256: hex(&Sha256::digest(bytes)),
        format: workbook.format,
        sheet_names: workbook.sheet_names,
        sheet_name: sheet.name,
        header_line: sheet.header_line,
        headers: sheet.headers,
        blank_rows_skipped: sheet.blank_rows_skipped,
        row_count: sheet.rows.len() as u32,
    };
    let parts = Array::new();
    parts.push(&bytes_to_js(&encode(&meta).map_err(|error| JsValue::from_str(&error))?));
    for chunk in sheet.rows.chunks(ROWS_PER_CHUNK) {
        parts.push(&bytes_to_js(&encode(&chunk).map_err(|error| JsValue::from_str(&error))?));
    }
    Ok(parts)
}

/// Writes the error report workbook for a postcard [`ReportRequest`].
#[wasm_bindgen]
pub fn write_error_report(request: &[u8]) -> Result<Uint8Array, JsValue> {
    let request: ReportRequest = decode(request).map_err(|error| JsValue::from_str(&error))?;
    let rows: Vec<(u32, Vec<String>, Vec<String>)> =
        request.rows.into_iter().map(|row| (row.line, row.cells, row.issues)).collect();
    let layout = rules::workbooks::error_report(&request.headers, rows);
    let bytes = sheets::write::xlsx(&layout).map_err(|error| JsValue::from_str(&error.to_string()))?;
    Ok(bytes_to_js(&bytes))
}

fn bytes_to_js(bytes: &[u8]) -> Uint8Array {
    Uint8Array::from(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
