import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Worker } from '@temporalio/worker';
import { mpesa } from '../../db/queries/mpesa';
import { CORE_TASK_QUEUE } from '../../temporal/task-queues';
import { WORKFLOWS_PATH } from '../../workers/core-worker';
import { mpesaPayment } from '../../workflows/mpesa-payment';
import { waitFor } from '../support/wait';
import { moneyCounts, type PaymentsHarness, postJson, someCustomer, startPaymentsHarness, urls } from './support';

let h: PaymentsHarness;
before(async () => {
  // No delay: callbacks race the workflow's own bookkeeping.
  h = await startPaymentsHarness({ callbackDelayMs: 0 });
});
after(async () => {
  await h?.close();
});

test('callbacks that arrive before the workflow is waiting (even before the CheckoutRequestID is stored) are never lost', async () => {
  const customer = await someCustomer(h, 5);
  const handles = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      h.temporal.env.client.workflow.start(mpesaPayment, {
        taskQueue: CORE_TASK_QUEUE,
        workflowId: `mpesa-${h.tenantId}-${randomUUID()}`,
        // A short callback wait: a lost callback would show up as a query-settled payment without a receipt.
        args: [{ tenantId: h.tenantId, customerId: customer.id, phone: `07123400${String(10 + i)}`, amountCents: 10_000, accountReference: customer.accountNumber, purpose: 'invoice', callbackWait: '20 seconds' }],
      }),
    ),
  );
  const results = await Promise.all(handles.map((hd) => hd.result()));
  for (const r of results) {
    assert.equal(r.stage, 'paid');
    assert.match(r.receipt ?? '', /^[A-Z0-9]{10}$/, 'settled by the callback, which carries the receipt');
    assert.deepEqual(await moneyCounts(h, { externalRef: r.receipt! }), { payments: 1, credits: 1 });
  }
  const history = await handles[0]!.fetchHistory();
  await Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH }, history, handles[0]!.workflowId);
});

test('a few thousand fuzzed callback bodies get 2xx/4xx answers, never a 500; only well-formed paybill payments are recorded, once each', async () => {
  const c2bCounts = () => h.db.sql<{ withCustomer: number; all: number }[]>`
    select count(*) filter (where customer_id is not null)::int as "withCustomer", count(*)::int as "all"
    from payments where tenant_id = ${h.tenantId} and method = 'mpesa_c2b'`;
  const before = await moneyCounts(h);
  const [c2bBefore] = await c2bCounts();
  const valid = {
    Body: { stkCallback: { MerchantRequestID: '29115-34620561-1', CheckoutRequestID: 'ws_CO_fuzz', ResultCode: 0, ResultDesc: 'ok',
      CallbackMetadata: { Item: [{ Name: 'Amount', Value: 1 }, { Name: 'MpesaReceiptNumber', Value: 'NLJ7RT61SV' }, { Name: 'TransactionDate', Value: 20191219102115 }, { Name: 'PhoneNumber', Value: 254708374149 }] } } },
  };
  const c2b = { TransactionType: 'Pay Bill', TransID: 'RKTQDM7W6S', TransTime: '20191122063845', TransAmount: '10.00', BusinessShortCode: '174379', BillRefNumber: 'MT00001', MSISDN: '2547 ***** 126' };
  const weird: unknown[] = [null, true, 0, -1, 1e308, '', 'x'.repeat(300), [], {}, { a: 1 }, [1, 2], '\u0000', '20191219102115', 1.5];
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const mutate = (value: unknown, depth = 0): unknown => {
    if (value && typeof value === 'object' && depth < 6) {
      const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...(value as unknown[])] : { ...(value as Record<string, unknown>) };
      const keys = Object.keys(copy);
      if (keys.length === 0) return weird[rand(weird.length)];
      const key = keys[rand(keys.length)]!;
      const roll = rand(10);
      if (roll === 0) delete (copy as Record<string, unknown>)[key];
      else if (roll < 4) (copy as Record<string, unknown>)[key] = weird[rand(weird.length)];
      else (copy as Record<string, unknown>)[key] = mutate((copy as Record<string, unknown>)[key], depth + 1);
      return copy;
    }
    return weird[rand(weird.length)];
  };
  const statuses = new Map<number, number>();
  for (let i = 0; i < 2400; i++) {
    const stk = i % 2 === 0;
    let body: unknown = mutate(stk ? valid : c2b);
    if (rand(5) === 0) body = mutate(body);
    const raw = rand(20) === 0 ? JSON.stringify(body).slice(0, rand(40)) : JSON.stringify(body) ?? 'null';
    const res = await h.app.inject({
      method: 'POST',
      url: stk ? new URL(urls(h).stk).pathname : new URL(urls(h).c2bConfirmation).pathname,
      headers: { 'content-type': 'application/json' },
      payload: raw,
    });
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    assert.ok(res.statusCode === 200 || res.statusCode === 400, `body ${raw.slice(0, 200)} → ${res.statusCode} ${res.body}`);
    if (res.statusCode === 400) assert.match((JSON.parse(res.body) as { error: string }).error, /^Malformed/);
  }
  assert.ok((statuses.get(400) ?? 0) > 1000, `most mutations are refused: ${JSON.stringify([...statuses])}`);
  // Delivery runs after the answer: wait until every stored event is processed.
  await waitFor(async () => (await h.db.sql`select 1 from mpesa_events where processed_at is null`).length === 0, 15_000, 'deliveries');
  // Accepted STK mutants name no push we made: nothing. Accepted C2B mutants are real-looking paybill payments: each
  // new TransID is recorded once, credited only when its account is a customer's (else suspense, no wallet).
  const after = await moneyCounts(h);
  const [c2bAfter] = await c2bCounts();
  assert.equal(after.payments - before.payments, c2bAfter!.all - c2bBefore!.all);
  assert.equal(after.credits - before.credits, c2bAfter!.withCustomer - c2bBefore!.withCustomer);
  const [unknown] = await h.db.sql<{ n: number }[]>`select count(*)::int as n from mpesa_events where natural_key = 'ws_CO_fuzz' and outcome = 'unknown_checkout'`;
  assert.ok(unknown!.n <= 1, 'the fuzz checkout id is stored once however often it comes');
});

test('an oversized body is refused with 413 before anything is stored', async () => {
  const before = (await mpesa.events(h.db.sql)).length;
  const res = await postJson(urls(h).stk, { Body: { pad: 'x'.repeat(100_000) } });
  assert.equal(res.status, 413);
  assert.equal((await mpesa.events(h.db.sql)).length, before);
});
