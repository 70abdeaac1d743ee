import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { routerProfileName } from '../../activities/mikrotik/activities';
import type { RouterTarget } from '../../activities/mikrotik/gateway';
import { createRouterOsGateway } from '../../activities/mikrotik/routeros-gateway';
import { decryptSecret, encryptSecret } from '../../db/encryption';
import { CORE_TASK_QUEUE } from '../../temporal/task-queues';
import { routerReconcileId } from '../../temporal/router-workflows';
import { lastReconcileQuery, reconcileNowUpdate, routerReconcile } from '../../workflows/router-reconcile';
import { waitFor } from '../support/wait';
import { testSecrets } from '../support/web';
import { startRouterRig, type RouterRig } from './support';

/**
 * Drift: the router is brought in line with the database, then changed behind the system's back (an
 * active customer's secret deleted, an expired customer's secret enabled and dialled in, a stranger
 * added). The next pass restores both, kicks the expired session, audits each fix and reports the
 * stranger without deleting it.
 */
let rig: RouterRig;
// "Winbox": someone else's API session on the same router.
const behindTheBack = createRouterOsGateway({ callTimeoutMs: 3000 });
let target: RouterTarget;

interface Sub {
  serviceUsername: string;
  passwordEnc: string;
  packageId: string;
  status: string;
}

let active: Sub;
let expired: Sub;
let activeCount: number;

before(async () => {
  rig = await startRouterRig();
  const { db, routerId, sim } = rig;
  target = { id: 'winbox', name: 'Kahawa Core', host: sim.host, port: sim.port, tls: false, username: 'admin', password: 'mtandao' };
  const subs = await db.sql<Sub[]>`select service_username as "serviceUsername", service_password_enc as "passwordEnc", package_id as "packageId", status
    from subscriptions where router_id = ${routerId} order by service_username`;
  active = subs.find((s) => s.status === 'active')!;
  const suspended = subs.find((s) => s.status === 'suspended')!;
  assert.ok(active && suspended, 'the demo seed has an active and a suspended subscription on the router');
  await db.sql`update subscriptions set status = 'expired' where service_username = ${suspended.serviceUsername}`;
  expired = { ...suspended, status: 'expired' };
  activeCount = subs.filter((s) => s.status === 'active').length;
  // Provisioned earlier, correctly disabled when it expired; and a secret nobody in Mtandao knows.
  await behindTheBack.upsertPppoeSecret(target, { name: expired.serviceUsername, password: decryptSecret(expired.passwordEnc, testSecrets.encryptionKey), profile: 'default', disabled: true });
  await behindTheBack.upsertPppoeSecret(target, { name: 'stranger', password: 'not-ours', profile: 'default' });
});

after(async () => {
  await behindTheBack.close();
  await rig?.close();
});

function secrets() {
  return new Map(rig.sim.controls.state().menus['/ppp/secret']!.map((s) => [s.name, s]));
}

test('a reconcile pass brings the router in line, and the next one repairs drift done behind its back', { timeout: 120_000 }, async () => {
  const { temporal, tenantId, routerId, db, sim } = rig;
  const handle = await temporal.env.client.workflow.start(routerReconcile, {
    taskQueue: CORE_TASK_QUEUE,
    workflowId: routerReconcileId(tenantId, routerId),
    args: [{ tenantId, routerId, intervalSeconds: 3600 }],
  });
  await waitFor(async () => (await handle.query(lastReconcileQuery)) !== null, 60_000, 'the first pass');
  const first = (await handle.query(lastReconcileQuery))!;
  assert.equal(first.outcome, 'done', first.errors.join('; '));
  assert.deepEqual(first.errors, []);
  assert.equal(first.created, activeCount);
  assert.equal(first.disabled, 0);
  assert.deepEqual(first.extras, ['stranger']);

  let onRouter = secrets();
  const profile = `mtandao-${active.packageId.slice(0, 8)}`;
  assert.equal(profile, routerProfileName({ id: active.packageId }));
  assert.equal(onRouter.get(active.serviceUsername)?.disabled, 'false');
  assert.equal(onRouter.get(active.serviceUsername)?.profile, profile);
  assert.equal(onRouter.get(active.serviceUsername)?.password, decryptSecret(active.passwordEnc, testSecrets.encryptionKey));
  assert.equal(onRouter.get(expired.serviceUsername)?.disabled, 'true');
  assert.ok(sim.controls.state().menus['/ppp/profile']!.some((p) => p.name === profile));

  // In line: a second pass changes nothing.
  const quiet = await handle.executeUpdate(reconcileNowUpdate);
  assert.deepEqual({ c: quiet.created, e: quiet.enabled, d: quiet.disabled, p: quiet.profileFixed, x: quiet.extrasReported }, { c: 0, e: 0, d: 0, p: 0, x: 1 });

  // Behind the system's back.
  await behindTheBack.removePppoeSecret(target, active.serviceUsername);
  await behindTheBack.setPppoeSecretEnabled(target, expired.serviceUsername, true);
  const dial = sim.controls.dialPppoe({ name: expired.serviceUsername, password: decryptSecret(expired.passwordEnc, testSecrets.encryptionKey) });
  assert.equal(dial.ok, true, JSON.stringify(dial));
  assert.ok(!secrets().has(active.serviceUsername));

  const fixed = await handle.executeUpdate(reconcileNowUpdate);
  assert.equal(fixed.outcome, 'done');
  assert.deepEqual({ c: fixed.created, e: fixed.enabled, d: fixed.disabled, p: fixed.profileFixed, x: fixed.extrasReported }, { c: 1, e: 0, d: 1, p: 0, x: 1 });
  assert.deepEqual(fixed.extras, ['stranger']);

  onRouter = secrets();
  assert.equal(onRouter.get(active.serviceUsername)?.disabled, 'false');
  assert.equal(onRouter.get(active.serviceUsername)?.profile, profile);
  assert.equal(onRouter.get(expired.serviceUsername)?.disabled, 'true');
  assert.ok(onRouter.has('stranger'), 'an unknown secret is reported, never deleted');
  assert.ok(!sim.controls.state().menus['/ppp/active']!.some((s) => s.name === expired.serviceUsername), 'the expired customer is kicked off');

  const audits = await db.sql<{ secret: string; fix: string; before: Record<string, unknown> }[]>`
    select after->>'secret' as secret, after->>'fix' as fix, before from audit_log
    where tenant_id = ${tenantId} and action = 'router.drift_fixed' and entity_id = ${routerId} and actor_label = 'system'
      and after->>'secret' in (${active.serviceUsername}, ${expired.serviceUsername})
    order by id`;
  const last = audits.slice(-2);
  assert.deepEqual(last.map((a) => [a.secret, a.fix]).sort(), [[active.serviceUsername, 'created'], [expired.serviceUsername, 'disabled']].sort());
  assert.equal(last.find((a) => a.fix === 'disabled')!.before.disabled, false);

  const rows = await db.sql<{ created: number; disabled: number; extras: number }[]>`
    select created, disabled, extras_reported as extras from router_reconciliations where router_id = ${routerId} order by id desc limit 1`;
  assert.deepEqual({ ...rows[0] }, { created: 1, disabled: 1, extras: 1 });

});

test('hotspot subscriptions: a missing user is created with its package profile, a lapsed one disabled', { timeout: 60_000 }, async () => {
  const { temporal, tenantId, routerId, db, sim } = rig;
  const [pkg] = await db.sql<{ id: string }[]>`select id from packages where tenant_id = ${tenantId} and kind = 'hotspot' order by sort_order limit 1`;
  // A customer has at most one live subscription, so these go to customers without one.
  const customers = await db.sql<{ id: string }[]>`select id from customers c where tenant_id = ${tenantId}
    and not exists (select 1 from subscriptions s where s.tenant_id = c.tenant_id and s.customer_id = c.id and s.status <> 'cancelled') order by account_number limit 2`;
  assert.equal(customers.length, 2, 'the demo seed has customers without a live subscription');
  for (const [i, status] of (['active', 'expired'] as const).entries()) {
    await db.sql`insert into subscriptions (tenant_id, customer_id, package_id, router_id, service_username, service_password_enc, status)
      values (${tenantId}, ${customers[i]!.id}, ${pkg!.id}, ${routerId}, ${`hs-${status}`}, ${encryptSecret(`hs-pw-${i}`, testSecrets.encryptionKey)}, ${status})`;
  }
  // The lapsed user is still enabled on the router.
  await behindTheBack.upsertHotspotUser(target, { name: 'hs-expired', password: 'hs-pw-1', profile: 'default' });

  const handle = temporal.env.client.workflow.getHandle(routerReconcileId(tenantId, routerId));
  await handle.terminate('restart').catch(() => undefined);
  const fresh = await temporal.env.client.workflow.start(routerReconcile, {
    taskQueue: CORE_TASK_QUEUE,
    workflowId: routerReconcileId(tenantId, routerId),
    args: [{ tenantId, routerId, intervalSeconds: 3600 }],
  });
  await waitFor(async () => (await fresh.query(lastReconcileQuery)) !== null, 60_000, 'the first pass');
  const first = (await fresh.query(lastReconcileQuery))!;
  assert.deepEqual(first.errors, []);
  assert.deepEqual({ c: first.created, d: first.disabled }, { c: 1, d: 1 });

  const users = new Map(sim.controls.state().menus['/ip/hotspot/user']!.map((u) => [u.name, u]));
  assert.equal(users.get('hs-active')?.profile, `mtandao-${pkg!.id.slice(0, 8)}`);
  assert.equal(users.get('hs-active')?.disabled, 'false');
  assert.equal(users.get('hs-active')?.password, 'hs-pw-0');
  assert.equal(users.get('hs-expired')?.disabled, 'true');
  const again = await fresh.executeUpdate(reconcileNowUpdate);
  assert.deepEqual({ c: again.created, e: again.enabled, d: again.disabled, p: again.profileFixed }, { c: 0, e: 0, d: 0, p: 0 });
  await fresh.terminate('test done');
});

test('a lapsed subscriber still online behind an already-disabled secret is kicked, and the kick audited', { timeout: 60_000 }, async () => {
  const { temporal, tenantId, routerId, db, sim } = rig;
  // Active so far, so the first test's pass provisioned an enabled secret for it.
  const [lapsing] = await db.sql<Sub[]>`select service_username as "serviceUsername", service_password_enc as "passwordEnc", package_id as "packageId", status
    from subscriptions s where router_id = ${routerId} and status = 'active' and service_username <> ${active.serviceUsername}
      and exists (select 1 from packages p where p.id = s.package_id and p.kind = 'pppoe')
    order by service_username limit 1`;
  assert.ok(lapsing);
  const dial = sim.controls.dialPppoe({ name: lapsing.serviceUsername, password: decryptSecret(lapsing.passwordEnc, testSecrets.encryptionKey) });
  assert.equal(dial.ok, true, JSON.stringify(dial));
  // The secret is switched off when the subscription lapses, which leaves the live session up.
  await db.sql`update subscriptions set status = 'suspended' where service_username = ${lapsing.serviceUsername}`;
  await behindTheBack.setPppoeSecretEnabled(target, lapsing.serviceUsername, false);
  assert.ok(sim.controls.state().menus['/ppp/active']!.some((s) => s.name === lapsing.serviceUsername));

  const handle = await temporal.env.client.workflow.start(routerReconcile, {
    taskQueue: CORE_TASK_QUEUE,
    workflowId: `${routerReconcileId(tenantId, routerId)}-kick`,
    args: [{ tenantId, routerId, intervalSeconds: 3600 }],
  });
  await waitFor(async () => (await handle.query(lastReconcileQuery)) !== null, 60_000, 'the pass');
  const pass = (await handle.query(lastReconcileQuery))!;
  assert.deepEqual(pass.errors, []);
  assert.equal(pass.kicked, 1);
  assert.equal(pass.disabled, 0, 'the secret was already disabled');
  assert.ok(!sim.controls.state().menus['/ppp/active']!.some((s) => s.name === lapsing.serviceUsername), 'the lapsed subscriber is offline');
  assert.equal(secrets().get(lapsing.serviceUsername)?.disabled, 'true');

  const entries = await db.sql<{ fix: string; kicked: number; status: string }[]>`
    select after->>'fix' as fix, (after->>'kicked')::int as kicked, after->>'subscriptionStatus' as status from audit_log
    where tenant_id = ${tenantId} and action = 'router.drift_fixed' and entity_id = ${routerId} and after->>'secret' = ${lapsing.serviceUsername} and actor_label = 'system'
    order by id desc limit 1`;
  assert.deepEqual({ ...entries[0] }, { fix: 'kicked', kicked: 1, status: 'suspended' });
  const again = await handle.executeUpdate(reconcileNowUpdate);
  assert.equal(again.kicked, 0, 'nothing left to kick');
  await handle.terminate('test done');
});
