// Shared steps for the end2end tests: signing in and creating accounts.
import { expect, type Page } from '@playwright/test';

export const DEMO = { email: 'demo@harbourproperty.example', password: 'harbour-demo-2026' };

/** Waits until the wasm has hydrated the page (the app marks <body>). */
export async function hydrated(page: Page) {
  await page.waitForSelector('body[data-hydrated]');
}

/** Signs in through the sign-in form and waits for the contacts list. */
export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/contacts$/);
}

export async function signInAsDemo(page: Page) {
  await signIn(page, DEMO.email, DEMO.password);
}

let accounts = 0;

/** Creates a fresh, empty account (so a test's imports touch nobody else's
 *  data) and leaves the page signed in to it on /contacts. Its default
 *  country is `country` (a name in the list); by default none ("Choose…"),
 *  so numbers written without a country code are kept as written, whatever
 *  the browser's languages guess. */
export async function signUpNewAccount(page: Page, organisation = 'Test Lettings', country = 'Choose…') {
  const email = `e2e-${Date.now()}-${process.pid}-${accounts++}@example.com`;
  const password = 'correct horse battery';
  await page.goto('/signup');
  await hydrated(page);
  await page.getByLabel('Organisation').fill(organisation);
  await page.getByLabel('Your name').fill('Test Manager');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Country').selectOption({ label: country });
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/contacts$/);
  return { email, password };
}
