import { hostname } from 'node:os';
import { ApplicationFailure } from '@temporalio/activity';
import type { Sql } from '../db/client';
import { platformChecks } from '../db/queries/platform-checks';

/** Activities behind `platformCheck`. Each is an idempotent upsert keyed by the workflow id. */
export function createPlatformActivities({ sql, workerId = `${hostname()}:${process.pid}` }: { sql: Sql; workerId?: string }) {
  return {
    async recordCheckStarted(input: { checkId: string; requestedBy: string }) {
      if (!input.requestedBy.trim()) throw ApplicationFailure.nonRetryable('requestedBy must name who asked for the check', 'InvalidInput');
      return platformChecks.start(sql, { ...input, worker: workerId });
    },
    async recordTimerFired(checkId: string): Promise<string> {
      return (await platformChecks.markTimerFired(sql, checkId)).toISOString();
    },
    async recordCheckCompleted(checkId: string) {
      return platformChecks.complete(sql, checkId, workerId);
    },
  };
}

export type PlatformActivities = ReturnType<typeof createPlatformActivities>;
