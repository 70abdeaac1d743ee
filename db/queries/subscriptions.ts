import type { Tx } from '../client';

export interface CustomerSubscription {
  id: string;
  packageName: string;
  packageKind: 'pppoe' | 'hotspot';
  priceCents: number;
  serviceUsername: string;
  status: 'pending' | 'active' | 'suspended' | 'paused' | 'expired' | 'cancelled';
  currentPeriodEnd: Date | null;
  expiresAt: Date | null;
  createdAt: Date;
}

export const subscriptions = {
  async forCustomer(tx: Tx, tenantId: string, customerId: string): Promise<CustomerSubscription[]> {
    return tx<CustomerSubscription[]>`
      select s.id, p.name as "packageName", p.kind as "packageKind", p.price_cents as "priceCents",
        s.service_username as "serviceUsername", s.status, s.current_period_end as "currentPeriodEnd",
        s.expires_at as "expiresAt", s.created_at as "createdAt"
      from subscriptions s join packages p on p.tenant_id = s.tenant_id and p.id = s.package_id
      where s.tenant_id = ${tenantId} and s.customer_id = ${customerId}
      order by s.created_at desc`;
  },
};
