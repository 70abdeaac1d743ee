import { randomUUID } from 'node:crypto';
import type { AppLoadContext } from '@remix-run/node';
import { portal } from '../../../db/queries/portal';
import { CORE_TASK_QUEUE } from '../../../temporal/task-queues';
import type { MpesaPaymentInput, MpesaPaymentStatus, mpesaPayment } from '../../../workflows/mpesa-payment';
import { PAYMENT_STATUS_QUERY } from '../hotspot/portal.server';
import type { CustomerContext } from './session.server';

/** STK pushes a customer may start in the window: enough to retry a cancelled PIN, not to spam a phone. */
export const PAY_LIMITS = { windowMinutes: 10, perCustomer: 5 };

export type PayStart = { ok: true; id: string } | { ok: false; status: number; reason: 'limited' | 'unavailable' };

/**
 * Starts one `mpesaPayment` for the signed-in customer, owned by their lifecycle workflow (it is signalled
 * once the money is recorded, exactly as a paybill payment would be).
 */
export async function startPortalPayment(context: AppLoadContext, me: CustomerContext, p: { phone: string; amountCents: number; purpose: 'invoice' | 'wallet_topup' }): Promise<PayStart> {
  if ((await portal.recentPayments(context.sql, me.tenant.id, me.customer.id, PAY_LIMITS.windowMinutes)) >= PAY_LIMITS.perCustomer) {
    return { ok: false, status: 429, reason: 'limited' };
  }
  const id = randomUUID();
  const workflowId = `mpesa-${me.tenant.id}-${id}`;
  await portal.startPayment(context.sql, { id, tenantId: me.tenant.id, customerId: me.customer.id, workflowId, phone: p.phone, amountCents: p.amountCents });
  const input: MpesaPaymentInput = {
    tenantId: me.tenant.id,
    customerId: me.customer.id,
    phone: p.phone,
    amountCents: p.amountCents,
    accountReference: me.customer.accountNumber.slice(0, 12),
    purpose: p.purpose,
    description: 'Internet',
    ...(me.workflowId ? { ownerWorkflowId: me.workflowId } : {}),
  };
  try {
    await context.temporal.withDeadline(Date.now() + 5_000, () =>
      context.temporal.workflow.start<typeof mpesaPayment>('mpesaPayment', { taskQueue: CORE_TASK_QUEUE, workflowId, args: [input] }),
    );
  } catch (err) {
    context.log.error({ err, customerId: me.customer.id }, 'portal payment did not start');
    return { ok: false, status: 503, reason: 'unavailable' };
  }
  return { ok: true, id };
}

/** The payment workflow's own status (the same plain-language messages the hotspot shows); undefined if it does not answer. */
export async function portalPaymentStatus(context: AppLoadContext, workflowId: string): Promise<MpesaPaymentStatus | undefined> {
  try {
    return await context.temporal.withDeadline(Date.now() + 3_000, () => context.temporal.workflow.getHandle(workflowId).query<MpesaPaymentStatus>(PAYMENT_STATUS_QUERY));
  } catch {
    return undefined;
  }
}
