import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Worker } from '@temporalio/worker';
import { listMigrations } from '../../db/migrate';
import { platformChecks } from '../../db/queries/platform-checks';
import { searchAttributeKeys } from '../../temporal/search-attributes';
import { CORE_TASK_QUEUE } from '../../temporal/task-queues';
import { createCoreWorker } from '../../workers/core-worker';
import { platformCheck, platformCheckStageQuery } from '../../workflows/platform-check';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { waitFor } from '../support/wait';
import { devServerEnvironment, type DevServerTestEnvironment } from '../support/temporal';

let db: TestDatabase;
let temporal: DevServerTestEnvironment;
let worker: Worker;
let running: Promise<void>;

before(async () => {
  db = await createTestDatabase();
  temporal = await devServerEnvironment();
  worker = await createCoreWorker({ connection: temporal.env.nativeConnection, namespace: temporal.namespace, sql: db.sql });
  running = worker.run();
});

after(async () => {
  worker?.shutdown();
  await running;
  await temporal?.env.teardown();
  await db?.drop();
});

test('platform check runs its activities against Postgres and reports the schema version', async () => {
  const handle = await temporal.env.client.workflow.start(platformCheck, {
    taskQueue: CORE_TASK_QUEUE,
    workflowId: 'platform-check-dev-1',
    args: [{ requestedBy: 'test', holdFor: '2 seconds' }],
  });

  await waitFor(async () => (await handle.query(platformCheckStageQuery)) === 'waiting_on_timer');
  const midway = await platformChecks.get(db.sql, 'platform-check-dev-1');
  assert.ok(midway, 'the start was recorded before the timer');
  assert.equal(midway.completedAt, null);

  const report = await handle.result();
  assert.equal(report.checkId, 'platform-check-dev-1');
  assert.equal(report.schemaVersion, listMigrations().length, 'the check reports the database at the latest migration');
  assert.equal(await handle.query(platformCheckStageQuery), 'passed');

  const row = await platformChecks.get(db.sql, 'platform-check-dev-1');
  assert.ok(row?.completedAt && row.timerFiredAt);
  assert.ok(row.timerFiredAt.getTime() - row.startedAt.getTime() >= 2000, 'the timer held for its full duration');
});

test('a blank requester is refused without retries', async () => {
  const handle = await temporal.env.client.workflow.start(platformCheck, {
    taskQueue: CORE_TASK_QUEUE,
    workflowId: 'platform-check-dev-bad',
    args: [{ requestedBy: '  ', holdFor: '1 second' }],
  });
  await assert.rejects(handle.result(), (err: Error & { cause?: { cause?: { type?: string; message?: string } } }) => {
    assert.equal(err.cause?.cause?.type, 'InvalidInput');
    return true;
  });
  const history = await handle.fetchHistory();
  const attempts = history.events?.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes?.attempt);
  assert.deepEqual(attempts, [1]);
});

test('every Mtandao search attribute is registered, so operators can filter runs by them', async () => {
  const { customAttributes } = await temporal.env.connection.operatorService.listSearchAttributes({ namespace: temporal.namespace });
  for (const key of searchAttributeKeys) assert.ok(customAttributes?.[key.name] !== undefined, `${key.name} is registered`);
  const count = await temporal.env.client.workflow.count(`AccountNumber = 'MT00001' AND LifecycleStage = 'active'`);
  assert.equal(count.count, 0);
});
