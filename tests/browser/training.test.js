'use strict';
// Training in a real browser (issue 6): the partnership admin adds a course and a cohort with two
// sessions, enrols a person, records attendance at both sessions and sees the person shown as
// completed. Every page is photographed and checked with axe-core.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const { admin, member } = h.DEMO;
const COURSE = 'Human Factors for Improvement';
const PERSON = 'Grace Lee';

let server;
let browser;

/** The date `days` from today, as yyyy-mm-dd. */
function inDays(days) {
  const d = new Date(Date.now() + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

describe('Training in the browser', () => {
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

  it('an admin runs a cohort from creation to completion', { timeout: 240_000 }, async () => {
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, admin.email, admin.password);
    await page.goto(`${server.baseUrl}/training`);
    await h.expectH1(page, 'Training');
    await h.expectVisible(page, page.getByRole('link', { name: 'QI Fundamentals', exact: true }), 'the demo courses');
    await h.record(page, 'training-courses', 'the course list');

    // A course: the form refuses an empty one, then saves.
    await page.getByRole('link', { name: 'Add a course', exact: true }).click();
    await h.expectH1(page, 'Add a course');
    await page.getByRole('button', { name: 'Add the course', exact: true }).click();
    await h.expectVisible(page, page.locator('.error-summary a', { hasText: 'Enter a title' }), 'the form refuses an empty course');
    await page.getByLabel('Title', { exact: true }).fill(COURSE);
    await page.getByLabel('Tier', { exact: true }).selectOption('learn');
    await page.getByLabel('Description', { exact: true }).fill('How people and systems interact, and what that means for safer care.');
    await page.getByLabel('Length in hours', { exact: true }).fill('4');
    await h.record(page, 'training-course-new', 'add a course');
    await page.getByRole('button', { name: 'Add the course', exact: true }).click();
    await h.expectH1(page, COURSE);

    // A cohort with two sessions.
    await page.getByRole('link', { name: 'Add a cohort', exact: true }).click();
    await h.expectH1(page, 'Add a cohort');
    await page.getByLabel('Name', { exact: true }).fill('Wave 1');
    await page.getByLabel('First day', { exact: true }).fill(inDays(7));
    await page.getByLabel('Last day', { exact: true }).fill(inDays(8));
    await page.getByLabel('Venue', { exact: true }).fill('Education centre, room 2');
    await page.getByLabel('Places', { exact: true }).fill('10');
    // The course is the partnership team's; the cohort is for everyone (first come, first served).
    await page.getByLabel('Partnership-wide: open to people of every organisation', { exact: true }).check();
    await page.getByLabel('Session 1 starts', { exact: true }).fill(`${inDays(7)}T09:30`);
    await page.getByRole('button', { name: 'Add a session', exact: true }).click();
    await page.getByLabel('Session 2 starts', { exact: true }).fill(`${inDays(8)}T09:30`);
    await h.record(page, 'training-cohort-new', 'add a cohort');
    await page.getByRole('button', { name: 'Add the cohort', exact: true }).click();
    await h.expectH1(page, `${COURSE}: Wave 1`);
    await h.expectVisible(page, page.locator('#places', { hasText: '0 of 10 taken' }), 'the empty cohort');
    // Shown back at the UK time entered, whichever side of the clock change it falls.
    await h.expectVisible(page, page.getByText(/^Session 1: .* 09:30 (GMT|BST), 180 minutes$/), 'the session at the time entered');

    // Enrol a person.
    await page.getByLabel('Find a person', { exact: true }).fill('Grace');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.getByRole('button', { name: `Enrol ${PERSON}`, exact: true }).click();
    const row = page.locator('#enrolled tr', { hasText: PERSON });
    await h.expectVisible(page, row.locator('.enrolment-status', { hasText: 'Enrolled' }), 'the person enrolled');
    // Found again, they are not offered a second place.
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await h.expectVisible(page, page.getByText('Already here: Enrolled'), 'no second enrolment offered');
    assert.equal(await page.getByRole('button', { name: `Enrol ${PERSON}`, exact: true }).count(), 0);

    // Attendance at both sessions: completed.
    for (const session of ['Session 1', 'Session 2']) {
      const register = page.getByRole('form', { name: new RegExp(`^Register: ${session},`) });
      await register.getByLabel(PERSON, { exact: true }).check();
      await register.getByRole('button', { name: `Save the register for ${session}`, exact: true }).click();
      await h.expectVisible(page, register.getByText('Register saved.'), `the register of ${session} saved`);
    }
    await h.expectVisible(page, row.locator('.enrolment-status', { hasText: 'Completed on' }), 'the person completed');
    await h.expectVisible(page, row.getByText('2 of 2'), 'both sessions attended');
    await h.record(page, 'training-cohort', 'the cohort page with a completion');

    // A bad sign-in sheet: nothing imported, the row named.
    await page.getByLabel('Or paste the sheet', { exact: true }).fill('email,date,present\nmember@demo.qicommons.org,31/02/2027,yes\n');
    await page.getByRole('button', { name: 'Import attendance', exact: true }).click();
    await h.expectVisible(page, page.locator('#sign-in-errors li', { hasText: 'Row 2, date' }), 'the bad row named');

    h.assertNoErrors(page);
  });
  it('a cohort for its provider organisation offers no place to anyone else', { timeout: 120_000 }, async () => {
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, admin.email, admin.password);
    // The e-module is the ICB QI team's, the admin's own organisation.
    await page.goto(`${server.baseUrl}/training`);
    await page.getByRole('link', { name: 'QI Fundamentals e-module', exact: true }).first().click();
    await page.getByRole('link', { name: 'Add a cohort', exact: true }).click();
    await h.expectH1(page, 'Add a cohort');
    await page.getByLabel('Name', { exact: true }).fill('ICB staff wave');
    await page.getByLabel('First day', { exact: true }).fill(inDays(14));
    await page.getByLabel('Last day', { exact: true }).fill(inDays(14));
    await page.getByLabel('Venue', { exact: true }).fill('ICB offices, meeting room 1');
    await page.getByLabel('Places', { exact: true }).fill('8');
    await page.getByLabel('Session 1 starts', { exact: true }).fill(`${inDays(14)}T10:00`);
    await page.getByRole('button', { name: 'Add the cohort', exact: true }).click();
    await h.expectH1(page, /: ICB staff wave$/);
    await h.expectVisible(page, page.getByRole('button', { name: 'Enrol me', exact: true }), "the provider's people are offered a place");
    const cohortUrl = page.url();

    // A Northmoor nurse: no button, and the reason.
    const other = await h.newPage(browser);
    await h.signIn(other, server.baseUrl, member.email, member.password);
    await other.goto(cohortUrl);
    await h.expectH1(other, /: ICB staff wave$/);
    await h.expectVisible(other, other.locator('#not-open'), 'told why there is no place for them');
    assert.equal(await other.getByRole('button', { name: 'Enrol me', exact: true }).count(), 0);
    await h.record(other, 'training-cohort-not-open', 'a cohort not open to this person');
    h.assertNoErrors(page);
    h.assertNoErrors(other);
  });
  it('a cohort moves a person up the tiers: Learn on completion, then Live on an active project', { timeout: 240_000 }, async () => {
    const PERSON2 = 'Ava Khan'; // a Northmoor nurse with no training and no project in the demo
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, admin.email, admin.password);

    // Her record before: no tier.
    await page.goto(`${server.baseUrl}/people?q=${encodeURIComponent(PERSON2)}`);
    await page.getByRole('link', { name: PERSON2, exact: true }).first().click();
    await h.expectH1(page, PERSON2);
    await page.getByRole('link', { name: /^Capability record/ }).click();
    const recordUrl = page.url();
    await h.expectVisible(page, page.locator('#tier-now .tier-label', { hasText: 'Not yet Learn' }), 'no tier yet');

    // A cohort of a Learn course, held yesterday and early today.
    await page.goto(`${server.baseUrl}/training`);
    await page.getByRole('link', { name: 'QI Fundamentals', exact: true }).first().click();
    await page.getByRole('link', { name: 'Add a cohort', exact: true }).click();
    await h.expectH1(page, 'Add a cohort');
    await page.getByLabel('Name', { exact: true }).fill('Catch-up wave');
    await page.getByLabel('First day', { exact: true }).fill(inDays(-1));
    await page.getByLabel('Last day', { exact: true }).fill(inDays(0));
    await page.getByLabel('Venue', { exact: true }).fill('Education centre, room 4');
    await page.getByLabel('Places', { exact: true }).fill('12');
    await page.getByLabel('Session 1 starts', { exact: true }).fill(`${inDays(-1)}T09:30`);
    await page.getByRole('button', { name: 'Add a session', exact: true }).click();
    await page.getByLabel('Session 2 starts', { exact: true }).fill(`${inDays(0)}T00:00`);
    await page.getByRole('button', { name: 'Add the cohort', exact: true }).click();
    await h.expectH1(page, /: Catch-up wave$/);
    await page.getByLabel('Find a person', { exact: true }).fill(PERSON2);
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.getByRole('button', { name: `Enrol ${PERSON2}`, exact: true }).click();
    const row = page.locator('#enrolled tr', { hasText: PERSON2 });
    await h.expectVisible(page, row.locator('.enrolment-status', { hasText: 'Enrolled' }), 'enrolled');
    for (const session of ['Session 1', 'Session 2']) {
      const register = page.getByRole('form', { name: new RegExp(`^Register: ${session},`) });
      await register.getByLabel(PERSON2, { exact: true }).check();
      await register.getByRole('button', { name: `Save the register for ${session}`, exact: true }).click();
      await h.expectVisible(page, register.getByText('Register saved.'), `the register of ${session} saved`);
    }
    await h.expectVisible(page, row.locator('.enrolment-status', { hasText: 'Completed on' }), 'completed');

    // Learn now, with the course as the reason.
    await page.goto(recordUrl);
    await h.expectVisible(page, page.locator('#tier-now .tier-label', { hasText: /^Learn$/ }), 'Learn after the course');
    await h.expectVisible(page, page.locator('#tier-now', { hasText: 'QI Fundamentals' }), 'the course as the reason');
    await h.record(page, 'capability-record-learn', 'a person\'s record after a course');

    // On the team of an active project: Live.
    await page.goto(`${server.baseUrl}/projects/new`);
    await h.expectH1(page, 'Start a project');
    await page.getByLabel('Title', { exact: true }).fill('Safer insulin handovers');
    await page.getByLabel('Problem', { exact: true }).fill('Insulin doses are missed at shift handover.');
    await page.getByLabel('Aim statement', { exact: true }).fill('No missed insulin doses at handover on ward 5 by May 2027');
    await page.getByLabel('Add a team member', { exact: true }).fill(PERSON2);
    await page.getByRole('button', { name: 'Find people', exact: true }).click();
    await page.getByRole('button', { name: `Add ${PERSON2}`, exact: true }).click();
    await page.getByLabel('Status', { exact: true }).selectOption('active');
    await page.getByRole('button', { name: 'Save project', exact: true }).click();
    await h.expectH1(page, 'Safer insulin handovers');
    await page.goto(recordUrl);
    await h.expectVisible(page, page.locator('#tier-now .tier-label', { hasText: /^Live$/ }), 'Live on an active project');
    // The reason counts the projects without naming them (whoever sees the tier may not see them all);
    // the record lists the ones its reader may see.
    await h.expectVisible(page, page.locator('#tier-now', { hasText: 'member of 1 active or completed project' }), 'the project as the reason');
    await h.expectVisible(page, page.getByText('Safer insulin handovers').first(), 'the project on the record');
    await h.record(page, 'capability-record-live', 'a person\'s record after joining a project');
    h.assertNoErrors(page);
  });
});
