//! The error report's writer `public/import-worker.js` loads when a report
//! is asked for, compiled to wasm32 apart from the reader (feature
//! `report`), so that the reader's download does not carry it.

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

use crate::protocol::{decode, ReportRequest};

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
