import type { Tx } from '../client';

export const ledger = {
  /** The wallet balance in cents: credits positive, charges negative (see ledger_entries). */
  async balance(tx: Tx, tenantId: string, customerId: string): Promise<number> {
    const [row] = await tx<{ cents: number }[]>`
      select coalesce(sum(amount_cents), 0)::bigint as cents from ledger_entries
      where tenant_id = ${tenantId} and customer_id = ${customerId}`;
    return row!.cents;
  },
};
