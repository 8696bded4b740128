'use strict';
// Events in a real browser: the partnership admin adds an event with one place; the QI lead books
// it, a nurse joins the waiting list (number 1), the QI lead cancels and the nurse takes the
// place; the organiser records attendance; the month view shows the event. A guest with no
// account books an open event and cancels from the link mailed to them (a real SMTP server);
// another, marked as attending an event that has ended, answers its feedback form from the link
// in the email asking for it, and the organiser reads the answer.
// Every page is photographed (tests/screenshots/events-*.png) and checked with axe-core at
// desktop and phone widths.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const h = require('./harness');

const { admin, qiLead, member } = h.DEMO;
const EVENT = 'Run charts clinic';
const OPEN_EVENT = 'QI café: open doors';
const GUEST = { name: 'Sam Patel', email: 'sam.patel@example.org' };

let smtp;
let server;
let browser;
/** The full event's address, once the first test has added it. */
let eventUrl;

/** Signs `who` in through the API; resolves to a function calling the API as them. */
async function apiAs(who) {
  const login = await fetch(`${server.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: who.email, password: who.password }),
  });
  assert.equal(login.status, 200, `${who.email} signs in`);
  const { access_token: token } = await login.json();
  return async (method, path, body, headers = {}) => {
    const answer = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    assert.ok(answer.ok, `${method} ${path} answered ${answer.status}: ${await answer.clone().text()}`);
    return { json: await answer.json(), etag: answer.headers.get('etag') };
  };
}

/** The date `days` from today, as yyyy-mm-dd. */
function inDays(days) {
  const d = new Date(Date.now() + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** Presses a button that saves a calendar file; resolves to the file's text. */
async function downloadCalendar(page, button, fileName) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  assert.equal(download.suggestedFilename(), fileName);
  const text = fs.readFileSync(await download.path(), 'utf8');
  assert.match(text, /^BEGIN:VCALENDAR/, `${fileName} is a calendar`);
  return text;
}

/** Fills the event form already on the page and adds the event; resolves to its address. */
async function addEvent(page, { title, kind, audience, places, day, venue = '', link = '', tags = '' }) {
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel('Kind', { exact: true }).selectOption(kind);
  await page.getByLabel('Description', { exact: true }).fill(`${title}: bring a chart of your own.\nTea and coffee from 9:45.`);
  await page.getByLabel('Start date', { exact: true }).fill(day);
  await page.getByLabel('Start time', { exact: true }).fill('10:00');
  await page.getByLabel('End time', { exact: true }).fill('12:00');
  if (venue) await page.getByLabel('Venue', { exact: true }).fill(venue);
  if (link) await page.getByLabel('Online link', { exact: true }).fill(link);
  await page.getByLabel('Places', { exact: true }).fill(String(places));
  await page.getByLabel('Who may book', { exact: true }).selectOption(audience);
  if (tags) await page.getByLabel('Themes', { exact: true }).fill(tags);
}

describe('Events in the browser', () => {
  before(
    async () => {
      smtp = await h.startSmtp();
      // The schedule looks every second, so attendees are asked for feedback at once.
      server = await h.startServer({ env: { QI_SMTP_URL: smtp.url, QI_MAIL__POLL_MILLIS: '200', QI_MAIL__SCHEDULE_CHECK_SECONDS: '1' } });
      browser = await h.launchBrowser();
    },
    { timeout: 360_000 },
  );

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
    if (smtp) smtp.stop();
  });

  it('a full event: the waiting list moves up when the place is given up, and attendance is recorded', { timeout: 240_000 }, async () => {
    const organiser = await h.newPage(browser);
    await h.signIn(organiser, server.baseUrl, admin.email, admin.password);
    await organiser.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Events', exact: true }).click();
    await h.expectH1(organiser, 'Events');

    // The form refuses an empty event, then adds one with a single place.
    await organiser.getByRole('link', { name: 'New event', exact: true }).click();
    await h.expectH1(organiser, 'New event');
    await organiser.getByRole('button', { name: 'Add the event', exact: true }).click();
    await h.expectVisible(organiser, organiser.locator('.error-summary a', { hasText: 'Enter a title' }), 'the form refuses an empty event');
    await h.expectVisible(organiser, organiser.locator('.error-summary a', { hasText: 'Enter the date and time it starts' }), 'the missing start named');
    await addEvent(organiser, {
      title: EVENT,
      kind: 'masterclass',
      audience: 'partnership',
      places: 1,
      day: inDays(10),
      venue: 'Education centre, room 1',
      tags: 'run charts, measurement',
    });
    await h.record(organiser, 'events-form', 'the new event form');
    await organiser.getByRole('button', { name: 'Add the event', exact: true }).click();
    await h.expectH1(organiser, EVENT);
    // Shown back at the UK time entered, whichever side of the clock change it falls.
    await h.expectVisible(organiser, organiser.locator('#when', { hasText: /, 10:00 to 12:00 (GMT|BST)$/ }), 'the time entered');
    await h.expectVisible(organiser, organiser.locator('#places', { hasText: '0 of 1 places taken, 1 left' }), 'one place');
    eventUrl = organiser.url();

    // The QI lead takes the place.
    const lead = await h.newPage(browser);
    await h.signIn(lead, server.baseUrl, qiLead.email, qiLead.password);
    await lead.goto(eventUrl);
    await h.expectH1(lead, EVENT);
    await lead.getByRole('button', { name: 'Book a place', exact: true }).click();
    await h.expectVisible(lead, lead.locator('#my-booking', { hasText: "You're booked" }), 'the QI lead booked');
    await h.expectVisible(lead, lead.locator('#places', { hasText: '1 of 1 places taken, full' }), 'the event full');
    await h.record(lead, 'events-event', 'an event with your booking');
    const ics = await downloadCalendar(lead, 'Add to calendar (.ics)', `event-${eventUrl.split('/').pop()}.ics`);
    assert.match(ics, new RegExp(`SUMMARY:${EVENT}`), 'the event in its calendar file');

    // A nurse joins the waiting list, first in the queue.
    const nurse = await h.newPage(browser);
    await h.signIn(nurse, server.baseUrl, member.email, member.password);
    await nurse.goto(eventUrl);
    await h.expectVisible(nurse, nurse.getByText('This event is full.'), 'the nurse told it is full');
    assert.equal(await nurse.getByRole('button', { name: 'Book a place', exact: true }).count(), 0);
    await nurse.getByRole('button', { name: 'Join the waiting list', exact: true }).click();
    await h.expectVisible(nurse, nurse.locator('#my-booking', { hasText: 'waiting list: number 1' }), 'the nurse first on the waiting list');
    await h.record(nurse, 'events-event-waiting', 'an event you wait for');

    // Her list and her bookings say so.
    await nurse.goto(`${server.baseUrl}/events`);
    const card = nurse.locator('.event-card', { hasText: EVENT });
    await h.expectVisible(nurse, card.getByText('On waiting list (1)'), 'the list shows her place in the queue');
    await h.expectVisible(nurse, card.getByText('Full, 1 on the waiting list'), 'the list shows the event full');
    await h.record(nurse, 'events-list', 'the event list');
    await nurse.getByRole('link', { name: 'My bookings', exact: true }).click();
    await h.expectH1(nurse, 'My bookings');
    await h.expectVisible(nurse, nurse.locator('#bookings-upcoming tr', { hasText: EVENT }).getByText('On the waiting list (number 1)'), 'her booking listed');
    await h.record(nurse, 'events-mine', 'my bookings');
    await downloadCalendar(nurse, 'Download all as calendar (.ics)', 'my-events.ics');

    // The QI lead gives up the place (a second click confirms); the nurse takes it.
    await lead.reload();
    await lead.getByRole('button', { name: 'Cancel my booking', exact: true }).click();
    await lead.getByRole('button', { name: 'Yes, cancel', exact: true }).click();
    await h.expectVisible(lead, lead.getByText('Your booking is cancelled'), 'the QI lead cancelled');
    await h.expectVisible(lead, lead.getByRole('button', { name: 'Join the waiting list', exact: true }), 'the place gone to the nurse');
    await nurse.goto(eventUrl);
    await h.expectVisible(nurse, nurse.locator('#my-booking', { hasText: "You're booked" }), 'the nurse now holds the place');
    await smtp.to(member.email, `A place at ${EVENT} is yours`);

    // The organiser records attendance.
    await organiser.reload();
    await organiser.getByRole('link', { name: 'Bookings and attendance', exact: true }).click();
    await h.expectH1(organiser, 'Bookings and attendance');
    const nurseRow = organiser.locator('#bookings tr', { hasText: member.name });
    await h.expectVisible(organiser, nurseRow.locator('.booking__status', { hasText: 'Booked' }), 'the nurse holds the place');
    await h.expectVisible(organiser, organiser.locator('#bookings tr', { hasText: qiLead.name }).locator('.booking__status', { hasText: 'Cancelled' }), 'the QI lead cancelled');
    await organiser.getByLabel(`${member.name} attended`, { exact: true }).check();
    await organiser.getByRole('button', { name: 'Save attendance', exact: true }).click();
    await h.expectVisible(organiser, organiser.getByText('Attendance saved: 1 attended.'), 'attendance saved');
    await h.expectVisible(organiser, organiser.locator('#counts li', { hasText: 'attended' }).getByText('1', { exact: true }), 'one attended');
    await h.record(organiser, 'events-attendance', 'bookings and attendance');
    // A sign-in sheet naming someone who did not book: nothing imported, the row named.
    await organiser.getByLabel('Or paste the sheet', { exact: true }).fill('email,attended\nnobody@example.org,yes\n');
    await organiser.getByRole('button', { name: 'Import attendance', exact: true }).click();
    await h.expectVisible(organiser, organiser.locator('#sign-in-errors li', { hasText: 'Row 2, email' }), 'the bad row named');
    await organiser.getByLabel('Or paste the sheet', { exact: true }).fill(`email,attended\n${member.email},yes\n`);
    await organiser.getByRole('button', { name: 'Import attendance', exact: true }).click();
    await h.expectVisible(organiser, organiser.getByText('Imported: 1 attended, 0 absent.'), 'the sheet imported');

    // The month view shows the event on its day.
    await organiser.goto(`${server.baseUrl}/events`);
    await organiser.getByRole('button', { name: 'Month', exact: true }).click();
    await h.expectVisible(organiser, organiser.locator('#month-title'), 'the month view');
    const month = new Date(`${inDays(10)}T12:00:00Z`).toLocaleString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
    if (!(await organiser.locator('#month-title', { hasText: month }).count())) {
      await organiser.getByRole('button', { name: /^Next month/ }).click();
    }
    await h.expectVisible(organiser, organiser.locator('#month-title', { hasText: month }), `the month of the event (${month})`);
    const day = organiser.locator('.month__day', { has: organiser.getByRole('link', { name: EVENT, exact: true }) });
    await h.expectVisible(organiser, day.getByText('10:00 to 12:00'), 'the event on its day, with its times');
    await h.record(organiser, 'events-month', 'the month view');

    for (const page of [organiser, lead, nurse]) h.assertNoErrors(page);
  });

  it('a guest books an open event without an account, and cancels from the mailed link', { timeout: 180_000 }, async () => {
    const organiser = await h.newPage(browser);
    await h.signIn(organiser, server.baseUrl, admin.email, admin.password);
    await organiser.goto(`${server.baseUrl}/events/new`);
    await h.expectH1(organiser, 'New event');
    await addEvent(organiser, {
      title: OPEN_EVENT,
      kind: 'qi_cafe',
      audience: 'open',
      places: 20,
      day: inDays(12),
      link: 'https://meet.example.org/qi-cafe',
      tags: 'community',
    });
    await organiser.getByRole('button', { name: 'Add the event', exact: true }).click();
    await h.expectH1(organiser, OPEN_EVENT);
    const openUrl = organiser.url();

    // Signed out: the event, and a guest booking form in place of the signed-in actions.
    const guest = await h.newPage(browser);
    await guest.goto(openUrl);
    await h.expectH1(guest, OPEN_EVENT);
    await h.expectVisible(guest, guest.getByRole('heading', { name: 'Book a place', exact: true }), 'the guest booking form');
    assert.equal(await guest.locator('.header__person').count(), 0, 'nobody is signed in');
    await guest.getByRole('button', { name: 'Book as a guest', exact: true }).click();
    await h.expectVisible(guest, guest.locator('.error-summary a', { hasText: 'Enter your name' }), 'the form refuses no name');
    await guest.getByLabel('Your name', { exact: true }).fill(GUEST.name);
    await guest.getByLabel('Email address', { exact: true }).fill(GUEST.email);
    await h.record(guest, 'events-guest', 'an open event, signed out');
    // The calendar file needs no session for an open event.
    await downloadCalendar(guest, 'Add to calendar (.ics)', `event-${openUrl.split('/').pop()}.ics`);
    await guest.getByRole('button', { name: 'Book as a guest', exact: true }).click();
    await h.expectVisible(guest, guest.locator('#guest-booked', { hasText: "We've emailed you a confirmation and a link to cancel" }), 'the guest booked');
    await h.expectVisible(guest, guest.locator('#places', { hasText: '1 of 20 places taken' }), 'the place taken');

    // A partnership event is not shown to anyone signed out.
    const outsider = await h.newPage(browser);
    await outsider.goto(eventUrl);
    await h.expectH1(outsider, 'Sign in to see this event');

    // The organiser sees the guest.
    await organiser.goto(`${openUrl}/attendance`);
    await h.expectVisible(organiser, organiser.locator('#bookings tr', { hasText: GUEST.name }).getByText('Guest', { exact: true }), 'the guest listed as a guest');

    // The mailed link cancels, after a click.
    const mail = await smtp.to(GUEST.email, `Your place at ${OPEN_EVENT} is confirmed`);
    const link = mail.text.match(/https?:\/\/\S+\/events\/guest-cancel\?token=[^\s"<>]+/);
    assert.ok(link, `a cancel link in the mail:\n${mail.text}`);
    await guest.goto(link[0]);
    await h.expectH1(guest, 'Cancel your booking');
    await h.record(guest, 'events-guest-cancel', "a guest's cancel link");
    await guest.getByRole('button', { name: 'Cancel my booking', exact: true }).click();
    await h.expectH1(guest, 'Your booking is cancelled');
    await guest.goto(openUrl);
    await h.expectVisible(guest, guest.locator('#places', { hasText: '0 of 20 places taken' }), 'the place free again');

    for (const page of [organiser, guest]) h.assertNoErrors(page);
  });

  it('a guest who attended gives feedback from the mailed link', { timeout: 180_000 }, async () => {
    const asAdmin = await apiAs(admin);
    const { json: me } = await asAdmin('GET', '/api/v1/me');
    const hoursFromNow = (hours) => new Date(Date.now() + hours * 3_600_000).toISOString();
    const body = {
      title: 'QI café: data for improvement',
      kind: 'qi_cafe',
      description: 'An hour on measures for improvement, open to partners.',
      organiser_organisation_id: me.organisation_id,
      starts_at: hoursFromNow(48),
      ends_at: hoursFromNow(49),
      online_link: 'https://meet.example.org/qi-cafe-data',
      capacity: 30,
      audience: 'open',
      tags: ['Measurement'],
    };
    const { json: event } = await asAdmin('POST', '/api/v1/events', body);
    const visitor = { name: 'Jo Okafor', email: 'jo.okafor@example.org' };
    const booked = await fetch(`${server.baseUrl}/api/v1/events/${event.id}/guest-bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(visitor),
    });
    assert.equal(booked.status, 201, 'the guest books');
    // The café took place yesterday, Jo came, and the organiser asks one question of their own.
    const { etag } = await asAdmin('GET', `/api/v1/events/${event.id}`);
    await asAdmin('PUT', `/api/v1/events/${event.id}`, { ...body, starts_at: hoursFromNow(-26), ends_at: hoursFromNow(-25) }, { 'if-match': etag });
    await asAdmin('PUT', `/api/v1/events/${event.id}/feedback-form`, { anonymous: false, questions: ['What was most useful?'] });
    const { json: bookings } = await asAdmin('GET', `/api/v1/events/${event.id}/bookings`);
    const jo = bookings.find((b) => b.guest);
    await asAdmin('PUT', `/api/v1/events/${event.id}/attendance`, { marks: [{ booking_id: jo.id, attended: true }] });

    const mail = await smtp.to(visitor.email, `How was ${body.title}?`);
    const link = mail.text.match(/https?:\/\/\S+\/events\/guest-feedback\?token=[0-9a-f]{64}/);
    assert.ok(link, `a feedback link in the mail:\n${mail.text}`);
    const guest = await h.newPage(browser);
    await guest.goto(link[0]);
    await h.expectH1(guest, 'Your feedback');
    await h.expectVisible(guest, guest.getByText(body.title), 'the event named');
    await guest.getByRole('button', { name: 'Send feedback', exact: true }).click();
    await h.expectVisible(guest, guest.locator('.error-summary a', { hasText: 'Choose a rating' }), 'a rating is needed');
    await guest.getByLabel('5 (', { exact: false }).check();
    await guest.getByLabel('What will you do differently?', { exact: true }).fill('Put our falls data on a run chart each week');
    await guest.getByLabel('What was most useful?', { exact: true }).fill('The worked example');
    await h.record(guest, 'events-guest-feedback', "a guest's feedback form");
    await guest.getByRole('button', { name: 'Send feedback', exact: true }).click();
    await h.expectVisible(guest, guest.locator('#feedback-thanks'), 'thanked');
    await guest.goto(link[0]);
    await h.expectVisible(guest, guest.locator('#feedback-given'), 'once only');

    const organiser = await h.newPage(browser);
    await h.signIn(organiser, server.baseUrl, admin.email, admin.password);
    await organiser.goto(`${server.baseUrl}/events/${event.id}/feedback/summary`);
    await h.expectVisible(organiser, organiser.locator('.event-card', { hasText: `${visitor.name} (guest)` }).getByText('The worked example'), "the guest's answer, named as a guest");
    for (const page of [guest, organiser]) h.assertNoErrors(page);
  });

  it('a workshop series started from the event form is booked whole in one go', { timeout: 180_000 }, async () => {
    const SERIES = 'Improvement coaching workshops';
    const organiser = await h.newPage(browser);
    await h.signIn(organiser, server.baseUrl, admin.email, admin.password);
    for (const [n, day] of [[1, inDays(20)], [2, inDays(27)]]) {
      await organiser.goto(`${server.baseUrl}/events/new`);
      await h.expectH1(organiser, 'New event');
      await addEvent(organiser, { title: `Coaching workshop ${n}`, kind: 'workshop', audience: 'partnership', places: 12, day, venue: 'Boardroom' });
      if (n === 1) {
        await organiser.getByLabel('Or start a new series', { exact: true }).fill(SERIES);
        await organiser.getByRole('button', { name: 'Add the series', exact: true }).click();
        await h.expectVisible(organiser, organiser.getByLabel('Series', { exact: true }).locator('option:checked', { hasText: SERIES }), 'the new series chosen', { state: 'attached' });
      } else {
        await organiser.getByLabel('Series', { exact: true }).selectOption({ label: SERIES });
      }
      await organiser.getByRole('button', { name: 'Add the event', exact: true }).click();
      await h.expectH1(organiser, `Coaching workshop ${n}`);
    }

    const nurse = await h.newPage(browser);
    await h.signIn(nurse, server.baseUrl, member.email, member.password);
    await nurse.goto(organiser.url());
    await nurse.getByRole('link', { name: SERIES, exact: true }).click();
    await h.expectH1(nurse, SERIES);
    await h.expectVisible(nurse, nurse.locator('#sessions tr', { hasText: 'Coaching workshop 2' }), 'both sessions listed');
    await nurse.getByRole('button', { name: 'Book the whole series', exact: true }).click();
    for (const n of [1, 2]) {
      await h.expectVisible(nurse, nurse.locator('#series-result li', { hasText: `Coaching workshop ${n}: Booked` }), `session ${n} booked`);
      await h.expectVisible(nurse, nurse.locator('#sessions tr', { hasText: `Coaching workshop ${n}` }).getByText("You're booked"), `session ${n} shown booked`);
    }
    await h.expectVisible(nurse, nurse.locator('#series-booked'), 'nothing left to book');
    assert.equal(await nurse.getByRole('button', { name: 'Book the whole series', exact: true }).count(), 0);
    await h.record(nurse, 'events-series', 'a workshop series booked whole');
    for (const page of [organiser, nurse]) h.assertNoErrors(page);
  });

  it('the events pages pass axe at phone width', { timeout: 180_000 }, async () => {
    const phone = await h.newPage(browser, { phone: true });
    await h.signIn(phone, server.baseUrl, admin.email, admin.password);
    await phone.goto(`${server.baseUrl}/events`);
    await h.expectVisible(phone, phone.locator('.event-card', { hasText: EVENT }), 'the list');
    await h.record(phone, 'events-list', 'the event list');
    await phone.getByRole('button', { name: 'Month', exact: true }).click();
    await h.expectVisible(phone, phone.locator('#month-title'), 'the month view');
    await h.record(phone, 'events-month', 'the month view');
    await phone.goto(eventUrl);
    await h.expectH1(phone, EVENT);
    await h.record(phone, 'events-event', 'an event');
    await phone.getByRole('link', { name: 'Change the event', exact: true }).click();
    await h.expectH1(phone, 'Change the event');
    await h.record(phone, 'events-form', 'the event form');
    await phone.goto(`${eventUrl}/attendance`);
    await h.expectH1(phone, 'Bookings and attendance');
    await h.record(phone, 'events-attendance', 'bookings and attendance');

    const nurse = await h.newPage(browser, { phone: true });
    await h.signIn(nurse, server.baseUrl, member.email, member.password);
    await nurse.goto(`${server.baseUrl}/events/mine`);
    await h.expectVisible(nurse, nurse.locator('#bookings-upcoming tr', { hasText: EVENT }), 'her booking');
    await h.record(nurse, 'events-mine', 'my bookings');
    for (const page of [phone, nurse]) h.assertNoErrors(page);
  });

  it('feedback after an event: the organiser sets up the form, the attendee answers, the organiser reads the summary', { timeout: 240_000 }, async () => {
    const TITLE = 'Measurement for improvement: the basics';
    const QUESTION = 'What was most useful?';
    const DIFFERENT = 'Plot our falls data weekly on a run chart at the safety huddle.';
    const USEFUL = 'The worked examples from ward 7.';

    // The organiser adds the event and the nurse books it while it is still to come.
    const organiser = await h.newPage(browser);
    await h.signIn(organiser, server.baseUrl, admin.email, admin.password);
    await organiser.goto(`${server.baseUrl}/events/new`);
    await h.expectH1(organiser, 'New event');
    await addEvent(organiser, { title: TITLE, kind: 'masterclass', audience: 'partnership', places: 10, day: inDays(3), venue: 'Education centre, room 2' });
    await organiser.getByRole('button', { name: 'Add the event', exact: true }).click();
    await h.expectH1(organiser, TITLE);
    const url = organiser.url();
    const id = Number(url.split('/').pop());

    const nurse = await h.newPage(browser);
    await h.signIn(nurse, server.baseUrl, member.email, member.password);
    await nurse.goto(url);
    await nurse.getByRole('button', { name: 'Book a place', exact: true }).click();
    await h.expectVisible(nurse, nurse.locator('#my-booking', { hasText: "You're booked" }), 'the nurse booked');

    // Before the event, she cannot answer yet.
    await nurse.goto(`${url}/feedback`);
    await h.expectH1(nurse, 'Your feedback');
    await h.expectVisible(nurse, nurse.locator('#feedback-closed', { hasText: 'has not set up feedback' }), 'no form yet');

    // Through the API: the event moved into the past (three days ago), and she attended.
    const call = await apiAs(admin);
    const { json: event, etag } = await call('GET', `/api/v1/events/${id}`);
    const startsAt = new Date(Date.now() - 3 * 86_400_000);
    const endsAt = new Date(startsAt.getTime() + 2 * 3_600_000);
    await call('PUT', `/api/v1/events/${id}`, {
      title: event.title,
      kind: event.kind,
      description: event.description,
      organiser_organisation_id: event.organiser_organisation_id,
      starts_at: startsAt.toISOString(),
      ends_at: endsAt.toISOString(),
      venue: event.venue,
      online_link: event.online_link,
      capacity: event.capacity,
      audience: event.audience,
      tags: event.tags,
      counts_as_training: event.counts_as_training,
    }, { 'if-match': etag });
    const { json: bookings } = await call('GET', `/api/v1/events/${id}/bookings`);
    const booking = bookings.find((b) => b.email === member.email);
    assert.ok(booking, "the nurse's booking listed");
    await call('PUT', `/api/v1/events/${id}/attendance`, { marks: [{ booking_id: booking.id, attended: true }] });

    // The form being set up, at phone width.
    const phone = await h.newPage(browser, { phone: true });
    await h.signIn(phone, server.baseUrl, admin.email, admin.password);
    await phone.goto(`${url}/feedback/summary`);
    await h.expectVisible(phone, phone.getByRole('heading', { name: 'Set up feedback', exact: true }), 'no form yet, on a phone');
    await phone.getByRole('button', { name: 'Add a question', exact: true }).click();
    await phone.getByLabel('Question 1', { exact: true }).fill(QUESTION);
    await h.record(phone, 'events-feedback-setup', 'setting up feedback');

    // The organiser sets up the form with one question of their own (an empty one is refused).
    await organiser.goto(url);
    await h.expectH1(organiser, TITLE);
    await organiser.getByRole('link', { name: 'Feedback', exact: true }).click();
    await h.expectH1(organiser, 'Feedback');
    await h.expectVisible(organiser, organiser.getByRole('heading', { name: 'Set up feedback', exact: true }), 'no form yet: set it up');
    await organiser.getByRole('button', { name: 'Add a question', exact: true }).click();
    await organiser.getByRole('button', { name: 'Add a question', exact: true }).click();
    await organiser.getByRole('button', { name: 'Remove question 2', exact: true }).click();
    assert.equal(await organiser.getByLabel('Question 2', { exact: true }).count(), 0, 'the second question removed');
    await organiser.getByRole('button', { name: 'Set up feedback', exact: true }).click();
    await h.expectVisible(organiser, organiser.locator('.error-summary a', { hasText: 'Enter the question' }), 'an empty question refused');
    await organiser.getByLabel('Question 1', { exact: true }).fill(QUESTION);
    await h.record(organiser, 'events-feedback-setup', 'setting up feedback');
    await organiser.getByRole('button', { name: 'Set up feedback', exact: true }).click();
    await h.expectVisible(organiser, organiser.getByText('Feedback is set up.'), 'the form saved');
    await h.expectVisible(organiser, organiser.locator('#feedback-counts', { hasText: 'of 1 attendee answered' }), 'nobody has answered yet');
    await h.expectVisible(organiser, organiser.getByRole('button', { name: 'Save the form', exact: true }), 'the form can still change');

    // The organiser did not attend, so cannot answer.
    await organiser.goto(`${url}/feedback`);
    await h.expectVisible(organiser, organiser.locator('#feedback-closed', { hasText: 'Only people marked as attending' }), 'the organiser told why not');

    // The form to answer, at phone width.
    const nursePhone = await h.newPage(browser, { phone: true });
    await h.signIn(nursePhone, server.baseUrl, member.email, member.password);
    await nursePhone.goto(`${url}/feedback`);
    await h.expectVisible(nursePhone, nursePhone.getByRole('button', { name: 'Send feedback', exact: true }), 'the form, on a phone');
    await nursePhone.getByRole('radio', { name: '5 (excellent)', exact: true }).check();
    await h.record(nursePhone, 'events-feedback-answer', 'giving feedback');

    // The nurse is asked for feedback on the event's page, and answers (a rating is needed).
    await nurse.goto(url);
    await h.expectH1(nurse, TITLE);
    await h.expectVisible(nurse, nurse.locator('#feedback-call'), 'the call to give feedback');
    await h.record(nurse, 'events-feedback-event', 'an event to give feedback on');
    await nurse.getByRole('link', { name: 'Give feedback', exact: true }).click();
    await h.expectH1(nurse, 'Your feedback');
    await h.expectVisible(nurse, nurse.locator('#feedback-privacy', { hasText: 'The organiser will see your name' }), 'told her name is shown');
    await nurse.getByRole('button', { name: 'Send feedback', exact: true }).click();
    await h.expectVisible(nurse, nurse.locator('.error-summary a', { hasText: 'Choose a rating from 1 to 5' }), 'no rating refused');
    await h.expectVisible(nurse, nurse.locator('#rating-error'), 'the error beside the ratings');
    await nurse.getByRole('group', { name: 'How would you rate the event?' }).getByRole('radio', { name: '4 (very good)', exact: true }).check();
    await nurse.getByLabel('What will you do differently?', { exact: true }).fill(DIFFERENT);
    await nurse.getByLabel(QUESTION, { exact: true }).fill(USEFUL);
    await h.record(nurse, 'events-feedback-answer', 'giving feedback');
    await nurse.getByRole('button', { name: 'Send feedback', exact: true }).click();
    await h.expectVisible(nurse, nurse.locator('#feedback-thanks', { hasText: 'Thank you for your feedback' }), 'thanked');
    await h.record(nurse, 'events-feedback-thanks', 'feedback sent');
    await nurse.goto(url);
    await h.expectVisible(nurse, nurse.locator('#feedback-given', { hasText: 'Thank you for your feedback.' }), 'the event page thanks her');
    assert.equal(await nurse.getByRole('link', { name: 'Give feedback', exact: true }).count(), 0, 'no second answer offered');

    // The organiser's summary: one answer of one attendee, its rating, what she said; the form fixed.
    await organiser.goto(`${url}/feedback/summary`);
    await h.expectH1(organiser, 'Feedback');
    await h.expectVisible(organiser, organiser.locator('#feedback-counts li', { hasText: 'of 1 attendee answered' }).getByText('1', { exact: true }), 'one answer');
    await h.expectVisible(organiser, organiser.locator('#feedback-counts li', { hasText: 'mean rating' }).getByText('4.0', { exact: true }), 'the mean');
    const four = organiser.locator('#ratings tbody tr', { hasText: '4 (very good)' });
    await h.expectVisible(organiser, four.getByText('100%'), 'the ratings chart with its numbers');
    assert.equal(await four.locator('td').nth(1).innerText(), '1', 'one rating of 4');
    const answer = organiser.locator('#feedback-answers li', { hasText: member.name });
    await h.expectVisible(organiser, answer.getByText(DIFFERENT), 'what she will do differently');
    await h.expectVisible(organiser, answer.getByText(USEFUL), 'her answer to the question');
    await h.expectVisible(organiser, organiser.locator('#form-fixed', { hasText: '1 person has answered' }), 'the form fixed, and why');
    assert.equal(await organiser.getByRole('button', { name: 'Save the form', exact: true }).count(), 0, 'no saving the form');
    const [download] = await Promise.all([
      organiser.waitForEvent('download'),
      organiser.getByRole('button', { name: 'Download CSV', exact: true }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `event-${id}-feedback.csv`);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    assert.match(csv, new RegExp(`${member.name},4,${DIFFERENT}`), `her answer in the CSV:\n${csv}`);
    await h.record(organiser, 'events-feedback-summary', 'the feedback summary');

    // The summary, and the answered form, at phone width.
    await phone.reload();
    await h.expectVisible(phone, phone.locator('#feedback-answers li', { hasText: member.name }), 'the summary, on a phone');
    await h.record(phone, 'events-feedback-summary', 'the feedback summary');
    await nursePhone.reload();
    await h.expectVisible(nursePhone, nursePhone.locator('#feedback-given'), 'her feedback given, on a phone');
    await h.record(nursePhone, 'events-feedback-given', 'feedback given already');

    for (const page of [organiser, nurse, phone, nursePhone]) h.assertNoErrors(page);
  });
});
