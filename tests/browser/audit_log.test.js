'use strict';
// The audit log in a real browser (issue 18): the partnership admin makes an API token, opens the
// audit log from the header and finds the entry under their name; filters by who and by the kind
// of object, keeps the filters through a reload (they live in the address), is told what a wrong
// range of days is, sees the empty state for days with nothing, and exports the filtered log as
// CSV. An organisation's admin has the page without the organisation filter; a member neither
// sees the link nor opens the page. Every page is photographed and checked with axe-core, at
// desktop and phone widths.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const h = require('./harness');

const { admin, qiLead, member } = h.DEMO;

let server;
let browser;

/** Makes a token on the API tokens page (as the person signed in on `page`). */
async function makeToken(page, name) {
  await page.getByRole('link', { name: 'API tokens' }).click();
  await h.expectH1(page, 'API tokens');
  const form = page.locator('#new-token');
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByLabel('Read projects', { exact: true }).check();
  await form.getByRole('button', { name: 'Make the token' }).click();
  await h.expectVisible(page, page.locator('#token-secret'), 'the secret panel');
}

/** Chooses the option of `select` whose label contains `text`. */
async function chooseContaining(page, select, text) {
  await h.expectVisible(page, select.locator('option', { hasText: text }), `an option with ${JSON.stringify(text)}`, {
    state: 'attached',
  });
  const value = await select.locator('option', { hasText: text }).first().getAttribute('value');
  await select.selectOption(value);
}

describe('The audit log in the browser', () => {
  before(
    async () => {
      server = await h.startServer();
      browser = await h.launchBrowser();
    },
    { timeout: 360_000 },
  );

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  for (const phone of [false, true]) {
    const width = phone ? 'phone' : 'desktop';
    it(`the partnership admin finds the token they made, filters and exports (${width})`, { timeout: 180_000 }, async () => {
      const page = await h.newPage(browser, { phone });
      await h.signIn(page, server.baseUrl, admin.email, admin.password);
      const token = `Audit ${width} ${Date.now()}`;
      await makeToken(page, token);

      // The newest entry is the token just made, under the admin's name.
      await page.getByRole('link', { name: 'Audit log' }).click();
      await h.expectH1(page, 'Audit log');
      await h.expectPath(page, '/admin/audit-log');
      const rows = page.locator('#audit-log tbody tr');
      await h.expectVisible(page, rows.first(), 'the log');
      const newest = rows.first();
      await h.expectVisible(page, newest.getByRole('link', { name: admin.name }), "the admin's name on the newest entry");
      await h.expectVisible(page, newest.getByText('POST /api/v1/api-tokens'), 'what they did');
      await h.expectVisible(page, newest.getByText('api-tokens'), 'the kind of object');
      await h.expectVisible(page, page.getByLabel('Organisation', { exact: true }), 'the organisation filter');
      await h.record(page, 'audit-log', 'the audit log');

      // Filtered to the admin's own token changes: the address keeps the filters.
      await page.getByLabel('Who', { exact: true }).selectOption('person');
      await chooseContaining(page, page.getByLabel('Person', { exact: true }), admin.name);
      await page.getByLabel('Kind of object', { exact: true }).fill('api-tokens');
      await page.getByRole('button', { name: 'Filter', exact: true }).click();
      await page.waitForURL((url) => url.searchParams.get('object_type') === 'api-tokens' && url.searchParams.has('person_id'));
      await h.expectVisible(page, rows.first(), 'the filtered log');
      await h.settle(page);
      const texts = await rows.allInnerTexts();
      assert.ok(texts.length > 0, 'some entries match');
      for (const text of texts) {
        assert.ok(text.includes(admin.name), `an entry by someone else: ${text}`);
        assert.ok(text.includes('api-tokens'), `an entry about something else: ${text}`);
      }
      await h.record(page, 'audit-log-filtered', 'the audit log filtered');

      // A reload keeps the filters, in the list and in the form.
      await page.reload();
      await h.expectH1(page, 'Audit log');
      await h.expectVisible(page, rows.first(), 'the filtered log after a reload');
      assert.equal(await page.getByLabel('Kind of object', { exact: true }).inputValue(), 'api-tokens');
      assert.equal(await page.getByLabel('Who', { exact: true }).inputValue(), 'person');

      // The export carries the filters and comes with the session.
      const link = page.getByRole('link', { name: /^Export CSV/ });
      const href = await link.getAttribute('href');
      assert.match(href, /^\/api\/v1\/audit-log\/export\?format=csv&/);
      assert.match(href, /object_type=api-tokens/);
      assert.match(href, /person_id=\d+/);
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      assert.match(download.suggestedFilename(), /^audit-log-\d{4}-\d{2}-\d{2}\.csv$/);
      const csv = fs.readFileSync(await download.path(), 'utf8');
      assert.ok(csv.includes('api-tokens'), 'the export has the entries');
      assert.ok(csv.includes(admin.name), "the export names the admin");

      // A range of days that ends before it starts is refused before anything is sent.
      await page.getByLabel('From', { exact: true }).fill('2026-12-02');
      await page.getByLabel('To', { exact: true }).fill('2026-12-01');
      await page.getByRole('button', { name: 'Filter', exact: true }).click();
      const summary = page.locator('.error-summary');
      await h.expectVisible(page, summary.getByRole('link', { name: 'Choose a first day no later than the last' }), 'the range refused');
      await h.record(page, 'audit-log-errors', 'the audit log filters with an error');

      // Days with nothing logged: the empty state.
      await page.getByLabel('From', { exact: true }).fill('2020-01-01');
      await page.getByLabel('To', { exact: true }).fill('2020-01-31');
      await page.getByRole('button', { name: 'Filter', exact: true }).click();
      await page.waitForURL((url) => url.searchParams.get('to') === '2020-01-31');
      await h.expectVisible(page, page.getByText('No entries match these filters'), 'the empty state');
      assert.equal(await page.locator('.error-summary').count(), 0, 'the errors gone');
      await h.record(page, 'audit-log-empty', 'the audit log with nothing matching');

      // Cleared, everything again.
      await page.getByRole('link', { name: 'Clear filters' }).click();
      await page.waitForURL((url) => url.search === '');
      await h.expectVisible(page, rows.first(), 'the whole log again');
      h.assertNoErrors(page);
    });
  }

  it("an organisation's admin reads the log without the organisation filter", { timeout: 120_000 }, async () => {
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, qiLead.email, qiLead.password);
    const token = `Audit lead ${Date.now()}`;
    await makeToken(page, token);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await h.expectH1(page, 'Audit log');
    await h.expectVisible(page, page.locator('#audit-log tbody tr').first().getByRole('link', { name: qiLead.name }), 'their entry');
    assert.equal(await page.getByLabel('Organisation', { exact: true }).count(), 0, 'no organisation filter');
    await page.getByLabel('Who', { exact: true }).selectOption('token');
    await chooseContaining(page, page.getByLabel('API token', { exact: true }), token);
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.waitForURL((url) => url.searchParams.has('api_token_id'));
    await h.expectVisible(page, page.getByText('No entries match these filters'), 'nothing done by the new token yet');
    await h.record(page, 'audit-log-organisation-admin', "an organisation admin's audit log");
    h.assertNoErrors(page);
  });

  it("an organisation's admin downloads data exports, each in the audit log", { timeout: 180_000 }, async () => {
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, qiLead.email, qiLead.password);
    await page.getByRole('link', { name: 'Data exports' }).click();
    await h.expectH1(page, 'Data exports');
    await h.expectPath(page, '/admin/exports');
    await h.record(page, 'data-exports', 'the data exports page');

    // Projects as CSV: a byte-order mark, a header, the demo's projects.
    const projects = page.locator('#export-projects');
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      projects.getByRole('button', { name: 'CSV of projects' }).click(),
    ]);
    assert.match(csv.suggestedFilename(), /^projects-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = fs.readFileSync(await csv.path(), 'utf8');
    assert.ok(text.startsWith('\ufeffid,title,'), text.slice(0, 40));
    assert.ok(text.split('\n').length > 10, 'the demo projects');

    // Enrolments as NDJSON: one JSON object a line, each the organisation's people's or on
    // the courses it runs.
    const [ndjson] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#export-enrolments').getByRole('button', { name: 'NDJSON of enrolments' }).click(),
    ]);
    assert.match(ndjson.suggestedFilename(), /^enrolments-\d{4}-\d{2}-\d{2}\.ndjson$/);
    const lines = fs.readFileSync(await ndjson.path(), 'utf8').split('\n').filter((l) => l.length > 0);
    assert.ok(lines.length > 0, 'the demo enrolments');
    for (const line of lines) assert.ok(Number.isInteger(JSON.parse(line).cohort_id));

    // Both downloads are in the audit log.
    await page.getByRole('link', { name: 'Audit log' }).click();
    await h.expectH1(page, 'Audit log');
    await h.expectVisible(page, page.locator('#audit-log tbody tr', { hasText: '/api/v1/export/enrolments' }).first(), 'the enrolments export logged', { state: 'attached' });
    h.assertNoErrors(page);
  });

  it('a member neither sees the link nor opens the page', { timeout: 120_000 }, async () => {
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, member.email, member.password);
    assert.equal(await page.getByRole('link', { name: 'Audit log' }).count(), 0, 'no link for a member');
    await page.goto(`${server.baseUrl}/admin/audit-log`);
    await h.expectH1(page, 'You do not have permission');
    h.assertNoErrors(page);
  });
});
