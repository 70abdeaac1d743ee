import { allHandlersFinished, condition, continueAsNew, defineQuery, defineSignal, defineUpdate, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { ReconcileActivities, ReconcileResult } from '../activities/mikrotik/reconcile';
import { RouterId, TenantId } from '../temporal/search-attributes';

export interface RouterReconcileInput {
  tenantId: string;
  routerId: string;
  /** Seconds between passes (default 300). */
  intervalSeconds?: number;
  /** Passes per run before continue-as-new (default 50). */
  passesPerRun?: number;
}

export const routerReconcileWorkflowId = (tenantId: string, routerId: string) => `router-reconcile-${tenantId}-${routerId}`;

/** Runs a pass now (waiting for one in progress first) and answers its counts. */
export const reconcileNowUpdate = defineUpdate<ReconcileResult>('reconcileNow');
export const stopReconcilingSignal = defineSignal('stopReconciling');
export const lastReconcileQuery = defineQuery<ReconcileResult | null>('lastReconcile');

// Unreachable routers are a result of the pass, not a failure; database trouble retries.
const { reconcileRouter } = proxyActivities<ReconcileActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/**
 * Drift reconciliation for one router, id `router-reconcile-<tenant>-<router>`: a pass every interval
 * (and on `reconcileNow`), continue-as-new every `passesPerRun` passes. Ends when the router is deleted
 * or on `stopReconciling`.
 */
export async function routerReconcile(input: RouterReconcileInput): Promise<{ stopped: 'signal' | 'gone' }> {
  const interval = Math.max(1, input.intervalSeconds ?? 300);
  const perRun = Math.max(1, input.passesPerRun ?? 50);
  const ref = { tenantId: input.tenantId, routerId: input.routerId };
  let stop = false;
  let last: ReconcileResult | null = null;
  let running: Promise<ReconcileResult> | null = null;
  let passes = 0;

  // One pass at a time: the update and the timer share it.
  async function pass(): Promise<ReconcileResult> {
    while (running) await running.catch(() => undefined);
    const current = reconcileRouter(ref);
    running = current;
    try {
      last = await current;
      passes++;
      return last;
    } finally {
      running = null;
    }
  }

  setHandler(reconcileNowUpdate, () => pass());
  setHandler(stopReconcilingSignal, () => {
    stop = true;
  });
  setHandler(lastReconcileQuery, () => last);
  upsertSearchAttributes([
    { key: RouterId, value: input.routerId },
    { key: TenantId, value: input.tenantId },
  ]);

  while (passes < perRun) {
    if (stop) break;
    let result: ReconcileResult;
    try {
      result = await pass();
    } catch {
      // Five failed attempts (the database is down): try again next interval.
      result = last ?? ({ outcome: 'unreachable' } as ReconcileResult);
      passes++;
    }
    if (result.outcome === 'gone') {
      await condition(allHandlersFinished);
      return { stopped: 'gone' };
    }
    await condition(() => stop, `${interval} seconds`);
  }
  await condition(() => running === null);
  await condition(allHandlersFinished);
  if (stop) return { stopped: 'signal' };
  return continueAsNew<typeof routerReconcile>(input);
}
