// Accounts and sign-in: sign-up, sign-in, sign-out, wrong passwords,
// throttling, and the walls around the API.
import { test, expect } from '@playwright/test';
import { hydrated, signIn, signUpNewAccount } from './support';

test('a visitor without a session is sent to sign in, then back where they were going', async ({ page }) => {
  const { email, password } = await signUpNewAccount(page);
  await page.context().clearCookies();
  await page.goto('/contacts/import');
  await expect(page).toHaveURL(/\/login\?next=%2Fcontacts%2Fimport$/);
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/contacts\/import$/);
});

test('sign up, sign out and sign in again', async ({ page }) => {
  const { email, password } = await signUpNewAccount(page, 'Seaside Rentals');
  await expect(page.getByText('Seaside Rentals')).toBeVisible();
  await expect(page.getByText('No contacts match.')).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/contacts');
  await expect(page).toHaveURL(/\/login/);

  await signIn(page, email, password);
  await expect(page.getByText('Seaside Rentals')).toBeVisible();
});

test('a wrong password is refused, and repeated failures back off for seconds, not a lock', async ({ page }) => {
  const { email, password } = await signUpNewAccount(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await hydrated(page);

  for (let attempt = 1; attempt <= 5; attempt++) {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(`wrong password ${attempt}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toHaveText('The email or password is not right. Check them and try again.');
    await expect(page).toHaveURL(/\/login$/);
  }
  // Even the right password waits out the back-off, which is said in seconds.
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    /^Too many failed sign-in attempts\. Wait (\d+ seconds|a second), then try again\.$/,
  );
  await expect(page).toHaveURL(/\/login$/);
});

test('sign out everywhere, from the account menu by keyboard, ends the other sessions too', async ({ page, browser }) => {
  const { email, password } = await signUpNewAccount(page, 'Everywhere Lettings');
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, email, password);

  await hydrated(page);
  // The account menu opens with the keyboard and shows who is signed in.
  await page.getByLabel('Account: Everywhere Lettings').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('.account-menu').getByText(email)).toBeVisible();
  // Organisation settings first, then signing out everywhere.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Organisation settings' })).toBeFocused();
  const everywhere = page.getByRole('button', { name: 'Sign out everywhere' });
  await page.keyboard.press('Tab');
  await expect(everywhere).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/login$/);

  await otherPage.goto('/contacts');
  await expect(otherPage).toHaveURL(/\/login\?next=%2Fcontacts$/);
  await other.close();
});

test('an unknown email gets the same answer as a wrong password', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill('nobody-here@example.com');
  await page.getByLabel('Password').fill('whatever password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('The email or password is not right. Check them and try again.');
});

test('server functions answer 401 without a session and a cross-origin POST is refused', async ({ request, baseURL }) => {
  const list = await request.post('/api/list_contacts', {
    data: { query: { search: '', category: null, sort: 'name', after: null } },
  });
  expect(list.status()).toBe(401);
  expect(await list.text()).not.toContain('@');

  const forged = await request.post('/api/sign_in', {
    headers: { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' },
    data: 'email=a%40b.co&password=x',
  });
  expect(forged.status()).toBe(403);

  const sameSite = await request.post('/api/sign_in', {
    headers: { Origin: baseURL!, 'Content-Type': 'application/x-www-form-urlencoded' },
    data: 'email=a%40b.co&password=wrong-password',
  });
  expect(sameSite.status()).toBe(401);
});
