'use strict';
// Mail, notifications and account self-service in a real browser (issue 16), with the server
// sending through a real SMTP server (aiosmtpd): a forgotten password reset from the mailed
// link, then signing in with the new password; the notifications page and the header's count;
// the notification settings; and the partnership admin's outbox. Every page is photographed
// and checked with axe-core.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const { admin, member, qiLead } = h.DEMO;

let smtp;
let server;
let browser;

describe('Mail and notifications in the browser', () => {
  before(
    async () => {
      smtp = await h.startSmtp();
      server = await h.startServer({ env: { QI_SMTP_URL: smtp.url, QI_MAIL__POLL_MILLIS: '200' } });
      browser = await h.launchBrowser();
    },
    { timeout: 360_000 },
  );

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
    if (smtp) smtp.stop();
  });

  it('a forgotten password is reset from the mailed link, and the new one signs in', { timeout: 120_000 }, async () => {
    const page = await h.newPage(browser);
    await page.goto(`${server.baseUrl}/sign-in`);
    await page.getByRole('link', { name: 'Forgotten your password?' }).click();
    await h.expectH1(page, 'Reset your password');
    await page.getByRole('button', { name: 'Send the link' }).click();
    await h.expectVisible(page, page.getByText('Enter an email address'), 'the missing address named');
    await page.getByLabel('Email address', { exact: true }).fill(member.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await h.expectH1(page, 'Check your email');
    await h.record(page, 'forgot-password', 'a reset link asked for');

    const mail = await smtp.to(member.email, 'Reset your QI Commons password');
    const link = mail.text.match(/https?:\/\/\S+\/reset-password\/[0-9a-f]{64}/);
    assert.ok(link, `a reset link in the mail:\n${mail.text}`);
    assert.match(mail.html, /Choose a new password/);
    await page.goto(link[0]);
    await h.expectH1(page, 'Choose a new password');
    await page.getByLabel('New password', { exact: true }).fill('a-new-password-from-the-link');
    await page.getByLabel('Confirm new password', { exact: true }).fill('not-the-same-password');
    await page.getByRole('button', { name: 'Change password' }).click();
    await h.expectVisible(page, page.getByText('The passwords do not match').first(), 'the mismatch named');
    await h.record(page, 'reset-password', 'choosing a new password');
    await page.getByLabel('Confirm new password', { exact: true }).fill('a-new-password-from-the-link');
    await page.getByRole('button', { name: 'Change password' }).click();
    await h.expectH1(page, 'Your password is changed');
    await page.getByRole('link', { name: 'Sign in' }).last().click();
    await h.submitSignIn(page, member.email, member.password);
    await h.expectVisible(page, page.getByText('The email address or password is not right'), 'the old password refused');
    await h.submitSignIn(page, member.email, 'a-new-password-from-the-link');
    await h.expectSignedIn(page);

    // The link works once.
    await page.goto(link[0]);
    await page.getByLabel('New password', { exact: true }).fill('yet-another-password-1');
    await page.getByLabel('Confirm new password', { exact: true }).fill('yet-another-password-1');
    await page.getByRole('button', { name: 'Change password' }).click();
    await h.expectVisible(page, page.getByText(/not valid/), 'a used link refused');
    h.assertNoErrors(page);
  });

  it('the QI lead reads their notifications, the count goes down, and they choose how they hear', { timeout: 120_000 }, async () => {
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, qiLead.email, qiLead.password);
    const bell = page.locator('.header__notifications');
    await h.expectVisible(page, bell, 'the header link to notifications');
    await h.expectVisible(page, bell.locator('.header__badge'), 'an unread count from the demo');
    const before = Number(await bell.locator('.header__badge').innerText());
    assert.ok(before >= 1, `unread notifications in the demo: ${before}`);
    await bell.click();
    await h.expectH1(page, 'Notifications');
    const items = page.locator('.notification');
    // The heading shows before the list has loaded: wait for the list, then count it.
    await h.expectVisible(page, items.first(), 'the demo\'s notifications listed');
    assert.ok((await items.count()) >= 2, 'the demo has notifications');
    await h.record(page, 'notifications', 'the notifications list');
    await page.getByRole('button', { name: 'Mark all as read' }).click();
    await h.expectVisible(page, bell.locator('.header__badge'), 'the count gone', { state: 'detached' });
    await page.getByRole('button', { name: 'Show unread only' }).click();
    await h.expectVisible(page, page.getByText('Nothing unread'), 'nothing unread');

    await page.getByRole('link', { name: 'Choose what you hear about' }).click();
    await h.expectH1(page, 'Your profile');
    const digest = page.getByLabel('A weekly digest of what changed', { exact: true });
    await h.expectVisible(page, digest, 'the digest setting');
    await digest.selectOption('email');
    await page.getByRole('button', { name: 'Save choices' }).click();
    await h.expectVisible(page, page.getByText('Your choices are saved.'), 'saved');
    await page.reload();
    await h.expectVisible(page, digest, 'the digest setting after a reload');
    assert.equal(await digest.inputValue(), 'email', 'the choice is kept');
    await h.record(page, 'profile-account', 'the profile with password, email and notification settings');
    h.assertNoErrors(page);
  });

  it('the partnership admin reads the outbox: the reset went out, and its link is not kept', { timeout: 120_000 }, async () => {
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, admin.email, admin.password);
    await page.getByRole('link', { name: 'Mail outbox' }).click();
    await h.expectH1(page, 'Mail outbox');
    await page.getByLabel('State', { exact: true }).selectOption('sent');
    await page.getByLabel('To', { exact: true }).fill(member.email);
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    const row = page.locator('tbody tr', { hasText: 'Reset your QI Commons password' });
    await h.expectVisible(page, row, 'the sent reset message');
    await row.locator('summary').click();
    await h.expectVisible(page, row.getByText(/not kept here/), 'the link dropped once sent');
    await h.record(page, 'outbox', 'the mail outbox');

    // A member does not see it.
    const other = await h.newPage(browser);
    await h.signIn(other, server.baseUrl, member.email, 'a-new-password-from-the-link');
    assert.equal(await other.getByRole('link', { name: 'Mail outbox' }).count(), 0);
    await other.goto(`${server.baseUrl}/admin/outbox`);
    await h.expectVisible(other, other.getByRole('heading', { level: 1 }), 'a page');
    assert.notEqual(await other.locator('h1').innerText(), 'Mail outbox');
    h.assertNoErrors(page);
  });
});
