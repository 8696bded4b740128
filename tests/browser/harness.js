'use strict';
// Shared machinery for the browser tests: a real `qi serve --demo` on a free port with a fresh
// SQLite database, headless system Chromium through playwright-core, axe-core accessibility
// checks, screenshots, and small waiting helpers that say what the page showed when they fail.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const REPO = path.resolve(__dirname, '..', '..');
const SCREENSHOT_DIR = path.join(REPO, 'tests', 'screenshots');
// Where cargo put it: CARGO_TARGET_DIR when set (relative to the repository, as the test
// script runs cargo there), else the repository's target folder.
const TARGET_DIR = path.resolve(REPO, process.env.CARGO_TARGET_DIR || 'target');
const QI_BIN = process.env.QI_BIN || path.join(TARGET_DIR, 'debug', 'qi');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const WEB_DIR = path.join(REPO, 'web', 'dist');

/** How long a wait for the page (an element, a navigation) may take, in milliseconds. */
const TIMEOUT_MS = Number(process.env.QI_BROWSER_TIMEOUT_MS || 15_000);
const READY_TIMEOUT_MS = 60_000;

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };

const DEMO = {
  admin: { email: 'admin@demo.qicommons.org', password: 'demo-admin-password', name: 'Alex Morgan' },
  qiLead: { email: 'qi.lead@demo.qicommons.org', password: 'demo-password', name: 'Priya Shah' },
  coach: { email: 'coach@demo.qicommons.org', password: 'demo-password' },
  member: { email: 'member@demo.qicommons.org', password: 'demo-password', name: 'Grace Lee' },
};

// ---------------------------------------------------------------------------------------------
// The server

/** A port nothing listens on right now (the OS picks it; there is a small race, as always). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `qi serve --demo` on a free port with a database of its own, and resolves once
 * GET /api/ready answers 200. Resolves to {baseUrl, stop(), output()}.
 */
async function startServer({ env: extraEnv = {} } = {}) {
  for (const [what, file] of [['the qi binary', QI_BIN], ['the built web app', path.join(WEB_DIR, 'index.html')]]) {
    if (!fs.existsSync(file)) {
      throw new Error(`${what} is missing at ${file}: build it first (cargo build --bin qi; trunk build)`);
    }
  }

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qi-browser-'));

  const env = { ...process.env };
  // A config file named by the caller's environment must not leak into the test server.
  delete env.QI_CONFIG;
  Object.assign(env, {
    QI_BIND: `127.0.0.1:${port}`,
    QI_DATABASE_URL: `sqlite://${tmp}/qi.db?mode=rwc`,
    QI_WEB_DIR: WEB_DIR,
    QI_LOG: 'warn',
    NO_COLOR: '1', // plain log lines when they are printed after a failure
    // Invitation links must point at this server, whatever the caller's environment says.
    QI_PUBLIC_URL: baseUrl,
  }, extraEnv);

  // cwd is the temp dir so that neither a ./qi.toml nor a ./data folder of the repo is used.
  const child = spawn(QI_BIN, ['serve', '--demo'], { cwd: tmp, env, stdio: ['ignore', 'pipe', 'pipe'] });

  // Keep the server's output (stderr and stdout, in order), bounded, to print if anything fails.
  let log = '';
  const keep = (chunk) => {
    log += chunk.toString();
    if (log.length > 200_000) log = log.slice(-200_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);

  let exited = null;
  const exitedPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });
  let spawnError = null;
  child.on('error', (err) => {
    spawnError = err;
  });
  // Never leave a server behind if the test process ends abruptly.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killOnExit);
    if (exited === null && !spawnError) {
      child.kill('SIGTERM'); // the server finishes requests in flight and exits
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitedPromise;
      clearTimeout(timer);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  for (;;) {
    if (spawnError || exited !== null) {
      lastProblem = spawnError ? `could not start: ${spawnError.message}` : `exited early: ${JSON.stringify(exited)}`;
      break;
    }
    try {
      const res = await fetch(`${baseUrl}/api/ready`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) {
        return { baseUrl, stop, output: () => log };
      }
      lastProblem = `GET /api/ready answered ${res.status}`;
    } catch (err) {
      lastProblem = `GET /api/ready failed: ${err.cause ? err.cause.code || err.cause.message : err.message}`;
    }
    if (Date.now() > deadline) {
      lastProblem = `not ready after ${READY_TIMEOUT_MS / 1000} s (${lastProblem})`;
      break;
    }
    await sleep(100);
  }

  await stop();
  process.stderr.write(`--- qi server output ---\n${log}\n--- end of qi server output ---\n`);
  throw new Error(`the qi server at ${baseUrl} did not start: ${lastProblem}`);
}

// ---------------------------------------------------------------------------------------------
// A real SMTP server (tests/mail/smtpd.sh: aiosmtpd, installed from PyPI the first time)

/**
 * Starts the tests' SMTP server on a free loopback port. Resolves to {url, received(), stop()}:
 * `received()` is every message it accepted so far ({to, subject, message_id, text, html}).
 */
async function startSmtp() {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qi-smtp-'));
  const child = spawn('bash', [path.join(REPO, 'tests/mail/smtpd.sh'), String(port), dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the SMTP server did not start within 5 minutes')), 300_000);
    child.stdout.on('data', (chunk) => {
      out += chunk.toString();
      if (out.split('\n').includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`the SMTP server exited (${code})`)));
  });
  const received = () => {
    const file = path.join(dir, 'messages.jsonl');
    if (!fs.existsSync(file)) return [];
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  };
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    /** The newest message to `address` whose subject contains `about`, waiting up to 20 s. */
    async to(address, about) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const found = received().filter((m) => m.to.includes(address) && m.subject.includes(about)).pop();
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no mail to ${address} about "${about}" within 20 s`);
        await sleep(100);
      }
    },
    stop() {
      process.removeListener('exit', killOnExit);
      child.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The browser

const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Headless system Chromium (no browser is downloaded: playwright-core drives /usr/bin/chromium). */
function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
}

// Chromium logs "Failed to load resource: the server responded with a status of 4xx" as a console
// error for every 4xx answer, and the tests provoke those on purpose (a wrong password, a refused
// refresh, a taken ODS code, a refused page). They are the API working, not the app failing, so
// they are kept apart; a 5xx, a network failure or anything the app itself logs still counts.
const EXPECTED_HTTP_ERROR = /^Failed to load resource: the server responded with a status of 4\d\d\b/;

/**
 * A page in a new browser context of its own, so every page starts a fresh session with empty
 * storage. `page.qiErrors` collects console errors and uncaught page errors (a wasm panic shows
 * up as both); `page.qiPhone` says which width it has.
 */
async function newPage(browser, { phone = false } = {}) {
  const context = await browser.newContext({
    viewport: phone ? PHONE : DESKTOP,
    deviceScaleFactor: 1,
    isMobile: phone,
    hasTouch: phone,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(TIMEOUT_MS);
  const page = await context.newPage();
  page.qiPhone = phone;
  page.qiErrors = [];
  page.qiHttpErrors = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    const where = msg.location() && msg.location().url ? ` (${msg.location().url})` : '';
    if (EXPECTED_HTTP_ERROR.test(text)) page.qiHttpErrors.push(`${text}${where}`);
    else page.qiErrors.push(`console error: ${text}${where}`);
  });
  page.on('pageerror', (err) => {
    page.qiErrors.push(`page error: ${err.stack || err.message}`);
  });
  return page;
}

// ---------------------------------------------------------------------------------------------
// Checks

const AXE_SOURCE = require.resolve('axe-core/axe.min.js');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Runs axe-core on the page as it is now and throws listing every WCAG 2.2 A/AA violation. */
async function checkA11y(page, label) {
  // A navigation since the last check leaves a page without axe: inject it once per document.
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
    // Evaluated rather than added as a <script>: the app's Content-Security-Policy (rightly)
    // refuses inline scripts it does not know.
    await page.evaluate(fs.readFileSync(AXE_SOURCE, 'utf8'));
  }
  const results = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS,
  );
  if (results.violations.length === 0) return;
  const lines = results.violations.map((v) => {
    const targets = v.nodes.map((n) => `      ${n.target.join(' ')}`).join('\n');
    return `  ${v.id} (${v.impact}): ${v.help}\n${targets}`;
  });
  throw new Error(
    `${label} (${page.qiPhone ? 'phone' : 'desktop'}, ${page.url()}): ` +
      `${results.violations.length} accessibility violation(s)\n${lines.join('\n')}`,
  );
}

/** Saves a full-page PNG to tests/screenshots/<name>-desktop.png or <name>-phone.png. */
async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}-${page.qiPhone ? 'phone' : 'desktop'}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  return file;
}

/**
 * Fails with what the page showed (URL, h1, errors) when `locator` is not visible in time.
 * `state: 'attached'` only asks for it to be in the document (for things a phone layout may fold
 * away behind a menu, like the signed-in person's name).
 */
async function expectVisible(page, locator, description, { timeout, state = 'visible' } = {}) {
  try {
    await locator.first().waitFor({ state, timeout });
  } catch (err) {
    const h1 = await page
      .locator('h1')
      .allInnerTexts()
      .catch(() => []);
    throw new Error(
      `expected ${description} on ${page.url()}; the page's h1: ${JSON.stringify(h1)}; ` +
        `page errors: ${JSON.stringify(page.qiErrors)}\n(${err.message.split('\n')[0]})`,
    );
  }
}

/** Waits for a visible h1 containing `text`. */
function expectH1(page, text) {
  return expectVisible(page, page.locator('h1').filter({ hasText: text }), `an h1 containing ${JSON.stringify(text)}`);
}

/** Waits until the page's path is `pathname` (a client-side route change counts). */
async function expectPath(page, pathname) {
  try {
    await page.waitForURL((url) => url.pathname === pathname);
  } catch (err) {
    throw new Error(`expected to be on ${pathname}, but the page is at ${page.url()}\n(${err.message.split('\n')[0]})`);
  }
}

/**
 * Lets a page finish loading its data before it is checked or photographed: the network goes
 * quiet for half a second. Bounded, since an app that polls never goes quiet.
 */
async function settle(page) {
  await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => {});
}

// ---------------------------------------------------------------------------------------------
// Signing in

/** Fills and sends the sign-in form already on the page (keeps wherever it was going to return to). */
async function submitSignIn(page, email, password) {
  const emailField = page.getByLabel('Email address', { exact: true });
  await expectVisible(page, emailField, "the sign-in form's 'Email address' field");
  await emailField.fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/**
 * Waits until the header's `.header__person` contains `text` (any text if none is given). It only
 * has to be in the document, not visible, since a phone layout may fold it into a menu.
 */
function expectSignedIn(page, text = /\S/) {
  return expectVisible(
    page,
    page.locator('.header__person').filter({ hasText: text }),
    `the header's .header__person containing ${text instanceof RegExp ? 'some text' : JSON.stringify(text)}`,
    { state: 'attached' },
  );
}

/** Signs in through the form and waits until the header names the person. */
async function signIn(page, baseUrl, email, password) {
  await page.goto(`${baseUrl}/sign-in`);
  await submitSignIn(page, email, password);
  await expectSignedIn(page);
}

/** Asserts that the page logged no console errors and threw no uncaught errors. */
function assertNoErrors(page) {
  require('node:assert/strict').deepEqual(page.qiErrors, [], `the page at ${page.url()} logged errors`);
}

/** Photographs the page, then runs axe on it (photo first, so a failing page is on disk). */
async function record(page, name, label = name) {
  await settle(page);
  await screenshot(page, name);
  await checkA11y(page, label);
}

module.exports = {
  REPO,
  assertNoErrors,
  record,
  SCREENSHOT_DIR,
  DEMO,
  TIMEOUT_MS,
  startServer,
  startSmtp,
  launchBrowser,
  newPage,
  checkA11y,
  screenshot,
  expectVisible,
  expectH1,
  expectPath,
  settle,
  submitSignIn,
  expectSignedIn,
  signIn,
};
