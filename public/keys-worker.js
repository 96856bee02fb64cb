// The keys worker: gathers a big file's look-up keys (the Contact IDs and
// emails of its existing contacts, its possible duplicates' keys, its
// phone numbers) beside the reader, so that the page's thread, which a big
// preview waits on, does not. It runs the page's own wasm (the same rules,
// and no second download: the browser has it cached), in an instance of
// its own; see app/src/pages/import/key_worker.rs.
// Messages in:  { id, kind: 'start', setup: Uint8Array }       (a KeySetup, postcard)
//               { id, kind: 'rows', part: Uint8Array, ask }    (a chunk as the reader sent it;
//                                                              ask false: the page asked its keys)
//               { id, kind: 'end' }
// Messages out: { id, kind: 'part', part: Uint8Array }         (each chunk's filled calls: Vec<Ask>)
//               { id, kind: 'done', parts: [Uint8Array] }      (the last calls)
//               { id, kind: 'error', message }                 (drop any part that came before)
//
// The page starts it when the import page opens, so the wasm is compiled
// before a file is chosen; each serves one read and is then ended.
import init, { KeyGatherer } from './pkg/contacts.js';

const rules = init({ module_or_path: new URL('./pkg/contacts.wasm', import.meta.url) });
rules.catch(() => {
  // The wasm did not load: the request that comes says so (see below).
});

const FAILED = 'The file was read, but its rows could not be checked against your contacts. Please try again.';
let gatherer;

// Messages are handled in the order they came: each waits for the same
// promise, whose reactions run in that order.
self.onmessage = async (event) => {
  const { id, kind } = event.data;
  try {
    await rules;
    if (kind === 'start') {
      gatherer = new KeyGatherer(event.data.setup);
    } else if (kind === 'rows') {
      const part = gatherer.add(event.data.part, event.data.ask);
      self.postMessage({ id, kind: 'part', part }, [part.buffer]);
    } else if (kind === 'end') {
      const part = gatherer.finish();
      gatherer = undefined;
      self.postMessage({ id, kind: 'done', parts: [part] }, [part.buffer]);
    } else {
      throw new Error(`unknown request ${kind}`);
    }
  } catch (error) {
    self.postMessage({ id, kind: 'error', message: typeof error === 'string' ? error : FAILED });
  }
};
