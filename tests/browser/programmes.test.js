'use strict';
// Programmes in a real browser (issue 19 part 5): a reader opens the demo's falls programme and
// sees its projects with their scores and spread and the SPC chart of its pooled measure; a QI
// lead starts a programme, has a bad form refused with its field named, adds projects found by
// words and a measure pooled from theirs, and removes it after a confirmation. Photographed at
// desktop and phone widths and checked with axe-core.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const { member, qiLead } = h.DEMO;

let server;
let browser;

async function tokenOf(email, password) {
  const login = await fetch(`${server.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return (await login.json()).access_token;
}

async function api(path, token) {
  const response = await fetch(`${server.baseUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
  assert.ok(response.ok, `${path}: ${response.status}`);
  return response.json();
}

describe('Programmes in the browser', () => {
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

  it('a reader sees the falls programme: its projects and its pooled measure', { timeout: 180_000 }, async () => {
    for (const phone of [false, true]) {
      const page = await h.newPage(browser, { phone });
      await h.signIn(page, server.baseUrl, member.email, member.password);
      await page.goto(`${server.baseUrl}/programmes`);
      await h.expectH1(page, 'Programmes');
      const card = page.locator('.programme-card', { hasText: 'Reducing inpatient falls across the system' });
      await h.expectVisible(page, card, 'the falls programme in the list');
      await h.expectVisible(page, card.getByText(/projects across \d+ organisations/), 'its reach');
      // Nobody but admins may start one.
      assert.equal(await page.getByRole('link', { name: 'Start a programme' }).count(), 0);
      await h.record(page, 'programmes', 'the programmes');
      await card.getByRole('link', { name: 'Reducing inpatient falls across the system' }).click();
      await h.expectH1(page, 'Reducing inpatient falls across the system');
      const rows = page.locator('table.programme-projects tbody tr');
      await h.expectVisible(page, rows.first(), 'its projects');
      assert.ok((await rows.count()) >= 2, 'projects of several organisations');
      const measure = page.locator('section.programme-measure').first();
      await h.expectVisible(page, measure.locator('.chart svg'), "the pooled measure's chart");
      await h.expectVisible(page, measure.getByText(/Pooled from \d+ projects' measures/), 'what it pools');
      assert.equal(await page.getByRole('button', { name: 'Remove the programme' }).count(), 0);
      await h.record(page, 'programme', 'a programme');
      // Each project's page names the programmes it is part of.
      const first = rows.first().getByRole('link');
      const title = await first.innerText();
      await first.click();
      await h.expectH1(page, title);
      await h.expectVisible(
        page,
        page.locator('.project__programmes').getByRole('link', { name: 'Reducing inpatient falls across the system' }),
        'the programme named on its project',
      );
      await page.close();
    }
  });

  it('a QI lead starts a programme, adds projects and a pooled measure, then removes it', { timeout: 240_000 }, async () => {
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, qiLead.email, qiLead.password);
    await page.goto(`${server.baseUrl}/programmes`);
    await page.getByRole('link', { name: 'Start a programme' }).click();
    await h.expectH1(page, 'Start a programme');

    // Refused by the form, naming the field.
    await page.getByRole('button', { name: 'Start the programme', exact: true }).click();
    await h.expectVisible(page, page.locator('.error-summary', { hasText: 'Enter a name' }), 'the name asked for');

    await page.getByLabel('Name', { exact: true }).fill('Falls at night across the system');
    await page.getByLabel('Aim', { exact: true }).fill('Halve night-time falls on the partnership\'s wards by next winter');
    await page.getByLabel('Find projects to add').fill('falls');
    await page.getByRole('button', { name: 'Find projects', exact: true }).click();
    const adds = page.locator('.search-results button', { hasText: /^Add / });
    await h.expectVisible(page, adds.first(), 'projects to add');
    await adds.first().click();
    await adds.first().click();
    assert.equal(await page.locator('.programme-form__projects li').count(), 2);
    await h.record(page, 'programme-form', 'the programme form');
    await page.getByRole('button', { name: 'Start the programme', exact: true }).click();
    await h.expectH1(page, 'Falls at night across the system');
    await h.expectVisible(page, page.locator('table.programme-projects tbody tr').nth(1), 'its two projects');
    assert.match(page.url(), /\/programmes\/\d+$/);
    const id = Number(page.url().split('/').pop());

    // A measure pooled from the projects' like measures.
    await page.getByRole('button', { name: 'Add a measure', exact: true }).click();
    const form = page.locator('form.programme-measure-form');
    await form.getByLabel('Name', { exact: true }).fill('Night falls per 1,000 bed days (system)');
    const sources = form.locator('input[type=checkbox]');
    await h.expectVisible(page, sources.first(), 'like measures to pool');
    const offered = await sources.count();
    for (let i = 0; i < offered; i += 1) await sources.nth(i).check();
    await h.record(page, 'programme-measure-form', 'the programme measure form');
    await form.getByRole('button', { name: 'Add the measure', exact: true }).click();
    const measure = page.locator('section.programme-measure', { hasText: 'Night falls per 1,000 bed days (system)' });
    await h.expectVisible(page, measure.locator('.chart svg'), 'the new measure charted');
    const stored = await api(`/programmes/${id}`, await tokenOf(qiLead.email, qiLead.password));
    assert.equal(stored.measures[0].sources.length, offered);
    assert.ok(stored.measures[0].points.length > 0, 'pooled points');

    // Removed after a confirmation.
    await page.getByRole('button', { name: 'Remove the programme', exact: true }).click();
    await h.expectVisible(page, page.getByRole('alertdialog'), 'the confirmation');
    await page.getByRole('button', { name: 'Yes, remove it', exact: true }).click();
    await h.expectPath(page, '/programmes');
    const gone = await fetch(`${server.baseUrl}/api/v1/programmes/${id}`, {
      headers: { authorization: `Bearer ${await tokenOf(qiLead.email, qiLead.password)}` },
    });
    assert.equal(gone.status, 404);
  });
});
