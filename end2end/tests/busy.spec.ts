// The sign-in page when every password-checking slot is taken: the server
// answers at once with "busy, try again" (a 503) rather than queueing, and
// the page says so. Run on its own, after every other test (see the
// `busy` project in playwright.config.ts): the burst that fills the slots
// would make other tests' sign-ins busy too.
import { test, expect } from '@playwright/test';
import { hydrated, DEMO } from './support';

test('when the server is busy signing others in, the sign-in page says try again, and then it works', async ({ page, playwright, baseURL }) => {
  test.setTimeout(180_000);
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(DEMO.email);
  await page.getByLabel('Password').fill(DEMO.password);

  // Bursts of sign-ups (each hashes a password) from elsewhere: sign-ups,
  // not wrong passwords, so that no throttle budget is spent. The page's
  // own sign-in is held and sent (by the test, as the page sent it) while a
  // burst is in flight, until the server answers it "busy"; that real answer
  // is what the page gets. Slots free up between bursts, so one try alone
  // could be let through; the loop makes the test not depend on timing.
  const burst = await playwright.request.newContext({ baseURL });
  const stamp = `${Date.now()}-${process.pid}`;
  let sent = 0;
  const statuses: number[] = [];
  const wave = () =>
    Array.from({ length: 60 }, () =>
      burst
        .post('/api/sign_up', {
          form: { organisation: 'Burst', name: '', email: `burst-${stamp}-${sent++}@example.com`, password: 'correct horse battery' },
          maxRedirects: 0,
        })
        .then((answer) => statuses.push(answer.status())),
    );
  let held = true;
  await page.route('**/api/sign_in', async (route) => {
    if (!held) return route.continue();
    held = false;
    for (let attempt = 0; attempt < 20; attempt++) {
      const inFlight = wave();
      const answer = await route.fetch({ maxRedirects: 0 });
      await Promise.all(inFlight);
      if (answer.status() === 503) return route.fulfill({ response: answer });
    }
    return route.abort();
  });
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('The server is busy signing other people in. Try again in a few seconds.', { timeout: 120_000 });
  await expect(page).toHaveURL(/\/login$/);

  expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(0);
  expect(statuses.every((status) => status === 503 || status < 400)).toBe(true);
  await burst.dispose();

  // Once the burst is over, the same click signs in.
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/contacts$/);
});
