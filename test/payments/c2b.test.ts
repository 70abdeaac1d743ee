import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mpesa } from '../../db/queries/mpesa';
import { ledger } from '../../db/queries/ledger';
import { SANDBOX_SHORTCODE } from '../../simulators/daraja/defaults';
import { createLogger } from '../../config/logger';
import type { TemporalClient } from '../../temporal/client';
import { redeliverUndelivered } from '../../web/server/webhooks/payments';
import { rawPost } from '../mpesa/support';
import { waitFor } from '../support/wait';
import { moneyCounts, type PaymentsHarness, postJson, someCustomer, startPaymentsHarness, urls, WEBHOOK_TOKEN } from './support';

let h: PaymentsHarness;
before(async () => {
  h = await startPaymentsHarness({ callbackDelayMs: 20 });
});
after(async () => {
  await h?.close();
});

async function register(withValidation: boolean) {
  const res = await rawPost(h.sim, '/mpesa/c2b/v2/registerurl', {
    ShortCode: SANDBOX_SHORTCODE,
    ResponseType: 'Completed',
    ConfirmationURL: urls(h).c2bConfirmation,
    ...(withValidation ? { ValidationURL: urls(h).c2bValidation } : {}),
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

async function simulate(billRef: string, amount = 500) {
  const ack = await rawPost(h.sim, '/mpesa/c2b/v1/simulate', {
    ShortCode: SANDBOX_SHORTCODE, CommandID: 'CustomerPayBillOnline', Amount: amount, Msisdn: '254708374149', BillRefNumber: billRef,
  });
  assert.equal(ack.status, 200, JSON.stringify(ack.body));
  const c2b = h.sim.transactions().c2b;
  return c2b[c2b.length - 1]!.transId;
}

test('the webhook paths name neither M-Pesa nor Safaricom, so Daraja accepts them', () => {
  for (const url of Object.values(urls(h))) assert.doesNotMatch(new URL(url).pathname, /mpesa|m-pesa|safaricom/i);
});

test('a paybill payment to a known account is credited to that customer once, even when the confirmation is replayed', async () => {
  await register(true);
  const customer = await someCustomer(h, 3);
  const balance = await ledger.balance(h.db.sql, h.tenantId, customer.id);
  const transId = await simulate(customer.accountNumber.toLowerCase(), 750);
  await waitFor(async () => (await moneyCounts(h, { externalRef: transId })).credits === 1, 30_000, 'C2B credited');
  const [payment] = await h.db.sql<{ customerId: string; method: string; amountCents: number }[]>`
    select customer_id as "customerId", method, amount_cents as "amountCents" from payments where external_ref = ${transId}`;
  assert.deepEqual(payment, { customerId: customer.id, method: 'mpesa_c2b', amountCents: 75_000 });
  assert.equal(await ledger.balance(h.db.sql, h.tenantId, customer.id), balance + 75_000);
  const [validation] = await mpesa.events(h.db.sql, { kind: 'c2b_validation', naturalKey: transId });
  assert.equal(validation?.outcome, 'accepted');

  const confirmation = h.sim.deliveries(transId).find((d) => d.kind === 'c2b-confirmation');
  assert.ok(confirmation, 'the simulator delivered the confirmation');
  for (let i = 0; i < 4; i++) {
    assert.deepEqual((await postJson(urls(h).c2bConfirmation, confirmation.body)).body, { ResultCode: 0, ResultDesc: 'Success' });
  }
  assert.deepEqual(await moneyCounts(h, { externalRef: transId }), { payments: 1, credits: 1 });
  assert.equal(await ledger.balance(h.db.sql, h.tenantId, customer.id), balance + 75_000);
  const [event] = await mpesa.events(h.db.sql, { kind: 'c2b_confirmation', naturalKey: transId });
  assert.equal(event?.outcome, 'recorded');
});

test('an unknown account is rejected by validation with C2B00012, and nothing is recorded', async () => {
  await register(true);
  const before = await moneyCounts(h);
  const transId = await simulate('ZZ99999');
  await waitFor(async () => (await mpesa.events(h.db.sql, { kind: 'c2b_validation', naturalKey: transId })).length === 1, 30_000, 'validation');
  const delivery = h.sim.deliveries(transId)[0];
  assert.ok(delivery);
  await waitFor(() => h.sim.deliveries(transId).every((d) => d.outcome !== 'sending'), 30_000);
  const [event] = await mpesa.events(h.db.sql, { kind: 'c2b_validation', naturalKey: transId });
  assert.equal(event?.outcome, 'rejected');
  assert.equal(h.sim.deliveries(transId).length, 1, 'no confirmation follows a rejection');
  assert.deepEqual(await moneyCounts(h), before);
});

test('without validation an unknown account lands in suspense: recorded once, no customer, no wallet credit', async () => {
  await register(false);
  const transId = await simulate('NOSUCH1');
  await waitFor(async () => (await mpesa.events(h.db.sql, { kind: 'c2b_confirmation', naturalKey: transId }))[0]?.outcome === 'suspense', 30_000, 'suspense');
  const rows = await h.db.sql<{ customerId: string | null }[]>`select customer_id as "customerId" from payments where external_ref = ${transId}`;
  assert.deepEqual([...rows], [{ customerId: null }]);
  assert.deepEqual(await moneyCounts(h, { externalRef: transId }), { payments: 1, credits: 0 });
});

test('a malformed confirmation is a 400 with a message, kept as rejected, and credits nothing', async () => {
  const before = await moneyCounts(h);
  const res = await postJson(urls(h).c2bConfirmation, { TransactionType: 'Pay Bill', TransID: 'RKTQDM7W6S', TransAmount: 'ten', TransTime: '20191122063845', BusinessShortCode: '174379' });
  assert.equal(res.status, 400);
  assert.match(String(res.body.error), /TransAmount/);
  const rejected = await h.db.sql`select 1 from mpesa_events where kind = 'c2b_confirmation' and outcome = 'rejected'`;
  assert.equal(rejected.length, 1);
  assert.deepEqual(await moneyCounts(h), before);
  assert.equal((await postJson(urls(h, 'x'.repeat(36)).c2bConfirmation, {})).status, 404);
});

test('a confirmation stored but never delivered (the web process stopped after the 200) is delivered on redelivery, once', async () => {
  const customer = await someCustomer(h, 7);
  const body = { TransactionType: 'Pay Bill', TransID: 'CRASH00001', TransTime: '20261121093000', TransAmount: '120.00', BusinessShortCode: SANDBOX_SHORTCODE, BillRefNumber: customer.accountNumber, MSISDN: '2547 ***** 126', FirstName: 'Otieno' };
  const event = await mpesa.insertEvent(h.db.sql, { kind: 'c2b_confirmation', naturalKey: 'CRASH00001', body, sourceIp: '127.0.0.1' });
  assert.ok(event);
  await h.db.sql`update mpesa_events set received_at = now() - interval '5 minutes' where id = ${event.id}`;
  const opts = { sql: h.db.sql, temporal: h.temporal.env.client as TemporalClient, log: createLogger('web', 'silent'), token: WEBHOOK_TOKEN };
  assert.equal(await redeliverUndelivered(opts), 1);
  assert.equal(await redeliverUndelivered(opts), 0, 'nothing left the second time');
  assert.deepEqual(await moneyCounts(h, { externalRef: 'CRASH00001', customerId: customer.id }), { payments: 1, credits: 1 });
  // A replay of the same confirmation afterwards changes nothing.
  assert.equal((await postJson(urls(h).c2bConfirmation, body)).status, 200);
  assert.deepEqual(await moneyCounts(h, { externalRef: 'CRASH00001' }), { payments: 1, credits: 1 });
});
