// Bad and odd files from the corpus (the `corpus` crate), chosen on the
// import screen and posted to the server's file check: every file that must
// be refused gets a plain sentence in the browser and a 4xx with the same
// sentence from `POST /api/files/check`, and nothing is imported; odd but
// readable files (right-to-left text and emoji, padding everywhere, quoted
// line breaks) are read as the user means them and import.
//
// The files are generated, never committed: set CORPUS_DIR to a folder
// holding them (`cargo run -q --release -p corpus -- --only a,b DIR`), or
// leave it unset and the kinds this spec needs are written into
// target/e2e-corpus by the generator before the first test.
import { test, expect, type Page, type APIRequestContext, type Browser } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hydrated, signUpNewAccount } from './support';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const SCREENSHOTS = path.resolve(__dirname, '..', 'screenshots');

/** A file the reader must refuse: its status from the server and a
 *  distinctive phrase of the sentence both the page and the server say. */
type Refusal = {
  name: string;
  status: 413 | 415 | 422;
  phrase: string;
  /** What the page says instead, when it words the refusal itself (the
   *  size check happens before the file is read). */
  pagePhrase?: string;
  /** Screenshot it at desktop and 360 px width into end2end/screenshots. */
  screenshot?: boolean;
};

const REFUSALS: Refusal[] = [
  // Not a spreadsheet at all.
  { name: 'pdf-named.xlsx', status: 415, phrase: 'not a spreadsheet we can read (it looks like a PDF document)', screenshot: true },
  { name: 'png-named.xlsx', status: 415, phrase: 'not a spreadsheet we can read (it looks like a PNG picture)' },
  { name: 'word-document.xlsx', status: 415, phrase: 'not a spreadsheet we can read (it looks like a Word document)' },
  { name: 'zero-bytes.xlsx', status: 422, phrase: 'This file is empty.' },
  // Broken and hostile packages.
  { name: 'truncated.xlsx', status: 422, phrase: 'This file is damaged or incomplete' },
  { name: 'corrupt-central-directory.xlsx', status: 422, phrase: 'This file is damaged or incomplete' },
  { name: 'zip-bomb.xlsx', status: 422, phrase: 'This file looks unsafe', screenshot: true },
  { name: 'too-many-entries.xlsx', status: 422, phrase: 'This file looks unsafe' },
  { name: 'billion-laughs.xlsx', status: 422, phrase: 'This file is damaged or incomplete' },
  // calamine would build a 16.7 million cell grid: the reader's sandbox (the
  // server's child process, the page's worker) stops it.
  // grid-bomb.xls is not here: at the default limits its 16.7 million cell
  // grid fits both sandboxes (the worker's 1 GiB wasm memory, the server
  // child's 1 GiB address space), so it reads on both sides; the child
  // stopping it for memory is shown at a lower limit in
  // sheets/tests/read_sandbox.rs.
  { name: 'password-protected.xlsx', status: 422, phrase: 'This file is password-protected', screenshot: true },
  { name: 'zip-encrypted.xlsx', status: 422, phrase: 'This file is password-protected' },
  { name: 'excel-4.xls', status: 422, phrase: 'a very old version of Excel' },
  // Past a limit.
  // One byte over 25 MB: the page rounds the size up, so it never reads as the limit.
  {
    name: 'too-large.csv', status: 413, phrase: 'the largest file you can import is 25 MB',
    pagePhrase: 'This file is 25.1 MB; the largest file you can import is 25 MB. Split it into smaller files',
  },
  // (million-rows.xlsx is left out: refused correctly, but reading up to the
  // limit took 6 to 18 s in the page and 2 to 11 s on the server here.)
  { name: 'million-rows.csv', status: 422, phrase: 'has more than 200,000 rows of contacts' },
  { name: '16k-columns.xlsx', status: 422, phrase: 'has 16,384 columns; at most 100 can be imported' },
  // Readable bytes, nothing to import.
  { name: 'invalid-utf8.csv', status: 422, phrase: 'not saved as UTF-8 text (the first unreadable character is on line 3)' },
  { name: 'whitespace-only.csv', status: 422, phrase: 'has no header row' },
  { name: 'empty-sheet.xlsx', status: 422, phrase: 'has no header row' },
  { name: 'very-hidden-only.xlsx', status: 422, phrase: 'This workbook has no worksheet to import' },
];

/** Odd but readable: read as the user means them, and imported. */
const ODD_BUT_VALID = ['rtl-and-emoji.xlsx', 'rtl-and-emoji.csv', 'whitespace-everywhere.csv', 'newlines-and-quotes.csv', 'excel-95.xls'];

/** Where the corpus files are, generating the missing ones. */
function corpusDir(): string {
  const dir = process.env.CORPUS_DIR ? path.resolve(process.env.CORPUS_DIR) : path.join(REPO_ROOT, 'target', 'e2e-corpus');
  const names = [...REFUSALS.map((refusal) => refusal.name), ...ODD_BUT_VALID];
  // Without CORPUS_DIR the files are always written afresh (a second or two),
  // so they always match the generator; a given folder is only filled in.
  const missing = process.env.CORPUS_DIR ? names.filter((name) => !existsSync(path.join(dir, name))) : names;
  if (missing.length > 0) {
    execFileSync('cargo', ['run', '-q', '--release', '--locked', '-p', 'corpus', '--', '--only', missing.join(','), dir], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: 15 * 60_000,
    });
  }
  return dir;
}

let corpus = '';
const fileOf = (name: string) => path.join(corpus, name);

async function openImport(page: Page) {
  await page.goto('/contacts/import');
  await hydrated(page);
}

/** Posts the file's bytes to the server's check, as a browser on this site would. */
async function postCheck(request: APIRequestContext, baseURL: string, name: string) {
  return request.post(`/api/files/check?name=${encodeURIComponent(name)}`, {
    data: readFileSync(fileOf(name)),
    headers: { 'Content-Type': 'application/octet-stream', Origin: new URL(baseURL).origin },
    timeout: 60_000,
  });
}

test.beforeAll(async () => {
  test.setTimeout(15 * 60_000);
  corpus = corpusDir();
});

test.describe('files that must be refused', () => {
  // One account for the whole table (signing up is slow); each test checks
  // that it still has no contacts and no imports.
  const state = path.join(tmpdir(), `hostile-e2e-${process.pid}.json`);
  test.use({ storageState: state });

  test.beforeAll(async ({ browser }, testInfo) => {
    await signUpInto(browser, testInfo.project.use.baseURL!, state);
  });

  for (const refusal of REFUSALS) {
    test(`${refusal.name} is refused in the browser and by the server`, async ({ page, baseURL }) => {
      const size = statSync(fileOf(refusal.name)).size;
      await openImport(page);

      // The page: a plain sentence, back to choosing a file, no rows.
      const started = Date.now();
      await page.locator('#import-file').setInputFiles(fileOf(refusal.name));
      const alert = page.getByRole('alert').filter({ hasText: refusal.pagePhrase ?? refusal.phrase });
      await expect(alert).toBeVisible({ timeout: 20_000 });
      const pageSeconds = (Date.now() - started) / 1000;
      const shown = (await alert.innerText()).trim();
      expect(shown).toMatch(/\.$/);
      await expect(page.getByText('Select File to Import')).toBeVisible();
      await expect(page.locator('.file-details')).toHaveCount(0);
      await expect(page.locator('.grid-row')).toHaveCount(0);
      await expect(page.getByRole('button', { name: 'Confirm import' })).toHaveCount(0);

      if (refusal.screenshot) {
        await screenshots(page, refusal.name);
      }

      // The server: the same bytes, a 4xx and the same sentence.
      const posted = Date.now();
      const answer = await postCheck(page.request, baseURL!, refusal.name);
      const serverSeconds = (Date.now() - posted) / 1000;
      expect(answer.status()).toBe(refusal.status);
      expect(answer.headers()['content-type']).toContain('application/json');
      const body = await answer.json();
      expect(typeof body.error).toBe('string');
      expect(body.error).toContain(refusal.phrase);
      expect(body.error).toMatch(/\.$/);
      if (!refusal.pagePhrase) {
        expect(shown).toBe(body.error);
      }

      // Nothing was imported.
      await page.goto('/imports');
      await expect(page.getByText('No imports yet.')).toBeVisible();
      await page.goto('/contacts');
      await expect(page.getByText('No contacts match.')).toBeVisible();

      const timing = `${size} bytes; page ${pageSeconds.toFixed(1)} s, server ${serverSeconds.toFixed(1)} s, ${answer.status()}`;
      test.info().annotations.push({ type: 'timing', description: timing });
      console.log(`${refusal.name.padEnd(32)} ${timing}`);
    });
  }

  test('the check is refused without a session, and from another site', async ({ page, playwright, baseURL }) => {
    const anonymous = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
    const unsigned = await postCheck(anonymous, baseURL!, 'pdf-named.xlsx');
    expect(unsigned.status()).toBe(401);
    expect((await unsigned.json()).error).toBe('Please sign in to continue.');
    await anonymous.dispose();

    const crossSite = await page.request.post('/api/files/check?name=pdf-named.xlsx', {
      data: readFileSync(fileOf('pdf-named.xlsx')),
      headers: { 'Content-Type': 'application/octet-stream', Origin: 'https://evil.example' },
    });
    expect(crossSite.status()).toBe(403);

    const nameless = await page.request.post('/api/files/check', {
      data: readFileSync(fileOf('pdf-named.xlsx')),
      headers: { 'Content-Type': 'application/octet-stream', Origin: new URL(baseURL!).origin },
    });
    expect(nameless.status()).toBe(400);
    expect((await nameless.json()).error).toContain('name=');
  });
});

test.describe('odd files that must import fine', () => {
  test('an Excel 95 workbook is read by the server and the page', async ({ page, baseURL }) => {
    await signUpNewAccount(page);
    const answer = await postCheck(page.request, baseURL!, 'excel-95.xls');
    expect(answer.status()).toBe(200);
    const summary = await answer.json();
    expect(summary.format).toBe('Xls');
    expect(summary.rows).toBe(2);
    expect(summary.recognised).toEqual(['First Name', 'Last Name', 'Email', 'Phone']);

    await openImport(page);
    await page.locator('#import-file').setInputFiles(fileOf('excel-95.xls'));
    await expect(page.locator('.count.ok')).toContainText('2 valid');
    await expect(page.getByLabel('Row 2, First Name', { exact: true })).toHaveValue('Ana');
  });

  test('right-to-left text, direction marks and emoji import unchanged', async ({ page, baseURL }) => {
    await signUpNewAccount(page);
    for (const name of ['rtl-and-emoji.csv', 'rtl-and-emoji.xlsx']) {
      const answer = await postCheck(page.request, baseURL!, name);
      expect(answer.status()).toBe(200);
      const summary = await answer.json();
      expect(summary.rows).toBe(5);
      expect(summary.recognised).toEqual(['First Name', 'Last Name', 'Email']);
    }

    await openImport(page);
    await page.locator('#import-file').setInputFiles(fileOf('rtl-and-emoji.csv'));
    await expect(page.locator('.count.ok')).toContainText('5 valid');
    await expect(page.locator('.count.bad')).toContainText('0 with issues');
    await expect(page.locator('.status.ok')).toHaveCount(5);
    await expect(page.locator('.status.bad')).toHaveCount(0);

    await page.getByRole('button', { name: 'Choose another file' }).click();
    await page.locator('#import-file').setInputFiles(fileOf('rtl-and-emoji.xlsx'));
    await expect(page.locator('.count.ok')).toContainText('5 valid');
    await expect(page.locator('.status.bad')).toHaveCount(0);
    await expect(page.getByLabel('Row 4, First Name', { exact: true })).toHaveValue('Zoë 👩🏽‍💻');
    await page.getByRole('button', { name: 'Confirm import' }).click();
    await expect(page.getByRole('heading', { name: 'Import complete' })).toBeVisible();
    await expect(page.getByRole('status')).toContainText('Import complete: 5 created, 0 updated, 0 unchanged.');

    await page.goto('/contacts');
    const rows = (await page.locator('.contact-table tbody tr').allInnerTexts()).join('\n');
    for (const text of ['مريم', 'الحسيني', 'כהן', 'Nguyễn', '🏠 Flat 3 🇦🇺', 'Ωμέγα']) {
      expect(rows).toContain(text);
    }
  });

  test('padding, blank lines and quoted line breaks are read as the user means them', async ({ page, baseURL }) => {
    await signUpNewAccount(page);
    for (const [name, rows] of [['whitespace-everywhere.csv', 2], ['newlines-and-quotes.csv', 4]] as const) {
      const answer = await postCheck(page.request, baseURL!, name);
      expect(answer.status()).toBe(200);
      expect((await answer.json()).rows).toBe(rows);
    }

    // Spaces, tabs, no-break and zero-width spaces are trimmed from headers
    // and values; the blank line is skipped.
    await openImport(page);
    await page.locator('#import-file').setInputFiles(fileOf('whitespace-everywhere.csv'));
    await expect(page.locator('.grid-body .grid-row')).toHaveCount(2);
    await expect(page.getByLabel('Row 3, First Name', { exact: true })).toHaveValue('Ana');
    await expect(page.getByLabel('Row 3, Email', { exact: true })).toHaveValue('ana.silva@example.com');
    await expect(page.getByLabel('Row 3, Phone', { exact: true })).toHaveValue('0412 345 678');
    await expect(page.getByLabel('Row 5, First Name', { exact: true })).toHaveValue('Ben');
    await expect(page.getByLabel('Row 5, Email', { exact: true })).toHaveValue('ben@example.com');
    // The file has no Last Name column, so that (and only that) is what
    // each new person lacks.
    const bad = page.locator('.grid-row.has-issues');
    await expect(bad).toHaveCount(2);
    for (const row of await bad.all()) {
      await expect(row.locator('.status.bad')).toContainText('1 issue');
      await expect(row).toContainText('Last Name is required for a person.');
    }

    // Quoted commas, doubled quotes and line breaks stay inside their cells.
    await page.getByRole('button', { name: 'Choose another file' }).click();
    await page.locator('#import-file').setInputFiles(fileOf('newlines-and-quotes.csv'));
    await expect(page.locator('.grid-body .grid-row')).toHaveCount(4);
    await expect(page.getByLabel('Row 3, Last Name', { exact: true })).toHaveValue('O"Brien');
    await expect(page.getByLabel('Row 3, Notes', { exact: true })).toHaveValue('He said "hi"');
    // Multi-line cells keep their line breaks on screen and through an edit.
    await expect(page.getByLabel('Row 2, Notes', { exact: true })).toHaveValue('Line one\nLine two, with a comma');
    await expect(page.getByLabel('Row 4, Notes', { exact: true })).toHaveValue('a bare\nreturn and a\nnew line');
    await page.getByLabel('Row 2, Notes', { exact: true }).fill('Line one\nLine two, edited');
    // Line 6 leaves Last Name blank, on purpose; the other three are green.
    await expect(page.locator('.count.ok')).toContainText('3 valid');
    await expect(page.locator('.grid-row.has-issues')).toHaveCount(1);
    await expect(page.locator('.grid-row.has-issues')).toContainText('Last Name is required for a person.');
    await page.getByRole('button', { name: 'Remove row 6 from the import' }).click();
    await expect(page.locator('.count.bad')).toContainText('0 with issues');
    await page.getByRole('button', { name: 'Confirm import' }).click();
    await expect(page.getByRole('status')).toContainText('Import complete: 3 created, 0 updated, 0 unchanged.');
    await page.goto('/contacts?q=brien');
    await expect(page.locator('.contact-table tbody tr')).toHaveCount(1);
    await expect(page.locator('.contact-table tbody tr')).toContainText('O"Brien');
    await page.goto('/contacts?q=ana.silva');
    await page.getByRole('link', { name: 'Ana Silva' }).click();
    await hydrated(page);
    await expect(page.getByLabel('Notes', { exact: true })).toHaveValue('Line one\nLine two, edited');
  });
});

/** Signs up a fresh account in its own context and saves its cookies to `state`. */
async function signUpInto(browser: Browser, baseURL: string, state: string) {
  // Not the storage state the tests use: it does not exist yet.
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await signUpNewAccount(page, 'Hostile Files Lettings');
  await context.storageState({ path: state });
  await context.close();
}

/** The refusal as it looks at desktop width and on a 360 px phone, where the
 *  message must be on screen without scrolling sideways. */
async function screenshots(page: Page, name: string) {
  const stem = name.replace(/\.[^.]+$/, '');
  await page.screenshot({ path: path.join(SCREENSHOTS, `hostile-${stem}-desktop.png`) });
  await page.setViewportSize({ width: 360, height: 740 });
  await expect(page.getByRole('alert')).toBeInViewport();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: path.join(SCREENSHOTS, `hostile-${stem}-360.png`) });
  await page.setViewportSize({ width: 1280, height: 800 });
}
