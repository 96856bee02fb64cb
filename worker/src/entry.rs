//! The reader `public/import-worker.js` calls, compiled to wasm32.
//!
//! Invariant: the parts of a read go out as the rows are read, in
//! [`ReadPart`] order (head, chunks of at most [`ROWS_PER_CHUNK`] rows, then
//! the end, which `import-worker.js` sends from [`RowsRead::end_part`] once
//! the file's hash is ready), so what the worker holds does not grow with
//! the sheet and the page works on each chunk while the next is read. A part that cannot be sent ends
//! the read with an error: the page never gets a read with rows missing.

use std::ops::ControlFlow;

use js_sys::{Function, Uint8Array};
use rules::headers::header_row::HEADER_SEARCH_ROWS;
use rules::headers::{find_header_row, HeaderRowChoice};
use rules::SheetRow;
use sha2::{Digest, Sha256};
use sheets::read::{read_rows, HeaderRow, OpenedSheet, RowSink};
use wasm_bindgen::prelude::*;

use crate::protocol::{
    decode, encode, FileEnd, FileHead, HeaderCandidate, HeaderRequest, ReadPart, ReadRequest, HEADER_CHOICES,
    NOT_PASSED_ON, ROWS_PER_CHUNK,
};

/// Report progress every this many data rows.
const PROGRESS_EVERY: usize = 2_000;

/// Reads a spreadsheet. `request` is a postcard [`ReadRequest`];
/// `progress` is called with the number of rows read so far; `deliver` is
/// called with each postcard [`ReadPart`] as soon as it is ready (the head,
/// then each chunk). The end part is left to the caller
/// ([`RowsRead::end_part`]): it carries the file's hash, which the browser
/// works out on a thread of its own while this reads. Throws a plain
/// sentence when the file cannot be read.
#[wasm_bindgen]
pub fn read_file(bytes: &[u8], request: &[u8], progress: &Function, deliver: &Function) -> Result<RowsRead, JsValue> {
    let request: ReadRequest = decode(request).map_err(|error| JsValue::from_str(&error))?;
    let header = match request.header {
        HeaderRequest::Find => HeaderRow::Choose { candidates: HEADER_SEARCH_ROWS as u32 },
        HeaderRequest::Line(line) => HeaderRow::From(line),
    };
    let mut sink = Parts {
        file_name: request.file_name.clone(),
        file_size: bytes.len() as u64,
        opened: None,
        header_found: None,
        header_candidates: Vec::new(),
        head_sent: false,
        chunk: Vec::with_capacity(ROWS_PER_CHUNK),
        rows: 0,
        progress,
        deliver,
        failed: false,
    };
    let read = read_rows(bytes, &request.file_name, request.sheet.as_deref(), header, &request.limits, &mut sink)
        .map_err(|error| JsValue::from_str(&error.to_string()))?;
    // A sheet whose header comes only at the end of the read (fewer rows
    // than the candidates) has had its head sent by then; this is only a
    // guard for a reader that never told the sink.
    if !sink.head_sent {
        sink.send_head(&read.sheet, read.header_line, &read.headers);
    }
    sink.send_chunk();
    if sink.failed {
        return Err(JsValue::from_str(NOT_PASSED_ON));
    }
    let _ = progress.call1(&JsValue::NULL, &JsValue::from(sink.rows as u32));
    Ok(RowsRead { blank_rows_skipped: read.blank_rows_skipped, row_count: sink.rows as u32 })
}

/// A read whose head and rows have all been delivered: what its end part
/// says besides the hash.
#[wasm_bindgen]
pub struct RowsRead {
    blank_rows_skipped: u32,
    row_count: u32,
}

#[wasm_bindgen]
impl RowsRead {
    /// The read's last part (a postcard [`ReadPart::End`]), naming the
    /// file by `sha256`, its SHA-256 in lower-case hex.
    pub fn end_part(&self, sha256: String) -> Result<Vec<u8>, JsValue> {
        encode(&ReadPart::End(FileEnd { sha256, blank_rows_skipped: self.blank_rows_skipped, row_count: self.row_count }))
            .map_err(|_| JsValue::from_str(NOT_PASSED_ON))
    }
}

/// A small contacts workbook (40 rows, written by the bench's generator
/// with a seed of its own) that [`warm_up`] reads.
const WARM_UP_XLSX: &[u8] = include_bytes!("warm-up.xlsx");

/// Reads [`WARM_UP_XLSX`] through [`read_file`] and drops what it gives.
///
/// Called again and again as a worker starts (see `import-worker.js`),
/// while the user is still choosing a file. The engine compiles a wasm
/// function when it is first called and optimises it once it has run a
/// while: a fresh worker's first read of a 1,000-row file took about 110 ms,
/// one after a single warm-up read 50–100 ms, one after forty about 30–45 ms;
/// a 100,000-row read took about 80 ms more cold than warm. These reads pay
/// that before the file is chosen. A failure here only means a colder first
/// read.
/// `ignore` is a JS function that does nothing, for the progress and the
/// parts (the page's CSP forbids building one here from source).
#[wasm_bindgen]
pub fn warm_up(ignore: &Function) {
    let request = ReadRequest {
        file_name: "warm-up.xlsx".to_string(),
        sheet: None,
        limits: rules::Limits::DEFAULT,
        header: HeaderRequest::Find,
    };
    if let Ok(request) = encode(&request) {
        // The hash in wasm too, for pages without WebCrypto.
        if let Ok(read) = read_file(WARM_UP_XLSX, &request, ignore, ignore) {
            let _ = read.end_part(sha256_hex(WARM_UP_XLSX));
        }
    }
}

/// Sends the read on as it comes: finds the header row among the first
/// rows, sends the head, then the rows a chunk at a time, and reports
/// progress.
struct Parts<'f> {
    file_name: String,
    file_size: u64,
    opened: Option<OpenedSheet>,
    header_found: Option<HeaderRowChoice>,
    header_candidates: Vec<HeaderCandidate>,
    head_sent: bool,
    /// The rows read since the last chunk was sent.
    chunk: Vec<SheetRow>,
    /// Data rows read so far.
    rows: usize,
    progress: &'f Function,
    deliver: &'f Function,
    /// A part could not be sent: the read stops.
    failed: bool,
}

impl Parts<'_> {
    fn send(&mut self, part: &ReadPart) {
        if self.failed {
            return;
        }
        let sent = encode(part).ok().and_then(|bytes| self.deliver.call1(&JsValue::NULL, &Uint8Array::from(bytes.as_slice())).ok());
        self.failed = sent.is_none();
    }

    fn send_head(&mut self, opened: &OpenedSheet, header_line: u32, headers: &[String]) {
        let head = FileHead {
            file_name: self.file_name.clone(),
            file_size: self.file_size,
            format: opened.format,
            sheet_names: opened.sheet_names.clone(),
            sheet_name: opened.name.clone(),
            header_line,
            headers: headers.to_vec(),
            header_found: self.header_found,
            header_candidates: std::mem::take(&mut self.header_candidates),
        };
        self.head_sent = true;
        self.send(&ReadPart::Head(head));
    }

    /// Sends the rows read since the last chunk, if any.
    fn send_chunk(&mut self) {
        if !self.chunk.is_empty() {
            let chunk = std::mem::replace(&mut self.chunk, Vec::with_capacity(ROWS_PER_CHUNK));
            self.send(&ReadPart::Rows(chunk));
        }
    }
}

impl RowSink for Parts<'_> {
    fn opened(&mut self, sheet: &OpenedSheet) {
        self.opened = Some(sheet.clone());
    }

    fn choose_header(&mut self, candidates: &[SheetRow]) -> usize {
        self.header_found = find_header_row(candidates);
        self.header_candidates = candidates.iter().take(HEADER_CHOICES).map(HeaderCandidate::of).collect();
        self.header_found.map_or(0, |choice| choice.chosen.index)
    }

    fn header(&mut self, line: u32, headers: &[String]) -> ControlFlow<()> {
        // `opened` always comes first (see `RowSink`).
        match self.opened.take() {
            Some(opened) => self.send_head(&opened, line, headers),
            None => self.failed = true,
        }
        if self.failed { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    }

    fn row(&mut self, row: SheetRow) -> ControlFlow<()> {
        self.chunk.push(row);
        self.rows += 1;
        if self.chunk.len() >= ROWS_PER_CHUNK {
            self.send_chunk();
        }
        if self.rows.is_multiple_of(PROGRESS_EVERY) {
            // A failing progress callback must not stop the reading.
            let _ = self.progress.call1(&JsValue::NULL, &JsValue::from(self.rows as u32));
        }
        if self.failed { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    }
}

/// The file's SHA-256, lower-case hex, for a caller without WebCrypto (a
/// page served over plain http to another machine).
#[wasm_bindgen]
pub fn sha256_hex(bytes: &[u8]) -> String {
    // Fed in slices, not at once: a wasm function runs to its end in the
    // code it started in (there is no on-stack replacement), so one call
    // over the whole file would stay in the engine's slow first tier.
    const SLICE: usize = 64 * 1024;
    let mut hasher = Sha256::new();
    for slice in bytes.chunks(SLICE) {
        hasher.update(slice);
    }
    hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use std::ops::ControlFlow;

    use rules::SheetRow;
    use sheets::read::{read_rows, HeaderRow, RowSink};

    use super::WARM_UP_XLSX;

    struct Count(usize);

    impl RowSink for Count {
        fn row(&mut self, _row: SheetRow) -> ControlFlow<()> {
            self.0 += 1;
            ControlFlow::Continue(())
        }
    }

    #[test]
    fn the_warm_up_workbook_reads_whole_as_contacts() {
        let mut rows = Count(0);
        let read = read_rows(WARM_UP_XLSX, "warm-up.xlsx", None, HeaderRow::FIRST, &rules::Limits::DEFAULT, &mut rows)
            .expect("the warm-up workbook reads");
        assert_eq!(rows.0, 40);
        assert!(read.headers.iter().any(|header| header == "Email"), "{:?}", read.headers);
    }
}
