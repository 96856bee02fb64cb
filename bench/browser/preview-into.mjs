// A preview into an account that already has contacts, by hand (not part
// of scripts/bench, whose previews go into fresh accounts): signs in as
// an existing user, chooses a file on /contacts/import 2 s after the page
// opens (as bench.mjs does), and prints, per run, the time to the
// review's counts and each look-up's calls (how many, their durations
// summed, when the last answered, bytes), from the page's resource timing.
//
// Usage: node bench/browser/preview-into.mjs <email> <password> <file.xlsx> [runs]
// Environment: BASE_URL (the server), CHROMIUM_PATH.
// E.g. into the search benchmark's account of 200,000 contacts (kept by
// hand: `bench load`) with the bench's files from bench-data/.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../end2end/package.json', import.meta.url));
const { chromium } = require('playwright');

const [email, password, file, runs = '2'] = process.argv.slice(2);
if (!file) {
  console.error('usage: preview-into.mjs <email> <password> <file.xlsx> [runs]');
  process.exit(2);
}
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
const page = await browser.newPage({ baseURL: process.env.BASE_URL ?? 'http://127.0.0.1:3000' });
await page.goto('/login');
await page.waitForSelector('body[data-hydrated]');
await page.getByLabel('Email').fill(email);
await page.getByLabel('Password').fill(password);
await page.getByRole('button', { name: /sign in/i }).click();
await page.waitForURL(/\/contacts/);

for (let run = 0; run < Number(runs); run++) {
  await page.goto('/contacts/import');
  await page.waitForSelector('body[data-hydrated]');
  await page.waitForTimeout(2000);
  await page.evaluate(() => {
    window.__preview = {};
    performance.clearResourceTimings();
    performance.setResourceTimingBufferSize(10000);
    document.addEventListener('change', () => (window.__preview.start ??= performance.now()), true);
    const observer = new MutationObserver(() => {
      if (!window.__preview.end && document.querySelector('.summary')) {
        window.__preview.end = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
  });
  await page.locator('#import-file').setInputFiles(file);
  await page.waitForSelector('.summary', { timeout: 600_000 });
  const result = await page.evaluate(() => {
    const { start, end } = window.__preview;
    const calls = {};
    for (const entry of performance.getEntriesByType('resource')) {
      if (!entry.name.includes('/api/')) continue;
      const call = (calls[entry.name.split('/api/')[1]] ??= { count: 0, summed: 0, last: 0, bytes: 0 });
      call.count++;
      call.summed += entry.duration;
      call.last = Math.max(call.last, entry.responseEnd - start);
      call.bytes += entry.encodedBodySize;
    }
    return { ms: end - start, calls, counts: document.querySelector('.summary').innerText.replace(/\s+/g, ' ') };
  });
  console.log(`run ${run + 1}: counts after ${Math.round(result.ms)} ms`);
  for (const [name, call] of Object.entries(result.calls)) {
    console.log(`  ${name}: ${call.count} calls, ${Math.round(call.summed)} ms summed, last answer at ${Math.round(call.last)} ms, ${Math.round(call.bytes / 1024)} KiB`);
  }
  if (run === 0) console.log(`  ${result.counts.slice(0, 160)}`);
}
await browser.close();
