// Looking up and fixing single contacts, on a desktop and on a 360 px phone:
// search, edit with the import's rules, create, delete, two people editing
// at once, and the export (round trip and formula safety).
import { test, expect, type Page } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import * as XLSX from 'xlsx';
import { hydrated, signInAsDemo, signUpNewAccount } from './support';

const PHONE = { width: 360, height: 740 };

/** Creates a contact through the New contact form and returns its page URL. */
async function createContact(page: Page, fields: { first: string; last: string; email?: string; phone?: string }) {
  await page.goto('/contacts/new');
  await hydrated(page);
  await page.getByLabel('First Name').fill(fields.first);
  await page.getByLabel('Last Name').fill(fields.last);
  if (fields.email) await page.getByLabel('Email', { exact: true }).fill(fields.email);
  if (fields.phone) await page.getByLabel('Phone', { exact: true }).fill(fields.phone);
  await page.getByRole('button', { name: 'Create contact' }).click();
  await expect(page).toHaveURL(/\/contacts\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: `${fields.first} ${fields.last}` })).toBeVisible();
  return page.url();
}

async function download(page: Page, name: string): Promise<string> {
  await page.goto('/contacts');
  await hydrated(page);
  await page.locator('summary', { hasText: 'Export' }).click();
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
  const path = test.info().outputPath(file.suggestedFilename());
  await file.saveAs(path);
  return path;
}

async function importFile(page: Page, path: string) {
  await page.goto('/contacts/import');
  await hydrated(page);
  await page.locator('#import-file').setInputFiles(path);
  await expect(page.locator('.summary')).toBeVisible();
}

for (const [label, viewport] of [['desktop', null], ['phone', PHONE]] as const) {
  test.describe(`on a ${label}`, () => {
    test.beforeEach(async ({ page }) => {
      if (viewport) await page.setViewportSize(viewport);
    });

    test('a contact is found by part of its email', async ({ page }) => {
      await signInAsDemo(page);
      await hydrated(page);
      await page.getByLabel('Search contacts').fill('olivia.benn');
      await expect(page.locator('.contact-table tbody tr')).toHaveCount(1);
      await page.getByRole('link', { name: 'Olivia Bennett' }).click();
      await expect(page.getByRole('heading', { name: 'Olivia Bennett' })).toBeVisible();
      await expect(page.getByLabel('Email', { exact: true })).toHaveValue('olivia.bennett@example.com');
    });

    test('a phone is edited, a bad value is explained beside the field and fixed', async ({ page }) => {
      await signUpNewAccount(page);
      await createContact(page, { first: 'Mia', last: 'Kowalski', phone: '0402 555 917' });
      await hydrated(page);
      const phone = page.getByLabel('Phone', { exact: true });
      await phone.fill('12');
      await expect(page.locator('#field-phone-error')).toHaveText(
        '“12” has 2 digits; a phone number has 6 to 15. Use digits with spaces, +, -, ( ) and an optional extension such as x123.',
      );
      await expect(phone).toHaveAttribute('aria-invalid', 'true');
      await phone.fill('0402 555 000');
      await expect(page.locator('#field-phone-error')).toHaveText('');
      await Promise.all([
        page.waitForResponse((response) => response.url().endsWith('/api/save_contact') && response.ok()),
        page.getByRole('button', { name: 'Save changes' }).click(),
      ]);
      await expect(page.getByRole('status')).toContainText('Mia Kowalski was saved.');
      await page.goto('/contacts?q=kowalski');
      await expect(page.locator('.contact-table tbody tr')).toContainText('0402 555 000');
      if (viewport) {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
      }
    });

    test('a contact is created and deleted', async ({ page }) => {
      await signUpNewAccount(page);
      const url = await createContact(page, { first: 'Noah', last: 'Patel', email: 'noah.patel@example.com' });
      await page.goto('/contacts');
      await expect(page.getByRole('link', { name: 'Noah Patel' })).toBeVisible();
      await page.goto(url);
      await hydrated(page);
      await page.getByRole('button', { name: 'Delete contact' }).click();
      await page.getByRole('button', { name: 'Yes, delete' }).click();
      await expect(page).toHaveURL(/\/contacts$/);
      await expect(page.getByText('No contacts match.')).toBeVisible();
      await page.goto(url);
      await expect(page.getByRole('alert')).toContainText("We couldn't find that contact");
    });
  });
}

test('saving a new contact with another contact’s email is refused beside the field', async ({ page }) => {
  await signUpNewAccount(page);
  await createContact(page, { first: 'Ana', last: 'Silva', email: 'ana@example.com' });
  await page.goto('/contacts/new');
  await hydrated(page);
  await page.getByLabel('First Name').fill('Ana');
  await page.getByLabel('Last Name').fill('Souza');
  await page.getByLabel('Email', { exact: true }).fill('ANA@example.com');
  await page.getByRole('button', { name: 'Create contact' }).click();
  await expect(page.locator('#field-email-error')).toContainText('already belongs to another contact, Ana Silva.');
  await expect(page).toHaveURL(/\/contacts\/new$/);
});

test('when two tabs edit one contact, the second save is refused with a clear message', async ({ page, context }) => {
  await signUpNewAccount(page);
  const url = await createContact(page, { first: 'Liam', last: 'Walsh' });
  const other = await context.newPage();
  await other.goto(url);
  await hydrated(other);
  await page.goto(url);
  await hydrated(page);

  await page.getByLabel('City').fill('Cork');
  await Promise.all([
    page.waitForResponse((response) => response.url().endsWith('/api/save_contact') && response.ok()),
    page.getByRole('button', { name: 'Save changes' }).click(),
  ]);

  await other.getByLabel('City').fill('Dublin');
  await other.getByRole('button', { name: 'Save changes' }).click();
  await expect(other.getByRole('alert')).toContainText('Someone else changed this contact after you opened it');
  await page.reload();
  await expect(page.getByLabel('City')).toHaveValue('Cork');
});

test('an export imports back as all unchanged, and an edited export updates instead of duplicating', async ({ page }) => {
  await signUpNewAccount(page);
  await page.goto('/contacts/import');
  await hydrated(page);
  const [example] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Example Template' }).click()]);
  const examplePath = test.info().outputPath('example.xlsx');
  await example.saveAs(examplePath);
  await page.locator('#import-file').setInputFiles(examplePath);
  await page.getByRole('button', { name: 'Confirm import' }).click();
  await expect(page.getByRole('heading', { name: 'Import complete' })).toBeVisible();

  const exported = await download(page, 'Excel workbook (.xlsx)');
  await importFile(page, exported);
  await expect(page.locator('.count').filter({ hasText: 'unchanged' })).toContainText('12 unchanged');
  await expect(page.locator('.count').filter({ hasText: 'new' })).toContainText('0 new');
  await expect(page.locator('.count').filter({ hasText: 'updates' })).toContainText('0 updates');

  // Edit one contact's city in the exported CSV and import it: one update.
  const csvPath = await download(page, 'CSV file (.csv)');
  const edited = readFileSync(csvPath, 'utf8').replace(',Ultimo,', ',Pyrmont,');
  const editedPath = test.info().outputPath('edited.csv');
  writeFileSync(editedPath, edited);
  await importFile(page, editedPath);
  await expect(page.locator('.count').filter({ hasText: 'updates' })).toContainText('1 updates');
  await expect(page.locator('.count').filter({ hasText: 'new' })).toContainText('0 new');
  await page.getByRole('button', { name: 'Confirm import' }).click();
  await expect(page.getByRole('heading', { name: 'Import complete' })).toBeVisible();
  await page.goto('/contacts');
  await expect(page.getByText('12 contacts')).toBeVisible();
  await page.goto('/contacts?q=davies');
  await expect(page.getByRole('link', { name: 'Charlotte Davies' })).toBeVisible();
});

test('a name that looks like a formula exports as inert text in both formats', async ({ page }) => {
  await signUpNewAccount(page);
  await createContact(page, { first: '=HYPERLINK("http://x")', last: 'Smith' });

  const csv = readFileSync(await download(page, 'CSV file (.csv)'), 'utf8');
  expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
  expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);

  const workbook = XLSX.read(readFileSync(await download(page, 'Excel workbook (.xlsx)')), { cellFormula: true });
  const sheet = workbook.Sheets['Contacts'];
  const cell = sheet['D2'];
  expect(cell.v).toBe('=HYPERLINK("http://x")');
  expect(cell.t).toBe('s');
  expect(cell.f).toBeUndefined();
});
