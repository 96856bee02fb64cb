//! The import Web Worker: reads spreadsheets off the browser's main thread.
