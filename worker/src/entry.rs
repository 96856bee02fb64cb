//! The reader `public/import-worker.js` calls, compiled to wasm32.

use std::ops::ControlFlow;

use js_sys::{Array, Function, Uint8Array};
use rules::headers::header_row::HEADER_SEARCH_ROWS;
use rules::headers::{find_header_row, HeaderRowChoice};
use rules::SheetRow;
use sha2::{Digest, Sha256};
use sheets::read::{read_rows, HeaderRow, RowSink};
use wasm_bindgen::prelude::*;

use crate::protocol::{
    decode, encode, FileRead, HeaderCandidate, HeaderRequest, ReadRequest, HEADER_CHOICES, ROWS_PER_CHUNK,
};

/// Report progress every this many data rows.
const PROGRESS_EVERY: usize = 2_000;

/// Reads a spreadsheet. `request` is a postcard [`ReadRequest`]; `progress`
/// is called with the number of rows read so far. Returns an array whose
/// first element is the postcard [`FileRead`] and the rest the row chunks;
/// throws a plain sentence when the file cannot be read.
#[wasm_bindgen]
pub fn read_file(bytes: &[u8], request: &[u8], progress: &Function) -> Result<Array, JsValue> {
    let request: ReadRequest = decode(request).map_err(|error| JsValue::from_str(&error))?;
    let header = match request.header {
        HeaderRequest::Find => HeaderRow::Choose { candidates: HEADER_SEARCH_ROWS as u32 },
        HeaderRequest::Line(line) => HeaderRow::From(line),
    };
    let mut sink = Rows { rows: Vec::new(), progress, header_found: None, header_candidates: Vec::new() };
    let read = read_rows(bytes, &request.file_name, request.sheet.as_deref(), header, &request.limits, &mut sink)
        .map_err(|error| JsValue::from_str(&error.to_string()))?;
    let meta = FileRead {
        file_name: request.file_name,
        file_size: bytes.len() as u64,
        sha256: hex(&Sha256::digest(bytes)),
        format: read.sheet.format,
        sheet_names: read.sheet.sheet_names,
        sheet_name: read.sheet.name,
        header_line: read.header_line,
        headers: read.headers,
        blank_rows_skipped: read.blank_rows_skipped,
        header_found: sink.header_found,
        header_candidates: sink.header_candidates,
        row_count: sink.rows.len() as u32,
    };
    let _ = progress.call1(&JsValue::NULL, &JsValue::from(meta.row_count));
    let parts = Array::new();
    parts.push(&bytes_to_js(&encode(&meta).map_err(|error| JsValue::from_str(&error))?));
    for chunk in sink.rows.chunks(ROWS_PER_CHUNK) {
        parts.push(&bytes_to_js(&encode(&chunk).map_err(|error| JsValue::from_str(&error))?));
    }
    Ok(parts)
}

/// Keeps the data rows, finds the header row among the first ones, and
/// reports progress.
struct Rows<'p> {
    rows: Vec<SheetRow>,
    progress: &'p Function,
    header_found: Option<HeaderRowChoice>,
    header_candidates: Vec<HeaderCandidate>,
}

impl RowSink for Rows<'_> {
    fn choose_header(&mut self, candidates: &[SheetRow]) -> usize {
        self.header_found = find_header_row(candidates);
        self.header_candidates = candidates.iter().take(HEADER_CHOICES).map(HeaderCandidate::of).collect();
        self.header_found.map_or(0, |choice| choice.chosen.index)
    }

    fn row(&mut self, row: SheetRow) -> ControlFlow<()> {
        self.rows.push(row);
        if self.rows.len().is_multiple_of(PROGRESS_EVERY) {
            // A failing progress callback must not stop the reading.
            let _ = self.progress.call1(&JsValue::NULL, &JsValue::from(self.rows.len() as u32));
        }
        ControlFlow::Continue(())
    }
}

fn bytes_to_js(bytes: &[u8]) -> Uint8Array {
    Uint8Array::from(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
