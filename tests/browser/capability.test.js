'use strict';
// Capability in a real browser (issue 6): the demo coach records a coaching session on a project
// they coach and a member of its team reads its notes (the partnership admin, who may see the
// project but is not on its team, sees that it happened but not the notes); then the QI lead sets a team
// member's tier by hand with a reason, sees it shown with who set it, and clears it after
// confirming. Every page is photographed and checked with axe-core.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const { admin: partnershipAdmin, coach, member, qiLead } = h.DEMO;
const PROJECT = 'Reducing falls on ward 7 (care of older people)';
const NOTES = 'Browser test: the team reviewed the falls run chart together';
const ACTIONS = 'Test the bedside checklist on two night shifts';
const REASON = 'Co-leads the trust falls collaborative';

let server;
let browser;

async function openProject(page) {
  await page.goto(`${server.baseUrl}/projects?q=${encodeURIComponent('falls ward 7')}`);
  await page.getByRole('link', { name: PROJECT, exact: true }).click();
  await h.expectH1(page, PROJECT);
  await h.expectVisible(page, page.getByRole('heading', { name: 'Coaching sessions', exact: true }), 'the coaching section');
}

/** What the API answers `who` (signed in as themselves) at `path`. */
async function apiGet(who, path) {
  const login = await fetch(`${server.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: who.email, password: who.password }),
  });
  const { access_token: token } = await login.json();
  const answer = await fetch(`${server.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(answer.status, 200, path);
  return answer.json();
}

/** The person's id, asked of the API with their own sign-in. */
async function idOf(who) {
  return (await apiGet(who, '/api/v1/me')).id;
}

const projects = (n) => (n === 1 ? '1 project' : `${n} projects`);

describe('Capability in the browser', () => {
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

  it('the coach records a session and the team reads its notes; an admin does not', { timeout: 180_000 }, async () => {
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, coach.email, coach.password);
    await openProject(page);
    const form = page.locator('#record-session');
    await h.expectVisible(page, form, "the coach's form");
    await form.getByLabel('Length (minutes)', { exact: true }).fill('0');
    await form.getByRole('button', { name: 'Record session', exact: true }).click();
    await h.expectVisible(page, page.locator('.error-summary a', { hasText: 'The length must be between 1 and 480 minutes' }), 'the form refuses no length');
    await form.getByLabel('Length (minutes)', { exact: true }).fill('45');
    await form.getByLabel('Coaching model', { exact: true }).selectOption('clear');
    await form.getByLabel('Notes', { exact: true }).fill(NOTES);
    await form.getByLabel('Agreed actions', { exact: true }).fill(ACTIONS);
    await h.record(page, 'coaching-record', 'record a coaching session');
    await form.getByRole('button', { name: 'Record session', exact: true }).click();
    await h.expectVisible(page, page.locator('.coaching-session__notes', { hasText: NOTES }), 'the new session with its notes');
    h.assertNoErrors(page);

    const team = await h.newPage(browser);
    await h.signIn(team, server.baseUrl, member.email, member.password);
    await openProject(team);
    await h.expectVisible(team, team.locator('.coaching-session__notes', { hasText: NOTES }), 'the notes, for the team');
    await h.expectVisible(team, team.locator('.coaching-session__actions', { hasText: ACTIONS }), 'the agreed actions, for the team');
    assert.equal(await team.locator('#record-session').count(), 0, 'only the coach records sessions');
    await h.record(team, 'coaching-team', 'coaching sessions seen by the team');
    h.assertNoErrors(team);

    // The partnership admin may see the project but is not on its team. (The QI lead is: its
    // sponsor.)
    const admin = await h.newPage(browser);
    await h.signIn(admin, server.baseUrl, partnershipAdmin.email, partnershipAdmin.password);
    await openProject(admin);
    await h.expectVisible(admin, admin.getByText('Notes and agreed actions are for the project team and its coach only.'), 'the privacy note');
    assert.equal(await admin.getByText(NOTES).count(), 0, 'an admin not on the team does not read the notes');
    assert.equal(await admin.getByRole('button', { name: /^Remove the session of / }).count(), 0, 'only its coach removes a session');
    h.assertNoErrors(admin);

    // The coach changes the session, then removes it after a confirmation.
    const mine = page.locator('.coaching-session', { hasText: NOTES });
    await mine.getByRole('button', { name: /^Change the session of / }).click();
    await h.expectVisible(page, form.getByRole('heading', { name: /^Change the session of / }), 'the form, changing the session');
    await form.getByLabel('Notes', { exact: true }).fill(`${NOTES} (revised)`);
    await form.getByRole('button', { name: 'Save the session', exact: true }).click();
    const revised = page.locator('.coaching-session', { hasText: `${NOTES} (revised)` });
    await h.expectVisible(page, revised, 'the changed notes');
    await revised.getByRole('button', { name: /^Remove the session of / }).click();
    await h.record(page, 'coaching-remove', 'remove a coaching session: the confirmation');
    await revised.getByRole('button', { name: /^Yes, remove the session of / }).click();
    await h.expectVisible(page, page.locator('.coaching-session', { hasText: NOTES }), 'the session removed', { state: 'detached' });
    h.assertNoErrors(page);
  });

  it('an organisation admin sets a tier by hand with a reason, sees it, and clears it', { timeout: 180_000 }, async () => {
    const graceId = await idOf(member);
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, qiLead.email, qiLead.password);
    await page.goto(`${server.baseUrl}/capability/people/${graceId}`);
    await h.expectH1(page, 'Capability record');
    await h.expectVisible(page, page.getByRole('heading', { name: 'Set the tier by hand', exact: true }), 'the override form');

    await page.getByRole('button', { name: 'Set tier', exact: true }).click();
    await h.expectVisible(page, page.locator('.error-summary a', { hasText: 'Enter a reason' }), 'a reason is required');
    await page.getByLabel('Tier', { exact: true }).selectOption('lead');
    await page.getByLabel('Reason', { exact: true }).fill(REASON);
    await page.getByRole('button', { name: 'Set tier', exact: true }).click();
    const shown = page.locator('#tier-override');
    await h.expectVisible(page, shown.filter({ hasText: 'Set by hand to Lead' }), 'the override');
    await h.expectVisible(page, shown.filter({ hasText: `Reason: ${REASON}` }), 'its reason');
    await h.expectVisible(page, shown.filter({ hasText: 'by Priya Shah' }), 'who set it');
    await h.expectVisible(page, page.locator('#tier-title', { hasText: 'Lead' }), 'the tier held');
    await h.record(page, 'capability-override', 'a tier set by hand');

    await page.getByRole('button', { name: 'Clear override', exact: true }).click();
    await h.expectVisible(page, page.getByText('Clear the override? Their tier will follow their record again.'), 'the confirmation');
    await page.getByRole('button', { name: 'Yes, clear it', exact: true }).click();
    await h.expectVisible(page, page.locator('#tier-override'), 'the override gone', { state: 'detached' });
    h.assertNoErrors(page);

    // The tier counts page answers for the admin.
    await page.goto(`${server.baseUrl}/capability`);
    await h.expectH1(page, 'Capability: Learn, Live, Lead');
    await h.expectVisible(page, page.locator('#tier-counts'), 'the counts table');
    await h.record(page, 'capability-overview', 'tier counts');
    h.assertNoErrors(page);
  });

  it("a coach filters their caseload by status; an admin lists their organisation's projects without a coach", { timeout: 180_000 }, async () => {
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, coach.email, coach.password);
    await page.goto(`${server.baseUrl}/capability/caseload`);
    await h.expectH1(page, 'My caseload');
    const all = await apiGet(coach, '/api/v1/capability/caseload');
    assert.ok(all.total > 0, 'the demo coach coaches projects');
    const caption = page.locator('#caseload caption');
    await h.expectVisible(page, caption.filter({ hasText: projects(all.total) }), 'the whole caseload counted');
    await page.getByLabel('Project status', { exact: true }).selectOption('active');
    await page.waitForURL(/status=active/);
    const active = await apiGet(coach, '/api/v1/capability/caseload?status=active');
    await h.expectVisible(page, caption.filter({ hasText: projects(active.total) }), 'the active projects counted');
    const statuses = await page.locator('#caseload td[data-label="Status"]').allTextContents();
    assert.ok(statuses.length > 0 && statuses.every((s) => s === 'Active'), `only active projects: ${statuses}`);
    await h.record(page, 'coaching-caseload', "a coach's caseload, active projects");
    h.assertNoErrors(page);

    const admin = await h.newPage(browser);
    await h.signIn(admin, server.baseUrl, qiLead.email, qiLead.password);
    await admin.goto(`${server.baseUrl}/capability/coverage`);
    await h.expectH1(admin, 'Coaching coverage');
    const coverage = await apiGet(qiLead, '/api/v1/capability/coverage');
    await h.expectVisible(admin, admin.locator('.lead', { hasText: `${coverage.coached_projects} of ${coverage.active_projects} active projects have a coach` }), 'the summary');
    await admin.getByLabel('Show', { exact: true }).selectOption('false');
    await admin.waitForURL(/coached=false/);
    const uncoached = await apiGet(qiLead, '/api/v1/capability/coverage?coached=false');
    assert.equal(uncoached.total, coverage.active_projects - coverage.coached_projects);
    if (uncoached.total === 0) {
      await h.expectVisible(admin, admin.getByText('Every active project has a coach.'), 'the empty state');
    } else {
      await h.expectVisible(admin, admin.locator('#coverage caption', { hasText: projects(uncoached.total) }), 'the projects without a coach counted');
      const coaches = await admin.locator('#coverage td[data-label="Coach"]').allTextContents();
      assert.ok(coaches.every((c) => c === 'No coach'), `only projects without a coach: ${coaches}`);
      if (uncoached.total > 25) {
        await admin.getByRole('button', { name: 'Next page', exact: true }).click();
        await h.expectVisible(admin, admin.getByText(/^Page 2 of \d+$/), 'the second page');
      }
    }
    await h.record(admin, 'coaching-coverage', 'coaching coverage: projects without a coach');
    h.assertNoErrors(admin);
  });
});
