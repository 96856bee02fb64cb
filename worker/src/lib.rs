//! The import Web Worker and the messages it exchanges with the page.
//!
//! The page (main thread) must stay responsive while a 200,000-row file is
//! read, so reading happens here, in a worker built from this crate with the
//! `entry` feature (`public/import-worker.js` loads it). Without `entry`
//! only [`protocol`] remains: the page uses it to decode what the worker
//! sends. Messages are postcard-encoded, and rows travel in chunks so the
//! page can decode them a slice at a time. The error report's writer is
//! built apart (the `report` feature) and loaded only when asked for.

pub mod protocol;

#[cfg(feature = "entry")]
mod entry;
#[cfg(feature = "report")]
mod report;
