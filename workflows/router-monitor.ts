import { condition, continueAsNew, defineQuery, defineSignal, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { MonitorActivities, RouterSample } from '../activities/mikrotik/monitor';
import { RouterId, TenantId } from '../temporal/search-attributes';

export interface RouterMonitorInput {
  tenantId: string;
  routerId: string;
  /** Seconds between polls (default 60). */
  intervalSeconds?: number;
  /** Polls per run before continue-as-new (default 60). */
  iterationsPerRun?: number;
  /** Carried over by continue-as-new: the status the last poll saw. */
  lastStatus?: 'online' | 'offline';
}

export const routerMonitorWorkflowId = (tenantId: string, routerId: string) => `router-monitor-${tenantId}-${routerId}`;

export const stopMonitoringSignal = defineSignal('stopMonitoring');
export const lastRouterSampleQuery = defineQuery<RouterSample | null>('lastRouterSample');

// A sample never fails on an unreachable router (that is its result); only database trouble retries.
const { sampleRouterHealth, recordRouterStatusChange } = proxyActivities<MonitorActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/**
 * The per-router health loop, id `router-monitor-<tenant>-<router>`: one sample per interval, and on a
 * change online → offline (or back) routers.status plus an audit entry `router.offline` / `router.online`,
 * the in-app alert. Ends when the router is deleted or on `stopMonitoring`.
 */
export async function routerMonitor(input: RouterMonitorInput): Promise<{ stopped: 'signal' | 'gone' }> {
  const interval = Math.max(1, input.intervalSeconds ?? 60);
  const perRun = Math.max(1, input.iterationsPerRun ?? 60);
  const ref = { tenantId: input.tenantId, routerId: input.routerId };
  let stop = false;
  let last: RouterSample | null = null;
  let lastStatus = input.lastStatus;
  setHandler(stopMonitoringSignal, () => {
    stop = true;
  });
  setHandler(lastRouterSampleQuery, () => last);
  upsertSearchAttributes([
    { key: RouterId, value: input.routerId },
    { key: TenantId, value: input.tenantId },
  ]);

  for (let i = 0; i < perRun; i++) {
    if (stop) return { stopped: 'signal' };
    const sample = await sampleRouterHealth(ref);
    last = sample;
    if (sample.status === 'gone') return { stopped: 'gone' };
    if (sample.status === 'online' || sample.status === 'offline') {
      // After a restart with nothing carried, routers.status is the starting point; from unknown, only
      // going offline is news.
      const previous = lastStatus ?? (sample.previousStatus === 'online' || sample.previousStatus === 'offline' ? sample.previousStatus : undefined);
      const changed = previous ? previous !== sample.status : sample.status === 'offline';
      if (changed) {
        await recordRouterStatusChange({ ...ref, online: sample.status === 'online', at: sample.at, error: sample.error, previous: previous ?? null });
      }
      lastStatus = sample.status;
    }
    if (await condition(() => stop, `${interval} seconds`)) return { stopped: 'signal' };
  }
  return continueAsNew<typeof routerMonitor>({ ...input, ...(lastStatus ? { lastStatus } : {}) });
}
