// The import screen with files that are not laid out like the template:
// a title block above the table (the header row is found, shown, and can be
// chosen), and columns with data that will not be imported (said beside
// Confirm, not silently dropped). What lands in the database is read back
// through the Excel export, field by field.
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import * as XLSX from 'xlsx';
import { hydrated, signUpNewAccount } from './support';
import { choose, confirmImport, file, openImport } from './importing';

/** Every saved contact, as the Excel export writes it (header → value). */
async function savedContacts(page: Page): Promise<Record<string, string>[]> {
  await page.goto('/contacts');
  await hydrated(page);
  await page.locator('summary', { hasText: 'Export' }).click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Excel workbook (.xlsx)' }).click(),
  ]);
  const path = test.info().outputPath(download.suggestedFilename());
  await download.saveAs(path);
  const workbook = XLSX.read(readFileSync(path));
  return XLSX.utils.sheet_to_json<Record<string, string>>(workbook.Sheets['Contacts'], { raw: false, defval: '' });
}

const TITLED = [
  'Tenant report exported by Harbour Lettings Pro,,,,',
  'Printed 5 December 2026,,,,',
  ',,,,',
  'First Name,Last Name,Email,Phone,City',
  'Ana,Silva,ana.silva@example.com,0412 345 678,Perth',
  'Ben,Okafor,ben.okafor@example.com,0413 222 333,Hobart',
].join('\n');

test('a title block above the table is skipped, the header row used is shown, and the rows land as read', async ({ page }) => {
  await signUpNewAccount(page);
  await openImport(page);
  await choose(page, file('tenant-report.csv', TITLED));

  await expect(page.getByText('Headers from row 4')).toBeVisible();
  await expect(page.getByText('Row 4 is used as the header row')).toBeVisible();
  await expect(page.locator('#header-row-choice')).toHaveValue('4');
  await expect(page.locator('.count.ok')).toContainText('2 valid');
  await expect(page.locator('.count.bad')).toContainText('0 with issues');
  await confirmImport(page);

  const saved = await savedContacts(page);
  expect(saved.length).toBe(2);
  const ana = saved.find((contact) => contact['First Name'] === 'Ana');
  expect(ana).toMatchObject({ 'Last Name': 'Silva', Email: 'ana.silva@example.com', Phone: '0412 345 678', City: 'Perth' });
  const ben = saved.find((contact) => contact['First Name'] === 'Ben');
  expect(ben).toMatchObject({ 'Last Name': 'Okafor', Email: 'ben.okafor@example.com', City: 'Hobart' });
  // Nothing of the title block became a contact.
  expect(saved.map((contact) => contact['First Name']).join(' ')).not.toContain('Tenant report');
});

test('the user can choose another row as the header row and the file is read again from there', async ({ page }) => {
  await signUpNewAccount(page);
  await openImport(page);
  await choose(page, file('tenant-report.csv', TITLED));
  await expect(page.getByText('Headers from row 4')).toBeVisible();

  // The first title line as the header: nothing is recognised, so rows fail.
  await page.locator('#header-row-choice').selectOption('1');
  await expect(page.getByText('Headers from row 1')).toBeVisible();
  await expect(page.locator('.count.ok')).toContainText('0 valid');
  await expect(page.getByRole('button', { name: 'Confirm import' })).toBeDisabled();

  // And back to the real one.
  await page.locator('#header-row-choice').selectOption('4');
  await expect(page.getByText('Headers from row 4')).toBeVisible();
  await expect(page.locator('.count.ok')).toContainText('2 valid');
  await confirmImport(page);
  expect((await savedContacts(page)).length).toBe(2);
});

test('columns with data that will not be imported are named beside Confirm, the rest imports, and the import\'s history names them', async ({ page }) => {
  await signUpNewAccount(page);
  await openImport(page);
  await choose(page, file('with-extras.csv', [
    'First Name,Last Name,Email,Birthday,Locker,Empty',
    'Ana,Silva,ana.silva@example.com,1 May 1990,B12,',
    'Ben,Okafor,ben.okafor@example.com,,C7,',
    'Cleo,Park,cleo.park@example.com,3 March 1985,,',
  ].join('\n')));

  const notice = page.locator('.confirm-bar .left-out-notice');
  await expect(notice).toHaveText('2 columns with data will not be imported: Birthday (2 rows) and Locker (2 rows).');
  // A notice, not a block.
  await expect(page.locator('.count.ok')).toContainText('3 valid');
  await confirmImport(page);

  const saved = await savedContacts(page);
  expect(saved.length).toBe(3);
  const ana = saved.find((contact) => contact['First Name'] === 'Ana');
  expect(ana).toMatchObject({ 'Last Name': 'Silva', Email: 'ana.silva@example.com', Notes: '' });
  expect(JSON.stringify(saved)).not.toContain('B12');

  // The import's history says which columns were left out.
  await page.goto('/imports');
  await page.getByRole('link', { name: 'with-extras.csv' }).click();
  await expect(page.locator('.file-details div', { hasText: 'Columns with data not imported' }).locator('dd')).toHaveText('Birthday, Locker');
});

test('importing a left-out column after all, or leaving one out again, recounts the notice beside Confirm, and what lands follows the last mapping', async ({ page }) => {
  await signUpNewAccount(page);
  await openImport(page);
  await choose(page, file('remapped-extras.csv', [
    'First Name,Last Name,Email,Birthday,Locker',
    'Ana,Silva,ana.silva@example.com,1 May 1990,B12',
    'Ben,Okafor,ben.okafor@example.com,,C7',
    'Cleo,Park,cleo.park@example.com,3 March 1985,',
  ].join('\n')));
  const notice = page.locator('.confirm-bar .left-out-notice');
  await expect(notice).toHaveText('2 columns with data will not be imported: Birthday (2 rows) and Locker (2 rows).');

  // Locker into Notes: only Birthday is left out now. (The panel opens by
  // itself when some columns are not recognised.)
  if (!(await page.locator('#map-column-4').isVisible())) await page.getByText('Match columns to contact fields').click();
  await page.locator('#map-column-4').selectOption('notes');
  await expect(notice).toHaveText('1 column with data will not be imported: Birthday (2 rows).');
  // And the other way round: Birthday into Notes, Locker left out again.
  await page.locator('#map-column-4').selectOption('');
  await expect(notice).toHaveText('2 columns with data will not be imported: Birthday (2 rows) and Locker (2 rows).');
  await page.locator('#map-column-3').selectOption('notes');
  await expect(notice).toHaveText('1 column with data will not be imported: Locker (2 rows).');
  await expect(page.locator('.count.ok')).toContainText('3 valid');
  await confirmImport(page);

  const saved = await savedContacts(page);
  expect(saved.length).toBe(3);
  expect(saved.find((contact) => contact['First Name'] === 'Ana')).toMatchObject({ 'Last Name': 'Silva', Notes: '1 May 1990' });
  expect(saved.find((contact) => contact['First Name'] === 'Ben')).toMatchObject({ Notes: '' });
  expect(JSON.stringify(saved)).not.toContain('B12');
});

test('a column of emails under a header nobody knows is recognised by its values, shown as such, and imported as Email', async ({ page }) => {
  await signUpNewAccount(page);
  await openImport(page);
  await choose(page, file('by-values.csv', [
    'First Name,Last Name,Reach me at',
    'Ana,Silva,ana.silva@example.com',
    'Ben,Okafor,ben.okafor@example.com',
    'Cleo,Park,cleo.park@example.com',
  ].join('\n')));

  await expect(page.locator('.count.ok')).toContainText('3 valid');
  await expect(page.locator('.left-out-notice')).toHaveCount(0);
  await page.getByText('Match columns to contact fields').click();
  const row = page.locator('tr', { has: page.getByText('Reach me at', { exact: true }) });
  await expect(row.getByText('Recognised by its values')).toBeVisible();
  await expect(row.locator('select')).toHaveValue('email');
  await confirmImport(page);

  const saved = await savedContacts(page);
  expect(saved.length).toBe(3);
  expect(saved.find((contact) => contact['First Name'] === 'Ben')).toMatchObject({ Email: 'ben.okafor@example.com' });
});

test('a file whose every column is imported shows no left-out notice', async ({ page }) => {
  await signUpNewAccount(page);
  await openImport(page);
  await choose(page, file('plain.csv', [
    'First Name,Last Name,Email',
    'Ana,Silva,ana.silva@example.com',
  ].join('\n')));
  await expect(page.locator('.count.ok')).toContainText('1 valid');
  await expect(page.getByText('Headers from row 1')).toBeVisible();
  await expect(page.locator('.left-out-notice')).toHaveCount(0);
});

test('the error report, written by a wasm loaded only when asked for, lists each row with its issues', async ({ page }) => {
  await signUpNewAccount(page);
  const writerLoads: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/worker/report_bg.wasm')) writerLoads.push(request.url());
  });
  await openImport(page);
  await choose(page, file('bad.csv', [
    'First Name,Last Name,E-mail,Locker',
    'Ana,Silva,ana@example.com,B12',
    'Bob,Stone,bob@,C7',
  ].join('\n')));
  await expect(page.locator('.count.bad')).toContainText('1 with issues');
  expect(writerLoads).toHaveLength(0);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download error report' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('bad - issues.xlsx');
  expect(writerLoads).toHaveLength(1);
  const path = test.info().outputPath('report.xlsx');
  await download.saveAs(path);
  const sheet = XLSX.read(readFileSync(path)).Sheets['Error report'];
  const rows = XLSX.utils.sheet_to_json<Record<string, string>>(sheet, { raw: false, defval: '' });
  expect(rows.map((row) => row['Row'])).toEqual(['2', '3']);
  expect(rows[1]).toMatchObject({ 'First Name': 'Bob', 'E-mail': 'bob@', Locker: 'C7' });
  expect(rows[1]['Issues']).toContain('“bob@” is not a valid email address.');
  expect(rows[0]['Issues']).toBe('');
});

test('the reader starts when the import page opens, before a file is chosen, and the next once the review shows', async ({ page }) => {
  await signUpNewAccount(page);
  // When each worker is made, and when the review's counts appear.
  await page.addInitScript(() => {
    const made: number[] = [];
    (window as unknown as { workersMade: number[] }).workersMade = made;
    const NativeWorker = window.Worker;
    window.Worker = class extends NativeWorker {
      constructor(url: string | URL, options?: WorkerOptions) {
        super(url, options);
        made.push(performance.now());
      }
    };
  });
  const wasm = page.waitForRequest((request) => request.url().endsWith('/worker/worker_bg.wasm'));
  await openImport(page);
  // No file has been chosen: the request comes from the spare worker.
  await wasm;
  await expect.poll(() => page.evaluate(() => (window as unknown as { workersMade: number[] }).workersMade.length)).toBe(1);
  await page.evaluate(() => {
    // The rows table is the review's last part to be drawn.
    const observer = new MutationObserver(() => {
      if (document.querySelector('.summary') && document.querySelector('.rows-section')) {
        (window as unknown as { reviewShown: number }).reviewShown = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document.body, { childList: true, subtree: true });
  });
  await choose(page, file('tenants.csv', 'First Name,Email\nAna,ana@example.com\n'));
  await expect(page.locator('.summary')).toBeVisible();
  // The file was read by the spare; the next one starts only once the
  // whole review is on screen, not while the file was still being checked
  // or drawn.
  await expect.poll(() => page.evaluate(() => (window as unknown as { workersMade: number[] }).workersMade.length)).toBe(2);
  const [made, shown] = await page.evaluate(() => [
    (window as unknown as { workersMade: number[] }).workersMade[1],
    (window as unknown as { reviewShown: number }).reviewShown,
  ]);
  expect(made).toBeGreaterThanOrEqual(shown);
});

test("the reader's memory has a ceiling", async ({ page }) => {
  await signUpNewAccount(page);
  // Instantiated here with inert imports: only its memory is looked at.
  const bytes = await (await page.request.get('/worker/worker_bg.wasm')).body();
  const module = await WebAssembly.compile(bytes);
  const imports: Record<string, Record<string, unknown>> = {};
  for (const { module: name, name: field, kind } of WebAssembly.Module.imports(module)) {
    imports[name] ??= {};
    if (kind === 'function') imports[name][field] = () => { throw new Error('not called'); };
  }
  const instance = await WebAssembly.instantiate(module, imports as WebAssembly.Imports);
  const memory = instance.exports.memory as WebAssembly.Memory;
  const pages = memory.buffer.byteLength / 65536;
  // 2 GiB is past the ceiling (1 GiB); without one, wasm32 allows 4 GiB.
  expect(() => memory.grow(32768 - pages)).toThrow(RangeError);
  // Within it, memory still grows.
  expect(() => memory.grow(1)).not.toThrow();
});
