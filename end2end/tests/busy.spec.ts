// The sign-in page when every password-checking slot is taken: the server
// answers at once with "busy, try again" (a 503) rather than queueing, and
// the page says so. Run on its own, after every other test (see the
// `busy` project in playwright.config.ts): the burst that fills the slots
// would make other tests' sign-ins busy too.
import { test, expect } from '@playwright/test';
import { hydrated, DEMO } from './support';

test('when the server is busy signing others in, the sign-in page says try again, and then it works', async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(DEMO.email);
  await page.getByLabel('Password').fill(DEMO.password);

  // Sign-ups (each hashes a password) from elsewhere, kept up: sign-ups,
  // not wrong passwords, so that no throttle budget is spent. Sixty senders
  // each send another the moment theirs is answered, so a place freed at
  // the gate is taken again at once. The page's own sign-in is held, and
  // sent (by the test, as the page sent it) once a "busy" answer shows the
  // queue is full, while the pressure goes on; that real answer is what
  // the page gets. A single burst is not enough: on a quick machine it
  // drained before the held request arrived (20 tries in a row). The loop
  // makes the test not depend on timing. Node's own fetch, a connection
  // per request, so that they arrive at once.
  const signUp = new URL('/api/sign_up', baseURL);
  const stamp = `${Date.now()}-${process.pid}`;
  let sent = 0;
  const statuses: number[] = [];
  const pressure = () => {
    let queueFull = () => {};
    const full = new Promise<void>((resolve) => (queueFull = resolve));
    let going = true;
    const sender = async () => {
      while (going) {
        const answer = await fetch(signUp, {
          method: 'POST',
          body: new URLSearchParams({ organisation: 'Burst', name: '', email: `burst-${stamp}-${sent++}@example.com`, password: 'correct horse battery' }),
          redirect: 'manual',
        });
        statuses.push(answer.status);
        if (answer.status === 503) queueFull();
      }
    };
    const done = Promise.all(Array.from({ length: 60 }, sender));
    const stop = () => {
      going = false;
      return done;
    };
    // Never full (every sign-up let through) counts as a try that failed.
    return { full: Promise.race([full, new Promise<void>((resolve) => setTimeout(resolve, 10_000))]), stop };
  };
  let held = true;
  await page.route('**/api/sign_in', async (route) => {
    if (!held) return route.continue();
    held = false;
    for (let attempt = 0; attempt < 20; attempt++) {
      const burst = pressure();
      await burst.full;
      const answer = await route.fetch({ maxRedirects: 0 });
      await burst.stop();
      if (answer.status() === 503) return route.fulfill({ response: answer });
    }
    return route.abort();
  });
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('The server is busy signing other people in. Try again in a few seconds.', { timeout: 120_000 });
  await expect(page).toHaveURL(/\/login$/);

  expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(0);
  expect(statuses.every((status) => status === 503 || status < 400)).toBe(true);

  // Once the burst is over, the same click signs in.
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/contacts$/);
});
