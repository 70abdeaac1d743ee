import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Worker } from '@temporalio/worker';
import { createRouterOsGateway } from '../../activities/mikrotik/routeros-gateway';
import { decryptSecret } from '../../db/encryption';
import { ensureRouterWorkflowsFor, routerMonitorId, routerReconcileId, routerUsageId } from '../../temporal/router-workflows';
import { CORE_TASK_QUEUE } from '../../temporal/task-queues';
import { WORKFLOWS_PATH } from '../../workers/core-worker';
import { lastUsageQuery, routerUsage, routerUsageWorkflowId, stopUsageSignal } from '../../workflows/router-usage';
import { startRouterRig, type RouterRig } from '../routers/support';
import { waitFor } from '../support/wait';
import { testSecrets } from '../support/web';

/** The routerUsage workflow on the dev server with the real worker: it samples, records and continues as new. */
let rig: RouterRig;
const gateway = createRouterOsGateway({ callTimeoutMs: 10_000 });

before(async () => {
  rig = await startRouterRig();
});

after(async () => {
  await gateway.close();
  await rig?.close();
});

test('every router gets a usage workflow next to its monitor and reconciler', { timeout: 120_000 }, async () => {
  const { temporal, tenantId, routerId } = rig;
  const client = temporal.env.client;
  await ensureRouterWorkflowsFor(client, { tenantId, routerId }, { monitorIntervalSeconds: 3600, reconcileIntervalSeconds: 3600, usageIntervalSeconds: 3600 });
  assert.equal(routerUsageId(tenantId, routerId), routerUsageWorkflowId(tenantId, routerId));
  for (const id of [routerMonitorId(tenantId, routerId), routerReconcileId(tenantId, routerId), routerUsageId(tenantId, routerId)]) {
    const described = await client.workflow.getHandle(id).describe();
    assert.equal(described.status.name, 'RUNNING', id);
  }
  // Idempotent: a second call (worker restart, new router page) finds them running.
  await ensureRouterWorkflowsFor(client, { tenantId, routerId });
  const usage = client.workflow.getHandle(routerUsageId(tenantId, routerId));
  await waitFor(async () => (await usage.query(lastUsageQuery)) !== null, 60_000, 'the first usage sample');
  await usage.signal(stopUsageSignal);
  assert.deepEqual(await usage.result(), { stopped: 'signal' });
  for (const id of [routerMonitorId(tenantId, routerId), routerReconcileId(tenantId, routerId)]) await client.workflow.getHandle(id).terminate('test done');
});

test('a dialled-in subscriber’s bytes reach the roll-ups through the workflow, across continue-as-new', { timeout: 180_000 }, async () => {
  const { temporal, tenantId, routerId, db, sim } = rig;
  const [sub] = await db.sql<{ name: string; passwordEnc: string }[]>`
    select s.service_username as name, s.service_password_enc as "passwordEnc" from subscriptions s join packages p on p.id = s.package_id
    where s.router_id = ${routerId} and s.status = 'active' and p.kind = 'pppoe' order by s.service_username limit 1`;
  const password = decryptSecret(sub!.passwordEnc, testSecrets.encryptionKey);
  await gateway.upsertPppoeSecret({ id: routerId, name: 'Kahawa Core', host: sim.host, port: sim.port, tls: false, username: 'admin', password: 'mtandao' }, { name: sub!.name, password, profile: 'default' });
  const dial = sim.controls.dialPppoe({ name: sub!.name, password, upBps: 1_000_000, downBps: 4_000_000 });
  assert.equal(dial.ok, true, JSON.stringify(dial));
  const [{ samples: already } = { samples: 0 }] = await db.sql<{ samples: number }[]>`select samples from usage_collections where router_id = ${routerId}`;

  const handle = await temporal.env.client.workflow.start(routerUsage, {
    taskQueue: CORE_TASK_QUEUE,
    workflowId: `${routerUsageWorkflowId(tenantId, routerId)}-short`,
    args: [{ tenantId, routerId, intervalSeconds: 1, samplesPerRun: 2 }],
  });
  const firstRun = handle.firstExecutionRunId;
  const collected = async () => (await db.sql<{ samples: number }[]>`select samples from usage_collections where router_id = ${routerId}`)[0]?.samples ?? 0;
  await waitFor(async () => (await collected()) >= already + 5, 90_000, 'five samples');
  const described = await handle.describe();
  assert.notEqual(described.runId, firstRun, 'the workflow continued as new');
  await handle.signal(stopUsageSignal);
  assert.deepEqual(await handle.result(), { stopped: 'signal' });
  // The run's own history replays against the code: the loop is deterministic (sample instants come from workflow time).
  await Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH }, await handle.fetchHistory(), handle.workflowId);

  const [row] = await db.sql<{ up: number; down: number; subscriptionId: string | null }[]>`
    select sum(upload_bytes)::bigint as up, sum(download_bytes)::bigint as down, max(subscription_id::text) as "subscriptionId"
    from usage_hourly where router_id = ${routerId} and username = ${sub!.name}`;
  const onRouter = sim.controls.state().sessions.ppp.find((p) => p.name === sub!.name)!;
  assert.ok(row!.up > 0 && row!.up <= onRouter.upBytes, `recorded ${row!.up} of ${onRouter.upBytes} uploaded`);
  assert.ok(row!.down > 0 && row!.down <= onRouter.downBytes);
  assert.ok(row!.subscriptionId, 'attributed to the subscription');
});
