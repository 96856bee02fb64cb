// Screenshots of the whole-column fixes on the import review, at desktop and
// phone widths: the find and replace panel with its count, then the offer to
// apply a hand fix to the other rows and Undo beside Confirm:
// node tools/fixes-shots.mjs http://127.0.0.1:3000 <email> <password>
import { chromium } from '@playwright/test';
import { mkdirSync } from 'node:fs';

const [base, email, password] = process.argv.slice(2);
const outDir = new URL('../screenshots/', import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });
const csv = [
  'First Name,Last Name,Email,City,Category',
  'Ana,Silva,ana.silva@gmial.com,Welington,Tennant',
  'Ben,Okafor,ben.okafor@gmial.com,Welington,Tennant',
  'Cleo,Park,cleo.park@example.com,Auckland,Tennant',
  'Dev,Shah,dev.shah@gmial.com,Welington,Landlord',
].join('\n');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
const shot = async (page, name) => {
  const file = `${outDir}${name}.png`;
  await page.screenshot({ path: file, fullPage: true });
  console.log(file);
};
for (const [label, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 360, height: 740 }]]) {
  const page = await browser.newPage({ viewport });
  await page.goto(`${base}/login`);
  await page.waitForSelector('body[data-hydrated]');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/contacts/);
  await page.goto(`${base}/contacts/import`);
  await page.waitForSelector('body[data-hydrated]');
  await page.locator('input[type=file]').setInputFiles({ name: 'typos.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.locator('.count.bad').waitFor();
  await page.getByRole('button', { name: 'Find and replace' }).click();
  const panel = page.locator('.find-replace');
  await panel.getByLabel('Column').selectOption({ label: 'Email' });
  await panel.getByLabel('Find', { exact: true }).fill('@gmial.com');
  await panel.getByLabel('Replace with').fill('@gmail.com');
  await shot(page, `${label}_import_find_replace`);
  await panel.getByRole('button', { name: /^Replace in/ }).click();
  await page.getByLabel('Row 2, Category', { exact: true }).fill('Tenant');
  await page.getByLabel('Row 2, Category', { exact: true }).press('Tab');
  await page.locator('.fix-offer').waitFor();
  await shot(page, `${label}_import_fix_offer`);
  await page.close();
}
await browser.close();
