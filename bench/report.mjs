// Prints scripts/bench's table from the JSON files its steps wrote into one
// folder. Exits 1 when some figure could not be measured (a step failed or
// left no result); missing a target is reported, never a failure.
//
// Usage: node bench/report.mjs <results-dir>
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const load = (name) => {
  const path = join(dir, `${name}.json`);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
};

const machine = load('machine') ?? {};
const native = load('native');
const browser = load('browser');
const merge = load('merge');
const loaded = load('load');
const search = load('search');
const sizes = load('sizes');
const elapsed = load('elapsed');
const failures = [];
// Parts scripts/bench was asked to run (BENCH_ONLY); the others are left out.
const parts = (process.env.BENCH_PARTS ?? 'sizes native merge browser search').trim().split(/\s+/);
const want = (part) => parts.includes(part);

const rows = [];
const section = (title) => rows.push({ section: title });
const row = (measure, value, detail = '', ratio = '', target = '', status = '') =>
  rows.push({ measure, value, detail, ratio, target, status });
const missing = (measure, why) => {
  failures.push(`${measure}: ${why}`);
  row(measure, 'NOT MEASURED', why);
};

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

/** "ok", or how far from the target: `measured` must be ≤ `limit`. */
const verdict = (measured, limit, unit = '') => {
  if (measured == null || !Number.isFinite(measured)) return 'not measured';
  if (measured <= limit) return 'ok';
  return `MISS: ${times(measured / limit)} the target${unit}`;
};

const nativeBy = Object.fromEntries((native?.files ?? []).map((file) => [file.name, file]));

// Workbooks.
if (want('native')) {
section('Generated workbooks (bench-data/, cached; native = the shared rules outside the browser, release build)');
if (!native) missing('workbooks', 'bench native failed');
for (const file of native?.files ?? []) {
  row(
    `${file.name}.xlsx`,
    `${count(file.rows)} rows`,
    `${bytes(file.bytes)}, ${count(file.with_issues)} with issues; native read ${msExact(file.native_read_ms)}, check ${msExact(file.native_check_ms)}`,
  );
}
}

// Browser parse + validate.
if (want('browser')) {
section('Browser, headless Chromium: parse + validate (choose file → review counts) vs SheetJS XLSX.read + sheet_to_json');
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
    ms(result.product_ms),
    `SheetJS ${ms(result.sheetjs_ms)}; best of ${result.runs}; ${count(counted)} with issues shown${agrees}`,
    times(ratio),
    name === 'contacts-100k' ? '≤ 0.35×' : '',
    name === 'contacts-100k' ? verdict(ratio, 0.35) : '',
  );
}
for (const name of ['contacts-1k', 'contacts-10k', 'contacts-100k', 'contacts-200k']) {
  const result = browser?.parse?.[name];
  if (!result) continue;
  const phase = result.longest_task_phase ? `, the longest in ${result.longest_task_phase}` : '';
  row(
    `${count(result.rows)} rows: longest main-thread task`,
    ms(result.longest_task_ms),
    `worst of ${result.runs} runs: ${result.long_tasks} tasks ≥ 50 ms, ${ms(result.long_task_total_ms)} in all${phase}; SheetJS: ${ms(result.sheetjs_longest_task_ms)} (its parse is one task)`,
    '',
    '≤ 200 ms',
    verdict(result.longest_task_ms, 200),
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
      `checking + render ${ms(b.checking_ms)} (native check ${ms(nat?.native_check_ms)})`,
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
    ms(result.ms),
    `upload ${ms(result.upload_ms)} (${result.upload_calls} calls), confirm call ${ms(result.confirm_call_ms)}; longest task ${ms(result.longest_task_ms)}`,
    '',
    label,
    verdict(result.ms, target),
  );
  if (result.rows >= 100_000) {
    const above = result.server_peak_bytes - result.server_rss_before_bytes;
    row(
      `${count(result.rows)} rows: server peak memory`,
      `+${bytes(above)}`,
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
section(`Server: upload + confirm of ${count(merge?.rows ?? 100000)} rows (store::imports open → upload_rows, 3 in flight → confirm; release, fresh database) vs Postgres's bulk path`);
if (!merge) {
  missing('server merge', 'bench merge failed');
} else {
  for (const [label, product, lean, same] of [
    ['new contacts', merge.product_new, merge.lean_new, merge.baseline_new],
    ['updates (same rows edited)', merge.product_update, merge.lean_update, merge.baseline_update],
  ]) {
    const ratio = product.total_s / lean.total_s;
    row(
      `${label}: product vs lean baseline`,
      secs(product.total_s),
      `upload ${secs(product.upload_s)} + confirm ${secs(product.confirm_s)} (${secs(product.confirm_cpu_s)} of it CPU in Rust, the rest waiting on Postgres); lean baseline ${secs(lean.total_s)} (COPY ${secs(lean.copy_s)}): COPY into a temp table + one INSERT … ON CONFLICT into a table with the columns of contacts and only its two unique key indexes`,
      times(ratio),
      '≤ 2×',
      verdict(ratio, 2),
    );
    row(
      `${label}: same-schema baseline`,
      secs(same.total_s),
      `the same COPY + INSERT … ON CONFLICT into contacts itself (its primary key and two unique key indexes); product ${times(product.total_s / same.total_s)} of it`,
    );
  }
  for (const [label, product] of [['new', merge.product_new], ['updates', merge.product_update]]) {
    const peak = Math.max(product.peak_upload_bytes, product.peak_confirm_bytes);
    const above = peak - product.rss_before_bytes;
    row(
      `memory above idle, upload + confirm (${label})`,
      `+${bytes(above)}`,
      `peak VmHWM of the measuring process ${bytes(peak)} (upload ${bytes(product.peak_upload_bytes)}, confirm ${bytes(product.peak_confirm_bytes)}), RSS before ${bytes(product.rss_before_bytes)}`,
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
  row(`bulk load (COPY)`, secs(loaded.load_s), `${count(loaded.rows)} contacts, then VACUUM ANALYZE (${secs(loaded.total_s)} in all)`);
  row(
    `all requests (${search.overall.count}), ${count(search.contacts)} contacts`,
    `p50 ${msExact(search.overall.p50_ms)}`,
    `p99 ${msExact(search.overall.p99_ms)}, max ${msExact(search.overall.max_ms)}`,
    '',
    'p99 < 20 ms',
    verdict(search.overall.p99_ms, 20),
  );
  for (const [kind, stat] of Object.entries(search.kinds)) {
    row(`  ${kind} (${stat.count})`, `p50 ${msExact(stat.p50_ms)}`, `p99 ${msExact(stat.p99_ms)}, max ${msExact(stat.max_ms)}`);
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
    row(file.name, bytes(file.raw), file.gzip == null ? '' : `gzip ${bytes(file.gzip)}, brotli ${bytes(file.brotli)}`);
  }
  const wasm = sizes.files.filter((file) => file.name.endsWith('.wasm'));
  const app = sizes.files.find((file) => file.name.endsWith('contacts.wasm'));
  if (app?.brotli != null) {
    row('app wasm (first paint), brotli', bytes(app.brotli), 'target/site/pkg/contacts.wasm', '', '≤ 1 MB', verdict(app.brotli, 1_000_000));
  }
  if (wasm.every((file) => file.brotli != null)) {
    const all = wasm.reduce((sum, file) => sum + file.brotli, 0);
    row('all wasm (app + import worker), brotli', bytes(all), 'the worker loads only on the import screen', '', '≤ 1 MB', verdict(all, 1_000_000));
  }
  if (sizes.server != null) {
    row('server binary', bytes(sizes.server), `target/release/server${sizes.server_stripped != null ? `; ${bytes(sizes.server_stripped)} stripped` : ''}`);
  }
  else missing('server binary', 'not found');
}
}

// Print.
const columns = ['measure', 'value', 'ratio', 'target', 'status', 'detail'];
const headings = { measure: 'Measure', value: 'Value', ratio: 'Ratio', target: 'Target', status: 'Distance', detail: 'Detail' };
const widths = Object.fromEntries(
  columns.map((column) => [column, Math.max(headings[column].length, ...rows.filter((r) => !r.section).map((r) => String(r[column] ?? '').length))]),
);
const line = (r) =>
  columns
    .map((column) => (column === 'detail' ? String(r[column] ?? '') : String(r[column] ?? '').padEnd(widths[column])))
    .join('  ')
    .trimEnd();

console.log(`Contact import benchmarks — ${machine.date ?? '?'}${elapsed ? ` — scripts/bench took ${Math.floor(elapsed.seconds / 60)} min ${elapsed.seconds % 60} s` : ''}`);
console.log(
  `Machine: ${machine.cpu ?? '?'}, ${machine.nproc ?? '?'} cores, ${machine.memory ?? '?'} RAM, load average at start ${machine.loadavg ?? '?'}; ` +
    `${machine.chromium ?? 'chromium ?'}; ${machine.postgres ?? 'postgres ?'}; ${machine.rustc ?? 'rustc ?'}; node ${machine.node ?? '?'}`,
);
console.log('');
console.log(line(headings));
console.log(line(Object.fromEntries(columns.map((column) => [column, '-'.repeat(Math.min(widths[column], column === 'detail' ? 40 : 200))]))));
for (const r of rows) {
  if (r.section) {
    console.log('');
    console.log(`## ${r.section}`);
  } else {
    console.log(line(r));
  }
}
if (failures.length) {
  console.log('');
  console.log('Not measured:');
  for (const failure of failures) console.log(`  - ${failure}`);
  process.exit(1);
}
