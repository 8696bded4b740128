'use strict';
// Spread and adoption in a real browser: on a demo project whose changes have not spread yet,
// the partnership admin records that another partner organisation adopted them and sees the
// level derived as "Other partner organisations", sets it by hand with a reason, goes back to
// what the adoptions say (after a confirmation), records the adoption's next stage and looks at
// the spread as of yesterday; on the outside innovations page, PINCER is listed and recording
// its adoption works, and a member who may not add an innovation is told so. The section and
// the page are photographed and checked with axe-core, at desktop and phone widths.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./harness');

const { admin, member } = h.DEMO;
const UNIT = 'Ward 12';
const REASON = 'A trust in the next region runs it too, and has not joined QI Commons';

let server;
let browser;

/** A day as `YYYY-MM-DD` in the UK, `offset` days from today. */
function ukDay(offset = 0) {
  const day = new Date(Date.now() + offset * 86_400_000);
  return day.toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
}

/** Opens the first demo project whose changes have not spread beyond its unit. */
async function openUnspreadProject(page) {
  await page.goto(`${server.baseUrl}/projects?spread=unit`);
  await h.expectH1(page, 'Projects');
  const first = page.locator('.project-card__title a').first();
  await h.expectVisible(page, first, 'a project at its unit only');
  const title = (await first.textContent()).trim();
  await first.click();
  await h.expectH1(page, title);
  const section = page.locator('section.spread');
  await h.expectVisible(page, section.getByRole('heading', { name: 'Spread and adoption' }), 'the spread section');
  await h.expectVisible(page, section.locator('.spread__level'), 'the spread level');
  return { title, section };
}

/** Waits until `rows` has fewer than `than` rows (a filter applied). */
async function expectFewer(page, rows, than) {
  for (let i = 0; i < 50; i += 1) {
    if ((await rows.count()) < than) return;
    await page.waitForTimeout(100);
  }
  assert.fail(`still ${await rows.count()} rows, not fewer than ${than}`);
}

/** Element ids used more than once on the page (a label would name the wrong field). */
function duplicateIds(page) {
  return page.evaluate(() => {
    const seen = new Map();
    for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) || 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  });
}

/** Photographs `locator` alone into tests/screenshots/<name>-<width>.png. */
async function photograph(page, locator, name) {
  await h.settle(page);
  fs.mkdirSync(h.SCREENSHOT_DIR, { recursive: true });
  await locator.scrollIntoViewIfNeeded();
  await locator.screenshot({
    path: path.join(h.SCREENSHOT_DIR, `${name}-${page.qiPhone ? 'phone' : 'desktop'}.png`),
    animations: 'disabled',
  });
}

describe('Spread and adoption in the browser', () => {
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

  it('an admin records an adoption, sets the level by hand, goes back and records the next stage', { timeout: 240_000 }, async () => {
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, admin.email, admin.password);
    let { section } = await openUnspreadProject(page);

    // The project form no longer asks for spread: adoptions tell it.
    await page.getByRole('link', { name: 'Edit project', exact: true }).click();
    await h.expectH1(page, 'Edit project');
    await h.expectVisible(page, page.getByLabel('Status', { exact: true }), 'the project form');
    assert.equal(await page.getByLabel('Spread', { exact: true }).count(), 0);
    await page.getByRole('link', { name: 'Back to the project' }).click();
    section = page.locator('section.spread');
    await h.expectVisible(page, section.locator('.spread__level', { hasText: 'Its unit only' }), 'its unit only');
    await h.expectVisible(page, section.locator('.spread__how', { hasText: 'Derived' }), 'the level derived');

    // Record that another partner organisation adopted it.
    const overview = page.locator('dl.summary-list').first();
    const lead = (await overview.locator('.summary-list__row', { hasText: 'Lead organisation' }).locator('dd').textContent()).trim();
    const form = section.getByRole('form', { name: 'Record an adoption' });
    await h.expectVisible(page, form, 'the form to record an adoption');
    // Someone outside the partnership needs a name: the error shows by the field.
    await form.getByLabel('Someone outside the partnership', { exact: true }).check();
    await form.getByRole('button', { name: 'Record the adoption', exact: true }).click();
    const nameGroup = form.locator('.form-group--error', { has: page.getByLabel('Name of the adopter', { exact: true }) });
    await h.expectVisible(page, nameGroup.locator('.error-message'), "the error by the adopter's name");
    await h.expectVisible(page, form.locator('.error-summary a[href="#adopt-outside_adopter"]'), 'the error summary linking to it');
    await form.getByLabel('A partner organisation', { exact: true }).check();
    const organisation = form.getByLabel('Adopting organisation', { exact: true });
    await h.expectVisible(page, organisation.locator('option').nth(2), 'the organisations to choose from', { state: 'attached' });
    const options = await organisation.locator('option').evaluateAll((list) => list.map((o) => ({ value: o.value, label: o.textContent })));
    const other = options.find((o) => o.value !== '' && o.label !== lead);
    assert.ok(other, `an organisation other than ${lead}`);
    await organisation.selectOption(other.value);
    await form.getByLabel('Unit (optional)', { exact: true }).fill(UNIT);
    const idea = form.locator('.checkbox__input').first();
    if ((await idea.count()) > 0) await idea.check();
    await form.getByLabel('Stage', { exact: true }).selectOption('adopted');
    assert.equal(await form.getByLabel('Date reached', { exact: true }).inputValue(), ukDay());
    await form.getByLabel('Note (optional)', { exact: true }).fill('Started with the night shift.');
    await form.getByRole('button', { name: 'Record the adoption', exact: true }).click();
    await h.expectVisible(page, form.getByRole('status').filter({ hasText: 'Recorded' }), 'the adoption recorded');

    // The level is derived from it.
    await h.expectVisible(page, section.locator('.spread__level', { hasText: 'Other partner organisations' }), 'the level from the adoption');
    await h.expectVisible(page, section.locator('.spread__how', { hasText: 'Derived' }), 'the level derived');
    const adopter = `${other.label}, ${UNIT}`;
    const card = section.locator('.adoption', { hasText: adopter });
    await h.expectVisible(page, card, 'the adoption listed');
    await h.expectVisible(page, card.locator('.adoption__stage', { hasText: 'Adopted' }), 'its stage');
    await h.expectVisible(page, section.locator('.spread__history tbody tr', { hasText: 'Other partner organisations' }), 'the history');
    await h.expectVisible(page, overview.locator('.summary-list__row', { hasText: 'Spread' }).getByText('Other partner organisations'), 'the overview in step');
    assert.deepEqual(await duplicateIds(page), [], 'ids used twice on the project page');
    await photograph(page, section, 'spread-section');
    await h.checkA11y(page, 'the spread section');

    // Set by hand, with the reason.
    const set = section.getByRole('form', { name: 'Set the level by hand' });
    await set.getByLabel('Spread level', { exact: true }).selectOption('beyond');
    await set.getByLabel('Reason', { exact: true }).fill(REASON);
    await set.getByRole('button', { name: 'Set the level', exact: true }).click();
    await h.expectVisible(page, section.locator('.spread__level', { hasText: 'Beyond the partnership' }), 'the level set by hand');
    await h.expectVisible(page, section.locator('.spread__how', { hasText: 'Set by hand' }), 'set by hand');
    await h.expectVisible(page, section.locator('.spread__how', { hasText: REASON }), 'the reason');
    await h.expectVisible(page, section.locator('.spread__how', { hasText: 'Alex Morgan' }), 'who set it');
    await h.expectVisible(page, section.locator('.spread__history tbody tr', { hasText: REASON }), 'the setting in the history');

    // Go back to what the adoptions say, after a confirmation.
    await section.getByRole('button', { name: 'Go back to what the adoptions say', exact: true }).click();
    const confirm = section.getByRole('alertdialog', { name: 'Go back to what the adoptions say?' });
    await h.expectVisible(page, confirm, 'the confirmation');
    await photograph(page, section, 'spread-confirm');
    await h.checkA11y(page, 'the confirmation to go back');
    await confirm.getByRole('button', { name: 'Yes, go back to the adoptions', exact: true }).click();
    await h.expectVisible(page, section.locator('.spread__level', { hasText: 'Other partner organisations' }), 'the derived level again');
    await h.expectVisible(page, section.locator('.spread__how', { hasText: 'Derived' }), 'derived again');

    // The adoption's next stage.
    await card.getByRole('button', { name: `Record next stage of the adoption by ${adopter}`, exact: true }).click();
    const next = card.getByRole('form', { name: `Next stage of the adoption by ${adopter}` });
    await h.expectVisible(page, next, 'the next stage form');
    await next.getByLabel('Next stage', { exact: true }).selectOption('sustained');
    await next.getByLabel('Note (optional)', { exact: true }).fill('Part of the ward routine now.');
    await next.getByRole('button', { name: 'Save the stage', exact: true }).click();
    await h.expectVisible(page, card.locator('.adoption__stage', { hasText: 'Sustained' }), 'the next stage');
    await card.locator('summary').click();
    assert.equal(await card.locator('.adoption__stages li').count(), 2);
    await h.expectVisible(page, card.locator('.adoption__stages', { hasText: 'Part of the ward routine now.' }), 'the note');

    // As of yesterday, before the adoption, it had not spread.
    await section.getByLabel('As of', { exact: true }).fill(ukDay(-1));
    await h.expectVisible(page, section.locator('.spread__level', { hasText: 'Its unit only' }), 'the level as of yesterday');
    await section.getByRole('button', { name: 'Show it as of today', exact: true }).click();
    await h.expectVisible(page, section.locator('.spread__level', { hasText: 'Other partner organisations' }), 'the level today');

    // Removing the adoption asks first.
    await card.getByRole('button', { name: `Remove the adoption by ${adopter}`, exact: true }).click();
    const remove = card.getByRole('alertdialog', { name: `Remove the adoption by ${adopter}?` });
    await h.expectVisible(page, remove, 'the confirmation to remove');
    await remove.getByRole('button', { name: 'Cancel', exact: true }).click();
    await h.expectVisible(page, card, 'the adoption kept');

    // The section links to the outside innovations.
    await section.getByRole('link', { name: 'Outside innovations', exact: true }).click();
    await h.expectH1(page, 'Outside innovations');
    await h.expectPath(page, '/innovations');

    // PINCER is listed; record that an organisation adopted it.
    const pincer = page.locator('section.innovation', { has: page.getByRole('heading', { name: 'PINCER', exact: true }) });
    await h.expectVisible(page, pincer, 'PINCER');
    await pincer.getByRole('button', { name: 'Record that we adopted PINCER', exact: true }).click();
    const adopt = pincer.getByRole('form', { name: 'Record that we adopted PINCER' });
    await h.expectVisible(page, adopt, 'the form to record an adoption of PINCER');
    const chosen = adopt.getByLabel('Adopting organisation', { exact: true });
    await h.expectVisible(page, chosen.locator('option').nth(2), 'the organisations to choose from', { state: 'attached' });
    await chosen.selectOption(other.value);
    await adopt.getByLabel('Unit (optional)', { exact: true }).fill('Medicines optimisation team');
    await adopt.getByRole('button', { name: 'Record the adoption', exact: true }).click();
    await h.expectVisible(page, adopt.getByRole('status').filter({ hasText: 'Recorded' }), 'the adoption of PINCER recorded');
    await h.expectVisible(page, pincer.locator('.adoption', { hasText: `${other.label}, Medicines optimisation team` }), 'the adoption of PINCER listed');
    assert.deepEqual(await duplicateIds(page), [], 'ids used twice on the innovations page');
    await h.record(page, 'innovations', 'the outside innovations');
    h.assertNoErrors(page);
  });

  for (const phone of [false, true]) {
    const width = phone ? 'phone' : 'desktop';
    it(`a member records their organisation's adoption of PINCER, and may not add an innovation (${width})`, { timeout: 120_000 }, async () => {
      const page = await h.newPage(browser, { phone });
      await h.signIn(page, server.baseUrl, member.email, member.password);
      await page.goto(`${server.baseUrl}/search`);
      await page.getByRole('link', { name: 'Outside innovations', exact: true }).click();
      await h.expectH1(page, 'Outside innovations');

      const pincer = page.locator('section.innovation', { has: page.getByRole('heading', { name: 'PINCER', exact: true }) });
      await h.expectVisible(page, pincer, 'PINCER');
      await pincer.getByRole('button', { name: 'Record that we adopted PINCER', exact: true }).click();
      const adopt = pincer.getByRole('form', { name: 'Record that we adopted PINCER' });
      // A member records for their own organisation only.
      await h.expectVisible(page, adopt.getByText('Adopting organisation:'), 'their own organisation named');
      assert.equal(await adopt.getByLabel('Adopting organisation', { exact: true }).count(), 0);
      await adopt.getByLabel('Unit (optional)', { exact: true }).fill(`Pharmacy (${width})`);
      await adopt.getByLabel('Stage', { exact: true }).selectOption('testing');
      await adopt.getByRole('button', { name: 'Record the adoption', exact: true }).click();
      await h.expectVisible(page, pincer.locator('.adoption', { hasText: `Pharmacy (${width})` }), 'their adoption listed');
      await h.expectVisible(page, pincer.locator('.adoption', { hasText: `Pharmacy (${width})` }).locator('.adoption__stage', { hasText: 'Testing' }), 'at testing');

      // Adding an innovation is for admins: the answer says so.
      const add = page.getByRole('form', { name: 'Add an innovation' });
      await add.getByLabel('Name', { exact: true }).fill(`Shared care records (${width})`);
      await add.getByRole('button', { name: 'Add the innovation', exact: true }).click();
      await h.expectVisible(page, add.getByText('Only organisation admins and partnership admins can add an innovation'), 'the refusal explained');
      await h.record(page, 'innovations-member', 'the outside innovations, as a member');

      // The project page's section, at this width.
      const { section } = await openUnspreadProject(page);
      await h.expectVisible(page, section.getByRole('form', { name: 'Record an adoption' }), 'the form to record an adoption');
      await photograph(page, section, 'spread-section-member');
      await h.checkA11y(page, 'the spread section, as a member');
      h.assertNoErrors(page);
    });
  }

  it('the spread network draws organisations, filters by theme and period, and shows one project\'s path', { timeout: 120_000 }, async () => {
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, member.email, member.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Spread', exact: true }).click();
    await h.expectH1(page, 'Spread network');
    await h.expectPath(page, '/spread');
    const drawing = page.locator('figure.network svg[role="img"]');
    await h.expectVisible(page, drawing, 'the drawing');
    const rows = page.locator('.network__table tbody tr');
    await h.expectVisible(page, rows.first(), 'the table of links');
    const all = await rows.count();
    assert.ok(all >= 10, `${all} links in the demo network`);
    assert.ok(await drawing.locator('line.network__link--adoption').count() > 0, 'adoptions drawn');
    assert.ok(await drawing.locator('line.network__link--joint').count() > 0, 'joint projects drawn');
    assert.ok(await drawing.locator('.network__node--outside').count() > 0, 'adopters outside the partnership drawn');
    await h.checkA11y(page, 'the spread network');
    await h.record(page, 'spread-network', 'the spread network');

    // A theme narrows it; a period that ends before it starts is refused by the field.
    await page.getByLabel('Theme', { exact: true }).fill('falls');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await h.expectVisible(page, rows.first(), 'the links of falls projects');
    await expectFewer(page, rows, all);
    await page.getByLabel('Links made from', { exact: true }).fill('2026-06-01');
    await page.getByLabel('Up to', { exact: true }).fill('2026-01-01');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await h.expectVisible(page, page.locator('#to-error, .error-message', { hasText: 'on or after' }).first(), 'the period refused');

    // One project's path: from the table, open a project whose changes were adopted.
    await page.goto(`${server.baseUrl}/spread`);
    const adopted = page.locator('.network__table tbody tr', { hasText: 'Adoption' }).first();
    await h.expectVisible(page, adopted, 'an adoption in the table');
    await adopted.getByRole('link').first().click();
    const section = page.locator('section.spread');
    await h.expectVisible(page, section, 'the project page');
    await section.getByRole('link', { name: 'See the path its idea travelled', exact: true }).click();
    await h.expectVisible(page, page.getByRole('heading', { level: 1, name: /^How .* travelled$/ }), 'the path');
    await h.expectVisible(page, rows.first(), 'the links of its path');
    assert.equal(await page.locator('.network__table tbody tr', { hasText: 'Joint project' }).count(), 0, 'no partners on a path');
    await h.checkA11y(page, 'one project\'s path');
    await h.record(page, 'spread-path', 'one project\'s path');
    h.assertNoErrors(page);
  });
});
