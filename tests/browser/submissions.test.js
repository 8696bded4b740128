'use strict';
// Calls for submissions and awards in a real browser: the organiser opens a call on the
// celebration event (an incomplete form refused first); a team member submits her project as a
// poster and uploads a PDF (a file that is not what it says refused in the browser); the
// organiser names a reviewer; the deadline moves into the past through the API; the reviewer
// scores it (no scores refused); the organiser closes the review, shortlists it and awards it
// "Best poster", winner; the award shows on the project's page, in the register and on the event.
// Every new page is photographed (tests/screenshots/submissions-*.png) and checked with axe-core
// at desktop and phone widths.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const h = require('./harness');

const { admin, qiLead, member } = h.DEMO;
const EVENT = 'Celebration of improvement 2026';
const PROJECT = 'Sepsis screening within the hour in ED';
const SUBMISSION = 'Screening for sepsis within the hour';
// The smallest file that is a PDF by its first bytes, which is what the server checks.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

let server;
let browser;

/** Signs `who` in through the API; resolves to a function calling the API as them. */
async function apiAs(who) {
  const login = await fetch(`${server.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: who.email, password: who.password }),
  });
  assert.equal(login.status, 200, `${who.email} signs in`);
  const { access_token: token } = await login.json();
  return async (method, path, body) => {
    const answer = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    assert.ok(answer.ok, `${method} ${path} answered ${answer.status}: ${await answer.clone().text()}`);
    return answer.status === 204 ? null : answer.json();
  };
}

/** The date `days` from today, as yyyy-mm-dd. */
function inDays(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

describe('Calls for submissions and awards in the browser', () => {
  before(
    async () => {
      server = await h.startServer();
      browser = await h.launchBrowser();
    },
    { timeout: 120_000 },
  );

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('a call from opening to an award: submitted with a file, reviewed, closed, shortlisted and awarded', { timeout: 300_000 }, async () => {
    // Arrange, through the API: the celebration event, and the nurse's project (public, so it is
    // in the library too), which makes her its lead.
    const asAdmin = await apiAs(admin);
    const asNurse = await apiAs(member);
    const adminMe = await asAdmin('GET', '/api/v1/me');
    const starts = new Date(`${inDays(40)}T09:00:00Z`);
    const event = await asAdmin('POST', '/api/v1/events', {
      title: EVENT,
      kind: 'celebration',
      description: 'Posters, masterclasses and stories from across the partnership.',
      organiser_organisation_id: adminMe.organisation_id,
      starts_at: starts.toISOString(),
      ends_at: new Date(starts.getTime() + 7 * 3_600_000).toISOString(),
      venue: 'Civic hall',
      online_link: '',
      capacity: 200,
      audience: 'partnership',
      tags: [],
      counts_as_training: false,
    });
    const nurseMe = await asNurse('GET', '/api/v1/me');
    const project = await asNurse('POST', '/api/v1/projects', {
      title: PROJECT,
      aim: 'Screen 95% of adults with suspected sepsis within an hour of arrival by March.',
      lead_organisation_id: nurseMe.organisation_id,
      visibility: 'public',
    });
    const eventUrl = `${server.baseUrl}/events/${event.id}`;
    const callUrl = `${eventUrl}/call`;

    // The organiser opens a call from the event's page; an incomplete form is refused.
    const organiser = await h.newPage(browser);
    await h.signIn(organiser, server.baseUrl, admin.email, admin.password);
    await organiser.goto(eventUrl);
    await h.expectH1(organiser, EVENT);
    await organiser.getByRole('link', { name: 'Open a call for submissions', exact: true }).click();
    await h.expectH1(organiser, 'Open a call for submissions');
    await organiser.getByRole('button', { name: 'Open the call', exact: true }).click();
    await h.expectVisible(organiser, organiser.locator('.error-summary a', { hasText: 'Enter the date of the deadline' }), 'no deadline refused');
    await h.expectVisible(organiser, organiser.locator('#criteria-0--name-error'), "the criterion's missing name beside it");
    await organiser.getByLabel('What the call asks for', { exact: true }).fill(
      'Tell us about an improvement you made this year.\n\nPosters are shown all day; stories are told in the afternoon.',
    );
    await organiser.getByLabel('Improvement story', { exact: true }).check();
    await organiser.getByLabel('Deadline date', { exact: true }).fill(inDays(14));
    await organiser.getByLabel('Deadline time', { exact: true }).fill('17:00');
    await organiser.getByLabel('Criterion 1: name', { exact: true }).fill('Impact');
    await organiser.getByLabel('Criterion 1: what reviewers look for', { exact: true }).fill('What changed for patients, shown by the data');
    await organiser.getByLabel('Criterion 1: weight', { exact: true }).selectOption('3');
    await organiser.getByRole('button', { name: 'Add a criterion', exact: true }).click();
    await organiser.getByRole('button', { name: 'Add a criterion', exact: true }).click();
    await organiser.getByRole('button', { name: 'Remove criterion 3', exact: true }).click();
    assert.equal(await organiser.getByLabel('Criterion 3: name', { exact: true }).count(), 0, 'the third criterion removed');
    await organiser.getByLabel('Criterion 2: name', { exact: true }).fill('Method');
    await organiser.getByLabel('Criterion 2: what reviewers look for', { exact: true }).fill('Use of PDSA cycles and measurement');
    await h.record(organiser, 'submissions-call-form', 'the call form');
    await organiser.getByRole('button', { name: 'Open the call', exact: true }).click();
    await h.expectH1(organiser, 'Call for submissions');
    await h.expectPath(organiser, `/events/${event.id}/call`);
    await h.expectVisible(organiser, organiser.locator('#deadline', { hasText: /, 17:00 (GMT|BST)$/ }), 'the deadline as entered, UK time');
    await h.expectVisible(organiser, organiser.locator('#kinds', { hasText: 'Poster, Improvement story' }), 'the kinds');
    await h.expectVisible(organiser, organiser.locator('#rubric tr', { hasText: 'Impact' }).getByText('3 of 4'), 'the rubric with its weights');
    await h.expectVisible(organiser, organiser.locator('#close-later'), 'the review closes only after the deadline');
    await h.expectVisible(organiser, organiser.getByText('Nothing submitted yet.'), 'no submissions yet');

    // The nurse finds the call on the event's page and submits her project as a poster.
    const nurse = await h.newPage(browser);
    await h.signIn(nurse, server.baseUrl, member.email, member.password);
    await nurse.goto(eventUrl);
    await h.expectVisible(nurse, nurse.locator('#call', { hasText: 'Taking poster, improvement story until' }), "the call on the event's page");
    await nurse.getByRole('link', { name: 'See the call and submit a project', exact: true }).click();
    await h.expectH1(nurse, 'Call for submissions');
    await nurse.getByRole('button', { name: 'Submit the project', exact: true }).click();
    await h.expectVisible(nurse, nurse.locator('.error-summary a', { hasText: 'Choose one of your projects' }), 'no project refused');
    await nurse.getByLabel('Project', { exact: true }).selectOption({ label: PROJECT });
    await nurse.getByLabel('Kind of submission', { exact: true }).selectOption('poster');
    await nurse.getByLabel('Title', { exact: true }).fill(SUBMISSION);
    await nurse.getByLabel('Abstract', { exact: true }).fill(
      'Only 61% of adults with suspected sepsis were screened within the hour.\n\nA screening prompt at triage, tested over four PDSA cycles, took it to 93%.',
    );
    await h.record(nurse, 'submissions-call-submit', 'the call, submitting a project');
    await nurse.getByRole('button', { name: 'Submit the project', exact: true }).click();
    await h.expectH1(nurse, SUBMISSION);
    const submissionUrl = nurse.url();
    await h.expectVisible(nurse, nurse.getByText('No file yet: add your poster'), 'no file yet');

    // A file that is not what it says is refused in the browser; a PDF is uploaded and downloads.
    await nurse.getByLabel('Add a file', { exact: true }).setInputFiles({ name: 'poster.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html>not a poster</html>') });
    await nurse.getByRole('button', { name: 'Upload the file', exact: true }).click();
    await h.expectVisible(nurse, nurse.locator('#file-error', { hasText: 'The file is not a PDF as it says' }), 'a false PDF refused');
    await nurse.getByLabel('Add a file', { exact: true }).setInputFiles({ name: 'sepsis poster.pdf', mimeType: 'application/pdf', buffer: PDF });
    await nurse.getByRole('button', { name: 'Upload the file', exact: true }).click();
    await h.expectVisible(nurse, nurse.getByText('sepsis poster.pdf is uploaded.'), 'the PDF uploaded');
    await h.expectVisible(nurse, nurse.locator('#file-name', { hasText: 'sepsis poster.pdf (PDF, 1 KB)' }), 'the file named');
    const [download] = await Promise.all([
      nurse.waitForEvent('download'),
      nurse.getByRole('button', { name: 'Download sepsis poster.pdf', exact: true }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'sepsis poster.pdf');
    assert.deepEqual(fs.readFileSync(await download.path()), PDF, 'the PDF comes back as it went');
    await h.expectVisible(nurse, nurse.getByLabel('Replace the file', { exact: true }), 'the file can be replaced', { state: 'attached' });
    await h.record(nurse, 'submissions-submission-team', "the team's submission");

    // The organiser sees it listed and names a reviewer from the directory.
    await organiser.reload();
    const row = organiser.locator('#submissions tr', { hasText: SUBMISSION });
    await h.expectVisible(organiser, row.getByText('None yet'), 'listed, with no reviewers');
    await h.record(organiser, 'submissions-call-manager', 'the call, for its organiser');
    await row.getByRole('link', { name: SUBMISSION, exact: true }).click();
    await h.expectH1(organiser, SUBMISSION);
    await organiser.getByRole('button', { name: 'Find', exact: true }).click();
    await h.expectVisible(organiser, organiser.locator('#reviewer_search-error', { hasText: 'at least 2 letters' }), 'a search of no letters refused');
    await organiser.getByLabel('Find a reviewer', { exact: true }).fill('Priya');
    await organiser.getByRole('button', { name: 'Find', exact: true }).click();
    await organiser.getByRole('button', { name: `Add ${qiLead.name}`, exact: true }).click();
    await h.expectVisible(organiser, organiser.getByText(`${qiLead.name} is asked to review it.`), 'the reviewer added');
    await h.expectVisible(organiser, organiser.locator('#reviewers li', { hasText: qiLead.name }).getByText('Not scored yet'), 'not scored yet');
    await h.record(organiser, 'submissions-submission-manager', 'a submission, for the organiser');

    // Through the API: the deadline moves into the past, so the review opens.
    const call = await asAdmin('GET', `/api/v1/events/${event.id}/call`);
    await asAdmin('PUT', `/api/v1/events/${event.id}/call`, {
      intro: call.intro,
      kinds: call.kinds,
      deadline: new Date(Date.now() - 3_600_000).toISOString(),
      criteria: call.criteria.map(({ name, description, weight }) => ({ name, description, weight })),
    });

    // The reviewer sees her list, and scores the poster (no scores refused).
    const reviewer = await h.newPage(browser);
    await h.signIn(reviewer, server.baseUrl, qiLead.email, qiLead.password);
    await reviewer.goto(callUrl);
    await h.expectVisible(reviewer, reviewer.locator('#review-count', { hasText: 'Assigned to you: 1, scored: 0' }), 'her assignment counted');
    await h.record(reviewer, 'submissions-call-reviewer', 'the call, for a reviewer');
    await reviewer.locator('#to-review').getByRole('link', { name: SUBMISSION, exact: true }).click();
    await h.expectH1(reviewer, SUBMISSION);
    await reviewer.getByRole('button', { name: 'Send my review', exact: true }).click();
    await h.expectVisible(reviewer, reviewer.locator('.error-summary a', { hasText: 'Score "Impact" too' }), 'an unscored criterion refused');
    await h.expectVisible(reviewer, reviewer.locator('.form-group--error legend', { hasText: 'Impact (weight 3)' }), 'the error on its criterion');
    await reviewer.getByRole('group', { name: 'Impact (weight 3)' }).getByRole('radio', { name: '5 (excellent)', exact: true }).check();
    await reviewer.getByRole('group', { name: 'Method (weight 1)' }).getByRole('radio', { name: '3 (good)', exact: true }).check();
    await reviewer.getByLabel('A note for the organiser', { exact: true }).fill('A clear run chart; say more about the PDSA cycles.');
    await h.record(reviewer, 'submissions-review', 'the review form');
    await reviewer.getByRole('button', { name: 'Send my review', exact: true }).click();
    // (5 × 3 + 3 × 1) / 4
    await h.expectVisible(reviewer, reviewer.getByText('Your review is saved: 4.5 out of 5.'), 'the review saved, weighted');
    await h.expectVisible(reviewer, reviewer.locator('#my-score', { hasText: 'You scored it 4.5 out of 5' }), 'her saved review');

    // The organiser closes the review (confirmed), shortlists the poster and awards it.
    await organiser.goto(callUrl);
    await h.expectVisible(organiser, organiser.locator('#submissions tr', { hasText: SUBMISSION }).getByText('4.5 out of 5'), 'its score listed');
    await organiser.getByRole('button', { name: 'Close the review', exact: true }).click();
    await h.expectVisible(organiser, organiser.getByText('Close the review? Reviewers can no longer change their scores'), 'asked to confirm');
    await organiser.getByRole('button', { name: 'Yes, close the review', exact: true }).click();
    await h.expectVisible(organiser, organiser.getByText('The review is closed'), 'the review closed');
    await h.expectVisible(organiser, organiser.locator('#call-stage', { hasText: 'Review closed' }), 'the call says so');
    await organiser.goto(submissionUrl);
    await h.expectH1(organiser, SUBMISSION);
    await organiser.getByRole('button', { name: 'Add it to the shortlist', exact: true }).click();
    await h.expectVisible(organiser, organiser.getByText('It is on the shortlist.'), 'shortlisted');
    await organiser.getByRole('button', { name: 'Give the award', exact: true }).click();
    await h.expectVisible(organiser, organiser.locator('.error-summary a', { hasText: 'Enter a category' }), 'an award with no category refused');
    await organiser.getByLabel('Category', { exact: true }).fill('Best poster');
    await organiser.getByRole('radio', { name: 'Winner', exact: true }).check();
    await organiser.getByRole('button', { name: 'Give the award', exact: true }).click();
    await h.expectVisible(organiser, organiser.getByText(`Awarded: Winner, Best poster — ${EVENT}.`), 'the award given');
    await h.expectVisible(organiser, organiser.locator('#reviews', { hasText: `${qiLead.name}: 4.5 out of 5` }), 'every review with its weighted score');
    await h.record(organiser, 'submissions-submission-awarded', 'an awarded submission');

    // The reviewer now sees every review of it.
    await reviewer.goto(submissionUrl);
    await h.expectVisible(reviewer, reviewer.locator('#reviews', { hasText: `${qiLead.name}: 4.5 out of 5` }), 'the reviews, once closed');
    await h.record(reviewer, 'submissions-submission-reviewed', 'a submission after the review');

    // The award on the project's page, in the register and the library, and on the event's page.
    await nurse.goto(`${server.baseUrl}/projects/${project.id}`);
    await h.expectH1(nurse, PROJECT);
    await h.expectVisible(nurse, nurse.locator('.award-list li', { hasText: `Best poster — ${EVENT}` }).getByText('Winner'), "the award on the project's page");
    await h.record(nurse, 'submissions-project-awards', 'a project with an award');
    await nurse.goto(`${server.baseUrl}/projects?q=${encodeURIComponent('Sepsis screening within')}`);
    await h.expectVisible(nurse, nurse.locator('.project-card', { hasText: PROJECT }).getByText(`Winner, Best poster — ${EVENT}`), 'the badge in the register');
    const visitor = await h.newPage(browser);
    await visitor.goto(`${server.baseUrl}/library?q=${encodeURIComponent('Sepsis screening within')}`);
    await h.expectVisible(visitor, visitor.locator('.project-card', { hasText: PROJECT }).getByText(`Winner, Best poster — ${EVENT}`), 'the badge in the library');
    await nurse.goto(eventUrl);
    await h.expectVisible(nurse, nurse.locator('#call', { hasText: 'Best poster' }), "the award on the event's page");
    await h.record(nurse, 'submissions-event', 'an event with a call and its awards');

    // The new pages at phone width.
    const phone = await h.newPage(browser, { phone: true });
    await h.signIn(phone, server.baseUrl, admin.email, admin.password);
    await phone.goto(callUrl);
    await h.expectVisible(phone, phone.locator('#submissions tr', { hasText: SUBMISSION }), 'the call, on a phone');
    await h.record(phone, 'submissions-call-manager', 'the call, for its organiser');
    await phone.getByRole('link', { name: 'Edit the call', exact: true }).click();
    await h.expectH1(phone, 'Edit the call');
    await h.record(phone, 'submissions-call-form', 'the call form');
    await phone.goto(submissionUrl);
    await h.expectH1(phone, SUBMISSION);
    await h.expectVisible(phone, phone.locator('#reviews'), 'the reviews, on a phone');
    await h.record(phone, 'submissions-submission-awarded', 'an awarded submission');
    await phone.goto(`${server.baseUrl}/projects/${project.id}`);
    await h.expectH1(phone, PROJECT);
    await h.record(phone, 'submissions-project-awards', 'a project with an award');

    for (const page of [organiser, nurse, reviewer, visitor, phone]) h.assertNoErrors(page);
  });

  it('the submitting and reviewing pages pass axe at phone width', { timeout: 180_000 }, async () => {
    const asAdmin = await apiAs(admin);
    const asNurse = await apiAs(member);
    const adminMe = await asAdmin('GET', '/api/v1/me');
    const nurseMe = await asNurse('GET', '/api/v1/me');
    const starts = new Date(`${inDays(50)}T09:00:00Z`);
    const event = await asAdmin('POST', '/api/v1/events', {
      title: 'Spring posters',
      kind: 'celebration',
      description: '',
      organiser_organisation_id: adminMe.organisation_id,
      starts_at: starts.toISOString(),
      ends_at: new Date(starts.getTime() + 3 * 3_600_000).toISOString(),
      venue: 'Civic hall',
      online_link: '',
      capacity: 100,
      audience: 'partnership',
      tags: [],
      counts_as_training: false,
    });
    const call = {
      intro: 'Posters of any improvement.',
      kinds: ['poster'],
      deadline: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      criteria: [{ name: 'Impact', description: '', weight: 1 }],
    };
    await asAdmin('PUT', `/api/v1/events/${event.id}/call`, call);
    const project = await asNurse('POST', '/api/v1/projects', {
      title: 'Fewer missed insulin doses',
      aim: 'Halve missed insulin doses on the medical wards by June.',
      lead_organisation_id: nurseMe.organisation_id,
    });
    const submission = await asNurse('POST', `/api/v1/events/${event.id}/submissions`, {
      project_id: project.id,
      kind: 'poster',
      title: 'Insulin on time',
      abstract: 'Missed doses fell from 12% to 5%.',
    });
    const reviewerMe = await (await apiAs(qiLead))('GET', '/api/v1/me');
    await asAdmin('PUT', `/api/v1/submissions/${submission.id}/reviewers`, { person_ids: [reviewerMe.id] });

    // While the call is open: submitting, and the team's submission with its upload.
    const nursePhone = await h.newPage(browser, { phone: true });
    await h.signIn(nursePhone, server.baseUrl, member.email, member.password);
    await nursePhone.goto(`${server.baseUrl}/events/${event.id}/call`);
    await h.expectVisible(nursePhone, nursePhone.getByRole('button', { name: 'Submit the project', exact: true }), 'the form to submit, on a phone');
    await h.expectVisible(nursePhone, nursePhone.locator('#your-submissions tr', { hasText: 'Insulin on time' }), "her team's submission listed");
    await h.record(nursePhone, 'submissions-call-submit', 'the call, submitting a project');
    await nursePhone.goto(`${server.baseUrl}/submissions/${submission.id}`);
    await h.expectH1(nursePhone, 'Insulin on time');
    await h.expectVisible(nursePhone, nursePhone.getByRole('button', { name: 'Upload the file', exact: true }), 'the upload, on a phone');
    await h.record(nursePhone, 'submissions-submission-team', "the team's submission");
    // Withdrawing is confirmed first.
    await nursePhone.getByRole('button', { name: 'Withdraw the submission', exact: true }).click();
    await h.expectVisible(nursePhone, nursePhone.getByText('Withdraw this submission?'), 'asked to confirm');
    await nursePhone.getByRole('button', { name: 'Keep it', exact: true }).click();

    await asAdmin('PUT', `/api/v1/events/${event.id}/call`, { ...call, deadline: new Date(Date.now() - 60_000).toISOString() });

    const reviewerPhone = await h.newPage(browser, { phone: true });
    await h.signIn(reviewerPhone, server.baseUrl, qiLead.email, qiLead.password);
    await reviewerPhone.goto(`${server.baseUrl}/events/${event.id}/call`);
    await h.expectVisible(reviewerPhone, reviewerPhone.locator('#review-count', { hasText: 'Assigned to you: 1, scored: 0' }), 'her list, on a phone');
    await h.record(reviewerPhone, 'submissions-call-reviewer', 'the call, for a reviewer');
    await reviewerPhone.goto(`${server.baseUrl}/submissions/${submission.id}`);
    await reviewerPhone.getByRole('radio', { name: '4 (strong)', exact: true }).check();
    await h.record(reviewerPhone, 'submissions-review', 'the review form');

    for (const page of [nursePhone, reviewerPhone]) h.assertNoErrors(page);
  });
});
