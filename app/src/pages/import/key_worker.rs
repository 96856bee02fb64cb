//! What the keys worker (`public/keys-worker.js`) calls, in an instance of
//! the page's own wasm of its own (wasm only): it gathers a big file's
//! look-up keys beside the reader, off the page's thread, which is what a
//! big preview waits on. The same code as the page's ([`LookupBatches`]),
//! and no second download: the page's wasm comes from the browser's cache.

use rules::headers::{HeaderMapping, ImportRow};
use wasm_bindgen::prelude::*;
use worker::protocol::{decode, encode, ReadPart};

use super::browser::KEYS_FAILED;
use super::lookup_batches::{KeySetup, LookupBatches};

/// One read's keys, gathered a chunk of rows at a time.
#[wasm_bindgen]
pub struct KeyGatherer {
    mapping: HeaderMapping,
    batches: LookupBatches,
}

#[wasm_bindgen]
impl KeyGatherer {
    /// `setup` is a postcard [`KeySetup`].
    #[wasm_bindgen(constructor)]
    pub fn new(setup: &[u8]) -> Result<KeyGatherer, JsValue> {
        let setup: KeySetup = decode(setup).map_err(|_| JsValue::from_str(KEYS_FAILED))?;
        Ok(KeyGatherer { mapping: setup.mapping(), batches: LookupBatches::new(setup.caps) })
    }

    /// Gathers the keys of `part`, a chunk of rows as the reader sent it
    /// (a postcard `ReadPart::Rows`); returns the calls it filled (a
    /// postcard `Vec<Ask>`). With `ask` false the page asked the chunk's
    /// keys itself: they are only remembered, so none is asked twice.
    pub fn add(&mut self, part: &[u8], ask: bool) -> Result<Vec<u8>, JsValue> {
        let Ok(ReadPart::Rows(chunk)) = decode(part) else { return Err(JsValue::from_str(KEYS_FAILED)) };
        let rows: Vec<ImportRow> = chunk.iter().filter_map(|row| self.mapping.import_row(row)).collect();
        let asks = if ask {
            self.batches.add(&rows)
        } else {
            self.batches.mark_asked(&rows);
            Vec::new()
        };
        encode(&asks).map_err(|_| JsValue::from_str(KEYS_FAILED))
    }

    /// The calls for the keys not handed out yet, after the last chunk.
    pub fn finish(self) -> Result<Vec<u8>, JsValue> {
        encode(&self.batches.finish()).map_err(|_| JsValue::from_str(KEYS_FAILED))
    }
}
