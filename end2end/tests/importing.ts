// Shared steps for the import screen's end2end tests: writing a file to
// choose, opening the screen, choosing, confirming.
import { test, expect, type Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { hydrated } from './support';

/** Writes `content` to a file in the test's output folder and returns its path. */
export function file(name: string, content: string | Buffer): string {
  const path = test.info().outputPath(name);
  writeFileSync(path, content);
  return path;
}

export async function openImport(page: Page) {
  await page.goto('/contacts/import');
  await hydrated(page);
}

export async function choose(page: Page, path: string) {
  await page.locator('#import-file').setInputFiles(path);
}

export async function confirmImport(page: Page) {
  await expect(page.getByRole('button', { name: 'Confirm import' })).toBeEnabled();
  await page.getByRole('button', { name: 'Confirm import' }).click();
  await expect(page.getByRole('heading', { name: 'Import complete' })).toBeVisible();
}
