// Dropdown values mapped: Contact Type, Category and Country values the
// rules do not know ("Mieter", "Owner", "Royaume-Uni") are listed once each
// in "Values to match" with the rules' guess filled in; a choice changes
// every row with the value at once and can be changed back; a value left
// as it is stays an issue. What lands in Postgres is read with psql at
// E2E_DATABASE_URL (scripts/test passes the run's database).
import { test, expect, type Page } from '@playwright/test';
import { accountOf, psql, signUpNewAccount } from './support';
import { choose, confirmImport, file, openImport } from './importing';

/** Each contact of the account signed up as `email`: first name → its
 *  category and country, as stored. */
function storedChoices(email: string): Record<string, { category: string; country: string }> {
  const sql = `SELECT coalesce(json_object_agg(first_name, json_build_object('category', category, 'country', country)), '{}')
    FROM contacts
    WHERE account_id = ${accountOf(email)}`;
  return JSON.parse(psql(sql));
}

/** The choice of `value` in the panel's list for `column`. */
function choice(page: Page, column: string, value: string) {
  return page
    .locator('.value-column', { has: page.getByRole('heading', { name: column, exact: true }) })
    .locator('.value-choice', { has: page.getByText(`“${value}”`, { exact: true }) });
}

const MIXED = [
  'First Name,Last Name,Email,Category,Country',
  'Ana,Silva,ana.silva@example.com,Mieter,U.K.',
  'Ben,Okafor,ben.okafor@example.com,Owner,Royaume-Uni',
  'Cleo,Park,cleo.park@example.com,MIETER,Deutschland',
  'Dev,Rao,dev.rao@example.com,Hausmeister,GB',
].join('\n');

test('unknown values are listed once with their guesses, a choice changes every row with the value, and Postgres holds what was chosen', async ({ page }) => {
  const { email } = await signUpNewAccount(page);
  await openImport(page);
  await choose(page, file('values.csv', MIXED));

  const panel = page.locator('.value-choices');
  await expect(panel.getByRole('heading', { name: 'Values to match' })).toBeVisible();
  // Mieter in two spellings is one value of two rows, guessed as Tenant.
  const mieter = choice(page, 'Category', 'Mieter');
  await expect(mieter).toContainText('2 rows');
  await expect(mieter.locator('select')).toHaveValue('=Tenant');
  await expect(mieter.getByText('Our guess: a word for Tenant')).toBeVisible();
  await expect(choice(page, 'Category', 'Owner').locator('select')).toHaveValue('=Landlord');
  await expect(choice(page, 'Country', 'Royaume-Uni').locator('select')).toHaveValue('=GB');
  await expect(choice(page, 'Country', 'Deutschland').locator('select')).toHaveValue('=DE');
  // A guessed country is called by its name, not its code.
  await expect(choice(page, 'Country', 'Royaume-Uni').getByText('Our guess: a word for United Kingdom')).toBeVisible();
  await expect(choice(page, 'Country', 'Deutschland').getByText('Our guess: a word for Germany')).toBeVisible();
  // A closed select is drawn with what it shows; every country follows
  // (once the page is idle), the guess still chosen.
  const germany = choice(page, 'Country', 'Deutschland').locator('select');
  await expect(germany.locator('option', { hasText: 'NZ — New Zealand' })).toHaveCount(1);
  expect(await germany.locator('option').count()).toBeGreaterThan(200);
  await expect(germany).toHaveValue('=DE');
  // U.K. and GB are countries the rules read: not listed.
  await expect(panel.getByText('“U.K.”')).toHaveCount(0);
  // Hausmeister has no guess: left as is, and its row has the issue.
  const hausmeister = choice(page, 'Category', 'Hausmeister');
  await expect(hausmeister.locator('select')).toHaveValue('keep');
  await expect(page.locator('.count.bad')).toContainText('1 with issues');
  await expect(page.locator('.grid-row.has-issues .cell-issue').filter({ hasText: '“Hausmeister” is not a category.' })).toBeVisible();
  await panel.screenshot({ path: test.info().outputPath('values-panel-desktop.png') });
  // The guessed rows already show what they will be saved as.
  await expect(page.getByLabel('Row 2, Category', { exact: true })).toHaveValue('Tenant');

  // The user chooses for Hausmeister: its row is valid at once.
  await hausmeister.locator('select').selectOption({ label: 'Supplier' });
  await expect(page.locator('.count.bad')).toContainText('0 with issues');
  await expect(page.getByLabel('Row 5, Category', { exact: true })).toHaveValue('Supplier');

  // A guess changed back to the file's own value: both Mieter rows have the issue again…
  await mieter.locator('select').selectOption({ label: 'Leave as is' });
  await expect(page.locator('.count.bad')).toContainText('2 with issues');
  await expect(page.getByLabel('Row 4, Category', { exact: true })).toHaveValue('MIETER');
  await expect(mieter.getByText('Our guess', { exact: false })).toHaveCount(0);
  // …and chosen again.
  await mieter.locator('select').selectOption({ label: 'Tenant' });
  await expect(page.locator('.count.bad')).toContainText('0 with issues');

  await confirmImport(page);
  expect(storedChoices(email)).toEqual({
    Ana: { category: 'Tenant', country: 'GB' },
    Ben: { category: 'Landlord', country: 'GB' },
    Cleo: { category: 'Tenant', country: 'DE' },
    Dev: { category: 'Supplier', country: 'GB' },
  });
});

test('the values panel is legible on a 360 px phone', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await signUpNewAccount(page);
  await openImport(page);
  await choose(page, file('values.csv', MIXED));
  const panel = page.locator('.value-choices');
  await expect(panel.getByRole('heading', { name: 'Values to match' })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  const select = choice(page, 'Country', 'Deutschland').locator('select');
  await select.scrollIntoViewIfNeeded();
  await expect(select).toBeInViewport({ ratio: 1 });
  await panel.screenshot({ path: test.info().outputPath('values-panel-360.png') });
});

test('a value left unmapped stays an issue with its sentence, Confirm stays disabled, and nothing is saved until the row is dealt with', async ({ page }) => {
  const { email } = await signUpNewAccount(page);
  await openImport(page);
  await choose(page, file('unmapped.csv', [
    'First Name,Last Name,Email,Category,Country',
    'Ana,Silva,ana.silva@example.com,Mieter,AU',
    'Ben,Okafor,ben.okafor@example.com,Xyzzy,Narnia',
  ].join('\n')));

  await expect(choice(page, 'Category', 'Xyzzy').locator('select')).toHaveValue('keep');
  await expect(choice(page, 'Country', 'Narnia').locator('select')).toHaveValue('keep');
  const bad = page.locator('.grid-row.has-issues');
  await expect(bad).toHaveCount(1);
  await expect(bad.locator('.cell-issue').filter({ hasText: '“Xyzzy” is not a category.' })).toBeVisible();
  await expect(bad.locator('.cell-issue').filter({ hasText: '“Narnia” is not a country we recognise.' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Confirm import' })).toBeDisabled();
  await expect(page.getByText('Fix or remove the 1 row with issues to continue.')).toBeVisible();
  expect(storedChoices(email)).toEqual({});

  // Choosing one of the two is not enough: the row keeps the other issue.
  await choice(page, 'Category', 'Xyzzy').locator('select').selectOption({ label: 'Other' });
  await expect(bad.locator('.cell-issue').filter({ hasText: '“Xyzzy” is not a category.' })).toHaveCount(0);
  await expect(bad.locator('.cell-issue').filter({ hasText: '“Narnia” is not a country we recognise.' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Confirm import' })).toBeDisabled();

  // Removing the row lets the rest through; the removed row is not saved.
  await page.getByRole('button', { name: 'Remove row 3 from the import' }).click();
  await confirmImport(page);
  expect(storedChoices(email)).toEqual({ Ana: { category: 'Tenant', country: 'AU' } });
});

test('the next file with the same headers gets the mapping remembered from the last import, shown as such and changeable', async ({ page }) => {
  const { email } = await signUpNewAccount(page);
  const headers = 'First Name,Last Name,Email,Role';
  // "Role" names no field: the user imports it as Category, and says what
  // "Hausmeister" means.
  await openImport(page);
  await choose(page, file('first.csv', [headers, 'Ana,Silva,ana.silva@example.com,Hausmeister'].join('\n')));
  await expect(page.locator('.remembered-notice')).toHaveCount(0);
  await page.getByText('Match columns to contact fields').click();
  await page.locator('#map-column-3').selectOption('category');
  await choice(page, 'Role', 'Hausmeister').locator('select').selectOption({ label: 'Supplier' });
  await expect(page.locator('.count.bad')).toContainText('0 with issues');
  await confirmImport(page);

  // Another file with the same headers (written another way).
  await openImport(page);
  await choose(page, file('second.csv', [
    'first name,LAST NAME,E-mail,role',
    'Ben,Okafor,ben.okafor@example.com,Hausmeister',
    'Cleo,Park,cleo.park@example.com,Mieter',
  ].join('\n')));
  await expect(page.locator('.remembered-notice')).toContainText('Mapping remembered from your last import');
  await page.getByText('Match columns to contact fields').click();
  await expect(page.locator('#map-column-3')).toHaveValue('category');
  const hausmeister = choice(page, 'role', 'Hausmeister');
  await expect(hausmeister.locator('select')).toHaveValue('=Supplier');
  await expect(hausmeister.getByText('Remembered from your last import')).toBeVisible();
  // Changeable: Ben is an agent this time.
  await hausmeister.locator('select').selectOption({ label: 'Agent' });
  await expect(page.locator('.count.bad')).toContainText('0 with issues');
  await confirmImport(page);
  expect(storedChoices(email)).toEqual({
    Ana: { category: 'Supplier', country: '' },
    Ben: { category: 'Agent', country: '' },
    Cleo: { category: 'Tenant', country: '' },
  });

  // A file with other headers gets the automatic mapping.
  await openImport(page);
  await choose(page, file('third.csv', ['First Name,Last Name,Email', 'Dev,Rao,dev.rao@example.com'].join('\n')));
  await expect(page.locator('.count.ok')).toContainText('1 valid');
  await expect(page.locator('.remembered-notice')).toHaveCount(0);
});
