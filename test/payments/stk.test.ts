import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { mpesa } from '../../db/queries/mpesa';
import { ledger } from '../../db/queries/ledger';
import { CORE_TASK_QUEUE } from '../../temporal/task-queues';
import { mpesaPayment, paymentStatusQuery, stkResultMessage, type MpesaPaymentInput } from '../../workflows/mpesa-payment';
import { waitFor } from '../support/wait';
import { moneyCounts, type PaymentsHarness, postJson, someCustomer, startPaymentsHarness, urls } from './support';

let h: PaymentsHarness;
before(async () => {
  h = await startPaymentsHarness({ callbackDelayMs: 150 });
});
after(async () => {
  await h?.close();
});

async function pay(phone: string, extra: Partial<MpesaPaymentInput> = {}) {
  const customer = await someCustomer(h);
  const workflowId = `mpesa-${h.tenantId}-${randomUUID()}`;
  const handle = await h.temporal.env.client.workflow.start(mpesaPayment, {
    taskQueue: CORE_TASK_QUEUE,
    workflowId,
    args: [{ tenantId: h.tenantId, customerId: customer.id, phone, amountCents: 150_000, accountReference: customer.accountNumber, purpose: 'invoice', ...extra }],
  });
  return { handle, workflowId, customer };
}

test('a paid push: callback → workflow → one payment and one ledger credit with the M-Pesa receipt', async () => {
  const { handle, workflowId, customer } = await pay('0712345678');
  const before = await ledger.balance(h.db.sql, h.tenantId, customer.id);
  const result = await handle.result();
  assert.equal(result.stage, 'paid');
  assert.equal(result.message, stkResultMessage(0));
  assert.match(result.receipt ?? '', /^[A-Z0-9]{10}$/);
  const checkout = await mpesa.checkoutByWorkflow(h.db.sql, workflowId);
  assert.equal(checkout?.status, 'paid');
  assert.equal(checkout?.receipt, result.receipt);
  assert.deepEqual(await moneyCounts(h, { externalRef: result.receipt! }), { payments: 1, credits: 1 });
  assert.equal(await ledger.balance(h.db.sql, h.tenantId, customer.id), before + 150_000);
  assert.equal((await handle.query(paymentStatusQuery)).stage, 'paid');
  const description = await handle.describe();
  assert.equal(description.typedSearchAttributes.get({ name: 'TenantId', type: 'KEYWORD' } as never), h.tenantId);
});

test('the same callback delivered twice by the simulator (and three more times by hand) credits once', async () => {
  h.sim.configure({ duplicateCallbacks: true });
  try {
    const { handle, workflowId } = await pay('0712345679');
    const result = await handle.result();
    assert.equal(result.stage, 'paid');
    const checkout = await mpesa.checkoutByWorkflow(h.db.sql, workflowId);
    await waitFor(() => h.sim.deliveries(checkout!.checkoutRequestId!).filter((d) => d.outcome === 'delivered').length === 2, 30_000, 'both copies delivered');
    const body = h.sim.deliveries(checkout!.checkoutRequestId!)[0]!.body;
    for (let i = 0; i < 3; i++) assert.deepEqual((await postJson(urls(h).stk, body)).body, { ResultCode: 0, ResultDesc: 'Accepted' });
    assert.deepEqual(await moneyCounts(h, { externalRef: result.receipt! }), { payments: 1, credits: 1 });
    assert.equal((await mpesa.events(h.db.sql, { kind: 'stk_callback', naturalKey: checkout!.checkoutRequestId! })).length, 1, 'one stored event');
  } finally {
    h.sim.configure({ duplicateCallbacks: false });
  }
});

test('a dropped callback: the workflow falls back to STK Query and settles; the late callback attaches its receipt to the same payment', async () => {
  h.sim.configure({ dropCallbacks: true });
  let checkoutRequestId: string;
  try {
    const { handle, workflowId } = await pay('0712345680', { callbackWait: '2 seconds', queryBackoff: '1 second', queryWindow: '1 minute' });
    const result = await handle.result();
    assert.equal(result.stage, 'paid');
    assert.equal(result.receipt, undefined, 'the query never carries a receipt');
    const history = await handle.fetchHistory();
    const activities = history.events?.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    assert.ok(activities?.includes('queryStkStatus'), 'settled by STK Query');
    checkoutRequestId = (await mpesa.checkoutByWorkflow(h.db.sql, workflowId))!.checkoutRequestId!;
    assert.deepEqual(await moneyCounts(h, { externalRef: checkoutRequestId }), { payments: 1, credits: 1 });
  } finally {
    h.sim.configure({ dropCallbacks: false });
  }
  // The callback Safaricom "failed to send" turns up after the workflow ended.
  const dropped = h.sim.deliveries(checkoutRequestId).find((d) => d.outcome === 'dropped');
  assert.ok(dropped);
  assert.equal((await postJson(urls(h).stk, dropped.body)).status, 200);
  const receipt = (dropped.body as { Body: { stkCallback: { CallbackMetadata: { Item: { Name: string; Value?: unknown }[] } } } }).Body.stkCallback.CallbackMetadata.Item.find(
    (i) => i.Name === 'MpesaReceiptNumber',
  )!.Value as string;
  await waitFor(async () => (await moneyCounts(h, { externalRef: receipt })).payments === 1, 30_000, 'receipt attached');
  assert.deepEqual(await moneyCounts(h, { externalRef: receipt }), { payments: 1, credits: 1 });
  assert.deepEqual(await moneyCounts(h, { externalRef: checkoutRequestId }), { payments: 0, credits: 0 });
});

for (const [suffix, code] of [['1032', 1032], ['1037', 1037], ['0001', 1], ['2001', 2001], ['1019', 1019]] as const) {
  test(`phone ending ${suffix}: the workflow ends with "${stkResultMessage(code)}" and nothing is credited`, async () => {
    const { handle, workflowId } = await pay(`071234${suffix}`);
    const result = await handle.result();
    assert.equal(result.stage, 'failed');
    assert.equal(result.resultCode, code);
    assert.equal(result.message, stkResultMessage(code));
    const checkout = await mpesa.checkoutByWorkflow(h.db.sql, workflowId);
    assert.equal(checkout?.status, code === 1032 ? 'cancelled' : code === 1037 || code === 1019 ? 'timeout' : 'failed');
    assert.equal(checkout?.paymentId, null);
    assert.deepEqual(await moneyCounts(h, { externalRef: checkout!.checkoutRequestId! }), { payments: 0, credits: 0 });
  });
}

test('a malformed STK callback is refused with 400 and a message, kept as a rejected event, and credits nothing', async () => {
  const before = await moneyCounts(h);
  const bad = await postJson(urls(h).stk, { Body: { stkCallback: { CheckoutRequestID: 'ws_CO_1', ResultCode: 0 } } });
  assert.equal(bad.status, 400);
  assert.match(String(bad.body.error), /MerchantRequestID|ResultDesc/);
  const notJson = await postJson(urls(h).stk, '{"Body": ');
  assert.equal(notJson.status, 400);
  assert.match(String(notJson.body.error), /not JSON/);
  const paidWithoutReceipt = await postJson(urls(h).stk, {
    Body: { stkCallback: { MerchantRequestID: '1-2-3', CheckoutRequestID: 'ws_CO_2', ResultCode: 0, ResultDesc: 'ok', CallbackMetadata: { Item: [{ Name: 'Amount', Value: 10 }] } } },
  });
  assert.equal(paidWithoutReceipt.status, 400);
  const rejected = await h.db.sql`select 1 from mpesa_events where outcome = 'rejected' and kind = 'stk_callback'`;
  assert.equal(rejected.length, 3);
  assert.deepEqual(await moneyCounts(h), before);
});

test('a wrong path token is a 404 and stores nothing', async () => {
  const events = await h.db.sql`select count(*)::int as n from mpesa_events`;
  const res = await postJson(urls(h, 'wrong-token-wrong-token-wrong').stk, { anything: true });
  assert.equal(res.status, 404);
  assert.deepEqual(await h.db.sql`select count(*)::int as n from mpesa_events`, events);
});

test('a callback for a push we never made is acknowledged and parked as unknown', async () => {
  const body = { Body: { stkCallback: { MerchantRequestID: '1-2-3', CheckoutRequestID: 'ws_CO_never_made', ResultCode: 1032, ResultDesc: 'Request cancelled by user' } } };
  assert.equal((await postJson(urls(h).stk, body)).status, 200);
  await waitFor(async () => (await mpesa.events(h.db.sql, { kind: 'stk_callback', naturalKey: 'ws_CO_never_made' }))[0]?.outcome === 'unknown_checkout', 30_000);
});

test('no answer before the deadline: the workflow ends "timeout"; a paid callback arriving afterwards is still credited once', async () => {
  h.sim.configure({ manual: true });
  let checkoutRequestId: string;
  let workflowId: string;
  try {
    const started = await pay('0712345690', { callbackWait: '1 second', queryBackoff: '500 ms', queryWindow: '3 seconds' });
    workflowId = started.workflowId;
    const result = await started.handle.result();
    assert.equal(result.stage, 'failed');
    assert.equal(result.resultCode, undefined);
    assert.equal(result.message, stkResultMessage(undefined));
    const checkout = await mpesa.checkoutByWorkflow(h.db.sql, workflowId);
    assert.equal(checkout?.status, 'timeout');
    checkoutRequestId = checkout!.checkoutRequestId!;
  } finally {
    h.sim.configure({ manual: false });
  }
  // The customer approves on the handset after all; Daraja's callback reaches a workflow that has ended.
  h.sim.decide(checkoutRequestId, 'success');
  await waitFor(async () => (await mpesa.checkoutByWorkflow(h.db.sql, workflowId))?.status === 'paid', 30_000, 'late credit');
  const checkout = await mpesa.checkoutByWorkflow(h.db.sql, workflowId);
  assert.match(checkout!.receipt ?? '', /^[A-Z0-9]{10}$/);
  assert.deepEqual(await moneyCounts(h, { externalRef: checkout!.receipt! }), { payments: 1, credits: 1 });
  const [event] = await mpesa.events(h.db.sql, { kind: 'stk_callback', naturalKey: checkoutRequestId });
  assert.equal(event?.outcome, 'recorded_late');
});

test('bad input fails at once, without retries, with a message that says what is wrong', async () => {
  for (const [extra, message] of [
    [{ phone: '0812345678' }, /not a Kenyan mobile number/],
    [{ amountCents: 150_050 }, /whole shillings/],
    [{ accountReference: 'MUCH-TOO-LONG-REF' }, /1 to 12 characters/],
  ] as const) {
    const { handle } = await pay('0712345678', extra);
    const result = await handle.result();
    assert.equal(result.stage, 'failed');
    assert.match(result.message, message);
    const history = await handle.fetchHistory();
    const attempts = history.events?.flatMap((e) => e.activityTaskStartedEventAttributes?.attempt ?? []);
    assert.deepEqual(attempts, [1], 'one attempt');
  }
});
