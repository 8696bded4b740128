'use strict';
// Measures in a real browser (issue 5): a team member adds a measure to a demo project, types its
// data into the grid and watches the SPC chart and its Making Data Count icons follow, imports a
// CSV file with a bad row (nothing is imported; the row's problem is listed), and marks a phase
// change, after which the chart has a second phase. Every page is photographed and checked with
// axe-core.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const { member } = h.DEMO;
const PROJECT = 'Zero avoidable pressure ulcers on ward 7';
const MEASURE = 'Skin checks within 6 hours of admission';
const STABLE = [10, 11, 9, 10, 12, 10, 9, 11, 10, 11, 9, 10, 12, 10, 11];

let server;
let browser;

/** The date of the i-th monthly point, from January 2025. */
function month(i) {
  const d = new Date(Date.UTC(2025, i, 1));
  return d.toISOString().slice(0, 10);
}

async function addRows(page, from, values) {
  for (const [k, value] of values.entries()) {
    const row = from + k + 1;
    await page.getByRole('button', { name: 'Add a row', exact: true }).click();
    const date = page.getByLabel(`Date, row ${row}`, { exact: true });
    await date.fill(month(from + k));
    await page.getByLabel(`Value, row ${row}`, { exact: true }).fill(String(value));
  }
}

describe('Measures in the browser', () => {
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

  it('a member charts a measure as the data is typed, imports and marks a phase change', { timeout: 240_000 }, async () => {
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, member.email, member.password);
    await page.goto(`${server.baseUrl}/projects?q=${encodeURIComponent('pressure ulcers ward 7')}`);
    await page.getByRole('link', { name: PROJECT, exact: true }).click();
    await h.expectH1(page, PROJECT);
    await h.expectVisible(page, page.getByRole('heading', { name: 'Measures', exact: true }), 'the measures section');

    // Add a measure.
    await page.getByRole('link', { name: 'Add measure', exact: true }).click();
    await h.expectH1(page, 'Add a measure');
    await page.getByRole('button', { name: 'Save measure', exact: true }).click();
    await h.expectVisible(page, page.getByRole('link', { name: 'Enter a name' }).or(page.locator('.error-summary a').first()), 'the form refuses an empty measure');
    await page.getByLabel('Name', { exact: true }).fill(MEASURE);
    await page.getByLabel('Type of measure', { exact: true }).selectOption('process');
    await page.getByLabel('Operational definition', { exact: true }).fill('Admissions to ward 7 whose skin was checked within 6 hours, counted each month from the e-obs record.');
    await page.getByLabel('Which way is better?', { exact: true }).selectOption('increase');
    await page.getByLabel('Target (optional)', { exact: true }).fill('15');
    await h.record(page, 'measure-new', 'add a measure');
    await page.getByRole('button', { name: 'Save measure', exact: true }).click();
    await h.expectH1(page, MEASURE);
    const measureUrl = page.url();
    await h.expectVisible(page, page.getByText('No data yet'), 'the empty chart');

    // Fifteen stable points: common cause.
    await addRows(page, 0, STABLE);
    const chart = page.getByRole('img', { name: MEASURE });
    await h.expectVisible(page, chart, 'the drawn chart');
    await h.expectVisible(page, page.locator('.variation-text', { hasText: 'Common cause variation' }), 'the common cause icon');
    assert.equal(await page.locator('svg.spc-chart circle.point.common-cause').count(), 15, 'fifteen grey points');
    await h.expectVisible(page, page.locator('#chart-summary', { hasText: '15 points from 1 Jan 2025 to 1 Mar 2026' }), 'the summary in words');
    await page.getByRole('button', { name: 'Save data', exact: true }).click();
    await h.expectVisible(page, page.getByText('Data saved.'), 'the data saved');

    // Seven points above the mean: special cause improvement, as it is typed.
    await addRows(page, STABLE.length, [20, 21, 20, 22, 21, 20, 21]);
    await h.expectVisible(page, page.locator('.variation-text', { hasText: 'improvement (higher is better)' }), 'the improvement icon');
    await h.expectVisible(page, page.locator('.assurance-text', { hasText: 'hit and miss' }), 'the target inside the limits');
    assert.ok(await page.locator('svg.spc-chart circle.point.improvement').count() >= 7, 'blue points');
    await page.getByRole('button', { name: 'Save data', exact: true }).click();
    await h.expectVisible(page, page.getByText('Data saved.'), 'the new data saved');
    await h.record(page, 'measure', 'the measure page with its chart and grid');
    await page.locator('div.chart').screenshot({ path: require('node:path').join(__dirname, '..', 'screenshots', 'measure-chart-desktop.png') });

    // A bad row in a CSV file: its problem listed, nothing imported.
    await page.getByLabel('Or paste the CSV data', { exact: true }).fill('date,value\n01/01/2027,12\n31/02/2027,13\n');
    await page.getByRole('button', { name: 'Import data', exact: true }).click();
    await h.expectVisible(page, page.locator('#csv-errors', { hasText: 'Nothing was imported' }), 'the import refused');
    await h.expectVisible(page, page.locator('.csv-errors li', { hasText: /rows\[\d+\]\.date/ }), 'the bad row named');
    await h.record(page, 'measure-csv-error', 'a refused CSV import');
    await page.reload();
    await h.expectH1(page, MEASURE);
    assert.equal(await page.locator('svg.spc-chart circle.point').count(), 22, 'nothing was imported');

    // A phase change: the chart's mean and limits start again.
    assert.equal(await page.locator('svg.spc-chart line.mean').count(), 1, 'one phase before');
    await page.getByLabel('Date', { exact: true }).fill(month(STABLE.length));
    await page.getByLabel('Kind', { exact: true }).selectOption('phase_change');
    await page.getByLabel('Label', { exact: true }).fill('Skin bundle <v2> & training');
    await page.getByRole('button', { name: 'Add to the chart', exact: true }).click();
    await h.expectVisible(page, page.locator('svg.spc-chart .phase-change', { hasText: 'Skin bundle <v2> & training' }), 'the phase change on the chart');
    assert.equal(await page.locator('svg.spc-chart line.mean').count(), 2, 'two phases after');
    await h.expectVisible(page, page.locator('#chart-summary', { hasText: 'Phase 2 (from 1 Apr 2026)' }), 'the new phase in words');
    await h.record(page, 'measure-phases', 'a measure with a phase change');
    await h.expectVisible(page, page.locator('.assurance-text', { hasText: 'will consistently hit the target' }), 'the new phase passes the target');
    await page.locator('div.chart').screenshot({ path: require('node:path').join(__dirname, '..', 'screenshots', 'measure-chart-phases-desktop.png') });

    // Change the definition: the form comes filled in, and saves with the version it loaded.
    await page.getByRole('link', { name: 'Edit measure', exact: true }).click();
    await h.expectH1(page, 'Change the measure');
    assert.equal(await page.getByLabel('Target (optional)', { exact: true }).inputValue(), '15', 'the target as saved');
    await page.getByLabel('Target (optional)', { exact: true }).fill('16.5');
    await page.getByRole('button', { name: 'Save measure', exact: true }).click();
    await h.expectH1(page, MEASURE);
    await h.expectVisible(page, page.locator('.summary-list', { hasText: '16.5' }), 'the new target');

    // The same data as a run chart, by choice; the phase change splits it into two parts.
    await page.getByLabel('Run chart', { exact: true }).check();
    await h.expectVisible(page, page.locator('#chart-summary', { hasText: 'Run chart. 22 points' }), 'the run chart in words');
    assert.equal(await page.locator('svg.spc-chart line.median').count(), 2, 'a median per part');
    await page.getByLabel('SPC chart (XmR)', { exact: true }).check();

    // The project page lists it with its icons.
    await page.getByRole('link', { name: `Back to ${PROJECT}` }).click();
    await h.expectH1(page, PROJECT);
    await h.expectVisible(page, page.getByRole('link', { name: MEASURE, exact: true }), 'the measure listed');
    // Beside the score, for the team: the new measure's improvement supports it.
    const evidence = page.locator('.evidence');
    await h.expectVisible(page, evidence.getByRole('heading', { name: 'Supported by the data' }), 'the evidence for the score');
    await h.expectVisible(page, evidence.locator('li', { hasText: MEASURE }), 'the measure in the evidence');
    await h.record(page, 'project-measures', 'the project page with its measures');

    const projectUrl = page.url();

    // The project is public: anyone reads the measure in the learning library, without the grid.
    const visitor = await h.newPage(browser);
    const projectId = new URL(projectUrl).pathname.split('/')[2];
    await visitor.goto(`${server.baseUrl}/library/${projectId}`);
    await h.expectH1(visitor, PROJECT);
    await visitor.getByRole('link', { name: MEASURE, exact: true }).click();
    await h.expectH1(visitor, MEASURE);
    await h.expectVisible(visitor, visitor.getByRole('img', { name: MEASURE }), 'the chart in the library');
    assert.equal(await visitor.getByRole('button', { name: 'Save data' }).count(), 0, 'no grid for a visitor');
    await h.record(visitor, 'library-measure', 'a measure in the learning library');

    const phone = await h.newPage(browser, { phone: true });
    await h.signIn(phone, server.baseUrl, member.email, member.password);
    await phone.goto(measureUrl);
    await h.expectH1(phone, MEASURE);
    await h.record(phone, 'measure', 'the measure page on a phone');

    for (const p of [page, phone, visitor]) h.assertNoErrors(p);
  });
  it('works out a percentage from its numerator and denominator as they are typed', { timeout: 120_000 }, async () => {
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, member.email, member.password);
    await page.goto(`${server.baseUrl}/projects?q=${encodeURIComponent('pressure ulcers ward 7')}`);
    await page.getByRole('link', { name: PROJECT, exact: true }).click();
    await page.getByRole('link', { name: 'Add measure', exact: true }).click();
    await h.expectH1(page, 'Add a measure');
    await page.getByLabel('Name', { exact: true }).fill('SSKIN bundle completed');
    await page.getByLabel('Operational definition', { exact: true }).fill('Patients at risk with a completed SSKIN bundle, each week.');
    await page.getByLabel('Unit', { exact: true }).selectOption('percentage');
    await page.getByLabel('Numerator', { exact: true }).fill('Patients at risk with a completed bundle');
    await page.getByLabel('Denominator', { exact: true }).fill('Patients at risk');
    await page.getByRole('button', { name: 'Save measure', exact: true }).click();
    await h.expectH1(page, 'SSKIN bundle completed');
    for (const [i, [n, d]] of [[3, 4], [1, 3]].entries()) {
      await page.getByRole('button', { name: 'Add a row', exact: true }).click();
      await page.getByLabel(`Date, row ${i + 1}`, { exact: true }).fill(month(i));
      await page.getByLabel(`Numerator, row ${i + 1}`, { exact: true }).fill(String(n));
      await page.getByLabel(`Denominator, row ${i + 1}`, { exact: true }).fill(String(d));
    }
    assert.equal(await page.getByLabel('Value, row 2', { exact: true }).inputValue(), '33.33', 'the value worked out');
    await h.expectVisible(page, page.locator('#chart-summary', { hasText: 'Run chart. 2 points' }), 'a run chart for two points');
    await page.getByRole('button', { name: 'Save data', exact: true }).click();
    await h.expectVisible(page, page.getByText('Data saved.'), 'the data saved');
    await page.reload();
    await h.expectH1(page, 'SSKIN bundle completed');
    assert.equal(await page.getByLabel('Numerator, row 2', { exact: true }).inputValue(), '1', 'the numerator kept');
    await h.record(page, 'measure-percentage', 'a percentage measure');
    h.assertNoErrors(page);
  });
  it('links a measure to change ideas, keeps typed rows across a phase change, and removes it after asking', { timeout: 180_000 }, async () => {
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, member.email, member.password);
    await page.goto(`${server.baseUrl}/projects?q=${encodeURIComponent('pressure ulcers ward 7')}`);
    await page.getByRole('link', { name: PROJECT, exact: true }).click();
    // The project page loads its sections (measures, similar work...) one by one: a click
    // while one re-renders can be lost, so let them finish first.
    await h.settle(page);
    await page.getByRole('link', { name: 'Add measure', exact: true }).click();
    await h.expectH1(page, 'Add a measure');
    await page.getByLabel('Name', { exact: true }).fill('Repositioning charts complete');
    await page.getByLabel('Operational definition', { exact: true }).fill('Patients at risk whose repositioning chart is complete for the shift, counted each month.');
    const ideas = page.getByRole('group', { name: 'Change ideas it follows (optional)' }).getByRole('checkbox');
    assert.ok(await ideas.count() > 0, 'the project\'s change ideas are offered');
    const idea = ideas.first();
    const ideaName = (await page.locator(`label[for="${await idea.getAttribute('id')}"]`).innerText()).trim();
    await idea.check();
    await h.record(page, 'measure-new-ideas', 'a measure linked to a change idea');
    await page.getByRole('button', { name: 'Save measure', exact: true }).click();
    await h.expectH1(page, 'Repositioning charts complete');
    await h.expectVisible(page, page.locator('.followed-ideas li', { hasText: ideaName }), 'the change idea it follows');

    // Rows typed but not saved survive a phase change added meanwhile.
    await addRows(page, 0, [4, 5, 6]);
    await page.getByLabel('Date', { exact: true }).fill(month(1));
    await page.getByLabel('Kind', { exact: true }).selectOption('phase_change');
    await page.getByLabel('Label', { exact: true }).fill('New charts');
    await page.getByRole('button', { name: 'Add to the chart', exact: true }).click();
    await h.expectVisible(page, page.locator('svg.spc-chart .phase-change', { hasText: 'New charts' }), 'the phase change on the chart');
    assert.equal(await page.getByLabel('Value, row 3', { exact: true }).inputValue(), '6', 'the typed rows are still there');
    await page.getByRole('button', { name: 'Save data', exact: true }).click();
    await h.expectVisible(page, page.getByText('Data saved.'), 'the typed rows saved');

    // Removing the measure asks first; cancelling keeps it.
    await page.getByRole('link', { name: 'Edit measure', exact: true }).click();
    await h.expectH1(page, 'Change the measure');
    assert.ok(await page.getByLabel(ideaName, { exact: true }).isChecked(), 'the link kept in the form');
    await page.getByRole('button', { name: 'Remove this measure', exact: true }).click();
    await h.expectVisible(page, page.getByRole('alertdialog', { name: 'Remove this measure and all its data?' }), 'the question');
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.getByRole('button', { name: 'Remove this measure', exact: true }).click();
    await page.getByRole('button', { name: 'Yes, remove it', exact: true }).click();
    await h.expectH1(page, PROJECT);
    await h.expectVisible(page, page.getByRole('heading', { name: 'Measures', exact: true }), 'the measures section');
    assert.equal(await page.getByRole('link', { name: 'Repositioning charts complete', exact: true }).count(), 0, 'the measure is gone');
    h.assertNoErrors(page);
  });
});
