// The browser half of scripts/bench, in Debian's headless Chromium through
// the Playwright installed in end2end/node_modules (same flags as
// end2end/playwright.config.ts).
//
// For each generated workbook:
//  - the product's parse + validate: from choosing the file on
//    /contacts/import to the review counts (.summary) appearing, and where
//    the time went (worker answer, server lookups, checking); then one
//    more run, traced, for the longest main-thread task (see `startTrace`);
//  - SheetJS (the `xlsx` package) reading the same file in the same page
//    and converting its sheet to JSON (XLSX.read + sheet_to_json), from the
//    same starting point (a chosen File);
// then, for the all-valid 1k and 100k files, in a fresh account each: the
// time from clicking Confirm import to the completion notice, and the
// server's peak memory meanwhile.
//
// Usage: node bench/browser/bench.mjs <files.json> <out.json>
// Environment: BASE_URL (the server), SERVER_PID (to read its memory),
// CHROMIUM_PATH; BENCH_WORKER_DIR (optional, for experiments) serves the
// import worker's worker.js and worker_bg.wasm from that folder instead of
// the server's, to compare a differently built worker on the same files;
// BENCH_BROWSER_FILES (optional) names the files to run, e.g. "contacts-100k".
// Prints progress on stderr; writes the results to out.json.
import { createRequire } from 'node:module';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

const require = createRequire(new URL('../../end2end/package.json', import.meta.url));
const { chromium, devices } = require('playwright');
const SHEETJS = require.resolve('xlsx/dist/xlsx.full.min.js');

const [filesJson, outPath] = process.argv.slice(2);
const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const SERVER_PID = process.env.SERVER_PID;
const files = JSON.parse(readFileSync(filesJson, 'utf8')).files;
const byName = Object.fromEntries(files.map((file) => [file.name, file]));

const log = (...args) => console.error('  ', ...args);
const best = (values) => Math.min(...values);

/** Runs before every page's own scripts: long tasks, the worker's answer,
 *  and each fetch's start and end, into window.__bench.
 *
 *  Long tasks are taken two ways here, and the longer wins: the Long Tasks
 *  API, and a 10 ms heartbeat whose late beats show how long the page's
 *  timers waited. Both are only the fallback (and the confirm's measure):
 *  the parse's longest task comes from a trace (see `startTrace`). */
function instrument() {
  const bench = (window.__bench = { longtasks: [], marks: {}, fetches: [] });
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) bench.longtasks.push([entry.startTime, entry.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch (error) {
    bench.noLongtasks = String(error);
  }
  let beat = performance.now();
  setInterval(() => {
    const now = performance.now();
    if (now - beat > 60) bench.longtasks.push([beat, now - beat - 10]);
    beat = now;
  }, 10);
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(...args) {
      super(...args);
      bench.marks.workerCreated ??= performance.now();
      this.addEventListener('message', (event) => {
        const kind = event.data && event.data.kind;
        // A read ends with its last part (the end part), taken as the
        // read's end where the results are gathered: the page ends the
        // worker on it, so the 'done' after it may never arrive.
        if (kind === 'part') bench.marks.lastPart = performance.now();
        if (kind === 'error') bench.marks.workerDone ??= performance.now();
      });
    }
  };
  const nativeFetch = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input.url;
    const started = performance.now();
    try {
      return await nativeFetch(input, init);
    } finally {
      bench.fetches.push([url, started, performance.now()]);
    }
  };
}

/** CPU seconds used so far by this machine's processes, by kind: the
 *  benchmarked server (SERVER_PID), Postgres, Chromium (the page, its
 *  worker, and the browser's own processes), and everything else. Two
 *  cores are shared by all of them, so a step that waits is often waiting
 *  for another kind's CPU. Read from /proc; processes that ended meanwhile
 *  are missed (none of the measured kinds end during a parse). */
function cpuByKind() {
  const tick = 100; // USER_HZ on Linux
  const kinds = { server: 0, postgres: 0, chromium: 0, other: 0 };
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / tick;
      const kind = pid === SERVER_PID ? 'server' : comm.startsWith('postgres') ? 'postgres' : /chrom/i.test(comm) ? 'chromium' : 'other';
      kinds[kind] += seconds;
    } catch {
      // The process ended while being read.
    }
  }
  return kinds;
}

/** The CPU seconds each kind used between two `cpuByKind` readings. */
function cpuBetween(before, after) {
  return Object.fromEntries(Object.keys(after).map((kind) => [kind, Math.round((after[kind] - before[kind]) * 100) / 100]));
}

/** Server memory from /proc (bytes), or null. */
function serverMemory(key) {
  if (!SERVER_PID) return null;
  try {
    const status = readFileSync(`/proc/${SERVER_PID}/status`, 'utf8');
    const match = status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function resetServerPeak() {
  if (!SERVER_PID) return;
  try {
    writeFileSync(`/proc/${SERVER_PID}/clear_refs`, '5');
  } catch {
    // Not allowed here: the peak then covers the whole run so far.
  }
}

/** Starts Chromium's own trace of `page` (category `toplevel`: an event
 *  per task or other unit of work each thread runs, and the page's
 *  `performance.mark`s); the returned function ends it and gives its
 *  events. The trace is what "longest main-thread task" is taken from: the
 *  Long Tasks API leaves out the microtasks that resume after `await
 *  file.arrayBuffer()` (where SheetJS parses: they run outside any task),
 *  and a timer heartbeat counts as blocked the time its beats wait behind
 *  other short tasks (Chromium runs a repeating timer at a lower priority
 *  than a posted message), so the one missed and the other overstated. */
async function startTrace(page) {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
  await cdp.send('Tracing.start', { categories: 'toplevel,blink.user_timing', transferMode: 'ReportEvents' });
  return async () => {
    const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach();
    return events;
  };
}

/** The page's main-thread units of work in trace `events` that began at
 *  or after its `bench:start` mark, as [start, duration] in ms on the page's clock
 *  (`markedAt`: the page's `performance.now()` at the mark). The task that
 *  delivered the chosen file (and dispatched its change event) began
 *  before the mark and is left out, for the product and SheetJS alike: it
 *  is the test harness's. `null` when the mark is not in the trace. */
function mainThreadTasks(events, markedAt) {
  const mark = events.find((event) => event.name === 'bench:start' && event.cat?.includes('blink.user_timing'));
  if (!mark) return null;
  // A unit of work is an event no other encloses: mostly a task
  // (`ThreadControllerImpl::RunTask`), but not only: the microtasks after
  // `await file.arrayBuffer()` run in a checkpoint of their own.
  const spans = events
    .filter((event) => event.ph === 'X' && event.dur !== undefined && event.pid === mark.pid && event.tid === mark.tid)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const units = [];
  let end = -Infinity;
  for (const span of spans) {
    if (span.ts >= end) units.push(span);
    end = Math.max(end, span.ts + span.dur);
  }
  return units.filter((unit) => unit.ts >= mark.ts).map((unit) => [markedAt + (unit.ts - mark.ts) / 1000, unit.dur / 1000]);
}

let accounts = 0;
async function signUp(page) {
  // Signed in, /signup would send us on to /contacts: start signed out.
  await page.context().clearCookies();
  const email = `bench-${Date.now()}-${process.pid}-${accounts++}@example.com`;
  await page.goto('/signup');
  await page.waitForSelector('body[data-hydrated]');
  await page.getByLabel('Organisation').fill('Bench Lettings');
  await page.getByLabel('Your name').fill('Bench Manager');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  // No default country (not the browser's guess), as the native check reads
  // numbers: those without a country are kept as written.
  await page.getByLabel('Country').selectOption({ label: 'Choose…' });
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/\/contacts$/);
}

/** How long the import page is left open before a file is chosen, for the
 *  product and SheetJS alike: a person takes seconds to pick a file in the
 *  browser's dialog, and the page uses them (its reader's worker starts,
 *  compiles and warms up when the page opens). Chosen at once, the file
 *  would wait for that start-up, a case no user meets, and SheetJS's parse
 *  would share the two cores with it. */
const SETTLE_BEFORE_CHOOSING_MS = 2_000;

async function openImport(page) {
  await page.goto('/contacts/import');
  try {
    await page.waitForSelector('body[data-hydrated]', { timeout: 30_000 });
  } catch {
    // Once, a reload: a page that did not hydrate is not what is measured.
    log('the import page did not hydrate; reloading it once');
    await page.reload();
    await page.waitForSelector('body[data-hydrated]');
  }
  await page.waitForTimeout(SETTLE_BEFORE_CHOOSING_MS);
}

/** Chooses `file` on the import screen and waits for the review counts. */
async function productParse(page, file, traced = false) {
  await openImport(page);
  await page.evaluate(() => {
    const bench = window.__bench;
    bench.marks = {};
    bench.fetches = [];
    document.addEventListener(
      'change',
      (event) => {
        if (event.target && event.target.id === 'import-file' && bench.marks.start === undefined) {
          bench.marks.start = performance.now();
          performance.mark('bench:start');
        }
      },
      true,
    );
    const observer = new MutationObserver(() => {
      const label = document.getElementById('progress-label');
      if (label && !bench.marks.checking && label.textContent.startsWith('Checking')) bench.marks.checking = performance.now();
      if (label && !bench.marks.duplicates && label.textContent.startsWith('Looking for possible duplicates')) {
        bench.marks.duplicates = performance.now();
      }
      if (!bench.marks.end && document.querySelector('.summary')) {
        bench.marks.end = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  });
  const cpuAtStart = cpuByKind();
  const endTrace = traced ? await startTrace(page) : async () => [];
  await page.locator('#import-file').setInputFiles(file.path);
  await page.waitForSelector('.summary', { timeout: 600_000 });
  const cpu = cpuBetween(cpuAtStart, cpuByKind());
  // Let the tasks that render the review finish and be reported.
  await page.waitForTimeout(800);
  const trace = await endTrace();
  const measured = await page.evaluate(() => {
    const { marks, longtasks, fetches, noLongtasks } = window.__bench;
    marks.workerDone ??= marks.lastPart;
    const lookups = fetches.filter(([url]) => url.includes('existing_contacts'));
    // How long each kind of look-up went on after the worker's last row:
    // what the check waited for once the file was read.
    const readEnd = marks.workerDone ?? marks.start;
    const tail = (kind) => {
      const calls = fetches.filter(([url]) => url.includes(kind));
      return {
        calls: calls.length,
        after_read: calls.filter(([, started]) => started >= readEnd).length,
        tail_ms: calls.length ? Math.max(0, Math.max(...calls.map((f) => f[2])) - readEnd) : 0,
        total_ms: calls.reduce((sum, [, started, ended]) => sum + ended - started, 0),
      };
    };
    const number = (selector) => Number((document.querySelector(selector)?.textContent ?? '').replace(/[^0-9]/g, ''));
    return {
      ms: marks.end - marks.start,
      worker_ms: (marks.workerDone ?? marks.start) - marks.start,
      decode_and_lookups_ms: (marks.checking ?? marks.end) - (marks.workerDone ?? marks.start),
      lookups_ms: lookups.length ? Math.max(...lookups.map((f) => f[2])) - Math.min(...lookups.map((f) => f[1])) : 0,
      lookup_calls: lookups.length,
      lookup_tails: { contacts: tail('existing_contacts'), similar: tail('similar_contacts'), phones: tail('phone_verdicts') },
      checking_ms: (marks.duplicates ?? marks.end) - (marks.checking ?? marks.end),
      duplicates_ms: marks.duplicates ? marks.end - marks.duplicates : null,
      marks,
      // The fallback, when the trace has no mark (see `startTrace`).
      longtasks,
      longtask_api: noLongtasks ?? 'ok',
      // When each step began and each call went and answered, in ms from
      // the file's choice: where a run's time went, read from browser.json.
      timeline: {
        marks: Object.fromEntries(Object.entries(marks).map(([name, at]) => [name, Math.round(at - marks.start)])),
        calls: fetches
          .filter(([url]) => url.includes('/api/'))
          .map(([url, started, ended]) => [url.replace(/^.*\/api\//, ''), Math.round(started - marks.start), Math.round(ended - marks.start)]),
      },
      valid: number('.count.ok strong'),
      with_issues: number('.count.bad strong'),
    };
  });
  const { marks, longtasks, ...rest } = measured;
  const fromTrace = mainThreadTasks(trace, marks.start);
  // (A late heartbeat's block starts at the beat before it, which may be
  // just before the file was chosen.)
  const tasks = (fromTrace ?? longtasks).filter(([start, duration]) => start + duration >= marks.start + 1 && start <= marks.end + 500);
  const during = tasks.filter(([, duration]) => duration >= 50);
  const longest = tasks.reduce((top, task) => (task[1] > top[1] ? task : top), [0, 0]);
  // Which step a task belongs to, by when it ended.
  const phase = ([start, duration]) => {
    const end = start + duration;
    if (end <= (marks.workerDone ?? 0)) return 'the wait for the worker';
    if (end >= marks.end) return 'the last slice + rendering the review';
    if (marks.duplicates && start >= marks.duplicates) return 'finding possible duplicates';
    if (marks.checking && start >= marks.checking) return 'checking';
    return 'decode + map + keys + lookups';
  };
  return {
    ...rest,
    longest_task_ms: longest[1],
    longest_task_phase: longest[1] ? phase(longest) : null,
    long_tasks: during.length,
    long_task_total_ms: during.reduce((sum, task) => sum + task[1], 0),
    tasks_from: fromTrace ? 'trace' : 'longtask API + heartbeat',
    cpu_s: cpu,
  };
}

/** SheetJS reading the same file to JSON in the same page, started the
 *  way an importer built on it would be: from the file input's change. */
async function sheetjsParse(page, file, traced = false) {
  await openImport(page);
  await page.addScriptTag({ path: SHEETJS });
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.id = 'bench-sheetjs';
    input.addEventListener('change', async () => {
      const started = performance.now();
      performance.mark('bench:start');
      const workbook = XLSX.read(await input.files[0].arrayBuffer(), { type: 'array' });
      const rows = XLSX.utils.sheet_to_json(workbook.Sheets[workbook.SheetNames[0]]);
      window.__sheetjs = { ms: performance.now() - started, rows: rows.length, started };
    });
    document.body.append(input);
    window.__bench.longtasks = [];
  });
  const endTrace = traced ? await startTrace(page) : async () => [];
  await page.locator('#bench-sheetjs').setInputFiles(file.path);
  await page.waitForFunction(() => window.__sheetjs, null, { timeout: 600_000, polling: 100 });
  await page.waitForTimeout(300);
  const trace = await endTrace();
  const { ms, rows, started, longtasks } = await page.evaluate(() => ({ ...window.__sheetjs, longtasks: window.__bench.longtasks }));
  const tasks = mainThreadTasks(trace, started) ?? longtasks;
  const during = tasks.filter(([start, duration]) => start + duration >= started + 1).map(([, duration]) => duration);
  return { ms, rows, longest_task_ms: Math.max(0, ...during) };
}

/** Confirms an all-valid file in a fresh account: Confirm → notice. */
async function confirmRun(page, file) {
  await signUp(page);
  const parse = await productParse(page, file);
  const button = page.getByRole('button', { name: 'Confirm import' });
  await button.waitFor();
  if (await button.isDisabled()) throw new Error(`${file.name}: Confirm import is disabled (${parse.with_issues} rows with issues)`);
  await page.evaluate(() => {
    const bench = window.__bench;
    bench.marks = {};
    bench.fetches = [];
    bench.longtasks = [];
    document.addEventListener(
      'click',
      (event) => {
        const button = event.target && event.target.closest && event.target.closest('button');
        if (button && button.textContent.includes('Confirm import')) bench.marks.confirm ??= performance.now();
      },
      true,
    );
    const observer = new MutationObserver(() => {
      if (!bench.marks.notice && (document.getElementById('finished-heading') || document.querySelector('.toast.success'))) {
        bench.marks.notice = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
  });
  // The page's own main-thread time from the click to the notice (Chrome's
  // cumulative task and script durations): the upload's encoding and
  // sending, and the page drawn after; the wall time alone hides it when
  // the server is the slower side.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const pageTimes = async () =>
    Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map(({ name, value }) => [name, value]));
  const rssBefore = serverMemory('VmRSS');
  resetServerPeak();
  const timesBefore = await pageTimes();
  await button.click();
  await page.waitForSelector('#finished-heading', { timeout: 900_000 });
  const timesAfter = await pageTimes();
  await cdp.detach();
  const serverPeak = serverMemory('VmHWM');
  await page.waitForTimeout(300);
  const result = await page.evaluate(() => {
    const { marks, fetches, longtasks } = window.__bench;
    const calls = (name) => fetches.filter(([url]) => url.includes(name));
    const span = (list) => (list.length ? Math.max(...list.map((f) => f[2])) - Math.min(...list.map((f) => f[1])) : 0);
    const uploads = calls('upload_rows');
    const confirm = calls('confirm_import');
    return {
      ms: marks.notice - marks.confirm,
      upload_ms: span([...calls('open_import'), ...uploads]),
      upload_calls: uploads.length,
      confirm_call_ms: span(confirm),
      longest_task_ms: Math.max(0, ...longtasks.filter(([start, duration]) => start + duration >= marks.confirm + 1).map(([, duration]) => duration)),
      notice: document.querySelector('.toast.success')?.textContent?.trim() ?? null,
    };
  });
  return {
    ...result,
    page_task_ms: (timesAfter.TaskDuration - timesBefore.TaskDuration) * 1000,
    page_script_ms: (timesAfter.ScriptDuration - timesBefore.ScriptDuration) * 1000,
    parse_ms: parse.ms,
    server_rss_before_bytes: rssBefore,
    server_peak_bytes: serverPeak,
  };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
const results = { parse: {}, confirm: {}, errors: [] };
try {
  const context = await browser.newContext({
    ...devices['Desktop Chrome'],
    viewport: { width: 1280, height: 800 },
    baseURL: BASE_URL,
    // The page's CSP forbids injected scripts; SheetJS is injected.
    bypassCSP: true,
  });
  await context.addInitScript(instrument);
  if (process.env.BENCH_WORKER_DIR) {
    for (const name of ['worker.js', 'worker_bg.wasm']) {
      await context.route(`**/worker/${name}`, (route) =>
        route.fulfill({
          path: `${process.env.BENCH_WORKER_DIR}/${name}`,
          contentType: name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript',
        }),
      );
    }
    log(`worker served from ${process.env.BENCH_WORKER_DIR}`);
  }
  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  await signUp(page);

  const chosen = (name) => !process.env.BENCH_BROWSER_FILES || process.env.BENCH_BROWSER_FILES.split(/[ ,]+/).includes(name);
  for (const name of ['contacts-1k', 'contacts-10k', 'contacts-100k', 'contacts-200k'].filter(chosen)) {
    const file = byName[name];
    const repeats = file.rows <= 10_000 ? 3 : file.rows <= 100_000 ? 2 : 1;
    try {
      const product = [];
      const sheetjs = [];
      for (let run = 0; run < repeats; run++) {
        product.push(await productParse(page, file));
        log(`${name}: product ${product.at(-1).ms.toFixed(0)} ms (longest task ${product.at(-1).longest_task_ms.toFixed(0)} ms)`);
        sheetjs.push(await sheetjsParse(page, file));
        log(`${name}: SheetJS ${sheetjs.at(-1).ms.toFixed(0)} ms (${sheetjs.at(-1).rows} rows)`);
      }
      // One more run of each, traced, for the tasks: tracing costs time, so
      // the timed runs above are not traced.
      const productTraced = await productParse(page, file, true);
      log(`${name}: product traced, longest task ${productTraced.longest_task_ms.toFixed(0)} ms`);
      const sheetjsTraced = await sheetjsParse(page, file, true);
      const fastest = product.reduce((top, run) => (run.ms < top.ms ? run : top));
      results.parse[name] = {
        rows: file.rows,
        runs: repeats,
        product_ms: fastest.ms,
        product_runs_ms: product.map((run) => run.ms),
        sheetjs_ms: best(sheetjs.map((run) => run.ms)),
        sheetjs_runs_ms: sheetjs.map((run) => run.ms),
        sheetjs_rows: sheetjs[0].rows,
        sheetjs_longest_task_ms: sheetjsTraced.longest_task_ms,
        tasks_from: productTraced.tasks_from,
        longest_task_ms: productTraced.longest_task_ms,
        longest_task_phase: productTraced.longest_task_phase,
        long_tasks: productTraced.long_tasks,
        long_task_total_ms: productTraced.long_task_total_ms,
        breakdown: fastest,
      };
    } catch (error) {
      results.errors.push(`${name}: ${error.message}`);
      log(`${name}: FAILED ${error.message}`);
    }
  }

  const serverPeakBeforeConfirms = serverMemory('VmHWM');
  for (const name of ['contacts-1k-valid', 'contacts-100k-valid'].filter(chosen)) {
    try {
      results.confirm[name] = { rows: byName[name].rows, ...(await confirmRun(page, byName[name])) };
      log(`${name}: Confirm → notice ${results.confirm[name].ms.toFixed(0)} ms`);
    } catch (error) {
      results.errors.push(`${name}: ${error.message}`);
      log(`${name}: FAILED ${error.message}`);
    }
  }
  results.server_peak_before_confirms_bytes = serverPeakBeforeConfirms;
} finally {
  await browser.close();
  writeFileSync(outPath, JSON.stringify(results, null, 2));
}
