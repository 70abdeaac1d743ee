import { fileURLToPath } from 'node:url';
import { type NativeConnection, Worker } from '@temporalio/worker';
import { createPlatformActivities } from '../activities/platform';
import type { Sql } from '../db/client';
import { CORE_TASK_QUEUE } from '../temporal/task-queues';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** The core worker: every workflow type plus the activities they call, on one task queue. */
export async function createCoreWorker(deps: { connection: NativeConnection; namespace: string; sql: Sql; identity?: string }): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: CORE_TASK_QUEUE,
    workflowsPath: WORKFLOWS_PATH,
    activities: { ...createPlatformActivities({ sql: deps.sql }) },
    ...(deps.identity ? { identity: deps.identity } : {}),
  });
}
