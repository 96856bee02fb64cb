// The import screen, from the user's side: choose a file, see every row
// checked, fix in place, choose the merge mode, confirm, see the result,
// undo it. Each test signs up its own account so imports never collide.
import { createHash } from 'node:crypto';
import { test, expect, type Page } from '@playwright/test';
import { accountOf, hydrated, psql, signUpNewAccount } from './support';
import { choose, confirmImport, file, openImport } from './importing';

/** The contacts list's rows, as text, after searching for `search`. */
async function contactRows(page: Page, search = '') {
  await page.goto(search ? `/contacts?q=${encodeURIComponent(search)}` : '/contacts');
  return page.locator('.contact-table tbody tr').allInnerTexts();
}

const GOOD_CSV = [
  'First Name,Last Name,Email,Phone,Country,Category',
  'Ana,Silva,ana.silva@example.com,0412 345 678,AU,Tenant',
  'Ben,Okafor,ben.okafor@example.com,+44 20 7946 0000,United Kingdom,landlord',
].join('\n');

test('the example file imports with every row green and the contacts appear', async ({ page }) => {
  await signUpNewAccount(page);
  await openImport(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Example Template' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('contacts-example.xlsx');
  const path = test.info().outputPath('contacts-example.xlsx');
  await download.saveAs(path);
  await choose(page, path);

  await expect(page.getByText('contacts-example.xlsx')).toBeVisible();
  await expect(page.locator('.count.ok')).toContainText('12 valid');
  await expect(page.locator('.count.bad')).toContainText('0 with issues');
  await expect(page.locator('.status.bad')).toHaveCount(0);
  await confirmImport(page);
  await expect(page.getByRole('status')).toContainText('Import complete: 12 created, 0 updated, 0 unchanged.');
  // Done: nothing is left to cancel.
  await expect(page.getByRole('link', { name: 'Cancel Import' })).toHaveCount(0);

  const rows = await contactRows(page);
  expect(rows.length).toBe(12);
  expect(rows.join('\n')).toContain('Greenway Gardening Pty Ltd');
});

test('the template, filled in, imports', async ({ page }) => {
  await signUpNewAccount(page);
  await openImport(page);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download Excel Template' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('contacts-template.xlsx');
  const template = test.info().outputPath('contacts-template.xlsx');
  await download.saveAs(template);
  // The empty template reads as all columns recognised and no rows.
  await choose(page, template);
  await expect(page.getByText('Columns ignored')).toBeVisible();
  await expect(page.getByText('There are no rows to import.').first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Confirm import' })).toBeDisabled();

  // Filled in (as CSV with the template's headers, the way a user saves it).
  await page.getByRole('button', { name: 'Choose another file' }).click();
  const filled = file('filled-template.csv', [
    'Contact ID,Contact Type,Title,First Name,Last Name,Company Name,Email,Phone,Mobile,Address Line 1,Address Line 2,City,State / Region,Postcode,Country,Category,Notes',
    'T-1,Person,Ms,Nina,Kovac,,nina.kovac@example.com,,0400 111 222,1 Short St,,Hobart,TAS,7000,AU,Tenant,',
    'T-2,Company,,,,Bright Windows,info@brightwindows.example,(03) 9555 0100,,,,Melbourne,VIC,3000,AU,Supplier,Window cleaning',
  ].join('\n'));
  await choose(page, filled);
  await expect(page.locator('.count.ok')).toContainText('2 valid');
  await confirmImport(page);
  const rows = await contactRows(page);
  expect(rows.join('\n')).toContain('Nina Kovac');
  expect(rows.join('\n')).toContain('Bright Windows');
});

test('bad rows show red crosses with their messages, and fixing the cells in place enables Confirm', async ({ page }) => {
  await signUpNewAccount(page);
  await openImport(page);
  await choose(page, file('bad.csv', [
    'First Name,Last Name,E-mail,Phone,Country,Category',
    'Ana,Silva,ana@example.com,0412 345 678,AU,Tenant',
    'Bob,,bob@,123,Narnia,Tenancy',
  ].join('\n')));

  await expect(page.locator('.count.bad')).toContainText('1 with issues');
  const bad = page.locator('.grid-row.has-issues');
  await expect(bad).toHaveCount(1);
  // Until the email is valid the row matches no contact, so whether Last
  // Name is required is not known yet: 4 issues now, the 5th after the fix.
  await expect(bad.locator('.status.bad')).toContainText('4 issues');
  await expect(page.getByRole('button', { name: 'Confirm import' })).toBeDisabled();
  await expect(page.getByText('Fix or remove the 1 row with issues to continue.')).toBeVisible();

  const cell = (column: string) => page.getByLabel(`Row 3, ${column}`, { exact: true });
  await expect(cell('E-mail')).toHaveAttribute('aria-invalid', 'true');
  await expect(bad.locator('.cell-issue').filter({ hasText: '“bob@” is not a valid email address.' })).toBeVisible();
  await expect(bad.locator('.cell-issue').filter({ hasText: '“123” has 3 digits; a phone number has 6 to 15.' })).toBeVisible();
  await expect(bad.locator('.cell-issue').filter({ hasText: '“Narnia” is not a country we recognise.' })).toBeVisible();
  await expect(bad.locator('.cell-issue').filter({ hasText: '“Tenancy” is not a category.' })).toBeVisible();

  // Only rows with issues.
  await page.getByLabel('Show only rows with issues').check();
  await expect(page.locator('.grid-body .grid-row')).toHaveCount(1);

  await cell('E-mail').fill('bob@example.com');
  await expect(cell('E-mail')).toHaveAttribute('aria-invalid', 'false');
  await expect(bad.locator('.cell-issue').filter({ hasText: 'Last Name is required for a person.' })).toBeVisible();
  await cell('Last Name').fill('Stone');
  // A New Zealand number now the row's Country is New Zealand.
  await cell('Phone').fill('09 379 4567');
  await cell('Country').fill('New Zealand');
  await cell('Category').fill('tenant');
  await expect(page.locator('.count.bad')).toContainText('0 with issues');
  await expect(page.locator('.status.bad')).toHaveCount(0);
  await confirmImport(page);
  const rows = await contactRows(page, 'stone');
  expect(rows.join('\n')).toContain('Bob Stone');
  // Saved in E.164, read by the row's Country.
  expect(rows.join('\n')).toContain('+6493794567');
});

test('a row can be removed from the import', async ({ page }) => {
  await signUpNewAccount(page);
  await openImport(page);
  await choose(page, file('two.csv', GOOD_CSV + '\nCy,,cy@example.com,,,'));
  await expect(page.locator('.count.bad')).toContainText('1 with issues');
  await page.getByRole('button', { name: 'Remove row 4 from the import' }).click();
  await expect(page.locator('.count.ok')).toContainText('2 valid');
  await confirmImport(page);
  expect((await contactRows(page)).length).toBe(2);
});

test('a file of more rows than one upload call holds lands every row once, without the removed one', async ({ page }) => {
  const { email } = await signUpNewAccount(page);
  await openImport(page);
  const rows = Array.from({ length: 10_050 }, (_, n) => `Person${n},Bulk,person${n}@bulk.example`);
  // Row 3 (person1) has no last name: removed, it must not land.
  rows[1] = 'Person1,,person1@bulk.example';
  await choose(page, file('bulk.csv', ['First Name,Last Name,Email', ...rows].join('\n')));
  await expect(page.locator('.count.bad')).toContainText('1 with issues');
  await page.getByRole('button', { name: 'Remove row 3 from the import' }).click();
  await expect(page.locator('.count.ok')).toContainText('10,049 valid');
  const uploads: number[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/api/upload_rows')) uploads.push(request.postDataBuffer()?.length ?? 0);
  });
  await confirmImport(page);
  await expect(page.getByRole('status')).toContainText('Import complete: 10,049 created, 0 updated, 0 unchanged.');
  // 10,000 rows a call: two calls.
  expect(uploads).toHaveLength(2);

  const sql = `SELECT count(*) || ' ' || count(DISTINCT email) || ' ' || count(*) FILTER (WHERE email = 'person1@bulk.example')
    FROM contacts WHERE account_id = ${accountOf(email)}`;
  expect(psql(sql)).toBe('10049 10049 0');
});

test('a file of thousands of rows is checked whole: its late rows match existing contacts, look like one, and have their numbers read', async ({ page }) => {
  const { email } = await signUpNewAccount(page, 'Harbour Lettings', 'New Zealand');
  await openImport(page);
  await choose(page, file('existing.csv', [
    'Contact ID,First Name,Last Name,Email,Phone',
    'K-1,Keri,Hona,keri@old.example,',
    ',Late,Match,late@big.example,',
    ',John,Smith,john@old.example,+64 21 555 0101',
  ].join('\n')));
  await confirmImport(page);
  await expect(page.getByRole('status')).toContainText('Import complete: 3 created, 0 updated, 0 unchanged.');

  // Four of the reader's 2,000-row chunks, each keyed as it comes: rows
  // far past the first chunk are looked up as the first ones are.
  const rows = Array.from({ length: 7_000 }, (_, n) => `,Person${n},Bulk,person${n}@bulk.example,`);
  rows[4_500] = 'K-1,Keri,Hona,keri.new@old.example,'; // line 4502: the same Contact ID, a new email
  rows[5_000] = ',Late,Match,late@big.example,021 555 0199'; // line 5002: the same email, a phone added
  rows[5_500] = ',John,Smith,john@new.example,021 555 0101'; // line 5502: John's number, written locally
  rows[6_900] = ',Bad,Number,bad@big.example,021 555'; // line 6902: no New Zealand number has these digits
  await openImport(page);
  await choose(page, file('big.csv', ['Contact ID,First Name,Last Name,Email,Phone', ...rows].join('\n')));
  await expect(page.locator('.count.bad')).toContainText('1 with issues');
  await expect(page.locator('.count', { hasText: 'updates' })).toContainText('2 updates');
  await expect(page.locator('.count.warn')).toContainText('1 possible duplicate');
  await page.getByLabel('Show only rows with issues').check();
  await expect(page.locator('.cell-issue').filter({ hasText: '“021 555” cannot be a real phone number in New Zealand' })).toBeVisible();
  await page.getByRole('button', { name: 'Remove row 6902 from the import' }).click();
  await expect(page.locator('.count.bad')).toContainText('0 with issues');
  await confirmImport(page);
  await expect(page.getByRole('status')).toContainText('Import complete: 6,997 created, 2 updated, 0 unchanged.');

  const sql = `SELECT count(*)
      || ' ' || string_agg(email, ',') FILTER (WHERE reference = 'K-1')
      || ' ' || string_agg(phone, ',') FILTER (WHERE email = 'late@big.example')
      || ' ' || count(*) FILTER (WHERE first_name = 'John' AND last_name = 'Smith')
      || ' ' || count(*) FILTER (WHERE email = 'bad@big.example')
    FROM contacts WHERE account_id = ${accountOf(email)}`;
  expect(psql(sql)).toBe('7000 keri.new@old.example +64215550199 2 0');
});

test('an upload the server refuses is told in a sentence, and nothing is saved', async ({ page }) => {
  const { email } = await signUpNewAccount(page);
  await openImport(page);
  await choose(page, file('refused.csv', GOOD_CSV));
  await expect(page.locator('.count.ok')).toContainText('2 valid');
  // The rows' body arrives mangled: the server answers with its error, which
  // the page reads from the answer as from any other call.
  await page.route('**/api/upload_rows', (route) => route.continue({ postData: Buffer.from([0xff, 0xff, 0xff]) }));
  await page.getByRole('button', { name: 'Confirm import' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'The import did not go through: The request was incomplete or malformed. Reload the page and try again. Nothing was changed.',
  );
  await expect(page.getByRole('button', { name: 'Confirm import' })).toBeEnabled();
  // The toast that says so covers nothing of the Confirm bar, on a desktop
  // or a phone: the button can be pressed again at once.
  for (const viewport of [{ width: 1280, height: 800 }, { width: 360, height: 740 }]) {
    await page.setViewportSize(viewport);
    const toast = await page.locator('.toast.failure').boundingBox();
    const bar = await page.locator('.confirm-bar').boundingBox();
    if (!toast || !bar) throw new Error('the toast or the Confirm bar is not shown');
    expect(toast.y + toast.height <= bar.y || bar.y + bar.height <= toast.y, `toast ${JSON.stringify(toast)} bar ${JSON.stringify(bar)}`).toBe(true);
    await page.getByRole('button', { name: 'Confirm import' }).click({ trial: true, timeout: 2000 });
  }

  expect(psql(`SELECT count(*) FROM contacts WHERE account_id = ${accountOf(email)}`)).toBe('0');
});

test('keep mode leaves blank cells alone and overwrite mode clears them', async ({ page }) => {
  await signUpNewAccount(page);
  await openImport(page);
  await choose(page, file('first.csv', GOOD_CSV));
  await confirmImport(page);

  const blanks = ['First Name,Last Name,Email,Phone,Country,Category', 'Ana,Silva,ana.silva@example.com,,,'].join('\n');
  // Keep (the default): the phone and category stay.
  await openImport(page);
  await choose(page, file('keep.csv', blanks));
  await expect(page.locator('.count').filter({ hasText: 'unchanged' })).toContainText('1 unchanged');
  await confirmImport(page);
  let rows = await contactRows(page, 'ana.silva');
  expect(rows).toHaveLength(1);
  // Saved in E.164 ("0412 345 678" read by the row's Country, AU).
  expect(rows[0]).toContain('+61412345678');
  expect(rows[0]).toContain('Tenant');

  // Overwrite: the blank cells clear them.
  await openImport(page);
  await choose(page, file('overwrite.csv', blanks));
  await page.getByLabel('Overwrite all existing information').check();
  await expect(page.locator('.count').filter({ hasText: 'updates' })).toContainText('1 updates');
  await confirmImport(page);
  rows = await contactRows(page, 'ana.silva');
  expect(rows).toHaveLength(1);
  expect(rows[0]).not.toContain('+61412345678');
  expect(rows[0]).not.toContain('Tenant');
});

test('Cancel Import leaves nothing behind', async ({ page }) => {
  await signUpNewAccount(page);
  await openImport(page);
  await choose(page, file('cancel.csv', GOOD_CSV));
  await expect(page.locator('.count.ok')).toContainText('2 valid');
  await page.getByRole('link', { name: 'Cancel Import' }).click();
  await expect(page).toHaveURL(/\/contacts$/);
  await expect(page.getByText('No contacts match.')).toBeVisible();
  await page.goto('/imports');
  await expect(page.getByText('No imports yet.')).toBeVisible();
});

test('an unreadable file gets a clear message', async ({ page }) => {
  await signUpNewAccount(page);
  await openImport(page);
  await choose(page, file('report.xlsx', '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n'));
  await expect(page.getByRole('alert').filter({ hasText: 'not a spreadsheet' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Confirm import' })).toHaveCount(0);
  // The user can simply choose another file.
  await expect(page.getByText('Select File to Import')).toBeVisible();
});

test('the history shows the import and Undo reverts it', async ({ page }) => {
  await signUpNewAccount(page);
  await openImport(page);
  await choose(page, file('undo-me.csv', GOOD_CSV));
  await confirmImport(page);
  await page.getByRole('link', { name: 'View this import' }).click();
  await expect(page.getByRole('heading', { name: 'undo-me.csv' })).toBeVisible();
  await expect(page.locator('.file-details')).toContainText('2 created, 0 updated, 0 unchanged');
  await expect(page.locator('.change')).toHaveCount(2);
  // The file's fingerprint, as the worker had it hashed.
  await expect(page.locator('.file-details .hash')).toHaveText(createHash('sha256').update(GOOD_CSV).digest('hex'));

  await page.goto('/imports');
  await expect(page.getByRole('link', { name: 'undo-me.csv' })).toBeVisible();
  await expect(page.locator('.import-table tbody tr').first()).toContainText('Imported');
  await page.getByRole('link', { name: 'undo-me.csv' }).click();
  await hydrated(page);
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.getByRole('button', { name: 'Yes, undo' }).click();
  await expect(page.getByRole('status')).toContainText('Import undone');
  await expect(page.locator('.file-details')).toContainText('Undone');
  expect(await contactRows(page)).toEqual([]);
});

test('the screen with issues is legible on a 360 px phone', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await signUpNewAccount(page);
  await openImport(page);
  await choose(page, file('phone.csv', GOOD_CSV + '\nBob,,bob@,123,Narnia,Tenancy'));
  await expect(page.locator('.count.bad')).toContainText('1 with issues');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  // The bad row, its first cells and their messages fit on the screen.
  const badRow = page.locator('.grid-row.has-issues');
  await badRow.scrollIntoViewIfNeeded();
  await expect(badRow.locator('.status.bad')).toBeInViewport();
  await expect(badRow.locator('.cell-issue').first()).toBeInViewport();
  await page.screenshot({ path: test.info().outputPath('import-issues-360.png'), fullPage: false });
});

test('an import that finishes while the user is elsewhere is announced on their next page', async ({ page }) => {
  await signUpNewAccount(page);
  // Another tab (the API, with this session) runs an import to the end.
  const headers = ['Contact ID', 'Contact Type', 'Title', 'First Name', 'Last Name', 'Company Name', 'Email', 'Phone', 'Mobile',
    'Address Line 1', 'Address Line 2', 'City', 'State / Region', 'Postcode', 'Country', 'Category', 'Notes'];
  const values = headers.map(() => '');
  values[3] = 'Quinn';
  values[4] = 'Hale';
  values[6] = 'quinn.hale@example.com';
  const opened = await page.request.post('/api/open_import', {
    data: { import: { file_name: 'background.csv', file_sha256: 'ab'.repeat(32), file_size: 10, sheet_name: 'background.csv',
      mode: 'keep_existing', columns: { present: (1 << 3) | (1 << 4) | (1 << 6), headers }, row_count: 1 } },
  });
  expect(opened.status()).toBe(200);
  const importId = await opened.json();
  const uploaded = await page.request.post('/api/upload_rows', {
    headers: { 'Content-Type': 'application/x-postcard' },
    data: uploadBody(importId, [{ line: 2, values }]),
  });
  expect(uploaded.status()).toBe(200);
  const confirmed = await page.request.post('/api/confirm_import', { data: { import_id: importId } });
  expect(JSON.stringify(await confirmed.json())).toContain('Committed');

  await page.goto('/imports');
  await hydrated(page);
  await expect(page.getByRole('status')).toContainText('background.csv');
  await expect(page.getByRole('status').getByRole('link', { name: 'View import' })).toHaveAttribute('href', `/imports/${importId}`);
  // Shown once: the next page does not repeat it.
  await page.goto('/contacts');
  await hydrated(page);
  await page.waitForTimeout(500);
  await expect(page.getByRole('status').filter({ hasText: 'background.csv' })).toHaveCount(0);
});

/** `upload_rows`' arguments in postcard, as the app sends them: the import
 * id (16 bytes), then each row's line, its 17 cells, no spreadsheet-error
 * cells, no preview match, and "create anyway" as its duplicate choice. */
function uploadBody(importId: string, rows: { line: number; values: string[] }[]): Buffer {
  const bytes: number[] = [];
  const varint = (value: number) => {
    let rest = value;
    while (rest >= 0x80) {
      bytes.push((rest & 0x7f) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    bytes.push(rest);
  };
  const text = (value: string) => {
    const utf8 = Buffer.from(value, 'utf8');
    varint(utf8.length);
    bytes.push(...utf8);
  };
  varint(16);
  for (const pair of importId.replace(/-/g, '').match(/../g) ?? []) bytes.push(parseInt(pair, 16));
  varint(rows.length);
  for (const row of rows) {
    varint(row.line);
    row.values.forEach(text);
    varint(0);
    bytes.push(0);
    // What to do if the row is a possible duplicate: create anyway (variant 0).
    varint(0);
  }
  return Buffer.from(bytes);
}
