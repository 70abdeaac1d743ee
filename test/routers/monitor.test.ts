import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CORE_TASK_QUEUE } from '../../temporal/task-queues';
import { ensureRouterWorkflows, routerMonitorId, routerReconcileId } from '../../temporal/router-workflows';
import { lastRouterSampleQuery, routerMonitor, stopMonitoringSignal } from '../../workflows/router-monitor';
import { waitFor } from '../support/wait';
import { startRouterRig, type RouterRig } from './support';

/** Monitoring: a 1 s health loop on the real core worker sees the router go offline and come back. */
let rig: RouterRig;

before(async () => {
  rig = await startRouterRig();
});

after(async () => {
  await rig?.close();
});

async function status(): Promise<string> {
  const [row] = await rig.db.sql<{ status: string }[]>`select status from routers where id = ${rig.routerId}`;
  return row!.status;
}

async function alerts(): Promise<string[]> {
  const rows = await rig.db.sql<{ action: string }[]>`select action from audit_log where entity_id = ${rig.routerId} and action in ('router.offline', 'router.online') and actor_label = 'system' order by id`;
  return rows.map((r) => r.action);
}

test('a refusing router is sampled offline with an alert, and online again once it answers', { timeout: 120_000 }, async () => {
  const { temporal, tenantId, routerId, sim, db } = rig;
  const handle = await temporal.env.client.workflow.start(routerMonitor, {
    taskQueue: CORE_TASK_QUEUE,
    workflowId: routerMonitorId(tenantId, routerId),
    args: [{ tenantId, routerId, intervalSeconds: 1, iterationsPerRun: 4 }],
  });
  await waitFor(async () => (await status()) === 'online', 30_000, 'router online');
  // The activity writes the database before the workflow has recorded its result: wait for both.
  await waitFor(async () => (await handle.query(lastRouterSampleQuery))?.status === 'online', 30_000, 'sample recorded');
  const sample = (await handle.query(lastRouterSampleQuery))!;
  assert.equal(sample.status, 'online');
  assert.ok(sample.memoryTotalBytes && sample.memoryTotalBytes > 0);
  assert.equal(typeof sample.uptimeSeconds, 'number');
  assert.deepEqual(await alerts(), [], 'unknown → online is no news');

  // The router goes down: open sessions die (!fatal), new connections are refused.
  await sim.controls.setFaults({ refuse: 'stop-listening', fatal: 'router rebooting' });
  await waitFor(async () => (await status()) === 'offline', 30_000, 'router offline');
  await waitFor(async () => (await alerts()).length === 1, 30_000, 'offline alert');
  assert.deepEqual(await alerts(), ['router.offline']);
  await waitFor(async () => (await handle.query(lastRouterSampleQuery))?.status === 'offline', 30_000, 'offline sample recorded');
  const offline = (await handle.query(lastRouterSampleQuery))!;
  assert.equal(offline.status, 'offline');
  assert.ok(offline.error, 'the sample says why');
  const [stored] = await db.sql<{ n: number }[]>`select count(*)::int as n from router_health_samples where router_id = ${routerId} and not online and error is not null`;
  assert.ok(stored!.n >= 1);

  await sim.controls.clearFaults();
  await waitFor(async () => (await status()) === 'online', 30_000, 'router back online');
  await waitFor(async () => (await alerts()).length === 2, 30_000, 'online alert');
  assert.deepEqual(await alerts(), ['router.offline', 'router.online']);
  const [seen] = await db.sql<{ lastSeen: Date | null }[]>`select last_seen_at as "lastSeen" from routers where id = ${routerId}`;
  const lastSeen = seen?.lastSeen;
  assert.ok(lastSeen && Date.now() - lastSeen.getTime() < 30_000);

  // Continue-as-new every 4 polls carries the status: no repeated alerts.
  await waitFor(async () => {
    const runs = await db.sql<{ n: number }[]>`select count(*)::int as n from router_health_samples where router_id = ${routerId}`;
    return runs[0]!.n >= 12;
  }, 40_000, 'a dozen samples (past a continue-as-new)');
  assert.deepEqual(await alerts(), ['router.offline', 'router.online']);

  await temporal.env.client.workflow.getHandle(routerMonitorId(tenantId, routerId)).signal(stopMonitoringSignal);
  assert.deepEqual(await temporal.env.client.workflow.getHandle(routerMonitorId(tenantId, routerId)).result(), { stopped: 'signal' });
});

test('ensureRouterWorkflows starts both workflows for every router, once', { timeout: 60_000 }, async () => {
  const { temporal, db, tenantId, routerId } = rig;
  const first = await ensureRouterWorkflows(temporal.env.client, db.sql);
  const count = (await db.sql<{ n: number }[]>`select count(*)::int as n from routers`)[0]!.n;
  assert.deepEqual(first, { started: count, failed: [] });
  const again = await ensureRouterWorkflows(temporal.env.client, db.sql);
  assert.deepEqual(again, { started: count, failed: [] });
  const monitor = await temporal.env.client.workflow.getHandle(routerMonitorId(tenantId, routerId)).describe();
  const reconcile = await temporal.env.client.workflow.getHandle(routerReconcileId(tenantId, routerId)).describe();
  assert.equal(monitor.status.name, 'RUNNING');
  assert.equal(reconcile.status.name, 'RUNNING');
  const listed = [];
  for await (const wf of temporal.env.client.workflow.list({ query: `RouterId = "${routerId}" AND ExecutionStatus = "Running"` })) listed.push(wf.type);
  // Visibility is eventually consistent: wait for it rather than assume it.
  if (listed.length < 2) {
    await waitFor(async () => (await temporal.env.client.workflow.count(`RouterId = "${routerId}" AND ExecutionStatus = "Running"`)).count >= 2, 15_000, 'listed by RouterId');
  }
  for (const id of [routerMonitorId, routerReconcileId]) {
    for (const r of (await db.sql<{ id: string; tenant: string }[]>`select id, tenant_id as tenant from routers`)) {
      await temporal.env.client.workflow.getHandle(id(r.tenant, r.id)).terminate('test done');
    }
  }
});
