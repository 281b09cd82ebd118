// A real browser for the Hosted UI tests: Debian's chromium, headless, driven by
// playwright-core (no browser download), run by cognito-auth as $BROWSER with the
// /oauth2/authorize URL. It fills in the Hosted UI's login form as a person would, submits it,
// follows the redirect to cognito-auth's loopback listener, and waits for that page.
//
// Usage: node chromium_browser.mjs URL
// Environment: PLAYWRIGHT_CORE (the playwright-core folder), CHROMIUM (the executable),
// TEST_BROWSER_USER, TEST_BROWSER_PASSWORD, TEST_BROWSER_LOG (one JSON line is appended:
// {"step": "chromium", "url": the page it ended on, "status", "text": that page's text} or
// {"step": "chromium", "error"}). Run it under `flock TEST_BROWSER_LOG`, so a test that takes
// the lock reads the log complete, as with the scripted browser.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const url = process.argv[2];
const log = (fields) =>
  fs.appendFileSync(process.env.TEST_BROWSER_LOG, JSON.stringify({ step: 'chromium', ...fields }) + '\n');

const { chromium } = await import(
  pathToFileURL(path.join(process.env.PLAYWRIGHT_CORE, 'index.mjs')).href);
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
let browser;
try {
  // A new empty profile folder (chromium's --user-data-dir), removed at the end.
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage();
  await page.goto(url);
  await page.fill('input[name="username"]', process.env.TEST_BROWSER_USER);
  await page.fill('input[name="password"]', process.env.TEST_BROWSER_PASSWORD);
  // Submitting the form redirects to the loopback listener, which answers once cognito-auth
  // has finished the whole sign-in.
  const redirect = new URL(new URL(url).searchParams.get('redirect_uri'));
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().startsWith(redirect.origin + redirect.pathname),
      { timeout: 60_000 }),
    page.press('input[name="password"]', 'Enter'),
  ]);
  await page.waitForLoadState('load');
  log({ url: response.url(), status: response.status(), text: await page.innerText('body') });
} catch (e) {
  log({ error: String(e && e.message || e) });
  process.exitCode = 1;
} finally {
  if (browser) await browser.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
