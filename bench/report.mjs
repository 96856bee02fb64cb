// Prints scripts/bench's table from the JSON files its steps wrote into one
// folder. Given a second folder (the "before" tree's results of the same
// run), it adds a Before column and the change now ÷ before beside every
// measure whose label matches in both ("—" where a measure exists on one
// side only). Lines keep within 100 columns: each row's detail goes on the
// line below it.
// Exits 1 when some figure of the current tree could not be measured (a step
// failed or left no result); a "before" figure that could not be measured is
// listed but does not fail the run, and missing a target never does.
//
// Usage: node bench/report.mjs <results-dir> [<before-results-dir>]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const WIDTH = 100;
const [dir, beforeDir] = process.argv.slice(2);
const load = (folder, name) => {
  const path = join(folder, `${name}.json`);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
};
// Parts scripts/bench was asked to run (BENCH_ONLY); the others are left out.
const parts = (process.env.BENCH_PARTS ?? 'sizes native merge browser search').trim().split(/\s+/);
const want = (part) => parts.includes(part);

const ms = (value) => (value == null || Number.isNaN(value) ? '?' : value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value).toLocaleString('en')} ms`);
const msExact = (value) => (value == null ? '?' : value < 10 ? `${value.toFixed(2)} ms` : value < 100 ? `${value.toFixed(1)} ms` : ms(value));
const secs = (value) => (value == null ? '?' : `${value.toFixed(value < 10 ? 2 : 1)} s`);
const bytes = (value) => {
  if (value == null) return '?';
  if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(2)} MB`;
  if (value >= 1_000) return `${(value / 1_000).toFixed(1)} kB`;
  return `${value} B`;
};
const times = (value) => (value == null || !Number.isFinite(value) ? '?' : `${value.toFixed(2)}×`);
const count = (value) => (value == null ? '?' : Number(value).toLocaleString('en'));
/** A row's value: its text, and the number behind it for the now/before ratio. */
const measured = (format, amount, prefix = '') => ({ text: amount == null ? '?' : `${prefix}${format(amount)}`, amount });

/** "ok", or how far from the target: `measured` must be ≤ `limit`. */
const verdict = (value, limit) => {
  if (value == null || !Number.isFinite(value)) return 'not measured';
  if (value <= limit) return 'ok';
  return `MISS ${times(value / limit)}`;
};

/** The table's rows for one tree's results folder, and what it lacks. */
function tableOf(folder) {
  const native = load(folder, 'native');
  const browser = load(folder, 'browser');
  const merge = load(folder, 'merge');
  const loaded = load(folder, 'load');
  const search = load(folder, 'search');
  const sizes = load(folder, 'sizes');
  const rows = [];
  const failures = [];
  let current = '';
  const section = (title) => {
    current = title;
    rows.push({ section: title });
  };
  const row = (measure, value, detail = '', ratio = '', target = '', status = '') =>
    rows.push({ section: current, measure, value: typeof value === 'string' ? { text: value, amount: null } : value, detail, ratio, target, status });
  const missing = (measure, why) => {
    failures.push(`${measure}: ${why}`);
    row(measure, 'FAILED', `not measured: ${why}`);
  };
  const nativeBy = Object.fromEntries((native?.files ?? []).map((file) => [file.name, file]));

  // Workbooks.
  if (want('native')) {
    section('Workbooks (bench-data/, cached) read and checked natively: the shared rules, release build');
    if (!native) missing('workbooks', 'bench native failed');
    for (const file of native?.files ?? []) {
      row(
        `${file.name}: native read`,
        measured(msExact, file.native_read_ms),
        `${count(file.rows)} rows, ${bytes(file.bytes)}, ${count(file.with_issues)} with issues`,
      );
      row(
        `${file.name}: native check`,
        measured(msExact, file.native_check_ms),
        `besides: decode ${msExact(file.native_decode_ms)}, map ${msExact(file.native_map_ms)}, keys ${msExact(file.native_keys_ms)}`,
      );
      if (file.native_duplicates_ms != null) {
        row(
          `${file.name}: native possible duplicates`,
          measured(msExact, file.native_duplicates_ms),
          `${count(file.possible_duplicates)} rows flagged; besides: subjects ${msExact(file.native_duplicate_subjects_ms)}`,
        );
      }
    }
  }

  // Browser parse + validate.
  if (want('browser')) {
    section('Browser (headless Chromium): choose file → review counts, vs SheetJS read + sheet_to_json');
    for (const name of ['contacts-1k', 'contacts-10k', 'contacts-100k', 'contacts-200k']) {
      const result = browser?.parse?.[name];
      if (!result) {
        missing(`${name} parse`, browser ? (browser.errors ?? []).find((error) => error.startsWith(name)) ?? 'no result' : 'browser run failed');
        continue;
      }
      const ratio = result.product_ms / result.sheetjs_ms;
      const expected = nativeBy[name]?.with_issues;
      const counted = result.breakdown.with_issues;
      const agrees = expected == null || expected === counted ? '' : ` (COUNT MISMATCH: native says ${count(expected)})`;
      row(
        `${count(result.rows)} rows: product vs SheetJS`,
        measured(ms, result.product_ms),
        `SheetJS ${ms(result.sheetjs_ms)}; best of ${result.runs}; ${count(counted)} with issues shown${agrees}`,
        times(ratio),
        // Issue 16's targets.
        { 'contacts-1k': '≤ 1×', 'contacts-100k': '≤ 0.25×' }[name] ?? '',
        { 'contacts-1k': verdict(ratio, 1), 'contacts-100k': verdict(ratio, 0.25) }[name] ?? '',
      );
    }
    for (const name of ['contacts-1k', 'contacts-10k', 'contacts-100k', 'contacts-200k']) {
      const result = browser?.parse?.[name];
      if (!result) continue;
      const phase = result.longest_task_phase ? `, the longest in ${result.longest_task_phase}` : '';
      const source = result.tasks_from ? `, traced (tasks from the ${result.tasks_from})` : '';
      // Issue 16 asks for no task over 100 ms at 200,000 rows.
      const target = name === 'contacts-200k' ? 100 : 200;
      row(
        `${count(result.rows)} rows: longest main-thread task`,
        measured(ms, result.longest_task_ms),
        `one more run${source}: ${result.long_tasks} tasks ≥ 50 ms, ${ms(result.long_task_total_ms)} in all${phase}; SheetJS: ${ms(result.sheetjs_longest_task_ms)} (its parse is one task)`,
        '',
        `≤ ${target} ms`,
        verdict(result.longest_task_ms, target),
      );
    }
    for (const name of ['contacts-100k', 'contacts-200k']) {
      const result = browser?.parse?.[name];
      if (!result) continue;
      const b = result.breakdown;
      const nat = nativeBy[name];
      row(
        `${count(result.rows)} rows: where the time goes`,
        '',
        `file → worker answer ${ms(b.worker_ms)} (native read ${ms(nat?.native_read_ms)}); then decode + map + keys + lookups ${ms(b.decode_and_lookups_ms)} ` +
          `(native decode ${ms(nat?.native_decode_ms)}, map ${ms(nat?.native_map_ms)}, keys ${ms(nat?.native_keys_ms)}; ${b.lookup_calls} lookup calls ${ms(b.lookups_ms)}); ` +
          `checking ${ms(b.checking_ms)} (native check ${ms(nat?.native_check_ms)}); ` +
          `possible duplicates + render ${ms(b.duplicates_ms)} (native ${ms(nat?.native_duplicates_ms)} + subjects ${ms(nat?.native_duplicate_subjects_ms)})`,
      );
    }

    // Confirm → notice.
    section('Browser: Confirm import → completion notice (fresh account each; all-valid files)');
    for (const [name, target, label] of [['contacts-1k-valid', 1000, '< 1 s'], ['contacts-100k-valid', 3000, '≤ 3 s']]) {
      const result = browser?.confirm?.[name];
      if (!result) {
        missing(`${name} confirm`, browser ? (browser.errors ?? []).find((error) => error.startsWith(name)) ?? 'no result' : 'browser run failed');
        continue;
      }
      row(
        `${count(result.rows)} rows: Confirm → notice`,
        measured(ms, result.ms),
        `upload ${ms(result.upload_ms)} (${result.upload_calls} calls), confirm call ${ms(result.confirm_call_ms)}; longest task ${ms(result.longest_task_ms)}` +
          (result.page_task_ms === undefined ? '' : `; page busy ${ms(result.page_task_ms)}`),
        '',
        label,
        verdict(result.ms, target),
      );
      if (result.rows >= 100_000) {
        const above = result.server_peak_bytes - result.server_rss_before_bytes;
        row(
          `${count(result.rows)} rows: server peak memory`,
          measured(bytes, above, '+'),
          `server VmHWM during the upload + merge ${bytes(result.server_peak_bytes)}, VmRSS before ${bytes(result.server_rss_before_bytes)}`,
          '',
          '≤ 100 MB',
          verdict(above, 100_000_000),
        );
      }
    }
  }

  // Server merge.
  if (want('merge')) {
    section(`Server: upload + confirm of ${count(merge?.rows ?? 100000)} rows (store::imports, release, fresh database) vs Postgres's bulk path`);
    if (!merge) {
      missing('server merge', 'bench merge failed');
    } else {
      // Older bench tools measured only the same-schema baseline; the lean
      // one (only the two key indexes) is the target's yardstick now.
      for (const [label, edited, product, lean, same] of [
        ['new contacts', '', merge.product_new, merge.lean_new ?? merge.baseline_new, merge.baseline_new],
        ['updates', 'the same rows edited; ', merge.product_update, merge.lean_update ?? merge.baseline_update, merge.baseline_update],
      ]) {
        const ratio = product.total_s / lean.total_s;
        row(
          `${label}: product vs lean baseline`,
          measured(secs, product.total_s),
          `${edited}upload ${secs(product.upload_s)}${product.upload_cpu_s === undefined ? '' : ` (${secs(product.upload_cpu_s)} CPU in Rust)`} + confirm ${secs(product.confirm_s)} (${secs(product.confirm_cpu_s)} of it CPU in Rust); lean baseline ${secs(lean.total_s)} (COPY ${secs(lean.copy_s)}): COPY + one INSERT … ON CONFLICT into a table with only the two unique key indexes`,
          times(ratio),
          '≤ 2×',
          verdict(ratio, 2),
        );
        row(
          `${label}: same-schema baseline`,
          measured(secs, same.total_s),
          `the same COPY + INSERT … ON CONFLICT into contacts itself; product ${times(product.total_s / same.total_s)} of it`,
        );
      }
      for (const [label, product] of [['new', merge.product_new], ['updates', merge.product_update]]) {
        const peak = Math.max(product.peak_upload_bytes ?? 0, product.peak_confirm_bytes);
        const above = peak - product.rss_before_bytes;
        row(
          `memory above idle, upload + confirm (${label})`,
          measured(bytes, above, '+'),
          `peak VmHWM of the measuring process ${bytes(peak)}, RSS before ${bytes(product.rss_before_bytes)}`,
          '',
          '≤ 100 MB',
          verdict(above, 100_000_000),
        );
      }
    }
  }

  // Search.
  if (want('search')) {
    section('Search and paging: POST /api/list_contacts over loopback, one account');
    if (!loaded || !search) {
      missing('search latency', !loaded ? 'bench load failed' : 'search run failed');
    } else {
      row(`bulk load (COPY)`, measured(secs, loaded.load_s), `${count(loaded.rows)} contacts, then ${loaded.index_s == null ? '' : `indexed by the indexer's steps (${secs(loaded.index_s)}) and `}VACUUM ANALYZE (${secs(loaded.total_s)} in all)`);
      const all = `all requests (${search.overall.count})`;
      // The total the first page reports: a number, or (newer servers) a bound.
      const total = typeof search.contacts === 'number' ? count(search.contacts) : JSON.stringify(search.contacts);
      row(`${all}: p50`, measured(msExact, search.overall.p50_ms), `the first page's total: ${total} contacts`);
      row(`${all}: p99`, measured(msExact, search.overall.p99_ms), `max ${msExact(search.overall.max_ms)}`, '', '< 20 ms', verdict(search.overall.p99_ms, 20));
      for (const [kind, stat] of Object.entries(search.kinds)) {
        row(`  ${kind} (${stat.count}): p50`, measured(msExact, stat.p50_ms), `p99 ${msExact(stat.p99_ms)}, max ${msExact(stat.max_ms)}`);
      }
    }
  }

  // Sizes.
  if (want('sizes')) {
    section('Bundle and binary sizes (raw / gzip -9 / brotli -q 11)');
    if (!sizes) {
      missing('sizes', 'size step failed');
    } else {
      for (const file of sizes.files) {
        if (file.raw == null) {
          missing(file.name, 'file not found');
          continue;
        }
        row(file.name, measured(bytes, file.raw), file.gzip == null ? '' : `gzip ${bytes(file.gzip)}, brotli ${bytes(file.brotli)}`);
      }
      const wasm = sizes.files.filter((file) => file.name.endsWith('.wasm'));
      const app = sizes.files.find((file) => file.name.endsWith('contacts.wasm'));
      if (app?.brotli != null) {
        row('app wasm (first paint), brotli', measured(bytes, app.brotli), 'target/site/pkg/contacts.wasm', '', '≤ 1 MB', verdict(app.brotli, 1_000_000));
      }
      if (wasm.every((file) => file.brotli != null)) {
        const all = wasm.reduce((sum, file) => sum + file.brotli, 0);
        row('all wasm (app + worker), brotli', measured(bytes, all), 'the import worker loads only on the import screen', '', '≤ 1 MB', verdict(all, 1_000_000));
      }
      if (sizes.server != null) {
        row('server binary', measured(bytes, sizes.server), `target/release/server${sizes.server_stripped != null ? `; ${bytes(sizes.server_stripped)} stripped` : ''}`);
      } else missing('server binary', 'not found');
    }
  }
  return { rows, failures };
}

/** Rows of `now` with the matching `before` row's value beside each; rows
 *  only `before` has go at the end of their section. Labels match without
 *  their counts in parentheses ("name (59): p50" is "name (60): p50"). */
function compare(now, before) {
  const key = (r) => `${r.section}\u0000${r.measure.replace(/\s*\(\d[\d,]*\)/g, '').trim()}`;
  const earlier = new Map(before.filter((r) => r.measure).map((r) => [key(r), r]));
  const matched = new Set();
  const merged = now.map((r) => {
    if (!r.measure) return r;
    const old = earlier.get(key(r));
    if (!old) return { ...r, before: { text: '—', amount: null } };
    matched.add(key(r));
    const change = r.value.amount != null && old.value.amount ? times(r.value.amount / old.value.amount) : '';
    return { ...r, before: old.value, change };
  });
  for (const old of before) {
    if (!old.measure || matched.has(key(old))) continue;
    const r = { ...old, value: { text: '—', amount: null }, before: old.value, ratio: '', target: '', status: '', detail: `(before only) ${old.detail}` };
    let at = merged.findLastIndex((m) => m.section === old.section);
    if (at < 0) {
      merged.push({ section: old.section });
      at = merged.length - 1;
    }
    merged.splice(at + 1, 0, r);
  }
  return merged;
}

/** `text` broken at spaces into lines of at most WIDTH columns. */
function wrap(text, indent = '') {
  const lines = [];
  let line = indent;
  for (const word of text.split(' ')) {
    if (line.length > indent.length && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = indent + word;
    } else {
      line += line.length > indent.length ? ` ${word}` : word;
    }
  }
  if (line.length > indent.length) lines.push(line);
  return lines.join('\n');
}

const now = tableOf(dir);
const before = beforeDir ? tableOf(beforeDir) : null;
const rows = before ? compare(now.rows, before.rows) : now.rows;

const machine = load(dir, 'machine') ?? {};
const elapsed = load(dir, 'elapsed');
const revision = load(dir, 'revision');
const beforeRevision = beforeDir ? load(beforeDir, 'revision') : null;
console.log(`Contact import benchmarks — ${machine.date ?? '?'}${elapsed ? ` — scripts/bench took ${Math.floor(elapsed.seconds / 60)} min ${elapsed.seconds % 60} s` : ''}`);
console.log(
  wrap(
    `Machine: ${machine.cpu ?? '?'}, ${machine.nproc ?? '?'} cores, ${machine.memory ?? '?'} RAM, load average at start ${machine.loadavg ?? '?'}; ` +
      `${machine.chromium ?? 'chromium ?'}; ${machine.postgres ?? 'postgres ?'}; ${machine.rustc ?? 'rustc ?'}; node ${machine.node ?? '?'}`,
  ),
);
if (revision) {
  const changed = revision.changed_files ? ` + ${revision.changed_files} changed files` : '';
  console.log(`Now: ${revision.hash?.slice(0, 10) ?? '?'}${changed}`);
}
if (before) {
  const rev = beforeRevision ?? {};
  console.log(wrap(`Before: ${rev.rev ?? '?'} = ${rev.hash?.slice(0, 10) ?? '?'} "${rev.subject ?? '?'}", built and measured by its own scripts in the same run`));
  console.log(wrap('Change: Now ÷ Before (below 1: faster or smaller now). Ratio: the product ÷ the alternative the row names.'));
}

const columns = before ? ['measure', 'value', 'before', 'change', 'ratio', 'target', 'status'] : ['measure', 'value', 'ratio', 'target', 'status'];
const headings = { measure: 'Measure', value: before ? 'Now' : 'Value', before: 'Before', change: 'Change', ratio: 'Ratio', target: 'Target', status: 'Distance' };
const cell = (r, column) => {
  const value = r[column];
  return String((typeof value === 'object' && value ? value.text : value) ?? '');
};
const widths = Object.fromEntries(columns.map((column) => [column, Math.max(headings[column].length, ...rows.filter((r) => r.measure).map((r) => cell(r, column).length))]));
const line = (r) =>
  columns
    .map((column) => cell(r, column).padEnd(widths[column]))
    .join('  ')
    .trimEnd();
console.log('');
console.log(line(headings));
console.log(line(Object.fromEntries(columns.map((column) => [column, '-'.repeat(widths[column])]))));
for (const r of rows) {
  if (!r.measure) {
    console.log('');
    console.log(wrap(`## ${r.section}`));
  } else {
    console.log(line(r));
    if (r.detail) console.log(wrap(r.detail, '    '));
  }
}
const notMeasured = (title, failures) => {
  if (!failures.length) return;
  console.log('');
  console.log(title);
  for (const failure of failures) console.log(wrap(`  - ${failure}`, '    '));
};
notMeasured('Not measured:', now.failures);
if (before) notMeasured(`Not measured in the before tree (${beforeRevision?.rev ?? '?'}):`, before.failures);
if (now.failures.length) process.exit(1);
