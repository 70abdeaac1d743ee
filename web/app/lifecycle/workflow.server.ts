import type { AppLoadContext } from '@remix-run/node';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateStage } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { startCustomerLifecycle, type LifecycleStart } from '../../../temporal/customer-lifecycle';
import { lifecycleStateQuery, lifecycleWorkflowId, type ActionResult, type LifecycleActor, type LifecycleView } from '../../../workflows/customer-lifecycle/messages';
import type { StaffContext } from '../auth/guard.server';

// Without a deadline the client keeps redialling an unreachable server for about 20 s; staff should not wait that long.
const START_DEADLINE_MS = 3_000;
const QUERY_DEADLINE_MS = 3_000;
const ACCEPT_DEADLINE_MS = 10_000;
// Router steps inside an update retry while the router is down: past this the page answers "still working".
const RESULT_WAIT_MS = 30_000;

export function staffActor(me: Pick<StaffContext, 'staff'>): LifecycleActor {
  return { kind: 'staff', staffId: me.staff.id, role: me.staff.role, name: me.staff.name };
}

/**
 * Starts (or finds) the customer's lifecycle. On failure the customer keeps `workflow_id` null, which is
 * what the "Start lifecycle" buttons look for; starting again later is safe (USE_EXISTING).
 */
export async function startLifecycle(context: AppLoadContext, s: LifecycleStart): Promise<{ ok: true; workflowId: string } | { ok: false; error: string }> {
  try {
    const workflowId = await context.temporal.withDeadline(Date.now() + START_DEADLINE_MS, () => startCustomerLifecycle(context.temporal, context.sql, s));
    return { ok: true, workflowId };
  } catch (err) {
    context.log.warn({ err, customerId: s.customerId }, 'customer saved but its lifecycle workflow could not be started');
    const workflowId = lifecycleWorkflowId(s.tenantSlug, s.accountNumber);
    await context.sql`update customers set workflow_id = null where tenant_id = ${s.tenantId} and id = ${s.customerId} and workflow_id = ${workflowId}`.catch(() => undefined);
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

export type LiveView = { state: 'live'; view: LifecycleView } | { state: 'not_found' } | { state: 'unreachable'; error: string };

/** The workflow's own state; the page falls back to the database projection when Temporal does not answer. */
export async function liveLifecycle(context: AppLoadContext, workflowId: string): Promise<LiveView> {
  try {
    const view = await context.temporal.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => context.temporal.workflow.getHandle(workflowId).query(lifecycleStateQuery));
    return { state: 'live', view };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { state: 'not_found' };
    return { state: 'unreachable', error: err instanceof Error ? err.message : String(err) };
  }
}

export interface UpdateOutcome extends ActionResult {
  /** The HTTP status the page answers with: refusals are 4xx, an unreachable Temporal is 503. */
  status: number;
}

/**
 * Sends a lifecycle update and waits for its answer. A validator refusal (wrong role, wrong stage, no
 * reason) and an `ok: false` result both come back as a 4xx with the workflow's own message.
 */
export async function sendLifecycleUpdate<A>(context: AppLoadContext, workflowId: string, update: UpdateDefinition<ActionResult, [A]>, arg: A): Promise<UpdateOutcome> {
  const { temporal } = context;
  try {
    const handle = temporal.workflow.getHandle(workflowId);
    const pending = await temporal.withDeadline(Date.now() + ACCEPT_DEADLINE_MS, () => handle.startUpdate(update, { args: [arg], waitForStage: WorkflowUpdateStage.ACCEPTED }));
    const result = pending.result();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), RESULT_WAIT_MS)));
    const answer = await Promise.race([result, late]).finally(() => clearTimeout(timer));
    if (answer === 'late') {
      result.catch(() => undefined);
      return { status: 202, ok: true, message: 'Accepted: the workflow is still working on it. Its outcome will appear on the timeline.' };
    }
    return { status: answer.ok ? 200 : 422, ...answer };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return { status: 409, ok: false, message: err.cause?.message ?? err.message };
    if (err instanceof WorkflowNotFoundError) return { status: 409, ok: false, message: 'This customer has no running lifecycle workflow. Start it from the customer page first.' };
    context.log.warn({ err, workflowId, update: update.name }, 'lifecycle update could not be sent');
    // gRPC UNAVAILABLE: the request never reached Temporal. Anything else (a deadline: no worker took it) may still land.
    if ((err as { cause?: { code?: number } }).cause?.code === 14) {
      return { status: 503, ok: false, message: 'The workflow service cannot be reached just now, so nothing was changed. Try again in a minute.' };
    }
    return { status: 504, ok: false, message: 'The workflow did not answer in time (the workflow service or its worker may be down). Check the timeline in a minute before trying again: the change may still be applied.' };
  }
}
