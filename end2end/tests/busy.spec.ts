// The sign-in page when every password-checking slot is taken: the server
// answers at once with "busy, try again" (a 503) rather than queueing, and
// the page says so. Run on its own, after every other test (see the
// `busy` project in playwright.config.ts): the burst that fills the slots
// would make other tests' sign-ins busy too.
import { test, expect } from '@playwright/test';
import { hydrated, DEMO } from './support';

test('when the server is busy signing others in, the sign-in page says try again, and then it works', async ({ page, playwright, baseURL }) => {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(DEMO.email);
  await page.getByLabel('Password').fill(DEMO.password);

  // A burst of sign-ups (each hashes a password) from elsewhere. Sign-ups,
  // not wrong passwords, so that no throttle budget is spent.
  const burst = await playwright.request.newContext({ baseURL });
  const stamp = `${Date.now()}-${process.pid}`;
  let busySeen!: () => void;
  const saturated = new Promise<void>((resolve) => (busySeen = resolve));
  const answers = Array.from({ length: 150 }, (_, n) =>
    burst
      .post('/api/sign_up', {
        form: { organisation: 'Burst', name: '', email: `burst-${stamp}-${n}@example.com`, password: 'correct horse battery' },
        maxRedirects: 0,
      })
      .then((answer) => {
        if (answer.status() === 503) busySeen();
        return answer.status();
      }),
  );

  // The page's sign-in leaves only once the slots are known to be full.
  let held = true;
  await page.route('**/api/sign_in', async (route) => {
    if (held) {
      held = false;
      await saturated;
    }
    await route.continue();
  });
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('The server is busy signing other people in. Try again in a few seconds.');
  await expect(page).toHaveURL(/\/login$/);

  const statuses = await Promise.all(answers);
  expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(0);
  expect(statuses.every((status) => status === 503 || status < 400)).toBe(true);
  await burst.dispose();

  // Once the burst is over, the same click signs in.
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/contacts$/);
});
