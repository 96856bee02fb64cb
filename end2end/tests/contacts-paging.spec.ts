// Paging through the contacts list of an account with more than a page of
// contacts: the count stays on screen, and the server counts a search once.
import { test, expect } from '@playwright/test';
import { hydrated, signUpNewAccount } from './support';
import { choose, confirmImport, file, openImport } from './importing';

test('paging on or sorting keeps the count without counting again; a new search or a page opened from its address counts', async ({ page }) => {
  await signUpNewAccount(page);
  await openImport(page);
  const rows = Array.from({ length: 120 }, (_, n) => `Pat${String(n).padStart(3, '0')},Pager,pat${n}@paging.example`);
  await choose(page, file('paging.csv', ['First Name,Last Name,Email', ...rows].join('\n')));
  await confirmImport(page);

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
