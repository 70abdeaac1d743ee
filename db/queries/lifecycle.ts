import type { Tx } from '../client';

/** What the lifecycle workflow needs from the tenant's settings, read once per run. */
export interface BillingPolicy {
  billingMode: 'prepaid' | 'postpaid';
  activateOn: 'payment' | 'installation';
  graceDays: number;
  reminderDays: number[];
  lateFeeBp: number;
  suspendAfterDays: number;
  invoiceDueDays: number;
  stkOnInvoice: boolean;
  paybill: string | null;
}

export interface LifecycleSnapshot {
  policy: BillingPolicy;
  customer: { firstName: string; accountNumber: string; phone: string; status: string; requestedPackageId: string | null };
  subscription: {
    id: string;
    packageId: string;
    routerId: string | null;
    serviceUsername: string;
    status: string;
    periodStart: Date | null;
    expiresAt: Date | null;
    pausedRemainingSeconds: number | null;
  } | null;
}

export interface TimelineRow {
  id: number;
  at: Date;
  kind: string;
  summary: string;
  detail: unknown;
}

export const lifecycle = {
  async snapshot(tx: Tx, tenantId: string, customerId: string): Promise<LifecycleSnapshot | undefined> {
    const [row] = await tx<(LifecycleSnapshot['policy'] & LifecycleSnapshot['customer'])[]>`
      select t.billing_mode as "billingMode", t.activate_on as "activateOn", t.grace_days as "graceDays", t.reminder_days as "reminderDays",
        t.late_fee_bp as "lateFeeBp", t.suspend_after_days as "suspendAfterDays", t.invoice_due_days as "invoiceDueDays",
        t.stk_on_invoice as "stkOnInvoice", t.paybill,
        c.first_name as "firstName", c.account_number as "accountNumber", c.phone, c.status, c.requested_package_id as "requestedPackageId"
      from customers c join tenants t on t.id = c.tenant_id
      where c.tenant_id = ${tenantId} and c.id = ${customerId}`;
    if (!row) return undefined;
    const [sub] = await tx<NonNullable<LifecycleSnapshot['subscription']>[]>`
      select id, package_id as "packageId", router_id as "routerId", service_username as "serviceUsername", status,
        current_period_start as "periodStart", expires_at as "expiresAt", paused_remaining_seconds as "pausedRemainingSeconds"
      from subscriptions where tenant_id = ${tenantId} and customer_id = ${customerId} and status <> 'cancelled'`;
    const { firstName, accountNumber, phone, status, requestedPackageId, ...policy } = row;
    return { policy, customer: { firstName, accountNumber, phone, status, requestedPackageId }, subscription: sub ?? null };
  },

  /** One timeline line per key: a retried step adds nothing. */
  async event(tx: Tx, e: { tenantId: string; customerId: string; key: string; at: Date; kind: string; summary: string; detail?: unknown }): Promise<void> {
    await tx`
      insert into lifecycle_events (tenant_id, customer_id, idempotency_key, at, kind, summary, detail)
      values (${e.tenantId}, ${e.customerId}, ${e.key}, ${e.at}, ${e.kind}, ${e.summary.slice(0, 300)}, ${e.detail === undefined ? null : tx.json(e.detail as never)})
      on conflict (idempotency_key) do nothing`;
  },

  async timeline(tx: Tx, tenantId: string, customerId: string, limit = 50): Promise<TimelineRow[]> {
    return tx<TimelineRow[]>`
      select id, at, kind, summary, detail from lifecycle_events
      where tenant_id = ${tenantId} and customer_id = ${customerId} order by at desc, id desc limit ${limit}`;
  },
};
