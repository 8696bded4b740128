'use strict';
// Comments and peer support in a real browser: the QI lead comments on a project and mentions
// the coach through the @-picker (an empty comment refused first), and the coach hears of it on
// the notifications page and follows it to the comment; he replies, she edits hers (shown as
// edited), he offers help and the project's lead accepts; the lead hides a comment with a
// reason, publishes one to the learning library, where a visitor reads it (and not the rest);
// a comment is deleted after a confirmation; a measure's page and a PDSA cycle have their own
// comments, and a cycle's comment shows in the project's list on the same page at once (a reply
// there in the cycle's thread). Every new
// page is photographed (tests/screenshots/comments-*.png) and checked with axe-core at desktop
// and phone widths.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const { admin, qiLead, coach, member } = h.DEMO;
const COACH = 'Tom Okafor';
const PROJECT = 'Fewer falls on the stroke unit';

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

/** The comment (a `li.comment`) within `scope` (a page or a part of one) whose own text contains `text`. */
function comment(scope, text) {
  const page = typeof scope.page === 'function' ? scope.page() : scope;
  return scope.locator('li.comment', { has: page.locator(':scope > .comment__text', { hasText: text }) });
}

/** What can be done to a comment itself (not to its replies). */
function own(li) {
  return li.locator(':scope > .comment__actions');
}

describe('Comments and peer support in the browser', () => {
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

  it('a comment with a mention, a reply, an edit, an accepted offer, a hidden, a published and a deleted comment', { timeout: 300_000 }, async () => {
    // Arrange: the nurse's public project (she leads it), with a measure.
    const asNurse = await apiAs(member);
    const nurseMe = await asNurse('GET', '/api/v1/me');
    const project = await asNurse('POST', '/api/v1/projects', {
      title: PROJECT,
      aim: 'Cut falls on the stroke unit by a third by June.',
      lead_organisation_id: nurseMe.organisation_id,
      visibility: 'public',
    });
    const measure = await asNurse('POST', `/api/v1/projects/${project.id}/measures`, {
      name: 'Falls per week',
      type: 'outcome',
      operational_definition: 'Inpatient falls on the stroke unit, counted each week from the incident system.',
      unit: 'count',
      improvement_direction: 'decrease',
      frequency: 'weekly',
    });
    const projectUrl = `${server.baseUrl}/projects/${project.id}`;

    // The QI lead finds no comments yet; an empty comment is refused.
    const lead = await h.newPage(browser);
    await h.signIn(lead, server.baseUrl, qiLead.email, qiLead.password);
    await lead.goto(projectUrl);
    await h.expectH1(lead, PROJECT);
    await h.expectVisible(lead, lead.getByText('No comments yet.'), 'no comments yet');
    await lead.getByRole('button', { name: 'Post comment', exact: true }).click();
    await h.expectVisible(lead, lead.locator('.error-summary a', { hasText: 'Write a comment' }), 'an empty comment refused');
    await h.expectVisible(lead, lead.locator('#comment-body-error'), 'the error beside the field');

    // She mentions the coach with the @-picker.
    const box = lead.getByLabel('Your comment', { exact: true });
    await box.fill('Great to see this. ');
    await box.press('End');
    await box.pressSequentially('@Tom Ok');
    await h.expectVisible(lead, lead.getByRole('button', { name: `Mention ${COACH}`, exact: true }), 'the coach suggested');
    await h.record(lead, 'comments-project-mention', 'a comment with the people to mention');
    await lead.getByRole('button', { name: `Mention ${COACH}`, exact: true }).click();
    assert.equal(await box.inputValue(), `Great to see this. @${COACH} `, 'the name written in');
    await box.pressSequentially('could you help the team with their run chart?');
    await lead.getByRole('button', { name: 'Post comment', exact: true }).click();
    await h.expectVisible(lead, lead.getByText(`Your comment is posted, and ${COACH} has been told.`), 'posted, and the coach told');
    const first = comment(lead, 'could you help the team');
    await h.expectVisible(lead, first.locator('.comment__author', { hasText: qiLead.name }), 'her comment, with her name');

    // The coach hears of it: through the API, and on his notifications page, which leads to it.
    const asCoach = await apiAs(coach);
    const notices = await asCoach('GET', '/api/v1/me/notifications');
    const mention = notices.items.find((n) => n.kind === 'mentioned');
    assert.ok(mention, `the coach has a 'mentioned' notification: ${JSON.stringify(notices.items.slice(0, 3))}`);
    assert.match(mention.summary, new RegExp(PROJECT), 'it names the project');
    const coachPage = await h.newPage(browser);
    await h.signIn(coachPage, server.baseUrl, coach.email, coach.password);
    await coachPage.goto(`${server.baseUrl}/notifications`);
    await h.expectH1(coachPage, 'Notifications');
    const notice = coachPage.locator('.notification', { hasText: `${qiLead.name} mentioned you` });
    await h.expectVisible(coachPage, notice, 'the mention on his notifications page');
    await notice.getByRole('link').click();
    await h.expectH1(coachPage, PROJECT);
    const seen = comment(coachPage, 'could you help the team');
    await h.expectVisible(coachPage, seen, 'the comment the notification leads to');

    // He replies, and offers help.
    await own(seen).getByRole('button', { name: 'Reply', exact: true }).click();
    await seen.getByLabel('Your reply', { exact: true }).fill('Happy to: I will bring a run chart template to your huddle.');
    await seen.getByRole('button', { name: 'Post reply', exact: true }).click();
    await h.expectVisible(coachPage, coachPage.getByText('Your reply is posted.'), 'the reply posted');
    await h.expectVisible(coachPage, seen.locator('.comments--replies').getByText('I will bring a run chart template'), 'the reply in the thread');
    await coachPage.getByLabel('Your comment', { exact: true }).fill('I can run a one-hour session on SPC charts for the ward team.');
    await coachPage.getByLabel('I can help', { exact: true }).check();
    await coachPage.getByRole('button', { name: 'Offer help', exact: true }).click();
    await h.expectVisible(coachPage, coachPage.getByText('Thank you for offering to help'), 'the offer sent');
    const offer = comment(coachPage, 'one-hour session on SPC');
    await h.expectVisible(coachPage, offer.getByText('Waiting for the team'), 'the offer waits for the team');

    // The QI lead edits her comment: it shows as edited.
    await lead.reload();
    await h.expectH1(lead, PROJECT);
    await own(first).getByRole('button', { name: 'Edit', exact: true }).first().click();
    await first.getByLabel('Your comment', { exact: true }).fill(`Great to see this. @${COACH} could you help the team with their run chart and the SPC rules?`);
    await first.getByRole('button', { name: 'Save changes', exact: true }).click();
    await h.expectVisible(lead, lead.getByText('Your comment is changed.'), 'the edit saved');
    const edited = comment(lead, 'and the SPC rules');
    await h.expectVisible(lead, edited.locator(':scope > .comment__meta .comment__edited'), 'shown as edited');

    // Someone else's off-topic comment, for the lead to hide.
    const asAdmin = await apiAs(admin);
    await asAdmin('POST', `/api/v1/projects/${project.id}/comments`, { body: 'Does anyone have the parking permit form?' });

    // The project's lead accepts the offer, hides the off-topic comment and publishes one.
    const nurse = await h.newPage(browser);
    await h.signIn(nurse, server.baseUrl, member.email, member.password);
    await nurse.goto(projectUrl);
    await h.expectH1(nurse, PROJECT);
    const offered = comment(nurse, 'one-hour session on SPC');
    await own(offered).getByRole('button', { name: 'Accept the offer', exact: true }).click();
    await h.expectVisible(nurse, nurse.getByText('You accepted the offer'), 'the offer accepted');
    await h.expectVisible(nurse, offered.locator('.tag', { hasText: 'Accepted' }), 'marked accepted');
    await nurse.getByRole('button', { name: 'Offers of help', exact: true }).click();
    await h.expectVisible(nurse, comment(nurse, 'parking permit'), 'only offers shown', { state: 'detached' });
    await h.expectVisible(nurse, offered, 'the offer among them');
    await nurse.getByRole('button', { name: 'All comments', exact: true }).click();
    const offTopic = comment(nurse, 'parking permit');
    await own(offTopic).getByRole('button', { name: 'Hide', exact: true }).click();
    await offTopic.getByRole('button', { name: 'Hide comment', exact: true }).click();
    await h.expectVisible(nurse, offTopic.getByText('Enter a reason'), 'no reason refused');
    await offTopic.getByLabel('Why hide it', { exact: true }).fill('Not about this project');
    await offTopic.getByRole('button', { name: 'Hide comment', exact: true }).click();
    await h.expectVisible(nurse, nurse.locator('.comment__gone', { hasText: `Hidden by ${member.name}: Not about this project` }), 'hidden, with the reason');
    const toPublish = comment(nurse, 'and the SPC rules');
    await own(toPublish).getByRole('button', { name: 'Publish in the library', exact: true }).click();
    await h.expectVisible(nurse, nurse.getByText('The comment is published in the learning library.'), 'published');
    await h.expectVisible(nurse, toPublish.getByText('In the learning library'), 'marked as in the library');
    await h.record(nurse, 'comments-project', "the project's comments, for its lead");

    // The QI lead deletes a comment of hers, after confirming.
    await lead.getByLabel('Your comment', { exact: true }).fill('Posted on the wrong project, sorry.');
    await lead.getByRole('button', { name: 'Post comment', exact: true }).click();
    await h.expectVisible(lead, lead.getByText('Your comment is posted.'), 'a comment to delete');
    const mistake = comment(lead, 'wrong project');
    await own(mistake).getByRole('button', { name: 'Delete', exact: true }).click();
    await h.expectVisible(lead, mistake.getByText('Delete your comment? This cannot be undone.'), 'asked to confirm');
    await h.record(lead, 'comments-project-delete', 'deleting a comment, confirmed');
    await mistake.getByRole('button', { name: 'Yes, delete it', exact: true }).click();
    await h.expectVisible(lead, lead.getByText('Your comment is deleted.'), 'deleted');
    await h.expectVisible(lead, comment(lead, 'wrong project'), 'gone from the list', { state: 'detached' });

    // A visitor to the library reads the published comment only.
    const visitor = await h.newPage(browser);
    await visitor.goto(`${server.baseUrl}/library/${project.id}`);
    await h.expectH1(visitor, PROJECT);
    await h.expectVisible(visitor, comment(visitor, 'and the SPC rules'), 'the published comment in the library');
    assert.equal(await visitor.getByText('one-hour session on SPC').count(), 0, 'an unpublished comment is not public');
    assert.equal(await visitor.getByRole('button', { name: 'Reply' }).count(), 0, 'read-only');
    await h.record(visitor, 'comments-library', 'published comments in the library');

    // A measure's page has its own comments, and the project's list says what each is about.
    await lead.goto(`${projectUrl}/measures/${measure.id}`);
    await h.expectH1(lead, 'Falls per week');
    await h.expectVisible(lead, lead.getByText('No comments about this yet.'), "the measure's own comments");
    await lead.getByLabel('Your comment', { exact: true }).fill('Could you annotate the week the new bed alarms arrived?');
    await lead.getByRole('button', { name: 'Post comment', exact: true }).click();
    await h.expectVisible(lead, comment(lead, 'bed alarms'), "the comment on the measure's page");
    await h.record(lead, 'comments-measure', "a measure's comments");
    await lead.goto(projectUrl);
    await h.expectVisible(lead, comment(lead, 'bed alarms').getByText('About the measure'), 'named as about the measure in the project list');

    // A PDSA cycle's comments, read when asked for: on a demo project of hers with cycles.
    const mine = await asNurse('GET', `/api/v1/projects?member_id=${nurseMe.id}&per_page=100`);
    let ramp = null;
    for (const p of mine.items) {
      const cycles = await asNurse('GET', `/api/v1/projects/${p.id}/cycles`);
      if (cycles.length > 0) {
        ramp = { project: p, cycle: cycles[0] };
        break;
      }
    }
    assert.ok(ramp, 'the nurse is on a demo project with PDSA cycles');
    await nurse.goto(`${server.baseUrl}/projects/${ramp.project.id}`);
    await h.expectH1(nurse, ramp.project.title);
    const cycle = nurse.locator('.ramp__cycle', { hasText: `Cycle ${ramp.cycle.sequence}: ${ramp.cycle.objective}` }).first();
    await cycle.locator('summary').click();
    await cycle.getByRole('button', { name: `Comments on cycle ${ramp.cycle.sequence}`, exact: true }).click();
    await cycle.getByLabel('Your comment', { exact: true }).fill('The prediction held: say what you will test next.');
    await cycle.getByRole('button', { name: 'Post comment', exact: true }).click();
    await h.expectVisible(nurse, comment(cycle, 'The prediction held'), "the comment in the cycle's own list");
    await h.record(nurse, 'comments-cycle', "a PDSA cycle's comments");
    // The project's list, further down the same page, has it at once (no reload), named as
    // about the cycle; and a reply there is in the cycle's thread at once.
    const projectList = nurse.locator('section[aria-labelledby="comments"]');
    const inProjectList = comment(projectList, 'The prediction held');
    await h.expectVisible(nurse, inProjectList.getByText(`About PDSA cycle ${ramp.cycle.sequence}`, { exact: true }), "in the project's list at once, named as about the cycle");
    await own(inProjectList).getByRole('button', { name: 'Reply', exact: true }).click();
    await inProjectList.getByLabel('Your reply', { exact: true }).fill('Next we test it on the night shift.');
    await inProjectList.getByRole('button', { name: 'Post reply', exact: true }).click();
    await h.expectVisible(nurse, comment(cycle, 'The prediction held').locator('.comments--replies').getByText('on the night shift'), "the reply in the cycle's thread at once");

    // The comments at phone width.
    const phone = await h.newPage(browser, { phone: true });
    await h.signIn(phone, server.baseUrl, member.email, member.password);
    await phone.goto(projectUrl);
    await h.expectVisible(phone, comment(phone, 'and the SPC rules'), 'the comments, on a phone');
    await h.record(phone, 'comments-project', "the project's comments, for its lead");
    await own(comment(phone, 'one-hour session on SPC')).getByRole('button', { name: 'Reply', exact: true }).click();
    await h.record(phone, 'comments-project-reply', 'replying, on a phone');
    await phone.goto(`${projectUrl}/measures/${measure.id}`);
    await h.expectVisible(phone, comment(phone, 'bed alarms'), "the measure's comments, on a phone");
    await h.record(phone, 'comments-measure', "a measure's comments");
    const phoneVisitor = await h.newPage(browser, { phone: true });
    await phoneVisitor.goto(`${server.baseUrl}/library/${project.id}`);
    await h.expectVisible(phoneVisitor, comment(phoneVisitor, 'and the SPC rules'), 'the library, on a phone');
    await h.record(phoneVisitor, 'comments-library', 'published comments in the library');

    for (const page of [lead, coachPage, nurse, visitor, phone, phoneVisitor]) h.assertNoErrors(page);
  });
});
