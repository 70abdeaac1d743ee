import type { Tx } from '../client';

export interface PaymentRow {
  id: string;
  method: 'mpesa_stk' | 'mpesa_c2b' | 'cash' | 'bank' | 'cheque' | 'voucher' | 'wallet';
  amountCents: number;
  externalRef: string | null;
  payerPhone: string | null;
  receivedAt: Date;
}

export const payments = {
  async recentForCustomer(tx: Tx, tenantId: string, customerId: string, limit = 10): Promise<PaymentRow[]> {
    return tx<PaymentRow[]>`
      select id, method, amount_cents as "amountCents", external_ref as "externalRef", payer_phone as "payerPhone",
        received_at as "receivedAt"
      from payments where tenant_id = ${tenantId} and customer_id = ${customerId}
      order by received_at desc, id limit ${limit}`;
  },
};
