import type { Client } from '@temporalio/client';
import type { Sql } from '../db/client';
import { routerHealth } from '../db/queries/router-health';
import type { routerMonitor } from '../workflows/router-monitor';
import type { routerReconcile } from '../workflows/router-reconcile';
import type { routerUsage } from '../workflows/router-usage';
import { RouterId, TenantId } from './search-attributes';
import { CORE_TASK_QUEUE } from './task-queues';

// Ids kept here as well as in the workflow modules, so client code never loads workflow code.
export const routerMonitorId = (tenantId: string, routerId: string) => `router-monitor-${tenantId}-${routerId}`;
export const routerReconcileId = (tenantId: string, routerId: string) => `router-reconcile-${tenantId}-${routerId}`;
export const routerUsageId = (tenantId: string, routerId: string) => `router-usage-${tenantId}-${routerId}`;

export interface RouterWorkflowOptions {
  taskQueue?: string;
  monitorIntervalSeconds?: number;
  reconcileIntervalSeconds?: number;
  usageIntervalSeconds?: number;
}

/** Starts (or finds running) the monitor, reconcile and usage workflows of one router. Idempotent. */
export async function ensureRouterWorkflowsFor(client: Client, ref: { tenantId: string; routerId: string }, opts: RouterWorkflowOptions = {}): Promise<void> {
  const taskQueue = opts.taskQueue ?? CORE_TASK_QUEUE;
  const typedSearchAttributes = [
    { key: RouterId, value: ref.routerId },
    { key: TenantId, value: ref.tenantId },
  ];
  await client.workflow.start<typeof routerMonitor>('routerMonitor', {
    taskQueue,
    workflowId: routerMonitorId(ref.tenantId, ref.routerId),
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes,
    args: [{ ...ref, ...(opts.monitorIntervalSeconds ? { intervalSeconds: opts.monitorIntervalSeconds } : {}) }],
  });
  await client.workflow.start<typeof routerReconcile>('routerReconcile', {
    taskQueue,
    workflowId: routerReconcileId(ref.tenantId, ref.routerId),
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes,
    args: [{ ...ref, ...(opts.reconcileIntervalSeconds ? { intervalSeconds: opts.reconcileIntervalSeconds } : {}) }],
  });
  await client.workflow.start<typeof routerUsage>('routerUsage', {
    taskQueue,
    workflowId: routerUsageId(ref.tenantId, ref.routerId),
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes,
    args: [{ ...ref, ...(opts.usageIntervalSeconds ? { intervalSeconds: opts.usageIntervalSeconds } : {}) }],
  });
}

/**
 * Best effort at worker start: every router in the database gets its monitor, reconcile and usage workflows
 * (USE_EXISTING, so a restart never duplicates them). A failure for one router is reported, never thrown.
 */
export async function ensureRouterWorkflows(client: Client, sql: Sql, opts: RouterWorkflowOptions = {}): Promise<{ started: number; failed: { routerId: string; error: string }[] }> {
  const failed: { routerId: string; error: string }[] = [];
  let started = 0;
  let all: { tenantId: string; routerId: string }[];
  try {
    all = await routerHealth.allRouters(sql);
  } catch (error) {
    return { started, failed: [{ routerId: '*', error: error instanceof Error ? error.message : String(error) }] };
  }
  for (const ref of all) {
    try {
      await ensureRouterWorkflowsFor(client, ref, opts);
      started++;
    } catch (error) {
      failed.push({ routerId: ref.routerId, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { started, failed };
}
