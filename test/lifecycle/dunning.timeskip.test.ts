import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { decryptSecret } from '../../db/encryption';
import { addValidity } from '../../domain/periods';
import { testSecrets } from '../support/web';
import { lifecycleStateQuery } from '../../workflows/customer-lifecycle/messages';
import { approveAndInstall, apply, waitForClosed, startTimeSkippingLifecycle, events, pay, secretOf, waitForStage, waitForState, type LifecycleRig } from './support';

let rig: LifecycleRig;
let env: TestWorkflowEnvironment;
let skipTo: (instant: number) => Promise<void>;
let close: () => Promise<void>;
const DAY = 86_400_000;
const MONTH = { unit: 'month', count: 1 } as const;

before(async () => {
  ({ rig, env, skipTo, close } = await startTimeSkippingLifecycle());
});
after(async () => {
  await close?.();
});

/** A customer activated by paying `paid` (default: one period), and dialled in on the router. */
async function activeCustomer(paid = rig.pkg.priceCents) {
  const customer = await apply(rig, env.client);
  await approveAndInstall(rig, customer.handle, new Date((await env.currentTimeMs()) + DAY));
  await waitForStage(customer.handle, 'awaiting_payment');
  await pay(rig.db.sql, rig, customer, paid);
  const view = await waitForStage(customer.handle, 'active');
  const username = customer.accountNumber.toLowerCase();
  const [sub] = await rig.db.sql<{ passwordEnc: string }[]>`select service_password_enc as "passwordEnc" from subscriptions where customer_id = ${customer.id}`;
  const dialled = rig.router.controls.dialPppoe({ name: username, password: decryptSecret(sub!.passwordEnc, testSecrets.encryptionKey) });
  assert.ok('ok' in dialled ? dialled.ok : true, `dial-in ${JSON.stringify(dialled)}`);
  return { ...customer, username, expiresAt: Date.parse(view.expiresAt!) };
}

/** With MTANDAO_RECORD_HISTORIES=1 the runs are kept as replay fixtures (test/lifecycle/lifecycle-replay.test.ts). */
async function keep(handle: { fetchHistory(): Promise<unknown> }, name: string): Promise<void> {
  if (process.env.MTANDAO_RECORD_HISTORIES !== '1') return;
  writeFileSync(new URL(`../fixtures/histories/${name}.json`, import.meta.url), `${historyToJSON((await handle.fetchHistory()) as Parameters<typeof historyToJSON>[0])}\n`);
}

const online = (username: string) => (rig.router.controls.state().menus['/ppp/active'] ?? []).some((a) => a.name === username);

test('expiry suspends at the expiry instant (secret disabled, session kicked, SMS); a payment reconnects with expiry = payment + validity', async () => {
  const c = await activeCustomer();
  assert.ok(online(c.username), 'online before expiry');
  await skipTo(c.expiresAt + 1000);
  await waitForStage(c.handle, 'suspended');
  const [suspended] = await events(rig.db.sql, c.id, 'suspended');
  assert.ok(Math.abs(suspended!.at.getTime() - c.expiresAt) < 1000, `suspended ${suspended!.at.getTime() - c.expiresAt} ms after expiry`);
  assert.equal(secretOf(rig, c.username)?.disabled, 'true');
  assert.equal(online(c.username), false, 'live session kicked');
  assert.ok(rig.sms.messages().some((m) => m.number === `+${c.phone}` && m.text.includes('suspended')), 'suspension SMS');

  await skipTo(c.expiresAt + 5 * DAY);
  const paidAt = await env.currentTimeMs();
  await pay(rig.db.sql, rig, c, rig.pkg.priceCents);
  const view = await waitForStage(c.handle, 'active');
  const expected = addValidity(new Date(paidAt), MONTH).getTime();
  assert.ok(Math.abs(Date.parse(view.expiresAt!) - expected) < 5000, `expiry ${view.expiresAt} ≈ payment + 1 month ${new Date(expected).toISOString()}`);
  assert.equal(secretOf(rig, c.username)?.disabled, 'false', 're-enabled on the router');
  assert.ok(rig.sms.messages().some((m) => m.number === `+${c.phone}` && m.text.includes('back online')), 'reconnection SMS');
});

test('a grace period keeps the customer online past expiry, then suspends', async () => {
  await rig.db.sql`update tenants set grace_days = 2 where id = ${rig.tenantId}`;
  try {
    const c = await activeCustomer();
    await skipTo(c.expiresAt + DAY);
    const during = await waitForState(c.handle, 'overdue in grace', (v) => v.overdueSince !== null);
    assert.equal(during.stage, 'active');
    assert.equal(secretOf(rig, c.username)?.disabled, 'false', 'still enabled in grace');
    await skipTo(c.expiresAt + 2 * DAY + 1000);
    await waitForStage(c.handle, 'suspended');
    const [suspended] = await events(rig.db.sql, c.id, 'suspended');
    assert.ok(Math.abs(suspended!.at.getTime() - (c.expiresAt + 2 * DAY)) < 1000, 'suspended when the grace ends');
    await keep(c.handle, 'customer-lifecycle-grace-suspended');
  } finally {
    await rig.db.sql`update tenants set grace_days = 0 where id = ${rig.tenantId}`;
  }
});

test('an overpayment stays on the account and renews the next cycle by itself, from the old expiry', async () => {
  const c = await activeCustomer(rig.pkg.priceCents * 2);
  const view = await waitForState(c.handle, 'balance known', (v) => v.balanceCents !== null);
  assert.equal(view.balanceCents, rig.pkg.priceCents, 'one period left on the account');
  await skipTo(c.expiresAt + 1000);
  const renewed = await waitForState(c.handle, 'auto-renewed', (v) => Date.parse(v.expiresAt!) > c.expiresAt);
  assert.equal(renewed.stage, 'active');
  assert.equal(renewed.expiresAt, addValidity(new Date(c.expiresAt), MONTH).toISOString());
  assert.equal((await events(rig.db.sql, c.id, 'suspended')).length, 0, 'never suspended');
  assert.equal(secretOf(rig, c.username)?.disabled, 'false');
});

test('two payments signalled together both count: the second arrives while the first rolls the workflow over', async () => {
  const c = await activeCustomer();
  // Back to back, without waiting: the first renews and continues as new; the second is carried over.
  await Promise.all([pay(rig.db.sql, rig, c, rig.pkg.priceCents), pay(rig.db.sql, rig, c, rig.pkg.priceCents)]);
  const twoMonths = addValidity(addValidity(new Date(c.expiresAt), MONTH), MONTH).toISOString();
  const view = await waitForState(c.handle, 'both applied', (v) => v.expiresAt === twoMonths && v.pendingPayments === 0 && v.balanceCents !== null);
  assert.equal(view.balanceCents, 0);
  const renewals = await events(rig.db.sql, c.id, 'renewed');
  assert.equal(renewals.length, 3, 'activation and two renewals, each in its own run');
});

test('pause freezes the remaining days (router disabled, no expiry); resume gives them back', async () => {
  const c = await activeCustomer();
  await skipTo(c.expiresAt - 10 * DAY);
  const paused = await c.handle.executeUpdate('pause', { args: [{ actor: rig.admin, reason: 'Travelling' }] });
  assert.ok((paused as { ok: boolean }).ok);
  const p = await waitForStage(c.handle, 'paused');
  assert.ok(Math.abs(p.pausedRemainingMs! - 10 * DAY) < 5000);
  assert.equal(secretOf(rig, c.username)?.disabled, 'true');
  await skipTo(c.expiresAt + 20 * DAY);
  assert.equal((await waitForStage(c.handle, 'paused')).stage, 'paused', 'no expiry while paused');
  const resumedAt = await env.currentTimeMs();
  await c.handle.executeUpdate('resume', { args: [{ actor: rig.admin }] });
  const r = await waitForStage(c.handle, 'active');
  assert.ok(Math.abs(Date.parse(r.expiresAt!) - (resumedAt + 10 * DAY)) < 5000, 'ten days from the resume');
  assert.equal(secretOf(rig, c.username)?.disabled, 'false');
  const [sub] = await rig.db.sql<{ expiresAt: Date; status: string }[]>`select expires_at as "expiresAt", status from subscriptions where customer_id = ${c.id}`;
  assert.equal(sub!.status, 'active');
  assert.equal(sub!.expiresAt.toISOString(), r.expiresAt);
  await keep(c.handle, 'customer-lifecycle-paused-resumed');
});

test('a mid-period upgrade charges the prorated difference and applies the new profile at once', async () => {
  const c = await activeCustomer();
  const result = await c.handle.executeUpdate('changePackage', { args: [{ actor: rig.admin, packageId: rig.otherPkg.id }] });
  assert.ok((result as { ok: boolean }).ok, JSON.stringify(result));
  const [invoice] = await rig.db.sql<{ total: number }[]>`select total_cents as total from invoices where customer_id = ${c.id} and kind = 'proration'`;
  // Changed right after activation: nearly the whole period remains.
  const diff = rig.otherPkg.priceCents - rig.pkg.priceCents;
  assert.ok(invoice && invoice.total > diff * 0.99 && invoice.total <= diff, `proration ${invoice?.total} of ${diff}`);
  assert.notEqual(secretOf(rig, c.username)?.profile, undefined);
  const [pkgRow] = await rig.db.sql<{ packageId: string }[]>`select package_id as "packageId" from subscriptions where customer_id = ${c.id}`;
  assert.equal(pkgRow!.packageId, rig.otherPkg.id);
  assert.ok(secretOf(rig, c.username)?.profile?.startsWith(`mtandao-${rig.otherPkg.id.slice(0, 8)}`), 'new profile on the router');
});

test('postpaid: invoice on the billing day, late fee after the due date, suspension after M days unpaid, reconnection on payment', async () => {
  await rig.db.sql`update tenants set billing_mode = 'postpaid', activate_on = 'installation', late_fee_bp = 1000, suspend_after_days = 3, invoice_due_days = 7 where id = ${rig.tenantId}`;
  try {
    const c = await apply(rig, env.client);
    await approveAndInstall(rig, c.handle, new Date((await env.currentTimeMs()) + DAY));
    const active = await waitForStage(c.handle, 'active');
    assert.equal(active.billingMode, 'postpaid');
    const [invoice] = await rig.db.sql<{ dueAt: Date; status: string }[]>`select due_at as "dueAt", status from invoices where customer_id = ${c.id} and kind = 'service'`;
    assert.equal(invoice!.status, 'open');
    const due = invoice!.dueAt.getTime();
    await skipTo(due + 1000);
    await waitForState(c.handle, 'late fee', (v) => v.recentEvents.some((e) => e.kind === 'late_fee'));
    const [fee] = await rig.db.sql<{ total: number }[]>`select total_cents as total from invoices where customer_id = ${c.id} and kind = 'late_fee'`;
    assert.equal(fee!.total, Math.round(rig.pkg.priceCents / 10), '10% late fee');
    assert.equal((await waitForStage(c.handle, 'active')).stage, 'active', 'still online before M days');
    await skipTo(due + 3 * DAY + 1000);
    await waitForStage(c.handle, 'suspended');
    assert.equal(secretOf(rig, c.accountNumber.toLowerCase())?.disabled, 'true');
    await pay(rig.db.sql, rig, c, rig.pkg.priceCents + fee!.total);
    await waitForStage(c.handle, 'active');
    assert.equal(secretOf(rig, c.accountNumber.toLowerCase())?.disabled, 'false');
  } finally {
    await rig.db.sql`update tenants set billing_mode = 'prepaid', activate_on = 'payment', late_fee_bp = 0, suspend_after_days = 0 where id = ${rig.tenantId}`;
  }
});

// Last: completing a run through an update can leave the time-skipping server's clock locked for later tests.
test('termination removes the secret, credits unused days and completes the workflow', async () => {
  const c = await activeCustomer();
  await skipTo(c.expiresAt - 15 * DAY);
  const result = await c.handle.executeUpdate('terminate', { args: [{ actor: rig.admin, reason: 'Moving away' }] });
  assert.ok((result as { ok: boolean }).ok);
  await waitForClosed(c.handle);
  assert.equal((await c.handle.query(lifecycleStateQuery)).stage, 'terminated');
  assert.equal(secretOf(rig, c.username), undefined, 'secret removed');
  assert.equal(online(c.username), false);
  const [row] = await rig.db.sql<{ status: string; sub: string; credit: number }[]>`
    select c.status, s.status as sub, (select sum(amount_cents) from ledger_entries l where l.customer_id = c.id and l.kind = 'adjustment')::bigint as credit
    from customers c join subscriptions s on s.customer_id = c.id where c.id = ${c.id}`;
  assert.equal(row!.status, 'terminated');
  assert.equal(row!.sub, 'cancelled');
  assert.ok(row!.credit > 0 && row!.credit < rig.pkg.priceCents, `credit note ${row!.credit}`);
});
