// The /contacts search and paging benchmark: list_contacts server-function
// calls over loopback, as the page makes them, against an account holding
// many contacts (scripts/bench loads them with `bench load`).
//
// Usage:
//   node bench/browser/search.mjs signup            → prints {"email","password"}
//   node bench/browser/search.mjs measure <email> <password> <out.json>
// Environment: BASE_URL.
//
// The run is bounded: a warm-up, then a fixed list of requests, one at a
// time on a kept-alive connection: the first pages and following pages
// (`next` cursors) of the whole list in each sort order, and searches for
// names, partial emails, phone digits and two-letter fragments, each
// followed for a page or two; as in the page, each search is counted on its
// first page only. Latency is the client's, request to parsed answer.
import { writeFileSync } from 'node:fs';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const PASSWORD = 'correct horse battery';

function form(fields) {
  return new URLSearchParams(fields).toString();
}

/** The `name=value` pairs of a response's Set-Cookie headers. */
function cookiesOf(response) {
  return response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join('; ');
}

async function post(path, body, headers) {
  return fetch(BASE_URL + path, { method: 'POST', body, headers, redirect: 'manual' });
}

async function signUp() {
  const email = `bench-search-${Date.now()}-${process.pid}@example.com`;
  const response = await post(
    '/api/sign_up',
    form({ organisation: 'Bench Search Lettings', name: 'Bench Manager', email, password: PASSWORD }),
    { 'content-type': 'application/x-www-form-urlencoded' },
  );
  if (response.status >= 400) throw new Error(`sign up failed: ${response.status} ${await response.text()}`);
  return { email, password: PASSWORD };
}

async function signIn(email, password) {
  const response = await post('/api/sign_in', form({ email, password, next: '/contacts' }), {
    'content-type': 'application/x-www-form-urlencoded',
  });
  const cookie = cookiesOf(response);
  if (response.status >= 400 || !cookie) throw new Error(`sign in failed: ${response.status} ${await response.text()}`);
  return cookie;
}

function percentile(sorted, p) {
  if (!sorted.length) return null;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50_ms: percentile(sorted, 50),
    p99_ms: percentile(sorted, 99),
    max_ms: sorted.at(-1) ?? null,
  };
}

async function measure(email, password, outPath) {
  const cookie = await signIn(email, password);
  const headers = { 'content-type': 'application/json', accept: 'application/json', cookie };
  const samples = {};
  let total = null;

  // As the page does: a search's count is asked for once, not again while
  // paging on or sorting it otherwise (`total_known`).
  let counted = null;
  async function list(search, sort, after) {
    const body = JSON.stringify({ query: { search, category: null, sort, after }, total_known: counted === search });
    const started = performance.now();
    const response = await fetch(`${BASE_URL}/api/list_contacts`, { method: 'POST', headers, body });
    const text = await response.text();
    const ms = performance.now() - started;
    if (!response.ok) throw new Error(`list_contacts ${JSON.stringify(search)}: ${response.status} ${text.slice(0, 200)}`);
    const page = JSON.parse(text);
    if (page.total !== null) counted = search;
    return { page, ms };
  }

  /** The first page of a search and up to `pages - 1` following ones. */
  async function walk(kind, search, sort, pages, record = true) {
    let after = null;
    for (let page = 0; page < pages; page++) {
      const { page: result, ms } = await list(search, sort, after);
      if (record) (samples[kind] ??= []).push(ms);
      if (search === '' && sort === 'name' && page === 0) total = result.total;
      if (!result.next) break;
      after = result.next;
    }
  }

  // Warm-up (not recorded): connections, plans, caches.
  for (const search of ['', 'smith', 'an', '0412']) await walk('warmup', search, 'name', 3, false);

  await walk('page through all (name)', '', 'name', 60);
  await walk('page through all (updated)', '', 'updated', 20);
  await walk('page through all (company)', '', 'company', 20);
  const names = ['olivia', 'bennett', "o'connor", 'nguyen', 'müller', 'zoë', 'van der berg', 'siobhán', 'patel', 'ngata',
    'olivia bennett', 'harbour plumbing', 'evergreen', 'pty ltd', 'gmbh', 'tanaka', 'kowalski', 'okafor', 'ivanova', 'rossi'];
  for (const search of names) await walk('name', search, 'name', 3);
  const emails = ['olivia.bennett1', 'liam.walsh2', 'info.1', 'accounts.15', '@example.co.uk', 'example.de', 'jack.thompson',
    'noah.patel19', 'hello.7', 'mia.kowalski'];
  for (const search of emails) await walk('partial email', search, 'name', 3);
  const phones = ['9555 01', '0412', '5550123', '7946 0', '555-01', '+44 20', '0400 1', '21 555', '61 4', '9555 04'];
  for (const search of phones) await walk('phone digits', search, 'name', 3);
  const pairs = ['an', 'li', 'zo', 'ng', 'mü', 'ke', 'ol', 'ti', 'er', 'ow'];
  for (const search of pairs) await walk('two letters', search, 'name', 3);

  const all = Object.values(samples).flat();
  const results = {
    contacts: total,
    overall: stats(all),
    kinds: Object.fromEntries(Object.entries(samples).map(([kind, list]) => [kind, stats(list)])),
  };
  writeFileSync(outPath, JSON.stringify(results, null, 2));
  console.error(`   ${all.length} requests: p50 ${results.overall.p50_ms.toFixed(1)} ms, p99 ${results.overall.p99_ms.toFixed(1)} ms`);
}

const [command, ...args] = process.argv.slice(2);
if (command === 'signup') {
  console.log(JSON.stringify(await signUp()));
} else if (command === 'measure') {
  await measure(...args);
} else {
  console.error('usage: search.mjs signup | measure <email> <password> <out.json>');
  process.exit(2);
}
