import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { addValidity } from '../../domain/periods';
import { WORKFLOWS_PATH } from '../../workers/core-worker';
import { approveAndInstall, apply, startTimeSkippingLifecycle, events, pay, secretOf, waitForStage, waitForState, type LifecycleRig } from './support';

let rig: LifecycleRig;
let env: TestWorkflowEnvironment;
let skipTo: (instant: number) => Promise<void>;
let close: () => Promise<void>;
const DAY = 86_400_000;

before(async () => {
  ({ rig, env, skipTo, close } = await startTimeSkippingLifecycle());
});
after(async () => {
  await close?.();
});

test('three prepaid cycles: activation on payment, reminders at 7/3/1 days, early payment extends from the old expiry', async () => {
  const customer = await apply(rig, env.client);
  await waitForStage(customer.handle, 'kyc_review');
  await approveAndInstall(rig, customer.handle, new Date((await env.currentTimeMs()) + DAY));
  await waitForStage(customer.handle, 'awaiting_payment');
  assert.equal(secretOf(rig, customer.accountNumber.toLowerCase()), undefined, 'nothing on the router before the first payment');

  const paidAt = await env.currentTimeMs();
  await pay(rig.db.sql, rig, customer, rig.pkg.priceCents);
  let view = await waitForStage(customer.handle, 'active');
  const firstExpiry = Date.parse(view.expiresAt!);
  // Payment time + one calendar month (workflow clock; the signal lands within a second of paidAt).
  const expected = addValidity(new Date(paidAt), { unit: 'month', count: 1 }).getTime();
  assert.ok(Math.abs(firstExpiry - expected) < 5_000, `expiry ${view.expiresAt} ≈ ${new Date(expected).toISOString()}`);
  const secret = secretOf(rig, customer.accountNumber.toLowerCase());
  assert.equal(secret?.disabled, 'false', 'PPPoE secret created and enabled');
  const welcome = rig.sms.messages().find((m) => m.number === `+${customer.phone}` && m.text.includes('PPPoE'));
  assert.ok(welcome, 'welcome SMS with credentials');

  let expiry = firstExpiry;
  for (let cycle = 1; cycle <= 3; cycle++) {
    for (const days of [7, 3, 1]) {
      await skipTo(expiry - days * DAY + 60_000);
      await waitForState(customer.handle, `reminder ${days}d of cycle ${cycle}`, (v) => v.recentEvents.some((e) => e.kind === 'reminder_sent' && e.summary.includes(`in ${days} day`) && Date.parse(e.at) >= expiry - days * DAY - 1000));
    }
    const reminders = (await events(rig.db.sql, customer.id, 'reminder_sent')).slice(-3);
    // The timer's own instant, to the workflow clock's resolution (the server stamps the task a few ms late).
    const offsets = reminders.map((r) => expiry - r.at.getTime());
    [7, 3, 1].forEach((days, i) => assert.ok(Math.abs(offsets[i]! - days * DAY) < 1000, `reminder ${days}d fired ${offsets[i]} ms before expiry`));

    // Paying a day early: the new period starts at the old expiry, not at the payment.
    await pay(rig.db.sql, rig, customer, rig.pkg.priceCents);
    view = await waitForState(customer.handle, `renewal of cycle ${cycle}`, (v) => Date.parse(v.expiresAt!) > expiry);
    assert.equal(view.expiresAt, addValidity(new Date(expiry), { unit: 'month', count: 1 }).toISOString());
    assert.equal(view.stage, 'active');
    expiry = Date.parse(view.expiresAt!);
  }
  view = await waitForStage(customer.handle, 'active');
  assert.equal(view.cycle, 4, 'one run per cycle: activation plus three renewals');
  const invoices = await rig.db.sql<{ status: string; kind: string }[]>`select status, kind from invoices where customer_id = ${customer.id}`;
  assert.equal(invoices.length, 4);
  assert.ok(invoices.every((i) => i.status === 'paid' && i.kind === 'service'));
  const [sub] = await rig.db.sql<{ expiresAt: Date; status: string }[]>`select expires_at as "expiresAt", status from subscriptions where customer_id = ${customer.id}`;
  assert.equal(sub!.expiresAt.getTime(), expiry, 'projection agrees with the workflow');
  assert.equal(sub!.status, 'active');
  const reminderTexts = rig.sms.messages().filter((m) => m.number === `+${customer.phone}` && m.text.includes('expires in'));
  assert.equal(reminderTexts.length, 9, 'nine reminder SMS over three cycles');
  // Today's code replays the run it just made (the current run, after three continue-as-new).
  await Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH }, await customer.handle.fetchHistory(), customer.handle.workflowId);
});

test('paying on 31 January buys a month that ends on the last day of February (Nairobi time)', async () => {
  const now = await env.currentTimeMs();
  let year = new Date(now).getUTCFullYear();
  // 31 January, 10:00 in Nairobi, the next one still ahead of the server clock.
  while (Date.UTC(year, 0, 31, 7, 0) <= now + 60_000) year += 1;
  const customer = await apply(rig, env.client);
  await approveAndInstall(rig, customer.handle, new Date(now + DAY));
  await waitForStage(customer.handle, 'awaiting_payment');
  await skipTo(Date.UTC(year, 0, 31, 7, 0));
  await pay(rig.db.sql, rig, customer, rig.pkg.priceCents);
  const view = await waitForStage(customer.handle, 'active');
  const expiry = new Date(Date.parse(view.expiresAt!) + 3 * 3_600_000);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  assert.equal(expiry.getUTCMonth(), 1, `expires in February: ${view.expiresAt}`);
  assert.equal(expiry.getUTCDate(), leap ? 29 : 28);
  assert.equal(expiry.getUTCHours(), 10, 'same time of day');
});
