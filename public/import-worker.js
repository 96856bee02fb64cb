// The import Web Worker: reads spreadsheets and writes error reports with
// the shared Rust rules (wasm), off the page's main thread.
// Messages in:  { id, kind: 'read', file: File, request: Uint8Array }
//               { id, kind: 'report', request: Uint8Array }
// Messages out: { id, kind: 'progress', rows }
//               { id, kind: 'part', part: Uint8Array }         (read: each part as soon as it is
//                                                              ready: head, row chunks, end)
//               { id, kind: 'done', parts: [] }                (read: every part was sent)
//               { id, kind: 'done', parts: [Uint8Array] }      (report: the xlsx bytes)
//               { id, kind: 'error', message }                 (drop any part that came before)
//               { id, kind: 'unopened' }                       (read: the file's bytes could not be had)
//
// The page starts this worker when the import page opens, so the reader's
// wasm is fetched and compiled before a file is chosen; each worker serves
// one request and is then ended. The error report's writer is a wasm of its
// own, loaded only when a report is asked for. Both have a memory ceiling
// (worker/build.rs): a file that makes the reader allocate past it, or
// panic, ends in the catch below (or kills the worker, which the page
// notices), never in a frozen tab.
import init, { read_file, sha256_hex, warm_up } from './worker/worker.js';

const reader = init({ module_or_path: new URL('./worker/worker_bg.wasm', import.meta.url) });

// Once compiled, the reader reads a small workbook of its own (see
// `warm_up` in worker/src/entry.rs) again and again while the user is still
// choosing a file. The engine first runs a wasm function as compiled at
// once, and optimises it only after it has run a while: one read of the
// 40-row workbook left a 1,000-row file read in 50–100 ms, forty reads in
// 30–45 ms. A turn between reads lets a chosen file stop the warm-up.
const WARM_UP_READS = 40;
let requested = false;
reader.then(async () => {
  for (let read = 0; read < WARM_UP_READS && !requested; read++) {
    try {
      warm_up(() => {});
    } catch {
      return; // Only a colder first read.
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}, () => {
  // The wasm did not load: the request that comes says so (see below).
});

// The file's SHA-256 in lower-case hex, from WebCrypto: native code on a
// thread of its own (about 10 ms for a 100,000-row xlsx), asked as the read
// starts and awaited only for the read's last part. Where WebCrypto is
// missing (it needs a secure context: https or this machine) the reader's
// wasm works it out after the read.
async function sha256Hex(bytes) {
  try {
    if (self.crypto?.subtle) {
      const digest = new Uint8Array(await self.crypto.subtle.digest('SHA-256', bytes));
      return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
    }
  } catch {
    // Worked out below instead.
  }
  await reader;
  return sha256_hex(bytes);
}

async function writer() {
  const report = await import('./worker/report.js');
  await report.default({ module_or_path: new URL('./worker/report_bg.wasm', import.meta.url) });
  return report;
}

self.onmessage = async (event) => {
  const { id, kind } = event.data;
  requested = true;
  try {
    let parts;
    if (kind === 'read') {
      // The page sends the File: its bytes are read here, off the page's
      // thread. One the browser cannot read (moved, or locked by another
      // program) gets the page's sentence for it.
      let bytes;
      try {
        bytes = new Uint8Array(await event.data.file.arrayBuffer());
      } catch {
        self.postMessage({ id, kind: 'unopened' });
        return;
      }
      // WebCrypto copies the bytes as it is asked, so the read may go on.
      const hashing = sha256Hex(bytes);
      await reader;
      const progress = (rows) => self.postMessage({ id, kind: 'progress', rows });
      const deliver = (part) => self.postMessage({ id, kind: 'part', part }, [part.buffer]);
      const read = read_file(bytes, event.data.request, progress, deliver);
      try {
        deliver(read.end_part(await hashing));
      } finally {
        read.free();
      }
      parts = [];
    } else if (kind === 'report') {
      const { write_error_report } = await writer();
      parts = [write_error_report(event.data.request)];
    } else {
      throw new Error(`unknown request ${kind}`);
    }
    self.postMessage({ id, kind: 'done', parts }, parts.map((part) => part.buffer));
  } catch (error) {
    // A string is the reader's own sentence; anything else is a trap (a
    // panic, or memory past the ceiling).
    const message = typeof error === 'string'
      ? error
      : 'This file could not be read: the reader stopped unexpectedly. Save the file as .xlsx or .csv and try again.';
    self.postMessage({ id, kind: 'error', message });
  }
};
