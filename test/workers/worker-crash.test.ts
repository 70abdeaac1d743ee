import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { platformChecks } from '../../db/queries/platform-checks';
import { CORE_TASK_QUEUE } from '../../temporal/task-queues';
import { platformCheck } from '../../workflows/platform-check';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { spawnEntry, type Spawned } from '../support/processes';
import { devServerEnvironment, type DevServerTestEnvironment } from '../support/temporal';
import { waitFor } from '../support/wait';

let db: TestDatabase;
let temporal: DevServerTestEnvironment;
const workers: Spawned[] = [];

before(async () => {
  db = await createTestDatabase();
  temporal = await devServerEnvironment();
});

after(async () => {
  for (const w of workers) w.child.kill('SIGKILL');
  await temporal.env.teardown();
  await db.drop();
});

function startWorker(): Spawned {
  const worker = spawnEntry('workers/main.ts', {
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    LOG_LEVEL: 'info',
  });
  workers.push(worker);
  return worker;
}

test('a workflow waiting on a timer survives its worker being SIGKILLed and completes on a new worker', async () => {
  const first = startWorker();
  await first.waitForLine(/"msg":"worker polling"/);

  const handle = await temporal.env.client.workflow.start(platformCheck, {
    taskQueue: CORE_TASK_QUEUE,
    workflowId: 'platform-check-crash',
    args: [{ requestedBy: 'crash-test', holdFor: '4 seconds' }],
  });
  await waitFor(async () => (await platformChecks.get(db.sql, 'platform-check-crash')) !== undefined, 30_000, 'check started');

  first.child.kill('SIGKILL');
  assert.equal(await first.exited, null, 'the first worker died by signal, without a clean shutdown');

  const second = startWorker();
  await second.waitForLine(/"msg":"worker polling"/);
  const report = await handle.result();

  assert.notEqual(report.startedOn, report.completedOn, 'a different worker process finished the run');
  const row = await platformChecks.get(db.sql, 'platform-check-crash');
  assert.ok(row?.timerFiredAt && row.completedAt);
  assert.ok(row.timerFiredAt.getTime() - row.startedAt.getTime() >= 4000, 'the timer was not cut short by the crash');
});
