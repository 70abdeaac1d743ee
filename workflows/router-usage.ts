import { condition, continueAsNew, defineQuery, defineSignal, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { UsageActivities, UsageCollection } from '../activities/mikrotik/usage';
import { RouterId, TenantId } from '../temporal/search-attributes';

export interface RouterUsageInput {
  tenantId: string;
  routerId: string;
  /** Seconds between samples (default 300). */
  intervalSeconds?: number;
  /** Samples per run before continue-as-new (default 96, eight hours at the default interval). */
  samplesPerRun?: number;
}

export const routerUsageWorkflowId = (tenantId: string, routerId: string) => `router-usage-${tenantId}-${routerId}`;

export const stopUsageSignal = defineSignal('stopUsage');
export const lastUsageQuery = defineQuery<UsageCollection | null>('lastUsage');

// An unreachable router is a result, not a failure; retries cover database trouble. A retried attempt
// carries the same sampleAt, which the activity records at most once.
const { collectUsage } = proxyActivities<UsageActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/**
 * Usage metering for one router, id `router-usage-<tenant>-<router>`: every interval the active sessions'
 * byte counters become hourly and daily usage. The sample instant is the workflow's clock, so buckets
 * follow workflow time (and skipped time in tests). Ends when the router is deleted or on `stopUsage`.
 */
export async function routerUsage(input: RouterUsageInput): Promise<{ stopped: 'signal' | 'gone' }> {
  const interval = Math.max(1, input.intervalSeconds ?? 300);
  const perRun = Math.max(1, input.samplesPerRun ?? 96);
  const ref = { tenantId: input.tenantId, routerId: input.routerId };
  let stop = false;
  let last: UsageCollection | null = null;
  setHandler(stopUsageSignal, () => {
    stop = true;
  });
  setHandler(lastUsageQuery, () => last);
  upsertSearchAttributes([
    { key: RouterId, value: input.routerId },
    { key: TenantId, value: input.tenantId },
  ]);

  for (let i = 0; i < perRun && !workflowInfo().continueAsNewSuggested; i++) {
    if (stop) return { stopped: 'signal' };
    try {
      last = await collectUsage({ ...ref, sampleAt: new Date().toISOString() });
    } catch {
      // Five failed attempts (the database is down): the counters keep growing, the next sample gets them.
    }
    if (last?.outcome === 'gone') return { stopped: 'gone' };
    if (await condition(() => stop, `${interval} seconds`)) return { stopped: 'signal' };
  }
  return continueAsNew<typeof routerUsage>(input);
}
