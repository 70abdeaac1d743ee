import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { hotspot } from '../../db/queries/hotspot';
import { mpesa } from '../../db/queries/mpesa';
import { CORE_TASK_QUEUE } from '../../temporal/task-queues';
import { decryptSecret } from '../../db/encryption';
import { chapPassword, normalizeAccessCode } from '../../domain/hotspot';
import { testSecrets } from '../support/web';
import { HOTSPOT_STATUS_QUERY, PAYMENT_STATUS_QUERY } from '../../web/app/hotspot/portal.server';
import { hotspotPaymentWorkflowId, hotspotPurchase, hotspotPurchaseWorkflowId, hotspotStatusQuery } from '../../workflows/hotspot-purchase';
import { paymentStatusQuery } from '../../workflows/mpesa-payment';
import { waitFor } from '../support/wait';
import { activeSessions, joinDevice, redirectParams, startHotspotRig, type HotspotRig } from './support';

let rig: HotspotRig;
before(async () => {
  rig = await startHotspotRig();
});
after(async () => {
  await rig?.close();
});

async function buy(device: { mac: string; ip: string }, phone: string, packageId = rig.packageIds.hour): Promise<{ status: number; location: string | null; body: string }> {
  const res = await fetch(`${rig.webUrl}/hotspot?index&${redirectParams(rig, device)}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `${redirectParams(rig, device)}&package=${packageId}&phone=${encodeURIComponent(phone)}`,
  });
  return { status: res.status, location: res.headers.get('location'), body: await res.text() };
}

/** Waits for the purchase to reach `status`; on timeout the message carries the row and the workflow's own state. */
async function until(purchaseId: string, status: string, ms = 60_000): Promise<void> {
  try {
    await waitFor(async () => (await hotspot.get(rig.db.sql, purchaseId))?.status === status, ms, `purchase ${status}`);
  } catch (err) {
    const row = await hotspot.get(rig.db.sql, purchaseId);
    const state = await rig.temporal.env.client.workflow.getHandle(row!.workflowId).query(hotspotStatusQuery).catch((e: unknown) => String(e));
    throw new Error(`${(err as Error).message}: ${JSON.stringify({ status: row?.status, failure: row?.failure, state })}`);
  }
}

const page = async (path: string) => (await fetch(`${rig.webUrl}${path}`)).text();

test('the web names the workflow queries as the workflows define them', () => {
  assert.equal(HOTSPOT_STATUS_QUERY, hotspotStatusQuery.name);
  assert.equal(PAYMENT_STATUS_QUERY, paymentStatusQuery.name);
});

test('CHAP: the portal answers like md5.js (facts §4.2 vector); codes avoid look-alike characters', () => {
  assert.equal(chapPassword('\\371', '1234', '\\357\\015\\330\\013\\021\\234\\145\\245\\303\\253\\142\\246\\133\\175\\375\\316'), '0c3c003893ded05685588e8cb195ca66');
  assert.equal(normalizeAccessCode(' k7m-4qx '), 'K7M4QX');
  assert.equal(normalizeAccessCode('K7M4Q0'), undefined);
});

test('the portal lists the hotspot packages from a router redirect, with no script tags', async () => {
  const device = joinDevice(rig, 1);
  const html = await page(`/hotspot?${redirectParams(rig, device)}`);
  assert.match(html, /Buy internet/);
  assert.match(html, /1 hour/);
  assert.match(html, /KES 10/);
  assert.match(html, /7 days/);
  assert.doesNotMatch(html, /<script/, 'no JavaScript on the portal page');
  assert.match(html, new RegExp(`name="mac" value="${device.mac}"`));
});

test('pay → provisioned, device logged in through the API, code by SMS, status page with time left', async () => {
  const device = joinDevice(rig, 2);
  const res = await buy(device, '0712 300 021');
  assert.equal(res.status, 302, res.body.slice(0, 300));
  const purchaseId = /\/hotspot\/p\/([0-9a-f-]{36})$/.exec(res.location ?? '')![1]!;
  await until(purchaseId, 'active');
  const purchase = (await hotspot.get(rig.db.sql, purchaseId))!;
  assert.match(purchase.accessCode ?? '', /^[2-9A-Z]{6}$/);
  assert.ok(purchase.loggedInAt, 'logged in through the API');
  assert.ok(activeSessions(rig).some((s) => s.user === purchase.accessCode && s['mac-address'] === device.mac), 'device in /ip/hotspot/active');
  const html = await page(`/hotspot/p/${purchaseId}`);
  assert.match(html, /Time left/);
  assert.match(html, /59 min|1 h 00 min/);
  assert.match(html, new RegExp(purchase.accessCode!));
  assert.match(html, /Data left<\/dt><dd data-testid="data-left">Unlimited/);
  await waitFor(() => rig.sms.messages().some((m) => m.number === '+254712300021' && m.text.includes(purchase.accessCode!)), 30_000, 'code SMS');
});

test('a cancelled prompt says so in plain words with a "Try again" link back to the packages', async () => {
  const device = joinDevice(rig, 3);
  const res = await buy(device, '0712 301 032');
  const purchaseId = /\/hotspot\/p\/([0-9a-f-]{36})$/.exec(res.location ?? '')![1]!;
  await until(purchaseId, 'unpaid');
  const html = await page(`/hotspot/p/${purchaseId}`);
  assert.match(html, /You cancelled the M-Pesa request/);
  assert.match(html, /Try again/);
  assert.match(html, /href="\/hotspot\?router=/);
});

test('a bad phone number is refused with a message; the same device is rate limited after five starts', async () => {
  const device = joinDevice(rig, 4);
  const bad = await buy(device, '12345');
  assert.equal(bad.status, 400);
  assert.match(bad.body, /Kenyan mobile number/);
  for (let i = 0; i < 5; i++) await rig.db.sql`insert into hotspot_purchases (id, tenant_id, router_id, package_id, phone, amount_cents, mac, client_ip, workflow_id, status)
    values (gen_random_uuid(), ${rig.tenantId}, ${rig.routerId}, ${rig.packageIds.hour}, '254712300009', 1000, ${device.mac}, '10.9.9.9', ${`x-${i}-${device.mac}`}, 'unpaid')`;
  const limited = await buy(device, '0712 300 009');
  assert.equal(limited.status, 429);
  assert.match(limited.body, /Too many payment requests/);
});

test('a returning guest on a second device connects with the code', async () => {
  const first = joinDevice(rig, 5);
  const res = await buy(first, '0712 300 005', rig.packageIds.week);
  const purchaseId = /\/hotspot\/p\/([0-9a-f-]{36})$/.exec(res.location ?? '')![1]!;
  await until(purchaseId, 'active');
  const code = (await hotspot.get(rig.db.sql, purchaseId))!.accessCode!;
  const second = joinDevice(rig, 6);
  const login = await fetch(`${rig.webUrl}/hotspot/code`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `${redirectParams(rig, second)}&code=${code.toLowerCase()}`,
  });
  assert.equal(login.status, 302, await login.text());
  assert.equal(login.headers.get('location'), `/hotspot/p/${purchaseId}`);
  assert.ok(activeSessions(rig).some((s) => s.user === code && s['mac-address'] === second.mac), 'second device online');
  const wrong = await fetch(`${rig.webUrl}/hotspot/code`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `${redirectParams(rig, second)}&code=ZZZZZZ`,
  });
  assert.equal(wrong.status, 400);
  assert.match(await wrong.text(), /not valid/);
});

test('a guest who gave up: the late callback reaches the webhook, which nudges the purchase online at once', async () => {
  // Demo mode: the prompt waits for a hand, so STK Query keeps saying "being processed" and the payment gives up.
  rig.daraja.configure({ manual: true });
  try {
    const device = joinDevice(rig, 8);
    const purchaseId = randomUUID();
    const workflowId = hotspotPurchaseWorkflowId(rig.tenantId, purchaseId);
    await hotspot.create(rig.db.sql, {
      id: purchaseId, tenantId: rig.tenantId, routerId: rig.routerId, packageId: rig.packageIds.hour, phone: '254712300088', amountCents: 1000,
      mac: device.mac, deviceIp: device.ip, linkLoginOnly: null, linkOrig: null, chapId: null, chapChallenge: null, clientIp: '127.0.0.1', workflowId,
    });
    const handle = await rig.temporal.env.client.workflow.start(hotspotPurchase, {
      taskQueue: CORE_TASK_QUEUE,
      workflowId,
      args: [{
        tenantId: rig.tenantId, purchaseId, routerId: rig.routerId, packageId: rig.packageIds.hour, packageName: '1 hour', phone: '254712300088', amountCents: 1000,
        durationSeconds: 3600, dataCapBytes: null, mac: device.mac, ip: device.ip, lockToMac: true,
        payment: { callbackWait: '1 second', queryWindow: '3 seconds', queryBackoff: '1 second' },
      }],
    });
    await until(purchaseId, 'unpaid');
    assert.match((await handle.query(hotspotStatusQuery)).message, /still get access/);
    const checkout = await mpesa.checkoutByWorkflow(rig.db.sql, hotspotPaymentWorkflowId(rig.tenantId, purchaseId));
    const paidAt = Date.now();
    rig.daraja.decide(checkout!.checkoutRequestId!, 'success');
    await until(purchaseId, 'active', 30_000);
    // The workflow's own re-read comes 15 s after it gave up; the nudge makes it seconds.
    assert.ok(Date.now() - paidAt < 10_000, `online ${Date.now() - paidAt} ms after the late callback`);
    const history = await handle.fetchHistory();
    assert.ok(history.events?.some((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'hotspotPaymentNudge'), 'nudged by the webhook');
    const code = (await hotspot.get(rig.db.sql, purchaseId))!.accessCode!;
    assert.ok(activeSessions(rig).some((s) => s.user === code && s['mac-address'] === device.mac), 'device online');
    await waitFor(() => rig.sms.messages().some((m) => m.number === '+254712300088' && m.text.includes(code)), 30_000, 'code SMS');
    await handle.terminate('test done');
  } finally {
    rig.daraja.configure({ manual: false });
  }
});

test('when the router will not take the device through the API, the page posts its login form with the CHAP answer', async () => {
  // Never joined the hotspot network in the simulator: /ip/hotspot/active/login refuses it.
  const stranger = { mac: '02:0F:00:00:00:01', ip: '10.5.50.250' };
  const res = await buy(stranger, '0712 300 077', rig.packageIds.day);
  const purchaseId = /\/hotspot\/p\/([0-9a-f-]{36})$/.exec(res.location ?? '')![1]!;
  await until(purchaseId, 'active');
  const purchase = (await hotspot.get(rig.db.sql, purchaseId))!;
  assert.equal(purchase.loggedInAt, null);
  const html = await page(`/hotspot/p/${purchaseId}`);
  const expected = chapPassword('\\371', decryptSecret(purchase.accessPasswordEnc!, testSecrets.encryptionKey), '\\357\\015\\330\\013\\021\\234\\145\\245\\303\\253\\142\\246\\133\\175\\375\\316');
  assert.match(html, /<form id="login" method="post" action="http:\/\/10.5.50.1\/login">/);
  assert.match(html, new RegExp(`name="username" value="${purchase.accessCode}"`));
  assert.match(html, new RegExp(`name="password" value="${expected}"`));
  assert.match(html, /name="dst" value="http:\/\/example.com\/"/);
  assert.match(html, /document.getElementById\('login'\).submit\(\)/);
});
