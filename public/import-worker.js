// The import Web Worker: reads spreadsheets and writes error reports with
// the shared Rust rules (wasm), off the page's main thread.
// Messages in:  { id, kind: 'read', bytes: Uint8Array, request: Uint8Array }
//               { id, kind: 'report', request: Uint8Array }
// Messages out: { id, kind: 'progress', rows }
//               { id, kind: 'done', parts: [Uint8Array...] }   (read: meta, then row chunks)
//               { id, kind: 'done', parts: [Uint8Array] }      (report: the xlsx bytes)
//               { id, kind: 'error', message }
import init, { read_file, write_error_report } from './worker/worker.js';

const ready = init({ module_or_path: new URL('./worker/worker_bg.wasm', import.meta.url) });

self.onmessage = async (event) => {
  const { id, kind } = event.data;
  try {
    await ready;
    let parts;
    if (kind === 'read') {
      const progress = (rows) => self.postMessage({ id, kind: 'progress', rows });
      parts = Array.from(read_file(event.data.bytes, event.data.request, progress));
    } else if (kind === 'report') {
      parts = [write_error_report(event.data.request)];
    } else {
      throw new Error(`unknown request ${kind}`);
    }
    self.postMessage({ id, kind: 'done', parts }, parts.map((part) => part.buffer));
  } catch (error) {
    const message = typeof error === 'string' ? error : 'This file could not be read. Save it as .xlsx or .csv and try again.';
    self.postMessage({ id, kind: 'error', message });
  }
};
