// Screenshots of the import review with a file that exercises what users
// meet with other apps' exports (a title block above the table, a column
// recognised by its values, a column left out), and the account menu, at
// desktop and phone widths:
// node tools/review-shots.mjs http://127.0.0.1:3000 <email> <password>
import { chromium } from '@playwright/test';
import { mkdirSync } from 'node:fs';

const [base, email, password] = process.argv.slice(2);
const outDir = new URL('../screenshots/', import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });
const csv = [
  'Tenant report exported by Harbour Lettings Pro,,,,',
  'Printed 5 December 2026,,,,',
  ',,,,',
  'Full Name,Reach me at,Mobile,Locker,Town',
  'Ana Silva,ana.silva@example.com,021 555 0101,B12,Perth',
  'Ben Okafor,ben.okafor@example.com,021 555 0102,C7,Hobart',
  'Cleo Park,cleo.park@example.com,021 555 0103,,Sydney',
].join('\n');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
for (const [label, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 360, height: 740 }]]) {
  const page = await browser.newPage({ viewport });
  await page.goto(`${base}/login`);
  await page.waitForSelector('body[data-hydrated]');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/contacts/);
  await page.waitForSelector('body[data-hydrated]');
  await page.locator('.account-menu summary').click();
  await page.screenshot({ path: `${outDir}${label}_account_menu.png` });
  console.log(`${outDir}${label}_account_menu.png`);
  await page.goto(`${base}/contacts/import`);
  await page.waitForSelector('body[data-hydrated]');
  await page.locator('input[type=file]').setInputFiles({ name: 'tenant-report.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByText('Headers from row 4').waitFor();
  await page.getByText('Match columns to contact fields').click();
  const file = `${outDir}${label}_import_review.png`;
  await page.screenshot({ path: file, fullPage: true });
  console.log(file);
  await page.close();
}
await browser.close();
