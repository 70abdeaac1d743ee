import type { TemporalClient } from '../../temporal/client';
import type { Sql } from '../../db/client';
import { CORE_TASK_QUEUE } from '../../temporal/task-queues';

export interface Check {
  ok: boolean;
  ms: number;
  detail?: string;
}

export interface Readiness {
  ready: boolean;
  checks: { database: Check; temporal: Check; worker: Check };
}

const CHECK_TIMEOUT_MS = 2000;
// A live worker re-polls at least once a minute (long polls last up to 60 s); older pollers are gone.
const POLLER_FRESH_MS = 90_000;
const TASK_QUEUE_TYPE_WORKFLOW = 1;

/** What /readyz reports: the database answers, Temporal answers, and a worker polls our task queue. */
export async function checkReadiness(deps: { sql: Sql; temporal: TemporalClient }): Promise<Readiness> {
  const [database, temporal, worker] = await Promise.all([
    timed(async () => {
      await deps.sql`select 1`;
    }),
    timed(async () => {
      const { connection } = deps.temporal;
      const { status } = await connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () => connection.healthService.check({}));
      if (status !== 1) throw new Error(`health status ${status}`);
    }),
    timed(async () => {
      const { connection, options } = deps.temporal;
      const { pollers } = await connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
        connection.workflowService.describeTaskQueue({
          namespace: options.namespace,
          taskQueue: { name: CORE_TASK_QUEUE },
          taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
        }),
      );
      const fresh = (pollers ?? []).filter((p) => {
        const seconds = Number(p.lastAccessTime?.seconds ?? 0);
        return Date.now() - seconds * 1000 < POLLER_FRESH_MS;
      });
      if (fresh.length === 0) throw new Error(`no worker is polling task queue ${CORE_TASK_QUEUE}`);
      return `${fresh.length} poller(s) on ${CORE_TASK_QUEUE}`;
    }),
  ]);
  return { ready: database.ok && temporal.ok && worker.ok, checks: { database, temporal, worker } };
}

async function timed(fn: () => Promise<string | void>): Promise<Check> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const detail = await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { ok: true, ms: Math.round(performance.now() - started), ...(detail ? { detail } : {}) };
  } catch (err) {
    return { ok: false, ms: Math.round(performance.now() - started), detail: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}
