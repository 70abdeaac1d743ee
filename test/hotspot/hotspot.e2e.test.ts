import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { hotspotVouchers } from '../../db/queries/hotspot-vouchers';
import { chapPassword } from '../../domain/hotspot';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium';
import { waitFor } from '../support/wait';
import { activeSessions, joinDevice, renderLoginHtml, startHotspotRig, type HotspotRig } from './support';

// A guest's phone in real Chromium: the router's login page (our hotspot/login.html, filled in as the router's
// servlet does) → the portal → M-Pesa (Daraja simulator) → online in the RouterOS simulator.
const ARTIFACTS = 'test/artifacts';
let rig: HotspotRig;
let browser: Browser;
let servlet: Server;
let servletUrl: string;
let device: { mac: string; ip: string };
/** What the router's redirect says about the device; a stale address makes the API login miss it. */
let redirectIp: string | undefined;
let linkOrig = 'http://example.com/news?a=1&b=2';
const CHAP_ID = '\\371';
const CHAP_CHALLENGE = '\\357\\015\\330\\013\\021\\234\\145\\245\\303\\253\\142\\246\\133\\175\\375\\316';
/** Logins the router's own form accepted (http-chap checked against the user's password). */
const formLogins: { user: string; mac: string }[] = [];

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  rig = await startHotspotRig();
  device = joinDevice(rig, 0x4e2e);
  const template = readFileSync('hotspot/login.html', 'utf8');
  // The router's hotspot servlet: login.html with its variables, the login form's target, and a landing page.
  servlet = createServer((req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    if (req.method === 'POST' && req.url === '/login') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const user = (rig.router.controls.state().menus['/ip/hotspot/user'] ?? []).find((u) => u.name === form.get('username'));
        const ok = user && form.get('password') === chapPassword(CHAP_ID, String(user.password), CHAP_CHALLENGE);
        const login = ok ? rig.router.controls.hotspotLogin({ user: String(user.name), password: String(user.password), mac: device.mac }) : { ok: false };
        if (!login.ok) {
          res.end('<p>invalid username or password</p>');
          return;
        }
        formLogins.push({ user: String(user!.name), mac: device.mac });
        res.writeHead(302, { location: form.get('dst') ?? '/' }).end();
      });
      return;
    }
    if (req.url === '/ok') {
      res.end('<h1>Welcome online</h1>');
      return;
    }
    res.end(
      renderLoginHtml(template, rig.webUrl, rig.routerId, {
        mac: device.mac,
        ip: redirectIp ?? device.ip,
        'link-login-only': servletUrl,
        'link-orig': linkOrig,
        'chap-id': CHAP_ID,
        'chap-challenge': CHAP_CHALLENGE,
        error: '',
        'server-name': 'hotspot1',
      }),
    );
  });
  await new Promise<void>((resolve) => servlet.listen(0, '127.0.0.1', resolve));
  servletUrl = `http://127.0.0.1:${(servlet.address() as AddressInfo).port}/login`;
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => servlet?.close(resolve));
  await rig?.close();
});

test('router redirect → package → M-Pesa → online in /ip/hotspot/active → status page with time left', async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  const scripts: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script') scripts.push(r.url());
  });
  await page.goto(servletUrl);
  await page.getByRole('heading', { name: 'Buy internet' }).waitFor({ timeout: 30_000 });
  assert.ok(page.url().startsWith(`${rig.webUrl}/hotspot?router=${rig.routerId}`), page.url());
  assert.match(page.url(), new RegExp(`mac=${encodeURIComponent(device.mac)}`));
  await page.screenshot({ path: `${ARTIFACTS}/hotspot-portal.png`, fullPage: true });

  await page.getByText('24 hours').click();
  await page.getByLabel('M-Pesa number').fill('0712 555 010');
  await page.getByRole('button', { name: 'Pay with M-Pesa' }).click();
  await page.waitForURL(/\/hotspot\/p\/[0-9a-f-]{36}$/);
  // The page refreshes itself every two seconds until the payment and the router are done.
  await page.getByRole('heading', { name: 'You are online' }).waitFor({ timeout: 90_000 });
  const timeLeft = await page.getByTestId('time-left').textContent();
  assert.match(timeLeft ?? '', /^(23 h 5\d min|24 h 00 min)$/);
  const code = (await page.locator('.code').first().textContent())!.trim();
  assert.match(code, /^[2-9A-Z]{6}$/);
  await waitFor(() => activeSessions(rig).some((s) => s.user === code && s['mac-address'] === device.mac), 10_000, 'device in /ip/hotspot/active');
  await page.screenshot({ path: `${ARTIFACTS}/hotspot-online.png`, fullPage: true });
  assert.deepEqual(scripts, [], 'the portal loads no script files');

  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByText('You are logged out').waitFor();
  assert.ok(!activeSessions(rig).some((s) => s.user === code), 'session ended on the router');
  await context.close();
});

test('the same with a voucher card: code typed on the portal → online in /ip/hotspot/active → time left', async () => {
  const made = await rig.db.sql.begin((tx) =>
    hotspotVouchers.createBatch(tx, { tenantId: rig.tenantId, packageId: rig.packageIds.day, count: 1, prefix: '', expiresAt: new Date(Date.now() + 86_400_000), createdBy: null }),
  );
  const [row] = await rig.db.sql<{ code: string }[]>`select code from hotspot_vouchers where batch_id = ${made}`;
  const code = row!.code;
  // A second phone on the hotspot: the router's login page sends it to the portal like the first.
  device = joinDevice(rig, 0x4e2f);
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await page.goto(servletUrl);
  await page.getByLabel('Enter your code or voucher').fill(code.toLowerCase());
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByRole('heading', { name: 'You are online' }).waitFor({ timeout: 90_000 });
  assert.match((await page.getByTestId('time-left').textContent()) ?? '', /^(23 h 5\d min|24 h 00 min)$/);
  const access = (await page.locator('.code').first().textContent())!.trim();
  await waitFor(() => activeSessions(rig).some((s) => s.user === access && s['mac-address'] === device.mac), 10_000, 'voucher device in /ip/hotspot/active');
  await page.screenshot({ path: `${ARTIFACTS}/hotspot-voucher-online.png`, fullPage: true });
  await context.close();
});

test('when the API login misses the device, the page posts the router login form with the CHAP answer and the guest lands online', async () => {
  device = joinDevice(rig, 0x4e30);
  // The redirect carries an address the router no longer has for this device: /ip/hotspot/active/login refuses it.
  redirectIp = '10.5.50.254';
  linkOrig = servletUrl.replace('/login', '/ok');
  try {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    await page.goto(servletUrl);
    await page.getByText('1 hour').click();
    await page.getByLabel('M-Pesa number').fill('0712 555 030');
    await page.getByRole('button', { name: 'Pay with M-Pesa' }).click();
    // Status page → (paid, API login refused) → the inline script posts the router form → the router sends the guest on.
    await page.getByRole('heading', { name: 'Welcome online' }).waitFor({ timeout: 90_000 });
    const login = formLogins.at(-1);
    assert.equal(login?.mac, device.mac, 'logged in through the router form with http-chap');
    assert.ok(activeSessions(rig).some((s) => s.user === login!.user && s['mac-address'] === device.mac), 'device in /ip/hotspot/active');
    await context.close();
  } finally {
    redirectIp = undefined;
  }
});
