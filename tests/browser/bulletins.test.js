'use strict';
// The "Sharing the Learning" bulletin in a real browser: the partnership admin follows the
// header's link to the bulletin, composes an issue (an incomplete one refused first) from a
// text section, a section of highlighted projects found in the register, one of upcoming
// events found in the calendar and one of the award winners of a past event (sections added,
// moved and removed), previews it, saves the draft, changes it again, and publishes it after
// confirming; the issue is then in the Atom feed, and a visitor who is not signed in reads it
// in the list and at its own address (with the awards of public projects only). "Whose
// bulletin" offers every organisation, past the API's first page of 100. Every new page is
// photographed (tests/screenshots/bulletins-*.png) and checked with axe-core at desktop and
// phone widths.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const { admin, member } = h.DEMO;
const TITLE = 'Sharing the Learning: a browser test issue';
const PROJECT = 'Quicker discharge letters to GPs';
const EVENT = 'Run charts for beginners';

let server;
let browser;
/** The issue the first test published, for the next. */
let issue = null;

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

/** An award as the bulletin words it (`award_text` in web/src/components/awards.rs). */
function awardText(a) {
  const level = { winner: 'Winner', highly_commended: 'Highly commended' }[a.level];
  return `${level}, ${a.category} — ${a.event_title}`;
}

/** The date `days` from today, as yyyy-mm-dd. */
function inDays(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

describe('The bulletin in the browser', () => {
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

  it('an issue composed, previewed, saved, published, in the feed and public', { timeout: 300_000 }, async () => {
    // Arrange: a public project of the nurse's, and an upcoming event.
    const asNurse = await apiAs(member);
    const asAdmin = await apiAs(admin);
    const nurseMe = await asNurse('GET', '/api/v1/me');
    const adminMe = await asAdmin('GET', '/api/v1/me');
    const project = await asNurse('POST', '/api/v1/projects', {
      title: PROJECT,
      aim: 'Send 90% of discharge letters to GPs within 24 hours by May.',
      lead_organisation_id: nurseMe.organisation_id,
      visibility: 'public',
    });
    // Its measure, with a dozen weeks of data, is the chart the bulletin shows.
    const measure = await asNurse('POST', `/api/v1/projects/${project.id}/measures`, {
      name: 'Letters sent within 24 hours',
      type: 'outcome',
      operational_definition: 'Discharge letters sent to the GP within 24 hours of discharge, counted each week.',
      unit: 'count',
      improvement_direction: 'increase',
      frequency: 'weekly',
    });
    for (let week = 0; week < 12; week += 1) {
      await asNurse('POST', `/api/v1/measures/${measure.id}/points`, {
        date: new Date(Date.UTC(2026, 8, 7 + 7 * week)).toISOString().slice(0, 10),
        value: [41, 44, 39, 46, 43, 52, 57, 55, 61, 60, 64, 66][week],
      });
    }
    const starts = new Date(`${inDays(20)}T13:00:00Z`);
    await asAdmin('POST', '/api/v1/events', {
      title: EVENT,
      kind: 'webinar',
      description: 'An hour on plotting your data over time.',
      organiser_organisation_id: adminMe.organisation_id,
      starts_at: starts.toISOString(),
      ends_at: new Date(starts.getTime() + 3_600_000).toISOString(),
      venue: '',
      online_link: 'https://meet.example.org/run-charts',
      capacity: 80,
      audience: 'partnership',
      tags: [],
      counts_as_training: false,
    });
    // The demo's last celebration gave awards: to public projects and to ones only the
    // partnership may see.
    const past = await asAdmin('GET', `/api/v1/events?when=past&q=${encodeURIComponent('QI Celebration')}`);
    assert.equal(past.items.length, 1, `one past celebration: ${past.items.map((e) => e.title)}`);
    const celebration = past.items[0];
    const awards = await asAdmin('GET', `/api/v1/events/${celebration.id}/awards`);
    const visibility = new Map();
    for (const a of awards) visibility.set(a.project.id, (await asAdmin('GET', `/api/v1/projects/${a.project.id}`)).visibility);
    const publicAwards = awards.filter((a) => visibility.get(a.project.id) === 'public');
    const hiddenAwards = awards.filter((a) => visibility.get(a.project.id) !== 'public');
    assert.ok(publicAwards.length > 0 && hiddenAwards.length > 0, `awards to public and other projects: ${JSON.stringify([...visibility])}`);

    // The admin follows the header's link to the bulletin and starts an issue.
    const editor = await h.newPage(browser);
    await h.signIn(editor, server.baseUrl, admin.email, admin.password);
    await editor.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Bulletin', exact: true }).click();
    await h.expectH1(editor, 'Sharing the Learning');
    await h.expectVisible(editor, editor.getByRole('link', { name: 'Follow the bulletin with its Atom feed' }), 'the feed linked');
    await h.expectVisible(editor, editor.locator('#issues'), 'the published issues');
    await h.record(editor, 'bulletins-list-editor', 'the bulletin list, for an editor');
    await editor.getByRole('link', { name: 'Compose a bulletin', exact: true }).click();
    await h.expectH1(editor, 'Compose a bulletin');

    // An incomplete issue is refused, each problem beside its field.
    await editor.getByRole('button', { name: 'Save draft', exact: true }).click();
    await h.expectVisible(editor, editor.locator('.error-summary a', { hasText: 'Enter a title' }), 'no title refused');
    await h.expectVisible(editor, editor.locator('#sections-0--heading-error'), "the first section's missing heading beside it");
    await h.expectVisible(editor, editor.locator('#sections-0--body-error', { hasText: "Write the section's text" }), 'its missing text');

    await editor.getByLabel('Title', { exact: true }).fill(TITLE);
    await editor.getByLabel('Summary (optional)', { exact: true }).fill('Discharge letters, run charts and what is coming up.');
    await editor.getByLabel('Section 1: heading', { exact: true }).fill('Welcome');
    await editor.getByLabel('Section 1: text', { exact: true }).fill('This issue is **all about** learning from each other.\n\n- Faster letters\n- Better charts');

    // A section of projects, found in the register.
    await editor.getByRole('button', { name: 'Add a section', exact: true }).click();
    await editor.getByLabel('Section 2: kind', { exact: true }).selectOption('projects');
    await editor.getByLabel('Section 2: heading', { exact: true }).fill('Projects to learn from');
    await editor.getByLabel('Section 2: find a project', { exact: true }).fill('discharge letters');
    await editor.getByLabel('Section 2: find a project', { exact: true }).press('Enter');
    await editor.getByRole('button', { name: new RegExp(`^Add ${PROJECT}`) }).click();
    await h.expectVisible(editor, editor.getByRole('button', { name: new RegExp(`^Remove ${PROJECT}`) }), 'the project picked');

    // A section of events, found in the calendar, moved above the projects.
    await editor.getByRole('button', { name: 'Add a section', exact: true }).click();
    await editor.getByLabel('Section 3: kind', { exact: true }).selectOption('events');
    await editor.getByLabel('Section 3: heading', { exact: true }).fill('Coming up');
    await editor.getByLabel('Section 3: find an upcoming event', { exact: true }).fill('Run charts');
    await editor.getByRole('button', { name: 'Find for section 3', exact: true }).click();
    await editor.getByRole('button', { name: `Add ${EVENT}`, exact: true }).click();
    await editor.getByRole('button', { name: 'Move section 3 up', exact: true }).click();
    assert.equal(await editor.getByLabel('Section 2: heading', { exact: true }).inputValue(), 'Coming up', 'the events moved up');
    // A section added and removed again.
    await editor.getByRole('button', { name: 'Add a section', exact: true }).click();
    await editor.getByRole('button', { name: 'Remove section 4', exact: true }).click();
    assert.equal(await editor.getByLabel('Section 4: heading', { exact: true }).count(), 0, 'the fourth section removed');
    // A section of award winners, from a past event found in the calendar.
    await editor.getByRole('button', { name: 'Add a section', exact: true }).click();
    await editor.getByLabel('Section 4: kind', { exact: true }).selectOption('awards');
    await editor.getByLabel('Section 4: heading', { exact: true }).fill('Award winners');
    await editor.getByLabel('Section 4: find an event whose awards to show', { exact: true }).fill('QI Celebration');
    await editor.getByRole('button', { name: 'Find for section 4', exact: true }).click();
    await editor.getByRole('button', { name: `Add ${celebration.title}`, exact: true }).click();
    await h.expectVisible(editor, editor.getByRole('button', { name: `Remove ${celebration.title}`, exact: true }), 'the event picked');

    // The preview, as the server renders it.
    await editor.getByRole('button', { name: 'Preview', exact: true }).click();
    const preview = editor.locator('.bulletin-preview');
    await h.expectVisible(editor, preview.locator('strong', { hasText: 'all about' }), 'the Markdown rendered in the preview');
    await h.expectVisible(editor, preview.getByRole('link', { name: PROJECT }), 'the project in the preview');
    await h.expectVisible(editor, preview.getByRole('link', { name: EVENT }), 'the event in the preview');
    // Every award of the event, for an editor, who may see every project.
    for (const a of awards) {
      const li = preview.locator('.award-list li', { hasText: a.project.title }).filter({ hasText: awardText(a) });
      await h.expectVisible(editor, li, `"${awardText(a)}" to ${a.project.title} in the preview`);
    }
    await h.record(editor, 'bulletins-editor', 'the bulletin editor, with a preview');

    // Saved as a draft, then published after confirming.
    await editor.getByRole('button', { name: 'Save draft', exact: true }).click();
    await h.expectH1(editor, TITLE);
    await h.expectVisible(editor, editor.locator('#draft-notice'), 'a draft, for its editors');
    const issuePath = new URL(editor.url()).pathname;
    assert.match(issuePath, /^\/bulletins\/\d+$/, 'the issue has its own address');
    await h.record(editor, 'bulletins-draft', 'a draft issue');
    // The draft is changed again, its sections as saved.
    await editor.getByRole('link', { name: 'Edit the draft', exact: true }).click();
    await h.expectH1(editor, 'Edit the draft');
    assert.equal(await editor.getByLabel('Section 3: heading', { exact: true }).inputValue(), 'Projects to learn from', 'the sections as saved');
    await h.expectVisible(editor, editor.getByRole('button', { name: new RegExp(`^Remove ${PROJECT}`) }), 'the project as picked');
    await editor.getByLabel('Summary (optional)', { exact: true }).fill('Discharge letters, run charts and what is coming up this winter.');
    await h.record(editor, 'bulletins-edit', 'changing a draft');
    await editor.getByRole('button', { name: 'Save draft', exact: true }).click();
    await h.expectH1(editor, TITLE);
    await h.expectVisible(editor, editor.getByText('what is coming up this winter'), 'the change saved');
    const visitor = await h.newPage(browser);
    const draftAnswer = await fetch(`${server.baseUrl}/api/v1${issuePath}`);
    assert.equal(draftAnswer.status, 404, 'a draft is not public');
    await editor.getByRole('button', { name: 'Publish', exact: true }).click();
    await h.expectVisible(editor, editor.getByText('Publish this issue?'), 'asked to confirm');
    await editor.getByRole('button', { name: 'Yes, publish it', exact: true }).click();
    await h.expectVisible(editor, editor.getByText('Published: anyone can read it at this address'), 'published');
    await h.expectVisible(editor, editor.locator('#draft-notice'), 'no longer a draft', { state: 'detached' });

    // In the Atom feed.
    const feed = await fetch(`${server.baseUrl}/api/v1/bulletins/feed.atom`);
    assert.equal(feed.status, 200);
    assert.match(feed.headers.get('content-type'), /application\/atom\+xml/);
    const atom = await feed.text();
    assert.ok(atom.includes(TITLE), `the feed has the issue's title:\n${atom.slice(0, 2000)}`);
    assert.ok(atom.includes(issuePath), "the feed links to the issue's page");

    // A visitor, not signed in, finds it in the list and reads it at its own address.
    await visitor.goto(`${server.baseUrl}/bulletins`);
    await h.expectH1(visitor, 'Sharing the Learning');
    const feedLink = await visitor.locator('link[rel="alternate"][type="application/atom+xml"]').getAttribute('href');
    assert.equal(feedLink, '/api/v1/bulletins/feed.atom', 'the page names its feed');
    await visitor.locator('#issues').getByRole('link', { name: TITLE, exact: true }).click();
    await h.expectH1(visitor, TITLE);
    await h.expectPath(visitor, issuePath);
    await h.expectVisible(visitor, visitor.getByRole('heading', { name: 'Coming up' }), 'the events section');
    await h.expectVisible(visitor, visitor.getByRole('link', { name: PROJECT }), 'the public project');
    await h.expectVisible(visitor, visitor.locator('.bulletin-chart'), "the project's chart");
    await h.expectVisible(visitor, visitor.getByRole('heading', { name: 'Award winners' }), 'the awards section');
    for (const a of publicAwards) {
      const li = visitor.locator('.award-list li', { hasText: a.project.title }).filter({ hasText: awardText(a) });
      await h.expectVisible(visitor, li, `"${awardText(a)}" to the public ${a.project.title}`);
    }
    for (const a of hiddenAwards) {
      assert.equal(await visitor.getByText(a.project.title).count(), 0, `${a.project.title}, not public, is not named to a visitor`);
    }
    await h.record(visitor, 'bulletins-issue', 'a published issue, for anyone');
    await visitor.goto(`${server.baseUrl}/bulletins`);
    await h.expectVisible(visitor, visitor.locator('#issues').getByRole('link', { name: TITLE }), 'listed for anyone');
    assert.equal(await visitor.getByRole('link', { name: 'Compose a bulletin' }).count(), 0, 'no editing for a visitor');
    await h.record(visitor, 'bulletins-list', 'the bulletin list, for anyone');

    // A member may read the bulletin but not compose one.
    const nurse = await h.newPage(browser);
    await h.signIn(nurse, server.baseUrl, member.email, member.password);
    await nurse.goto(`${server.baseUrl}/bulletins/new`);
    await h.expectH1(nurse, 'You do not have permission');

    // The new pages at phone width.
    const phone = await h.newPage(browser, { phone: true });
    await h.signIn(phone, server.baseUrl, admin.email, admin.password);
    await phone.goto(`${server.baseUrl}/bulletins`);
    await h.expectVisible(phone, phone.locator('#issues').getByRole('link', { name: TITLE }), 'the list, on a phone');
    await h.record(phone, 'bulletins-list-editor', 'the bulletin list, for an editor');
    await phone.goto(`${server.baseUrl}/bulletins/new`);
    await h.expectH1(phone, 'Compose a bulletin');
    await phone.getByLabel('Section 1: kind', { exact: true }).selectOption('projects');
    await phone.getByLabel('Section 1: find a project', { exact: true }).fill('discharge');
    await phone.getByRole('button', { name: 'Find for section 1', exact: true }).click();
    await h.expectVisible(phone, phone.getByRole('button', { name: new RegExp(`^Add ${PROJECT}`) }), 'found, on a phone');
    await h.record(phone, 'bulletins-editor', 'the bulletin editor');
    const phoneVisitor = await h.newPage(browser, { phone: true });
    await phoneVisitor.goto(`${server.baseUrl}${issuePath}`);
    await h.expectH1(phoneVisitor, TITLE);
    await h.record(phoneVisitor, 'bulletins-issue', 'a published issue, for anyone');

    for (const page of [editor, visitor, nurse, phone, phoneVisitor]) h.assertNoErrors(page);
    issue = { path: issuePath };
  });

  it("a highlighted public project's chart shows to anyone", { timeout: 60_000 }, async () => {
    assert.ok(issue, 'the issue of the test before');
    // The server draws the chart into the issue (an image address would need a sign-in).
    const visitor = await h.newPage(browser);
    await visitor.goto(`${server.baseUrl}${issue.path}`);
    await h.expectH1(visitor, TITLE);
    const chart = visitor.locator('.bulletin-chart svg[role="img"]');
    await h.expectVisible(visitor, chart, "the project's chart");
    assert.match(await chart.getAttribute('aria-labelledby'), /^chart-title-s\d+-p\d+$/, 'its title named apart from any other chart');
    await h.expectVisible(visitor, visitor.locator('.bulletin-chart figcaption', { hasText: 'Letters sent within 24 hours' }), 'named, with what it shows');
    h.assertNoErrors(visitor);
  });

  it('"Whose bulletin" offers every organisation, past the first page of 100', { timeout: 120_000 }, async () => {
    // Arrange: more organisations than one page of the API holds (GP practices, mostly).
    const asAdmin = await apiAs(admin);
    const before = await asAdmin('GET', '/api/v1/organisations?per_page=1');
    const added = Math.max(101 - before.total, 0) + 10;
    const names = [];
    for (let i = 1; i <= added; i += 1) {
      const name = `Test Surgery ${String(i).padStart(3, '0')}`;
      await asAdmin('POST', '/api/v1/organisations', { name, ods_code: `BT${String(i).padStart(4, '0')}`, org_type: 'gp_practice' });
      names.push(name);
    }
    const total = before.total + added;
    assert.ok(total > 100, `${total} organisations`);

    const editor = await h.newPage(browser);
    await h.signIn(editor, server.baseUrl, admin.email, admin.password);
    await editor.goto(`${server.baseUrl}/bulletins/new`);
    await h.expectH1(editor, 'Compose a bulletin');
    const select = editor.getByLabel('Whose bulletin', { exact: true });
    // Options are not shown until the list opens: they need only be there.
    await h.expectVisible(editor, select.locator('option', { hasText: names.at(-1) }), 'the last organisation added', { state: 'attached' });
    const options = await select.locator('option').allTextContents();
    assert.equal(options.length, total + 1, `the partnership and each of the ${total} organisations`);
    for (const name of names) assert.ok(options.includes(name), `${name} offered`);
    await select.selectOption({ label: names.at(-1) });
    h.assertNoErrors(editor);
  });
});
