'use strict';
// Webhooks in a real browser (issue 18): an organisation's admin opens the page from the header,
// finds the demo webhook turned off with its reason and its delivery log, registers a webhook
// pointing at a small receiver this test runs on 127.0.0.1 (the form's own check of the address
// first), sees the signing secret once, presses "Send test delivery" and sees it delivered in
// the log, and the receiver got it, signed. A member neither sees the link nor opens the page.
// Every page is photographed and checked with axe-core, at desktop and phone widths.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const http = require('node:http');
const h = require('./harness');

const { qiLead, member } = h.DEMO;

let server;
let browser;
let receiver;
const received = [];

/** A receiver on 127.0.0.1 that records every request and answers 200. */
function startReceiver() {
  return new Promise((resolve) => {
    const srv = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('ok');
      });
    });
    srv.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${srv.address().port}/qi-hook`, close: () => srv.close() }));
  });
}

describe('Webhooks in the browser', () => {
  before(
    async () => {
      receiver = await startReceiver();
      server = await h.startServer({ env: { QI_WEBHOOKS__POLL_MILLIS: '200' } });
      browser = await h.launchBrowser();
    },
    { timeout: 360_000 },
  );

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
    if (receiver) receiver.close();
  });

  for (const phone of [false, true]) {
    const width = phone ? 'phone' : 'desktop';
    it(`an admin registers a webhook and sees a test delivered (${width})`, { timeout: 180_000 }, async () => {
      const page = await h.newPage(browser, { phone });
      await h.signIn(page, server.baseUrl, qiLead.email, qiLead.password);
      await page.getByRole('link', { name: 'Webhooks' }).click();
      await h.expectH1(page, 'Webhooks');
      await h.expectPath(page, '/admin/webhooks');

      // The demo's webhook: off, with why, and its log.
      const demo = page.locator('#webhooks > li', { hasText: 'Northmoor integration hub' });
      await h.expectVisible(page, demo.getByText('Off', { exact: true }), 'the demo webhook turned off');
      await h.expectVisible(page, demo.getByText(/Turned off: its deliveries failed/), 'why it is off');
      await demo.getByRole('button', { name: /Show delivery log/ }).click();
      await h.expectVisible(page, demo.locator('table.delivery-log tbody tr').first(), 'the demo log');
      await h.expectVisible(page, demo.getByText('could not connect: connection refused').first(), 'a failed try in the log', { state: 'attached' });
      // A delivery taken on its second try lists both: the refusal is not lost behind the success.
      const tries = demo.locator('details.delivery-tries', { hasText: 'Every try (2)' }).first();
      await tries.locator('summary').click();
      await h.expectVisible(page, tries.getByText(/answered 503: Service Unavailable \(184 ms\)/), 'the refused try');
      await h.expectVisible(page, tries.getByText(/answered 200 \(96 ms\)/), 'the try that was taken');
      await h.record(page, `webhooks-${width}`, 'the webhooks page');

      // The form checks the address as the server does.
      const form = page.locator('#new-webhook');
      const name = `Test receiver ${width} ${Date.now()}`;
      await form.getByLabel('Name', { exact: true }).fill(name);
      await form.getByLabel('Address', { exact: true }).fill('http://example.org/hook');
      await form.getByRole('button', { name: 'Register the webhook' }).click();
      await h.expectVisible(page, form.locator('#url-error, .error-message').first(), 'the address refused');
      await form.getByLabel('Address', { exact: true }).fill(receiver.url);
      await form.getByRole('button', { name: 'Register the webhook' }).click();
      await h.expectVisible(page, page.locator('#webhook-secret'), 'the secret panel');
      const secret = (await page.locator('#webhook-secret-value').textContent()).trim();
      assert.match(secret, /^whsec_[0-9a-f]{64}$/);
      await page.getByRole('button', { name: 'I have copied it' }).click();

      // Send a test: it shows as delivered in the log, and the receiver got it, signed.
      const ours = page.locator('#webhooks > li', { hasText: name });
      const before = received.length;
      await ours.getByRole('button', { name: /Send test delivery/ }).click();
      await h.expectVisible(page, page.getByText(/Test delivery \d+ queued/), 'the test queued');
      const log = ours.locator('table.delivery-log');
      await h.expectVisible(page, log, 'the log of the new webhook');
      // Nothing pressed: while the delivery waits the page looks again by itself, so its
      // outcome shows in the log and in the webhook's "Last delivery".
      await log.locator('tbody tr', { hasText: 'Delivered' }).first().waitFor({ timeout: 30000 });
      await h.expectVisible(page, log.locator('tbody tr', { hasText: 'Delivered' }).first(), 'the test delivered');
      await h.expectVisible(page, ours.locator('.summary-list__row', { hasText: 'Last delivery' }).getByText('Delivered'), 'the summary updated');
      await h.expectVisible(page, log.locator('tbody tr', { hasText: '200' }).first(), 'the response code');
      const got = received.slice(before).find((r) => r.headers['qi-event'] === 'test');
      assert.ok(got, 'the receiver got the test');
      const [t, v1] = got.headers['qi-signature'].split(',').map((p) => p.split('=')[1]);
      const mac = crypto.createHmac('sha256', secret).update(`${t}.${got.body}`).digest('hex');
      assert.equal(v1, mac, 'signed with the secret shown');
      await h.record(page, `webhooks-delivered-${width}`, 'a test delivered');

      // A new secret after a confirmation: shown once; the old one signs beside it for a day.
      await ours.getByRole('button', { name: /^New secret/ }).click();
      await h.record(page, `webhooks-new-secret-confirm-${width}`, 'asked to confirm a new secret');
      await ours.getByRole('button', { name: 'Yes, make a new secret' }).click();
      await h.expectVisible(page, page.getByRole('heading', { name: /A new signing secret for/ }), 'the new secret panel');
      const renewed = (await page.locator('#webhook-secret-value').textContent()).trim();
      assert.match(renewed, /^whsec_[0-9a-f]{64}$/);
      assert.notEqual(renewed, secret);
      await h.expectVisible(page, page.getByText(/The previous secret also signs each delivery until/), 'the overlap said');
      await h.expectVisible(page, ours.locator('.summary-list__row', { hasText: 'Signing secret' }).getByText(/Replaced: the previous secret also signs until/), 'the overlap in the summary');
      await h.record(page, `webhooks-new-secret-${width}`, 'a new secret shown once');
      await page.getByRole('button', { name: 'I have copied it' }).click();

      // Removed after a confirmation.
      await ours.getByRole('button', { name: /^Remove/ }).click();
      await ours.getByRole('button', { name: 'Yes, remove it' }).click();
      await h.expectVisible(page, page.getByText(/is removed, with its log/), 'removed');
      h.assertNoErrors(page);
      await page.close();
    });
  }

  it('a member neither sees the link nor opens the page', { timeout: 120_000 }, async () => {
    const page = await h.newPage(browser);
    await h.signIn(page, server.baseUrl, member.email, member.password);
    assert.equal(await page.getByRole('link', { name: 'Webhooks' }).count(), 0, 'no link for a member');
    await page.goto(`${server.baseUrl}/admin/webhooks`);
    await h.expectVisible(page, page.getByRole('heading', { level: 1 }), 'a heading');
    assert.notEqual((await page.getByRole('heading', { level: 1 }).textContent()).trim(), 'Webhooks');
    await page.close();
  });
});
