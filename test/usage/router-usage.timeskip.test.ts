import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createRouterOsGateway } from '../../activities/mikrotik/routeros-gateway';
import { decryptSecret } from '../../db/encryption';
import { routers } from '../../db/queries/routers';
import { tenants } from '../../db/queries/tenants';
import { seedDemo } from '../../db/seed';
import { startRouterOsSimulator, type RouterOsSimulator } from '../../simulators/routeros/simulator';
import { CORE_TASK_QUEUE } from '../../temporal/task-queues';
import { createCoreWorker } from '../../workers/core-worker';
import { routerUsage, routerUsageWorkflowId, stopUsageSignal } from '../../workflows/router-usage';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { timeSkippingEnvironment } from '../support/temporal';
import { testSecrets } from '../support/web';

/**
 * Two hours of five-minute samples in seconds of real time: the buckets follow the workflow's clock (the
 * sample instant it passes), not the wall clock of the worker that ran the activity.
 */
let env: TestWorkflowEnvironment;
let db: TestDatabase;
let sim: RouterOsSimulator;
const gateway = createRouterOsGateway({ callTimeoutMs: 10_000 });

before(async () => {
  sim = await startRouterOsSimulator({ version: '7.18', tlsPort: false, controlPort: false });
  db = await createTestDatabase();
  await seedDemo(db.sql, { encryptionKey: testSecrets.encryptionKey });
  env = await timeSkippingEnvironment();
});

after(async () => {
  await gateway.close();
  await env?.teardown();
  await sim?.stop();
  await db?.drop();
});

test('samples land in the hours of workflow time, across continue-as-new', { timeout: 180_000 }, async () => {
  const tenantId = (await tenants.bySlug(db.sql, 'demo'))!.id;
  const routerId = (await routers.list(db.sql, tenantId))[0]!.id;
  await db.sql`update routers set host = ${sim.host}, api_port = ${sim.port}, use_tls = false where id = ${routerId}`;
  const [sub] = await db.sql<{ name: string; passwordEnc: string }[]>`
    select s.service_username as name, s.service_password_enc as "passwordEnc" from subscriptions s join packages p on p.id = s.package_id
    where s.router_id = ${routerId} and s.status = 'active' and p.kind = 'pppoe' order by s.service_username limit 1`;
  const password = decryptSecret(sub!.passwordEnc, testSecrets.encryptionKey);
  await gateway.upsertPppoeSecret({ id: routerId, name: 'Kahawa Core', host: sim.host, port: sim.port, tls: false, username: 'admin', password: 'mtandao' }, { name: sub!.name, password, profile: 'default' });
  // Fast enough that every real millisecond between samples moves bytes.
  assert.equal(sim.controls.dialPppoe({ name: sub!.name, password, upBps: 40_000_000, downBps: 80_000_000 }).ok, true);

  const worker = await createCoreWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', sql: db.sql, encryptionKey: testSecrets.encryptionKey });
  const wallStart = Date.now();
  const serverStart = await env.currentTimeMs();
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(routerUsage, {
      taskQueue: CORE_TASK_QUEUE,
      workflowId: routerUsageWorkflowId(tenantId, routerId),
      args: [{ tenantId, routerId, intervalSeconds: 300, samplesPerRun: 10 }],
    });
    await env.sleep('2 hours');
    await handle.signal(stopUsageSignal);
    assert.deepEqual(await handle.result(), { stopped: 'signal' });
    assert.notEqual((await handle.describe()).runId, handle.firstExecutionRunId, 'ten samples per run: it continued as new');
  });
  const serverEnd = await env.currentTimeMs();

  const [collection] = await db.sql<{ samples: number; last: Date }[]>`select samples, last_sample_at as last from usage_collections where router_id = ${routerId}`;
  assert.ok(collection!.samples >= 24, `${collection!.samples} samples in two workflow hours`);
  assert.ok(collection!.last.getTime() >= serverStart + 115 * 60_000 && collection!.last.getTime() <= serverEnd, 'the last sample carries workflow time');
  assert.ok(Date.now() - wallStart < 120_000, 'two hours of samples in well under two minutes of real time');

  const hours = await db.sql<{ hour: Date; up: number }[]>`select hour, upload_bytes as up from usage_hourly where router_id = ${routerId} and username = ${sub!.name} order by hour`;
  assert.ok(hours.length >= 2, `buckets ${hours.map((h) => h.hour.toISOString()).join(', ')}`);
  for (const h of hours) assert.ok(h.hour.getTime() >= Math.floor(serverStart / 3_600_000) * 3_600_000 && h.hour.getTime() <= serverEnd, `${h.hour.toISOString()} is a workflow-time hour`);
  const [daily] = await db.sql<{ up: number }[]>`select sum(upload_bytes)::bigint as up from usage_daily where router_id = ${routerId} and username = ${sub!.name}`;
  assert.equal(daily!.up, hours.reduce((n, h) => n + h.up, 0), 'daily and hourly roll-ups agree');
  const onRouter = sim.controls.state().sessions.ppp.find((p) => p.name === sub!.name)!;
  assert.ok(daily!.up > 0 && daily!.up <= onRouter.upBytes, `recorded ${daily!.up} of ${onRouter.upBytes}`);
});
