// Takes screenshots of pages at desktop and phone widths, for looking at
// what users see: node tools/screenshots.mjs http://127.0.0.1:3000 /contacts /contacts/import
import { chromium } from '@playwright/test';
import { mkdirSync } from 'node:fs';

const [base, ...paths] = process.argv.slice(2);
const outDir = new URL('../screenshots/', import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
});
for (const [label, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 360, height: 740 }]]) {
  const page = await browser.newPage({ viewport });
  for (const path of paths) {
    await page.goto(base + path);
    await page.waitForSelector('body[data-hydrated]', { timeout: 10000 }).catch(() => {});
    const file = `${outDir}${label}${path.replaceAll('/', '_').replaceAll('?', '_')}.png`;
    await page.screenshot({ path: file, fullPage: process.env.FULL_PAGE !== '0' });
    console.log(file);
  }
  await page.close();
}
await browser.close();
