import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { parseC2bConfirmation } from '../../activities/mpesa/callback-parse';
import { freePort } from '../../scripts/ports';
import { type DarajaSimulator, startDarajaSimulator } from '../../simulators/daraja/server';
import { waitFor } from '../support/wait';
import { type CallbackReceiver, clientFor, failureOf, rawPost, rawToken, startCallbackReceiver } from './support';

let sim: DarajaSimulator;
let receiver: CallbackReceiver;
before(async () => {
  sim = await startDarajaSimulator({ callbackDelayMs: 20 });
  receiver = await startCallbackReceiver();
});
after(async () => {
  await sim.stop();
  await receiver.stop();
});

const NOTIFICATION_KEYS = [
  'TransactionType', 'TransID', 'TransTime', 'TransAmount', 'BusinessShortCode', 'BillRefNumber', 'InvoiceNumber',
  'OrgAccountBalance', 'ThirdPartyTransID', 'MSISDN', 'FirstName', 'MiddleName', 'LastName',
];
const postsFor = (transId: string) => receiver.received.filter((r) => (r.body as { TransID?: string }).TransID === transId);
const payment = (shortCode: string, extra: Record<string, unknown> = {}) => ({
  ShortCode: shortCode,
  CommandID: 'CustomerPayBillOnline',
  Amount: 10,
  Msisdn: '254708374126',
  BillRefNumber: 'ACC123',
  ...extra,
});
const transIdOf = (shortCode: string) => {
  const c2b = sim.transactions().c2b.filter((t) => t.shortCode === shortCode);
  return c2b[c2b.length - 1]!.transId;
};

test('register (v2) answers with the misspelt key; a payment brings validation, then the confirmation with a masked MSISDN', async () => {
  const registered = await clientFor(sim).registerC2bUrls({
    shortCode: '600984',
    confirmationUrl: `${receiver.url}/c2b/confirm`,
    validationUrl: `${receiver.url}/c2b/validate`,
  });
  assert.match(registered.originatorConversationId, /^\d{4}-\d{7}-1$/);
  const raw = await rawPost(sim, '/mpesa/c2b/v2/registerurl', { ShortCode: '600984', ResponseType: 'Completed', ConfirmationURL: `${receiver.url}/c2b/confirm`, ValidationURL: `${receiver.url}/c2b/validate` });
  assert.deepEqual(Object.keys(raw.body), ['OriginatorCoversationID', 'ResponseCode', 'ResponseDescription']);
  assert.deepEqual([raw.body.ResponseCode, raw.body.ResponseDescription], ['0', 'success']);

  const ack = await rawPost(sim, '/mpesa/c2b/v1/simulate', payment('600984'));
  assert.equal(ack.status, 200);
  assert.deepEqual(Object.keys(ack.body), ['ConversationID', 'OriginatorCoversationID', 'ResponseCode', 'ResponseDescription']);
  assert.equal(ack.body.ResponseCode, '0');

  const transId = transIdOf('600984');
  await waitFor(() => postsFor(transId).length === 2, 30_000, 'validation and confirmation');
  const [validation, confirmation] = postsFor(transId);
  assert.deepEqual([validation!.path, confirmation!.path], ['/c2b/validate', '/c2b/confirm']);
  for (const post of [validation!, confirmation!]) {
    const body = post.body as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), NOTIFICATION_KEYS);
    assert.ok(Object.values(body).every((v) => typeof v === 'string'), 'every value is a string');
    assert.equal(body.MSISDN, '2547 ***** 126');
    assert.equal(body.TransAmount, '10.00');
    assert.equal(body.TransactionType, 'Pay Bill');
    assert.match(body.TransID as string, /^[A-Z0-9]{10}$/);
    assert.match(body.TransTime as string, /^20\d{12}$/);
  }
  assert.equal((validation!.body as Record<string, unknown>).OrgAccountBalance, '');
  assert.equal((confirmation!.body as Record<string, unknown>).OrgAccountBalance, '10.00');

  const parsed = parseC2bConfirmation(confirmation!.body);
  assert.equal(parsed.amountCents, 1000);
  assert.equal(parsed.billRefNumber, 'ACC123');
  assert.equal(parsed.transId, transId);
  assert.equal(parsed.phone, undefined);
  assert.equal(sim.transactions().c2b.find((t) => t.transId === transId)?.status, 'confirmed');
});

test('a payment the ValidationURL rejects (C2B000xx) gets no confirmation', async () => {
  await clientFor(sim).registerC2bUrls({ shortCode: '600985', confirmationUrl: `${receiver.url}/strict/confirm`, validationUrl: `${receiver.url}/strict/validate` });
  receiver.respond = (post) =>
    post.path === '/strict/validate' ? { status: 200, body: { ResultCode: 'C2B00012', ResultDesc: 'Rejected' } } : { status: 200, body: { ResultCode: 0, ResultDesc: 'Success' } };
  await rawPost(sim, '/mpesa/c2b/v1/simulate', payment('600985', { BillRefNumber: 'NO-SUCH-ACC' }));
  const transId = transIdOf('600985');
  await waitFor(() => sim.transactions().c2b.find((t) => t.transId === transId)?.status === 'rejected', 30_000, 'the rejection');
  assert.equal(sim.transactions().c2b.find((t) => t.transId === transId)?.rejectedWith, 'C2B00012');
  assert.deepEqual(postsFor(transId).map((p) => p.path), ['/strict/validate']);
  assert.deepEqual(sim.deliveries(transId).map((d) => d.kind), ['c2b-validation']);
});

test('without a ValidationURL only the confirmation comes; v1 sends a SHA-256 of the MSISDN; tills say Buy Goods', async () => {
  await clientFor(sim).registerC2bUrls({ shortCode: '600986', confirmationUrl: `${receiver.url}/till/confirm`, version: 'v1' });
  await rawPost(sim, '/mpesa/c2b/v1/simulate', payment('600986', { CommandID: 'CustomerBuyGoodsOnline', BillRefNumber: '' }));
  const transId = transIdOf('600986');
  await waitFor(() => postsFor(transId).length === 1, 30_000, 'the confirmation');
  const body = postsFor(transId)[0]!.body as Record<string, string>;
  assert.equal(postsFor(transId)[0]!.path, '/till/confirm');
  assert.equal(body.TransactionType, 'Buy Goods');
  assert.equal(body.MSISDN, createHash('sha256').update('254708374126').digest('hex'));
});

test('an unreachable ValidationURL follows ResponseType: Completed confirms, Cancelled does not', async () => {
  const nowhere = `http://127.0.0.1:${await freePort()}/validate`;
  const client = clientFor(sim);
  await client.registerC2bUrls({ shortCode: '600987', confirmationUrl: `${receiver.url}/completed/confirm`, validationUrl: nowhere, responseType: 'Completed' });
  await client.registerC2bUrls({ shortCode: '600988', confirmationUrl: `${receiver.url}/cancelled/confirm`, validationUrl: nowhere, responseType: 'Cancelled' });
  await rawPost(sim, '/mpesa/c2b/v1/simulate', payment('600987'));
  await rawPost(sim, '/mpesa/c2b/v1/simulate', payment('600988'));
  const completed = transIdOf('600987');
  const cancelled = transIdOf('600988');
  await waitFor(() => postsFor(completed).length === 1, 30_000, 'the confirmation after an unreachable validator');
  await waitFor(() => sim.transactions().c2b.find((t) => t.transId === cancelled)?.status === 'cancelled', 30_000, 'the cancellation');
  assert.equal(postsFor(cancelled).length, 0);
});

test('URLs naming M-Pesa or Safaricom are refused at registration, as Daraja does', async () => {
  const failure = await failureOf(() => clientFor(sim).registerC2bUrls({ shortCode: '600989', confirmationUrl: `${receiver.url}/mpesa/confirm` }));
  assert.equal(failure.type, 'DarajaInvalidRequest');
  assert.equal(failure.nonRetryable, true);
  assert.match(failure.message, /Invalid ConfirmationURL/);
});

test('a payment to a shortcode with no registered URLs is acknowledged but notifies no one', async () => {
  const ack = await rawPost(sim, '/mpesa/c2b/v1/simulate', payment('600990'));
  assert.equal(ack.status, 200);
  const transId = transIdOf('600990');
  await waitFor(() => sim.transactions().c2b.find((t) => t.transId === transId)?.status === 'unregistered', 30_000, 'the payment to settle');
  assert.equal(sim.deliveries(transId).length, 0);
});

test('simulate validates its fields, and TransIDs never repeat', async () => {
  const bad = await rawPost(sim, '/mpesa/c2b/v1/simulate', payment('600984', { Msisdn: '0708374126' }));
  assert.equal(bad.status, 400);
  assert.equal(bad.body.errorMessage, 'Bad Request - Invalid Msisdn');
  const token = await rawToken(sim);
  await Promise.all(Array.from({ length: 40 }, () => rawPost(sim, '/mpesa/c2b/v1/simulate', payment('600991'), token)));
  const ids = sim.transactions().c2b.map((t) => t.transId);
  assert.equal(new Set(ids).size, ids.length);
});
