// Possible duplicates: a new row whose name and phone, or name and
// postcode, match an existing contact (or an earlier row) while its email
// differs is listed under "Possible duplicates" with a choice: create
// anyway (the default), update that contact, or skip the row. Never an
// issue, never holds Confirm. What lands in Postgres is read with psql at
// E2E_DATABASE_URL (scripts/test passes the run's database).
import { test, expect, type Page } from '@playwright/test';
import { accountOf, psql, signUpNewAccount } from './support';
import { choose, confirmImport, file, openImport } from './importing';

/** Each contact of the account signed up as `email`, as stored, by email. */
function stored(email: string): Record<string, { first: string; city: string; phone: string; version: number }> {
  const sql = `SELECT coalesce(json_object_agg(email, json_build_object('first', first_name, 'city', city, 'phone', phone, 'version', version)), '{}')
    FROM contacts
    WHERE account_id = ${accountOf(email)}`;
  return JSON.parse(psql(sql));
}

/** The flagged row `line` in the panel. */
function flagged(page: Page, line: number) {
  return page.locator('.duplicate', { has: page.getByText(`Row ${line}`, { exact: true }) });
}

/** Signs up, imports John, then chooses AGAIN: the review the tests start
 *  from. Returns the account's email. */
async function reviewAgainstJohn(page: Page): Promise<string> {
  const { email } = await signUpNewAccount(page);
  await openImport(page);
  await choose(page, file('existing.csv', EXISTING));
  await confirmImport(page);
  await openImport(page);
  await choose(page, file('again.csv', AGAIN));
  return email;
}

const EXISTING = [
  'First Name,Last Name,Email,Phone,Postcode,City',
  'John,Smith,john@old.example,+64 21 555 0101,,Auckland',
].join('\n');

const AGAIN = [
  'First Name,Last Name,Email,Phone,Postcode,City',
  // John again: another email, his number written the local way.
  'John,Smith,john@new.example,021 555 0101,,Wellington',
  // Someone new, then the same person again a row later (same postcode).
  'Carla,Mendes,carla@x.example,,6011,Wellington',
  'Carla,Mendes,c.mendes@y.example,,6011,Wellington',
  // Someone new and unlike anyone.
  'Dev,Rao,dev.rao@example.com,09 444 1234,,Hobart',
].join('\n');

test('a row like an existing contact or an earlier row is flagged with a choice, and Postgres holds what was chosen', async ({ page }) => {
  const email = await reviewAgainstJohn(page);
  const panel = page.locator('.duplicates');
  await expect(panel.getByRole('heading', { name: 'Possible duplicates' })).toBeVisible();
  await expect(flagged(page, 2)).toContainText('Possibly the same as John Smith — same phone');
  await expect(flagged(page, 4)).toContainText('Possibly the same as row 3 — same postcode');
  await expect(flagged(page, 3)).toHaveCount(0);
  await expect(flagged(page, 5)).toHaveCount(0);
  // The rows table says it beside each flagged row, and only there (the
  // whole sentence as the title and for screen readers).
  const tableRow = (line: number) => page.locator('.grid-row', { has: page.locator('.line-cell', { hasText: new RegExp(`^${line}$`) }) });
  await expect(tableRow(2).locator('.row-maybe')).toHaveText('Possible duplicate: Possibly the same as John Smith — same phone');
  await expect(tableRow(2).locator('.row-maybe')).toHaveAttribute('title', 'Possibly the same as John Smith — same phone');
  await expect(tableRow(4).locator('.row-maybe')).toHaveText('Possible duplicate: Possibly the same as row 3 — same postcode');
  await expect(page.locator('.grid-row .row-maybe')).toHaveCount(2);
  await expect(page.locator('.count.warn')).toContainText('2 possible duplicates');
  // A hint, not an issue: every row is valid and Confirm is open.
  await expect(page.locator('.count.bad')).toContainText('0 with issues');
  await expect(page.getByRole('button', { name: 'Confirm import' })).toBeEnabled();
  // Create anyway is the default; a row like an earlier row cannot update.
  await expect(flagged(page, 2).locator('select')).toHaveValue('create');
  await expect(flagged(page, 4).locator('option')).toHaveText(['Create anyway', 'Skip this row']);
  await panel.screenshot({ path: test.info().outputPath('duplicates-panel-desktop.png') });
  await page.screenshot({ path: test.info().outputPath('duplicates-review-desktop.png'), fullPage: true });

  await flagged(page, 2).locator('select').selectOption({ label: 'Update that contact' });
  await flagged(page, 4).locator('select').selectOption({ label: 'Skip this row' });
  await expect(flagged(page, 2).locator('select')).toHaveValue('update');
  await confirmImport(page);
  await expect(page.getByText('1 skipped', { exact: false }).first()).toBeVisible();

  const contacts = stored(email);
  // John was updated, not created again; the skipped Carla was not saved.
  expect(Object.keys(contacts).sort()).toEqual(['carla@x.example', 'dev.rao@example.com', 'john@new.example']);
  expect(contacts['john@new.example']).toMatchObject({ first: 'John', city: 'Wellington', version: 2 });
});

test('creating anyway is what happens when the user does not choose', async ({ page }) => {
  const email = await reviewAgainstJohn(page);
  await expect(page.locator('.count.warn')).toContainText('2 possible duplicates');
  await confirmImport(page);
  expect(Object.keys(stored(email)).sort()).toEqual([
    'c.mendes@y.example', 'carla@x.example', 'dev.rao@example.com', 'john@new.example', 'john@old.example',
  ]);
});

test('the duplicates panel is legible on a 360 px phone', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await signUpNewAccount(page);
  await openImport(page);
  await choose(page, file('again.csv', AGAIN));
  const panel = page.locator('.duplicates');
  await expect(panel.getByRole('heading', { name: 'Possible duplicates' })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  const select = flagged(page, 4).locator('select');
  await select.scrollIntoViewIfNeeded();
  await expect(select).toBeInViewport({ ratio: 1 });
  await panel.screenshot({ path: test.info().outputPath('duplicates-panel-360.png') });
  await page.screenshot({ path: test.info().outputPath('duplicates-review-360.png'), fullPage: true });
});

test('past the first 100 flagged rows, Show more lists the rest, and a choice made there is what lands', async ({ page }) => {
  const { email } = await signUpNewAccount(page);
  await openImport(page);
  // 104 people, each twice (the same name and postcode, another email):
  // each second row is like the row before it, 104 flags.
  const firsts = ['Aroha', 'Ben', 'Chloe', 'Dev', 'Ema', 'Finn', 'Grace', 'Hemi'];
  const lasts = ['Ngata', 'Cole', 'Dupont', 'Patel', 'Lee', 'Walsh', 'Kim', 'Tane', 'Roa', 'Byrne', 'Chen', 'Ford', 'Gray'];
  const rows = Array.from({ length: 104 }, (_, person) => {
    const name = `${firsts[person % 8]},${lasts[Math.floor(person / 8)]}`;
    return [`${name},p${person}a@x.example,,${7000 + person},Wellington`, `${name},p${person}b@x.example,,${7000 + person},Wellington`];
  }).flat();
  await choose(page, file('many.csv', ['First Name,Last Name,Email,Phone,Postcode,City', ...rows].join('\n')));
  const panel = page.locator('.duplicates');
  await expect(panel.locator('.duplicate')).toHaveCount(100);
  await expect(panel).toContainText('…and 4 more, not listed');
  // The last person's second row (line 209) is not listed yet.
  await expect(flagged(page, 209)).toHaveCount(0);
  await panel.getByRole('button', { name: 'Show 4 more' }).click();
  await expect(panel.locator('.duplicate')).toHaveCount(104);
  await expect(panel.getByRole('button', { name: /^Show \d+ more$/ })).toHaveCount(0);
  await flagged(page, 209).locator('select').selectOption({ label: 'Skip this row' });
  await confirmImport(page);
  await expect(page.getByText('1 skipped', { exact: false }).first()).toBeVisible();
  const saved = Object.keys(stored(email));
  expect(saved).toHaveLength(207);
  expect(saved).not.toContain('p103b@x.example');
  expect(saved).toContain('p103a@x.example');
});
