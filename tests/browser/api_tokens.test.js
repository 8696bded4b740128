'use strict';
// API tokens in a real browser (issue 18): the partnership admin opens the page from the header,
// is told what an empty form lacks, makes a token with two scopes and sees its secret once; the
// secret reads projects (a scope it has) and not /me (no scope covers it); revoking it from the
// page, after the confirmation, stops it at once. Every page is photographed and checked with
// axe-core, at desktop and phone widths; a member neither sees the link nor opens the page.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const { admin, member } = h.DEMO;

let server;
let browser;

/** The status of a GET of `path` with `secret` as the bearer token. */
async function statusWith(secret, path) {
  const res = await fetch(`${server.baseUrl}${path}`, { headers: { Authorization: `Bearer ${secret}` } });
  return res.status;
}

describe('API tokens in the browser', () => {
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

  it('the partnership admin makes a token, sees its secret once, and revokes it', { timeout: 180_000 }, async () => {
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, admin.email, admin.password);
    await page.getByRole('link', { name: 'API tokens' }).click();
    await h.expectH1(page, 'API tokens');
    await h.expectPath(page, '/admin/api-tokens');
    const form = page.locator('#new-token');
    await h.expectVisible(page, form.getByRole('heading', { name: 'Make a token' }), 'the form');
    await h.record(page, 'api-tokens', 'the API tokens page');

    // An empty form: the shared rules name what it lacks, before anything is sent.
    await form.getByRole('button', { name: 'Make the token' }).click();
    const summary = page.locator('.error-summary');
    await h.expectVisible(page, summary, 'the error summary');
    await h.expectVisible(page, summary.getByRole('link', { name: 'Enter a name' }), 'the missing name named');
    await h.expectVisible(
      page,
      summary.getByRole('link', { name: 'Choose at least one thing the token may do' }),
      'the missing scopes named',
    );
    await h.expectVisible(page, form.locator('#scopes-error'), 'the scopes error by its fieldset');
    await h.record(page, 'api-tokens-errors', 'the token form with its errors');

    // A token with two scopes; the expiry keeps its default, 90 days ahead.
    const name = `Warehouse ${Date.now()}`;
    await form.getByLabel('Name', { exact: true }).fill(name);
    await form.getByLabel('Read projects', { exact: true }).check();
    await form.getByLabel('Read measures and their data', { exact: true }).check();
    await form.getByRole('button', { name: 'Make the token' }).click();
    const panel = page.locator('#token-secret');
    await h.expectVisible(page, panel, 'the secret panel');
    await h.expectVisible(page, panel.getByText('it will not be shown again'), 'the warning that it is shown once');
    const secret = (await panel.locator('code#token-secret-value').innerText()).trim();
    assert.match(secret, /^qi_\S{20,}$/, 'a secret of the qi_ kind');
    assert.equal(await page.locator('.error-summary').count(), 0, 'the errors gone');
    const row = page.locator('#api-tokens tbody tr').filter({ hasText: name });
    await h.expectVisible(page, row, 'the new token listed');
    await h.expectVisible(page, row.getByText('Read projects'), 'its first scope');
    await h.expectVisible(page, row.getByText('Read measures and their data'), 'its second scope');

    // A partnership admin narrows the list to one organisation: one with no tokens shows the
    // empty state; every organisation again brings the new token back.
    const whose = page.getByRole('search', { name: 'Filter the tokens' }).getByLabel('Organisation');
    await whose.selectOption({ label: 'Brookside Practice' });
    await h.expectVisible(page, page.getByText('That organisation has no API tokens.'), 'the empty state');
    assert.equal(await page.locator('#api-tokens').count(), 0, 'no table for an organisation without tokens');
    await whose.selectOption({ label: 'Every organisation' });
    await h.expectVisible(page, row, 'the new token listed again');
    await h.expectVisible(page, row.getByText('Active'), 'it is active');
    assert.ok(secret.startsWith((await row.locator('code').innerText()).trim()), 'the listed prefix is the secret\'s');
    await h.record(page, 'api-tokens-secret', 'a token just made, with its secret');

    // The secret works where its scopes reach, and nowhere else.
    assert.equal(await statusWith(secret, '/api/v1/projects'), 200, 'projects with read_projects');
    assert.equal(await statusWith(secret, '/api/v1/me'), 403, '/me is for people, not tokens');

    // Shown once: a reload lists the token without its secret.
    await page.reload();
    await h.expectH1(page, 'API tokens');
    await h.expectVisible(page, row, 'the token listed after a reload');
    assert.equal(await page.locator('#token-secret').count(), 0, 'no secret panel after a reload');
    assert.ok(!(await page.content()).includes(secret), 'the secret nowhere on the page');

    // Revoking asks first; keeping it changes nothing.
    await row.getByRole('button', { name: `Revoke ${name}` }).click();
    const confirm = row.getByRole('group', { name: `Revoke ${name}?` });
    await h.expectVisible(page, confirm, 'the confirmation');
    await h.record(page, 'api-tokens-confirm', 'confirming a revocation');
    await confirm.getByRole('button', { name: 'Keep it' }).click();
    await h.expectVisible(page, row.getByText('Active'), 'still active when kept');
    assert.equal(await statusWith(secret, '/api/v1/projects'), 200, 'still works when kept');
    await row.getByRole('button', { name: `Revoke ${name}` }).click();
    await row.getByRole('group', { name: `Revoke ${name}?` }).getByRole('button', { name: 'Yes, revoke it' }).click();
    await h.expectVisible(page, page.getByText(`The token “${name}” is revoked`), 'the revocation confirmed');
    await h.expectVisible(page, row.getByText('Revoked'), 'listed as revoked');
    assert.equal(await row.getByRole('button', { name: `Revoke ${name}` }).count(), 0, 'no Revoke button once revoked');
    assert.equal(await statusWith(secret, '/api/v1/projects'), 401, 'a revoked secret refused');
    await h.record(page, 'api-tokens-revoked', 'a token revoked');
    h.assertNoErrors(page);
  });

  it('the page fits a phone, with the secret panel and the confirmation', { timeout: 120_000 }, async () => {
    const page = await h.newPage(browser, { phone: true });
    await h.signIn(page, server.baseUrl, admin.email, admin.password);
    await page.goto(`${server.baseUrl}/admin/api-tokens`);
    await h.expectH1(page, 'API tokens');
    const form = page.locator('#new-token');
    await h.expectVisible(page, form, 'the form');
    await h.record(page, 'api-tokens', 'the API tokens page');
    await form.getByRole('button', { name: 'Make the token' }).click();
    await h.expectVisible(page, page.locator('.error-summary'), 'the error summary');
    await h.record(page, 'api-tokens-errors', 'the token form with its errors');
    const name = `Phone ${Date.now()}`;
    await form.getByLabel('Name', { exact: true }).fill(name);
    await form.getByLabel('Read events', { exact: true }).check();
    await form.getByLabel('Read the dashboard', { exact: true }).check();
    await form.getByRole('button', { name: 'Make the token' }).click();
    await h.expectVisible(page, page.locator('#token-secret'), 'the secret panel');
    await h.record(page, 'api-tokens-secret', 'a token just made, with its secret');
    const row = page.locator('#api-tokens tbody tr').filter({ hasText: name });
    await row.getByRole('button', { name: `Revoke ${name}` }).click();
    await h.expectVisible(page, row.getByRole('group', { name: `Revoke ${name}?` }), 'the confirmation');
    await h.record(page, 'api-tokens-confirm', 'confirming a revocation');
    await row.getByRole('button', { name: 'Yes, revoke it' }).click();
    await h.expectVisible(page, row.getByText('Revoked'), 'listed as revoked');
    h.assertNoErrors(page);
  });

  it('a member neither sees the link nor opens the page', { timeout: 120_000 }, async () => {
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, member.email, member.password);
    assert.equal(await page.getByRole('link', { name: 'API tokens' }).count(), 0, 'no link for a member');
    await page.goto(`${server.baseUrl}/admin/api-tokens`);
    await h.expectH1(page, 'You do not have permission');
    h.assertNoErrors(page);
  });
});
