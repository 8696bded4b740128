'use strict';
// "Did it last?" in a real browser (issue 19 part 7): the lead of a completed demo project whose
// 6-month follow-up is overdue sees its measures checked since completion, records what the
// team found, and sees it kept with the check; a bad day is refused by the form with its field
// named. The section is photographed at desktop and phone widths and checked with axe-core.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const { admin, member } = h.DEMO;
// Every demo person signs in with the demo password.
const DEMO_PASSWORD = 'demo-password';

let server;
let browser;

async function api(path, token, options = {}) {
  const response = await fetch(`${server.baseUrl}/api/v1${path}`, {
    ...options,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(options.headers || {}) },
  });
  assert.ok(response.ok, `${path}: ${response.status}`);
  return response.json();
}

async function tokenOf(email, password) {
  const login = await fetch(`${server.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return (await login.json()).access_token;
}

/** A completed demo project `who` sees whose 6-month follow-up `wanted` picks, with its lead. */
async function completedProject(wanted, who = admin) {
  const token = await tokenOf(who.email, who.password);
  const page = await api('/projects?status=completed&per_page=100', token);
  for (const summary of page.items) {
    const followUps = await api(`/projects/${summary.id}/follow-ups`, token);
    const six = followUps.slots.find((s) => s.point === 'six_months');
    if (!six || !wanted(six, followUps)) continue;
    const project = await api(`/projects/${summary.id}`, token);
    const lead = project.team.find((m) => m.role === 'lead');
    if (!lead) continue;
    const person = who === admin ? await api(`/people/${lead.person_id}`, token) : null;
    return { project, lead: person, followUps };
  }
  throw new Error('the demo has no completed project with such a follow-up');
}

describe('Did it last? in the browser', () => {
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

  it('the lead records the 6-month follow-up of a completed project', { timeout: 240_000 }, async () => {
    const today = new Date().toISOString().slice(0, 10);
    const { project, lead, followUps } = await completedProject((six) => !six.follow_up && six.due_on < today);
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, lead.email, DEMO_PASSWORD);
    await page.goto(`${server.baseUrl}/projects/${project.id}#follow-ups`);
    await h.expectH1(page, project.title);
    const section = page.locator('section.follow-ups');
    await h.expectVisible(page, section.getByRole('heading', { name: 'Did it last?', exact: true }), 'the follow-ups');
    await h.expectVisible(page, section.getByRole('heading', { name: 'What the measures show now' }), 'the check of the measures');
    const six = section.locator('.follow-up', { has: page.getByRole('heading', { name: '6-month follow-up' }) });
    await h.expectVisible(page, six.locator('.tag', { hasText: 'Overdue' }), 'the 6-month follow-up overdue');
    const outcome = six.getByLabel('Has the improvement lasted?', { exact: true });
    // The form starts from what the data suggests, when it suggests anything.
    if (followUps.check.suggested) assert.equal(await outcome.inputValue(), followUps.check.suggested);
    await h.record(page, 'follow-up-due', 'a follow-up due, with the measures checked');

    // A day to come is refused by the form, naming the field.
    const day = six.getByLabel('Judged on', { exact: true });
    await day.fill('2099-01-01');
    await six.getByRole('button', { name: 'Record the follow-up', exact: true }).click();
    await h.expectVisible(page, six.locator('.error-message', { hasText: 'not after today' }), 'the day refused');

    await day.fill(today);
    await outcome.selectOption('partly');
    await six.getByLabel('What the team found', { exact: true }).fill('Held on days; nights slipped when the link nurse left.');
    await six.getByRole('button', { name: 'Record the follow-up', exact: true }).click();
    await h.expectVisible(page, six.locator('.tag', { hasText: 'Partly sustained' }), 'the finding kept');
    await h.expectVisible(page, six.getByText('nights slipped when the link nurse left'), 'the note kept');
    await h.expectVisible(page, six.getByText('What the measures showed then'), 'the check kept with it');
    await h.record(page, 'follow-up-recorded', 'a follow-up recorded');

    // Kept: read again from the server.
    await page.reload();
    await h.expectVisible(page, page.locator('section.follow-ups .follow-up', { hasText: 'Partly sustained' }), 'the finding after a reload');
    const stored = await api(`/projects/${project.id}/follow-ups`, await tokenOf(lead.email, DEMO_PASSWORD));
    const found = stored.slots.find((s) => s.point === 'six_months').follow_up;
    assert.equal(found.outcome, 'partly');
    assert.equal(found.recorded_on, today);
  });

  it('a follow-up recorded in the demo reads well on a phone', { timeout: 180_000 }, async () => {
    const { project } = await completedProject((six, all) => six.follow_up && six.follow_up.note && !all.may_record, member);
    const page = await h.newPage(browser, { phone: true });
    await h.signIn(page, server.baseUrl, member.email, member.password);
    await page.goto(`${server.baseUrl}/projects/${project.id}#follow-ups`);
    const heading = page.getByRole('heading', { name: 'Did it last?', exact: true });
    await h.expectVisible(page, heading, 'the follow-ups');
    const six = page.locator('section.follow-ups .follow-up', { has: page.getByRole('heading', { name: '6-month follow-up' }) });
    await h.expectVisible(page, six.locator('.tag').first(), 'what was found');
    // Someone who may not change the project reads it, with no form.
    assert.equal(await six.getByRole('button', { name: 'Record the follow-up' }).count(), 0);
    await heading.scrollIntoViewIfNeeded();
    await h.record(page, 'follow-up-phone', 'a recorded follow-up on a phone');
  });
});
