import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { after, before, test } from 'node:test';
import { parseStkCallback } from '../../activities/mpesa/callback-parse';
import { type DarajaSimulator, startDarajaSimulator } from '../../simulators/daraja/server';
import { waitFor } from '../support/wait';
import { type CallbackReceiver, clientFor, startCallbackReceiver } from './support';

let sim: DarajaSimulator;
let receiver: CallbackReceiver;
before(async () => {
  sim = await startDarajaSimulator({ manual: true, callbackDelayMs: 0 });
  receiver = await startCallbackReceiver();
});
after(async () => {
  await sim.stop();
  await receiver.stop();
});

const push = (phone: string) =>
  clientFor(sim).stkPush({ amountCents: 50_00, phone, accountReference: 'HS-24H', description: 'Hotspot 24 hours', callbackUrl: `${receiver.url}/webhooks/stk` });
const callbackFor = (checkoutRequestId: string) =>
  receiver.received.find((r) => (r.body as { Body: { stkCallback: { CheckoutRequestID: string } } }).Body.stkCallback.CheckoutRequestID === checkoutRequestId)?.body;
const phonePage = async () => (await fetch(`${sim.url}/_sim/phone`)).text();
/** What the browser sends when a button on the phone page is pressed. */
const press = (checkoutRequestId: string, outcome: string) =>
  fetch(`${sim.url}/_sim/phone`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ checkoutRequestId, outcome }).toString(),
    redirect: 'manual',
  });

test('a prompt waits on /_sim/phone until Approve is pressed; then the callback pays and the query agrees', async () => {
  const client = clientFor(sim);
  const { checkoutRequestId } = await push('0711 222 333');
  assert.deepEqual(await client.stkQuery(checkoutRequestId), { state: 'pending' });

  const page = await phonePage();
  const card = new RegExp(`<li class="push" data-checkout-request-id="${checkoutRequestId}">(.*?)</li>`).exec(page)?.[1];
  assert.ok(card, 'the waiting prompt is listed');
  assert.match(card, /KES 50<\/b> to <b>174379<\/b>, account <b>HS-24H/);
  for (const outcome of ['success', 'cancelled', 'wrong-pin']) assert.match(card, new RegExp(`name="outcome" value="${outcome}"`));
  assert.equal(callbackFor(checkoutRequestId), undefined);

  const res = await press(checkoutRequestId, 'success');
  assert.equal(res.status, 303);
  assert.match(res.headers.get('location') ?? '', /^\/_sim\/phone\?message=/);

  await waitFor(() => callbackFor(checkoutRequestId) !== undefined, 30_000, 'the callback');
  const parsed = parseStkCallback(callbackFor(checkoutRequestId));
  assert.ok(parsed.paid);
  assert.equal(parsed.amountCents, 5000);
  assert.deepEqual(await client.stkQuery(checkoutRequestId), { state: 'final', resultCode: 0, resultDesc: 'The service request is processed successfully.' });
  const after = await phonePage();
  assert.ok(!after.includes(`data-checkout-request-id="${checkoutRequestId}"`), 'no longer waiting');
  assert.ok(after.includes(parsed.receipt), 'listed with its receipt under recent results');
});

test('Cancel and Wrong PIN end the prompt with 1032 and 2001', async () => {
  const cancelled = await push('0711 222 334');
  const wrongPin = await push('0711 222 335');
  await press(cancelled.checkoutRequestId, 'cancelled');
  await press(wrongPin.checkoutRequestId, 'wrong-pin');
  await waitFor(() => callbackFor(cancelled.checkoutRequestId) !== undefined && callbackFor(wrongPin.checkoutRequestId) !== undefined, 30_000, 'both callbacks');
  assert.equal(parseStkCallback(callbackFor(cancelled.checkoutRequestId)).resultCode, 1032);
  assert.equal(parseStkCallback(callbackFor(wrongPin.checkoutRequestId)).resultCode, 2001);
});

test('an ended prompt cannot be answered again, by page or by control API', async () => {
  const { checkoutRequestId } = await push('0711 222 336');
  await press(checkoutRequestId, 'cancelled');
  const again = await press(checkoutRequestId, 'success');
  assert.match(decodeURIComponent(again.headers.get('location') ?? ''), /already ended \(cancelled\)/);
  const control = await fetch(`${sim.url}/_sim/stk/${checkoutRequestId}/decision`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ outcome: 'success' }),
  });
  assert.equal(control.status, 409);
  assert.equal(sim.stkPush(checkoutRequestId)?.resultCode, 1032);

  const nonsense = await fetch(`${sim.url}/_sim/stk/${checkoutRequestId}/decision`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ outcome: 'maybe' }),
  });
  assert.equal(nonsense.status, 400);
});

test('switching manual mode off lets waiting prompts end on their own', async () => {
  const { checkoutRequestId } = await push('0711 222 337');
  const res = await fetch(`${sim.url}/_sim/settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ manual: false }) });
  assert.equal(res.status, 200);
  try {
    await waitFor(() => callbackFor(checkoutRequestId) !== undefined, 30_000, 'the scripted ending');
    assert.equal(parseStkCallback(callbackFor(checkoutRequestId)).resultCode, 0);
  } finally {
    sim.configure({ manual: true });
  }
});

const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

test('the control API answers loopback only, even when the simulator listens on the LAN', { skip: lanAddress ? false : 'no LAN address' }, async () => {
  const lan = await startDarajaSimulator({ host: '0.0.0.0' });
  try {
    const port = lan.port;
    assert.equal((await fetch(`http://127.0.0.1:${port}/_sim/settings`)).status, 200);
    assert.equal((await fetch(`http://${lanAddress}:${port}/_sim/settings`)).status, 403);
    assert.equal((await fetch(`http://${lanAddress}:${port}/_sim/phone`)).status, 200);
  } finally {
    await lan.stop();
  }
});
