'use strict';
// Type of work and quality dimensions in a real browser (issue 19 part 6): a member starts a
// clinical audit serving safety and equity, sees both on its page, changes them, and finds it
// through the register's filters; the partnership admin reads the dashboard's project figures by
// type and by quality dimension and follows a row to its projects. The form, the register and
// the breakdown are photographed at desktop and phone widths and checked with axe-core.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const { admin, member } = h.DEMO;
const TITLE = 'Re-audit of sepsis six within the hour';

let server;
let browser;

/** The text of the overview's row named `label`. */
async function overviewRow(page, label) {
  const row = page.locator('dl.summary-list').first().locator('.summary-list__row', { has: page.locator('dt', { hasText: label }) });
  await h.expectVisible(page, row, `the row "${label}"`);
  return (await row.locator('dd').textContent()).trim();
}

describe('Type of work and quality dimensions in the browser', () => {
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

  it('a member starts a clinical audit, names its dimensions and finds it by the filters', { timeout: 240_000 }, async () => {
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, member.email, member.password);
    await page.goto(`${server.baseUrl}/projects/new`);
    await h.expectH1(page, 'Start a project');
    await page.getByLabel('Title', { exact: true }).fill(TITLE);
    await page.getByLabel('Aim statement', { exact: true }).fill('All patients with suspected sepsis get the sepsis six within an hour by June 2027');
    const type = page.getByLabel('Type of work', { exact: true });
    assert.equal(await type.inputValue(), 'qi_project', 'a QI project unless chosen otherwise');
    await type.selectOption('clinical_audit');
    const dimensions = page.getByRole('group', { name: 'Quality dimensions' });
    await h.expectVisible(page, dimensions, 'the quality dimensions');
    assert.equal(await dimensions.getByRole('checkbox').count(), 6);
    await dimensions.getByLabel('Equity', { exact: true }).check();
    await dimensions.getByLabel('Safe', { exact: true }).check();
    await h.record(page, 'project-type-form', 'the form with type and dimensions');
    await page.getByRole('button', { name: 'Save project', exact: true }).click();
    await h.expectH1(page, TITLE);
    assert.equal(await overviewRow(page, 'Type of work'), 'Clinical audit');
    assert.equal(await overviewRow(page, 'Quality dimensions'), 'Safe, Equity');
    const projectUrl = page.url();

    // Change them: a dimension off, another on.
    await page.getByRole('link', { name: 'Edit project', exact: true }).click();
    await h.expectH1(page, 'Edit project');
    const edit = page.getByRole('group', { name: 'Quality dimensions' });
    assert.equal(await edit.getByLabel('Safe', { exact: true }).isChecked(), true);
    await edit.getByLabel('Equity', { exact: true }).uncheck();
    await edit.getByLabel('Effective', { exact: true }).check();
    await page.getByRole('button', { name: 'Save project', exact: true }).click();
    await h.expectH1(page, TITLE);
    assert.equal(await overviewRow(page, 'Quality dimensions'), 'Safe, Effective');

    // The register finds it by type and dimension, and not by a dimension it no longer serves.
    await page.goto(`${server.baseUrl}/projects`);
    await h.expectH1(page, 'Projects');
    await page.getByLabel('Type of work', { exact: true }).selectOption('clinical_audit');
    await page.getByLabel('Quality dimension', { exact: true }).selectOption('effective');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const card = page.locator('.project-card', { hasText: TITLE });
    await h.expectVisible(page, card, 'the audit found by its type and dimension');
    await h.expectVisible(page, card.locator('.tag', { hasText: 'Clinical audit' }), 'its type on the card');
    const titles = await page.locator('.project-card').evaluateAll((cards) => cards.map((c) => c.textContent));
    assert.ok(titles.every((t) => t.includes('Clinical audit')), 'only audits listed');
    await h.record(page, 'project-type-register', 'the register filtered by type and dimension');
    await page.getByLabel('Quality dimension', { exact: true }).selectOption('equity');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await h.expectVisible(page, page.locator('.results-count, p.empty').first(), 'the list again');
    await page.waitForFunction((t) => ![...document.querySelectorAll('.project-card')].some((c) => c.textContent.includes(t)), TITLE);
    await page.goto(projectUrl);
    await h.expectH1(page, TITLE);
  });

  for (const phone of [false, true]) {
    it(`the dashboard breaks the project figures down (${phone ? 'phone' : 'desktop'})`, { timeout: 180_000 }, async () => {
      const page = await h.newPage(browser, { phone });
      await h.signIn(page, server.baseUrl, admin.email, admin.password);
      await page.goto(`${server.baseUrl}/dashboard`);
      await h.expectH1(page, 'Partnership dashboard');
      await page.getByRole('link', { name: 'Projects by type and quality dimension', exact: true }).click();
      await h.expectH1(page, 'Projects by type and quality dimension');
      const table = page.locator('table#breakdown');
      await h.expectVisible(page, table, 'the breakdown');
      const heads = await table.locator('tbody th').evaluateAll((cells) => cells.map((c) => c.textContent.trim()));
      assert.deepEqual(heads, ['All projects', 'QI project', 'Clinical audit', 'Service evaluation']);
      // The types' projects add up to all of them.
      const counts = await table.locator('tbody td[data-label="Projects recorded"]').evaluateAll((cells) => cells.map((c) => Number(c.textContent.trim())));
      assert.equal(counts[1] + counts[2] + counts[3], counts[0], `${counts}`);
      assert.ok(counts[2] > 0 && counts[3] > 0, `${counts}`);
      await h.record(page, 'dashboard-breakdown-type', 'the breakdown by type');

      await page.getByLabel('Break down by', { exact: true }).selectOption('quality_dimension');
      await h.expectVisible(page, table.locator('tbody th', { hasText: 'Equity' }), 'the rows by dimension');
      const rows = await table.locator('tbody th').evaluateAll((cells) => cells.map((c) => c.textContent.trim()));
      assert.deepEqual(rows, ['All projects', 'Safe', 'Effective', 'Caring', 'Responsive', 'Well-led', 'Equity']);
      await h.record(page, 'dashboard-breakdown-dimension', 'the breakdown by dimension');

      // A row opens the register filtered to it.
      await table.getByRole('link', { name: 'Equity', exact: true }).click();
      await h.expectH1(page, 'Projects');
      assert.match(page.url(), /quality_dimension=equity/);
      assert.equal(await page.getByLabel('Quality dimension', { exact: true }).inputValue(), 'equity');
      await h.expectVisible(page, page.locator('.project-card').first(), 'the projects serving equity');
    });
  }
});
