'use strict';
// Improvement projects in a real browser (issue 4): a member starts a joint project, builds its
// driver diagram, records two PDSA cycles, scores it with a reason, finds it by search and
// filters, and once it is public anyone sees it in the learning library. Every page is
// photographed and checked with axe-core.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const { member } = h.DEMO;
const TITLE = 'Calmer nights on ward 9';

let server;
let browser;

describe('Improvement projects in the browser', () => {
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

  it('a member runs a joint project from start to the public library', { timeout: 240_000 }, async () => {
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, member.email, member.password);

    // Start a joint project.
    await page.goto(`${server.baseUrl}/projects`);
    await h.expectH1(page, 'Projects');
    await h.record(page, 'projects', 'the project register');
    await page.getByRole('link', { name: 'Start a project', exact: true }).click();
    await h.expectH1(page, 'Start a project');
    await page.getByLabel('Title', { exact: true }).fill(TITLE);
    await page.getByLabel('Problem', { exact: true }).fill('Patients with delirium are more agitated at night.');
    await page.getByLabel('Aim statement', { exact: true }).fill('Halve night-time agitation episodes on ward 9 by June 2027');
    await page.getByLabel('Add a partner organisation', { exact: true }).selectOption({ label: 'Riverside Medical Practice' });
    await h.expectVisible(page, page.getByRole('button', { name: 'Remove Riverside Medical Practice' }), 'the partner chosen');
    await page.getByLabel('Add a team member', { exact: true }).fill('Priya');
    await page.getByRole('button', { name: 'Find people', exact: true }).click();
    await page.getByRole('button', { name: 'Add Priya Shah', exact: true }).click();
    await page.getByLabel('Themes', { exact: true }).fill('delirium, older people');
    await page.getByLabel('Status', { exact: true }).selectOption('active');
    await h.record(page, 'project-new', 'start a project');
    await page.getByRole('button', { name: 'Save project', exact: true }).click();
    await h.expectH1(page, TITLE);
    const projectUrl = page.url();

    // Build the driver diagram as a tree.
    await page.getByRole('button', { name: 'Edit driver diagram', exact: true }).click();
    await page.getByRole('button', { name: 'Add a primary driver', exact: true }).click();
    await page.getByLabel('Primary driver 1', { exact: true }).fill('A calm ward environment at night');
    await page.getByRole('button', { name: 'Add a secondary driver to primary driver 1', exact: true }).click();
    await page.getByLabel('Secondary driver 1.1', { exact: true }).fill('Less noise and light after 11pm');
    await page.getByRole('button', { name: 'Add a change idea to secondary driver 1.1', exact: true }).click();
    await page.getByLabel('Change idea 1.1.1', { exact: true }).fill('Quiet-hours protocol');
    await page.getByRole('button', { name: 'Add a change idea to primary driver 1', exact: true }).click();
    await page.getByLabel('Change idea 1.1', { exact: true }).fill('Family visits at dusk');
    await h.record(page, 'project-diagram-editor', 'the driver diagram editor');
    await page.getByRole('button', { name: 'Save driver diagram', exact: true }).click();
    await h.expectVisible(page, page.getByRole('img', { name: /Driver diagram/ }), 'the drawn driver diagram');
    assert.ok(await page.locator('svg').getByText('Quiet-hours protocol').count(), 'the diagram shows the change idea');

    // Two PDSA cycles on one change idea form a ramp.
    for (const objective of ['Try quiet hours for one week', 'Extend quiet hours to the whole ward']) {
      await page.getByRole('link', { name: 'Record a PDSA cycle', exact: true }).click();
      await h.expectH1(page, 'Record a PDSA cycle');
      await page.getByLabel('Change idea tested', { exact: true }).selectOption({ label: 'Quiet-hours protocol' });
      await page.getByLabel('Objective', { exact: true }).fill(objective);
      await page.getByLabel('Predictions', { exact: true }).fill('Fewer agitation episodes after 11pm');
      if (objective.startsWith('Try')) await h.record(page, 'pdsa-new', 'record a PDSA cycle');
      await page.getByRole('button', { name: 'Save PDSA cycle', exact: true }).click();
      await h.expectH1(page, TITLE);
    }
    await h.expectVisible(page, page.getByText('Cycle 1: Try quiet hours for one week'), 'the first cycle of the ramp');
    await h.expectVisible(page, page.getByText('Cycle 2: Extend quiet hours to the whole ward'), 'the second cycle of the ramp');

    // Score it, with the reason; the history shows who and why.
    await page.getByLabel('New score', { exact: true }).selectOption('2.0');
    await page.getByLabel('Why', { exact: true }).fill('Baseline data collected for four weeks');
    await page.getByRole('button', { name: 'Save score', exact: true }).click();
    await h.expectVisible(page, page.getByRole('cell', { name: 'Baseline data collected for four weeks' }), 'the score in the history');
    await h.expectVisible(page, page.getByText('2.0 Activity, but no changes').first(), 'the new score');
    await h.record(page, 'project', 'the project page');
    const phone = await h.newPage(browser, { phone: true });
    await h.signIn(phone, server.baseUrl, member.email, member.password);
    await phone.goto(projectUrl);
    await h.expectH1(phone, TITLE);
    await h.record(phone, 'project', 'the project page on a phone');

    // Find it by search and by filters.
    await page.goto(`${server.baseUrl}/projects`);
    await page.getByLabel('Search projects', { exact: true }).fill('calmer nights');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await h.expectVisible(page, page.getByRole('link', { name: TITLE }), 'the project found by words');
    await page.goto(`${server.baseUrl}/projects?theme=delirium&status=active&score_min=2.0`);
    await h.expectVisible(page, page.getByRole('link', { name: TITLE }), 'the project found by theme, status and score');
    await page.goto(`${server.baseUrl}/projects`);
    await page.getByLabel('Coach', { exact: true }).selectOption({ label: 'Tom Okafor (Northmoor Teaching Hospitals NHS Foundation Trust)' });
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await h.expectVisible(page, page.getByText(/^[1-9][0-9]* projects$/), 'the demo projects Tom Okafor coaches');
    assert.match(page.url(), /coach_id=[0-9]+/, 'the filter is in the address');
    await page.goto(`${server.baseUrl}/projects?theme=delirium&status=completed`);
    await h.expectVisible(page, page.getByText('No projects match'), 'no match for another status');

    // Not in the public library until it is made public.
    const visitor = await h.newPage(browser);
    await visitor.goto(`${server.baseUrl}/library?q=calmer`);
    await h.expectH1(visitor, 'Learning library');
    await h.expectVisible(visitor, visitor.getByText('No projects match'), 'not yet public');
    await page.goto(projectUrl);
    await page.getByRole('link', { name: 'Edit project', exact: true }).click();
    await h.expectH1(page, 'Edit project');
    await page.getByLabel('Who can see it', { exact: true }).selectOption('public');
    await page.getByRole('button', { name: 'Save project', exact: true }).click();
    await h.expectH1(page, TITLE);
    await visitor.reload();
    await visitor.getByRole('link', { name: TITLE }).click();
    await h.expectH1(visitor, TITLE);
    await h.record(visitor, 'library-project', 'a project in the learning library');
    assert.equal(await visitor.locator('.header__person').count(), 0, 'the visitor is not signed in');

    for (const p of [page, phone, visitor]) h.assertNoErrors(p);
  });

  it('shows what another editor changed instead of overwriting it', { timeout: 120_000 }, async () => {
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, member.email, member.password);
    await page.goto(`${server.baseUrl}/projects?q=calmer`);
    await page.getByRole('link', { name: TITLE }).click();
    await h.expectH1(page, TITLE);
    await page.getByRole('link', { name: 'Edit project', exact: true }).click();
    await h.expectH1(page, 'Edit project');
    // Meanwhile someone else saves a change.
    const other = await h.newPage(browser);
    await h.signIn(other, server.baseUrl, member.email, member.password);
    await other.goto(page.url());
    await h.expectH1(other, 'Edit project');
    await other.getByLabel('Title', { exact: true }).fill(`${TITLE} and days`);
    await other.getByRole('button', { name: 'Save project', exact: true }).click();
    await h.expectH1(other, `${TITLE} and days`);

    await page.getByLabel('Aim statement', { exact: true }).fill('Halve agitation episodes by May 2027');
    await page.getByRole('button', { name: 'Save project', exact: true }).click();
    await h.expectVisible(page, page.getByText('Someone else changed this project while you were editing'), 'the conflict');
    await h.expectVisible(page, page.getByText(`Title: now “${TITLE} and days”`), 'what they changed');
    await h.record(page, 'project-edit-conflict', 'an edit conflict');
    // Saving again is now a deliberate choice: the form's values (its title too) replace theirs.
    await page.getByRole('button', { name: 'Save project', exact: true }).click();
    await h.expectVisible(page, page.getByRole('link', { name: 'Edit project', exact: true }), 'the project page');
    await h.expectH1(page, TITLE);
    await h.expectVisible(page, page.getByText('Halve agitation episodes by May 2027'), 'the second save');
    h.assertNoErrors(page);
  });

  it('a member answers an invitation to another organisation\'s team, then edits its content only', { timeout: 120_000 }, async () => {
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, member.email, member.password);
    await page.goto(`${server.baseUrl}/`);
    await h.expectVisible(page, page.getByRole('heading', { name: 'Invitations to project teams' }), 'the invitations');
    await h.record(page, 'home-team-invitations', 'invitations to project teams on the home page');
    const accept = page.getByRole('button', { name: /^Accept: join / }).first();
    const label = await accept.textContent();
    const title = label.replace('Accept: join ', '');
    await accept.click();
    await h.expectVisible(page, page.getByText('You joined the team of'), 'the confirmation');
    await page.getByRole('link', { name: title, exact: true }).click();
    await h.expectH1(page, title);
    await h.expectVisible(page, page.locator('.team-list').getByText('Grace Lee'), 'on the team');

    // A member, not its lead: the form offers the content, and shows the team and the rest.
    await page.getByRole('link', { name: 'Edit project', exact: true }).click();
    await h.expectH1(page, 'Edit project');
    await h.expectVisible(page, page.getByText('Only the project\'s lead, its lead organisation\'s admins and partnership admins change its team'), 'why not');
    assert.equal(await page.getByLabel('Who can see it', { exact: true }).count(), 0, 'no visibility to change');
    assert.equal(await page.getByLabel('Add a team member', { exact: true }).count(), 0, 'no team to change');
    await h.record(page, 'project-edit-member', 'a team member edits the content');
    await page.getByLabel('Themes', { exact: true }).fill('falls, night shifts');
    await page.getByRole('button', { name: 'Save project', exact: true }).click();
    await h.expectH1(page, title);
    await h.expectVisible(page, page.getByText('falls, night shifts'), 'the change saved');
    h.assertNoErrors(page);
  });
});
