import type { Tx } from '../client';
import { customers, type CustomerScope, type CustomerStatus } from './customers';

export interface Overview {
  customersByStatus: Record<CustomerStatus, number>;
  activeSubscriptions: number;
  revenueTodayCents: number;
  revenueMonthCents: number;
  paymentsToday: number;
}

/** The back office's first screen. "Today" and "this month" are the tenant's local calendar (Africa/Nairobi). */
export async function overview(tx: Tx, scope: CustomerScope, timezone: string): Promise<Overview> {
  const reseller = scope.resellerId ? tx`and customer_id in (select id from customers where tenant_id = ${scope.tenantId} and reseller_id = ${scope.resellerId})` : tx``;
  const [subs] = await tx<{ n: number }[]>`
    select count(*) as n from subscriptions where tenant_id = ${scope.tenantId} and status = 'active' ${reseller}`;
  const [revenue] = await tx<{ today: number; month: number; paymentsToday: number }[]>`
    select
      coalesce(sum(amount_cents) filter (where received_at >= date_trunc('day', now() at time zone ${timezone}) at time zone ${timezone}), 0) as today,
      coalesce(sum(amount_cents), 0) as month,
      count(*) filter (where received_at >= date_trunc('day', now() at time zone ${timezone}) at time zone ${timezone}) as "paymentsToday"
    from payments
    where tenant_id = ${scope.tenantId} and received_at >= date_trunc('month', now() at time zone ${timezone}) at time zone ${timezone} ${reseller}`;
  return {
    customersByStatus: await customers.countByStatus(tx, scope),
    activeSubscriptions: subs!.n,
    revenueTodayCents: Number(revenue!.today),
    revenueMonthCents: Number(revenue!.month),
    paymentsToday: revenue!.paymentsToday,
  };
}
