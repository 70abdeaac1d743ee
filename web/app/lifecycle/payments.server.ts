import type { AppLoadContext } from '@remix-run/node';
import { signalCustomerPayment } from '../../../temporal/customer-lifecycle';

/**
 * Tells the customer's lifecycle about a payment staff just recorded. The payment is committed first;
 * if Temporal cannot be reached the credit still counts at the lifecycle's next step (it reads the ledger),
 * so this never fails the request.
 */
export async function tellLifecycleOfPayment(
  context: AppLoadContext,
  p: { tenantId: string; customerId: string; paymentId: string; amountCents: number; method: string; receipt: string | null },
): Promise<void> {
  try {
    await signalCustomerPayment(context.temporal, context.sql, {
      tenantId: p.tenantId,
      customerId: p.customerId,
      notice: { paymentId: p.paymentId, amountCents: p.amountCents, method: p.method, receipt: p.receipt },
    });
  } catch (err) {
    context.log.warn({ err, paymentId: p.paymentId }, 'payment recorded but its lifecycle workflow could not be signalled');
  }
}
