// The Contacts page: server-rendered list, live search once hydrated, and
// the way into the import screen.
import { test, expect } from '@playwright/test';
import { hydrated, signInAsDemo } from './support';

test.beforeEach(async ({ page }) => {
  await signInAsDemo(page);
});

test('the contacts page lists the seeded contacts and search narrows the list without a reload', async ({ page }) => {
  await page.goto('/contacts');
  await expect(page.getByRole('heading', { name: 'Contacts' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Olivia Bennett' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Sparkle Cleaning Services' }).first()).toBeVisible();
  const rowsBefore = await page.locator('.contact-table tbody tr').count();
  expect(rowsBefore).toBeGreaterThan(20);

  await hydrated(page);
  // A page load would wipe this marker; a hydrated search keeps it.
  await page.evaluate(() => ((window as any).__noReload = true));

  await page.getByLabel('Search contacts').fill('bennett');
  await expect(page.locator('.contact-table tbody tr')).toHaveCount(1);
  await expect(page.getByRole('cell', { name: 'Olivia Bennett' })).toBeVisible();
  await expect(page).toHaveURL(/\/contacts\?q=bennett$/);
  expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);

  // Searching by part of a phone number works too.
  await page.getByLabel('Search contacts').fill('9555 0188');
  await expect(page.getByRole('cell', { name: 'Reliable Plumbing Co' }).first()).toBeVisible();
  await expect(page.locator('.contact-table tbody tr')).toHaveCount(1);

  await page.getByLabel('Search contacts').fill('no such contact zzz');
  await expect(page.getByText('No contacts match.')).toBeVisible();
});

test('a search in the address is applied when the page is first rendered', async ({ page }) => {
  await page.goto('/contacts?q=plumbing');
  await expect(page.locator('.contact-table tbody tr')).toHaveCount(1);
  await expect(page.getByLabel('Search contacts')).toHaveValue('plumbing');
});

test('Import Contacts leads to the import screen', async ({ page }) => {
  await page.goto('/contacts');
  await page.getByRole('link', { name: 'Import Contacts' }).click();
  await expect(page).toHaveURL(/\/contacts\/import$/);
  await expect(page.getByRole('heading', { name: 'Import Contacts' })).toBeVisible();
});

test('the contacts page is usable on a 360 px wide phone', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/contacts');
  await expect(page.getByRole('link', { name: 'Import Contacts' })).toBeVisible();
  // Nothing wider than the screen: no sideways scrolling.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
