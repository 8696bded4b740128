'use strict';
// Search and the finder of similar work in a real browser (issue 19): a member searches from
// the header's Search link, sees results ranked with the words found marked and facets, narrows
// by a facet; writes a new project's aim and sees "Has this been done before?" suggest the
// demo's falls work while typing; and sees "Similar work" on a project's page. Every page is
// photographed and checked with axe-core, at desktop and phone widths.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const { member, qiLead } = h.DEMO;

let server;
let browser;

describe('Search and similar work in the browser', () => {
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
    it(`a member searches, is told of similar work while writing, and sees it on a project (${width})`, { timeout: 180_000 }, async () => {
      const page = await h.newPage(browser, { phone });
      await h.signIn(page, server.baseUrl, member.email, member.password);
      await page.getByRole('link', { name: 'Search', exact: true }).click();
      await h.expectH1(page, 'Search');
      await h.expectPath(page, '/search');

      // "falling" finds projects about falls, with the words found marked.
      await page.getByLabel('Search for').fill('falling at night');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await h.expectVisible(page, page.locator('.search-hit').first(), 'a result');
      const count = await page.locator('.results-count').textContent();
      assert.match(count, /^\d+ results?$/);
      await h.expectVisible(page, page.locator('.search-hit mark').first(), 'a marked word');
      const marked = (await page.locator('.search-hit mark').allTextContents()).map((t) => t.toLowerCase());
      assert.ok(marked.some((t) => t.startsWith('fall') || t === 'fell'), `marked: ${marked}`);
      await h.record(page, 'search', 'search results');

      // A facet narrows the results, and says it is chosen.
      const status = page.locator('.facet', { hasText: 'Status' }).locator('a').first();
      const label = (await status.textContent()).replace(/\s*\(\d+\).*/, '');
      await status.click();
      await h.expectVisible(page, page.locator('.facet__link--chosen'), 'the chosen facet');
      const tags = await page.locator('.search-hit .tag').allTextContents();
      assert.ok(tags.every((t) => t.length > 0));
      assert.ok((await page.locator('.search-hit').first().textContent()).includes(label));

      // Measures are found by their name and definitions, and open on their own page.
      await page.getByLabel('Search for').fill('occupied bed days');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      const measure = page.locator('.search-hit', { hasText: 'Measure of' }).first();
      await h.expectVisible(page, measure, 'a measure found');
      await measure.locator('h2 a').click();
      await h.expectVisible(page, page.locator('h1'), 'the measure page');
      assert.match(new URL(page.url()).pathname, /^\/projects\/\d+\/measures\/\d+$/);

      // Events and courses are found too, each with what it is.
      await page.goto(`${server.baseUrl}/search?q=masterclass`);
      await h.expectVisible(page, page.locator('.search-hit', { hasText: 'Event organised by' }).first(), 'an event found');
      await h.expectVisible(page, page.locator('.facet', { hasText: 'Kind' }).getByText(/Events \(\d+\)/), 'the events counted');

      // People are found by what they can help with.
      await page.goto(`${server.baseUrl}/search?q=run%20charts`);
      await h.expectVisible(page, page.locator('.search-hit', { hasText: 'Can help with' }).first(), 'a colleague who can help');

      // Writing a new project: the panel suggests the falls work once typing pauses.
      await page.goto(`${server.baseUrl}/projects/new`);
      await h.expectH1(page, 'Start a project');
      await h.expectVisible(page, page.getByRole('heading', { name: 'Has this been done before?' }), 'the panel');
      await page.getByLabel('Title', { exact: true }).fill('Fewer patients found on the floor');
      await page.getByLabel('Aim statement').pressSequentially('Stop older patients falling on our wards', { delay: 20 });
      const suggestion = page.locator('.similar--draft .similar__item').first();
      await h.expectVisible(page, suggestion, 'a suggestion');
      await h.expectVisible(page, suggestion.getByText(/Why: shared words: .*(fall|floor)/i), 'why it matches');
      await h.expectVisible(page, suggestion.getByRole('link', { name: /Ask the team/ }), 'a way to ask the team');
      await h.record(page, 'search-done-before', 'the done-before panel');

      // The suggested project's page lists similar work too.
      await suggestion.locator('.similar__title a').click();
      await h.expectVisible(page, page.getByRole('heading', { name: 'Similar work' }), 'the similar work section');
      await h.expectVisible(page, page.locator('#similar-work ~ ul .similar__item, .similar .similar__item').first(), 'a similar project');
      await page.locator('.similar').first().scrollIntoViewIfNeeded();
      await h.record(page, 'search-similar-work', 'similar work on a project');
      h.assertNoErrors(page);
    });

    it(`a QI lead reviews their organisation's likely duplicates (${width})`, { timeout: 120_000 }, async () => {
      const page = await h.newPage(browser, { phone });
      await h.signIn(page, server.baseUrl, qiLead.email, qiLead.password);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organisations' }).click();
      await page.getByLabel('Search organisations').fill('Northmoor Teaching');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await page.getByRole('link', { name: /^Northmoor Teaching Hospitals/ }).first().click();
      await page.getByRole('link', { name: 'Likely duplicates' }).click();
      await h.expectH1(page, 'Likely duplicates');
      const rows = page.locator('#duplicates tbody tr');
      await h.expectVisible(page, rows.first(), 'a pair');
      assert.ok((await rows.count()) >= 1);
      await h.expectVisible(page, rows.first().getByText(/^\d+%$/), 'how alike');
      await h.record(page, 'search-duplicates', 'likely duplicates');
      h.assertNoErrors(page);
    });
  }
});
