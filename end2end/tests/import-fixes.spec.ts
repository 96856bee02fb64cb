// Whole-column fixes on the import screen, from the user's side: find and
// replace within a column, and one cell's fix applied to every other row
// with the same value; both re-check the rows at once and can be undone
// (several fixes in reverse order) until Confirm. What lands in Postgres is
// read with psql at E2E_DATABASE_URL (scripts/test passes the run's
// database). A fix that cannot be made says why and changes nothing.
import { test, expect, type Page } from '@playwright/test';
import { accountOf, psql, signUpNewAccount } from './support';
import { choose, confirmImport, file, openImport } from './importing';

type Saved = { first_name: string; email: string; city: string; category: string };

/** The account's contacts as stored, by first name. */
function storedContacts(accountEmail: string): Saved[] {
  const sql = `SELECT coalesce(json_agg(row_to_json(c) ORDER BY c.first_name), '[]') FROM (
      SELECT first_name, email, city, category FROM contacts
      WHERE account_id = ${accountOf(accountEmail)}
    ) c`;
  return JSON.parse(psql(sql));
}

// Three tenants with the category misspelt (an issue), three emails with the
// domain typo and three cities misspelt (not issues, but wrong).
const TYPOS = [
  'First Name,Last Name,Email,City,Category',
  'Ana,Silva,ana.silva@gmial.com,Welington,Tennant',
  'Ben,Okafor,ben.okafor@gmial.com,Welington,Tennant',
  'Cleo,Park,cleo.park@example.com,Auckland,Tennant',
  'Dev,Shah,dev.shah@gmial.com,Welington,Landlord',
].join('\n');

/**
 * Chooses the file. "Values to match" guesses that "Tennant" means Tenant and
 * applies the guess at once; these tests are about fixing rows by hand, so
 * they decline it ("Leave as is"), as a user who wants to see the rows first.
 */
async function chooseTypos(page: Page) {
  await choose(page, file('typos.csv', TYPOS));
  const guess = page.locator('.value-choice', { has: page.getByText('“Tennant”', { exact: true }) });
  await guess.locator('select').selectOption({ label: 'Leave as is' });
}

const cell = (page: Page, row: number, column: string) => page.getByLabel(`Row ${row}, ${column}`, { exact: true });

async function openFindReplace(page: Page) {
  await page.getByRole('button', { name: 'Find and replace' }).click();
  return page.locator('.find-replace');
}

/** Fills in the panel: the column, the texts, and whether to match the whole cell. */
async function describeFix(page: Page, column: string, find: string, replace: string, wholeCell: boolean) {
  const panel = page.locator('.find-replace');
  await panel.getByLabel('Column').selectOption({ label: column });
  await panel.getByLabel('Find', { exact: true }).fill(find);
  await panel.getByLabel('Replace with').fill(replace);
  await panel.getByLabel('Whole cell').setChecked(wholeCell);
}

test('find and replace fixes every matching cell at once, undo puts them back in reverse order, and the redone fixes land in Postgres', async ({ page }) => {
  const account = await signUpNewAccount(page);
  await openImport(page);
  await chooseTypos(page);
  await expect(page.locator('.count.bad')).toContainText('3 with issues');
  const panel = await openFindReplace(page);

  await describeFix(page, 'Category', 'tennant', 'Tenant', true);
  await expect(panel.locator('.fix-preview')).toHaveText('3 cells will change.');
  await panel.getByRole('button', { name: 'Replace in 3 cells' }).click();
  await expect(page.locator('.count.bad')).toContainText('0 with issues');
  await expect(cell(page, 2, 'Category')).toHaveValue('Tenant');
  await expect(cell(page, 4, 'Category')).toHaveValue('Tenant');
  await expect(page.locator('.fix-latest')).toContainText('Replaced “tennant” with “Tenant” in 3 Category cells.');
  // The form still describes the fix just made: it says what that did, not
  // that nothing matches any more.
  await expect(panel.locator('.fix-preview')).toHaveText('Replaced in 3 cells. You can undo it until you confirm.');
  await expect(panel.locator('.fix-preview')).not.toHaveClass(/bad/);

  await describeFix(page, 'Email', '@gmial.com', '@gmail.com', false);
  await expect(panel.locator('.fix-preview')).toHaveText('3 cells will change.');
  await panel.getByRole('button', { name: 'Replace in 3 cells' }).click();
  await expect(cell(page, 2, 'Email')).toHaveValue('ana.silva@gmail.com');
  await expect(cell(page, 5, 'Email')).toHaveValue('dev.shah@gmail.com');
  await expect(page.locator('.fix-latest')).toContainText('1 earlier fix can be undone after it.');

  // Undo: the newest first.
  await page.locator('.fix-latest').getByRole('button', { name: 'Undo' }).click();
  await expect(cell(page, 2, 'Email')).toHaveValue('ana.silva@gmial.com');
  await expect(cell(page, 3, 'Category')).toHaveValue('Tenant');
  await expect(page.locator('.fix-undone')).toHaveText('Undone: Replaced “@gmial.com” with “@gmail.com” in 3 Email cells. 3 cells put back.');
  await page.locator('.fix-latest').getByRole('button', { name: 'Undo' }).click();
  await expect(cell(page, 3, 'Category')).toHaveValue('Tennant');
  await expect(page.locator('.count.bad')).toContainText('3 with issues');
  await expect(page.locator('.fix-latest')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Confirm import' })).toBeDisabled();

  // Redo both, and confirm.
  await panel.getByRole('button', { name: 'Replace in 3 cells' }).click();
  await describeFix(page, 'Category', 'Tennant', 'Tenant', true);
  await panel.getByRole('button', { name: 'Replace in 3 cells' }).click();
  await expect(page.locator('.count.bad')).toContainText('0 with issues');
  await confirmImport(page);

  expect(storedContacts(account.email)).toEqual([
    { first_name: 'Ana', email: 'ana.silva@gmail.com', city: 'Welington', category: 'Tenant' },
    { first_name: 'Ben', email: 'ben.okafor@gmail.com', city: 'Welington', category: 'Tenant' },
    { first_name: 'Cleo', email: 'cleo.park@example.com', city: 'Auckland', category: 'Tenant' },
    { first_name: 'Dev', email: 'dev.shah@gmail.com', city: 'Welington', category: 'Landlord' },
  ]);
});

test('fixing one cell offers to fix every other row with the same value, which re-checks them, and undo takes back only those', async ({ page }) => {
  const account = await signUpNewAccount(page);
  await openImport(page);
  await chooseTypos(page);
  await expect(page.locator('.count.bad')).toContainText('3 with issues');
  const offer = page.locator('.fix-offer');

  await cell(page, 2, 'Category').fill('Tenant');
  await cell(page, 2, 'Category').press('Tab');
  await expect(offer).toContainText('2 other rows have “Tennant” in Category too.');
  await offer.getByRole('button', { name: 'Apply to all 2 rows' }).click();
  await expect(page.locator('.count.bad')).toContainText('0 with issues');
  await expect(cell(page, 4, 'Category')).toHaveValue('Tenant');
  await expect(offer).toHaveCount(0);

  await page.locator('.fix-latest').getByRole('button', { name: 'Undo' }).click();
  await expect(page.locator('.count.bad')).toContainText('2 with issues');
  await expect(cell(page, 2, 'Category')).toHaveValue('Tenant');
  await expect(cell(page, 3, 'Category')).toHaveValue('Tennant');

  // Fixed again, from another row; and the cities the same way.
  await cell(page, 3, 'Category').fill('Tenant');
  await cell(page, 3, 'Category').press('Tab');
  await offer.getByRole('button', { name: 'Apply to all 1 row' }).click();
  await cell(page, 5, 'City').fill('Wellington');
  await cell(page, 5, 'City').press('Enter');
  await expect(offer).toContainText('2 other rows have “Welington” in City too.');
  await offer.getByRole('button', { name: 'Apply to all 2 rows' }).click();
  await expect(cell(page, 2, 'City')).toHaveValue('Wellington');
  await expect(page.locator('.count.bad')).toContainText('0 with issues');

  // An offer can be declined: nothing else changes.
  await cell(page, 4, 'City').fill('Auckland Central');
  await cell(page, 4, 'City').press('Tab');
  await expect(offer).toHaveCount(0);
  await confirmImport(page);

  expect(storedContacts(account.email)).toEqual([
    { first_name: 'Ana', email: 'ana.silva@gmial.com', city: 'Wellington', category: 'Tenant' },
    { first_name: 'Ben', email: 'ben.okafor@gmial.com', city: 'Wellington', category: 'Tenant' },
    { first_name: 'Cleo', email: 'cleo.park@example.com', city: 'Auckland Central', category: 'Tenant' },
    { first_name: 'Dev', email: 'dev.shah@gmial.com', city: 'Wellington', category: 'Landlord' },
  ]);
});

test('a fix that matches nothing or cannot be made whole says why and changes nothing', async ({ page }) => {
  await signUpNewAccount(page);
  await openImport(page);
  await chooseTypos(page);
  await expect(page.locator('.count.bad')).toContainText('3 with issues');
  const panel = await openFindReplace(page);
  const replace = panel.getByRole('button', { name: /^Replace/ });

  await describeFix(page, 'Email', 'gmial.con', 'gmail.com', false);
  await expect(panel.locator('.fix-preview')).toHaveText('No Email cell contains “gmial.con”. Nothing was changed. Check the spelling, or choose another column.');
  await expect(replace).toBeDisabled();

  await describeFix(page, 'City', '', 'Wellington', false);
  await expect(panel.locator('.fix-preview')).toHaveText('There is nothing to find. Type the text to find, or choose "Whole cell" to fill in blank cells.');
  await expect(replace).toBeDisabled();

  await describeFix(page, 'City', 'Welington', 'W'.repeat(101), false);
  await expect(panel.locator('.fix-preview')).toHaveText('This would make a City cell longer than 100 characters, the most it allows. Use a shorter replacement.');
  await expect(replace).toBeDisabled();
  // Submitting the form anyway (Enter in a field) changes nothing either.
  await panel.getByLabel('Replace with').press('Enter');

  await expect(cell(page, 2, 'Email')).toHaveValue('ana.silva@gmial.com');
  await expect(cell(page, 2, 'City')).toHaveValue('Welington');
  await expect(page.locator('.count.bad')).toContainText('3 with issues');
  await expect(page.locator('.fix-latest')).toHaveCount(0);
});

test('Undo keeps the last 30 fixes and says plainly when an older one can no longer be undone', async ({ page }) => {
  await signUpNewAccount(page);
  await openImport(page);
  await chooseTypos(page);
  const panel = await openFindReplace(page);
  // 31 fixes, back and forth: Welington → Wellington, then back, …
  for (let step = 0; step < 31; step++) {
    const [from, to] = step % 2 === 0 ? ['Welington', 'Wellington'] : ['Wellington', 'Welington'];
    await describeFix(page, 'City', from, to, true);
    await panel.getByRole('button', { name: 'Replace in 3 cells' }).click();
    await expect(cell(page, 2, 'City')).toHaveValue(to);
  }
  await expect(page.locator('.fix-latest')).toContainText('29 earlier fixes can be undone after it.');
  await expect(page.locator('.fix-forgotten')).toHaveText(
    '1 earlier fix can no longer be undone: Undo keeps the last 30 fixes, and no more than 100,000 changed cells before the newest.',
  );
  // Undo all 30 kept: the cities are as the first fix left them, not as read.
  for (let step = 0; step < 30; step++) {
    await page.locator('.fix-latest').getByRole('button', { name: 'Undo' }).click();
  }
  await expect(page.locator('.fix-latest')).toHaveCount(0);
  await expect(cell(page, 2, 'City')).toHaveValue('Wellington');
  await expect(page.locator('.fix-forgotten')).toBeVisible();
});
