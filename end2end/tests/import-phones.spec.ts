// Phone numbers on the way in, from the user's side: an account that chose
// its country at sign-up imports numbers written locally and
// internationally; the preview shows each as it will be saved, an
// impossible number gets its sentence and is fixed in place, and Postgres
// holds E.164. The contact form saves E.164 too and explains a refused
// number under the field. Postgres is read with psql at E2E_DATABASE_URL
// (scripts/test passes the run's database).
import { test, expect, type Page } from '@playwright/test';
import { accountOf, hydrated, psql, signUpNewAccount } from './support';
import { choose, confirmImport, file, openImport } from './importing';

const PHONE_SCREEN = { width: 360, height: 740 };

/** Phone and Mobile of each contact of the account signed up as `email`, by email. */
function storedPhones(email: string): Record<string, { phone: string; mobile: string }> {
  const sql = `SELECT coalesce(json_object_agg(email, json_build_object('phone', phone, 'mobile', mobile)), '{}')
    FROM contacts
    WHERE account_id = ${accountOf(email)}`;
  return JSON.parse(psql(sql));
}

/** The preview's row for file line `line`. */
function row(page: Page, line: number) {
  return page.locator('.grid-body .grid-row', { has: page.locator('.line-cell', { hasText: new RegExp(`^${line}$`) }) });
}

const FILE = [
  'First Name,Last Name,Email,Phone,Mobile,Country',
  // Local, read by the account's country (New Zealand).
  'Aroha,Ngata,aroha@x.example,021 555 0101,(09) 379 4567,',
  // International, with an extension: its own country code wins.
  'Tom,Fletcher,tom@x.example,+44 20 7946 0958 x123,,',
  // Local, read by the row's Country.
  'Mia,Kowalski,mia@x.example,(02) 9876 5432,0412 345 678,Australia',
  // Laid out like a number, but no New Zealand number has these digits.
  'Bad,Number,bad@x.example,021 555,,',
].join('\n');

test('numbers are shown as they will be saved, an impossible one is explained and fixed in place, and Postgres holds E.164', async ({ page }) => {
  const { email } = await signUpNewAccount(page, 'Kiwi Lettings', 'New Zealand');
  await openImport(page);
  await choose(page, file('phones.csv', FILE));
  await expect(page.locator('.summary')).toBeVisible();

  // The cells keep what the file said; under each, the form saved.
  await expect(row(page, 2).getByLabel('Row 2, Phone')).toHaveValue('021 555 0101');
  await expect(row(page, 2).locator('.cell-saved')).toHaveText(['+64 21 555 0101', '+64 9 379 4567']);
  await expect(row(page, 3).locator('.cell-saved')).toHaveText('+44 20 7946 0958 x123');
  await expect(row(page, 4).locator('.cell-saved')).toHaveText(['+61 2 9876 5432', '+61 412 345 678']);
  const bad = row(page, 5);
  await expect(bad.locator('.cell-issue').filter({
    hasText: '“021 555” cannot be a real phone number in New Zealand: no number there has these digits.',
  })).toBeVisible();
  await expect(bad.getByText('Check the digits: a number in New Zealand looks like', { exact: false })).toBeAttached();
  await expect(page.locator('.count.bad')).toContainText('1 with issues');
  await expect(page.getByRole('button', { name: 'Confirm import' })).toBeDisabled();
  await page.locator('.rows-section').screenshot({ path: test.info().outputPath('phones-desktop.png') });
  await page.setViewportSize(PHONE_SCREEN);
  await bad.scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath('phones-360.png') });
  await page.setViewportSize({ width: 1280, height: 720 });

  // Fixed in place: the server reads the new number once the cell is left.
  const cell = bad.getByLabel('Row 5, Phone');
  await cell.fill('021 555 0199');
  await cell.press('Tab');
  await expect(bad.locator('.cell-saved')).toHaveText('+64 21 555 0199');
  await expect(page.locator('.count.bad')).toContainText('0 with issues');
  await confirmImport(page);

  expect(storedPhones(email)).toEqual({
    'aroha@x.example': { phone: '+64215550101', mobile: '+6493794567' },
    'tom@x.example': { phone: '+442079460958 x123', mobile: '' },
    'mia@x.example': { phone: '+61298765432', mobile: '+61412345678' },
    'bad@x.example': { phone: '+64215550199', mobile: '' },
  });
});

test('a Country the page guesses reads the row’s numbers by that country before Confirm', async ({ page }) => {
  const { email } = await signUpNewAccount(page, 'Kiwi Lettings', 'New Zealand');
  await openImport(page);
  await choose(page, file('guessed.csv', [
    'First Name,Last Name,Email,Phone,Country',
    // "Deutschland" is not a country code: the page guesses Germany.
    'Lena,Vogel,lena@x.example,030 1234567,Deutschland',
  ].join('\n')));
  await expect(page.locator('.summary')).toBeVisible();
  // Read by Germany's rules, not kept as written nor read as a New Zealand number.
  await expect(row(page, 2).locator('.cell-saved')).toHaveText('+49 30 1234567');
  await expect(page.locator('.count.bad')).toContainText('0 with issues');
  await confirmImport(page);
  expect(storedPhones(email)).toEqual({ 'lena@x.example': { phone: '+49301234567', mobile: '' } });
});

test('the contact form saves E.164 and explains a refused number under the field, changing nothing', async ({ page }) => {
  const { email } = await signUpNewAccount(page, 'Kiwi Lettings', 'New Zealand');
  await page.goto('/contacts/new');
  await hydrated(page);
  await page.getByLabel('First Name').fill('Aroha');
  await page.getByLabel('Last Name').fill('Ngata');
  await page.getByLabel('Email', { exact: true }).fill('aroha@x.example');
  await page.getByLabel('Phone', { exact: true }).fill('021 555 0101');
  await page.getByRole('button', { name: 'Create contact' }).click();
  await expect(page).toHaveURL(/\/contacts\/[0-9a-f-]{36}$/);
  await hydrated(page);
  const phone = page.getByLabel('Phone', { exact: true });
  await expect(phone).toHaveValue('+64215550101');
  expect(storedPhones(email)['aroha@x.example'].phone).toBe('+64215550101');

  // Passes the page's layout check; the server refuses it with its sentence.
  await phone.fill('021 555');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.locator('#field-phone-error')).toContainText(
    '“021 555” cannot be a real phone number in New Zealand: no number there has these digits.',
  );
  await expect(phone).toHaveAttribute('aria-invalid', 'true');
  expect(storedPhones(email)['aroha@x.example'].phone).toBe('+64215550101');
});
