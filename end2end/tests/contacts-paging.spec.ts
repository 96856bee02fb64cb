// Paging through the contacts list of an account with more than a page of
// contacts: the count stays on screen, and the server counts a search once.
import { test, expect } from '@playwright/test';
import { hydrated, signUpNewAccount } from './support';
import { choose, confirmImport, file, openImport } from './importing';
import type { Page } from '@playwright/test';

/** Signs up a new account and imports `count` contacts named `First<n> Last`. */
async function accountWithContacts(page: Page, count: number, first: string, last: string, width: number) {
  await signUpNewAccount(page);
  await openImport(page);
  const domain = `${last.toLowerCase()}.example`;
  const rows = Array.from({ length: count }, (_, n) => `${first}${String(n).padStart(width, '0')},${last},${first.toLowerCase()}${n}@${domain}`);
  await choose(page, file(`${last.toLowerCase()}.csv`, ['First Name,Last Name,Email', ...rows].join('\n')));
  await confirmImport(page);
}

test('paging on or sorting keeps the count without counting again; a new search or a page opened from its address counts', async ({ page }) => {
  await accountWithContacts(page, 120, 'Pat', 'Pager', 3);

  await page.goto('/contacts?q=pager');
  await hydrated(page);
  const count = page.locator('.result-count');
  await expect(count).toHaveText('120 contacts');
  const asked: { total_known?: boolean }[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/api/list_contacts')) asked.push(request.postDataJSON());
  });

  await page.getByRole('link', { name: 'Next page →' }).click();
  await expect(page).toHaveURL(/after=/);
  await expect(page.getByRole('cell', { name: 'Pat050 Pager' })).toBeVisible();
  await expect(count).toHaveText('120 contacts');
  expect(asked.map((body) => body.total_known)).toEqual([true]);

  await page.getByLabel('Sort by').selectOption('updated');
  await expect(page).toHaveURL(/sort=updated/);
  await expect(count).toHaveText('120 contacts');
  expect(asked.map((body) => body.total_known)).toEqual([true, true]);

  await page.getByLabel('Search contacts').fill('pat00');
  await expect(count).toHaveText('10 contacts');
  expect(asked.at(-1)?.total_known).toBe(false);

  // The second page opened on its own: the server counts it.
  await page.goto('/contacts?q=pager');
  await page.getByRole('link', { name: 'Next page →' }).click();
  await expect(page).toHaveURL(/after=/);
  await page.reload();
  await expect(page.getByRole('cell', { name: 'Pat050 Pager' })).toBeVisible();
  await expect(count).toHaveText('120 contacts');
});

test('a search is counted up to 1,000 and the whole list up to 10,000', async ({ page }) => {
  await accountWithContacts(page, 1005, 'Cap', 'Capped', 4);

  await page.goto('/contacts');
  await hydrated(page);
  const count = page.locator('.result-count');
  await expect(count).toHaveText('1,005 contacts');

  // Every contact matches: past a search's cap, the list says so.
  await page.getByLabel('Search contacts').fill('capped');
  await expect(count).toHaveText('1,000+ contacts');
  await expect(page.getByRole('cell', { name: 'Cap0000 Capped' })).toBeVisible();

  // Cap0000 to Cap0099: below the cap, counted exactly.
  await page.getByLabel('Search contacts').fill('cap00');
  await expect(count).toHaveText('100 contacts');
});
