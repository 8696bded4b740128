'use strict';
// The board pack in a real browser (issue 15, item 6): the demo partnership's latest pack with
// its table, icons and narratives; a narrative written inline and kept; the measures chosen;
// the PDF downloaded; one organisation's pack; and a member, who reads but cannot write. Every
// page is photographed at desktop and phone widths and checked with axe-core.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const { admin, member } = h.DEMO;

let server;
let browser;

describe('The board pack in the browser', () => {
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
    it(`the partnership admin writes a narrative, chooses measures and downloads the PDF (${phone ? 'phone' : 'desktop'})`, { timeout: 180_000 }, async () => {
      const page = await h.newPage(browser, { phone });
      await h.signIn(page, server.baseUrl, admin.email, admin.password);
      await page.goto(`${server.baseUrl}/dashboard`);
      await h.expectH1(page, 'Partnership dashboard');
      await page.getByRole('link', { name: 'Board pack', exact: true }).click();
      await h.expectH1(page, 'Board pack');

      // The demo's latest pack: the headline metrics, the chosen measures and their narratives.
      const live = page.locator('#row-metric-people_live');
      await h.expectVisible(page, live, 'the Live tier row');
      const narrative = page.getByLabel('Narrative for People in the Live tier', { exact: true });
      // The demo's words, or those of the run at the other width (one server for the file).
      assert.match(await narrative.inputValue(), /Live tier keeps growing|steady growth/);
      const measures = await page.locator('#summary tbody tr[id^="row-measure-"]').count();
      assert.ok(measures >= 2, `the demo pack shows chosen measures, not ${measures}`);
      assert.ok((await page.locator('#summary .icon svg').count()) > 0, 'Making Data Count icons');
      await h.expectVisible(page, page.locator('#targets'), 'the targets and their progress');
      // A chart for every row, as the PDF draws them, each with its own title.
      const rows = await page.locator('#summary tbody tr[id^="row-"]').count();
      assert.equal(await page.locator('#charts figure').count(), rows, 'a figure a row');
      const charts = await page.locator('#charts figure svg').count();
      assert.ok(charts >= rows - 2, `charts drawn: ${charts} of ${rows}`);
      const titles = await page.locator('#charts svg [id^="chart-title"]').evaluateAll((ts) => ts.map((t) => t.id));
      assert.ok(titles.length >= charts, 'each chart has a title');
      assert.equal(new Set(titles).size, titles.length, 'each chart title has its own id');
      await h.record(page, 'board-pack', 'the board pack');

      // A narrative written inline: saving, saved, and still there after a reload.
      const text = `Reviewed at the ${phone ? 'phone' : 'desktop'} check: steady growth`;
      await narrative.fill(text);
      await live.getByRole('button', { name: /Save/ }).click();
      await h.expectVisible(page, live.locator('.saving-state', { hasText: 'Saved' }), 'the saved state');
      await page.reload();
      await h.expectVisible(page, page.locator('#row-metric-people_live'), 'the row again');
      assert.equal(await page.getByLabel('Narrative for People in the Live tier', { exact: true }).inputValue(), text);

      // The measures: one more ticked and saved shows one more row.
      const chooser = page.locator('#measure-chooser');
      await h.expectVisible(page, chooser, 'the measure chooser');
      // Closed when there are many to choose from: the chosen ones come first once opened.
      await chooser.locator('summary').click();
      assert.ok(await chooser.locator('input[type="checkbox"]').first().isChecked(), 'the chosen first');
      // Words narrow the list; the ticked stay in sight.
      const all = await chooser.locator('input[type="checkbox"]').count();
      const ticked = await chooser.locator('input[type="checkbox"]:checked').count();
      await chooser.getByLabel('Find a measure', { exact: true }).fill('zzz-no-such-measure');
      await page.waitForFunction(
        (n) => document.querySelectorAll('#measure-choices input[type="checkbox"]').length === n,
        ticked,
      );
      await h.expectVisible(page, chooser.locator('#measure-count', { hasText: `Showing ${ticked} of ${all} measures` }), 'the count shown');
      await chooser.getByLabel('Find a measure', { exact: true }).fill('');
      await page.waitForFunction(
        (n) => document.querySelectorAll('#measure-choices input[type="checkbox"]').length === n,
        all,
      );
      // By its id: a locator of "the first unticked" would move on once it is ticked.
      const id = await chooser.locator('input[type="checkbox"]:not(:checked)').first().getAttribute('id');
      const unticked = chooser.locator(`#${id}`);
      await unticked.check();
      await chooser.getByRole('button', { name: 'Save the measures' }).click();
      await h.expectVisible(page, chooser.locator('.saving-state', { hasText: 'Saved' }), 'the measures saved');
      assert.equal(await page.locator('#summary tbody tr[id^="row-measure-"]').count(), measures + 1);
      await unticked.uncheck();
      await chooser.getByRole('button', { name: 'Save the measures' }).click();
      await h.expectVisible(page, chooser.locator('.saving-state', { hasText: 'Saved' }), 'the measures saved again');
      await page.waitForFunction(
        (n) => document.querySelectorAll('#summary tbody tr[id^="row-measure-"]').length === n,
        measures,
      );

      // The PDF, made by the server.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download PDF' }).click(),
      ]);
      assert.match(download.suggestedFilename(), /^board-pack-\d{4}-\d{2}\.pdf$/);
      const file = await download.path();
      const head = require('node:fs').readFileSync(file).subarray(0, 5).toString('latin1');
      assert.equal(head, '%PDF-');

      // One organisation's pack, from the picker.
      await page.getByLabel('Pack for', { exact: true }).selectOption({ index: 1 });
      await page.waitForURL((url) => url.searchParams.has('organisation_id'));
      await h.settle(page);
      await h.expectVisible(page, page.locator('#summary'), "an organisation's table");
      await h.record(page, 'board-pack-organisation', "an organisation's board pack");
      h.assertNoErrors(page);
    });
  }

  it('a member reads the pack but writes nothing', { timeout: 120_000 }, async () => {
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, member.email, member.password);
    await page.goto(`${server.baseUrl}/dashboard/board-pack`);
    await h.expectH1(page, 'Board pack');
    await h.expectVisible(page, page.locator('#row-metric-people_live'), 'the Live tier row');
    assert.equal(await page.locator('#summary input').count(), 0, 'no narrative fields');
    assert.equal(await page.locator('#measure-chooser').count(), 0, 'no measure chooser');
    await h.expectVisible(page, page.locator('#row-metric-people_live td', { hasText: /Live tier keeps growing|steady growth/ }), 'the narrative as text');
    await h.record(page, 'board-pack-member', "a member's board pack");
    h.assertNoErrors(page);
  });
});
