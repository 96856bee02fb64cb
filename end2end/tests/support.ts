// Shared steps for the end2end tests: signing in and creating accounts,
// and reading what landed in Postgres.
import { execFileSync } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';

export const DEMO = { email: 'demo@harbourproperty.example', password: 'harbour-demo-2026' };

/** How long a page may take to hydrate before the test looks into why. */
const HYDRATION_MS = 20_000;

/** Waits until the wasm has hydrated the page (the app marks <body>).
 *
 *  Once in hundreds of page loads on a loaded CI machine, a page has not
 *  hydrated at all (seen once, on /signup, with the server answering
 *  other tests meanwhile). So that the next occurrence says why, a page
 *  that has not hydrated in 20 s is described (what loaded, how, and what
 *  the console said), noted on the test's report, and loaded once more;
 *  a second failure fails the test with that description. */
export async function hydrated(page: Page) {
  try {
    await page.waitForSelector('body[data-hydrated]', { timeout: HYDRATION_MS });
    return;
  } catch {
    // Described below.
  }
  const first = await describeUnhydrated(page);
  console.warn(`end2end: ${page.url()} did not hydrate in ${HYDRATION_MS / 1000} s; loading it again. ${first}`);
  test.info().annotations.push({ type: 'hydration retried', description: first });
  const errors: string[] = [];
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('requestfailed', (request) => errors.push(`${request.url()} failed: ${request.failure()?.errorText}`));
  await page.reload();
  try {
    await page.waitForSelector('body[data-hydrated]', { timeout: HYDRATION_MS });
  } catch {
    throw new Error(
      `${page.url()} did not hydrate, twice. First load: ${first}. ` +
        `Second load: ${await describeUnhydrated(page)}; console errors: ${errors.join(' | ') || 'none'}`,
    );
  }
}

/** What the page loaded of the app's scripts and wasm, and the document's state. */
async function describeUnhydrated(page: Page): Promise<string> {
  try {
    return await page.evaluate(() => {
      const assets = performance
        .getEntriesByType('resource')
        .filter((entry) => /\/pkg\//.test(entry.name))
        .map((entry) => {
          const timing = entry as PerformanceResourceTiming;
          return `${new URL(timing.name).pathname} status ${timing.responseStatus} in ${Math.round(timing.duration)} ms, ${timing.transferSize} bytes`;
        });
      return `document ${document.readyState}; app assets: ${assets.join(', ') || 'none requested'}`;
    });
  } catch (error) {
    return `the page could not be examined: ${error}`;
  }
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

/** What `sql` prints, trimmed: psql on the run's database
 *  (E2E_DATABASE_URL, which scripts/test passes). */
export function psql(sql: string): string {
  const url = process.env.E2E_DATABASE_URL;
  if (!url) throw new Error('E2E_DATABASE_URL is not set: run these tests with scripts/test');
  return execFileSync('psql', [url, '-XAtq', '-c', sql], { encoding: 'utf8' }).trim();
}

/** SQL for the id of the account the user `email` belongs to. */
export function accountOf(email: string): string {
  return `(SELECT account_id FROM users WHERE lower(email) = lower('${email.replace(/'/g, "''")}'))`;
}
