import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { platformChecks } from '../../db/queries/platform-checks';
import { CORE_TASK_QUEUE } from '../../temporal/task-queues';
import { createCoreWorker } from '../../workers/core-worker';
import { platformCheck } from '../../workflows/platform-check';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { timeSkippingEnvironment } from '../support/temporal';

let db: TestDatabase;
let env: TestWorkflowEnvironment;

before(async () => {
  db = await createTestDatabase();
  env = await timeSkippingEnvironment();
});

after(async () => {
  await env?.teardown();
  await db?.drop();
});

test('a 30-day durable timer completes in seconds on the time-skipping server', async () => {
  const worker = await createCoreWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', sql: db.sql });
  const wallStart = Date.now();
  const serverStart = await env.currentTimeMs();

  const report = await worker.runUntil(
    env.client.workflow.execute(platformCheck, {
      taskQueue: CORE_TASK_QUEUE,
      workflowId: `platform-check-30d-${wallStart}`,
      args: [{ requestedBy: 'test', holdFor: '30 days' }],
    }),
  );

  const skippedMs = (await env.currentTimeMs()) - serverStart;
  assert.ok(skippedMs >= 30 * 86_400_000, `server time moved ${skippedMs} ms`);
  assert.ok(Date.now() - wallStart < 30_000, 'finished in well under a minute of real time');
  const row = await platformChecks.get(db.sql, report.checkId);
  assert.ok(row?.completedAt, 'completion recorded after the timer');
});
