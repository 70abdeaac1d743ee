import { userInfo } from 'node:os';
import { envSchema, loadConfig } from '../config/env';
import { createTemporalClient } from '../temporal/client';
import { CORE_TASK_QUEUE } from '../temporal/task-queues';
import { platformCheck } from '../workflows/platform-check';

// `npm run check:platform [-- --hold 10s]`: after a deploy, prove worker → database → durable timer end to end.
const config = loadConfig(
  envSchema.pick({ TEMPORAL_ADDRESS: true, TEMPORAL_NAMESPACE: true, TEMPORAL_PORT: true }),
);
const holdIndex = process.argv.indexOf('--hold');
const holdFor = holdIndex > 0 ? (process.argv[holdIndex + 1] ?? '5s') : '5s';
const client = createTemporalClient(config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_PORT}`, config.TEMPORAL_NAMESPACE);
const workflowId = `platform-check-${new Date().toISOString()}`;
const started = Date.now();
try {
  const report = await client.workflow.execute(platformCheck, {
    taskQueue: CORE_TASK_QUEUE,
    workflowId,
    args: [{ requestedBy: userInfo().username, holdFor: holdFor as '5s' }],
    workflowExecutionTimeout: '5 minutes',
  });
  console.log(`platform check passed in ${Date.now() - started} ms: schema ${report.schemaVersion}, started on ${report.startedOn}, completed on ${report.completedOn}`);
} catch (err) {
  console.error(`platform check ${workflowId} failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  await client.connection.close();
}
