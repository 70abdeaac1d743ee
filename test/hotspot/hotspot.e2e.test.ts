import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { hotspotVouchers } from '../../db/queries/hotspot-vouchers';
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

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  rig = await startHotspotRig();
  device = joinDevice(rig, 0x4e2e);
  const template = readFileSync('hotspot/login.html', 'utf8');
  servlet = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(
      renderLoginHtml(template, rig.webUrl, rig.routerId, {
        mac: device.mac,
        ip: device.ip,
        'link-login-only': 'http://10.5.50.1/login',
        'link-orig': 'http://example.com/news?a=1&b=2',
        'chap-id': '\\371',
        'chap-challenge': '\\357\\015\\330\\013\\021\\234\\145\\245\\303\\253\\142\\246\\133\\175\\375\\316',
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
