import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { Worker } from '@temporalio/worker';
import { closeGatewayWithWorker, createRouterActivities } from '../../activities/mikrotik/activities';
import { createRouterOsGateway } from '../../activities/mikrotik/routeros-gateway';
import { encryptSecret } from '../../db/encryption';
import { routers } from '../../db/queries/routers';
import { tenants } from '../../db/queries/tenants';
import { seedDemo } from '../../db/seed';
import { startRouterOsSimulator, type RouterOsSimulator } from '../../simulators/routeros/simulator';
import { createCoreWorker } from '../../workers/core-worker';
import { routerUpsertSecret } from '../fixtures/workflows/router-provisioning';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { devServerEnvironment, type DevServerTestEnvironment } from '../support/temporal';
import { waitFor } from '../support/wait';
import { testSecrets } from '../support/web';

/**
 * Router offline: provisioning issued while the router refuses connections keeps retrying on the dev
 * server and completes once the router accepts them again, leaving exactly one secret.
 */
const TASK_QUEUE = 'router-offline-test';
let db: TestDatabase;
let temporal: DevServerTestEnvironment;
let sim: RouterOsSimulator;
let worker: Worker;
let running: Promise<void>;
const gateway = createRouterOsGateway({ callTimeoutMs: 2000 });
let tenantId: string;
let routerId: string;

before(async () => {
  sim = await startRouterOsSimulator({ version: '7.18', controlPort: false });
  db = await createTestDatabase();
  await seedDemo(db.sql, { encryptionKey: testSecrets.encryptionKey });
  tenantId = (await tenants.bySlug(db.sql, 'demo'))!.id;
  routerId = (await routers.list(db.sql, tenantId))[0]!.id;
  await db.sql`update routers set host = ${sim.host}, api_port = ${sim.tlsPort!}, use_tls = true where id = ${routerId}`;
  temporal = await devServerEnvironment();
  worker = closeGatewayWithWorker(await Worker.create({
    connection: temporal.env.nativeConnection,
    namespace: temporal.namespace,
    taskQueue: TASK_QUEUE,
    workflowsPath: fileURLToPath(new URL('../fixtures/workflows/router-provisioning.ts', import.meta.url)),
    activities: createRouterActivities({ sql: db.sql, encryptionKey: testSecrets.encryptionKey, gateway }),
  }), gateway);
  running = worker.run();
});

after(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await gateway.close();
  await temporal?.env.teardown();
  await sim?.stop();
  await db?.drop();
});

test('a secret upserted while the router refuses connections is on the router once it is back, exactly once', { timeout: 90_000 }, async () => {
  await sim.controls.setFaults({ refuse: 'stop-listening' });
  const handle = await temporal.env.client.workflow.start(routerUpsertSecret, {
    taskQueue: TASK_QUEUE,
    workflowId: 'router-offline-1',
    args: [{ tenantId, routerId, name: 'wanjiku.kariuki', passwordEnc: encryptSecret('pw-1', testSecrets.encryptionKey), profile: 'default', comment: 'ACC-0001' }],
  });

  let lastFailure = '';
  await waitFor(
    async () => {
      const pending = (await handle.describe()).raw.pendingActivities?.[0];
      lastFailure = pending?.lastFailure?.message ?? '';
      return (pending?.attempt ?? 0) >= 3;
    },
    20_000,
    'three refused attempts',
  );
  assert.match(lastFailure, /refused the connection/);
  assert.equal(sim.controls.state().menus['/ppp/secret']!.length, 0);

  await sim.controls.clearFaults();
  const secret = await handle.result();
  assert.equal(secret.name, 'wanjiku.kariuki');
  const stored = sim.controls.state().menus['/ppp/secret']!.filter((s) => s.name === 'wanjiku.kariuki');
  assert.equal(stored.length, 1);
  assert.equal(stored[0]!.password, 'pw-1');
  assert.equal(stored[0]!.comment, 'ACC-0001');

  // Issued again (a retried workflow, a reconciliation): still one secret.
  const again = await temporal.env.client.workflow.execute(routerUpsertSecret, {
    taskQueue: TASK_QUEUE,
    workflowId: 'router-offline-2',
    args: [{ tenantId, routerId, name: 'wanjiku.kariuki', passwordEnc: encryptSecret('pw-1', testSecrets.encryptionKey), profile: 'default', comment: 'ACC-0001' }],
  });
  assert.equal(again.id, secret.id);
  assert.equal(sim.controls.state().menus['/ppp/secret']!.length, 1);
});

test('a wrong router password fails the workflow at once: non-retryable, one attempt', { timeout: 60_000 }, async () => {
  // Someone typed the wrong password on the router page: a fresh pool, whose login the router refuses.
  await db.sql`update routers set password_enc = ${encryptSecret('typo', testSecrets.encryptionKey)} where id = ${routerId}`;
  const handle = await temporal.env.client.workflow.start(routerUpsertSecret, {
    taskQueue: TASK_QUEUE,
    workflowId: 'router-auth-1',
    args: [{ tenantId, routerId, name: 'otieno', password: 'x', profile: 'default' }],
  });
  await assert.rejects(handle.result(), (error: Error & { cause?: { cause?: { type?: string; nonRetryable?: boolean; message?: string } } }) => {
    const failure = error.cause?.cause;
    assert.equal(failure?.type, 'RouterAuthFailed', String(failure?.message));
    assert.equal(failure?.nonRetryable, true);
    return true;
  });
  const history = await handle.fetchHistory();
  const attempts = history.events?.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt);
  assert.deepEqual(attempts, [1]);
});

test('the core worker registers every router activity', { timeout: 30_000 }, async () => {
  const core = await createCoreWorker({ connection: temporal.env.nativeConnection, namespace: temporal.namespace, sql: db.sql, encryptionKey: testSecrets.encryptionKey });
  const names = [...core.options.activities.keys()];
  // A created worker holds native resources until it has run: run it and stop it straight away.
  await core.runUntil(Promise.resolve());
  for (const name of ['ensurePppoeProfile', 'upsertPppoeSecret', 'setPppoeSecretEnabled', 'removePppoeSecret', 'kickPppoeSession', 'ensureHotspotProfile', 'upsertHotspotUser', 'removeHotspotUser', 'loginHotspotDevice', 'readActiveSessions', 'readRouterHealth']) {
    assert.ok(names.includes(name), `${name} is registered`);
  }
});

test('stopping the worker closes its pooled router connections', async () => {
  assert.ok(sim.controls.state().connections > 0, 'the earlier upserts left pooled connections open');
  worker.shutdown();
  await running;
  await waitFor(() => sim.controls.state().connections === 0, 30_000, 'router connections closed');
});
