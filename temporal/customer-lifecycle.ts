import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Sql } from '../db/client';
import { lifecycleWorkflowId, paymentReceivedSignal, type LifecycleInput, type PaymentNotice } from '../workflows/customer-lifecycle/messages';
import { CORE_TASK_QUEUE } from './task-queues';

export interface LifecycleStart {
  tenantId: string;
  tenantSlug: string;
  customerId: string;
  accountNumber: string;
  phone: string;
  start: LifecycleInput['start'];
}

/**
 * Starts a customer's lifecycle workflow (or finds the one running) and records its id on the customer,
 * which is how payments and the back office find it later.
 */
export async function startCustomerLifecycle(client: Client, sql: Sql, s: LifecycleStart): Promise<string> {
  const workflowId = lifecycleWorkflowId(s.tenantSlug, s.accountNumber);
  const input: LifecycleInput = { tenantId: s.tenantId, customerId: s.customerId, accountNumber: s.accountNumber, phone: s.phone, start: s.start };
  await client.workflow.start('customerLifecycle', {
    taskQueue: CORE_TASK_QUEUE,
    workflowId,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  // Recorded once the run exists, so a customer never points at a workflow that failed to start.
  await sql`update customers set workflow_id = ${workflowId} where tenant_id = ${s.tenantId} and id = ${s.customerId} and workflow_id is distinct from ${workflowId}`;
  return workflowId;
}

/**
 * Tells a customer's lifecycle that a payment (already recorded and credited) arrived. A customer without
 * a running lifecycle keeps the credit: their next lifecycle run reads the balance from the ledger.
 */
export async function signalCustomerPayment(client: Client, sql: Sql, p: { tenantId: string; customerId: string; notice: PaymentNotice }): Promise<'signalled' | 'no_workflow'> {
  const [row] = await sql<{ workflowId: string | null }[]>`
    select workflow_id as "workflowId" from customers where tenant_id = ${p.tenantId} and id = ${p.customerId}`;
  if (!row?.workflowId) return 'no_workflow';
  try {
    await client.workflow.getHandle(row.workflowId).signal(paymentReceivedSignal, p.notice);
    return 'signalled';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'no_workflow';
    throw err;
  }
}
