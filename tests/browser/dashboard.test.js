'use strict';
// The partnership dashboard in a real browser (issue 15): the demo partnership's overview with
// every metric's figure and chart, one organisation's figures, a metric's own page with its
// chart and table of months, as of a past day, and the organisations compared. Every page is
// photographed at desktop and phone widths and checked with axe-core.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const { admin, member, qiLead } = h.DEMO;

let server;
let browser;

describe('The dashboard in the browser', () => {
  before(
    async () => {
      server = await h.startServer();
      browser = await h.launchBrowser();
    },
    { timeout: 90_000 },
  );

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  for (const phone of [false, true]) {
    it(`the overview, an organisation, a metric and the comparison (${phone ? 'phone' : 'desktop'})`, { timeout: 180_000 }, async () => {
      const page = await h.newPage(browser, { phone });
      await h.signIn(page, server.baseUrl, admin.email, admin.password);
      await page.goto(`${server.baseUrl}/dashboard`);
      await h.expectH1(page, 'Partnership dashboard');
      const active = page.locator('#metric-projects_active');
      await h.expectVisible(page, active.locator('.metric-card__value'), 'the active projects figure');
      const figure = Number((await active.locator('.metric-card__value').innerText()).replace(/,/g, ''));
      assert.ok(figure > 0, `the demo partnership has active projects, not ${figure}`);
      // Two years of demo history: the small chart is an XmR chart with its icons.
      await h.expectVisible(page, active.locator('svg').first(), 'a chart of active projects');
      await h.expectVisible(page, page.locator('#index-parts'), 'the parts of the self-sustainability index');
      await h.record(page, 'dashboard', 'the dashboard');

      // One organisation: its own figure, no larger than the partnership's.
      const select = page.getByLabel('Figures for', { exact: true });
      const options = await select.locator('option').allInnerTexts();
      assert.ok(options.length > 2, 'organisations to choose from');
      await select.selectOption({ index: 1 });
      await page.waitForURL((url) => url.searchParams.has('organisation_id'));
      await h.settle(page);
      const own = Number((await active.locator('.metric-card__value').innerText()).replace(/,/g, ''));
      assert.ok(own <= figure, `one organisation's ${own} is within the partnership's ${figure}`);

      // As of a past day, from the address: a metric's own page.
      await page.goto(`${server.baseUrl}/dashboard/metrics/projects_completed_to_date?as_of=2025-06-30`);
      await h.expectH1(page, 'Projects completed to date');
      await h.expectVisible(page, page.locator('#definition'), 'the definition');
      await h.expectVisible(page, page.locator('svg.spc-chart'), 'the chart');
      await h.expectVisible(page, page.locator('.as-of', { hasText: '30 June 2025' }), 'the as-of day');
      const months = await page.locator('#months tbody tr').count();
      assert.ok(months >= 12 && months <= 36, `the months up to June 2025 since the first record (${months})`);
      // The projects behind the figure, linked.
      await h.expectVisible(page, page.locator('#behind .member-list a').first(), 'a completed project behind the figure');
      await h.record(page, 'dashboard-metric', 'a metric');

      // The strategy's targets, with their progress; the partnership admin may set one.
      await page.goto(`${server.baseUrl}/dashboard/targets`);
      await h.expectH1(page, 'Strategy targets');
      await h.expectVisible(page, page.locator('.target-list li').first(), 'a target of the demo strategy');
      await h.expectVisible(page, page.getByRole('button', { name: 'Set a target', exact: true }), 'the button to set one');
      await h.record(page, 'dashboard-targets', 'the targets');

      await page.goto(`${server.baseUrl}/dashboard/organisations`);
      await h.expectH1(page, 'Compare organisations');
      await h.expectVisible(page, page.locator('#comparison .row--total'), "the partnership's row");
      await page.getByLabel('Metrics', { exact: true }).selectOption('projects');
      await h.expectVisible(page, page.locator('#comparison th', { hasText: 'Projects active' }), 'the projects columns');
      await h.record(page, 'dashboard-organisations', 'the comparison');
      h.assertNoErrors(page);
    });
  }

  for (const phone of [false, true]) {
    it(`an organisation admin's home shows their organisation at a glance (${phone ? 'phone' : 'desktop'})`, { timeout: 120_000 }, async () => {
      const page = await h.newPage(browser, { phone });
      await h.signIn(page, server.baseUrl, qiLead.email, qiLead.password);
      const glance = page.locator('#organisation-at-a-glance');
      await h.expectVisible(page, glance.locator('.headline-figure').first(), 'the headline figures');
      assert.equal(await glance.locator('.headline-figure').count(), 6);
      // The demo strategy gives the QI lead's trust ten places a month.
      await h.expectVisible(page, glance.locator('#organisation-targets tbody tr'), "the organisation's targets");
      await h.record(page, 'home-organisation-admin', "an organisation admin's home");
      h.assertNoErrors(page);
    });
  }

  it('a member reads the dashboard from the navigation', { timeout: 120_000 }, async () => {
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, member.email, member.password);
    await h.expectVisible(page, page.locator('#my-projects'), "the member's own work");
    assert.equal(await page.locator('#organisation-at-a-glance').count(), 0, 'no organisation figures for a member');
    await page.getByRole('link', { name: 'Dashboard', exact: true }).click();
    await h.expectH1(page, 'Partnership dashboard');
    await h.expectVisible(page, page.locator('#metric-people_trained .metric-card__value'), 'people trained');
    h.assertNoErrors(page);
  });
});
