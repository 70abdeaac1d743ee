import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseStkCallback } from '../../activities/mpesa/callback-parse';
import { stkPassword } from '../../activities/mpesa/daraja-client';
import { toDarajaTimestamp } from '../../activities/mpesa/eat-time';
import { SANDBOX_PASSKEY } from '../../simulators/daraja/defaults';
import { type DarajaSimulator, startDarajaSimulator } from '../../simulators/daraja/server';
import { waitFor } from '../support/wait';
import { type CallbackReceiver, clientFor, failureOf, rawPost, startCallbackReceiver } from './support';

let sim: DarajaSimulator;
let receiver: CallbackReceiver;
before(async () => {
  sim = await startDarajaSimulator({ callbackDelayMs: 50 });
  receiver = await startCallbackReceiver();
});
after(async () => {
  await sim.stop();
  await receiver.stop();
});

interface CallbackBody {
  Body: { stkCallback: { CheckoutRequestID: string; ResultCode: unknown; ResultDesc: string; CallbackMetadata?: { Item: { Name: string; Value?: unknown }[] } } };
}
const callbacksFor = (checkoutRequestId: string) =>
  receiver.received.map((r) => r.body as CallbackBody).filter((b) => b.Body?.stkCallback?.CheckoutRequestID === checkoutRequestId);
const push = (phone: string, amountCents = 5000) =>
  clientFor(sim).stkPush({ amountCents, phone, accountReference: 'HS-1H', description: 'Hotspot 1 hour', callbackUrl: `${receiver.url}/webhooks/stk` });

test('happy path: accepted at once, then the exact success callback arrives and parses', async () => {
  const started = Date.now();
  const accepted = await push('0708 374 149');
  assert.match(accepted.merchantRequestId, /^\d{5}-\d{8,9}-1$/);
  assert.match(accepted.checkoutRequestId, /^ws_CO_\d{14}\d{3}708374149$/);
  assert.equal(accepted.customerMessage, 'Success. Request accepted for processing');

  await waitFor(() => callbacksFor(accepted.checkoutRequestId).length === 1, 30_000, 'the callback');
  const body = callbacksFor(accepted.checkoutRequestId)[0]!;
  const cb = body.Body.stkCallback;
  assert.deepEqual(Object.keys(body), ['Body']);
  assert.deepEqual(Object.keys(cb), ['MerchantRequestID', 'CheckoutRequestID', 'ResultCode', 'ResultDesc', 'CallbackMetadata']);
  assert.equal(cb.ResultCode, 0);
  assert.equal(cb.ResultDesc, 'The service request is processed successfully.');
  const items = cb.CallbackMetadata!.Item;
  assert.deepEqual(items.map((i) => i.Name), ['Amount', 'MpesaReceiptNumber', 'Balance', 'TransactionDate', 'PhoneNumber']);
  assert.equal(items[0]!.Value, 50);
  assert.match(items[1]!.Value as string, /^[A-Z][A-L][1-9A-V][A-Z0-9]{7}$/);
  assert.deepEqual(items[2], { Name: 'Balance' });
  assert.equal(typeof items[3]!.Value, 'number');
  assert.match(String(items[3]!.Value), /^20\d{12}$/);
  assert.equal(items[4]!.Value, 254708374149);

  const parsed = parseStkCallback(body);
  assert.ok(parsed.paid);
  assert.equal(parsed.checkoutRequestId, accepted.checkoutRequestId);
  assert.equal(parsed.merchantRequestId, accepted.merchantRequestId);
  assert.equal(parsed.amountCents, 5000);
  assert.equal(parsed.phone, '254708374149');
  assert.equal(parsed.receipt, items[1]!.Value);
  // TransactionDate has one-second resolution and is Nairobi time; parsed, it is the real instant.
  assert.ok(parsed.transactionTime.getTime() >= Math.floor(started / 1000) * 1000 && parsed.transactionTime.getTime() <= Date.now());
});

test("the synchronous response has Daraja's exact shape, with ResponseCode a string", async () => {
  const timestamp = toDarajaTimestamp(new Date());
  const res = await rawPost(sim, '/mpesa/stkpush/v1/processrequest', {
    BusinessShortCode: 174379,
    Password: stkPassword('174379', SANDBOX_PASSKEY, timestamp),
    Timestamp: timestamp,
    TransactionType: 'CustomerPayBillOnline',
    Amount: 1,
    PartyA: 254712340077,
    PartyB: 174379,
    PhoneNumber: 254712340077,
    CallBackURL: `${receiver.url}/webhooks/stk`,
    AccountReference: 'ACC123',
    TransactionDesc: 'Payment',
  });
  assert.equal(res.status, 200);
  assert.deepEqual(Object.keys(res.body), ['MerchantRequestID', 'CheckoutRequestID', 'ResponseCode', 'ResponseDescription', 'CustomerMessage']);
  assert.equal(res.body.ResponseCode, '0');
  assert.equal(res.body.ResponseDescription, 'Success. Request accepted for processing');
});

test('each test number ends the push with its ResultCode and no CallbackMetadata', async () => {
  const cases: [string, number, string][] = [
    ['1032', 1032, 'Request cancelled by user'],
    ['1037', 1037, 'DS timeout user cannot be reached'],
    ['0001', 1, 'The balance is insufficient for the transaction.'],
    ['2001', 2001, 'The initiator information is invalid.'],
    ['1019', 1019, 'Transaction has expired'],
  ];
  await Promise.all(
    cases.map(async ([lastFour, resultCode, resultDesc]) => {
      const accepted = await push(`071234${lastFour}`);
      await waitFor(() => callbacksFor(accepted.checkoutRequestId).length === 1, 30_000, `the ${lastFour} callback`);
      const body = callbacksFor(accepted.checkoutRequestId)[0]!;
      assert.deepEqual(Object.keys(body.Body.stkCallback), ['MerchantRequestID', 'CheckoutRequestID', 'ResultCode', 'ResultDesc']);
      assert.equal(body.Body.stkCallback.ResultCode, resultCode, `…${lastFour}`);
      assert.equal(body.Body.stkCallback.ResultDesc, resultDesc);
      const parsed = parseStkCallback(body);
      assert.equal(parsed.paid, false);
      assert.equal(parsed.resultCode, resultCode);
    }),
  );
});

test('a second push to a phone still showing a prompt is refused as "Unable to lock subscriber", retryable later', async () => {
  sim.configure({ manual: true });
  try {
    const first = await push('0712 345 670');
    const failure = await failureOf(() => push('0712 345 670'));
    assert.equal(failure.type, 'DarajaSubscriberLocked');
    assert.equal(failure.nonRetryable, false);
    assert.match(failure.message, /500\.001\.1001 Unable to lock subscriber/);
    sim.decide(first.checkoutRequestId, 'cancelled');
    await push('0712 345 670');
  } finally {
    sim.configure({ manual: false });
  }
});

test('with duplicates on, the identical callback arrives twice (CheckoutRequestID is the idempotency key)', async () => {
  sim.configure({ duplicateCallbacks: true });
  try {
    const accepted = await push('0712 345 671');
    await waitFor(() => sim.deliveries(accepted.checkoutRequestId).filter((d) => d.outcome === 'delivered').length === 2, 30_000, 'two callbacks');
    const [a, b] = callbacksFor(accepted.checkoutRequestId);
    assert.deepEqual(a, b);
    assert.equal(sim.stkPush(accepted.checkoutRequestId)?.callbackAttempts, 2);
    assert.deepEqual(sim.deliveries(accepted.checkoutRequestId).map((d) => [d.outcome, d.statusCode]), [['delivered', 200], ['delivered', 200]]);
  } finally {
    sim.configure({ duplicateCallbacks: false });
  }
});

test('with drops on, no callback is sent, yet STK Query knows the result', async () => {
  sim.configure({ dropCallbacks: true });
  try {
    const accepted = await push('0712 345 672');
    await waitFor(() => sim.stkPush(accepted.checkoutRequestId)?.status === 'completed', 30_000, 'the push to end');
    assert.deepEqual(sim.deliveries(accepted.checkoutRequestId).map((d) => d.outcome), ['dropped']);
    assert.equal(sim.stkPush(accepted.checkoutRequestId)?.callbackAttempts, 0);
    assert.deepEqual(await clientFor(sim).stkQuery(accepted.checkoutRequestId), { state: 'final', resultCode: 0, resultDesc: 'The service request is processed successfully.' });
    assert.equal(callbacksFor(accepted.checkoutRequestId).length, 0);
  } finally {
    sim.configure({ dropCallbacks: false });
  }
});

test('per-push flags set through the control API override the global settings', async () => {
  sim.configure({ manual: true });
  try {
    const doubled = await push('0712 345 673');
    const dropped = await push('0712 345 674');
    const control = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`${sim.url}/_sim${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(res.status, 200, await res.clone().text());
      return res.json();
    };
    await control('PUT', `/stk/${doubled.checkoutRequestId}/flags`, { duplicate: true });
    await control('PUT', `/stk/${dropped.checkoutRequestId}/flags`, { drop: true });
    await control('POST', `/stk/${doubled.checkoutRequestId}/decision`, { outcome: 'success' });
    await control('POST', `/stk/${dropped.checkoutRequestId}/decision`, { outcome: 'success' });

    await waitFor(() => callbacksFor(doubled.checkoutRequestId).length === 2, 30_000, 'the doubled callback');
    await waitFor(() => sim.deliveries(dropped.checkoutRequestId).length === 1, 30_000, 'the dropped delivery record');
    assert.equal(sim.deliveries(dropped.checkoutRequestId)[0]!.outcome, 'dropped');
    assert.equal(callbacksFor(dropped.checkoutRequestId).length, 0);
  } finally {
    sim.configure({ manual: false });
  }
});

test('a callback the merchant answers with an error is recorded with its status and never retried', async () => {
  receiver.respond = (post) => (post.path.endsWith('/broken') ? { status: 503, body: { error: 'down' } } : { status: 200, body: { ResultCode: 0, ResultDesc: 'Accepted' } });
  const accepted = await clientFor(sim).stkPush({
    amountCents: 100,
    phone: '0712345675',
    accountReference: 'ACC',
    description: 'x',
    callbackUrl: `${receiver.url}/webhooks/broken`,
  });
  await waitFor(() => sim.deliveries(accepted.checkoutRequestId)[0]?.outcome === 'failed', 30_000, 'the delivery to fail');
  const [delivery] = sim.deliveries(accepted.checkoutRequestId);
  assert.equal(delivery!.outcome, 'failed');
  assert.equal(delivery!.statusCode, 503);
  assert.equal(sim.stkPush(accepted.checkoutRequestId)?.callbackAttempts, 1);

  const listed = (await (await fetch(`${sim.url}/_sim/transactions`)).json()) as { transactions: { checkoutRequestId?: string; callbackAttempts?: number }[] };
  assert.equal(listed.transactions.find((t) => t.checkoutRequestId === accepted.checkoutRequestId)?.callbackAttempts, 1);
  const deliveries = (await (await fetch(`${sim.url}/_sim/deliveries?reference=${accepted.checkoutRequestId}`)).json()) as { deliveries: { statusCode: number }[] };
  assert.deepEqual(deliveries.deliveries.map((d) => d.statusCode), [503]);
});
