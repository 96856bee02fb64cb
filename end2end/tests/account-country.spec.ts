// The account's default country: asked at sign-up with the browser's
// languages' guess preselected (before the wasm loads too), shown in the
// account menu, and used to read a phone number searched for without its
// country code. A country that is not one is refused and creates nothing.
// Postgres is read with psql at E2E_DATABASE_URL (scripts/test passes the
// run's database).
import { test, expect, type Page } from '@playwright/test';
import { hydrated, psql } from './support';

// Chromium sends this as its Accept-Language.
test.use({ locale: 'en-NZ' });

let accounts = 0;

function newEmail() {
  return `country-${Date.now()}-${process.pid}-${accounts++}@example.com`;
}

const quotedSql = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The stored default country of the account signed up as `email` ("" for
 *  none), or "no account" when there is none. */
function storedCountry(email: string): string {
  const row = psql(`SELECT coalesce(a.default_country, '') || '|' FROM accounts a JOIN users u ON u.account_id = a.id
    WHERE lower(u.email) = lower(${quotedSql(email)})`);
  return row === '' ? 'no account' : row.slice(0, -1);
}

async function fillSignUp(page: Page, email: string) {
  await page.getByLabel('Organisation').fill('Harbour Lettings');
  await page.getByLabel('Your name').fill('Test Manager');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
}

/** Signs up a new account through the form, choosing `country` by its label
 *  (or keeping the preselected guess), and returns its email. */
async function signUpChoosing(page: Page, country?: string): Promise<string> {
  await page.goto('/signup');
  await hydrated(page);
  const email = newEmail();
  await fillSignUp(page, email);
  if (country) await page.getByLabel('Country').selectOption({ label: country });
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/contacts$/);
  return email;
}

async function addContact(page: Page, first: string, last: string, phone: string) {
  await page.goto('/contacts/new');
  await hydrated(page);
  await page.getByLabel('First Name').fill(first);
  await page.getByLabel('Last Name').fill(last);
  await page.getByLabel('Phone', { exact: true }).fill(phone);
  await page.getByRole('button', { name: 'Create contact' }).click();
  await expect(page).toHaveURL(/\/contacts\/[0-9a-f-]{36}$/);
}

async function searchContacts(page: Page, text: string) {
  await page.goto('/contacts');
  await hydrated(page);
  await page.getByLabel('Search contacts').fill(text);
  return page.locator('.contact-table tbody tr');
}

test('the guessed country is preselected, kept at sign-up, and a local number is found by its international form', async ({ page }) => {
  // Server-rendered with the guess, before any wasm runs.
  const response = await page.request.get('/signup', { headers: { 'Accept-Language': 'en-NZ,en;q=0.9' } });
  // Release builds erase component types, which writes `<!>` hydration
  // markers after text nodes.
  expect(await response.text()).toMatch(/<option value="NZ" selected[^>]*>New Zealand(?:<!>)?<\/option>/);

  await page.goto('/signup');
  await hydrated(page);
  await expect(page.getByLabel('Country')).toHaveValue('NZ');
  const email = newEmail();
  await fillSignUp(page, email);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/contacts$/);
  expect(storedCountry(email)).toBe('NZ');

  await page.locator('summary', { hasText: 'Harbour Lettings' }).click();
  await expect(page.locator('.account-country')).toHaveText('Default country: New Zealand');

  await addContact(page, 'Aroha', 'Ngata', '021 555 0101');
  await addContact(page, 'Other', 'Number', '021 555 0199');
  for (const query of ['+64 21 555 0101', '0064 21 5550101', '21 555 0101']) {
    const rows = await searchContacts(page, query);
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('Aroha Ngata');
  }
});

test('a country chosen at sign-up reads numbers written without their country code', async ({ page }) => {
  const email = await signUpChoosing(page, 'United Kingdom');
  expect(storedCountry(email)).toBe('GB');

  await addContact(page, 'Tom', 'Fletcher', '+44 20 7946 0958');
  const rows = await searchContacts(page, '020 7946 0958');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Tom Fletcher');
});

test('a country that is not one is refused with a sentence and creates nothing', async ({ page }) => {
  await page.goto('/signup');
  await hydrated(page);
  const email = newEmail();
  await fillSignUp(page, email);
  // A tampered form: an option the list does not offer.
  await page.getByLabel('Country').evaluate((select: HTMLSelectElement) => {
    select.add(new Option('Atlantis', 'XX'));
    select.value = 'XX';
  });
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    '“XX” is not a country we know. Choose your organisation\'s country from the list.',
  );
  await expect(page).toHaveURL(/\/signup$/);
  expect(storedCountry(email)).toBe('no account');

  // Straight to the server, too.
  const answer = await page.request.post('/api/sign_up', {
    form: { organisation: 'Harbour Lettings', name: '', email, password: 'correct horse battery', country: 'New Zealand' },
    maxRedirects: 0,
  });
  expect(answer.status()).toBe(422);
  expect((await answer.json()).error).toContain('is not a country we know');
  expect(storedCountry(email)).toBe('no account');
});

test('a sign-up that does not send a country gets the browser\'s guess, or none', async ({ page }) => {
  const guessed = newEmail();
  const plain = newEmail();
  const post = (email: string, headers: Record<string, string>) =>
    page.request.post('/api/sign_up', {
      form: { organisation: 'Harbour Lettings', name: '', email, password: 'correct horse battery' },
      headers,
      maxRedirects: 0,
    });
  expect((await post(guessed, { 'Accept-Language': 'en-AU,en;q=0.8' })).status()).toBeLessThan(400);
  expect((await post(plain, { 'Accept-Language': 'en' })).status()).toBeLessThan(400);
  expect(storedCountry(guessed)).toBe('AU');
  expect(storedCountry(plain)).toBe('');
});

test('leaving the country at "Choose…" gives the account none, whatever the guess', async ({ page }) => {
  await page.goto('/signup');
  await hydrated(page);
  await expect(page.getByLabel('Country')).toHaveValue('NZ');
  const email = newEmail();
  await fillSignUp(page, email);
  await page.getByLabel('Country').selectOption({ label: 'Choose…' });
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/contacts$/);
  expect(storedCountry(email)).toBe('');
  await page.locator('summary', { hasText: 'Harbour Lettings' }).click();
  await expect(page.locator('.account-country')).toHaveText('Default country: none');
});

test('an account without a country chooses one on the organisation page, and numbers are read by it from then on', async ({ page }) => {
  const email = await signUpChoosing(page, 'Choose…');
  expect(storedCountry(email)).toBe('');

  await page.locator('summary', { hasText: 'Harbour Lettings' }).click();
  await page.getByRole('link', { name: 'Organisation settings' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await hydrated(page);
  await expect(page.getByText('No default country: phone numbers need their country code')).toBeVisible();
  await expect(page.getByLabel('Default country')).toHaveValue('none');
  await page.getByLabel('Default country').selectOption({ label: 'New Zealand' });
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await expect(page.getByText("Phone numbers written without a country code are read as New Zealand's.")).toBeVisible();
  expect(storedCountry(email)).toBe('NZ');
  // The bar's account menu says so without a reload.
  await page.locator('summary', { hasText: 'Harbour Lettings' }).click();
  await expect(page.locator('.account-country')).toHaveText('Default country: New Zealand');

  await addContact(page, 'Aroha', 'Ngata', '+64 21 555 0101');
  const rows = await searchContacts(page, '021 555 0101');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Aroha Ngata');
});

test('the organisation page refuses a country that is not one and keeps the one stored', async ({ page }) => {
  const email = await signUpChoosing(page);
  expect(storedCountry(email)).toBe('NZ');

  await page.goto('/account');
  await hydrated(page);
  await expect(page.getByLabel('Default country')).toHaveValue('NZ');
  await page.getByLabel('Default country').evaluate((select: HTMLSelectElement) => {
    select.add(new Option('Atlantis', 'XX'));
    select.value = 'XX';
  });
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    '“XX” is not a country we know. Choose your organisation\'s country from the list.',
  );
  expect(storedCountry(email)).toBe('NZ');
});
